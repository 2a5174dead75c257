// A CRD's openAPIV3Schema checked as apiextensions-apiserver checks it: the OpenAPI v3 subset
// Kubernetes accepts (no $ref, definitions, patternProperties, uniqueItems, `type: null` …), the
// list-type and preserve-unknown-fields extensions, and the structural schema rules v1 CRDs must
// follow (every specified node has a type, metadata may only restrict name and generateName,
// anyOf/allOf/oneOf/not only constrain values the structural part already declares).
import { field, type FieldError } from '../../apierrors/index.js';

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

/** specStandardValidatorV3 and ValidateCustomResourceDefinitionOpenAPISchema: what is not allowed anywhere. */
function validateOpenApiSubset(schema: Schema, path: string, errs: FieldError[]): void {
  if (typeof schema.id === 'string' && schema.id) errs.push(field.forbidden(`${path}.id`, 'id is not supported'));
  if (schema.additionalItems !== undefined) errs.push(field.forbidden(`${path}.additionalItems`, 'additionalItems is not supported'));
  if (isObject(schema.patternProperties) && Object.keys(schema.patternProperties).length) {
    errs.push(field.forbidden(`${path}.patternProperties`, 'patternProperties is not supported'));
  }
  if (isObject(schema.definitions) && Object.keys(schema.definitions).length) errs.push(field.forbidden(`${path}.definitions`, 'definitions is not supported'));
  if (schema.dependencies !== undefined) errs.push(field.forbidden(`${path}.dependencies`, 'dependencies is not supported'));
  if (schema.$ref !== undefined) errs.push(field.forbidden(`${path}.$ref`, '$ref is not supported'));
  if (schema.type === 'null') errs.push(field.forbidden(`${path}.type`, 'type cannot be set to null, use nullable as an alternative'));
  else if (typeof schema.type === 'string' && schema.type !== '' && !openApiTypes.includes(schema.type)) {
    errs.push(field.notSupported(`${path}.type`, schema.type, openApiTypes));
  }
  if (Array.isArray(schema.items)) errs.push(field.forbidden(`${path}.items`, 'items must be a schema object and not an array'));
  if (schema.uniqueItems === true) errs.push(field.forbidden(`${path}.uniqueItems`, 'uniqueItems cannot be set to true since the runtime complexity becomes quadratic'));
  if (schema.additionalProperties === false) errs.push(field.forbidden(`${path}.additionalProperties`, 'additionalProperties cannot be set to false'));
  if (schema.additionalProperties !== undefined && propertiesOf(schema).length) {
    if (schema.additionalProperties === false || isObject(schema.additionalProperties)) {
      errs.push(field.forbidden(`${path}.additionalProperties`, 'additionalProperties and properties are mutual exclusive'));
    }
  }
  if (schema['x-kubernetes-preserve-unknown-fields'] === false) {
    errs.push(field.invalid(`${path}.x-kubernetes-preserve-unknown-fields`, false, 'must be true or undefined'));
  }
  validateListType(schema, path, errs);

  if (isObject(schema.additionalProperties)) validateOpenApiSubset(schema.additionalProperties, `${path}.additionalProperties`, errs);
  for (const [k, v] of propertiesOf(schema)) validateOpenApiSubset(v, key(`${path}.properties`, k), errs);
  if (isObject(schema.items)) validateOpenApiSubset(schema.items, `${path}.items`, errs);
  if (isObject(schema.not)) validateOpenApiSubset(schema.not, `${path}.not`, errs);
  for (const combinator of ['allOf', 'oneOf', 'anyOf'] as const) {
    const list = schema[combinator];
    if (Array.isArray(list)) list.forEach((s, i) => isObject(s) && validateOpenApiSubset(s, `${path}.${combinator}[${i}]`, errs));
  }
}

function validateListType(schema: Schema, path: string, errs: FieldError[]): void {
  const listType = schema['x-kubernetes-list-type'];
  const mapKeys = Array.isArray(schema['x-kubernetes-list-map-keys']) ? (schema['x-kubernetes-list-map-keys'] as string[]) : [];
  if (listType !== undefined && listType !== 'atomic' && listType !== 'set' && listType !== 'map') {
    errs.push(field.notSupported(`${path}.x-kubernetes-list-type`, listType, ['atomic', 'set', 'map']));
  } else if (listType !== undefined && schema.type !== 'array') {
    errs.push(field.invalid(`${path}.x-kubernetes-list-type`, listType, 'must only be used on type=array'));
  } else if (mapKeys.length > 0 && listType !== 'map') {
    errs.push(field.required(`${path}.x-kubernetes-list-type`, 'must be map if x-kubernetes-list-map-keys is non-empty'));
  } else if (listType === 'map') {
    if (mapKeys.length === 0) errs.push(field.required(`${path}.x-kubernetes-list-map-keys`, 'must not be empty if x-kubernetes-list-type is map'));
    const items = isObject(schema.items) ? schema.items : undefined;
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
  ['x-kubernetes-map-type', 'must be undefined to be structural'],
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
  if (level === 'root' && isObject(schema.properties) && 'metadata' in schema.properties) {
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
  if (isObject(schema.additionalProperties)) validateInvariants(schema.additionalProperties, 'field', `${path}.additionalProperties`, errs);

  if (intOrString && preserve) errs.push(field.invalid(`${path}.x-kubernetes-preserve-unknown-fields`, true, 'must be false if x-kubernetes-int-or-string is true'));
  if (intOrString && embedded) errs.push(field.invalid(`${path}.x-kubernetes-embedded-resource`, true, 'must be false if x-kubernetes-int-or-string is true'));

  validateValueValidation(schema, level, path, errs);

  if (embedded && type !== 'object') {
    if (!type) errs.push(field.required(`${path}.type`, 'must be object if x-kubernetes-embedded-resource is true'));
    else errs.push(field.invalid(`${path}.type`, type, 'must be object if x-kubernetes-embedded-resource is true'));
  } else if (!type && !embedded && !intOrString) {
    const detail = { root: 'must not be empty at the root', item: 'must not be empty for specified array items', field: 'must not be empty for specified object fields' }[level];
    errs.push(field.required(`${path}.type`, detail));
  }
  if (embedded && schema.additionalProperties !== undefined) {
    errs.push(field.required(`${path}.additionalProperties`, 'must not be used if x-kubernetes-embedded-resource is set'));
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

/**
 * Every problem of an openAPIV3Schema at `path` ("spec.validation.openAPIV3Schema"): the OpenAPI
 * subset first, then, when the types are usable, the structural rules.
 */
export function validateCustomResourceSchema(schema: Schema, path: string): FieldError[] {
  const errs: FieldError[] = [];
  validateOpenApiSubset(schema, path, errs);
  if (hasInvalidTypes(schema)) return errs;
  validateInvariants(schema, 'root', path, errs);
  validateCompleteness(schema, path, errs);
  return errs;
}

/** SchemaHasInvalidTypes: a schema whose types are unusable cannot be checked for structure. */
function hasInvalidTypes(schema: Schema): boolean {
  if (typeof schema.type === 'string' && schema.type !== '' && !openApiTypes.includes(schema.type)) return true;
  const children: unknown[] = [schema.items, schema.additionalProperties, schema.not, ...(Array.isArray(schema.allOf) ? schema.allOf : []), ...(Array.isArray(schema.anyOf) ? schema.anyOf : []), ...(Array.isArray(schema.oneOf) ? schema.oneOf : [])];
  if (isObject(schema.properties)) children.push(...Object.values(schema.properties));
  return children.some((c) => isObject(c) && hasInvalidTypes(c));
}
