import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ObjectSlabs } from './object-slabs.js';
import { CachedObject } from './types.js';

const noAttrs = () => ({ labels: undefined, fields: {} });

function object(slabs: ObjectSlabs, name: string, json: string): CachedObject {
  return CachedObject.inSlabs(slabs, `/registry/test/things/${name}`, json, 1, 1, noAttrs);
}

test('objects share slabs and read back their own bytes', () => {
  const slabs = new ObjectSlabs();
  const a = object(slabs, 'a', '{"a":"é"}');
  const b = object(slabs, 'b', '{"b":2}');
  assert.equal(a.slab, b.slab);
  assert.equal(a.raw.toString(), '{"a":"é"}');
  assert.equal(b.raw.toString(), '{"b":2}');
});

test('a mostly released slab moves its held objects, and views handed out before stay valid', () => {
  const slabs = new ObjectSlabs();
  const filler = 'x'.repeat(100 * 1024);
  // Ten objects of ~100 KB fill the first 1 MB slab; the eleventh starts a second one.
  const objects = Array.from({ length: 11 }, (_, i) => object(slabs, `o${i}`, `{"i":${i},"pad":"${filler}"}`));
  for (const o of objects) slabs.retain(o);
  const first = objects[0]!.slab;
  assert.notEqual(objects[10]!.slab, first);
  const viewBefore = objects[1]!.raw;
  const kept = objects[9]!;
  const keptBytes = Buffer.from(kept.raw);
  // Releasing more than half of the first slab moves what is still held out of it.
  for (let i = 0; i < 6; i++) slabs.release(objects[i]!);
  assert.notEqual(kept.slab, first);
  assert.deepEqual(kept.raw, keptBytes);
  assert.equal(viewBefore.toString().slice(0, 7), '{"i":1,');
  // An object held twice (state and history) is live until both let go.
  slabs.retain(kept);
  slabs.release(kept);
  assert.equal(kept.refs, 1);
});

test('an object made from a Buffer serves that Buffer', () => {
  const bytes = Buffer.from('{"kind":"Pod"}');
  const o = new CachedObject('/registry/pods/default/p', bytes, 2, 2, noAttrs);
  assert.equal(o.raw, bytes);
});
