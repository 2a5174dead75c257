// NodePorts: a pod asking for host ports cannot go where another pod already holds one of them
// (same protocol and port, on the same address or either side binding 0.0.0.0).
import { unschedulable, type Plugin } from '../framework.js';
import { hostPortConflicts, newPodInfo } from '../pod-info.js';

export const errReasonPorts = "node(s) didn't have free ports for the requested pod ports";

export const nodePorts: Plugin = {
  name: 'NodePorts',
  preFilter(state) {
    if (state.pod.hostPorts.length === 0) return { status: { code: 'Skip', reasons: [] } };
  },
  filter(state, node) {
    if (state.pod.hostPorts.some((p) => hostPortConflicts(node.usedPorts, p))) return unschedulable(errReasonPorts);
  },
  isSchedulableAfter(event, info) {
    switch (event.type) {
      case 'NodeAdd':
        return true;
      case 'AssignedPodDelete': {
        const freed = newPodInfo(event.pod).hostPorts;
        return info.hostPorts.some((p) => hostPortConflicts(freed, p));
      }
      default:
        return false;
    }
  },
};
