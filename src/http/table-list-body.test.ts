// A list's Table built from the items' stored bytes (tableListBody) must be the very bytes of
// JSON.stringify(buildTable(...)) and its newline, escaped as Go escapes (stored bytes are too:
// `<none>` goes out as `\u003cnone\u003e`, as from kube-apiserver), for every includeObject, for objects whose
// metadata is unusual, for every built-in printer, and for a custom resource whose column reads
// the managedFields the built-in printers are spared.
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { goJsonEscape } from '../machinery/go-json-text.js';
import type { KubeObject } from '../machinery/object.js';
import { Catalogue, type ResourceInfo } from '../schema/catalogue.js';
import { testSpec } from '../testing/test-app.js';
import { buildTable, loadPrinters, printerFor, tableListBody, type IncludeObject, type TableOptions } from './table.js';

const catalogue = new Catalogue(testSpec().document);
before(() => loadPrinters());

function infoOf(group: string, resource: string): ResourceInfo {
  const info = catalogue.all().find((r) => r.group === group && r.resource === resource);
  assert.ok(info, `${group}/${resource}`);
  return info;
}

function assertSameTable(info: ResourceInfo, objects: KubeObject[], opts: TableOptions): void {
  const raws = objects.map((o) => Buffer.from(goJsonEscape(JSON.stringify(o))));
  const expected = `${goJsonEscape(JSON.stringify(buildTable(printerFor(info), raws.map((r) => JSON.parse(r.toString()) as KubeObject), opts)))}\n`;
  const body = tableListBody(info, raws, opts);
  const got = Buffer.concat(body.pieces);
  assert.equal(got.length, body.length);
  assert.equal(got.toString(), expected);
}

const now = new Date('2026-12-07T00:00:00Z');
const managedFields: any[] = [{ manager: 'kubectl', operation: 'Update', apiVersion: 'v1', time: '2026-12-06T22:50:43Z', fieldsType: 'FieldsV1', fieldsV1: { 'f:spec': { 'k:{"name":"app"}': { '.': {} } } } }];

const pods: KubeObject[] = [
  {
    kind: 'Pod',
    apiVersion: 'v1',
    metadata: { name: 'web-1', namespace: 'default', creationTimestamp: '2026-12-06T22:50:43Z', labels: { app: 'web' }, annotations: { note: 'a "quoted" \\ note ✓ }]' }, managedFields },
    spec: { containers: [{ name: 'app', image: 'nginx' }], nodeName: 'node-1' },
    status: { phase: 'Running', podIP: '10.244.1.2', containerStatuses: [{ name: 'app', ready: true, restartCount: 2, state: { running: {} } }] },
  },
  // Finished: a row condition. managedFields first, then other members.
  { kind: 'Pod', apiVersion: 'v1', metadata: { managedFields, name: 'done', namespace: 'default' }, spec: { containers: [{ name: 'a' }] }, status: { phase: 'Succeeded' } },
  // managedFields the only member; metadata without them; metadata null; no metadata at all.
  { kind: 'Pod', apiVersion: 'v1', metadata: { managedFields }, spec: {} },
  { kind: 'Pod', apiVersion: 'v1', metadata: { name: 'plain', deletionTimestamp: '2026-12-06T23:00:00Z' }, spec: {} },
  { kind: 'Pod', apiVersion: 'v1', metadata: null as unknown as KubeObject['metadata'], spec: {} },
  { kind: 'Pod', apiVersion: 'v1', spec: {} },
];

test('pods, with every includeObject and Table version, and list metadata', () => {
  const info = infoOf('', 'pods');
  for (const includeObject of ['None', 'Metadata', 'Object'] as IncludeObject[]) {
    for (const asVersion of [undefined, 'v1', 'v1beta1']) {
      assertSameTable(info, pods, { includeObject, now, withColumns: true, resourceVersion: '17', continueToken: 'abc', remainingItemCount: 4, asVersion });
    }
  }
  assertSameTable(info, [], { includeObject: 'Metadata', now, withColumns: true, resourceVersion: '17' });
  assertSameTable(info, pods, { includeObject: 'Metadata', now, withColumns: false });
});

test('every built-in printer, on a minimal object of its kind', () => {
  for (const info of catalogue.all()) {
    if (!info.verbs.includes('list')) continue;
    const obj = { kind: info.kind, apiVersion: info.apiVersion, metadata: { name: 'x', namespace: 'default', creationTimestamp: '2026-12-06T22:50:43Z', managedFields }, spec: {}, status: {} };
    assertSameTable(info, [obj, { ...obj, metadata: { name: 'y' } }], { includeObject: 'Metadata', now, withColumns: true, resourceVersion: '3' });
  }
});

test('a custom resource column reads the managedFields (the object is whole for its printer)', () => {
  const base = infoOf('', 'configmaps');
  const info: ResourceInfo = {
    ...base,
    custom: { ...(base.custom ?? {}), printerColumns: [{ name: 'Manager', type: 'string', jsonPath: '.metadata.managedFields[0].manager' }] },
  } as ResourceInfo;
  const cr = { kind: 'Widget', apiVersion: 'example.com/v1', metadata: { name: 'w', managedFields }, spec: { size: 3 } };
  assertSameTable(info, [cr], { includeObject: 'Metadata', now, withColumns: true, resourceVersion: '9' });
  const table = JSON.parse(Buffer.concat(tableListBody(info, [Buffer.from(JSON.stringify(cr))], { includeObject: 'None', now, withColumns: true }).pieces).toString());
  assert.deepEqual(table.rows[0].cells, ['w', 'kubectl']);
});
