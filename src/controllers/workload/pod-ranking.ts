// Which pods a controller deletes first when it scales down (pkg/controller's ActivePodsWithRanks,
// with LogarithmicScaleDown and PodDeletionCost, both on by default): unscheduled before
// scheduled, Pending before Unknown before Running, not ready before ready, lower
// controller.kubernetes.io/pod-deletion-cost first, pods doubled up on a node first, then the
// most recently ready, the most restarted, the most recently created (times compared on a
// logarithmic scale, ties broken by uid).
import type { Pod } from '../../machinery/api-types.js';
import { isPodActive, isPodReady, maxContainerRestarts, podReadySince } from './pod-status.js';

const phaseOrdinal: Record<string, number> = { Pending: 0, Unknown: 1, Running: 2 };
export const podDeletionCostAnnotation = 'controller.kubernetes.io/pod-deletion-cost';

function deletionCost(pod: Pod): number {
  const raw = pod.metadata?.annotations?.[podDeletionCostAnnotation];
  if (raw === undefined) return 0;
  const n = Number(raw);
  return Number.isInteger(n) && n >= -2147483648 && n <= 2147483647 ? n : 0;
}

function logRank(t: number, now: number): number {
  const d = (now - t) * 1e6; // Go compares durations in nanoseconds
  return d > 0 ? Math.floor(Math.log2(d)) : -1;
}

function creationTime(pod: Pod): number | undefined {
  const t = pod.metadata?.creationTimestamp ? Date.parse(pod.metadata.creationTimestamp) : NaN;
  return Number.isNaN(t) ? undefined : t;
}

/** Is `a` preferred for deletion over `b`? Times compared logarithmically against `now`. */
function compareTimes(a: number | undefined, b: number | undefined, now: number, uidA: string, uidB: string): number | undefined {
  if (a === b) return undefined;
  if (a === undefined || b === undefined) return a === undefined ? -1 : 1; // unknown first
  const diff = logRank(a, now) - logRank(b, now);
  if (diff === 0) return uidA < uidB ? -1 : uidA > uidB ? 1 : 0;
  return diff < 0 ? -1 : 1;
}

/**
 * `pods` sorted so that the ones to delete first come first. `related` are the pods the rank
 * counts per node (for a Deployment's ReplicaSet, the pods of all its ReplicaSets).
 */
export function rankPodsForDeletion(pods: readonly Pod[], related: readonly Pod[], now: number): Pod[] {
  const perNode = new Map<string, number>();
  for (const p of related) {
    if (!isPodActive(p)) continue;
    const node = p.spec?.nodeName ?? '';
    perNode.set(node, (perNode.get(node) ?? 0) + 1);
  }
  const rank = (p: Pod) => perNode.get(p.spec?.nodeName ?? '') ?? 0;
  return [...pods].sort((a, b) => {
    const byState = compareByState(a, b);
    if (byState !== 0) return byState;
    const readyA = isPodReady(a);
    const readyB = isPodReady(b);
    const costA = deletionCost(a);
    const costB = deletionCost(b);
    if (costA !== costB) return costA - costB;
    if (rank(a) !== rank(b)) return rank(b) - rank(a);
    const uidA = a.metadata?.uid ?? '';
    const uidB = b.metadata?.uid ?? '';
    if (readyA && readyB) {
      // Later-ready first: the log ranks compare ages, so the smaller age (more recent) wins.
      const byReady = compareTimes(podReadySince(a), podReadySince(b), now, uidA, uidB);
      if (byReady !== undefined && byReady !== 0) return byReady;
    }
    const restartsA = maxContainerRestarts(a);
    const restartsB = maxContainerRestarts(b);
    if (restartsA !== restartsB) return restartsB - restartsA;
    const byCreation = compareTimes(creationTime(a), creationTime(b), now, uidA, uidB);
    return byCreation ?? 0;
  });
}

/** Unscheduled before scheduled, Pending before Unknown before Running, not ready before ready. */
function compareByState(a: Pod, b: Pod): number {
  const nodeA = a.spec?.nodeName ?? '';
  const nodeB = b.spec?.nodeName ?? '';
  if (nodeA !== nodeB && (nodeA === '' || nodeB === '')) return nodeA === '' ? -1 : 1;
  const phaseA = phaseOrdinal[a.status?.phase ?? ''] ?? 0;
  const phaseB = phaseOrdinal[b.status?.phase ?? ''] ?? 0;
  if (phaseA !== phaseB) return phaseA - phaseB;
  const readyA = isPodReady(a);
  const readyB = isPodReady(b);
  if (readyA !== readyB) return readyA ? 1 : -1;
  return 0;
}

/**
 * pkg/controller's plain ActivePods order (Jobs give up surplus pods in it): by state as above,
 * then the most recently ready, the most restarted, the newest first, times compared exactly.
 */
export function compareActivePods(a: Pod, b: Pod): number {
  const byState = compareByState(a, b);
  if (byState !== 0) return byState;
  if (isPodReady(a) && isPodReady(b)) {
    const byReady = laterOrUnknownFirst(podReadySince(a), podReadySince(b));
    if (byReady !== 0) return byReady;
  }
  const restarts = maxContainerRestarts(b) - maxContainerRestarts(a);
  if (restarts !== 0) return restarts;
  return laterOrUnknownFirst(creationTime(a), creationTime(b));
}

function laterOrUnknownFirst(a: number | undefined, b: number | undefined): number {
  if (a === b) return 0;
  if (a === undefined || b === undefined) return a === undefined ? -1 : 1;
  return a > b ? -1 : 1;
}
