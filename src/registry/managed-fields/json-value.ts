// Plain JSON values as structured merge sees them: equality that ignores object key order,
// deep copies so results never alias the caller's objects, and the object test every walker uses.

export type JsonMap = Record<string, unknown>;

export function isObject(value: unknown): value is JsonMap {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function isEmptyObject(value: JsonMap): boolean {
  for (const _ in value) return false;
  return true;
}

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
  for (const key in a) {
    const value = (a as JsonMap)[key];
    if (value === undefined) continue;
    if (!jsonEqual(value, (b as JsonMap)[key])) return false;
    count++;
  }
  for (const key in b) if ((b as JsonMap)[key] !== undefined) count--;
  return count === 0;
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
