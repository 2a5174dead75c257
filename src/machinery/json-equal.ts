// Equality of plain JSON values, whatever the order of object keys: a stored object and a
// re-encoded or freshly computed one often differ only in key order, and a write that changes
// nothing must be recognised as such (by the store, by controllers before a status write).
// Undefined object members count as absent, as JSON.stringify drops them.

type JsonMap = Record<string, unknown>;

export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!jsonEqual(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  let count = 0;
  let proto = false;
  for (const key in a) {
    const value = (a as JsonMap)[key];
    if (value === undefined) continue;
    if (!jsonEqual(value, (b as JsonMap)[key])) return false;
    if (key === '__proto__') proto = true;
    count++;
  }
  return sameKeyCount(b as JsonMap, count, proto);
}

/**
 * Whether b has exactly `count` keys holding a value, given that it holds a value at each of the
 * `count` keys of a compared so far. Then b has no other key when it has no more keys at all,
 * which takes no lookups to find out (JSON has no undefined values to discount). A `__proto__`
 * key of a may have matched b's prototype rather than a key of b: then b's keys are counted.
 */
export function sameKeyCount(b: JsonMap, count: number, proto: boolean): boolean {
  let keys = 0;
  for (const _ in b) keys++;
  if (keys === count && !proto) return true;
  for (const key in b) if (b[key] !== undefined) count--;
  return count === 0;
}
