import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { JsonObject, JsonValue } from '../object.js';
import { applyJsonPatch, genericUnprocessableMessage, PatchError } from './index.js';

function deepFreeze<T extends JsonValue>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const member of Object.values(value)) deepFreeze(member as JsonValue);
    Object.freeze(value);
  }
  return value;
}

const pod = (): JsonObject => ({
  metadata: { name: 'p', labels: { app: 'web', 'example.com/tier': 'front' } },
  spec: { containers: [{ name: 'a', image: 'a:1' }, { name: 'b', image: 'b:1' }], replicas: 1 },
});

function applies(ops: unknown, original: JsonObject = pod()): JsonValue {
  return applyJsonPatch(deepFreeze(original), deepFreeze(structuredClone(ops) as JsonValue));
}

function fails(ops: unknown, expected: { kind: string; code: number; message?: string; detail?: string }, original: JsonObject = pod()) {
  assert.throws(
    () => applyJsonPatch(original, ops),
    (err: unknown) => {
      assert.ok(err instanceof PatchError, String(err));
      assert.equal(err.kind, expected.kind);
      assert.equal(err.code, expected.code);
      if (expected.message !== undefined) assert.equal(err.message, expected.message);
      if (expected.detail !== undefined) assert.equal(err.detail, expected.detail);
      return true;
    },
  );
}

const unprocessable = (detail: string) => ({ kind: 'Invalid', code: 422, message: genericUnprocessableMessage, detail });

test('add, replace, remove on objects and arrays, with escaped keys', () => {
  const out = applies([
    { op: 'add', path: '/metadata/labels/new', value: 'x' },
    { op: 'replace', path: '/metadata/labels/example.com~1tier', value: 'back' },
    { op: 'remove', path: '/metadata/labels/app' },
    { op: 'add', path: '/spec/containers/1', value: { name: 'mid' } },
    { op: 'add', path: '/spec/containers/-', value: { name: 'last' } },
    { op: 'replace', path: '/spec/containers/0/image', value: 'a:2' },
    { op: 'remove', path: '/spec/containers/2' },
  ]) as JsonObject;
  assert.deepEqual((out.metadata as JsonObject).labels, { 'example.com/tier': 'back', new: 'x' });
  assert.deepEqual((out.spec as JsonObject).containers, [{ name: 'a', image: 'a:2' }, { name: 'mid' }, { name: 'last' }]);
});

test('negative indices count from the end, as kube-apiserver accepts them', () => {
  const out = applies([
    { op: 'remove', path: '/spec/containers/-1' },
    { op: 'add', path: '/spec/containers/-1', value: { name: 'end' } },
  ]) as JsonObject;
  assert.deepEqual((out.spec as JsonObject).containers, [{ name: 'a', image: 'a:1' }, { name: 'end' }]);
});

test('move, copy, test and rollout-undo style replaces', () => {
  const out = applies([
    { op: 'test', path: '/spec/replicas', value: 1 },
    { op: 'copy', from: '/spec/containers/0', path: '/spec/containers/-' },
    { op: 'move', from: '/spec/containers/0', path: '/spec/first' },
    { op: 'replace', path: '/metadata/annotations', value: { 'deployment.kubernetes.io/revision': '2' } },
  ]) as JsonObject;
  const spec = out.spec as JsonObject;
  assert.deepEqual(spec.first, { name: 'a', image: 'a:1' });
  assert.deepEqual(spec.containers, [{ name: 'b', image: 'b:1' }, { name: 'a', image: 'a:1' }]);
  assert.notEqual(spec.first, (spec.containers as JsonValue[])[1]);
  // replace of a missing object member sets it, like the library kube-apiserver uses.
  assert.deepEqual((out.metadata as JsonObject).annotations, { 'deployment.kubernetes.io/revision': '2' });
});

test('copy from a missing member yields null; replacing the root swaps in an object', () => {
  const copied = applies([{ op: 'copy', from: '/spec/nothing', path: '/spec/copy' }]) as JsonObject;
  assert.equal((copied.spec as JsonObject).copy, null);
  assert.deepEqual(applies([{ op: 'replace', path: '', value: { kind: 'Other' } }]), { kind: 'Other' });
});

test('a failing test op is a 422 with the generic message, not a conflict', () => {
  fails([{ op: 'test', path: '/spec/replicas', value: 2 }], unprocessable('testing value /spec/replicas failed: test failed'));
  fails([{ op: 'test', path: '/spec/absent', value: 'x' }], unprocessable('testing value /spec/absent failed: test failed'));
  assert.ok(applies([{ op: 'test', path: '/spec/absent', value: null }]));
});

test('paths that do not resolve are 422s with the library wording in detail', () => {
  fails([{ op: 'add', path: '/spec/missing/child', value: 1 }], unprocessable('add operation does not apply: doc is missing path: "/spec/missing/child": missing value'));
  fails([{ op: 'remove', path: '/metadata/labels/none' }], unprocessable("error in remove for path: '/metadata/labels/none': Unable to remove nonexistent key: none: missing value"));
  fails([{ op: 'replace', path: '/spec/containers/5', value: {} }], unprocessable('replace operation does not apply: doc is missing key: /spec/containers/5: missing value'));
  fails([{ op: 'add', path: '/spec/containers/9', value: {} }], unprocessable("error in add for path: '/spec/containers/9': Unable to access invalid index: 9: invalid index referenced"));
  fails([{ op: 'add', path: '/spec/containers/x', value: {} }], unprocessable(`error in add for path: '/spec/containers/x': value was not a proper array index: 'x': strconv.Atoi: parsing "x": invalid syntax`));
  fails([{ op: 'add', path: '', value: {} }], unprocessable('add operation does not apply: doc is missing path: "": missing value'));
  fails([{ op: 'move', from: '/spec/none', path: '/spec/x' }], unprocessable("error in move for path: 'none': Unable to remove nonexistent key: none: missing value"));
  fails([{ op: 'add', value: 1 }], unprocessable('add operation failed to decode path: missing value'));
  fails([{ op: 'frobnicate', path: '/spec' }], unprocessable('Unexpected kind: frobnicate'));
  fails([{ path: '/spec' }], unprocessable('Unexpected kind: unknown'));
});

test('a body that is not a list of operations is a 400', () => {
  fails({ op: 'add' }, { kind: 'BadRequest', code: 400, message: 'error decoding patch: json: cannot unmarshal object into Go value of type []handlers.jsonPatchOp' });
  fails(['add'], { kind: 'BadRequest', code: 400, message: 'error decoding patch: json: cannot unmarshal string into Go value of type handlers.jsonPatchOp' });
  fails([{ op: 1, path: '/a' }], { kind: 'BadRequest', code: 400, message: 'error decoding patch: json: cannot unmarshal number into Go struct field jsonPatchOp.op of type string' });
  assert.deepEqual(applies(null), pod());
});

test('more than 10000 operations is a 413', () => {
  const ops = Array.from({ length: 10001 }, () => ({ op: 'test', path: '/spec/replicas', value: 1 }));
  fails(ops, { kind: 'RequestEntityTooLarge', code: 413, message: 'Request entity too large: The allowed maximum operations in a JSON patch is 10000, got 10001' });
});

test('operations apply in order on a copy; a failure leaves the original untouched', () => {
  const original = deepFreeze(pod());
  fails([{ op: 'remove', path: '/spec/replicas' }, { op: 'test', path: '/spec/replicas', value: 1 }], unprocessable('testing value /spec/replicas failed: test failed'), original);
  assert.equal((original.spec as JsonObject).replicas, 1);
  const value = { name: 'c' };
  const out = applyJsonPatch(original, [{ op: 'add', path: '/spec/containers/-', value }]) as JsonObject;
  assert.notEqual(((out.spec as JsonObject).containers as JsonValue[])[2], value);
});
