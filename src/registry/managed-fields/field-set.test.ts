import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  type FieldSet,
  describe,
  difference,
  fromPaths,
  has,
  intersection,
  isEmpty,
  paths,
  recursiveDifference,
  union,
} from './field-set.js';
import { elementToString, goJson, keyElement, sortElements, valueElement } from './path-element.js';

const f = (name: string): string => `f:${name}`;
const set = (...list: string[][]): FieldSet => fromPaths(list.map((p) => p.map(f)));

test('fromPaths builds fieldsV1 tries: leaves are {}, members with members below carry "."', () => {
  const s = fromPaths([
    ['f:metadata', 'f:labels'],
    ['f:metadata', 'f:labels', 'f:app'],
    ['f:spec', 'f:replicas'],
  ]);
  assert.deepEqual(s, { 'f:metadata': { 'f:labels': { '.': {}, 'f:app': {} } }, 'f:spec': { 'f:replicas': {} } });
  assert.equal(JSON.stringify(s), '{"f:metadata":{"f:labels":{".":{},"f:app":{}}},"f:spec":{"f:replicas":{}}}');
});

test('union merges members and keeps keys in order', () => {
  const a = set(['spec', 'replicas'], ['metadata', 'labels', 'b']);
  const b = set(['spec', 'paused'], ['metadata', 'labels', 'a'], ['metadata', 'labels']);
  const u = union(a, b);
  assert.equal(JSON.stringify(u), '{"f:metadata":{"f:labels":{".":{},"f:a":{},"f:b":{}}},"f:spec":{"f:paused":{},"f:replicas":{}}}');
  assert.equal(union(a, fromPaths([])), a);
  // a member leaf unioned with a node below it keeps its membership
  assert.deepEqual(union(set(['spec']), set(['spec', 'x'])), { 'f:spec': { '.': {}, 'f:x': {} } });
});

test('difference removes members only: a parent minus its child stays, a child minus its parent goes', () => {
  const s = set(['spec'], ['spec', 'replicas'], ['spec', 'paused']);
  assert.deepEqual(difference(s, set(['spec', 'replicas'])), { 'f:spec': { '.': {}, 'f:paused': {} } });
  assert.deepEqual(difference(s, set(['spec'])), { 'f:spec': { 'f:paused': {}, 'f:replicas': {} } });
  assert.ok(isEmpty(difference(set(['a', 'b']), set(['a', 'b']))));
});

test('recursiveDifference drops whole subtrees below members of the other set', () => {
  const s = set(['spec', 'replicas'], ['status', 'replicas'], ['status', 'conditions']);
  assert.deepEqual(recursiveDifference(s, set(['status'])), { 'f:spec': { 'f:replicas': {} } });
  assert.deepEqual(difference(s, set(['status'])), s);
});

test('intersection keeps common members', () => {
  const a = set(['spec', 'replicas'], ['spec', 'paused'], ['metadata', 'labels', 'x']);
  const b = set(['spec', 'replicas'], ['metadata', 'labels', 'y']);
  assert.deepEqual(intersection(a, b), { 'f:spec': { 'f:replicas': {} } });
  assert.ok(isEmpty(intersection(a, fromPaths([]))));
});

test('has and paths iterate members the way structured-merge-diff does (members, then subtrees)', () => {
  const s = set(['spec', 'template', 'x'], ['spec', 'replicas'], ['metadata', 'name']);
  assert.ok(has(s, ['f:spec', 'f:replicas']));
  assert.ok(!has(s, ['f:spec']));
  assert.deepEqual(describe(s), ['.metadata.name', '.spec.replicas', '.spec.template.x']);
  assert.equal(paths(s).length, 3);
});

test('path elements sort like structured-merge-diff: fields, keys (by value), values, indices', () => {
  const elements = [
    'i:1',
    'v:"b"',
    keyElement(['containerPort', 'protocol'], [8080, 'TCP']),
    keyElement(['containerPort', 'protocol'], [443, 'TCP']),
    keyElement(['containerPort', 'protocol'], [443, 'SCTP']),
    'f:b',
    '.',
    'v:2',
    'f:a',
  ];
  assert.deepEqual(sortElements(elements), [
    '.',
    'f:a',
    'f:b',
    'k:{"containerPort":443,"protocol":"SCTP"}',
    'k:{"containerPort":443,"protocol":"TCP"}',
    'k:{"containerPort":8080,"protocol":"TCP"}',
    'v:2',
    'v:"b"',
    'i:1',
  ]);
});

test('elements print as Kubernetes prints paths, and JSON is spelled the Go way', () => {
  assert.equal(elementToString('f:replicas'), '.replicas');
  assert.equal(elementToString(keyElement(['name'], ['nginx'])), '[name="nginx"]');
  assert.equal(elementToString(keyElement(['port', 'protocol'], [80, 'TCP'])), '[port=80,protocol="TCP"]');
  assert.equal(elementToString(valueElement('example.com/finalizer')), '[="example.com/finalizer"]');
  assert.equal(elementToString('i:3'), '[3]');
  assert.equal(goJson({ b: 1, a: '<x&y>' }), '{"a":"\\u003cx\\u0026y\\u003e","b":1}');
  assert.equal(valueElement('a"b'), 'v:"a\\"b"');
});

test('set operations agree with plain sets of member paths (randomized, seeded)', () => {
  // A field set is semantically just a set of member paths; check the trie against that.
  let seed = 7;
  const random = (n: number): number => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed % n;
  };
  const alphabet = ['f:a', 'f:b', 'k:{"name":"x"}', 'v:"y"', 'f:c'];
  const randomPaths = (): string[][] => {
    const out: string[][] = [];
    const count = random(8);
    for (let i = 0; i < count; i++) {
      const depth = 1 + random(4);
      out.push(Array.from({ length: depth }, () => alphabet[random(alphabet.length)]!));
    }
    return out;
  };
  const key = (path: readonly string[]): string => path.join('\u0000');
  const plain = (list: string[][]): Set<string> => new Set(list.map(key));
  const members = (s: FieldSet): Set<string> => new Set(paths(s).map(key));
  for (let round = 0; round < 500; round++) {
    const pa = randomPaths();
    const pb = randomPaths();
    const a = fromPaths(pa);
    const b = fromPaths(pb);
    const sa = plain(pa);
    const sb = plain(pb);
    assert.deepEqual(members(a), sa);
    assert.deepEqual(members(union(a, b)), new Set([...sa, ...sb]));
    assert.deepEqual(members(difference(a, b)), new Set([...sa].filter((p) => !sb.has(p))));
    assert.deepEqual(members(intersection(a, b)), new Set([...sa].filter((p) => sb.has(p))));
    const underB = (p: string): boolean => [...sb].some((q) => p === q || p.startsWith(`${q}\u0000`));
    assert.deepEqual(members(recursiveDifference(a, b)), new Set([...sa].filter((p) => !underB(p))));
    // Results stay canonical: rebuilding them from their paths gives the same JSON.
    for (const result of [union(a, b), difference(a, b), intersection(a, b), recursiveDifference(a, b)]) {
      assert.equal(JSON.stringify(result), JSON.stringify(fromPaths(paths(result))));
    }
  }
});
