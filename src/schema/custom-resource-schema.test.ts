import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fieldErrorBody } from '../apierrors/field-errors.js';
import { compileCustomResourceSchema } from './custom-resource-schema.js';

const schema = compileCustomResourceSchema({
  type: 'object',
  properties: {
    spec: {
      type: 'object',
      required: ['image'],
      properties: {
        replicas: { type: 'integer', minimum: 0, default: 1 },
        image: { type: 'string', maxLength: 20 },
        mode: { type: 'string', enum: ['a', 'b'] },
        port: { 'x-kubernetes-int-or-string': true },
        note: { type: 'string', nullable: true },
        when: { type: 'string', format: 'date-time' },
        free: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
        items: { type: 'array', items: { type: 'object', properties: { name: { type: 'string' } } } },
      },
    },
  },
});

const messages = (obj: Record<string, unknown>) => schema.validate(obj).map((e) => `${e.field}: ${fieldErrorBody(e)}`);

test('unknown fields are pruned and reported by path; preserved subtrees and object roots are kept', () => {
  const obj = { apiVersion: 'x/v1', kind: 'X', metadata: { name: 'a' }, spec: { image: 'i', foo: 1, free: { any: 1 }, items: [{ name: 'n', extra: true }] }, other: 1 };
  assert.deepEqual(schema.prune(obj).sort(), ['other', 'spec.foo', 'spec.items[0].extra']);
  assert.deepEqual(obj, { apiVersion: 'x/v1', kind: 'X', metadata: { name: 'a' }, spec: { image: 'i', free: { any: 1 }, items: [{ name: 'n' }] } });
});

test('defaults fill absent fields only', () => {
  const obj: Record<string, unknown> = { spec: { image: 'i' } };
  schema.applyDefaults(obj);
  assert.deepEqual(obj, { spec: { image: 'i', replicas: 1 } });
  const kept: Record<string, unknown> = { spec: { image: 'i', replicas: 0 } };
  schema.applyDefaults(kept);
  assert.equal((kept.spec as { replicas: number }).replicas, 0);
});

test('validation errors read as a real cluster words them', () => {
  assert.deepEqual(messages({ spec: { image: 'i', replicas: 'x' } }), ['spec.replicas: Invalid value: "x": spec.replicas in body must be of type integer: "string"']);
  assert.deepEqual(messages({ spec: {} }), ['spec.image: Required value']);
  assert.deepEqual(messages({ spec: { image: 'i', mode: 'c' } }), ['spec.mode: Unsupported value: "c": supported values: "a", "b"']);
  assert.deepEqual(messages({ spec: { image: 'i', replicas: -1 } }), ['spec.replicas: Invalid value: -1: spec.replicas in body should be greater than or equal to 0']);
  assert.deepEqual(messages({ spec: { image: 'i', when: 'soon' } }), ['spec.when: Invalid value: "soon": spec.when in body must be of type date-time: "soon"']);
  assert.deepEqual(messages({ spec: { image: 'x'.repeat(21) } }), ['spec.image: Too long: may not be more than 20 bytes']);
  assert.deepEqual(messages({ spec: { image: 'i', port: 80, note: null } }), []);
  assert.deepEqual(messages({ spec: { image: 'i', port: 'http' } }), []);
  assert.deepEqual(messages({ spec: { image: 'i', port: true } }), ['spec.port: Invalid value: true: spec.port in body must be of type integer,string: "boolean"']);
});
