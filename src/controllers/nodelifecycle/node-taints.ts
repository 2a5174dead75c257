// The taints the node lifecycle controller owns: NoSchedule taints mirroring node conditions and
// spec.unschedulable (so the scheduler keeps new pods away), and the NoExecute not-ready and
// unreachable taints (so taint-based eviction moves pods away). Added taints carry timeAdded.
import type { ResourceClient } from '../../client/local-client.js';
import type { Node } from '../../machinery/api-types.js';
import { conditionTime } from '../../machinery/pod-conditions.js';
import { hasTaint, sameTaint, taintKeys, type NodeTaint } from '../../machinery/taints.js';

export const unreachableTaint: NodeTaint = { key: taintKeys.unreachable, effect: 'NoExecute' };
export const notReadyTaint: NodeTaint = { key: taintKeys.notReady, effect: 'NoExecute' };

// Which condition status taints a node with which key (nodeConditionToTaintKeyStatusMap).
const conditionTaints: Record<string, Record<string, string>> = {
  Ready: { False: taintKeys.notReady, Unknown: taintKeys.unreachable },
  MemoryPressure: { True: taintKeys.memoryPressure },
  DiskPressure: { True: taintKeys.diskPressure },
  NetworkUnavailable: { True: taintKeys.networkUnavailable },
  PIDPressure: { True: taintKeys.pidPressure },
};
const conditionTaintKeys = new Set<string>(Object.values(conditionTaints).flatMap((m) => Object.values(m)));

/** The NoSchedule taints the node's conditions and spec.unschedulable call for, and those it has. */
export function noScheduleTaintChanges(node: Node): { add: NodeTaint[]; remove: NodeTaint[] } {
  const wanted: NodeTaint[] = [];
  for (const c of node.status?.conditions ?? []) {
    const key = conditionTaints[c.type]?.[c.status];
    if (key) wanted.push({ key, effect: 'NoSchedule' });
  }
  if (node.spec?.unschedulable) wanted.push({ key: taintKeys.unschedulable, effect: 'NoSchedule' });
  const owned = (node.spec?.taints ?? []).filter(
    (t) => t.effect === 'NoSchedule' && (t.key === taintKeys.unschedulable || conditionTaintKeys.has(t.key)),
  );
  return {
    add: wanted.filter((w) => !owned.some((o) => sameTaint(o, w))),
    remove: owned.filter((o) => !wanted.some((w) => sameTaint(o, w))),
  };
}

/**
 * SwapNodeControllerTaint: adds (or refreshes) `add` with timeAdded now and removes `remove` (by
 * key and effect), in one write. Nothing is written when neither changes anything.
 */
export async function swapNodeTaints(nodes: ResourceClient<Node>, node: Node, add: readonly NodeTaint[], remove: readonly NodeTaint[], now: number): Promise<void> {
  const stamped = add.map((t) => ({ ...t, timeAdded: conditionTime(now) }));
  const needed = stamped.length > 0 || remove.some((t) => hasTaint(node.spec?.taints, t));
  if (!needed) return;
  await nodes.mutate(undefined, node.metadata?.name ?? '', (current) => {
    let taints = [...(current.spec?.taints ?? [])];
    for (const t of stamped) {
      const i = taints.findIndex((x) => sameTaint(x, t));
      if (i >= 0) taints[i] = t;
      else taints.push(t);
    }
    taints = taints.filter((x) => !remove.some((r) => sameTaint(x, r)));
    const spec = { ...current.spec };
    if (taints.length) spec.taints = taints;
    else delete spec.taints;
    return { ...current, spec };
  });
}

/** RemoveTaintOffNode: only writes when the node has one of the taints. */
export async function removeNodeTaints(nodes: ResourceClient<Node>, node: Node, taints: readonly NodeTaint[], now: number): Promise<boolean> {
  if (!taints.some((t) => hasTaint(node.spec?.taints, t))) return false;
  await swapNodeTaints(nodes, node, [], taints, now);
  return true;
}

// labelReconcileInfo: the beta OS and arch labels follow the stable ones.
const reconciledLabels: readonly [primary: string, secondary: string][] = [
  ['kubernetes.io/os', 'beta.kubernetes.io/os'],
  ['kubernetes.io/arch', 'beta.kubernetes.io/arch'],
];

export async function reconcileNodeLabels(nodes: ResourceClient<Node>, node: Node): Promise<void> {
  const labels = node.metadata?.labels;
  if (!labels) return;
  const updates: Record<string, string> = {};
  for (const [primary, secondary] of reconciledLabels) {
    const value = labels[primary];
    if (value !== undefined && labels[secondary] !== value) updates[secondary] = value;
  }
  if (Object.keys(updates).length === 0) return;
  await nodes.mutate(undefined, node.metadata?.name ?? '', (current) => ({
    ...current,
    metadata: { ...current.metadata, labels: { ...current.metadata?.labels, ...updates } },
  }));
}
