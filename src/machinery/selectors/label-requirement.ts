// One term of a label selector (apimachinery labels.Requirement): its validation, matching and
// canonical text. Matching runs once per object per list or watch event, so it does no allocation.
import { invalidValueText } from './error-text.js';
import { labelKeyErrors, labelValueErrors } from './label-syntax.js';

/**
 * The operators of apimachinery's `selection` package, spelled as it spells them:
 * `!` is DoesNotExist, `gt`/`lt` the numeric comparisons written `>`/`<`.
 */
export type LabelOperator = 'in' | 'notin' | '=' | '==' | '!=' | 'exists' | '!' | 'gt' | 'lt';

/** A `gt`/`lt` bound, parsed once; `fast` is the same value when it is a safe JS integer, else NaN. */
interface IntegerBound {
  readonly exact: bigint;
  readonly fast: number;
}

export interface LabelRequirement {
  readonly key: string;
  readonly operator: LabelOperator;
  /** As given; the string parser yields them sorted and without duplicates. */
  readonly values: readonly string[];
  /** Present for `gt`/`lt` only. */
  readonly bound?: IntegerBound;
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const DECIMAL = /^[+-]?[0-9]+$/;
// At most 15 digits: always exact as a double, so no BigInt is needed to compare it.
const SHORT_DECIMAL = /^[+-]?[0-9]{1,15}$/;

/** Go's strconv.ParseInt(text, 10, 64): optional sign, decimal digits, within int64. */
function parseInt64(text: string): bigint | undefined {
  if (!DECIMAL.test(text)) return undefined;
  const value = BigInt(text);
  return value < INT64_MIN || value > INT64_MAX ? undefined : value;
}

function integerBound(text: string): IntegerBound | undefined {
  const exact = parseInt64(text);
  if (exact === undefined) return undefined;
  const fast = Number(exact);
  return { exact, fast: Number.isSafeInteger(fast) ? fast : Number.NaN };
}

/**
 * Why a requirement would be rejected, in the order and wording of labels.NewRequirement
 * (field paths `key`, `values`, `values[i]`, `values[i][<key>]`). Empty when it is valid.
 */
export function labelRequirementErrors(key: string, operator: LabelOperator, values: readonly string[]): string[] {
  const errors: string[] = [];
  const keyErrors = labelKeyErrors(key);
  if (keyErrors.length > 0) errors.push(invalidValueText('key', key, keyErrors.join('; ')));
  switch (operator) {
    case 'in':
    case 'notin':
      if (values.length === 0) errors.push(invalidValueText('values', values, "for 'in', 'notin' operators, values set can't be empty"));
      break;
    case '=':
    case '==':
    case '!=':
      if (values.length !== 1) errors.push(invalidValueText('values', values, 'exact-match compatibility requires one single value'));
      break;
    case 'exists':
    case '!':
      if (values.length !== 0) errors.push(invalidValueText('values', values, 'values set must be empty for exists and does not exist'));
      break;
    case 'gt':
    case 'lt':
      if (values.length !== 1) errors.push(invalidValueText('values', values, "for 'Gt', 'Lt' operators, exactly one value is required"));
      values.forEach((value, i) => {
        if (parseInt64(value) === undefined) {
          errors.push(invalidValueText(`values[${i}]`, value, "for 'Gt', 'Lt' operators, the value must be an integer"));
        }
      });
      break;
  }
  values.forEach((value, i) => {
    const valueErrors = labelValueErrors(value);
    if (valueErrors.length > 0) errors.push(invalidValueText(`values[${i}][${key}]`, value, valueErrors.join('; ')));
  });
  return errors;
}

/** Builds a requirement already known to be valid (see labelRequirementErrors). */
export function createLabelRequirement(key: string, operator: LabelOperator, values: readonly string[]): LabelRequirement {
  if (operator !== 'gt' && operator !== 'lt') return { key, operator, values };
  const bound = values.length === 1 ? integerBound(values[0]!) : undefined;
  return bound === undefined ? { key, operator, values } : { key, operator, values, bound };
}

function lookup(labels: Record<string, string> | undefined, key: string): string | undefined {
  if (labels === undefined) return undefined;
  // The typeof check also keeps inherited members such as "constructor" from counting as labels.
  const value = labels[key];
  return typeof value === 'string' ? value : undefined;
}

/** Sign of (text - bound), or undefined when text is not an int64 (such a label never matches). */
function compareWithBound(text: string, bound: IntegerBound): number | undefined {
  if (!Number.isNaN(bound.fast) && SHORT_DECIMAL.test(text)) return Math.sign(Number(text) - bound.fast);
  const value = parseInt64(text);
  if (value === undefined) return undefined;
  return value < bound.exact ? -1 : value > bound.exact ? 1 : 0;
}

export function labelRequirementMatches(requirement: LabelRequirement, labels: Record<string, string> | undefined): boolean {
  const value = lookup(labels, requirement.key);
  switch (requirement.operator) {
    case 'in':
    case '=':
    case '==':
      return value !== undefined && requirement.values.includes(value);
    case 'notin':
    case '!=':
      return value === undefined || !requirement.values.includes(value);
    case 'exists':
      return value !== undefined;
    case '!':
      return value === undefined;
    case 'gt':
    case 'lt': {
      if (value === undefined || requirement.bound === undefined) return false;
      const sign = compareWithBound(value, requirement.bound);
      if (sign === undefined) return false;
      return requirement.operator === 'gt' ? sign > 0 : sign < 0;
    }
  }
}

const OPERATOR_TEXT: Record<LabelOperator, string> = {
  in: ' in ',
  notin: ' notin ',
  '=': '=',
  '==': '==',
  '!=': '!=',
  exists: '',
  '!': '',
  gt: '>',
  lt: '<',
};

/** Requirement.String(): values sorted on output, the selector itself left untouched. */
export function labelRequirementToString(requirement: LabelRequirement): string {
  const { key, operator, values } = requirement;
  if (operator === 'exists') return key;
  if (operator === '!') return `!${key}`;
  const shown = values.length === 1 ? values[0]! : [...values].sort().join(',');
  const text = `${key}${OPERATOR_TEXT[operator]}`;
  return operator === 'in' || operator === 'notin' ? `${text}(${shown})` : text + shown;
}
