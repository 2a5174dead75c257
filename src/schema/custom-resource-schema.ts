// A custom resource's openAPIV3Schema at work on a write, as apiextensions-apiserver does it:
// pruning of fields the structural schema does not know, `default` values, then validation
// (by ajv) with kube-openapi's field paths and messages.
import { createRequire } from 'node:module';
import type { ErrorObject, Options, ValidateFunction } from 'ajv';

type AjvInstance = { compile(schema: object): ValidateFunction };
type AjvClass = new (options: Options) => AjvInstance;
// ajv costs ~50 ms to load, a sixth of a cold start, and only custom resources need it: it is
// required (it is CommonJS, so synchronously) with the first schema compiled, not at start.
const requireFromHere = createRequire(import.meta.url);
let ajvClass: AjvClass | undefined;
function ajv(): AjvClass {
  if (!ajvClass) {
    // Its class is the module's `default` (an ES module compiled to CommonJS).
    const loaded = requireFromHere('ajv') as { default?: AjvClass } & AjvClass;
    ajvClass = loaded.default ?? loaded;
  }
  return ajvClass;
}
import type { FieldError } from '../apierrors/index.js';
import { validateListSetsAndMaps } from './list-types.js';

type Schema = Record<string, unknown>;

export interface CustomResourceSchema {
  /** Removes unknown fields in place; returns their paths ("spec.foo") for strict decoding. */
  prune(obj: Record<string, unknown>): string[];
  /** Fills `default` values in place. */
  applyDefaults(obj: Record<string, unknown>): void;
  validate(obj: Record<string, unknown>): FieldError[];
}

const rootFields = new Set(['apiVersion', 'kind', 'metadata']);

// Formats kube-openapi checks; any other format is accepted as it is by a real cluster.
const formats: Record<string, RegExp | ((value: string) => boolean)> = {
  'date-time': (v) => /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/.test(v) && !Number.isNaN(Date.parse(v)),
  date: /^\d{4}-\d{2}-\d{2}$/,
  uuid: /^[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}$/,
  email: /^[^@\s]+@[^@\s]+\.[^@\s]+$/,
  hostname: /^[a-zA-Z0-9]([-a-zA-Z0-9]{0,61}[a-zA-Z0-9])?(\.[a-zA-Z0-9]([-a-zA-Z0-9]{0,61}[a-zA-Z0-9])?)*$/,
  ipv4: /^((25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/,
  byte: /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/,
};

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The schema in the form ajv checks: Kubernetes' extensions turned into plain JSON Schema. */
function toJsonSchema(schema: Schema): Schema {
  const out: Schema = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key.startsWith('x-kubernetes-') || key === 'nullable' || key === 'default' || key === 'description' || key === 'example' || key === 'externalDocs') continue;
    if (key === 'properties' && isObject(value)) out.properties = Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toJsonSchema(v as Schema)]));
    else if ((key === 'items' || key === 'not') && isObject(value)) out[key] = toJsonSchema(value);
    else if (key === 'additionalProperties') out[key] = isObject(value) ? toJsonSchema(value) : value;
    else if ((key === 'allOf' || key === 'anyOf' || key === 'oneOf') && Array.isArray(value)) out[key] = value.map((v) => toJsonSchema(v as Schema));
    else out[key] = value;
  }
  if (schema['x-kubernetes-int-or-string'] === true) {
    delete out.type;
    out.anyOf = [...((out.anyOf as Schema[]) ?? []), { type: 'integer' }, { type: 'string' }];
  }
  if (schema.nullable === true && typeof out.type === 'string') out.type = [out.type, 'null'];
  // Unknown fields were pruned (or are preserved): they are never an error here.
  if (!('additionalProperties' in out) || schema['x-kubernetes-preserve-unknown-fields'] === true) delete out.additionalProperties;
  return out;
}

export function compileCustomResourceSchema(schema: Schema | undefined): CustomResourceSchema {
  const root = schema ?? { type: 'object', 'x-kubernetes-preserve-unknown-fields': true };
  // No meta-schema: compiling draft-07's for every CRD was most of the time a CRD took to be
  // served, and the CRD's own validation has already checked the schema's shape.
  const Ajv = ajv();
  const validator = new Ajv({ allErrors: true, strict: false, logger: false, validateFormats: true, formats, meta: false, validateSchema: false });
  const jsonSchema = toJsonSchema(root);
  // metadata is ObjectMeta, checked by the generic metadata validation.
  if (isObject(jsonSchema.properties)) delete (jsonSchema.properties as Schema).metadata;
  const check: ValidateFunction = validator.compile(jsonSchema);
  return {
    prune: (obj) => {
      const unknown: string[] = [];
      pruneObject(obj, root, '', unknown, true);
      return unknown;
    },
    applyDefaults: (obj) => applyDefaultValues(obj, root),
    validate: (obj) => {
      const { metadata: _metadata, ...rest } = obj;
      const errs = check(rest) ? [] : fieldErrors(check.errors ?? [], rest);
      return [...errs, ...validateListSetsAndMaps(root, rest)];
    },
  };
}

function join(path: string, key: string): string {
  return path ? `${path}.${key}` : key;
}

function pruneObject(value: unknown, schema: Schema, path: string, unknown: string[], root = false): void {
  if (Array.isArray(value)) {
    if (isObject(schema.items)) value.forEach((item, i) => pruneObject(item, schema.items as Schema, `${path}[${i}]`, unknown));
    return;
  }
  if (!isObject(value)) return;
  const properties = isObject(schema.properties) ? (schema.properties as Record<string, Schema>) : undefined;
  const additional = isObject(schema.additionalProperties) ? (schema.additionalProperties as Schema) : undefined;
  const embedded = root || schema['x-kubernetes-embedded-resource'] === true;
  const preserve = schema['x-kubernetes-preserve-unknown-fields'] === true;
  for (const key of Object.keys(value)) {
    if (embedded && key === 'metadata' && isObject(value[key])) pruneObjectMeta(value[key], join(path, key), unknown);
    if (embedded && rootFields.has(key)) continue;
    // Own properties only: "constructor" or "__proto__" in an object must not find Object.prototype's.
    const child = (properties && Object.hasOwn(properties, key) ? properties[key] : undefined) ?? additional;
    if (child) pruneObject(value[key], child, join(path, key), unknown);
    else if (!preserve && schema.additionalProperties !== true) {
      unknown.push(join(path, key));
      delete value[key];
    }
  }
}

// metav1.ObjectMeta's fields: a custom resource's metadata goes through ObjectMeta, which keeps
// nothing else (a "__proto__" or any other stray key is dropped, and reported as unknown).
const objectMetaFields = new Set([
  'name', 'generateName', 'namespace', 'selfLink', 'uid', 'resourceVersion', 'generation', 'creationTimestamp',
  'deletionTimestamp', 'deletionGracePeriodSeconds', 'labels', 'annotations', 'ownerReferences', 'finalizers', 'managedFields',
]);

function pruneObjectMeta(meta: Record<string, unknown>, path: string, unknown: string[]): void {
  for (const key of Object.keys(meta)) {
    if (objectMetaFields.has(key)) continue;
    unknown.push(join(path, key));
    delete meta[key];
  }
}

function applyDefaultValues(value: unknown, schema: Schema): void {
  if (Array.isArray(value)) {
    if (isObject(schema.items)) for (const item of value) applyDefaultValues(item, schema.items as Schema);
    return;
  }
  if (!isObject(value)) return;
  if (isObject(schema.properties)) {
    for (const [key, child] of Object.entries(schema.properties as Record<string, Schema>)) {
      if (value[key] === undefined && child.default !== undefined) value[key] = structuredClone(child.default);
      if (value[key] !== undefined) applyDefaultValues(value[key], child);
    }
  }
  if (isObject(schema.additionalProperties)) {
    for (const key of Object.keys(value)) applyDefaultValues(value[key], schema.additionalProperties as Schema);
  }
}

/** "/spec/items/0/name" → "spec.items[0].name". */
function fieldPath(pointer: string): string {
  let path = '';
  for (const raw of pointer.split('/').slice(1)) {
    const seg = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    path = /^\d+$/.test(seg) ? `${path}[${seg}]` : join(path, seg);
  }
  return path;
}

function valueAt(obj: unknown, pointer: string): unknown {
  let cur: unknown = obj;
  for (const raw of pointer.split('/').slice(1)) {
    const seg = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    cur = Array.isArray(cur) ? cur[Number(seg)] : isObject(cur) ? cur[seg] : undefined;
  }
  return cur;
}

function goTypeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

// kube-openapi's messages, wrapped as apiextensions-apiserver wraps them into field errors.
function fieldErrors(errors: ErrorObject[], obj: unknown): FieldError[] {
  const out: FieldError[] = [];
  const seen = new Set<string>();
  // anyOf of int-or-string reports each branch's type error: one error for the field is what kube-openapi gives.
  const anyOfPaths = new Set(errors.filter((e) => e.keyword === 'anyOf').map((e) => e.instancePath));
  for (const e of errors) {
    const field = fieldPath(e.instancePath);
    const value = valueAt(obj, e.instancePath);
    const params = e.params as Record<string, unknown>;
    let err: FieldError | undefined;
    switch (e.keyword) {
      case 'required': {
        const missing = join(field, String(params.missingProperty));
        err = { type: 'FieldValueRequired', field: missing, detail: '' };
        break;
      }
      case 'type':
        if (anyOfPaths.has(e.instancePath)) continue;
        err = { type: 'FieldValueTypeInvalid', field, badValue: value, detail: `${field || 'body'} in body must be of type ${[params.type].flat().join('/')}: "${goTypeName(value)}"` };
        break;
      case 'anyOf':
        err = { type: 'FieldValueTypeInvalid', field, badValue: value, detail: `${field} in body must be of type integer,string: "${goTypeName(value)}"` };
        break;
      case 'enum':
        err = { type: 'FieldValueNotSupported', field, badValue: value, supported: (params.allowedValues as unknown[]).map((v) => (typeof v === 'string' ? v : JSON.stringify(v))) };
        break;
      case 'minimum':
        err = { type: 'FieldValueInvalid', field, badValue: value, detail: `${field} in body should be greater than or equal to ${params.limit}` };
        break;
      case 'exclusiveMinimum':
        err = { type: 'FieldValueInvalid', field, badValue: value, detail: `${field} in body should be greater than ${params.limit}` };
        break;
      case 'maximum':
        err = { type: 'FieldValueInvalid', field, badValue: value, detail: `${field} in body should be less than or equal to ${params.limit}` };
        break;
      case 'exclusiveMaximum':
        err = { type: 'FieldValueInvalid', field, badValue: value, detail: `${field} in body should be less than ${params.limit}` };
        break;
      case 'minLength':
        err = { type: 'FieldValueInvalid', field, badValue: value, detail: `${field} in body should be at least ${params.limit} chars long` };
        break;
      case 'maxLength':
        err = { type: 'FieldValueTooLong', field, detail: `may not be more than ${params.limit} bytes` };
        break;
      case 'minItems':
        err = { type: 'FieldValueInvalid', field, badValue: value, detail: `${field} in body should have at least ${params.limit} items` };
        break;
      case 'maxItems':
        err = { type: 'FieldValueTooMany', field, badValue: Array.isArray(value) ? value.length : value, detail: `must have at most ${params.limit} items` };
        break;
      case 'pattern':
        err = { type: 'FieldValueInvalid', field, badValue: value, detail: `${field} in body should match '${params.pattern}'` };
        break;
      case 'format':
        err = { type: 'FieldValueInvalid', field, badValue: value, detail: `${field} in body must be of type ${params.format}: ${JSON.stringify(value)}` };
        break;
      case 'multipleOf':
        err = { type: 'FieldValueInvalid', field, badValue: value, detail: `${field} in body should be a multiple of ${params.multipleOf}` };
        break;
      case 'uniqueItems':
        err = { type: 'FieldValueDuplicate', field: `${field}[${params.j}]`, badValue: Array.isArray(value) ? value[Number(params.j)] : value };
        break;
      default:
        err = { type: 'FieldValueInvalid', field, badValue: value, detail: `${field} in body ${e.message ?? 'is invalid'}` };
    }
    const key = `${err.type}|${err.field}|${err.detail ?? ''}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(err);
  }
  return out;
}
