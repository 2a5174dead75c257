// coordination.k8s.io Lease (pkg/apis/coordination/validation).
import type { FieldError } from '../../apierrors/field-errors.js';
import { field } from '../../apierrors/field-errors.js';
import { isQualifiedName } from './formats.js';
import { num, optStr, recordOrEmpty } from './json-value.js';

const leaseStrategies = ['OldestEmulationVersion'];

/** Create and update apply the same spec rules. */
export function validateLease(obj: unknown): FieldError[] {
  const errs: FieldError[] = [];
  const spec = recordOrEmpty(recordOrEmpty(obj).spec);
  const duration = num(spec.leaseDurationSeconds);
  if (duration !== undefined && duration <= 0) errs.push(field.invalid('spec.leaseDurationSeconds', duration, 'must be greater than 0'));
  const transitions = num(spec.leaseTransitions);
  if (transitions !== undefined && transitions < 0) {
    errs.push(field.invalid('spec.leaseTransitions', transitions, 'must be greater than or equal to 0'));
  }
  const strategy = optStr(spec.strategy);
  if (strategy !== undefined) {
    // The field path really does repeat "strategy" in kube-apiserver's messages.
    if (!strategy.includes('/')) {
      if (!leaseStrategies.includes(strategy)) errs.push(field.notSupported('spec.strategy.strategy', strategy, leaseStrategies));
    } else {
      for (const msg of isQualifiedName(strategy)) errs.push(field.invalid('spec.strategy.strategy', strategy, msg));
    }
  }
  const holder = optStr(spec.preferredHolder) ?? '';
  if (holder !== '' && (strategy ?? '') === '') {
    errs.push(field.forbidden('spec.preferredHolder', 'may only be specified if `strategy` is defined'));
  }
  return errs;
}
