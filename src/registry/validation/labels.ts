// Labels and metav1.LabelSelector: syntax checks (meta/v1/validation) and the selector semantics
// needed by validation itself (does a controller's selector match its pod template?).
import type { FieldError } from '../../apierrors/field-errors.js';
import { field } from '../../apierrors/field-errors.js';
import { child, index } from './field-path.js';
import { isLabelValue, isQualifiedName } from './formats.js';
import { list, record, str } from './json-value.js';

export function pushLabelName(errs: FieldError[], name: string, path: string): void {
  for (const msg of isQualifiedName(name)) errs.push(field.invalid(path, name, msg));
}

/** Key errors carry the key, value errors the value; both point at the map itself, as in Go. */
export function pushLabels(errs: FieldError[], labels: unknown, path: string): void {
  const r = record(labels);
  if (!r) return;
  for (const k in r) {
    pushLabelName(errs, k, path);
    const v = r[k];
    for (const msg of isLabelValue(typeof v === 'string' ? v : '')) errs.push(field.invalid(path, v, msg));
  }
}

export function validateLabels(labels: unknown, path: string): FieldError[] {
  const errs: FieldError[] = [];
  pushLabels(errs, labels, path);
  return errs;
}

export interface LabelSelectorOptions {
  /** Tolerate invalid values in matchExpressions (only for data stored before the rule existed). */
  allowInvalidLabelValue?: boolean;
}

export function pushLabelSelector(errs: FieldError[], sel: unknown, path: string, opts: LabelSelectorOptions = {}): void {
  const s = record(sel);
  if (!s) return;
  pushLabels(errs, s.matchLabels, child(path, 'matchLabels'));
  const exprsPath = child(path, 'matchExpressions');
  const exprs = list(s.matchExpressions);
  for (let i = 0; i < exprs.length; i++) {
    const e = record(exprs[i]) ?? {};
    const p = index(exprsPath, i);
    const values = list(e.values);
    const op = str(e.operator);
    switch (op) {
      case 'In':
      case 'NotIn':
        if (values.length === 0) errs.push(field.required(child(p, 'values'), "must be specified when `operator` is 'In' or 'NotIn'"));
        break;
      case 'Exists':
      case 'DoesNotExist':
        if (values.length > 0) {
          errs.push(field.forbidden(child(p, 'values'), "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"));
        }
        break;
      default:
        errs.push(field.invalid(child(p, 'operator'), e.operator ?? '', 'not a valid selector operator'));
    }
    pushLabelName(errs, str(e.key), child(p, 'key'));
    if (!opts.allowInvalidLabelValue) {
      const valuesPath = child(p, 'values');
      for (let j = 0; j < values.length; j++) {
        const v = values[j];
        for (const msg of isLabelValue(str(v))) errs.push(field.invalid(index(valuesPath, j), v, msg));
      }
    }
  }
}

export function validateLabelSelector(sel: unknown, path: string): FieldError[] {
  const errs: FieldError[] = [];
  pushLabelSelector(errs, sel, path);
  return errs;
}

// ---- Selector semantics ----

type Operator = 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';

interface Requirement {
  key: string;
  op: Operator;
  values: readonly string[];
}

/**
 * A converted selector, as labels.Selector: `null` requirements means "matches nothing" (a nil
 * LabelSelector), an empty list "matches everything".
 */
export interface Selector {
  readonly requirements: readonly Requirement[] | null;
}

export const NOTHING: Selector = Object.freeze({ requirements: null });

export function selectorIsEmpty(sel: Selector): boolean {
  return sel.requirements !== null && sel.requirements.length === 0;
}

/**
 * metav1.LabelSelectorAsSelector: undefined when the selector cannot be converted (a bad
 * operator, key or value), NOTHING for an absent selector.
 */
export function labelSelectorAsSelector(sel: unknown): Selector | undefined {
  const s = record(sel);
  if (!s) return NOTHING;
  const errs: FieldError[] = [];
  pushLabelSelector(errs, s, '');
  if (errs.length > 0) return undefined;
  const reqs: Requirement[] = [];
  const ml = record(s.matchLabels);
  if (ml) for (const k in ml) reqs.push({ key: k, op: 'In', values: [str(ml[k])] });
  for (const e of list(s.matchExpressions)) {
    const r = record(e) ?? {};
    reqs.push({ key: str(r.key), op: str(r.operator) as Operator, values: list(r.values).map(str) });
  }
  return { requirements: reqs };
}

/** labels.Set(m).AsSelector(): a plain equality map, as ReplicationController uses. */
export function mapAsSelector(selector: unknown): Selector {
  const m = record(selector);
  const reqs: Requirement[] = [];
  if (m) for (const k in m) reqs.push({ key: k, op: 'In', values: [str(m[k])] });
  return { requirements: reqs };
}

export function selectorMatches(sel: Selector, labels: unknown): boolean {
  if (sel.requirements === null) return false;
  const l = record(labels) ?? {};
  for (const r of sel.requirements) {
    const has = Object.prototype.hasOwnProperty.call(l, r.key);
    const v = has ? str(l[r.key]) : undefined;
    switch (r.op) {
      case 'In':
        if (!has || !r.values.includes(v as string)) return false;
        break;
      case 'NotIn':
        if (has && r.values.includes(v as string)) return false;
        break;
      case 'Exists':
        if (!has) return false;
        break;
      case 'DoesNotExist':
        if (has) return false;
        break;
    }
  }
  return true;
}
