// The cluster changes that may make an unschedulable pod schedulable (framework.ClusterEvent), as
// the scheduler derives them from informer events: which node properties changed
// (NodeSchedulingPropertiesChange) and which pod properties (PodSchedulingPropertiesChange).
import type { Node, Pod } from '../machinery/api-types.js';
import { podFitRequests } from './pod-resources.js';

export interface NodeChanges {
  allocatable: boolean;
  labels: boolean;
  /** Taints, or spec.unschedulable (which the scheduler files under taints). */
  taints: boolean;
  conditions: boolean;
  annotations: boolean;
}

export interface PodChanges {
  labels: boolean;
  /** Some resource request got smaller (in-place resize). */
  scaleDown: boolean;
  tolerations: boolean;
  schedulingGatesEliminated: boolean;
}

export type ClusterEvent =
  | { type: 'NodeAdd'; node: Node }
  | { type: 'NodeUpdate'; oldNode: Node; node: Node; changes: NodeChanges }
  | { type: 'NodeDelete'; node: Node }
  | { type: 'AssignedPodAdd'; pod: Pod }
  | { type: 'AssignedPodUpdate'; oldPod: Pod; pod: Pod; changes: PodChanges }
  /** An assigned pod went away: deleted, or finished (the scheduler does not count terminal pods). */
  | { type: 'AssignedPodDelete'; pod: Pod }
  /** The unscheduled pod itself was updated. */
  | { type: 'TargetPodUpdate'; oldPod: Pod; pod: Pod; changes: PodChanges }
  /** Periodic retry of pods left unschedulable for too long: every plugin agrees to requeue. */
  | { type: 'UnschedulableTimeout' };

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}

function sortedEntries(obj: Record<string, unknown> | undefined): [string, unknown][] {
  return Object.entries(obj ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/** Conditions compared without their heartbeat times, which kubelets bump on every status report. */
function conditionsWithoutHeartbeat(node: Node): unknown[] {
  return (node.status?.conditions ?? []).map(({ lastHeartbeatTime: _, ...rest }) => rest);
}

export function nodeChanges(oldNode: Node, node: Node): NodeChanges | undefined {
  const changes: NodeChanges = {
    allocatable: !same(sortedEntries(oldNode.status?.allocatable), sortedEntries(node.status?.allocatable)),
    labels: !same(sortedEntries(oldNode.metadata?.labels), sortedEntries(node.metadata?.labels)),
    taints: !same(oldNode.spec?.taints, node.spec?.taints) || Boolean(oldNode.spec?.unschedulable) !== Boolean(node.spec?.unschedulable),
    conditions: !same(conditionsWithoutHeartbeat(oldNode), conditionsWithoutHeartbeat(node)),
    annotations: !same(sortedEntries(oldNode.metadata?.annotations), sortedEntries(node.metadata?.annotations)),
  };
  return Object.values(changes).some(Boolean) ? changes : undefined;
}

export function podChanges(oldPod: Pod, pod: Pod): PodChanges {
  const oldRequests = podFitRequests(oldPod);
  const newRequests = podFitRequests(pod);
  return {
    labels: !same(sortedEntries(oldPod.metadata?.labels), sortedEntries(pod.metadata?.labels)),
    scaleDown: [...oldRequests].some(([name, v]) => (newRequests.get(name) ?? 0) < v),
    tolerations: (oldPod.spec?.tolerations?.length ?? 0) !== (pod.spec?.tolerations?.length ?? 0),
    schedulingGatesEliminated: (oldPod.spec?.schedulingGates?.length ?? 0) > 0 && (pod.spec?.schedulingGates?.length ?? 0) === 0,
  };
}
