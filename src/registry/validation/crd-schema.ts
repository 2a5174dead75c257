// A CRD's openAPIV3Schema checked as apiextensions-apiserver checks it: the OpenAPI v3 subset
// Kubernetes accepts (no $ref, definitions, patternProperties, uniqueItems, `type: null` …), the
// list-type and preserve-unknown-fields extensions, and the structural schema rules v1 CRDs must
// follow (every specified node has a type, metadata may only restrict name and generateName,
// anyOf/allOf/oneOf/not only constrain values the structural part already declares), then the
// defaults (valid and pruned values of their own schema). Messages, paths and the order in which
// they are reported follow validation.go, schema/validation.go and defaulting/validation.go.
import { field, fieldErrorString, type FieldError } from '../../apierrors/index.js';
import type { JsonValue } from '../../machinery/object.js';
import { goSyntaxFormat } from '../../machinery/patch/go-format.js';
import { compileCustomResourceSchema } from '../../schema/custom-resource-schema.js';

type Schema = Record<string, unknown>;
type Level = 'root' | 'item' | 'field';

const openApiTypes = ['array', 'boolean', 'integer', 'number', 'object', 'string'];

function isObject(value: unknown): value is Schema {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function propertiesOf(schema: Schema): [string, Schema][] {
  if (!isObject(schema.properties)) return [];
  return Object.keys(schema.properties)
    .sort()
    .map((k) => [k, (schema.properties as Record<string, Schema>)[k]!] as [string, Schema])
    .filter(([, v]) => isObject(v));
}

const key = (path: string, name: string) => `${path}[${name}]`;

const metaFields = new Set(['metadata', 'kind', 'apiVersion']);

interface SubsetContext {
  /** Why `default` is not allowed here ("in top-level metadata"), when it is not. */
  noDefaults?: string;
  insideResourceMeta?: boolean;
}

/** specStandardValidatorV3 and ValidateCustomResourceDefinitionOpenAPISchema: the OpenAPI subset CRDs may use. */
function validateOpenApiSubset(schema: Schema, path: string, errs: FieldError[], ctx: SubsetContext, isRoot: boolean): void {
  if (typeof schema.type === 'string' && schema.type !== '' && !openApiTypes.includes(schema.type)) {
    errs.push(field.notSupported(`${path}.type`, schema.type, openApiTypes));
  }
  if (schema.default !== undefined && ctx.noDefaults) errs.push(field.forbidden(`${path}.default`, `must not be set ${ctx.noDefaults}`));
  if (typeof schema.id === 'string' && schema.id) errs.push(field.forbidden(`${path}.id`, 'id is not supported'));
  if (schema.additionalItems !== undefined) errs.push(field.forbidden(`${path}.additionalItems`, 'additionalItems is not supported'));
  if (isObject(schema.patternProperties) && Object.keys(schema.patternProperties).length) {
    errs.push(field.forbidden(`${path}.patternProperties`, 'patternProperties is not supported'));
  }
  if (isObject(schema.definitions) && Object.keys(schema.definitions).length) errs.push(field.forbidden(`${path}.definitions`, 'definitions is not supported'));
  if (schema.dependencies !== undefined) errs.push(field.forbidden(`${path}.dependencies`, 'dependencies is not supported'));
  if (schema.$ref !== undefined) errs.push(field.forbidden(`${path}.$ref`, '$ref is not supported'));
  if (schema.type === 'null') errs.push(field.forbidden(`${path}.type`, 'type cannot be set to null, use nullable as an alternative'));
  if (Array.isArray(schema.items)) errs.push(field.forbidden(`${path}.items`, 'items must be a schema object and not an array'));
  if (ctx.insideResourceMeta && schema['x-kubernetes-embedded-resource'] === true) {
    errs.push(field.forbidden(`${path}.x-kubernetes-embedded-resource`, 'must not be used inside of resource meta'));
  }
  if (schema.uniqueItems === true) errs.push(field.forbidden(`${path}.uniqueItems`, 'uniqueItems cannot be set to true since the runtime complexity becomes quadratic'));

  if (schema.additionalProperties !== undefined) {
    if (propertiesOf(schema).length && (schema.additionalProperties === false || isObject(schema.additionalProperties))) {
      errs.push(field.forbidden(`${path}.additionalProperties`, 'additionalProperties and properties are mutual exclusive'));
    }
    // Pruning inside metadata maps cannot tell a default from a value: no defaults there.
    const sub = ctx.insideResourceMeta ? { ...ctx, noDefaults: 'inside additionalProperties applying to object metadata' } : ctx;
    if (isObject(schema.additionalProperties)) validateOpenApiSubset(schema.additionalProperties, `${path}.additionalProperties`, errs, sub, false);
  }
  const embedded = schema['x-kubernetes-embedded-resource'] === true;
  for (const [k, v] of propertiesOf(schema)) {
    let sub = ctx;
    if ((isRoot || embedded) && metaFields.has(k)) {
      sub = { ...sub, insideResourceMeta: true };
      if (isRoot) sub = { ...sub, noDefaults: `in top-level ${k}` };
    }
    validateOpenApiSubset(v, key(`${path}.properties`, k), errs, sub, false);
  }
  if (isObject(schema.not)) validateOpenApiSubset(schema.not, `${path}.not`, errs, ctx, false);
  for (const combinator of ['allOf', 'oneOf', 'anyOf'] as const) {
    const list = schema[combinator];
    if (Array.isArray(list)) list.forEach((s, i) => isObject(s) && validateOpenApiSubset(s, `${path}.${combinator}[${i}]`, errs, ctx, false));
  }
  if (isObject(schema.items)) validateOpenApiSubset(schema.items, `${path}.items`, errs, ctx, false);
  if (schema['x-kubernetes-preserve-unknown-fields'] === false) {
    errs.push(field.invalid(`${path}.x-kubernetes-preserve-unknown-fields`, false, 'must be true or undefined'));
  }
  validateListType(schema, path, errs);
}

function validateListType(schema: Schema, path: string, errs: FieldError[]): void {
  const listType = schema['x-kubernetes-list-type'];
  const mapType = schema['x-kubernetes-map-type'];
  const mapKeys = Array.isArray(schema['x-kubernetes-list-map-keys']) ? (schema['x-kubernetes-list-map-keys'] as string[]) : [];
  const type = typeof schema.type === 'string' ? schema.type : '';
  const items = isObject(schema.items) ? schema.items : undefined;
  if (mapType !== undefined && type !== 'object') {
    if (!type) errs.push(field.required(`${path}.type`, 'must be object if x-kubernetes-map-type is specified'));
    else errs.push(field.invalid(`${path}.type`, type, 'must be object if x-kubernetes-map-type is specified'));
  }
  if (mapType !== undefined && mapType !== 'atomic' && mapType !== 'granular') errs.push(field.notSupported(`${path}.x-kubernetes-map-type`, mapType, ['atomic', 'granular']));
  if (listType !== undefined && type !== 'array') {
    if (!type) errs.push(field.required(`${path}.type`, 'must be array if x-kubernetes-list-type is specified'));
    else errs.push(field.invalid(`${path}.type`, type, 'must be array if x-kubernetes-list-type is specified'));
  } else if (listType === 'set' && items) {
    // Items of a set are compared whole: they must be atomic.
    if (items.type === 'array' && items['x-kubernetes-list-type'] !== undefined && items['x-kubernetes-list-type'] !== 'atomic') {
      errs.push(field.invalid(`${path}.items.x-kubernetes-list-type`, items['x-kubernetes-list-type'], 'must be atomic as item of a list with x-kubernetes-list-type=set'));
    } else if (items.type === 'object' && items['x-kubernetes-map-type'] !== 'atomic') {
      errs.push(field.invalid(`${path}.items.x-kubernetes-map-type`, items['x-kubernetes-list-type'] ?? null, 'must be atomic as item of a list with x-kubernetes-list-type=set'));
    }
  }
  if (listType !== undefined && listType !== 'atomic' && listType !== 'set' && listType !== 'map') {
    errs.push(field.notSupported(`${path}.x-kubernetes-list-type`, listType, ['atomic', 'set', 'map']));
  }
  if (mapKeys.length > 0) {
    if (listType === undefined) errs.push(field.required(`${path}.x-kubernetes-list-type`, 'must be map if x-kubernetes-list-map-keys is non-empty'));
    else if (listType !== 'map') errs.push(field.invalid(`${path}.x-kubernetes-list-type`, listType, 'must be map if x-kubernetes-list-map-keys is non-empty'));
  }
  if (listType === 'map') {
    if (mapKeys.length === 0) errs.push(field.required(`${path}.x-kubernetes-list-map-keys`, 'must not be empty if x-kubernetes-list-type is map'));
    if (!items) errs.push(field.required(`${path}.items`, 'must have a schema if x-kubernetes-list-type is map'));
    else if (items.type !== 'object') {
      errs.push(field.invalid(`${path}.items.type`, items.type ?? '', "must be object if parent array's x-kubernetes-list-type is map"));
    } else {
      const seen = new Set<string>();
      // field.Invalid of a []string prints Go's %#v.
      const keysInvalid = (detail: string): FieldError => ({ ...field.invalid(`${path}.x-kubernetes-list-map-keys`, mapKeys, detail), badValueText: `[]string{${mapKeys.map((k) => JSON.stringify(k)).join(', ')}}` });
      const properties = isObject(items.properties) ? (items.properties as Record<string, Schema>) : {};
      for (const k of mapKeys) {
        const prop = properties[k];
        if (prop) {
          if (prop.type === 'array' || prop.type === 'object') {
            errs.push(field.invalid(`${key(`${path}.items.properties`, k)}.type`, items.type, "must be a scalar type if parent array's x-kubernetes-list-type is map"));
          }
        } else {
          errs.push(keysInvalid('entries must all be names of item properties'));
        }
        if (seen.has(k)) errs.push(keysInvalid('must not contain duplicate entries'));
        seen.add(k);
      }
    }
  }
  // validateMapListKeysMapSet: set and map items are never null; map keys are required or defaulted, never null.
  if ((listType === 'set' || listType === 'map') && items) {
    if (items.nullable === true) errs.push(field.forbidden(`${path}.items.nullable`, `cannot be nullable when x-kubernetes-list-type is ${listType}`));
    if (listType === 'map') {
      const required = new Set(Array.isArray(items.required) ? (items.required as string[]) : []);
      const properties = isObject(items.properties) ? (items.properties as Record<string, Schema>) : {};
      for (const k of mapKeys) {
        const prop = properties[k];
        if (!isObject(prop)) continue;
        if (!required.has(k) && prop.default === undefined) {
          errs.push(field.required(`${key(`${path}.items.properties`, k)}.default`, 'this property is in x-kubernetes-list-map-keys, so it must have a default or be a required property'));
        }
        if (prop.nullable === true) errs.push(field.forbidden(`${key(`${path}.items.properties`, k)}.nullable`, 'this property is in x-kubernetes-list-map-keys, so it cannot be nullable'));
      }
    }
  }
}

/** anyOf: [{type: integer}, {type: string}] (or that as allOf[0]): the int-or-string exceptions. */
function isIntOrStringAnyOf(anyOf: unknown): boolean {
  return Array.isArray(anyOf) && anyOf.length === 2 && isObject(anyOf[0]) && isObject(anyOf[1]) && anyOf[0].type === 'integer' && anyOf[1].type === 'string' && Object.keys(anyOf[0]).length === 1 && Object.keys(anyOf[1]).length === 1;
}

// In anyOf/allOf/oneOf/not only value validations may appear: these keys describe structure.
const emptyInNested: [string, string][] = [
  ['type', 'must be empty to be structural'],
  ['additionalProperties', 'must be undefined to be structural'],
  ['default', 'must be undefined to be structural'],
  ['title', 'must be empty to be structural'],
  ['description', 'must be empty to be structural'],
  ['nullable', 'must be false to be structural'],
  ['x-kubernetes-preserve-unknown-fields', 'must be false to be structural'],
  ['x-kubernetes-embedded-resource', 'must be false to be structural'],
  ['x-kubernetes-int-or-string', 'must be false to be structural'],
  ['x-kubernetes-list-map-keys', 'must be empty to be structural'],
  ['x-kubernetes-list-type', 'must be undefined to be structural'],
];

function present(value: unknown): boolean {
  if (value === undefined || value === null || value === false || value === '') return false;
  return !(Array.isArray(value) && value.length === 0);
}

function validateValueValidation(schema: Schema, level: Level, path: string, errs: FieldError[]): void {
  const skipAnyOf = isIntOrStringAnyOf(schema.anyOf);
  const allOf = Array.isArray(schema.allOf) ? schema.allOf : [];
  const skipFirstAllOfAnyOf = allOf.length > 0 && isObject(allOf[0]) && isIntOrStringAnyOf(allOf[0].anyOf);
  if (!skipAnyOf && Array.isArray(schema.anyOf)) schema.anyOf.forEach((s, i) => isObject(s) && validateNested(s, level, `${path}.anyOf[${i}]`, errs, false));
  allOf.forEach((s, i) => isObject(s) && validateNested(s, level, `${path}.allOf[${i}]`, errs, skipFirstAllOfAnyOf && i === 0));
  if (Array.isArray(schema.oneOf)) schema.oneOf.forEach((s, i) => isObject(s) && validateNested(s, level, `${path}.oneOf[${i}]`, errs, false));
  if (isObject(schema.not)) validateNested(schema.not, level, `${path}.not`, errs, false);
}

function validateNested(schema: Schema, level: Level, path: string, errs: FieldError[], skipAnyOf: boolean): void {
  validateValueValidation(skipAnyOf ? { ...schema, anyOf: undefined } : schema, level, path, errs);
  if (isObject(schema.items)) validateNested(schema.items, level, `${path}.items`, errs, false);
  for (const [k, v] of propertiesOf(schema)) validateNested(v, 'field', key(`${path}.properties`, k), errs, false);
  for (const [k, message] of emptyInNested) {
    if (!present(schema[k])) continue;
    errs.push(field.forbidden(`${path}.${k}`, message));
  }
  if (isObject(schema.properties) && 'metadata' in schema.properties) {
    errs.push(field.forbidden(key(`${path}.properties`, 'metadata'), 'must not be specified in a nested context'));
  }
}

/** validateStructuralInvariants: types everywhere, metadata restricted, embedded resources well formed. */
function validateInvariants(schema: Schema, level: Level, path: string, errs: FieldError[]): void {
  const type = typeof schema.type === 'string' ? schema.type : '';
  const embedded = schema['x-kubernetes-embedded-resource'] === true;
  const intOrString = schema['x-kubernetes-int-or-string'] === true;
  const preserve = schema['x-kubernetes-preserve-unknown-fields'] === true;
  if (type === 'array' && !isObject(schema.items)) errs.push(field.required(`${path}.items`, 'must be specified'));
  if (isObject(schema.items)) validateInvariants(schema.items, 'item', `${path}.items`, errs);
  for (const [k, v] of propertiesOf(schema)) validateInvariants(v, 'field', key(`${path}.properties`, k), errs);
  if (schema.additionalProperties !== undefined) {
    if (level === 'root') errs.push(field.forbidden(`${path}.additionalProperties`, 'must not be used at the root'));
    if (isObject(schema.additionalProperties)) validateInvariants(schema.additionalProperties, 'field', `${path}.additionalProperties`, errs);
  }

  if (intOrString && preserve) errs.push(field.invalid(`${path}.x-kubernetes-preserve-unknown-fields`, true, 'must be false if x-kubernetes-int-or-string is true'));
  if (intOrString && embedded) errs.push(field.invalid(`${path}.x-kubernetes-embedded-resource`, true, 'must be false if x-kubernetes-int-or-string is true'));

  validateValueValidation(schema, level, path, errs);

  if (embedded && type !== 'object') {
    if (!type) errs.push(field.required(`${path}.type`, 'must be object if x-kubernetes-embedded-resource is true'));
    else errs.push(field.invalid(`${path}.type`, type, 'must be object if x-kubernetes-embedded-resource is true'));
  } else if (!type && !intOrString && !preserve) {
    const detail = { root: 'must not be empty at the root', item: 'must not be empty for specified array items', field: 'must not be empty for specified object fields' }[level];
    errs.push(field.required(`${path}.type`, detail));
  }
  if (embedded && schema.additionalProperties !== undefined) {
    errs.push(field.forbidden(`${path}.additionalProperties`, 'must not be used if x-kubernetes-embedded-resource is set'));
  }
  if (level === 'root' && type && type !== 'object') errs.push(field.invalid(`${path}.type`, type, 'must be object at the root'));

  const properties = isObject(schema.properties) ? (schema.properties as Record<string, Schema>) : {};
  const checkMetadata = level === 'root' || embedded;
  if (checkMetadata) {
    for (const name of ['kind', 'apiVersion']) {
      const prop = properties[name];
      if (isObject(prop) && prop.type !== 'string') errs.push(field.invalid(`${key(`${path}.properties`, name)}.type`, prop.type ?? '', 'must be string'));
    }
    const metadata = properties.metadata;
    if (isObject(metadata) && metadata.type !== 'object') errs.push(field.invalid(`${key(`${path}.properties`, 'metadata')}.type`, metadata.type ?? '', 'must be object'));
  }
  const metadata = properties.metadata;
  if (level === 'root' && isObject(metadata) && !onlyNamesInMetadata(metadata)) {
    errs.push(field.forbidden(key(`${path}.properties`, 'metadata'), 'must not specify anything other than name and generateName, but metadata is implicitly specified'));
  }
  if (embedded && !preserve && propertiesOf(schema).length === 0) {
    errs.push(field.required(`${path}.properties`, 'must not be empty if x-kubernetes-embedded-resource is true without x-kubernetes-preserve-unknown-fields'));
  }
}

/** metadata may be typed object and restrict name and generateName; anything else is refused. */
function onlyNamesInMetadata(metadata: Schema): boolean {
  for (const [k, v] of Object.entries(metadata)) {
    if (k === 'type' || k === 'default') continue;
    if (k === 'properties' && isObject(v)) {
      if (Object.keys(v).some((name) => name !== 'name' && name !== 'generateName')) return false;
      continue;
    }
    if (!present(v) || (isObject(v) && Object.keys(v).length === 0)) continue;
    return false;
  }
  return true;
}

/** validateStructuralCompleteness: what a value validation names must exist in the structural part. */
function validateCompleteness(schema: Schema, path: string, errs: FieldError[]): void {
  const visitValidations = (v: Schema, s: Schema | undefined, sPath: string, vPath: string) => {
    if (isObject(v.not)) nestedCompleteness(v.not, s, sPath, `${vPath}.not`);
    for (const combinator of ['allOf', 'anyOf', 'oneOf'] as const) {
      const list = v[combinator];
      if (Array.isArray(list)) list.forEach((n, i) => isObject(n) && nestedCompleteness(n, s, sPath, `${vPath}.${combinator}[${i}]`));
    }
  };
  const nestedCompleteness = (v: Schema, s: Schema | undefined, sPath: string, vPath: string): void => {
    if (!s) {
      errs.push(field.required(sPath, `because it is defined in ${vPath}`));
      return;
    }
    visitValidations(v, s, sPath, vPath);
    if (isObject(v.items)) nestedCompleteness(v.items, isObject(s.items) ? s.items : undefined, `${sPath}.items`, `${vPath}.items`);
    const sProps = isObject(s.properties) ? (s.properties as Record<string, Schema>) : {};
    for (const [k, vField] of propertiesOf(v)) {
      const sField = sProps[k];
      if (!sField) {
        if (!isObject(s.additionalProperties)) errs.push(field.required(key(`${sPath}.properties`, k), `because it is defined in ${key(`${vPath}.properties`, k)}`));
      } else {
        nestedCompleteness(vField, sField, key(`${sPath}.properties`, k), key(`${vPath}.properties`, k));
      }
    }
  };
  const walk = (s: Schema, sPath: string) => {
    visitValidations(s, s, sPath, sPath);
    if (isObject(s.items)) walk(s.items, `${sPath}.items`);
    for (const [k, v] of propertiesOf(s)) walk(v, key(`${sPath}.properties`, k));
    if (isObject(s.additionalProperties)) walk(s.additionalProperties, `${sPath}.additionalProperties`);
  };
  walk(schema, path);
}

// JSONSchemaProps' fields in Go order, with those allowed at the root when /status is enabled
// (its validation is taken from properties.status, so the root may not constrain the object).
const rootFieldOrder: [string, string, boolean][] = [
  ['id', 'ID', false], ['$schema', 'Schema', false], ['$ref', 'Ref', false], ['description', 'Description', true], ['type', 'Type', true],
  ['format', 'Format', true], ['title', 'Title', true], ['default', 'Default', false], ['maximum', 'Maximum', true],
  ['exclusiveMaximum', 'ExclusiveMaximum', true], ['minimum', 'Minimum', true], ['exclusiveMinimum', 'ExclusiveMinimum', true],
  ['maxLength', 'MaxLength', true], ['minLength', 'MinLength', true], ['pattern', 'Pattern', true], ['maxItems', 'MaxItems', true],
  ['minItems', 'MinItems', true], ['uniqueItems', 'UniqueItems', true], ['multipleOf', 'MultipleOf', true], ['enum', 'Enum', false],
  ['maxProperties', 'MaxProperties', false], ['minProperties', 'MinProperties', false], ['required', 'Required', true], ['items', 'Items', true],
  ['allOf', 'AllOf', false], ['oneOf', 'OneOf', false], ['anyOf', 'AnyOf', false], ['not', 'Not', false], ['properties', 'Properties', true],
  ['additionalProperties', 'AdditionalProperties', false], ['patternProperties', 'PatternProperties', false], ['dependencies', 'Dependencies', false],
  ['additionalItems', 'AdditionalItems', false], ['definitions', 'Definitions', false], ['externalDocs', 'ExternalDocs', true],
  ['example', 'Example', true], ['nullable', 'Nullable', false], ['x-kubernetes-preserve-unknown-fields', 'XPreserveUnknownFields', true],
  ['x-kubernetes-embedded-resource', 'XEmbeddedResource', false], ['x-kubernetes-int-or-string', 'XIntOrString', false],
  ['x-kubernetes-list-map-keys', 'XListMapKeys', false], ['x-kubernetes-list-type', 'XListType', false], ['x-kubernetes-map-type', 'XMapType', false],
  ['x-kubernetes-validations', 'XValidations', true],
];
const allowedAtRoot = `[${rootFieldOrder.filter(([, , ok]) => ok).map(([, go]) => go).join(' ')}]`;

function validateStatusRoot(schema: Schema, path: string): FieldError[] {
  for (const [json, , allowed] of rootFieldOrder) {
    if (!present(schema[json]) || (isObject(schema[json]) && Object.keys(schema[json] as Schema).length === 0)) continue;
    if (json === 'type') {
      if (schema.type !== 'object') return [field.invalid(`${path}.type`, schema.type, 'only "object" is allowed as the type at the root of the schema if the status subresource is enabled')];
      continue;
    }
    if (!allowed) return [field.invalid(path, schema, `only ${allowedAtRoot} fields are allowed at the root of the schema if the status subresource is enabled`)];
  }
  return [];
}

// The name a default is validated under: kube-openapi validates a default as a value of its own,
// so its messages name the field inside it ("" for the value itself).
const slot = '__default';

/**
 * structuraldefaulting.ValidateDefaults: every default (not under additionalProperties, where
 * defaults are forbidden) must be pruned already and valid against its own schema.
 */
function validateDefaults(schema: Schema, path: string, errs: FieldError[]): void {
  if (schema.default !== undefined) {
    const at = `${path}.default`;
    const compiled = compileCustomResourceSchema({ type: 'object', properties: { [slot]: schema } });
    const copy = { [slot]: structuredClone(schema.default) };
    if (compiled.prune(copy).length) {
      // A structured bad value prints as Go's %#v of the decoded JSON.
      errs.push({ ...field.invalid(at, schema.default, 'must not have unknown fields'), badValueText: goSyntaxFormat(schema.default as JsonValue) });
    }
    for (const e of compiled.validate({ [slot]: structuredClone(schema.default) })) {
      const rest = e.field === slot ? '' : e.field.slice(slot.length + 1);
      const detail = e.detail?.startsWith(`${slot}.`) ? e.detail.slice(slot.length + 1) : e.detail?.startsWith(slot) ? e.detail.slice(slot.length) : e.detail;
      errs.push({ ...e, field: rest ? `${at}.${rest}` : at, detail });
    }
  }
  if (isObject(schema.items)) validateDefaults(schema.items, `${path}.items`, errs);
  for (const [k, v] of propertiesOf(schema)) validateDefaults(v, key(`${path}.properties`, k), errs);
}

/** What NewStructural cannot convert: such a schema gets only the OpenAPI subset's errors. */
function convertsToStructural(schema: Schema): boolean {
  if (schema.$ref !== undefined || Array.isArray(schema.items) || schema.additionalItems !== undefined || schema.dependencies !== undefined) return false;
  if (isObject(schema.patternProperties) && Object.keys(schema.patternProperties).length) return false;
  if (isObject(schema.definitions) && Object.keys(schema.definitions).length) return false;
  if (typeof schema.id === 'string' && schema.id) return false;
  const children: unknown[] = [schema.items, schema.additionalProperties, schema.not, ...(Array.isArray(schema.allOf) ? schema.allOf : []), ...(Array.isArray(schema.anyOf) ? schema.anyOf : []), ...(Array.isArray(schema.oneOf) ? schema.oneOf : [])];
  if (isObject(schema.properties)) children.push(...Object.values(schema.properties));
  return children.every((c) => !isObject(c) || convertsToStructural(c));
}

/**
 * Every problem of an openAPIV3Schema at `path` ("spec.validation.openAPIV3Schema"), in the order
 * validateCustomResourceDefinitionValidation reports them: the /status root rule, a nullable root,
 * the structural rules (sorted, as ValidateStructural sorts them), then the OpenAPI subset.
 */
export function validateCustomResourceSchema(schema: Schema, path: string, statusEnabled = false): FieldError[] {
  const errs: FieldError[] = [];
  if (statusEnabled) errs.push(...validateStatusRoot(schema, path));
  if (schema.nullable === true) errs.push(field.forbidden(`${path}.nullable`, 'nullable cannot be true at the root'));
  if (!hasInvalidTypes(schema) && convertsToStructural(schema)) {
    const structural: FieldError[] = [];
    validateInvariants(schema, 'root', path, structural);
    validateCompleteness(schema, path, structural);
    const text = new Map(structural.map((e) => [e, fieldErrorString(e)]));
    structural.sort((a, b) => (text.get(a)! < text.get(b)! ? -1 : text.get(a)! > text.get(b)! ? 1 : 0));
    errs.push(...structural);
    // Defaults are only judged against a structural schema.
    if (structural.length === 0) validateDefaults(schema, path, errs);
  }
  validateOpenApiSubset(schema, path, errs, {}, true);
  return errs;
}

/** SchemaHasInvalidTypes: a schema whose types are unusable cannot be checked for structure. */
function hasInvalidTypes(schema: Schema): boolean {
  if (typeof schema.type === 'string' && schema.type !== '' && !openApiTypes.includes(schema.type)) return true;
  const children: unknown[] = [schema.items, schema.additionalProperties, schema.not, ...(Array.isArray(schema.allOf) ? schema.allOf : []), ...(Array.isArray(schema.anyOf) ? schema.anyOf : []), ...(Array.isArray(schema.oneOf) ? schema.oneOf : [])];
  if (isObject(schema.properties)) children.push(...Object.values(schema.properties));
  return children.some((c) => isObject(c) && hasInvalidTypes(c));
}
