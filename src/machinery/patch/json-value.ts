// Small, allocation-conscious operations on decoded JSON shared by the three patch algorithms.
// Keys are always read and written as own properties: a JSON key such as "__proto__" or
// "constructor" is data, and must neither reach nor change Object.prototype.
import type { JsonObject, JsonValue } from '../object.js';

export type JsonKind = 'object' | 'array' | 'string' | 'number' | 'boolean' | 'null';

/** The JSON type of a value; `undefined` (possible in objects built by code) counts as null. */
export function jsonKind(value: JsonValue | undefined): JsonKind {
  if (value === null || value === undefined) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value as 'object' | 'string' | 'number' | 'boolean';
}

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function hasOwn(object: JsonObject, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(object, key);
}

export function getOwn(object: JsonObject, key: string): JsonValue | undefined {
  return hasOwn(object, key) ? object[key] : undefined;
}

export function setOwn(object: JsonObject, key: string, value: JsonValue): void {
  // Assigning "__proto__" would replace the prototype instead of storing a key.
  if (key === '__proto__' && !hasOwn(object, key)) {
    Object.defineProperty(object, key, { value, writable: true, enumerable: true, configurable: true });
  } else {
    object[key] = value;
  }
}

/** A deep copy of plain JSON; `undefined` members are dropped as JSON.stringify would. */
export function cloneJson<T extends JsonValue>(value: T): T {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) {
    const copy: JsonValue[] = new Array(value.length);
    for (let i = 0; i < value.length; i++) copy[i] = value[i] === undefined ? null : cloneJson(value[i]);
    return copy as T;
  }
  const copy: JsonObject = {};
  for (const key of Object.keys(value)) {
    const member = value[key];
    if (member !== undefined) setOwn(copy, key, cloneJson(member));
  }
  return copy as T;
}
