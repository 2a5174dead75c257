// A Job's conditions (pkg/controller/job/util and the controller's condition helpers), shared by
// the Job, CronJob and TTL-after-finished controllers. A job is finished once it has Complete or
// Failed True; SuccessCriteriaMet and FailureTarget come first and say the verdict is decided
// while the job's pods are still being wound down.
import type { Job } from '../../machinery/api-types.js';

export type JobCondition = NonNullable<NonNullable<Job['status']>['conditions']>[number];

export type FinishedConditionType = 'Complete' | 'Failed';

/** The finishing condition type, or undefined while the job runs. */
export function finishedConditionType(job: Job): FinishedConditionType | undefined {
  const c = job.status?.conditions?.find((c) => (c.type === 'Complete' || c.type === 'Failed') && c.status === 'True');
  return c?.type as FinishedConditionType | undefined;
}

export function isJobFinished(job: Job): boolean {
  return finishedConditionType(job) !== undefined;
}

export function isJobSucceeded(job: Job): boolean {
  return !!job.status?.conditions?.some((c) => c.type === 'Complete' && c.status === 'True');
}

/** When the job finished: its Complete or Failed condition's lastTransitionTime (ms). */
export function jobFinishTime(job: Job): number | undefined {
  const c = job.status?.conditions?.find((c) => (c.type === 'Complete' || c.type === 'Failed') && c.status === 'True');
  if (!c?.lastTransitionTime) return undefined;
  const t = Date.parse(c.lastTransitionTime);
  return Number.isNaN(t) ? undefined : t;
}

export function findCondition(conditions: readonly JobCondition[] | undefined, type: string): JobCondition | undefined {
  return conditions?.find((c) => c.type === type);
}

/** metav1.Time as JSON: seconds, UTC. */
export function formatTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export function newCondition(type: string, status: 'True' | 'False', reason: string, message: string, now: number): JobCondition {
  const at = formatTime(now);
  const c: JobCondition = { type, status, lastProbeTime: at, lastTransitionTime: at };
  // reason and message are omitempty.
  if (reason) c.reason = reason;
  if (message) c.message = message;
  return c;
}

/**
 * Sets a condition to the given status, reason and message (with fresh times) unless it already
 * is; a condition that does not exist is not added as False. Returns whether anything changed.
 */
export function ensureConditionStatus(conditions: JobCondition[], type: string, status: 'True' | 'False', reason: string, message: string, now: number): boolean {
  const i = conditions.findIndex((c) => c.type === type);
  if (i >= 0) {
    const c = conditions[i]!;
    if (c.status === status && (c.reason ?? '') === reason && (c.message ?? '') === message) return false;
    conditions[i] = newCondition(type, status, reason, message, now);
    return true;
  }
  if (status === 'False') return false;
  conditions.push(newCondition(type, status, reason, message, now));
  return true;
}
