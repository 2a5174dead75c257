// Server-side apply over HTTP: create and update through apply, managedFields on every write,
// conflicts, force, dry-run, and the bad input a real cluster refuses.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import request from 'supertest';
import { createTestApp, type TestApp } from '../testing/test-app.js';

let t: TestApp;
before(async () => {
  t = await createTestApp();
});
after(async () => {
  await t.stop();
});

const applyType = 'application/apply-patch+yaml';
const cmPath = '/api/v1/namespaces/default/configmaps';

interface Entry {
  manager: string;
  operation: string;
  apiVersion: string;
  time: string;
  fieldsType: string;
  fieldsV1: Record<string, any>;
  subresource?: string;
}

const apply = (path: string, body: unknown, query = 'fieldManager=tester') =>
  request(t.app).patch(`${path}?${query}`).set('Content-Type', applyType).send(typeof body === 'string' ? body : JSON.stringify(body));

describe('managedFields on every write', () => {
  test('create records the creator (Update) with the fields it set, defaults included', async () => {
    const res = await request(t.app).post(`${cmPath}?fieldManager=creator`).send({ metadata: { name: 'mf', labels: { a: '1' } }, data: { k: 'v' } }).expect(201);
    const mf = res.body.metadata.managedFields as Entry[];
    assert.equal(mf.length, 1);
    assert.equal(mf[0].manager, 'creator');
    assert.equal(mf[0].operation, 'Update');
    assert.equal(mf[0].apiVersion, 'v1');
    assert.equal(mf[0].fieldsType, 'FieldsV1');
    assert.match(mf[0].time, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    assert.deepEqual(mf[0].fieldsV1, { 'f:data': { '.': {}, 'f:k': {} }, 'f:metadata': { 'f:labels': { '.': {}, 'f:a': {} } } });
  });

  test('without fieldManager the manager is the User-Agent product', async () => {
    const res = await request(t.app).post(cmPath).set('User-Agent', 'my-tool/1.2 (linux)').send({ metadata: { name: 'ua' }, data: { a: '1' } }).expect(201);
    assert.equal(res.body.metadata.managedFields[0].manager, 'my-tool');
  });

  test('an update takes the changed fields from their previous owner', async () => {
    await request(t.app)
      .patch(`${cmPath}/mf?fieldManager=editor`)
      .set('Content-Type', 'application/merge-patch+json')
      .send({ data: { k: 'changed', extra: 'x' } })
      .expect(200);
    const mf = (await request(t.app).get(`${cmPath}/mf`).expect(200)).body.metadata.managedFields as Entry[];
    const creator = mf.find((m) => m.manager === 'creator')!;
    const editor = mf.find((m) => m.manager === 'editor')!;
    // The creator keeps the map itself ("f:data" with no children left), the editor owns the keys it changed.
    assert.deepEqual(creator.fieldsV1, { 'f:data': {}, 'f:metadata': { 'f:labels': { '.': {}, 'f:a': {} } } });
    assert.deepEqual(editor.fieldsV1, { 'f:data': { 'f:extra': {}, 'f:k': {} } });
  });

  test('a /status write is recorded with its subresource', async () => {
    await request(t.app)
      .post('/apis/apps/v1/namespaces/default/deployments')
      .send({ metadata: { name: 'sd' }, spec: { selector: { matchLabels: { a: 'b' } }, template: { metadata: { labels: { a: 'b' } }, spec: { containers: [{ name: 'c', image: 'i' }] } } } })
      .expect(201);
    const res = await request(t.app)
      .patch('/apis/apps/v1/namespaces/default/deployments/sd/status?fieldManager=ctl')
      .set('Content-Type', 'application/merge-patch+json')
      .send({ status: { replicas: 1 } })
      .expect(200);
    const entry = (res.body.metadata.managedFields as Entry[]).find((m) => m.manager === 'ctl')!;
    assert.equal(entry.subresource, 'status');
    assert.deepEqual(entry.fieldsV1, { 'f:status': { 'f:replicas': {} } });
  });
});

describe('server-side apply', () => {
  test('apply creates (201), re-apply changes nothing, a dropped field goes', async () => {
    const first = await apply(cmPath + '/ssa', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'ssa' }, data: { a: '1', b: '2' } }).expect(201);
    const rv = first.body.metadata.resourceVersion;
    assert.deepEqual(first.body.metadata.managedFields.map((m: Entry) => `${m.manager}/${m.operation}`), ['tester/Apply']);
    const again = await apply(cmPath + '/ssa', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ssa\ndata:\n  a: "1"\n  b: "2"\n').expect(200);
    assert.equal(again.body.metadata.resourceVersion, rv, 'a no-op apply writes nothing');
    const dropped = await apply(cmPath + '/ssa', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'ssa' }, data: { a: '1' } }).expect(200);
    assert.deepEqual(dropped.body.data, { a: '1' });
  });

  test('a conflict is a 409 naming field and manager; force takes ownership', async () => {
    const res = await apply(cmPath + '/ssa', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'ssa' }, data: { a: 'other' } }, 'fieldManager=rival').expect(409);
    assert.equal(res.body.reason, 'Conflict');
    assert.equal(res.body.message, 'Apply failed with 1 conflict: conflict with "tester": .data.a');
    assert.deepEqual(res.body.details.causes, [{ reason: 'FieldManagerConflict', message: 'conflict with "tester"', field: '.data.a' }]);
    const forced = await apply(cmPath + '/ssa', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'ssa' }, data: { a: 'other' } }, 'fieldManager=rival&force=true').expect(200);
    assert.equal(forced.body.data.a, 'other');
  });

  test('dry-run apply stores nothing', async () => {
    const res = await apply(cmPath + '/dry', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'dry' }, data: {} }, 'fieldManager=tester&dryRun=All').expect(201);
    assert.equal(res.body.metadata.name, 'dry');
    await request(t.app).get(`${cmPath}/dry`).expect(404);
  });

  test('containers merge by name across appliers', async () => {
    const dep = (containers: unknown[]) => ({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'multi' },
      spec: { selector: { matchLabels: { a: 'b' } }, template: { metadata: { labels: { a: 'b' } }, spec: { containers } } },
    });
    await apply('/apis/apps/v1/namespaces/default/deployments/multi', dep([{ name: 'app', image: 'app:1' }]), 'fieldManager=team-a').expect(201);
    await apply('/apis/apps/v1/namespaces/default/deployments/multi', { ...dep([{ name: 'proxy', image: 'proxy:1' }]), spec: { template: { spec: { containers: [{ name: 'proxy', image: 'proxy:1' }] } } } }, 'fieldManager=team-b').expect(200);
    const got = await request(t.app).get('/apis/apps/v1/namespaces/default/deployments/multi').expect(200);
    assert.deepEqual(got.body.spec.template.spec.containers.map((c: { name: string }) => c.name).sort(), ['app', 'proxy']);
  });
});

describe('bad apply input', () => {
  test('no fieldManager is a 422', async () => {
    const res = await apply(cmPath + '/nofm', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'nofm' } }, '').expect(422);
    assert.equal(res.body.message, 'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch');
  });

  test('a body that is not an object, or names another kind or object, is refused', async () => {
    await apply(cmPath + '/bad', '- just\n- a list\n').expect(400);
    const kind = await apply(cmPath + '/bad', { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'bad' } });
    assert.ok(kind.status === 400 || kind.status === 422, String(kind.status));
    const name = await apply(cmPath + '/bad', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'other' } });
    assert.ok(name.status === 400 || name.status === 422, String(name.status));
    await request(t.app).get(`${cmPath}/bad`).expect(404);
  });

  test('duplicate keys in a keyed list are refused', async () => {
    const res = await apply('/api/v1/namespaces/default/pods/dup', {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'dup' },
      spec: { containers: [{ name: 'c', image: 'a' }, { name: 'c', image: 'b' }] },
    });
    assert.ok(res.status === 400 || res.status === 422 || res.status === 500, String(res.status));
    assert.match(res.body.message, /duplicate/i);
    await request(t.app).get('/api/v1/namespaces/default/pods/dup').expect(404);
  });

  test('force on a non-apply patch is a 422; CBOR apply is a 415', async () => {
    await request(t.app).patch(`${cmPath}/mf?force=true`).set('Content-Type', 'application/merge-patch+json').send({ data: {} }).expect(422);
    await request(t.app).patch(`${cmPath}/mf?fieldManager=x`).set('Content-Type', 'application/apply-patch+cbor').send(Buffer.from([0xa0])).expect(415);
  });

  test('malformed managedFields from a client are reset, not stored', async () => {
    const res = await request(t.app)
      .post(`${cmPath}?fieldManager=creator`)
      .send({ metadata: { name: 'badmf', managedFields: [{ manager: 'x', operation: 'Bogus', fieldsType: 'FieldsV1', fieldsV1: 'nope' }] }, data: { a: '1' } });
    assert.ok(res.status === 201, JSON.stringify(res.body));
    assert.ok((res.body.metadata.managedFields as Entry[]).every((m) => m.operation === 'Update' || m.operation === 'Apply'));
  });
});

describe('dry run', () => {
  test('update, patch (every type) and delete with dryRun=All validate, answer, and store nothing', async () => {
    const created = await request(t.app).post(`${cmPath}?fieldManager=creator`).send({ metadata: { name: 'dr' }, data: { a: '1' } }).expect(201);
    const rv = created.body.metadata.resourceVersion;
    const revisionBefore = t.registry.watchCache.currentRevision();
    const put = await request(t.app).put(`${cmPath}/dr?dryRun=All`).send({ metadata: { name: 'dr' }, data: { a: 'put' } }).expect(200);
    assert.equal(put.body.data.a, 'put');
    for (const [type, body] of [
      ['application/merge-patch+json', { data: { a: 'merge' } }],
      ['application/strategic-merge-patch+json', { data: { a: 'smp' } }],
      ['application/json-patch+json', [{ op: 'replace', path: '/data/a', value: 'json' }]],
    ] as const) {
      const res = await request(t.app).patch(`${cmPath}/dr?dryRun=All`).set('Content-Type', type).send(JSON.stringify(body)).expect(200);
      assert.notEqual(res.body.data.a, '1', type);
    }
    await apply(`${cmPath}/dr`, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'dr' }, data: { a: 'applied' } }, 'fieldManager=creator&dryRun=All&force=true').expect(200);
    const invalid = await request(t.app).put(`${cmPath}/dr?dryRun=All`).send({ metadata: { name: 'dr', labels: { 'bad key': 'x' } } }).expect(422);
    assert.equal(invalid.body.reason, 'Invalid');
    await request(t.app).delete(`${cmPath}/dr?dryRun=All`).expect(200);
    const after = await request(t.app).get(`${cmPath}/dr`).expect(200);
    assert.equal(after.body.metadata.resourceVersion, rv);
    assert.equal(after.body.data.a, '1');
    assert.equal(t.registry.watchCache.currentRevision(), revisionBefore, 'no write, so no watch event');
  });
});
