// spec.successPolicy of an Indexed Job: the job has succeeded once the succeeded indexes satisfy
// one rule (all of its succeededIndexes, or succeededCount of them, or succeededCount overall).
import type { Job } from '../../machinery/api-types.js';
import { IndexIntervals } from './index-intervals.js';

type SuccessPolicy = NonNullable<NonNullable<Job['spec']>['successPolicy']>;

/** The SuccessCriteriaMet message of the first rule met, or undefined. */
export function matchSuccessPolicy(policy: SuccessPolicy | undefined, completions: number, succeeded: IndexIntervals): string | undefined {
  if (!policy || succeeded.isEmpty()) return undefined;
  for (const [index, rule] of (policy.rules ?? []).entries()) {
    if (rule.succeededIndexes !== undefined) {
      const required = IndexIntervals.parse(rule.succeededIndexes, completions);
      if (required.isEmpty()) continue;
      if (matchesIndexesRule(required, succeeded, rule.succeededCount)) return `Matched rules at index ${index}`;
    } else if (rule.succeededCount !== undefined && succeeded.total() >= rule.succeededCount) {
      return `Matched rules at index ${index}`;
    }
  }
  return undefined;
}

function matchesIndexesRule(required: IndexIntervals, succeeded: IndexIntervals, succeededCount: number | undefined): boolean {
  let contained = 0;
  for (const r of required.intervals) {
    for (const s of succeeded.intervals) {
      const overlap = Math.min(r.last, s.last) - Math.max(r.first, s.first) + 1;
      if (overlap > 0) contained += overlap;
    }
  }
  return contained === required.total() || (succeededCount !== undefined && contained >= succeededCount);
}
