// The numbers of a rolling update (pkg/controller/deployment/util): how far maxSurge and
// maxUnavailable stretch, how many replicas a new ReplicaSet may have, and how a scaling event is
// shared out between the ReplicaSets of a rollout in progress.
import type { Deployment, ReplicaSet } from '../../machinery/api-types.js';
import { scaledValue } from '../workload/int-or-percent.js';


export const desiredReplicasAnnotation = 'deployment.kubernetes.io/desired-replicas';
export const maxReplicasAnnotation = 'deployment.kubernetes.io/max-replicas';
const maxInt32 = 2147483647;

export function replicasOf(obj: Deployment | ReplicaSet | undefined): number {
  return obj?.spec?.replicas ?? 0;
}

export function isRollingUpdate(d: Deployment): boolean {
  return (d.spec?.strategy?.type ?? 'RollingUpdate') === 'RollingUpdate';
}

/** maxSurge and maxUnavailable as numbers; never both zero. */
export function resolveFenceposts(d: Deployment): { surge: number; unavailable: number } {
  const desired = replicasOf(d);
  const ru = d.spec?.strategy?.rollingUpdate;
  const surge = scaledValue(ru?.maxSurge ?? '25%', desired, true);
  let unavailable = scaledValue(ru?.maxUnavailable ?? '25%', desired, false);
  if (surge === 0 && unavailable === 0) unavailable = 1;
  return { surge, unavailable };
}

export function maxSurge(d: Deployment): number {
  return isRollingUpdate(d) ? resolveFenceposts(d).surge : 0;
}

export function maxUnavailable(d: Deployment): number {
  if (!isRollingUpdate(d) || replicasOf(d) === 0) return 0;
  return Math.min(resolveFenceposts(d).unavailable, replicasOf(d));
}

export function hasProgressDeadline(d: Deployment): boolean {
  const s = d.spec?.progressDeadlineSeconds;
  return s !== undefined && s !== maxInt32;
}

export function hasRevisionHistoryLimit(d: Deployment): boolean {
  const l = d.spec?.revisionHistoryLimit;
  return l !== undefined && l !== maxInt32;
}

export const sumSpecReplicas = (rss: readonly (ReplicaSet | undefined)[]) => rss.reduce((n, rs) => n + replicasOf(rs), 0);
export const sumStatusReplicas = (rss: readonly (ReplicaSet | undefined)[]) => rss.reduce((n, rs) => n + (rs?.status?.replicas ?? 0), 0);
export const sumReadyReplicas = (rss: readonly (ReplicaSet | undefined)[]) => rss.reduce((n, rs) => n + (rs?.status?.readyReplicas ?? 0), 0);
export const sumAvailableReplicas = (rss: readonly (ReplicaSet | undefined)[]) => rss.reduce((n, rs) => n + (rs?.status?.availableReplicas ?? 0), 0);

/** Terminating pods of all ReplicaSets, unknown (undefined) when any ReplicaSet does not report them. */
export function sumTerminatingReplicas(rss: readonly (ReplicaSet | undefined)[]): number | undefined {
  let n = 0;
  for (const rs of rss) {
    if (!rs) continue;
    const t = rs.status?.terminatingReplicas;
    if (t === undefined) return undefined;
    n += t;
  }
  return n;
}

/** How many replicas the new ReplicaSet may have now. */
export function newReplicaSetReplicas(d: Deployment, allRSs: readonly ReplicaSet[], newRS: ReplicaSet): number {
  if (!isRollingUpdate(d)) return replicasOf(d);
  const current = sumSpecReplicas(allRSs);
  const maxTotal = replicasOf(d) + maxSurge(d);
  if (current >= maxTotal) return replicasOf(newRS);
  const scaleUp = Math.min(maxTotal - current, replicasOf(d) - replicasOf(newRS));
  return replicasOf(newRS) + scaleUp;
}

/** The new ReplicaSet has every replica of the Deployment, all available. */
export function isSaturated(d: Deployment, rs: ReplicaSet | undefined): boolean {
  if (!rs) return false;
  const desired = Number(rs.metadata?.annotations?.[desiredReplicasAnnotation]);
  return replicasOf(rs) === replicasOf(d) && desired === replicasOf(d) && (rs.status?.availableReplicas ?? 0) === replicasOf(d);
}

/** The replicas `rs` gains (or loses) when a scaling event of `toAdd` is shared out proportionally. */
export function proportion(rs: ReplicaSet, d: Deployment, toAdd: number, added: number): number {
  if (replicasOf(rs) === 0 || toAdd === 0 || toAdd === added) return 0;
  const fraction = replicaSetFraction(rs, d);
  const allowed = toAdd - added;
  return toAdd > 0 ? Math.min(fraction, allowed) : Math.max(fraction, allowed);
}

function replicaSetFraction(rs: ReplicaSet, d: Deployment): number {
  if (replicasOf(d) === 0) return -replicasOf(rs);
  const deploymentReplicas = replicasOf(d) + maxSurge(d);
  const annotated = Number(rs.metadata?.annotations?.[maxReplicasAnnotation]);
  const base = Number.isInteger(annotated) && rs.metadata?.annotations?.[maxReplicasAnnotation] !== undefined ? annotated : (d.status?.replicas ?? 0);
  const size = (replicasOf(rs) * deploymentReplicas) / base;
  return roundHalfAwayFromZero(size) - replicasOf(rs);
}

function roundHalfAwayFromZero(x: number): number {
  return x < 0 ? -Math.round(-x) : Math.round(x);
}

/** The desired-replicas and max-replicas annotations a ReplicaSet of `d` should carry. */
export function replicasAnnotations(d: Deployment): Record<string, string> {
  return { [desiredReplicasAnnotation]: String(replicasOf(d)), [maxReplicasAnnotation]: String(replicasOf(d) + maxSurge(d)) };
}
