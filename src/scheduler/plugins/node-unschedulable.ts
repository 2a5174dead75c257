// NodeUnschedulable: a cordoned node (spec.unschedulable) takes no new pods, unless the pod
// tolerates the node.kubernetes.io/unschedulable:NoSchedule taint (DaemonSet pods do).
import type { Pod } from '../../machinery/api-types.js';
import { taintKeys, toleratesTaint } from '../../machinery/taints.js';
import { unresolvable, type Plugin } from '../framework.js';

export const errReasonUnschedulable = "node(s) were unschedulable";

function toleratesUnschedulable(pod: Pod): boolean {
  return (pod.spec?.tolerations ?? []).some((t) => toleratesTaint(t, { key: taintKeys.unschedulable, effect: 'NoSchedule' }));
}

export const nodeUnschedulable: Plugin = {
  name: 'NodeUnschedulable',
  filter(state, node) {
    if (!node.node?.spec?.unschedulable || toleratesUnschedulable(state.pod.pod)) return;
    return unresolvable(errReasonUnschedulable);
  },
  isSchedulableAfter(event, info) {
    const pod = info.pod;
    switch (event.type) {
      case 'NodeAdd':
        return !event.node.spec?.unschedulable;
      case 'NodeUpdate':
        return event.changes.taints && Boolean(event.oldNode.spec?.unschedulable) && !event.node.spec?.unschedulable;
      case 'TargetPodUpdate':
        return event.changes.tolerations && toleratesUnschedulable(pod);
      default:
        return false;
    }
  },
};
