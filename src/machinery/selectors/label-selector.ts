// Label selectors as kube-apiserver evaluates them: parsed from `?labelSelector=` or converted
// from a metav1.LabelSelector object once, then matched against many objects.
import type { LabelSelector as LabelSelectorObject } from '../api-types.js';
import { aggregateText, goQuote } from './error-text.js';
import {
  createLabelRequirement,
  labelRequirementErrors,
  labelRequirementMatches,
  labelRequirementToString,
  type LabelOperator,
  type LabelRequirement,
} from './label-requirement.js';
import { parseLabelRequirements } from './label-parser.js';
import { SelectorParseError } from './selector-parse-error.js';

/**
 * A compiled label selector: the AND of its requirements, sorted by key.
 * `requirements: null` is the selector of a *nil* metav1.LabelSelector, which matches nothing
 * (labels.Nothing()); an empty list matches everything (labels.Everything()).
 */
export interface LabelSelector {
  readonly requirements: readonly LabelRequirement[] | null;
}

export const everythingLabelSelector: LabelSelector = Object.freeze({ requirements: Object.freeze([]) });
export const nothingLabelSelector: LabelSelector = Object.freeze({ requirements: null });

/** labels.Parse. Throws SelectorParseError with the upstream message (sent as a 400 BadRequest). */
export function parseLabelSelector(text: string): LabelSelector {
  const requirements = parseLabelRequirements(text);
  return requirements.length === 0 ? everythingLabelSelector : { requirements };
}

const OBJECT_OPERATORS: Record<string, LabelOperator> = {
  In: 'in',
  NotIn: 'notin',
  Exists: 'exists',
  DoesNotExist: '!',
};

function byKey(a: LabelRequirement, b: LabelRequirement): number {
  return a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
}

function validated(key: string, operator: LabelOperator, values: readonly string[]): LabelRequirement {
  const errors = labelRequirementErrors(key, operator, values);
  if (errors.length > 0) throw new SelectorParseError(aggregateText(errors));
  return createLabelRequirement(key, operator, values);
}

/**
 * metav1.LabelSelectorAsSelector: null/undefined (a nil selector) matches nothing, a selector with
 * neither matchLabels nor matchExpressions matches everything. Throws SelectorParseError for an
 * invalid key, value or operator.
 */
export function labelSelectorFromObject(selector: LabelSelectorObject | null | undefined): LabelSelector {
  if (selector == null) return nothingLabelSelector;
  const matchLabels = selector.matchLabels ?? {};
  const matchExpressions = selector.matchExpressions ?? [];
  const labelKeys = Object.keys(matchLabels);
  if (labelKeys.length + matchExpressions.length === 0) return everythingLabelSelector;
  const requirements: LabelRequirement[] = [];
  for (const key of labelKeys) requirements.push(validated(key, '=', [matchLabels[key]!]));
  for (const expression of matchExpressions) {
    const operator = Object.hasOwn(OBJECT_OPERATORS, expression.operator) ? OBJECT_OPERATORS[expression.operator] : undefined;
    if (operator === undefined) throw new SelectorParseError(`${goQuote(expression.operator)} is not a valid pod selector operator`);
    requirements.push(validated(expression.key, operator, [...(expression.values ?? [])]));
  }
  return { requirements: requirements.sort(byKey) };
}

/**
 * labels.SelectorFromSet: every label must be present with that value (a Service or
 * ReplicationController selector). An absent or empty set matches everything. Not validated.
 */
export function labelSelectorFromSet(set: Record<string, string> | null | undefined): LabelSelector {
  if (set == null) return everythingLabelSelector;
  const keys = Object.keys(set);
  if (keys.length === 0) return everythingLabelSelector;
  return { requirements: keys.sort().map((key) => createLabelRequirement(key, '=', [set[key]!])) };
}

/** Whether the selector matches the labels (absent labels are an empty set). */
export function matchesLabels(selector: LabelSelector, labels: Record<string, string> | undefined): boolean {
  const requirements = selector.requirements;
  if (requirements === null) return false;
  for (let i = 0; i < requirements.length; i++) {
    if (!labelRequirementMatches(requirements[i]!, labels)) return false;
  }
  return true;
}

/** Selector.Empty(): true when the selector does not restrict anything (nothing-selectors are not empty). */
export function isLabelSelectorEmpty(selector: LabelSelector): boolean {
  return selector.requirements !== null && selector.requirements.length === 0;
}

/** Selector.String(): the canonical form ("" for both everything and nothing). */
export function labelSelectorToString(selector: LabelSelector): string {
  return selector.requirements === null ? '' : selector.requirements.map(labelRequirementToString).join(',');
}

/**
 * Selector.RequiresExactMatch: the single value the first requirement on `key` demands
 * (`=`, `==`, or `in` with one value), else undefined.
 */
export function labelSelectorExactValue(selector: LabelSelector, key: string): string | undefined {
  const requirement = selector.requirements?.find((r) => r.key === key);
  if (requirement === undefined) return undefined;
  const { operator, values } = requirement;
  return (operator === '=' || operator === '==' || operator === 'in') && values.length === 1 ? values[0] : undefined;
}
