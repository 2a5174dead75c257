import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { JsonValue } from '../object.js';
import { applyMergePatch, PatchError } from './index.js';

function deepFreeze<T extends JsonValue>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const member of Object.values(value)) deepFreeze(member as JsonValue);
    Object.freeze(value);
  }
  return value;
}

const merge = (original: JsonValue, patch: JsonValue) => applyMergePatch(deepFreeze(original), deepFreeze(patch));

test('RFC 7386 examples', () => {
  assert.deepEqual(merge({ a: 'b' }, { a: 'c' }), { a: 'c' });
  assert.deepEqual(merge({ a: 'b' }, { b: 'c' }), { a: 'b', b: 'c' });
  assert.deepEqual(merge({ a: 'b' }, { a: null }), {});
  assert.deepEqual(merge({ a: 'b', b: 'c' }, { a: null }), { b: 'c' });
  assert.deepEqual(merge({ a: ['b'] }, { a: 'c' }), { a: 'c' });
  assert.deepEqual(merge({ a: 'c' }, { a: ['b'] }), { a: ['b'] });
  assert.deepEqual(merge({ a: { b: 'c' } }, { a: { b: 'd', c: null } }), { a: { b: 'd' } });
  assert.deepEqual(merge({ a: [{ b: 'c' }] }, { a: [1] }), { a: [1] });
  assert.deepEqual(merge({}, { a: { bb: { ccc: null } } }), { a: { bb: {} } });
});

test('kubectl label / scale bodies', () => {
  const deployment = { metadata: { name: 'web', labels: { app: 'web' } }, spec: { replicas: 1, template: { spec: { containers: [{ name: 'a' }] } } } };
  const labelled = merge(deployment, { metadata: { labels: { foo: 'bar' } } }) as { metadata: { labels: object } };
  assert.deepEqual(labelled.metadata.labels, { app: 'web', foo: 'bar' });
  const scaled = merge(deployment, { spec: { replicas: 3 } }) as { spec: { replicas: number; template: object } };
  assert.equal(scaled.spec.replicas, 3);
  assert.deepEqual(scaled.spec.template, deployment.spec.template);
});

test('nulls are pruned from values taken over from the patch, as the apiserver library does', () => {
  assert.deepEqual(merge({ a: 1 }, { b: [1, null, { c: null, d: 2 }] }), { a: 1, b: [1, { d: 2 }] });
  assert.deepEqual(merge({ a: 1 }, { a: { x: null, y: 1 } }), { a: { y: 1 } });
  // An array replacing an object is taken verbatim.
  assert.deepEqual(merge({ a: { x: 1 } }, { a: [null] }), { a: [null] });
});

test('an array patch replaces the document; null or scalar patches are 400 "Invalid JSON Patch"', () => {
  assert.deepEqual(merge({ a: 1 }, [1, null, 2]), [1, 2]);
  for (const bad of [null, 'x', 5, true] as JsonValue[]) {
    assert.throws(
      () => applyMergePatch({ a: 1 }, bad),
      (err: unknown) => err instanceof PatchError && err.kind === 'BadRequest' && err.code === 400 && err.message === 'Invalid JSON Patch',
    );
  }
});

test('the result shares nothing with the inputs', () => {
  const original = deepFreeze({ keep: { deep: { x: 1 } } } as JsonValue);
  const patch = deepFreeze({ added: { y: [1] } } as JsonValue);
  const out = applyMergePatch(original, patch) as { keep: { deep: object }; added: { y: number[] } };
  assert.notEqual(out.keep, (original as { keep: object }).keep);
  out.added.y.push(2);
  assert.deepEqual(patch, { added: { y: [1] } });
});
