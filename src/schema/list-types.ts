// The uniqueness rules of x-kubernetes-list-type on a custom resource (apiextensions' listtype
// validation): a `set` holds no value twice, a `map` no two items with the same map keys. Only
// the second appearance of a value is reported, with the value (or the item's keys) as it is.
import { field, type FieldError } from '../apierrors/index.js';
import type { JsonValue } from '../machinery/object.js';
import { goSyntaxFormat } from '../machinery/patch/go-format.js';

type Schema = Record<string, unknown>;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A comparable form of a value: Go compares scalars by value and compounds by their JSON. */
function identity(value: unknown): string {
  return JSON.stringify(sortKeys(value)) ?? 'undefined';
}

/** Maps with their keys in order, as Go's json.Marshal writes them. */
function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (!isObject(value)) return value;
  return Object.fromEntries(Object.keys(value).sort().map((k) => [k, sortKeys(value[k])]));
}

/** field.Duplicate: compound values print as Go's %#v of the decoded value. */
function duplicate(path: string, value: unknown): FieldError {
  const err = field.duplicate(path, value);
  if (typeof value === 'object' && value !== null) err.badValueText = goSyntaxFormat(value as JsonValue);
  return err;
}

/** Indices of the second appearance of each value appearing more than once. */
function duplicates(values: unknown[]): number[] {
  const seen = new Map<string, number>();
  const out: number[] = [];
  values.forEach((v, i) => {
    const id = identity(v);
    const times = seen.get(id) ?? 0;
    if (times === 1) out.push(i);
    seen.set(id, times + 1);
  });
  return out;
}

function validateArray(path: string, schema: Schema, items: unknown[], errs: FieldError[]): void {
  const listType = schema['x-kubernetes-list-type'];
  if (listType === 'set') {
    for (const i of duplicates(items)) errs.push(duplicate(`${path}[${i}]`, items[i]));
  } else if (listType === 'map') {
    const bad = items.findIndex((x) => x !== null && !isObject(x));
    if (bad >= 0) {
      errs.push(field.invalid(`${path}[${bad}]`, items[bad], 'must be an object for an array of list-type map'));
    } else {
      const keyFields = Array.isArray(schema['x-kubernetes-list-map-keys']) ? (schema['x-kubernetes-list-map-keys'] as string[]) : [];
      const keys = items.map((x) => {
        const key: Record<string, unknown> = {};
        if (isObject(x)) for (const k of keyFields) if (k in x) key[k] = x[k];
        return key;
      });
      for (const i of duplicates(keys)) errs.push(duplicate(`${path}[${i}]`, keys[i]));
    }
  }
  if (isObject(schema.items)) items.forEach((item, i) => validateValue(`${path}[${i}]`, schema.items as Schema, item, errs));
}

function validateValue(path: string, schema: Schema, value: unknown, errs: FieldError[]): void {
  if (Array.isArray(value)) validateArray(path, schema, value, errs);
  else if (isObject(value)) validateObject(path, schema, value, errs);
}

function validateObject(path: string, schema: Schema, obj: Record<string, unknown>, errs: FieldError[]): void {
  const properties = isObject(schema.properties) ? (schema.properties as Record<string, Schema>) : undefined;
  const additional = isObject(schema.additionalProperties) ? (schema.additionalProperties as Schema) : undefined;
  for (const [key, value] of Object.entries(obj)) {
    if (properties?.[key]) validateValue(path ? `${path}.${key}` : key, properties[key], value, errs);
    else if (additional) validateValue(`${path}[${key}]`, additional, value, errs);
  }
}

/** Every set and map list of the object whose items are not unique. */
export function validateListSetsAndMaps(schema: Schema, obj: Record<string, unknown>): FieldError[] {
  const errs: FieldError[] = [];
  validateObject('', schema, obj, errs);
  return errs;
}
