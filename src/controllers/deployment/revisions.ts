// Revision bookkeeping on a Deployment's ReplicaSets: the revision annotation kubectl rollout
// history reads, the revision-history of numbers a ReplicaSet had before a rollback reused it, and
// the Deployment annotations copied onto its new ReplicaSet.
import type { Deployment, ReplicaSet } from '../../machinery/api-types.js';
import { desiredReplicasAnnotation, maxReplicasAnnotation, replicasAnnotations } from './rollout-math.js';

export const revisionAnnotation = 'deployment.kubernetes.io/revision';
export const revisionHistoryAnnotation = 'deployment.kubernetes.io/revision-history';
const maxRevisionHistoryChars = 2000;

// Never copied from the Deployment: kubectl's bookkeeping and the controller's own.
const annotationsNotCopied = new Set([
  'kubectl.kubernetes.io/last-applied-configuration',
  revisionAnnotation,
  revisionHistoryAnnotation,
  desiredReplicasAnnotation,
  maxReplicasAnnotation,
  'deprecated.deployment.rollback.to',
]);

export function revisionOf(rs: ReplicaSet | undefined): number {
  const n = Number(rs?.metadata?.annotations?.[revisionAnnotation] ?? '0');
  return Number.isInteger(n) ? n : 0;
}

export function maxRevision(rss: readonly ReplicaSet[]): number {
  return rss.reduce((max, rs) => Math.max(max, revisionOf(rs)), 0);
}

/**
 * Brings a ReplicaSet's annotations in line with its Deployment for `newRevision` (in place).
 * `exists`: it is an existing ReplicaSet (a new one also gets the replica annotations). Returns
 * whether anything changed.
 */
export function setNewReplicaSetAnnotations(d: Deployment, rs: ReplicaSet, newRevision: number, exists: boolean): boolean {
  const meta = (rs.metadata ??= {});
  const annotations = (meta.annotations ??= {});
  let changed = false;
  for (const [k, v] of Object.entries(d.metadata?.annotations ?? {})) {
    if (annotationsNotCopied.has(k) || annotations[k] === v) continue;
    annotations[k] = v;
    changed = true;
  }
  const oldRevisionText = annotations[revisionAnnotation];
  const oldRevision = oldRevisionText === undefined ? 0 : Number(oldRevisionText);
  if (oldRevisionText !== undefined && !Number.isInteger(oldRevision)) return changed;
  if (oldRevision < newRevision) {
    annotations[revisionAnnotation] = String(newRevision);
    changed = true;
    // A rollback reuses an old ReplicaSet: remember the revisions it had.
    if (oldRevisionText !== undefined) {
      const history = annotations[revisionHistoryAnnotation];
      if (!history) annotations[revisionHistoryAnnotation] = oldRevisionText;
      else {
        let revisions = history.split(',');
        let total = history.length + oldRevisionText.length + 1;
        while (total > maxRevisionHistoryChars && revisions.length) total -= revisions.shift()!.length + 1;
        if (total <= maxRevisionHistoryChars) annotations[revisionHistoryAnnotation] = [...revisions, oldRevisionText].join(',');
      }
    }
  }
  if (!exists) {
    for (const [k, v] of Object.entries(replicasAnnotations(d))) {
      if (annotations[k] !== v) {
        annotations[k] = v;
        changed = true;
      }
    }
  }
  return changed;
}

/** Whether the replica annotations need writing. */
export function replicasAnnotationsNeedUpdate(rs: ReplicaSet, d: Deployment): boolean {
  const annotations = rs.metadata?.annotations ?? {};
  return Object.entries(replicasAnnotations(d)).some(([k, v]) => annotations[k] !== v);
}
