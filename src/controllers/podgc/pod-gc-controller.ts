// The pod garbage collector (pkg/controller/podgc). It force-deletes (grace period 0), after
// marking them Failed:
// - pods bound to a node that no longer exists, once the node has been missing for the 40 s
//   quarantine and a GET confirms it (with DisruptionTarget=True, DeletionByPodGC);
// - terminating pods on a node that is not Ready and carries the out-of-service taint;
// - terminating pods never bound to a node;
// - the oldest terminated pods beyond terminatedPodGCThreshold (12500), evicted ones first.
// Upstream looks at every pod every 20 s; here the pods concerned are looked at when they or
// their node change, and a missing node again when its quarantine ends.
import { isNotFound } from '../../client/local-client.js';
import type { Node, Pod } from '../../machinery/api-types.js';
import { disruptionTarget, updatePodCondition, type PodCondition } from '../../machinery/pod-conditions.js';
import { taintKeys } from '../../machinery/taints.js';
import type { ControllerContext, ControllerDefinition } from '../runtime/controller.js';
import { objectKey, splitKey } from '../runtime/informer.js';
import { podsByNode } from '../workload/pods-by-node.js';

export const podGcController: ControllerDefinition = {
  name: 'podgc',
  serviceAccount: 'pod-garbage-collector',
  aliases: ['pod-garbage-collector', 'pod-garbage-collector-controller'],
  start: startPodGcController,
};

/** kube-controller-manager's --terminated-pod-gc-threshold. */
export const terminatedPodGcThreshold = 12_500;
/** How long a node must be missing before its pods are deleted. */
const quarantineMs = 40_000;
const terminatedKey = 'terminated';

function isTerminated(pod: Pod): boolean {
  const phase = pod.status?.phase;
  return phase !== 'Pending' && phase !== 'Running' && phase !== 'Unknown';
}

function isEvicted(pod: Pod): boolean {
  return pod.status?.phase === 'Failed' && pod.status.reason === 'Evicted';
}

function isNodeReady(node: Node): boolean {
  return node.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
}

// byEvictionAndCreationTimestamp: evicted pods first, then the oldest, then by name.
function deletionOrder(a: Pod, b: Pod): number {
  const ea = isEvicted(a);
  const eb = isEvicted(b);
  if (ea !== eb) return ea ? -1 : 1;
  const ta = a.metadata?.creationTimestamp ?? '';
  const tb = b.metadata?.creationTimestamp ?? '';
  if (ta !== tb) return Date.parse(ta) - Date.parse(tb);
  return (a.metadata?.name ?? '') < (b.metadata?.name ?? '') ? -1 : 1;
}

function startPodGcController(ctx: ControllerContext) {
  const nodes = ctx.informers.forResource<Node>('', 'v1', 'nodes');
  const pods = ctx.informers.forResource<Pod>('', 'v1', 'pods');
  const podsOnNode = podsByNode(pods);
  const podClient = ctx.client.resource<Pod>('', 'v1', 'pods');
  const nodeClient = ctx.client.resource<Node>('', 'v1', 'nodes');
  const threshold = terminatedPodGcThreshold;
  /** Keys of terminated pods: only past the threshold are they looked at together. */
  const terminated = new Set<string>();

  const loop = ctx.reconcileLoop(sync, { name: 'podgc' });

  const podChanged = (pod: Pod) => {
    const key = objectKey(pod);
    if (isTerminated(pod)) terminated.add(key);
    else terminated.delete(key);
    if (terminated.size > threshold) loop.enqueue(terminatedKey);
    const nodeName = pod.spec?.nodeName;
    if (pod.metadata?.deletionTimestamp) loop.enqueue(nodeName ? `out-of-service:${nodeName}` : `unscheduled:${key}`);
    if (nodeName && !nodes.getByName(undefined, nodeName)) loop.enqueueAfter(`orphans:${nodeName}`, quarantineMs);
  };
  pods.addHandler({
    onAdd: podChanged,
    onUpdate: (_old, p) => podChanged(p),
    onDelete: (p) => terminated.delete(objectKey(p)),
  });
  nodes.addHandler({
    onUpdate: (_old, n) => loop.enqueue(`out-of-service:${n.metadata?.name ?? ''}`),
    onDelete: (n) => {
      const name = n.metadata?.name ?? '';
      if (podsOnNode(name).length) loop.enqueueAfter(`orphans:${name}`, quarantineMs);
    },
  });

  async function sync(key: string): Promise<void> {
    const colon = key.indexOf(':');
    const kind = colon < 0 ? key : key.slice(0, colon);
    const arg = colon < 0 ? '' : key.slice(colon + 1);
    switch (kind) {
      case terminatedKey:
        return gcTerminated();
      case 'orphans':
        return gcOrphaned(arg);
      case 'out-of-service':
        return gcTerminatingOutOfService(arg);
      case 'unscheduled':
        return gcUnscheduledTerminating(arg);
    }
  }

  async function gcTerminated(): Promise<void> {
    const candidates = [...terminated].map((k) => {
      const { namespace, name } = splitKey(k);
      return pods.getByName(namespace, name);
    });
    const list = candidates.filter((p): p is Pod => !!p && isTerminated(p));
    const excess = list.length - threshold;
    if (excess <= 0) return;
    ctx.log.info('Garbage collecting pods', { numPods: excess });
    await deleteAll(list.sort(deletionOrder).slice(0, excess));
  }

  async function gcOrphaned(nodeName: string): Promise<void> {
    if (nodes.getByName(undefined, nodeName)) return;
    const onNode = podsOnNode(nodeName);
    if (onNode.length === 0) return;
    // The informer may lag: only a GET says the node is really gone.
    if (await nodeClient.find(undefined, nodeName)) return;
    await deleteAll(onNode, disruptionTarget('DeletionByPodGC', 'PodGC: node no longer exists'), 'Forced deletion of orphaned Pod succeeded');
  }

  async function gcTerminatingOutOfService(nodeName: string): Promise<void> {
    const node = nodes.getByName(undefined, nodeName);
    if (!node || isNodeReady(node) || !(node.spec?.taints ?? []).some((t) => t.key === taintKeys.outOfService)) return;
    const terminating = podsOnNode(nodeName).filter((p) => p.metadata?.deletionTimestamp);
    await deleteAll(terminating.sort(deletionOrder));
  }

  async function gcUnscheduledTerminating(podKey: string): Promise<void> {
    const { namespace, name } = splitKey(podKey);
    const pod = pods.getByName(namespace, name);
    if (!pod || !pod.metadata?.deletionTimestamp || pod.spec?.nodeName) return;
    await deleteAll([pod], undefined, 'Forced deletion of unscheduled terminating Pod succeeded');
  }

  async function deleteAll(list: readonly Pod[], condition?: PodCondition, success?: string): Promise<void> {
    const results = await Promise.allSettled(list.map((p) => markFailedAndDelete(p, condition)));
    let failure: unknown;
    results.forEach((r, i) => {
      const pod = `${list[i]!.metadata?.namespace}/${list[i]!.metadata?.name}`;
      if (r.status === 'rejected') {
        failure ??= r.reason;
        ctx.log.error('could not delete pod', { pod, err: r.reason instanceof Error ? r.reason.message : String(r.reason) });
      } else if (success) ctx.log.info(success, { pod });
    });
    if (failure) throw failure;
  }

  // markFailedAndDeletePodWithCondition: a pod no kubelet will ever finish is recorded as Failed.
  async function markFailedAndDelete(pod: Pod, condition: PodCondition | undefined): Promise<void> {
    const namespace = pod.metadata?.namespace;
    const name = pod.metadata?.name ?? '';
    ctx.log.info('PodGC is force deleting Pod', { pod: `${namespace}/${name}` });
    try {
      if (pod.status?.phase !== 'Succeeded' && pod.status?.phase !== 'Failed') {
        // A patch, as PodGC's (its role may patch pods/status, not update it); the uid pins this very pod.
        const status = structuredClone(pod.status ?? {});
        status.phase = 'Failed';
        if (condition) updatePodCondition(status, condition, ctx.clock.now());
        await podClient.patch(namespace, name, 'strategic', { metadata: { uid: pod.metadata?.uid }, status: { phase: 'Failed', conditions: status.conditions } }, { subresource: 'status' });
      }
      await podClient.delete(namespace, name, { gracePeriodSeconds: 0 });
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }

  return { stop: () => loop.stop() };
}
