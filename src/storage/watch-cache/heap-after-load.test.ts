import assert from 'node:assert/strict';
import { test } from 'node:test';
import v8 from 'node:v8';
import { collectHeapAfterLoad } from './heap-after-load.js';

const youngGeneration = () => v8.getHeapSpaceStatistics().find((s) => s.space_name === 'new_space')!.space_size;

test('after a load that kept most of what it allocated, the young generation shrinks back', async () => {
  // A load's pattern: many small objects, nearly all kept. V8 grows the young generation for it.
  const kept: { key: string; n: number }[] = [];
  for (let i = 0; i < 400_000; i++) kept.push({ key: `/registry/pods/default/pod-${i}`, n: i });
  const grown = youngGeneration();
  assert.ok(grown > 2 * 1024 * 1024, `the young generation grew while loading (${grown} bytes)`);
  assert.equal(await collectHeapAfterLoad(), true);
  assert.ok(youngGeneration() < grown / 2, `shrunk from ${grown} to ${youngGeneration()} bytes`);
  assert.equal(kept.length, 400_000);
});
