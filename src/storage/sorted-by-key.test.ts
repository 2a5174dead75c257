import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SortedByKey } from './sorted-by-key.js';

interface Item {
  key: string;
  n: number;
}
const keyOf = (item: Item) => item.key;

test('finds, replaces and removes items by key across chunk splits, and lists a prefix in key order', () => {
  const index = new SortedByKey<Item>(keyOf);
  const reference = new Map<string, Item>();
  let seed = 7;
  const next = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  for (let i = 0; i < 8000; i++) {
    const key = `/registry/pods/ns${Math.floor(next() * 4)}/p${Math.floor(next() * 3000)}`;
    if (next() < 0.75) {
      const item = { key, n: i };
      assert.equal(index.set(item), reference.get(key));
      reference.set(key, item);
    } else {
      assert.equal(index.delete(key), reference.get(key));
      reference.delete(key);
    }
  }
  assert.equal(index.size, reference.size);
  for (const [key, item] of reference) assert.equal(index.get(key), item);
  assert.equal(index.get('/registry/pods/ns1/nothing'), undefined);
  assert.equal(index.has('/registry/pods/zz'), false);
  const sorted = [...reference.keys()].sort();
  assert.deepEqual([...index.values()].map(keyOf), sorted);
  assert.deepEqual(index.withPrefix('/registry/pods/ns2/').map(keyOf), sorted.filter((k) => k.startsWith('/registry/pods/ns2/')));
  assert.deepEqual(index.withPrefix('/registry/pods/ns9/'), []);
});

test('fromSorted builds an index that accepts further changes', () => {
  const items = Array.from({ length: 2000 }, (_, i) => ({ key: `/k/${String(i).padStart(5, '0')}`, n: i }));
  const index = SortedByKey.fromSorted(keyOf, items);
  assert.equal(index.get('/k/01500'), items[1500]);
  const replacement = { key: '/k/01500', n: -1 };
  assert.equal(index.set(replacement), items[1500]);
  assert.equal(index.get('/k/01500'), replacement);
  assert.equal(index.size, 2000);
  index.clear();
  assert.equal(index.size, 0);
  assert.equal(index.get('/k/00001'), undefined);
});
