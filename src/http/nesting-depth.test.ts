import assert from 'node:assert/strict';
import { test } from 'node:test';
import { nestsDeeperThan, textDepth, valueDepth } from './nesting-depth.js';

test('text depth counts brackets outside strings, escapes included, and stops past the limit', () => {
  assert.equal(textDepth('{}'), 1);
  assert.equal(textDepth('{"a":[{"b":1}]}'), 3);
  assert.equal(textDepth('{"a":"[[[[{{{{\\"[[["}'), 1);
  assert.equal(textDepth("a: '[[[['\nb: [1]"), 1);
  assert.equal(textDepth('['.repeat(5000), 1000), 1001);
  assert.equal(textDepth('not json at all'), 0);
});

test('value depth walks without recursion', () => {
  assert.equal(valueDepth(1), 0);
  assert.equal(valueDepth({ a: [{ b: {} }] }), 4);
  let deep: unknown = 1;
  for (let i = 0; i < 100_000; i++) deep = [deep];
  assert.equal(valueDepth(deep, 1000), 1001);
});

test('nestsDeeperThan agrees with textDepth, counting brackets first', () => {
  const deep = (n: number) => '['.repeat(n) + ']'.repeat(n);
  assert.equal(nestsDeeperThan(deep(1000)), false);
  assert.equal(nestsDeeperThan(deep(1001)), true);
  // Many brackets side by side are not depth: the scan decides.
  assert.equal(nestsDeeperThan(`[${'[],'.repeat(3000)}[]]`), false);
  // Brackets inside strings do not nest.
  assert.equal(nestsDeeperThan(JSON.stringify({ a: '{'.repeat(5000) })), false);
  assert.equal(nestsDeeperThan(deep(3), 2), true);
});
