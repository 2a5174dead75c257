// Path elements as fieldsV1 spells them, which is also how field sets key their nodes:
// `f:<field>`, `k:<json object of the key fields, sorted by name>`, `v:<json value>` for set
// items and `i:<index>`. Their order, JSON spelling and human-readable form (`.spec.replicas`,
// `[name="nginx"]`, `[="foo"]`) follow structured-merge-diff's fieldpath package.

/** The member marker inside a fieldsV1 node: "this node itself is in the set". */
export const SELF = '.';

const needsGoEscape = /[<>&\u2028\u2029]/;
const goEscapes = /[<>&\u2028\u2029]/g;

function goEscape(char: string): string {
  return `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`;
}

/** A string as Go's encoding/json writes it (HTML-significant characters escaped). */
export function goJsonString(value: string): string {
  // Most names and values need no escaping at all: skip the generic path for them.
  let plain = true;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c < 0x20 || c === 0x22 || c === 0x5c || c === 0x3c || c === 0x3e || c === 0x26 || c > 0x7e) {
      plain = false;
      break;
    }
  }
  if (plain) return `"${value}"`;
  const json = JSON.stringify(value);
  return needsGoEscape.test(json) ? json.replace(goEscapes, goEscape) : json;
}

/** A JSON value as Go writes it: object keys sorted, strings escaped like encoding/json. */
export function goJson(value: unknown): string {
  if (typeof value === 'string') return goJsonString(value);
  if (value === null || typeof value !== 'object') return value === undefined ? 'null' : JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(goJson).join(',')}]`;
  const keys = Object.keys(value).sort();
  const parts: string[] = [];
  for (const key of keys) {
    const item = (value as Record<string, unknown>)[key];
    if (item !== undefined) parts.push(`${goJsonString(key)}:${goJson(item)}`);
  }
  return `{${parts.join(',')}}`;
}

export function fieldElement(name: string): string {
  return `f:${name}`;
}

/** `k:{...}` from key names (already sorted) and their values. */
export function keyElement(names: readonly string[], values: readonly unknown[]): string {
  let out = 'k:{';
  for (let i = 0; i < names.length; i++) {
    if (i > 0) out += ',';
    out += `${goJsonString(names[i]!)}:${goJson(values[i])}`;
  }
  return `${out}}`;
}

export function valueElement(value: unknown): string {
  return `v:${goJson(value)}`;
}

export function indexElement(index: number): string {
  return `i:${index}`;
}

// ---- order -------------------------------------------------------------------------------

const typeRank: Record<string, number> = { f: 0, k: 1, v: 2, i: 3 };

/** Total order of JSON values as structured-merge-diff sorts them. */
export function compareValues(a: unknown, b: unknown): number {
  const ra = valueRank(a);
  const rb = valueRank(b);
  if (ra !== rb) return ra - rb;
  switch (ra) {
    case 0:
      return (a as number) < (b as number) ? -1 : (a as number) > (b as number) ? 1 : 0;
    case 1:
      return (a as string) < (b as string) ? -1 : (a as string) > (b as string) ? 1 : 0;
    case 2:
      return a === b ? 0 : a === false ? -1 : 1;
    case 3: {
      const la = a as unknown[];
      const lb = b as unknown[];
      for (let i = 0; i < la.length && i < lb.length; i++) {
        const c = compareValues(la[i], lb[i]);
        if (c !== 0) return c;
      }
      return la.length - lb.length;
    }
    case 4: {
      const ka = Object.keys(a as object).sort();
      const kb = Object.keys(b as object).sort();
      for (let i = 0; i < ka.length && i < kb.length; i++) {
        if (ka[i] !== kb[i]) return ka[i]! < kb[i]! ? -1 : 1;
        const c = compareValues((a as Record<string, unknown>)[ka[i]!], (b as Record<string, unknown>)[kb[i]!]);
        if (c !== 0) return c;
      }
      return ka.length - kb.length;
    }
    default:
      return 0;
  }
}

function valueRank(value: unknown): number {
  if (typeof value === 'number') return 0;
  if (typeof value === 'string') return 1;
  if (typeof value === 'boolean') return 2;
  if (Array.isArray(value)) return 3;
  if (value !== null && typeof value === 'object') return 4;
  return 5;
}

/** A key ready for comparison: decoded once per sort, not once per comparison. */
interface SortKey {
  readonly raw: string;
  readonly rank: number;
  readonly decoded: unknown;
}

function sortKey(raw: string): SortKey {
  if (raw === SELF) return { raw, rank: -1, decoded: undefined };
  const rank = typeRank[raw[0]!] ?? 4;
  let decoded: unknown;
  if (rank === 1) decoded = keyFields(raw);
  else if (rank === 2) decoded = safeParse(raw.slice(2));
  else if (rank === 3) decoded = Number(raw.slice(2));
  return { raw, rank, decoded };
}

function keyFields(raw: string): [string, unknown][] {
  const parsed = safeParse(raw.slice(2));
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return [];
  return Object.keys(parsed)
    .sort()
    .map((name) => [name, (parsed as Record<string, unknown>)[name]]);
}

function safeParse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function compareSortKeys(a: SortKey, b: SortKey): number {
  if (a.rank !== b.rank) return a.rank - b.rank;
  switch (a.rank) {
    case 1: {
      const fa = a.decoded as [string, unknown][];
      const fb = b.decoded as [string, unknown][];
      for (let i = 0; ; i++) {
        if (i >= fa.length && i >= fb.length) return 0;
        if (i >= fa.length) return -1;
        if (i >= fb.length) return 1;
        if (fa[i]![0] !== fb[i]![0]) return fa[i]![0] < fb[i]![0] ? -1 : 1;
        const c = compareValues(fa[i]![1], fb[i]![1]);
        if (c !== 0) return c;
      }
    }
    case 2:
      return compareValues(a.decoded, b.decoded);
    case 3:
      return (a.decoded as number) - (b.decoded as number);
    default:
      return a.raw < b.raw ? -1 : a.raw > b.raw ? 1 : 0;
  }
}

/** Path elements in structured-merge-diff order, the member marker first. */
export function sortElements(elements: string[]): string[] {
  if (elements.length < 2) return elements;
  let allFields = true;
  for (const element of elements) {
    if (element.charCodeAt(0) !== 102 /* f */ || element === SELF) {
      allFields = false;
      break;
    }
  }
  // Field names alone compare as plain strings; only keys and values need decoding.
  if (allFields) return elements.sort();
  return elements
    .map(sortKey)
    .sort(compareSortKeys)
    .map((key) => key.raw);
}

// ---- human-readable paths ----------------------------------------------------------------

function valueToString(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value !== 'object') return String(value);
  if (Array.isArray(value)) return `[${value.map(valueToString).join(',')}]`;
  const keys = Object.keys(value).sort();
  return `{${keys.map((key) => `${key}=${valueToString((value as Record<string, unknown>)[key])}`).join(';')}}`;
}

/** One path element as Kubernetes prints it in conflicts: `.replicas`, `[name="nginx"]`. */
export function elementToString(element: string): string {
  switch (element[0]) {
    case 'f':
      return `.${element.slice(2)}`;
    case 'k':
      return `[${keyFields(element)
        .map(([name, value]) => `${name}=${valueToString(value)}`)
        .join(',')}]`;
    case 'v':
      return `[=${valueToString(safeParse(element.slice(2)))}]`;
    case 'i':
      return `[${element.slice(2)}]`;
    default:
      return '{{invalid path element}}';
  }
}

export function pathToString(path: readonly string[]): string {
  let out = '';
  for (const element of path) out += elementToString(element);
  return out;
}

// ---- parsing client-supplied elements ----------------------------------------------------

export type ParsedElement = { ok: true; element: string } | { ok: false; unknown: true } | { ok: false; unknown: false; error: string };

/**
 * Checks a fieldsV1 key and returns its canonical spelling (keys re-sorted, values re-encoded),
 * as decoding and re-encoding a set does. Unknown element types are reported as such: the
 * server drops them rather than failing.
 */
export function parseElement(raw: string): ParsedElement {
  if (raw.length < 2) return { ok: false, unknown: false, error: 'key must be 2 characters long:' };
  if (raw[1] !== ':') return { ok: false, unknown: false, error: `missing colon: ${raw}` };
  const body = raw.slice(2);
  switch (raw[0]) {
    case 'f':
      return { ok: true, element: raw };
    case 'v': {
      const value = safeParse(body);
      if (value === undefined) return { ok: false, unknown: false, error: `invalid value element: ${raw}` };
      return { ok: true, element: valueElement(value) };
    }
    case 'k': {
      const value = safeParse(body);
      if (value === null || typeof value !== 'object' || Array.isArray(value)) {
        return { ok: false, unknown: false, error: `invalid key element: ${raw}` };
      }
      const names = Object.keys(value).sort();
      return { ok: true, element: keyElement(names, names.map((name) => (value as Record<string, unknown>)[name])) };
    }
    case 'i': {
      if (!/^[+-]?\d+$/.test(body)) return { ok: false, unknown: false, error: `strconv.Atoi: parsing ${JSON.stringify(body)}: invalid syntax` };
      return { ok: true, element: indexElement(Number.parseInt(body, 10)) };
    }
    default:
      return { ok: false, unknown: true };
  }
}
