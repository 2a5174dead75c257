// scheduling.k8s.io PriorityClass (pkg/apis/scheduling/validation).
import type { FieldError } from '../../apierrors/field-errors.js';
import { field } from '../../apierrors/field-errors.js';
import { num, optStr, recordOrEmpty, str } from './json-value.js';
import { FIELD_IMMUTABLE } from './object-meta.js';
import { pushPreemptionPolicy } from './pod-spec.js';

const SYSTEM_PREFIX = 'system-';
const HIGHEST_USER_DEFINABLE_PRIORITY = 1000000000;
/** The classes kube-apiserver creates itself; only these may carry the reserved prefix. */
const systemClasses: Readonly<Record<string, { value: number; globalDefault: boolean }>> = {
  'system-node-critical': { value: 2000001000, globalDefault: false },
  'system-cluster-critical': { value: 2000000000, globalDefault: false },
};

function systemClassProblem(name: string, value: number, globalDefault: boolean): string | undefined {
  const known = systemClasses[name];
  if (!known) return `${name} is not a known system priority class`;
  if (known.value !== value) return `value of ${name} PriorityClass must be ${known.value}`;
  if (known.globalDefault !== globalDefault) return `globalDefault of ${name} PriorityClass must be ${known.globalDefault}`;
  return undefined;
}

export function validatePriorityClass(obj: unknown): FieldError[] {
  const errs: FieldError[] = [];
  const pc = recordOrEmpty(obj);
  const name = str(recordOrEmpty(pc.metadata).name);
  const value = num(pc.value) ?? 0;
  if (name.startsWith(SYSTEM_PREFIX)) {
    const problem = systemClassProblem(name, value, pc.globalDefault === true);
    if (problem !== undefined) {
      errs.push(
        field.forbidden('metadata.name', `priority class names with '${SYSTEM_PREFIX}' prefix are reserved for system use only. error: ${problem}`),
      );
    }
  } else if (value > HIGHEST_USER_DEFINABLE_PRIORITY) {
    errs.push(field.forbidden('value', `maximum allowed value of a user defined priority is ${HIGHEST_USER_DEFINABLE_PRIORITY}`));
  }
  const preemption = optStr(pc.preemptionPolicy);
  if (preemption !== undefined) pushPreemptionPolicy(errs, preemption, 'preemptionPolicy');
  return errs;
}

export function validatePriorityClassUpdate(obj: unknown, oldObj: unknown): FieldError[] {
  const errs: FieldError[] = [];
  const pc = recordOrEmpty(obj);
  const old = recordOrEmpty(oldObj);
  if ((num(pc.value) ?? 0) !== (num(old.value) ?? 0)) errs.push(field.forbidden('value', 'may not be changed in an update.'));
  if ((pc.preemptionPolicy ?? null) !== (old.preemptionPolicy ?? null)) {
    errs.push(field.invalid('preemptionPolicy', pc.preemptionPolicy ?? null, FIELD_IMMUTABLE));
  }
  return errs;
}
