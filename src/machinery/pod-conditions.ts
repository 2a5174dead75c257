// Pod conditions as kube-apiserver and the controllers change them (pkg/api/v1/pod
// UpdatePodCondition): a condition keeps its lastTransitionTime while its status stays.
import type { Pod } from './api-types.js';

export type PodStatus = NonNullable<Pod['status']>;
export type PodCondition = NonNullable<PodStatus['conditions']>[number];

/** metav1.Time: RFC 3339 with whole seconds. */
export function conditionTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/**
 * Sets `condition` in `status` (appending it when absent), stamping lastTransitionTime with `now`
 * unless the status is unchanged. Returns whether anything changed.
 */
export function updatePodCondition(status: PodStatus, condition: PodCondition, now: number): boolean {
  const conditions = (status.conditions ??= []);
  const index = conditions.findIndex((c) => c.type === condition.type);
  const old = index < 0 ? undefined : conditions[index]!;
  const lastTransitionTime = old && old.status === condition.status ? old.lastTransitionTime : conditionTime(now);
  // In Go's field order, empty strings left out (omitempty) and a zero lastProbeTime as null.
  const next = { type: condition.type } as PodCondition;
  if (condition.observedGeneration !== undefined) next.observedGeneration = condition.observedGeneration;
  Object.assign(next, { status: condition.status, lastProbeTime: condition.lastProbeTime ?? null, lastTransitionTime });
  if (condition.reason) next.reason = condition.reason;
  if (condition.message) next.message = condition.message;
  if (!old) {
    conditions.push(next);
    return true;
  }
  conditions[index] = next;
  return !(
    next.status === old.status &&
    (next.reason ?? '') === (old.reason ?? '') &&
    (next.message ?? '') === (old.message ?? '') &&
    (next.lastProbeTime ?? null) === (old.lastProbeTime ?? null) &&
    (next.lastTransitionTime ?? null) === (old.lastTransitionTime ?? null)
  );
}

/** The DisruptionTarget condition the API server and controllers set before they delete a pod. */
export function disruptionTarget(reason: string, message: string): PodCondition {
  return { type: 'DisruptionTarget', status: 'True', reason, message };
}
