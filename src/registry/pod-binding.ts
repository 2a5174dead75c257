// pods/binding (the scheduler's write): sets a pod's spec.nodeName, once, never for a pod being
// deleted or still held by scheduling gates, and marks it PodScheduled=True in the same write —
// kube-apiserver's BindingREST (setPodNodeAndMetadata). Refusals are 409 Conflicts on
// "pods/binding", as BindingREST wraps them.
import { badRequest, conflict, notFound } from '../apierrors/index.js';
import type { Pod } from '../machinery/api-types.js';
import type { KubeObject } from '../machinery/object.js';
import { updatePodCondition } from '../machinery/pod-conditions.js';
import type { WriteOptions } from './request-options.js';
import type { ResourceStore } from './store.js';

const bindingResource = { group: '', resource: 'pods/binding' };

export async function bindPod(pods: ResourceStore, namespace: string | undefined, podName: string, binding: KubeObject, opts: WriteOptions): Promise<void> {
  const target = (binding.target ?? {}) as { kind?: string; name?: string };
  if (!target.name) throw badRequest('Binding target name is required');
  if (target.kind && target.kind !== 'Node') throw badRequest(`Binding target kind must be Node, got ${target.kind}`);
  await pods.guaranteedUpdate(namespace, podName, { ...opts, fieldValidation: 'Ignore' }, 'binding', (current) => {
    if (!current) throw notFound({ group: '', resource: 'pods' }, podName);
    // The store hands this attempt its own copy of the pod: no need for another.
    const pod = current as Pod;
    if (pod.metadata?.deletionTimestamp) throw conflict(bindingResource, podName, `pod ${podName} is being deleted, cannot be assigned to a host`);
    if (pod.spec?.nodeName) throw conflict(bindingResource, podName, `pod ${podName} is already assigned to node "${pod.spec.nodeName}"`);
    if (pod.spec?.schedulingGates?.length) throw conflict(bindingResource, podName, `pod ${podName} has non-empty .spec.schedulingGates`);
    pod.spec = { ...pod.spec!, nodeName: target.name };
    // BindingREST writes the pod without the field manager: a binding leaves no managedFields entry.
    return { update: pod as KubeObject, managedFieldsSet: true };
  });
}

/**
 * What binding does to the pod's status, at the store's `now`: PodScheduled becomes True (no
 * reason or message; the transition time kept if it was True already). The pod strategy calls it
 * for writes through the binding subresource, where the clock is at hand.
 */
export function markPodScheduled(pod: Pod, now: Date): void {
  pod.status ??= {};
  updatePodCondition(pod.status, { type: 'PodScheduled', status: 'True' }, now.getTime());
}
