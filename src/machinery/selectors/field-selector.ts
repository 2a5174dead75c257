// Field selectors (`?fieldSelector=`) with the syntax and messages of apimachinery's
// fields.ParseSelector: comma-separated `field=value`, `field==value` or `field!=value` terms, where
// `\,` `\=` and `\\` escape those characters inside a value.
import { SelectorParseError } from './selector-parse-error.js';

export interface FieldRequirement {
  readonly field: string;
  /** `==` is folded into `=`, as upstream does. */
  readonly operator: '=' | '!=';
  readonly value: string;
}

/** The AND of its requirements; none means "everything". */
export interface FieldSelector {
  readonly requirements: readonly FieldRequirement[];
}

export const everythingFieldSelector: FieldSelector = Object.freeze({ requirements: Object.freeze([]) });

// Split on commas that are not escaped; the escapes stay in the terms for unescapeValue.
function splitTerms(text: string): string[] {
  if (text.length === 0) return [];
  const terms: string[] = [];
  let start = 0;
  let inSlash = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (inSlash) inSlash = false;
    else if (ch === '\\') inSlash = true;
    else if (ch === ',') {
      terms.push(text.slice(start, i));
      start = i + 1;
    }
  }
  terms.push(text.slice(start));
  return terms;
}

// "!=" before "==" before "=", at the first position any of them occurs: the field name has no
// escapes, so "a=b=c" is field "a" and value "b=c" (then rejected as an unescaped '=').
const TERM_OPERATORS = ['!=', '==', '='] as const;

function splitTerm(term: string): { field: string; operator: '=' | '!='; rawValue: string } | undefined {
  for (let i = 0; i < term.length; i++) {
    for (const op of TERM_OPERATORS) {
      if (term.startsWith(op, i)) {
        return { field: term.slice(0, i), operator: op === '!=' ? '!=' : '=', rawValue: term.slice(i + op.length) };
      }
    }
  }
  return undefined;
}

const SPECIAL = /[\\,=]/;

function unescapeValue(raw: string): string {
  if (!SPECIAL.test(raw)) return raw;
  let value = '';
  let inSlash = false;
  for (const ch of raw) {
    if (inSlash) {
      if (ch !== '\\' && ch !== ',' && ch !== '=') {
        throw new SelectorParseError(`invalid field selector: invalid escape sequence: \\${ch}`);
      }
      value += ch;
      inSlash = false;
    } else if (ch === '\\') {
      inSlash = true;
    } else if (ch === ',' || ch === '=') {
      // Upstream prints the rune with %v, i.e. as its number.
      throw new SelectorParseError(`invalid field selector: unescaped character in value: ${ch.codePointAt(0)}`);
    } else {
      value += ch;
    }
  }
  if (inSlash) throw new SelectorParseError('invalid field selector: invalid escape sequence: \\');
  return value;
}

/** fields.ParseSelector. Throws SelectorParseError with the upstream message (sent as a 400 BadRequest). */
export function parseFieldSelector(text: string): FieldSelector {
  // Upstream sorts the raw terms, so the first error reported is the first in sorted order.
  const terms = splitTerms(text).sort();
  const requirements: FieldRequirement[] = [];
  for (const term of terms) {
    if (term === '') continue;
    const parts = splitTerm(term);
    if (parts === undefined) throw new SelectorParseError(`invalid selector: '${text}'; can't understand '${term}'`);
    const value = unescapeValue(parts.rawValue);
    // A term with neither field nor value ("=") selects everything, so it is dropped.
    if (parts.field === '' && value === '') continue;
    requirements.push({ field: parts.field, operator: parts.operator, value });
  }
  return requirements.length === 0 ? everythingFieldSelector : { requirements };
}

/** Whether the selector matches an object's selectable fields; an absent field reads as "". */
export function matchesFields(selector: FieldSelector, fields: Record<string, string>): boolean {
  const requirements = selector.requirements;
  for (let i = 0; i < requirements.length; i++) {
    const { field, operator, value } = requirements[i]!;
    const actual = fields[field];
    const equal = (typeof actual === 'string' ? actual : '') === value;
    if (equal !== (operator === '=')) return false;
  }
  return true;
}

/** The terms, so a registry can reject field names its kind does not support. */
export function fieldSelectorRequirements(selector: FieldSelector): readonly FieldRequirement[] {
  return selector.requirements;
}

/** RequiresExactMatch: the value of the first `field=value` term on `field` (e.g. a watch of one object). */
export function exactFieldValue(selector: FieldSelector, field: string): string | undefined {
  for (const requirement of selector.requirements) {
    if (requirement.field === field && requirement.operator === '=') return requirement.value;
  }
  return undefined;
}

export function isFieldSelectorEmpty(selector: FieldSelector): boolean {
  return selector.requirements.length === 0;
}

/** fields.EscapeValue: a literal value written so parseFieldSelector reads it back unchanged. */
export function escapeFieldValue(value: string): string {
  return SPECIAL.test(value) ? value.replace(/[\\,=]/g, (ch) => `\\${ch}`) : value;
}

/** Selector.String(): terms in parsed (sorted) order, values escaped, `==` written as `=`. */
export function fieldSelectorToString(selector: FieldSelector): string {
  return selector.requirements.map((r) => `${r.field}${r.operator}${escapeFieldValue(r.value)}`).join(',');
}

/**
 * Selector.Transform: rewrites each term (e.g. a legacy field name to its current one); `transform`
 * may throw to reject a term. Terms whose field and value both become empty are dropped.
 */
export function transformFieldSelector(
  selector: FieldSelector,
  transform: (field: string, value: string) => { field: string; value: string },
): FieldSelector {
  const requirements: FieldRequirement[] = [];
  for (const requirement of selector.requirements) {
    const { field, value } = transform(requirement.field, requirement.value);
    if (field === '' && value === '') continue;
    requirements.push({ field, operator: requirement.operator, value });
  }
  return requirements.length === 0 ? everythingFieldSelector : { requirements };
}
