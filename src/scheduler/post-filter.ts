// PostFilter, run when no node fits: the DynamicResources plugin (which would deallocate idle
// ResourceClaims) and then DefaultPreemption (which would evict lower-priority pods). kubemu
// evicts nothing; it says what kube-scheduler says when there is nothing to evict, so the
// FailedScheduling message ends as on a real cluster:
//   "no new claims to deallocate, preemption: 0/3 nodes are available: 1 Preemption is not
//    helpful for scheduling, 2 No preemption victims found for incoming pod."
import { Diagnosis, fitErrorMessage } from './fit-error.js';
import { CycleState, runFilter, runPreFilter, unresolvable, type Plugin, type Status } from './framework.js';
import type { NodeInfo } from './node-info.js';
import { podPriority, type PodInfo } from './pod-info.js';

export const preemptionNotHelpful = 'Preemption is not helpful for scheduling';
export const noPreemptionVictims = 'No preemption victims found for incoming pod';

export interface PostFilterInput {
  pod: PodInfo;
  diagnosis: Diagnosis;
  /** Every node of the snapshot, in order. */
  nodes: readonly NodeInfo[];
  plugins: readonly Plugin[];
  /** False when PreFilter stopped before the DynamicResources plugin's PreFilter ran. */
  preFilterCompleted: boolean;
}

/**
 * framework.RunPostFilterPlugins' message: the plugins' reasons joined with ", ". A plugin that
 * fails with an error ends the run with its error as the message.
 */
export function postFilterMessage(input: PostFilterInput): string {
  // DynamicResources.PostFilter reads the state its PreFilter wrote; without it, CycleState.Read fails.
  if (!input.preFilterCompleted) return 'not found';
  return ['no new claims to deallocate', `preemption: ${preemptionMessage(input)}`].join(', ');
}

/** DefaultPreemption (Evaluator.Preempt) when it finds no candidate node. */
function preemptionMessage(input: PostFilterInput): string {
  const pod = input.pod.pod;
  if (pod.spec?.preemptionPolicy === 'Never') return 'not eligible due to preemptionPolicy=Never.';
  const d = input.diagnosis;
  // Only nodes a Filter plugin found Unschedulable (not Unresolvable) could be helped by evicting pods.
  const dryRun = new Diagnosis();
  for (const node of input.nodes) {
    const status = d.nodeStatuses.get(node.name) ?? d.absentStatus;
    if (status?.code !== 'Unschedulable') continue;
    dryRun.nodeStatuses.set(node.name, selectVictims(input, node));
  }
  dryRun.absentStatus = unresolvable(preemptionNotHelpful);
  return fitErrorMessage(input.nodes.length, dryRun);
}

/**
 * SelectVictimsOnNode, up to the point kubemu goes: with no lower-priority pod there is nothing to
 * evict; otherwise the node is tried without all of them, and what still rejects the pod is the
 * node's reason.
 */
function selectVictims(input: PostFilterInput, node: NodeInfo): Status {
  const priority = podPriority(input.pod.pod);
  const lower = [...node.pods.values()].filter((p) => podPriority(p.pod) < priority);
  if (lower.length === 0) return unresolvable(noPreemptionVictims);
  const without = node.clone();
  for (const p of lower) without.removePod(p.key);
  const nodes = input.nodes.map((n) => (n.name === node.name ? without : n));
  const state = new CycleState(input.pod, nodes);
  const pre = runPreFilter(input.plugins, state);
  if (pre.status) return pre.status;
  // Evicting them would make room, and kube-scheduler would preempt; kubemu evicts nothing, so
  // the node has no victims to offer.
  return runFilter(input.plugins, state, without) ?? unresolvable(noPreemptionVictims);
}
