// The order in which a Job gives up surplus active pods (pkg/controller's ActivePods sort, without
// the ReplicaSet's logarithmic ranks and deletion costs): unscheduled before scheduled, Pending
// before Unknown before Running, not ready before ready, the most recently ready first, the most
// restarted first, the newest first.
import type { Pod } from '../../machinery/api-types.js';
import { isPodReady, maxContainerRestarts, podReadySince } from '../workload/pod-status.js';

const phaseOrdinal: Record<string, number> = { Pending: 0, Unknown: 1, Running: 2 };

export function compareActivePods(a: Pod, b: Pod): number {
  const nodeA = a.spec?.nodeName ?? '';
  const nodeB = b.spec?.nodeName ?? '';
  if (nodeA !== nodeB && (nodeA === '' || nodeB === '')) return nodeA === '' ? -1 : 1;
  const phaseA = phaseOrdinal[a.status?.phase ?? ''] ?? 0;
  const phaseB = phaseOrdinal[b.status?.phase ?? ''] ?? 0;
  if (phaseA !== phaseB) return phaseA - phaseB;
  const readyA = isPodReady(a);
  const readyB = isPodReady(b);
  if (readyA !== readyB) return readyA ? 1 : -1;
  if (readyA && readyB) {
    const byReady = laterOrUnknownFirst(podReadySince(a), podReadySince(b));
    if (byReady !== 0) return byReady;
  }
  const restarts = maxContainerRestarts(b) - maxContainerRestarts(a);
  if (restarts !== 0) return restarts;
  return laterOrUnknownFirst(timeOf(a.metadata?.creationTimestamp), timeOf(b.metadata?.creationTimestamp));
}

function timeOf(text: string | undefined): number | undefined {
  const t = text ? Date.parse(text) : NaN;
  return Number.isNaN(t) ? undefined : t;
}

function laterOrUnknownFirst(a: number | undefined, b: number | undefined): number {
  if (a === b) return 0;
  if (a === undefined || b === undefined) return a === undefined ? -1 : 1;
  return a > b ? -1 : 1;
}
