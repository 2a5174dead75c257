// PodDisruptionBudget (pkg/apis/policy/validation).
import type { FieldError } from '../../apierrors/field-errors.js';
import { field } from '../../apierrors/field-errors.js';
import { pushConditions } from './conditions.js';
import { isSet, optStr, recordOrEmpty } from './json-value.js';
import { pushLabelSelector } from './labels.js';
import { pushNonNegative } from './object-meta.js';
import { pushNotMoreThan100Percent, pushPositiveIntOrPercent } from './workloads.js';

const unhealthyPodEvictionPolicies = ['AlwaysAllow', 'IfHealthyBudget'];

/** Spec rules; the spec stays mutable, so updates are held to the same ones. */
export function validatePodDisruptionBudget(obj: unknown): FieldError[] {
  const errs: FieldError[] = [];
  const spec = recordOrEmpty(recordOrEmpty(obj).spec);
  if (isSet(spec.minAvailable) && isSet(spec.maxUnavailable)) {
    errs.push(field.invalid('spec', spec, 'minAvailable and maxUnavailable cannot be both set'));
  }
  for (const k of ['minAvailable', 'maxUnavailable'] as const) {
    if (!isSet(spec[k])) continue;
    pushPositiveIntOrPercent(errs, spec[k], `spec.${k}`);
    pushNotMoreThan100Percent(errs, spec[k], `spec.${k}`);
  }
  pushLabelSelector(errs, spec.selector, 'spec.selector');
  const policy = optStr(spec.unhealthyPodEvictionPolicy);
  if (policy !== undefined && !unhealthyPodEvictionPolicies.includes(policy)) {
    errs.push(field.notSupported('spec.unhealthyPodEvictionPolicy', policy, unhealthyPodEvictionPolicies));
  }
  return errs;
}

export function validatePodDisruptionBudgetStatusUpdate(obj: unknown): FieldError[] {
  const errs: FieldError[] = [];
  const status = recordOrEmpty(recordOrEmpty(obj).status);
  pushConditions(errs, status.conditions, 'status.conditions');
  for (const k of ['disruptionsAllowed', 'currentHealthy', 'desiredHealthy', 'expectedPods'] as const) {
    pushNonNegative(errs, status[k], `status.${k}`);
  }
  return errs;
}
