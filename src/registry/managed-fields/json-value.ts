// Plain JSON values as structured merge sees them: equality that ignores object key order
// (machinery/json-equal.ts), deep copies so results never alias the caller's objects, and the
// object test every walker uses.
import { sameKeyCount } from '../../machinery/json-equal.js';
export { jsonEqual } from '../../machinery/json-equal.js';

export type JsonMap = Record<string, unknown>;

export function isObject(value: unknown): value is JsonMap {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Freezes a value and everything in it, in place. An object already frozen is taken as frozen
 * through (everything this folder freezes is), so shared subtrees are walked once.
 */
export function deepFreeze<T>(value: T): T {
  if (typeof value !== 'object' || value === null || Object.isFrozen(value)) return value;
  for (const v of Object.values(value)) deepFreeze(v);
  return Object.freeze(value);
}

export function isEmptyObject(value: JsonMap): boolean {
  for (const _ in value) return false;
  return true;
}


/**
 * jsonEqual that also says where two values first differ, so that a walker descending into them
 * can skip what is known to be equal instead of comparing it again. For each container level
 * on the way down to the first difference, `trail` receives (deepest level first) the position
 * of the differing entry: for an object the index, in key enumeration order, of the first key
 * whose value differs (or -1 when all of a's values are equal and b has more keys); for an array
 * the index of the first differing item (or -2 when the lengths differ).
 */
export function jsonDiff(a: unknown, b: unknown, trail: number[]): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b)) return false;
    if (a.length !== b.length) {
      trail.push(-2);
      return false;
    }
    for (let i = 0; i < a.length; i++) {
      if (!jsonDiff(a[i], b[i], trail)) {
        trail.push(i);
        return false;
      }
    }
    return true;
  }
  if (Array.isArray(b)) return false;
  let count = 0;
  let index = 0;
  let proto = false;
  for (const key in a) {
    const value = (a as JsonMap)[key];
    if (value !== undefined) {
      if (!jsonDiff(value, (b as JsonMap)[key], trail)) {
        trail.push(index);
        return false;
      }
      if (key === '__proto__') proto = true;
      count++;
    }
    index++;
  }
  if (sameKeyCount(b as JsonMap, count, proto)) return true;
  trail.push(-1);
  return false;
}

/** `object[key] = value`, also for a key named `__proto__` (which JSON.parse makes an own key). */
export function setKey(object: JsonMap, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(object, key, { value, enumerable: true, writable: true, configurable: true });
  else object[key] = value;
}

export function cloneJson<T>(value: T): T {
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) return value.map(cloneJson) as T;
  const out: JsonMap = {};
  for (const key in value) {
    const item = (value as JsonMap)[key];
    if (item !== undefined) setKey(out, key, cloneJson(item));
  }
  return out as T;
}
