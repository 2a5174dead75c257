// MarkPodsNotReady: when the controller finds a node gone silent, the pods on it can no longer be
// counted as serving: their Ready condition turns False (Services drop their endpoints) and each
// gets a NodeNotReady event. The kubelet would do this itself, were it there to do it.
import { isNotFound, type ResourceClient } from '../../client/local-client.js';
import type { Pod } from '../../machinery/api-types.js';
import { updatePodCondition } from '../../machinery/pod-conditions.js';
import type { EventRecorder } from '../runtime/event-recorder.js';

export async function markPodsNotReady(pods: ResourceClient<Pod>, recorder: EventRecorder, podsOnNode: readonly Pod[], nodeName: string, now: number): Promise<void> {
  const errors: unknown[] = [];
  for (const cached of podsOnNode) {
    if (cached.spec?.nodeName !== nodeName) continue;
    const ready = cached.status?.conditions?.find((c) => c.type === 'Ready');
    if (!ready) continue;
    const pod = structuredClone(cached);
    if (!updatePodCondition(pod.status!, { ...ready, status: 'False' }, now)) continue;
    try {
      await pods.updateStatus(pod.metadata?.namespace, pod);
    } catch (err) {
      if (isNotFound(err)) continue;
      errors.push(err);
    }
    recorder.event(
      { apiVersion: 'v1', kind: 'Pod', metadata: { name: pod.metadata?.name, namespace: pod.metadata?.namespace, uid: pod.metadata?.uid, resourceVersion: pod.metadata?.resourceVersion } },
      'Warning',
      'NodeNotReady',
      'Node is not ready',
    );
  }
  if (errors.length) throw errors[0] instanceof Error ? errors[0] : new Error(String(errors[0]));
}
