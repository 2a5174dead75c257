// pods/binding (the scheduler's write): sets a pod's spec.nodeName, once, and never for a pod
// being deleted — kube-apiserver's BindingREST.
import { badRequest, conflict } from '../apierrors/index.js';
import type { Pod } from '../machinery/api-types.js';
import type { KubeObject } from '../machinery/object.js';
import type { WriteOptions } from './request-options.js';
import type { ResourceStore } from './store.js';

export async function bindPod(pods: ResourceStore, namespace: string | undefined, podName: string, binding: KubeObject, opts: WriteOptions): Promise<void> {
  const target = (binding.target ?? {}) as { kind?: string; name?: string };
  if (!target.name) throw badRequest('Binding target name is required');
  if (target.kind && target.kind !== 'Node') throw badRequest(`Binding target kind must be Node, got ${target.kind}`);
  await pods.guaranteedUpdate(namespace, podName, { ...opts, fieldValidation: 'Ignore' }, 'binding', (current) => {
    if (!current) throw badRequest(`pods "${podName}" not found`);
    const pod = structuredClone(current) as Pod;
    if (pod.metadata?.deletionTimestamp) throw conflict({ group: '', resource: 'pods' }, podName, 'pod is being deleted, cannot be assigned to a host');
    if (pod.spec?.nodeName) {
      throw conflict({ group: '', resource: 'pods' }, podName, `pod ${podName} is already assigned to node "${pod.spec.nodeName}"`);
    }
    pod.spec = { ...pod.spec!, nodeName: target.name };
    return { update: pod as KubeObject };
  });
}
