// One stored object as a GET or a watch event carries it in protobuf, and a PartialObjectMetadataList,
// written from the objects' stored JSON bytes, must be the very bytes the object encoder writes
// for the parsed objects: checked for every built-in kind (alpha and beta included) with objects
// that fill every field of every message, and for the inputs the fast path leaves to that encoder.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Catalogue } from '../catalogue.js';
import { testSpec } from '../../testing/test-app.js';
import { createProtobufCodec, ProtobufEncodeError, type StoredForm } from './index.js';
import { loadTestProtos } from './fixture-bodies.js';
import { objectSample, samplePlans, type Json } from './fixture-objects.js';

const protos = loadTestProtos();
const codec = createProtobufCodec(protos.protoDir);
const catalogue = new Catalogue(testSpec().document, { includeAlphaBeta: true });
const plans = samplePlans(protos);

/** The same bytes, or the same refusal. */
function assertSameBytes(expected: Uint8Array | (() => Uint8Array), actual: Uint8Array | (() => Uint8Array), what: string): void {
  const outcome = (f: Uint8Array | (() => Uint8Array)): Uint8Array | Error => {
    try {
      return typeof f === 'function' ? f() : f;
    } catch (err) {
      return err as Error;
    }
  };
  const x = outcome(expected);
  const y = outcome(actual);
  if (x instanceof Error || y instanceof Error) {
    assert.equal(String(y), String(x), `${what}: refused differently`);
    return;
  }
  const a = Buffer.from(x);
  const b = Buffer.from(y);
  if (a.equals(b)) return;
  let at = 0;
  while (a[at] === b[at]) at++;
  assert.fail(`${what}: bytes differ from offset ${at} (of ${a.length} and ${b.length})`);
}

const partial = (obj: Json, asVersion: string): Json => ({ kind: 'PartialObjectMetadata', apiVersion: `meta.k8s.io/${asVersion}`, metadata: obj.metadata ?? {} });

/** Every stored form of `obj`, and the metadata list of `objs`, both ways. */
function assertEveryForm(apiVersion: string, kind: string, objs: Json[]): void {
  const raws = objs.map((obj) => Buffer.from(JSON.stringify(obj)));
  raws.forEach((raw, i) => {
    const parsed = JSON.parse(raw.toString()) as Json;
    const what = `${apiVersion} ${kind} #${i}`;
    const object: StoredForm = { as: 'object', apiVersion, kind };
    assertSameBytes(() => codec.encode(parsed), () => codec.encodeStored(object, raw), `${what} as an object`);
    assertSameBytes(() => codec.encodeWatchEvent('MODIFIED', parsed), () => codec.encodeStoredWatchEvent('MODIFIED', object, raw), `${what} as a watch event`);
    for (const asVersion of ['v1', 'v1beta1']) {
      const metadata: StoredForm = { as: 'PartialObjectMetadata', asVersion };
      assertSameBytes(codec.encode(partial(parsed, asVersion)), codec.encodeStored(metadata, raw), `${what} as PartialObjectMetadata ${asVersion}`);
      assertSameBytes(codec.encodeWatchEvent('ADDED', partial(parsed, asVersion)), codec.encodeStoredWatchEvent('ADDED', metadata, raw), `${what} as a PartialObjectMetadata ${asVersion} watch event`);
    }
  });
  const listMeta = { resourceVersion: '42', continue: 'token', remainingItemCount: 3 };
  const whole = codec.encode({ kind: 'PartialObjectMetadataList', apiVersion: 'meta.k8s.io/v1', metadata: listMeta, items: raws.map((raw) => partial(JSON.parse(raw.toString()) as Json, 'v1')) });
  const list = codec.encodeMetadataList(listMeta, raws);
  const pieces = Buffer.concat(list.pieces);
  assert.equal(pieces.length, list.length);
  assertSameBytes(whole, pieces, `${apiVersion} ${kind} as a PartialObjectMetadataList`);
}

test('every built-in kind: an object, its watch event, its PartialObjectMetadata and their list, the same bytes from stored JSON as from the parsed objects', () => {
  let kinds = 0;
  const seen = new Set<string>();
  for (const info of catalogue.all()) {
    const key = `${info.apiVersion} ${info.kind}`;
    if (seen.has(key) || !codec.canEncode(info.apiVersion, info.kind)) continue;
    seen.add(key);
    const plan = plans.of(info.apiVersion, info.kind);
    if (!plan) continue;
    const objs: Json[] = [0, 1, 2].map((n) => ({ kind: info.kind, apiVersion: info.apiVersion, ...objectSample(plan, n, 0) }));
    objs.push({ kind: info.kind, apiVersion: info.apiVersion, metadata: { name: 'small', namespace: 'default', labels: {} } });
    assertEveryForm(info.apiVersion, info.kind, objs);
    kinds++;
  }
  assert.ok(kinds > 80, `only ${kinds} kinds checked`);
});

test('what the fast path cannot write exactly is left to the object encoder, in every form', () => {
  const cm = (metadata: unknown, data: Json = { a: 'b' }): Json => ({ kind: 'ConfigMap', apiVersion: 'v1', metadata, data });
  assertEveryForm('v1', 'ConfigMap', [
    // TypeMeta not first, keys out of Go's order, unknown keys.
    { data: { a: '1\n' }, kind: 'ConfigMap', apiVersion: 'v1', unknown: { deep: [1, { x: '"' }] }, metadata: { namespace: 'n"s', name: 'c\\d', labels: { 'a"': 'b' } } },
    { metadata: { name: 'no-type-meta' }, data: {} },
    // A lone surrogate and an escaped field name inside the metadata.
    cm({ name: 'lone', annotations: { lone: 'a \ud800 b' } }),
    JSON.parse('{"kind":"ConfigMap","apiVersion":"v1","metadata":{"\\u006eame":"escaped-key"},"data":{"a":"b"}}') as Json,
    cm({ name: 'index-keys', labels: { '0': 'index', '01': 'not an index' } }),
    // No metadata, null metadata, empty metadata.
    { kind: 'ConfigMap', apiVersion: 'v1', data: { a: 'b' } },
    cm(null),
    cm({}),
    // Lengths whose varints take one, two and three bytes, around the guesses.
    cm({ name: 'long', annotations: { long: 'z'.repeat(17000) } }),
    cm({ name: 'x'.repeat(100) }, { big: 'y'.repeat(300000) }),
  ]);
  // A time the object encoder refuses is refused the same way.
  const raw = Buffer.from(JSON.stringify(cm({ name: 'c', creationTimestamp: 'yesterday' })));
  assert.throws(() => codec.encodeStored({ as: 'object', apiVersion: 'v1', kind: 'ConfigMap' }, raw), ProtobufEncodeError);
  assert.throws(() => codec.encodeStored({ as: 'PartialObjectMetadata', asVersion: 'v1' }, raw), ProtobufEncodeError);
  assert.throws(() => codec.encodeMetadataList({}, [raw]), ProtobufEncodeError);
  // A kind without a protobuf form has none from its bytes either.
  assert.throws(() => codec.encodeStored({ as: 'object', apiVersion: 'example.com/v1', kind: 'Widget' }, Buffer.from('{"kind":"Widget","apiVersion":"example.com/v1","metadata":{}}')), ProtobufEncodeError);
});

test('an empty metadata list, and one of many items over several chunks', () => {
  assertSameBytes(codec.encode({ kind: 'PartialObjectMetadataList', apiVersion: 'meta.k8s.io/v1', metadata: { resourceVersion: '7' }, items: [] }), Buffer.concat(codec.encodeMetadataList({ resourceVersion: '7' }, []).pieces), 'empty list');
  const objs = Array.from({ length: 3000 }, (_, i) => ({ kind: 'Secret', apiVersion: 'v1', metadata: { name: `s-${i}`, annotations: { a: 'v'.repeat(i % 700) } }, data: { key: 'dg==' }, type: 'Opaque' }));
  assertEveryForm('v1', 'Secret', objs.slice(0, 5));
  const raws = objs.map((o) => Buffer.from(JSON.stringify(o)));
  const whole = codec.encode({ kind: 'PartialObjectMetadataList', apiVersion: 'meta.k8s.io/v1', metadata: {}, items: objs.map((o) => partial(o, 'v1')) });
  assertSameBytes(whole, Buffer.concat(codec.encodeMetadataList({}, raws).pieces), '3,000 secrets');
});
