import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { JsonObject, JsonValue } from '../object.js';
import { applyStrategicMergePatch, PatchError, type PatchFieldSchema, type PatchSchemaNode } from './index.js';

type FieldSpec = Partial<Omit<PatchFieldSchema, 'schema'>> & { schema?: PatchSchemaNode };

function node(fields: Record<string, FieldSpec>): PatchSchemaNode {
  return {
    field(name) {
      const spec = fields[name];
      if (!spec) return undefined;
      return { strategy: spec.strategy, retainKeys: spec.retainKeys ?? false, mergeKey: spec.mergeKey, schema: spec.schema };
    },
  };
}

const env = node({});
const port = node({});
const container = node({
  env: { strategy: 'merge', mergeKey: 'name', schema: env },
  ports: { strategy: 'merge', mergeKey: 'containerPort', schema: port },
  args: {},
});
const podSpec = node({
  containers: { strategy: 'merge', mergeKey: 'name', schema: container },
  tolerations: { schema: node({}) },
  matrix: {},
  selector: { strategy: 'replace', schema: node({}) },
  strategy: { retainKeys: true, schema: node({ rollingUpdate: { schema: node({}) } }) },
});
const schema = node({
  metadata: { schema: node({ finalizers: { strategy: 'merge' }, labels: {} }) },
  spec: { schema: podSpec },
});

function deepFreeze<T extends JsonValue>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const member of Object.values(value)) deepFreeze(member as JsonValue);
    Object.freeze(value);
  }
  return value;
}

function patch(original: JsonObject, body: JsonObject): JsonObject {
  return applyStrategicMergePatch(deepFreeze(structuredClone(original)), deepFreeze(structuredClone(body)), schema);
}

function rejects(original: JsonObject, body: unknown, expected: { kind: string; code: number; message: string | RegExp; detail?: string }) {
  assert.throws(
    () => applyStrategicMergePatch(original, body as JsonObject, schema),
    (err: unknown) => {
      assert.ok(err instanceof PatchError, `expected PatchError, got ${String(err)}`);
      assert.equal(err.kind, expected.kind);
      assert.equal(err.code, expected.code);
      if (typeof expected.message === 'string') assert.equal(err.message, expected.message);
      else assert.match(err.message, expected.message);
      if (expected.detail !== undefined) assert.equal(err.detail, expected.detail);
      return true;
    },
  );
}

const names = (list: JsonValue): string[] => (list as JsonObject[]).map((c) => c.name as string);

test('null deletes a key, maps merge recursively, scalars replace', () => {
  const out = patch({ metadata: { labels: { a: '1', b: '2' } }, spec: { x: 1 } }, { metadata: { labels: { b: null, c: '3' } }, spec: { x: 2 } });
  assert.deepEqual(out, { metadata: { labels: { a: '1', c: '3' } }, spec: { x: 2 } });
});

test('a new value is cleaned of nulls and of objects carrying $patch', () => {
  const out = patch({ spec: {} }, { spec: { extra: { a: null, b: { c: null, d: 1 }, e: [{ $patch: 'delete', name: 'x' }, { name: 'y' }] } } });
  assert.deepEqual(out, { spec: { extra: { b: { d: 1 }, e: [{ name: 'y' }] } } });
});

test('merge lists merge by key; new items go before the server-only items, as kube-apiserver orders them', () => {
  const original = { spec: { containers: [{ name: 'a', image: 'a:1' }, { name: 'b', image: 'b:1' }] } };
  const out = patch(original, { spec: { containers: [{ name: 'b', image: 'b:2' }, { name: 'c', image: 'c:1' }] } });
  assert.deepEqual(out.spec, {
    containers: [
      { name: 'a', image: 'a:1' },
      { name: 'b', image: 'b:2' },
      { name: 'c', image: 'c:1' },
    ],
  });
  const prepended = patch(original, { spec: { containers: [{ name: 'c', image: 'c:1' }] } });
  assert.deepEqual(names((prepended.spec as JsonObject).containers), ['c', 'a', 'b']);
});

test('an empty patch list leaves a merge list alone', () => {
  const original = { spec: { containers: [{ name: 'a' }] } };
  assert.deepEqual(patch(original, { spec: { containers: [] } }), original);
});

test('$setElementOrder/<list> is applied, with and without the list itself in the patch', () => {
  const original = { spec: { containers: [{ name: 'a' }, { name: 'injected' }, { name: 'b' }] } };
  const withList = patch(original, { spec: { '$setElementOrder/containers': [{ name: 'b' }, { name: 'a' }, { name: 'c' }], containers: [{ name: 'c', image: 'c' }] } });
  // The server-only item stays ahead of `b`, which followed it in the live list (mergeSortedSlice).
  assert.deepEqual(names((withList.spec as JsonObject).containers), ['injected', 'b', 'a', 'c']);
  const orderOnly = patch(original, { spec: { '$setElementOrder/containers': [{ name: 'b' }, { name: 'a' }] } });
  assert.deepEqual(names((orderOnly.spec as JsonObject).containers), ['injected', 'b', 'a']);
  const appended = patch({ spec: { containers: [{ name: 'a' }, { name: 'injected' }] } }, {
    spec: { '$setElementOrder/containers': [{ name: 'a' }, { name: 'c' }], containers: [{ name: 'c' }] },
  });
  // `c` is not in the live list, so it is placed before the remaining server-only items.
  assert.deepEqual(names((appended.spec as JsonObject).containers), ['a', 'c', 'injected']);
  assert.equal(Object.keys(withList.spec as JsonObject).some((k) => k.startsWith('$')), false);
});

test('$setElementOrder that contradicts the patch list is refused', () => {
  rejects(
    { spec: { containers: [{ name: 'a' }, { name: 'b' }] } },
    { spec: { '$setElementOrder/containers': [{ name: 'a' }], containers: [{ name: 'b', image: 'x' }] } },
    { kind: 'Unknown', code: 500, message: "The order in patch list:\n[map[image:x name:b]]\n doesn't match $setElementOrder list:\n[map[name:a]]\n" },
  );
});

test('primitive merge lists are unions; $deleteFromPrimitiveList removes values', () => {
  const original = { metadata: { finalizers: ['a', 'b'] } };
  assert.deepEqual(patch(original, { metadata: { finalizers: ['b', 'c'] } }), { metadata: { finalizers: ['a', 'b', 'c'] } });
  assert.deepEqual(patch(original, { metadata: { '$deleteFromPrimitiveList/finalizers': ['a'] } }), { metadata: { finalizers: ['b'] } });
  assert.deepEqual(
    patch(original, { metadata: { '$setElementOrder/finalizers': ['c', 'b'], '$deleteFromPrimitiveList/finalizers': ['a'], finalizers: ['c'] } }),
    { metadata: { finalizers: ['c', 'b'] } },
  );
});

test('lists without merge strategy are replaced, also when the schema does not know the field', () => {
  const original = { spec: { tolerations: [{ key: 'a' }], unknown: [1, 2], free: { a: { b: 1 } } } };
  const out = patch(original, { spec: { tolerations: [{ key: 'b' }], unknown: [3], free: { a: { c: 2 } } } });
  assert.deepEqual(out, { spec: { tolerations: [{ key: 'b' }], unknown: [3], free: { a: { b: 1, c: 2 } } } });
});

test('$patch: replace and delete on maps; a replace-strategy map takes the patch value', () => {
  const original = { metadata: { labels: { a: '1', b: '2' } }, spec: { selector: { x: '1', y: '2' } } };
  assert.deepEqual(patch(original, { metadata: { labels: { $patch: 'replace', c: '3' } } }).metadata, { labels: { c: '3' } });
  assert.deepEqual(patch(original, { metadata: { labels: { $patch: 'delete' } } }).metadata, { labels: {} });
  assert.deepEqual(patch(original, { spec: { selector: { z: '3' } } }).spec, { selector: { z: '3' } });
});

test('$patch in list items: delete removes by merge key, replace makes the rest the whole list', () => {
  const original = { spec: { containers: [{ name: 'a' }, { name: 'b' }, { name: 'c' }] } };
  const deleted = patch(original, { spec: { containers: [{ name: 'b', $patch: 'delete' }] } });
  assert.deepEqual(names((deleted.spec as JsonObject).containers), ['a', 'c']);
  const replaced = patch(original, { spec: { containers: [{ $patch: 'replace' }, { name: 'z', image: 'z' }] } });
  assert.deepEqual((replaced.spec as JsonObject).containers, [{ name: 'z', image: 'z' }]);
});

test('$patch: merge and unknown $patch values are errors, as kube-apiserver answers them (500, no reason)', () => {
  const original = { spec: { containers: [{ name: 'a' }] } };
  rejects(original, { spec: { $patch: 'merge' } }, { kind: 'Unknown', code: 500, message: 'unknown patch type: merge in map: map[$patch:merge]' });
  rejects(original, { spec: { containers: [{ name: 'a', $patch: 'merge' }] } }, {
    kind: 'Unknown',
    code: 500,
    message: 'merging lists cannot yet be specified in the patch',
  });
  rejects(original, { spec: { containers: [{ name: 'a', $patch: 'explode' }] } }, {
    kind: 'Unknown',
    code: 500,
    message: 'unknown patch type: explode in map: map[$patch:explode name:a]',
  });
  rejects(original, { spec: { $patch: 3 } }, { kind: 'Unknown', code: 500, message: 'unknown patch type: %!s(int64=3) in map: map[$patch:3]' });
  const err = (() => {
    try {
      applyStrategicMergePatch(original, { spec: { $patch: 'merge' } }, schema);
    } catch (e) {
      return e as PatchError;
    }
  })();
  assert.equal(err?.reason, '');
});

test('$retainKeys clears unlisted keys and refuses patch fields it does not list', () => {
  const original = { spec: { strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1 } } } };
  assert.deepEqual(patch(original, { spec: { strategy: { $retainKeys: ['type'], type: 'Recreate' } } }), { spec: { strategy: { type: 'Recreate' } } });
  rejects(original, { spec: { strategy: { $retainKeys: ['type'], type: 'Recreate', other: 1 } } }, {
    kind: 'BadRequest',
    code: 400,
    message: 'invalid patch format of retainKeys',
  });
  rejects(original, { spec: { strategy: { $retainKeys: 'type' } } }, { kind: 'BadRequest', code: 400, message: 'invalid patch format of retainKeys' });
});

test('malformed parallel-list directives are 400s', () => {
  rejects({ spec: {} }, { spec: { '$setElementOrderX/containers': [] } }, { kind: 'BadRequest', code: 400, message: 'invalid patch format of setElementOrder list' });
  rejects({ metadata: { finalizers: ['a'] } }, { metadata: { $deleteFromPrimitiveList: ['a'] } }, {
    kind: 'BadRequest',
    code: 400,
    message: 'invalid patch format of primitive list',
  });
});

test('a merge-list item without its merge key, and lists of lists, fail like kube-apiserver', () => {
  rejects({ spec: { containers: [{ name: 'a' }] } }, { spec: { containers: [{ image: 'x' }] } }, {
    kind: 'Unknown',
    code: 500,
    message: 'map: map[image:x] does not contain declared merge key: name',
  });
  rejects({ metadata: { finalizers: [['a']] } }, { metadata: { finalizers: [['b']] } }, {
    kind: 'Invalid',
    code: 422,
    message: 'the server rejected our request due to an error in our request',
    detail: 'lists of lists are not supported',
  });
  rejects({ metadata: { finalizers: ['a'] } }, { metadata: { finalizers: [1] } }, { kind: 'Unknown', code: 500, message: 'list element types are not identical: [[a] [1]]' });
});

test('a value of another type replaces the original one', () => {
  const out = patch({ spec: { containers: 'oops', x: { a: 1 } } }, { spec: { containers: [{ name: 'a', env: null }], x: 'plain' } });
  assert.deepEqual(out.spec, { containers: [{ name: 'a' }], x: 'plain' });
});

test('the patch body must be an object; null is an empty patch', () => {
  const original = { spec: { a: 1 } };
  rejects(original, [], { kind: 'BadRequest', code: 400, message: 'json: cannot unmarshal array into Go value of type map[string]interface {}' });
  assert.deepEqual(applyStrategicMergePatch(original, null as unknown as JsonObject, schema), original);
});

test('without any schema, objects merge and lists replace', () => {
  const out = applyStrategicMergePatch({ a: { b: 1, c: [1, 2] } }, { a: { c: [3], d: null } }, undefined);
  assert.deepEqual(out, { a: { b: 1, c: [3] } });
});

test('inputs are left untouched and the result shares nothing with them', () => {
  const original = deepFreeze({ spec: { containers: [{ name: 'a', env: [{ name: 'X', value: '1' }] }], other: { k: 'v' } } } as JsonObject);
  const body = deepFreeze({ spec: { '$setElementOrder/containers': [{ name: 'a' }], containers: [{ name: 'a', env: [{ name: 'Y', value: '2' }] }] } } as JsonObject);
  const out = applyStrategicMergePatch(original, body, schema);
  const spec = out.spec as JsonObject;
  assert.notEqual(spec.other, (original.spec as JsonObject).other);
  (spec.other as JsonObject).k = 'changed';
  // Without $setElementOrder for env, the new variable goes first (see the merge-list test).
  assert.deepEqual(((spec.containers as JsonObject[])[0].env as JsonObject[]).map((e) => e.name), ['Y', 'X']);
});

test('keys such as __proto__ are data, never prototypes', () => {
  const body = JSON.parse('{"spec":{"__proto__":{"polluted":true}}}') as JsonObject;
  const out = applyStrategicMergePatch({ spec: {} }, body, schema);
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
  assert.equal(Object.getPrototypeOf(out.spec), Object.prototype);
  assert.deepEqual(Object.getOwnPropertyDescriptor(out.spec, '__proto__')?.value, { polluted: true });
});
