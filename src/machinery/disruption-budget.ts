// PodDisruptionBudget status helpers shared by the eviction subresource and the disruption
// controller (k8s.io/component-helpers/apps/poddisruptionbudget): the DisruptionAllowed condition
// follows status.disruptionsAllowed.
import type { Condition, Definition } from './api-types.js';

export type PodDisruptionBudget = Definition<'io.k8s.api.policy.v1.PodDisruptionBudget'>;
export type PodDisruptionBudgetStatus = NonNullable<PodDisruptionBudget['status']>;

export const disruptionAllowedCondition = 'DisruptionAllowed';

/** meta.SetStatusCondition: lastTransitionTime moves only when the status changes. */
export function setStatusCondition(conditions: Condition[], condition: Omit<Condition, 'lastTransitionTime'> & { lastTransitionTime?: string }, now: string): void {
  const existing = conditions.find((c) => c.type === condition.type);
  if (!existing) {
    conditions.push({ ...condition, lastTransitionTime: condition.lastTransitionTime ?? now });
    return;
  }
  if (existing.status !== condition.status) {
    existing.status = condition.status;
    existing.lastTransitionTime = condition.lastTransitionTime ?? now;
  }
  existing.reason = condition.reason;
  existing.message = condition.message;
  existing.observedGeneration = condition.observedGeneration;
}

/** pdbhelper.UpdateDisruptionAllowedCondition: SufficientPods while disruptions are allowed, else InsufficientPods. */
export function updateDisruptionAllowedCondition(status: PodDisruptionBudgetStatus, now: string): void {
  const conditions = (status.conditions ??= []);
  const allowed = (status.disruptionsAllowed ?? 0) > 0;
  setStatusCondition(
    conditions,
    {
      type: disruptionAllowedCondition,
      status: allowed ? 'True' : 'False',
      reason: allowed ? 'SufficientPods' : 'InsufficientPods',
      message: '',
      observedGeneration: status.observedGeneration,
    },
    now,
  );
}

/** pdbhelper.ConditionsAreUpToDate. */
export function disruptionConditionsUpToDate(pdb: PodDisruptionBudget): boolean {
  const status = pdb.status;
  const cond = status?.conditions?.find((c) => c.type === disruptionAllowedCondition);
  if (!status || !cond) return false;
  if ((status.observedGeneration ?? 0) !== (pdb.metadata?.generation ?? 0)) return false;
  if ((status.disruptionsAllowed ?? 0) > 0) return cond.status === 'True' && cond.reason === 'SufficientPods';
  return cond.status === 'False' && cond.reason === 'InsufficientPods';
}
