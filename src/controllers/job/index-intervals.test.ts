import assert from 'node:assert/strict';
import { test } from 'node:test';
import { IndexIntervals } from './index-intervals.js';

test('indexes are written as merged ranges, neighbours with a comma', () => {
  assert.equal(IndexIntervals.empty.withIndexes([0, 1, 2, 4, 6, 7]).toString(), '0-2,4,6,7');
  assert.equal(IndexIntervals.empty.withIndexes([3]).withIndexes([1, 2]).toString(), '1-3');
  assert.equal(IndexIntervals.empty.withIndexes([1, 1, 2]).total(), 2);
});

test('parsing clips to completions and skips what it cannot read', () => {
  const parsed = IndexIntervals.parse('0-2,x,5,7-12', 10);
  assert.equal(parsed.toString(), '0-2,5,7-9');
  assert.equal(parsed.total(), 7);
  assert.ok(parsed.has(8));
  assert.ok(!parsed.has(4));
  assert.equal(IndexIntervals.parse('1,2,3', 10).toString(), '1-3');
  assert.equal(IndexIntervals.parse('', 10).isEmpty(), true);
});

test('merging two sets', () => {
  const a = IndexIntervals.parse('0-1,5', 10);
  const b = IndexIntervals.parse('2,4,8-9', 10);
  assert.equal(a.merge(b).toString(), '0-2,4,5,8,9');
});
