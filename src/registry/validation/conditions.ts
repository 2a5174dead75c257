// metav1.Condition lists (meta/v1/validation ValidateConditions), used by status subresources of
// the newer kinds.
import type { FieldError } from '../../apierrors/field-errors.js';
import { field } from '../../apierrors/field-errors.js';
import { child, index } from './field-path.js';
import { byteLength, regexError } from './formats.js';
import { isSet, list, num, recordOrEmpty, str } from './json-value.js';
import { pushLabelName } from './labels.js';

const conditionStatuses = ['False', 'True', 'Unknown'];
const MAX_REASON_LENGTH = 1024;
const MAX_MESSAGE_LENGTH = 32 * 1024;
const reasonFmt = '[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?';
const reasonRe = new RegExp(`^${reasonFmt}$`);
const reasonError = regexError(
  "a condition reason must start with alphabetic character, optionally followed by a string of alphanumeric characters or '_,:', and must end with an alphanumeric character or '_'",
  reasonFmt,
  'my_name',
  'MY_NAME',
  'MyName',
  'ReasonA,ReasonB',
  'ReasonA:ReasonB',
);

export function pushConditions(errs: FieldError[], conditionsValue: unknown, path: string): void {
  const conditions = list(conditionsValue);
  const seen = new Set<string>();
  for (let i = 0; i < conditions.length; i++) {
    const c = recordOrEmpty(conditions[i]);
    const p = index(path, i);
    const type = str(c.type);
    if (seen.has(type)) errs.push(field.duplicate(child(p, 'type'), type));
    else seen.add(type);
    pushLabelName(errs, type, child(p, 'type'));
    const status = str(c.status);
    if (!conditionStatuses.includes(status)) errs.push(field.notSupported(child(p, 'status'), status, conditionStatuses));
    const generation = num(c.observedGeneration);
    if (generation !== undefined && generation < 0) {
      errs.push(field.invalid(child(p, 'observedGeneration'), generation, 'must be greater than or equal to zero'));
    }
    if (!isSet(c.lastTransitionTime)) errs.push(field.required(child(p, 'lastTransitionTime'), 'must be set'));
    const reason = str(c.reason);
    if (reason === '') {
      errs.push(field.required(child(p, 'reason'), 'must be set'));
    } else {
      if (!reasonRe.test(reason)) errs.push(field.invalid(child(p, 'reason'), reason, reasonError));
      if (byteLength(reason) > MAX_REASON_LENGTH) errs.push(field.tooLong(child(p, 'reason'), reason, MAX_REASON_LENGTH));
    }
    const message = str(c.message);
    if (byteLength(message) > MAX_MESSAGE_LENGTH) errs.push(field.tooLong(child(p, 'message'), message, MAX_MESSAGE_LENGTH));
  }
}
