// Which nodes a DaemonSet runs on (daemon_controller.go's NodeShouldRunDaemonPod and the daemon
// util's tolerations): the template's nodeName, nodeSelector and required node affinity must match
// the node, and its taints must be tolerated, counting the tolerations every daemon pod gets. A
// node with an untolerated NoSchedule taint gets no new daemon pod but keeps a running one; only
// an untolerated NoExecute taint removes it. spec.unschedulable is not looked at (the scheduler's
// unschedulable taint is tolerated by every daemon pod).
import type { DaemonSet, Node, PodSpec } from '../../machinery/api-types.js';
import { matchesRequiredNodeAffinity } from '../../machinery/node-affinity.js';
import { toleratesTaint, type NodeTaint, type Toleration } from '../../machinery/taints.js';


/** util.AddOrUpdateDaemonPodTolerations: node problems never evict or keep out a daemon pod. */
export function addDaemonPodTolerations(spec: PodSpec): void {
  const wanted: Toleration[] = [
    { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute' },
    { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute' },
    { key: 'node.kubernetes.io/disk-pressure', operator: 'Exists', effect: 'NoSchedule' },
    { key: 'node.kubernetes.io/memory-pressure', operator: 'Exists', effect: 'NoSchedule' },
    { key: 'node.kubernetes.io/pid-pressure', operator: 'Exists', effect: 'NoSchedule' },
    { key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoSchedule' },
  ];
  if (spec.hostNetwork) wanted.push({ key: 'node.kubernetes.io/network-unavailable', operator: 'Exists', effect: 'NoSchedule' });
  for (const t of wanted) addOrUpdateToleration(spec, t);
}

// v1helper.AddOrUpdateTolerationInPodSpec: a toleration for the same key, operator, value and
// effect is replaced (dropping, say, its tolerationSeconds); otherwise the new one is appended.
function addOrUpdateToleration(spec: PodSpec, toleration: Toleration): void {
  const current = spec.tolerations ?? [];
  const same = (t: Toleration) =>
    (t.key ?? '') === (toleration.key ?? '') &&
    (t.effect ?? '') === (toleration.effect ?? '') &&
    (t.operator ?? '') === (toleration.operator ?? '') &&
    (t.value ?? '') === (toleration.value ?? '');
  let replaced = false;
  const next = current.map((t) => {
    if (!same(t)) return t;
    replaced = true;
    return toleration;
  });
  if (!replaced) next.push(toleration);
  spec.tolerations = next;
}

export interface NodeVerdict {
  /** A daemon pod should be created here if there is none. */
  shouldRun: boolean;
  /** A daemon pod already here may stay. */
  shouldContinueRunning: boolean;
}

export function nodeShouldRunDaemonPod(node: Node, ds: DaemonSet): NodeVerdict {
  const template = ds.spec?.template?.spec;
  const nodeName = node.metadata?.name ?? '';
  if (template?.nodeName && template.nodeName !== nodeName) return { shouldRun: false, shouldContinueRunning: false };
  const spec: PodSpec = { ...(template ?? { containers: [] }), tolerations: [...(template?.tolerations ?? [])] };
  addDaemonPodTolerations(spec);
  if (!matchesRequiredNodeAffinity({ spec }, node)) return { shouldRun: false, shouldContinueRunning: false };
  const taints = node.spec?.taints ?? [];
  const tolerations = spec.tolerations ?? [];
  if (hasUntoleratedTaint(taints, tolerations, ['NoExecute', 'NoSchedule'])) {
    return { shouldRun: false, shouldContinueRunning: !hasUntoleratedTaint(taints, tolerations, ['NoExecute']) };
  }
  return { shouldRun: true, shouldContinueRunning: true };
}

function hasUntoleratedTaint(taints: readonly NodeTaint[], tolerations: readonly Toleration[], effects: readonly string[]): boolean {
  return taints.some((taint) => effects.includes(taint.effect) && !tolerations.some((t) => toleratesTaint(t, taint)));
}
