import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createSchemaChecker } from './index.js';

// Schema features the built-in spec does not use but CRD-derived definitions do.
const definitions: Record<string, unknown> = {
  'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta': {
    type: 'object',
    properties: { name: { type: 'string' }, labels: { type: 'object', additionalProperties: { type: 'string' } } },
  },
  'com.example.v1.Widget': {
    type: 'object',
    required: ['spec'],
    properties: {
      apiVersion: { type: 'string' },
      kind: { type: 'string' },
      metadata: { $ref: '#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta' },
      spec: {
        type: 'object',
        required: ['size'],
        properties: {
          size: { 'x-kubernetes-int-or-string': true },
          free: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
          partly: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true, properties: { count: { type: 'integer', format: 'int32' } } },
          template: { type: 'object', 'x-kubernetes-embedded-resource': true, properties: { data: { type: 'string' } } },
          anyMap: { type: 'object', additionalProperties: true },
          nothing: { type: 'object' },
          ratio: { type: 'number' },
        },
      },
    },
  },
};
const WIDGET = 'com.example.v1.Widget';

test('x-kubernetes-preserve-unknown-fields keeps unlisted fields and still checks listed ones', () => {
  const checker = createSchemaChecker(definitions);
  const obj = { spec: { size: 3, free: { a: { b: [null, 1] } }, partly: { count: 2, extra: 'kept' } } };
  assert.deepEqual(checker.check(WIDGET, obj, { mode: 'Strict' }), { decodeErrors: [], strictErrors: [], requiredErrors: [] });
  assert.deepEqual(obj, { spec: { size: 3, free: { a: { b: [null, 1] } }, partly: { count: 2, extra: 'kept' } } });
  const bad = checker.check(WIDGET, { spec: { size: 1, partly: { count: 'two' } } }, { mode: 'Warn' });
  assert.deepEqual(bad.decodeErrors, ['json: cannot unmarshal string into Go struct field struct.spec.partly.count of type int32']);
});

test('x-kubernetes-embedded-resource implies apiVersion, kind and ObjectMeta metadata', () => {
  const checker = createSchemaChecker(definitions);
  const obj = { spec: { size: 'big', template: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x', bogus: 1 }, data: 'd', other: 2 } } };
  const result = checker.check(WIDGET, obj, { mode: 'Warn' });
  assert.deepEqual(result.strictErrors, ['unknown field "spec.template.metadata.bogus"', 'unknown field "spec.template.other"']);
  assert.deepEqual(obj.spec.template, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' }, data: 'd' });
});

test('x-kubernetes-int-or-string, free-form maps, empty structs and required fields', () => {
  const checker = createSchemaChecker(definitions);
  assert.deepEqual(checker.check(WIDGET, { spec: { size: 1.5 } }, { mode: 'Warn' }).decodeErrors, [
    'json: cannot unmarshal number 1.5 into Go struct field struct.spec.size of type int32',
  ]);
  const obj = { spec: { size: '10%', anyMap: { a: { deep: [1] }, b: null }, nothing: { x: 1 }, ratio: 0.25 } };
  const result = checker.check(WIDGET, obj, { mode: 'Warn' });
  assert.deepEqual(result.strictErrors, ['unknown field "spec.nothing.x"']);
  assert.deepEqual(obj, { spec: { size: '10%', anyMap: { a: { deep: [1] }, b: null }, nothing: {}, ratio: 0.25 } });
  assert.deepEqual(
    checker.check(WIDGET, { metadata: { name: 'w' } }, { mode: 'Warn' }).requiredErrors.map((e) => e.field),
    ['spec'],
  );
  assert.deepEqual(checker.check(WIDGET, { spec: {} }, { mode: 'Warn' }).requiredErrors.map((e) => e.field), ['spec.size']);
});
