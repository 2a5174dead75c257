// NodeResourcesFit: the pod's requests must fit in the node's allocatable minus what the pods
// already there request, and one more pod must be allowed; a request larger than the whole node
// is unresolvable (preemption could not help). It scores with the default LeastAllocated strategy
// (cpu and memory, weight 1 each, counting 100m/200Mi for containers without requests).
// NodeResourcesBalancedAllocation scores nodes whose cpu and memory would be used in similar
// shares higher; it leaves best-effort pods alone.
import type { Node, Pod } from '../../machinery/api-types.js';
import { maxNodeScore, unresolvable, unschedulable, type Plugin, type Status } from '../framework.js';
import { NodeInfo } from '../node-info.js';
import { isScalarResourceName, nodeAllocatable, podFitRequests, type ResourceAmounts } from '../pod-resources.js';

interface Insufficient {
  reason: string;
  unresolvable: boolean;
}

const checked = ['cpu', 'memory', 'ephemeral-storage'];

/** fitsRequest: every shortfall, the pod count first, then cpu, memory, storage and scalar resources. */
function insufficientResources(request: ResourceAmounts, node: NodeInfo): Insufficient[] {
  const out: Insufficient[] = [];
  if (node.pods.size + 1 > node.allocatable.pods) out.push({ reason: 'Too many pods', unresolvable: false });
  const alloc = node.allocatable.amounts;
  const check = (name: string, wanted: number) => {
    if (wanted <= 0) return;
    const capacity = alloc.get(name) ?? 0;
    if (wanted > capacity - (node.requested.get(name) ?? 0)) out.push({ reason: `Insufficient ${name}`, unresolvable: wanted > capacity });
  };
  for (const name of checked) check(name, request.get(name) ?? 0);
  for (const [name, wanted] of request) if (isScalarResourceName(name)) check(name, wanted);
  return out;
}

function fitStatus(request: ResourceAmounts, node: NodeInfo): Status | undefined {
  const insufficient = insufficientResources(request, node);
  if (insufficient.length === 0) return undefined;
  const reasons = insufficient.map((i) => i.reason);
  return insufficient.some((i) => i.unresolvable) ? unresolvable(...reasons) : unschedulable(...reasons);
}

/** Whether the pod would fit on the node when it is empty (the queueing hint for new or grown nodes). */
function fitsEmptyNode(pod: Pod, node: Node): boolean {
  return fitStatus(podFitRequests(pod), new NodeInfo(node.metadata?.name ?? '', node)) === undefined;
}

function allocatableGrew(pod: Pod, oldNode: Node, node: Node): boolean {
  const before = nodeAllocatable(oldNode);
  const after = nodeAllocatable(node);
  if (after.pods > before.pods) return true;
  for (const [name, v] of podFitRequests(pod)) if (v > 0 && (after.amounts.get(name) ?? 0) > (before.amounts.get(name) ?? 0)) return true;
  return false;
}

/** Whether a scheduled pod giving back resources frees something the pod asks for. */
function freesRequested(pod: Pod, oldPod: Pod, newPod: Pod): boolean {
  const before = podFitRequests(oldPod);
  const after = podFitRequests(newPod);
  for (const [name, v] of podFitRequests(pod)) if (v > 0 && (after.get(name) ?? 0) < (before.get(name) ?? 0)) return true;
  return false;
}

function leastRequestedScore(requested: number, capacity: number): number {
  if (capacity === 0 || requested > capacity) return 0;
  return Math.trunc(((capacity - requested) * maxNodeScore) / capacity);
}

export const nodeResourcesFit: Plugin = {
  name: 'NodeResourcesFit',
  weight: 1,
  filter(state, node) {
    return fitStatus(state.pod.fit, node);
  },
  score(state, node) {
    // LeastAllocated over cpu and memory (weight 1 each); a resource the node lacks is left out.
    const parts = [
      [node.nonZeroRequested.cpu + state.pod.nonZero.cpu, node.allocatable.amounts.get('cpu') ?? 0],
      [node.nonZeroRequested.memory + state.pod.nonZero.memory, node.allocatable.amounts.get('memory') ?? 0],
    ].filter(([, capacity]) => capacity !== 0);
    if (parts.length === 0) return 0;
    return Math.trunc(parts.reduce((sum, [requested, capacity]) => sum + leastRequestedScore(requested!, capacity!), 0) / parts.length);
  },
  isSchedulableAfter(event, info) {
    const pod = info.pod;
    switch (event.type) {
      case 'NodeAdd':
        return fitsEmptyNode(pod, event.node);
      case 'NodeUpdate':
        return event.changes.allocatable && fitsEmptyNode(pod, event.node) && allocatableGrew(pod, event.oldNode, event.node);
      case 'AssignedPodDelete':
        return true;
      case 'AssignedPodUpdate':
        return event.changes.scaleDown && freesRequested(pod, event.oldPod, event.pod);
      case 'TargetPodUpdate':
        return event.changes.scaleDown;
      default:
        return false;
    }
  },
};

export const nodeResourcesBalancedAllocation: Plugin = {
  name: 'NodeResourcesBalancedAllocation',
  weight: 1,
  preScore(state) {
    // Best-effort pods would all pile onto one node otherwise (kubernetes#129138).
    if ((state.pod.fit.get('cpu') ?? 0) === 0 && (state.pod.fit.get('memory') ?? 0) === 0) return 'skip';
  },
  score(state, node) {
    const fractions: number[] = [];
    for (const name of ['cpu', 'memory']) {
      const capacity = node.allocatable.amounts.get(name) ?? 0;
      if (capacity === 0) continue;
      fractions.push(Math.min(1, ((node.requested.get(name) ?? 0) + (state.pod.fit.get(name) ?? 0)) / capacity));
    }
    const std = fractions.length === 2 ? Math.abs((fractions[0]! - fractions[1]!) / 2) : 0;
    return Math.trunc((1 - std) * maxNodeScore);
  },
};

