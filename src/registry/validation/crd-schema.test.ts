import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fieldErrorString } from '../../apierrors/field-errors.js';
import { validateCustomResourceSchema } from './crd-schema.js';

const at = 'spec.validation.openAPIV3Schema';
const messages = (schema: Record<string, unknown>) => validateCustomResourceSchema(schema, at).map(fieldErrorString);

test('structural errors come first, sorted, then the OpenAPI subset; /status limits the root', () => {
  assert.deepEqual(
    messages({ type: 'object', properties: { z: { properties: {} }, a: { type: 'array', items: { type: 'string' }, uniqueItems: true } } }),
    [
      `${at}.properties[z].type: Required value: must not be empty for specified object fields`,
      `${at}.properties[a].uniqueItems: Forbidden: uniqueItems cannot be set to true since the runtime complexity becomes quadratic`,
    ],
  );
  assert.deepEqual(
    validateCustomResourceSchema({ type: 'object', minProperties: 1, properties: {} }, at, true).map(fieldErrorString).map((m) => m.replace(/Invalid value: \{.*\}: /, 'Invalid value: …: ')),
    [`${at}: Invalid value: …: only [Description Type Format Title Maximum ExclusiveMaximum Minimum ExclusiveMinimum MaxLength MinLength Pattern MaxItems MinItems UniqueItems MultipleOf Required Items Properties ExternalDocs Example XPreserveUnknownFields XValidations] fields are allowed at the root of the schema if the status subresource is enabled`],
  );
  assert.deepEqual(messages({ type: 'object', properties: { metadata: { type: 'object', properties: { name: { type: 'string', default: 'x' } } } } }), [
    `${at}.properties[metadata].properties[name].default: Forbidden: must not be set in top-level metadata`,
  ]);
});

test('a structural schema passes: typed nodes, int-or-string, preserved and embedded objects, map lists', () => {
  assert.deepEqual(
    messages({
      type: 'object',
      properties: {
        metadata: { type: 'object', properties: { name: { type: 'string', maxLength: 10 } } },
        spec: {
          type: 'object',
          properties: {
            port: { 'x-kubernetes-int-or-string': true, anyOf: [{ type: 'integer' }, { type: 'string' }] },
            free: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
            pod: { type: 'object', 'x-kubernetes-embedded-resource': true, 'x-kubernetes-preserve-unknown-fields': true },
            ports: { type: 'array', 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['port'], items: { type: 'object', required: ['port'], properties: { port: { type: 'integer' } } } },
            either: { type: 'object', properties: { a: { type: 'string' }, b: { type: 'string' } }, oneOf: [{ required: ['a'] }, { required: ['b'] }] },
          },
        },
      },
    }),
    [],
  );
});

test('missing types are reported per level, with the real messages', () => {
  assert.deepEqual(messages({ properties: { spec: { properties: { list: { type: 'array', items: {} } } } } }), [
    `${at}.properties[spec].properties[list].items.type: Required value: must not be empty for specified array items`,
    `${at}.properties[spec].type: Required value: must not be empty for specified object fields`,
    `${at}.type: Required value: must not be empty at the root`,
  ]);
  assert.deepEqual(messages({ type: 'string' }), [`${at}.type: Invalid value: "string": must be object at the root`]);
  assert.deepEqual(messages({ type: 'object', properties: { a: { type: 'array' } } }), [`${at}.properties[a].items: Required value: must be specified`]);
});

test('metadata may only restrict name and generateName; value validations may not describe structure', () => {
  assert.deepEqual(messages({ type: 'object', properties: { metadata: { type: 'object', properties: { labels: { type: 'object' } } } } }), [
    `${at}.properties[metadata]: Forbidden: must not specify anything other than name and generateName, but metadata is implicitly specified`,
  ]);
  assert.deepEqual(messages({ type: 'object', properties: { a: { type: 'string' } }, anyOf: [{ properties: { a: { type: 'string' }, b: { maxLength: 1 } } }] }), [
    `${at}.anyOf[0].properties[a].type: Forbidden: must be empty to be structural`,
    `${at}.properties[b]: Required value: because it is defined in ${at}.anyOf[0].properties[b]`,
  ]);
});

test('the OpenAPI subset: no $ref, uniqueItems, null type, additionalProperties beside properties, bad list types', () => {
  assert.deepEqual(
    messages({
      type: 'object',
      properties: {
        r: { $ref: '#/definitions/x' },
        u: { type: 'array', uniqueItems: true, items: { type: 'string' } },
        both: { type: 'object', properties: { a: { type: 'string' } }, additionalProperties: { type: 'string' } },
        set: { type: 'string', 'x-kubernetes-list-type': 'set' },
        keys: { type: 'array', 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['k'], items: { type: 'object', properties: { n: { type: 'string' } } } },
      },
    }),
    [
      `${at}.properties[both].additionalProperties: Forbidden: additionalProperties and properties are mutual exclusive`,
      `${at}.properties[keys].x-kubernetes-list-map-keys: Invalid value: []string{"k"}: entries must all be names of item properties`,
      `${at}.properties[r].$ref: Forbidden: $ref is not supported`,
      `${at}.properties[set].type: Invalid value: "string": must be array if x-kubernetes-list-type is specified`,
      `${at}.properties[u].uniqueItems: Forbidden: uniqueItems cannot be set to true since the runtime complexity becomes quadratic`,
    ],
    // ($ref makes the schema unconvertible to a structural one: no structural errors then.)
  );
  assert.deepEqual(messages({ type: 'object', properties: { n: { type: 'null' } } }), [
    `${at}.properties[n].type: Unsupported value: "null": supported values: "array", "boolean", "integer", "number", "object", "string"`,
    `${at}.properties[n].type: Forbidden: type cannot be set to null, use nullable as an alternative`,
  ]);
});

test('defaults must be valid values of their own schema, with nothing pruned', () => {
  assert.deepEqual(
    messages({
      type: 'object',
      properties: {
        spec: {
          type: 'object',
          properties: {
            replicas: { type: 'integer', default: 'many' },
            size: { type: 'integer', minimum: 1, default: 0 },
            shape: { type: 'object', properties: { sides: { type: 'integer' } }, default: { sides: 3, colour: 'red' } },
            ok: { type: 'string', default: 'fine' },
          },
        },
      },
    }),
    [
      `${at}.properties[spec].properties[replicas].default: Invalid value: "many":  in body must be of type integer: "string"`,
      `${at}.properties[spec].properties[shape].default: Invalid value: map[string]interface {}{"colour":"red", "sides":3}: must not have unknown fields`,
      `${at}.properties[spec].properties[size].default: Invalid value: 0:  in body should be greater than or equal to 1`,
    ],
  );
});
