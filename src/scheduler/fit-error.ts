// Why a pod fits nowhere, and the sentence kube-scheduler makes of it (framework.Diagnosis and
// FitError.Error): "0/<nodes> nodes are available: <PreFilter message>." or a histogram of the
// per-node reasons, each "<count> <reason>", sorted as strings and joined with ", ", followed by
// the PostFilter (preemption) message.
import type { Status } from './framework.js';

export class Diagnosis {
  /** Nodes a Filter plugin rejected, with the status of the first plugin that did. */
  readonly nodeStatuses = new Map<string, Status>();
  /** The status of every node not in nodeStatuses (PreFilter rejected the pod, or left them out). */
  absentStatus: Status | undefined;
  /** Plugins that rejected the pod somewhere: their queueing hints decide when it is retried. */
  readonly unschedulablePlugins = new Set<string>();
  preFilterMessage = '';
  postFilterMessage = '';

  addPluginStatus(s: Status): void {
    if (s.plugin && (s.code === 'Unschedulable' || s.code === 'UnschedulableAndUnresolvable')) this.unschedulablePlugins.add(s.plugin);
  }
}

/** How many nodes gave each reason, as "count reason" strings in byte order (sort.Strings). */
export function reasonHistogram(numAllNodes: number, nodeStatuses: ReadonlyMap<string, Status>, absent: Status | undefined): string[] {
  const counts = new Map<string, number>();
  for (const s of nodeStatuses.values()) for (const r of s.reasons) counts.set(r, (counts.get(r) ?? 0) + 1);
  const absentNodes = numAllNodes - nodeStatuses.size;
  if (absent && absentNodes > 0) for (const r of absent.reasons) counts.set(r, (counts.get(r) ?? 0) + absentNodes);
  return [...counts].map(([reason, n]) => `${n} ${reason}`).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** FitError.Error(). */
export function fitErrorMessage(numAllNodes: number, d: Diagnosis): string {
  let msg = `0/${numAllNodes} nodes are available:`;
  if (d.preFilterMessage !== '') msg += ` ${d.preFilterMessage}.`;
  else {
    const histogram = reasonHistogram(numAllNodes, d.nodeStatuses, d.absentStatus);
    if (histogram.length > 0) msg += ` ${histogram.join(', ')}.`;
  }
  if (d.postFilterMessage !== '') msg += ` ${d.postFilterMessage}`;
  return msg;
}
