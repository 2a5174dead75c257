// TaintToleration: a node with a NoSchedule or NoExecute taint the pod does not tolerate is out
// (preemption cannot change that); among the rest, nodes with fewer untolerated PreferNoSchedule
// taints score higher.
import type { Node, Pod } from '../../machinery/api-types.js';
import { toleratesTaint, type NodeTaint, type Toleration } from '../../machinery/taints.js';
import { defaultNormalizeScore, unresolvable, type Plugin } from '../framework.js';

function untolerated(node: Node, pod: Pod): boolean {
  const tolerations = pod.spec?.tolerations ?? [];
  return (node.spec?.taints ?? []).some(
    (t: NodeTaint) => (t.effect === 'NoSchedule' || t.effect === 'NoExecute') && !tolerations.some((tol) => toleratesTaint(tol, t)),
  );
}

function preferNoScheduleTolerations(pod: Pod): Toleration[] {
  return (pod.spec?.tolerations ?? []).filter((t) => !t.effect || t.effect === 'PreferNoSchedule');
}

export const taintToleration: Plugin = {
  name: 'TaintToleration',
  weight: 3,
  filter(state, node) {
    if (node.node && untolerated(node.node, state.pod.pod)) return unresolvable('node(s) had untolerated taint(s)');
  },
  preScore(state) {
    state.write('TaintToleration', preferNoScheduleTolerations(state.pod.pod));
  },
  score(state, node) {
    const tolerations = state.read<Toleration[]>('TaintToleration') ?? [];
    return (node.node?.spec?.taints ?? []).filter((t) => t.effect === 'PreferNoSchedule' && !tolerations.some((tol) => toleratesTaint(tol, t))).length;
  },
  normalizeScore(_state, scores) {
    defaultNormalizeScore(scores, true);
  },
  isSchedulableAfter(event, info) {
    const pod = info.pod;
    switch (event.type) {
      case 'NodeAdd':
        return !untolerated(event.node, pod);
      case 'NodeUpdate':
        return event.changes.taints && untolerated(event.oldNode, pod) && !untolerated(event.node, pod);
      case 'TargetPodUpdate':
        return event.changes.tolerations;
      default:
        return false;
    }
  },
};
