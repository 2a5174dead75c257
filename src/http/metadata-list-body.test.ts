// The PartialObjectMetadata forms metadata-only clients ask for in JSON, built from the objects'
// stored bytes (metadataListBody, partialObjectMetadataJson), must be the very bytes of
// JSON.stringify of the form built from the parsed objects: checked for objects of every built-in
// kind with every field set, and for metadata that is unusual or missing.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KubeObject } from '../machinery/object.js';
import { Catalogue } from '../schema/catalogue.js';
import { loadTestProtos } from '../schema/protobuf/fixture-bodies.js';
import { objectSample, samplePlans } from '../schema/protobuf/fixture-objects.js';
import { testSpec } from '../testing/test-app.js';
import { metadataListBody, partialObjectMetadata, partialObjectMetadataJson } from './table.js';

const catalogue = new Catalogue(testSpec().document, { includeAlphaBeta: true });
const plans = samplePlans(loadTestProtos());

function assertSameJson(objects: KubeObject[], what: string): void {
  const raws = objects.map((o) => Buffer.from(JSON.stringify(o)));
  const parsed = raws.map((r) => JSON.parse(r.toString()) as KubeObject);
  for (const asVersion of ['v1', 'v1beta1']) {
    const listMeta = { resourceVersion: '17', continue: 'abc', remainingItemCount: 4 };
    const expected = `${JSON.stringify({ kind: 'PartialObjectMetadataList', apiVersion: `meta.k8s.io/${asVersion}`, metadata: listMeta, items: parsed.map((o) => partialObjectMetadata(o, asVersion)) })}\n`;
    const body = metadataListBody(asVersion, listMeta, raws);
    const got = Buffer.concat(body.pieces);
    assert.equal(got.length, body.length, what);
    assert.equal(got.toString(), expected, `${what}: list ${asVersion}`);
    raws.forEach((raw, i) => assert.equal(partialObjectMetadataJson(raw, asVersion, '\n').toString(), `${JSON.stringify(partialObjectMetadata(parsed[i]!, asVersion))}\n`, `${what} #${i} ${asVersion}`));
  }
}

const managedFields: any[] = [{ manager: 'kubectl', operation: 'Update', apiVersion: 'v1', time: '2026-12-06T22:50:43Z', fieldsType: 'FieldsV1', fieldsV1: { 'f:spec': { 'k:{"name":"app"}': { '.': {} } } } }];

test('every built-in kind, with every field set', () => {
  let kinds = 0;
  for (const info of catalogue.all()) {
    const plan = plans.of(info.apiVersion, info.kind);
    const objects: KubeObject[] = plan
      ? [0, 1].map((n) => ({ kind: info.kind, apiVersion: info.apiVersion, ...objectSample(plan, n, 0) }) as KubeObject)
      : [{ kind: info.kind, apiVersion: info.apiVersion, metadata: { name: 'x', namespace: 'default', managedFields }, spec: {} }];
    assertSameJson(objects, `${info.apiVersion} ${info.kind}`);
    kinds++;
  }
  assert.ok(kinds > 80, `only ${kinds} kinds checked`);
});

test('unusual metadata, none at all, and an empty list', () => {
  assertSameJson(
    [
      { kind: 'Pod', apiVersion: 'v1', metadata: { name: 'web-1', labels: { '10': 'index key', app: 'web' }, annotations: { note: 'a "quoted" \\ note ✓ }]', lone: '\ud800' }, managedFields }, spec: {} },
      // metadata not first, null, absent, empty.
      { spec: { x: '{"metadata":1}' }, metadata: { name: 'late' }, kind: 'Pod', apiVersion: 'v1' },
      { kind: 'Pod', apiVersion: 'v1', metadata: null as unknown as KubeObject['metadata'], spec: {} },
      { kind: 'Pod', apiVersion: 'v1', spec: {} },
      { kind: 'Pod', apiVersion: 'v1', metadata: {} },
    ],
    'pods',
  );
  assertSameJson([], 'empty');
});
