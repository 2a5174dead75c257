// The shape of the defaulting tables: what each group-version contributes, keyed by OpenAPI
// definition name, and the Go zero-value tests the defaulters are written with.
import { isPlainObject } from '../../machinery/object.js';

export type JsonMap = Record<string, unknown>;

/** What a defaulter may depend on besides the object: time, for the few timestamps defaulted. */
export interface DefaultingContext {
  /** Milliseconds since the epoch. */
  now(): number;
}

/** One SetDefaults_<Type> function: mutates the object of that definition in place. */
export type Defaulter = (obj: JsonMap, ctx: DefaultingContext) => void;

export interface DefinitionDefaults {
  /** Runs before the defaulters of the fields, as the generated Go defaulters order them. */
  apply?: Defaulter;
  /**
   * Fields that are Go value structs (not pointers): Go has them even when the client omitted
   * them, so their own defaults appear anyway (a Namespace gets status.phase without a status).
   */
  valueStructs?: readonly string[];
}

export type DefaultsTable = Readonly<Record<string, DefinitionDefaults>>;

// JSON absence and null both decode to Go's zero value; these read a field the way a Go
// defaulter tests it.

/** A pointer, slice or map field that is nil. */
export function isNil(v: unknown): boolean {
  return v === undefined || v === null;
}

/** A string field equal to "". */
export function isEmptyString(v: unknown): boolean {
  return v === undefined || v === null || v === '';
}

/** A number field equal to 0. */
export function isZeroNumber(v: unknown): boolean {
  return v === undefined || v === null || v === 0;
}

/** len(slice) == 0. */
export function isEmptyList(v: unknown): boolean {
  return v === undefined || v === null || (Array.isArray(v) && v.length === 0);
}

/** len(map) == 0. */
export function isEmptyMap(v: unknown): boolean {
  return v === undefined || v === null || (isPlainObject(v) && Object.keys(v).length === 0);
}

/**
 * The struct at parent[key], created when absent as Go's zero value would be. A value of the wrong
 * JSON type is left for validation to report: writes then go to a detached object.
 */
export function structField(parent: JsonMap, key: string): JsonMap {
  const v = parent[key];
  if (isPlainObject(v)) return v;
  if (v !== undefined && v !== null) return {};
  const created: JsonMap = {};
  parent[key] = created;
  return created;
}

/** parent[key] when it is an object, else undefined (a nil pointer). */
export function objectAt(parent: JsonMap, key: string): JsonMap | undefined {
  const v = parent[key];
  return isPlainObject(v) ? v : undefined;
}

/** The objects of the list at parent[key]; non-objects are skipped. */
export function objectsAt(parent: JsonMap, key: string): JsonMap[] {
  const v = parent[key];
  return Array.isArray(v) ? (v.filter(isPlainObject) as JsonMap[]) : [];
}
