import assert from 'node:assert/strict';
import { test } from 'node:test';
import { jsonCopy } from './json-copy.js';

test('jsonCopy gives what a JSON round trip gives, sharing nothing', () => {
  const when = new Date('2026-12-06T00:00:00Z');
  const input = { a: 1, b: undefined, c: [1, undefined, () => 1, { d: 'x' }], e: { f: NaN, g: when, h: null }, i: Symbol('s') };
  const out = jsonCopy(input);
  assert.deepEqual(out, JSON.parse(JSON.stringify(input)));
  assert.notEqual(out.c[3], input.c[3]);
  assert.equal(Object.hasOwn(out, 'b'), false);
});
