import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ActiveHeap } from './active-heap.js';

test('the heap yields items in order and skips the ones no longer current', () => {
  const heap = new ActiveHeap<number>((a, b) => a < b);
  const values = Array.from({ length: 200 }, (_, i) => (i * 7919) % 211);
  for (const v of values) heap.push(v);
  const dropped = new Set(values.filter((v) => v % 3 === 0));
  const out: number[] = [];
  for (let v = heap.popCurrent((x) => !dropped.has(x)); v !== undefined; v = heap.popCurrent((x) => !dropped.has(x))) out.push(v);
  assert.deepEqual(out, values.filter((v) => !dropped.has(v)).sort((a, b) => a - b));
});
