// Until fake kubelets run pods, tests play the kubelet: they write pod status as it would (the
// way upstream controller tests do).
import type { LocalClient } from '../client/local-client.js';
import type { Pod } from '../machinery/api-types.js';

const time = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

/** Running and Ready since `at` (ms). */
export async function markPodReady(client: LocalClient, pod: Pod, at: number): Promise<Pod> {
  return client.resource<Pod>('', 'v1', 'pods').mutate(pod.metadata?.namespace, pod.metadata?.name ?? '', (p) => ({
    ...p,
    status: {
      ...p.status,
      phase: 'Running',
      conditions: [
        { type: 'Ready', status: 'True', lastTransitionTime: time(at) },
        { type: 'ContainersReady', status: 'True', lastTransitionTime: time(at) },
      ],
    },
  }), 'status');
}

/** Finished with the given phase. */
export async function markPodFinished(client: LocalClient, pod: Pod, phase: 'Succeeded' | 'Failed', at: number, exitCode = phase === 'Succeeded' ? 0 : 1): Promise<Pod> {
  return client.resource<Pod>('', 'v1', 'pods').mutate(pod.metadata?.namespace, pod.metadata?.name ?? '', (p) => ({
    ...p,
    status: {
      ...p.status,
      phase,
      conditions: [{ type: 'Ready', status: 'False', lastTransitionTime: time(at), reason: 'PodCompleted' }],
      containerStatuses: (p.spec?.containers ?? []).map((c) => ({
        name: c.name,
        image: c.image ?? '',
        imageID: '',
        ready: false,
        restartCount: 0,
        state: { terminated: { exitCode, reason: phase === 'Succeeded' ? 'Completed' : 'Error', startedAt: time(at), finishedAt: time(at) } },
      })),
    },
  }), 'status');
}
