import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SortedKeySet } from './sorted-key-set.js';

/** A deterministic pseudo-random sequence, so a failure replays the same way. */
function random(seed: number): () => number {
  return () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };
}

test('stays ordered through many inserts and deletes across chunk splits', () => {
  const next = random(42);
  const set = new SortedKeySet();
  const reference = new Set<string>();
  for (let i = 0; i < 6000; i++) {
    const key = `/registry/pods/ns${Math.floor(next() * 5)}/p${Math.floor(next() * 4000)}`;
    if (next() < 0.7) {
      assert.equal(set.add(key), !reference.has(key));
      reference.add(key);
    } else {
      assert.equal(set.delete(key), reference.delete(key));
    }
  }
  const sorted = [...reference].sort();
  assert.equal(set.size, sorted.length);
  assert.deepEqual([...set.range('', false, undefined)], sorted);

  const inNs2 = sorted.filter((k) => k.startsWith('/registry/pods/ns2/'));
  assert.deepEqual([...set.range('/registry/pods/ns2/', false, '/registry/pods/ns20')], inNs2);
  assert.equal(set.countRange('/registry/pods/ns2/', '/registry/pods/ns20'), inNs2.length);
  const after = inNs2[10]!;
  assert.deepEqual([...set.range(after, true, '/registry/pods/ns20')], inNs2.slice(11));
  assert.deepEqual([...set.range(after, false, '/registry/pods/ns20')], inNs2.slice(10));
  assert.equal(set.countRange('/registry/pods/zz', undefined), 0);
  assert.equal(set.countRange('/registry/pods/ns3/', '/registry/pods/ns2/'), 0);
});

test('fromSorted builds a set that accepts further changes', () => {
  const keys = Array.from({ length: 3000 }, (_, i) => `/k/${String(i).padStart(5, '0')}`);
  const set = SortedKeySet.fromSorted(keys);
  assert.equal(set.size, 3000);
  assert.equal(set.add('/k/01000x'), true);
  assert.equal(set.add('/k/01000'), false);
  assert.equal(set.delete('/k/00000'), true);
  assert.equal(set.delete('/k/00000'), false);
  const all = [...set.range('', false, undefined)];
  assert.equal(all.length, 3000);
  assert.equal(all[999], '/k/01000');
  assert.equal(all[1000], '/k/01000x');
  assert.equal(set.countRange('/k/01', '/k/02'), 1001);
});

test('an emptied set behaves as new', () => {
  const set = new SortedKeySet();
  set.add('/a');
  set.delete('/a');
  assert.equal(set.size, 0);
  assert.deepEqual([...set.range('', false, undefined)], []);
  assert.equal(set.countRange('', undefined), 0);
  assert.equal(set.delete('/a'), false);
  set.add('/b');
  assert.deepEqual([...set.range('', false, undefined)], ['/b']);
});
