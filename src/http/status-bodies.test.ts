// Every Status kubemu sends, byte for byte as kube-apiserver's: Go's field order, no empty
// fields, and the newline Go's json.Encoder ends a response with (none with ?pretty=true).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import request from 'supertest';
import { createTestApp, type TestApp } from '../testing/test-app.js';

let t: TestApp;
before(async () => {
  t = await createTestApp();
});
after(() => t.stop());

const failure = (message: string, reason: string, details: string | undefined, code: number) =>
  `{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":${JSON.stringify(message)},"reason":"${reason}",${details === undefined ? '' : `"details":${details},`}"code":${code}}\n`;

test('a second create: 409 AlreadyExists, details before code, then a newline', async () => {
  const cm = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'twice' } };
  await request(t.app).post('/api/v1/namespaces/default/configmaps').send(cm).expect(201);
  const res = await request(t.app).post('/api/v1/namespaces/default/configmaps').send(cm).expect(409);
  assert.equal(res.text, failure('configmaps "twice" already exists', 'AlreadyExists', '{"name":"twice","kind":"configmaps"}', 409));
  const apps = await request(t.app)
    .post('/apis/apps/v1/namespaces/default/deployments/nope/scale')
    .send({})
    .expect(405);
  assert.ok(apps.text.endsWith('}\n'));
});

test('404s: an unknown path, and a missing object of a grouped resource', async () => {
  const unknown = await request(t.app).get('/no/such/path').expect(404);
  assert.equal(unknown.text, failure('the server could not find the requested resource', 'NotFound', '{}', 404));
  const missing = await request(t.app).get('/apis/apps/v1/namespaces/default/deployments/ghost').expect(404);
  assert.equal(missing.text, failure('deployments.apps "ghost" not found', 'NotFound', '{"name":"ghost","group":"apps","kind":"deployments"}', 404));
});

test('422 Invalid: each cause as reason, message, field', async () => {
  const res = await request(t.app).post('/api/v1/namespaces/default/pods').send({ metadata: { name: 'bad' }, spec: { containers: [{ name: 'c' }] } }).expect(422);
  assert.equal(
    res.text,
    failure(
      'Pod "bad" is invalid: spec.containers[0].image: Required value',
      'Invalid',
      '{"name":"bad","kind":"Pod","causes":[{"reason":"FieldValueRequired","message":"Required value","field":"spec.containers[0].image"}]}',
      422,
    ),
  );
});

test('?pretty=true indents as json.MarshalIndent, without the newline', async () => {
  const res = await request(t.app).get('/api/v1/namespaces/default/configmaps/ghost?pretty=true').expect(404);
  assert.equal(res.text, JSON.stringify(JSON.parse(res.text), null, 2));
  assert.deepEqual(Object.keys(res.body), ['kind', 'apiVersion', 'metadata', 'status', 'message', 'reason', 'details', 'code']);
  // kube-apiserver indents for curl, Wget and browsers unless ?pretty= says otherwise.
  const curl = await request(t.app).get('/no/such/path').set('User-Agent', 'curl/8.5.0').expect(404);
  assert.equal(curl.text, JSON.stringify(JSON.parse(curl.text), null, 2));
  const object = await request(t.app).get('/api/v1/namespaces/default').set('User-Agent', 'curl/8.5.0').expect(200);
  assert.equal(object.text, JSON.stringify(JSON.parse(object.text), null, 2));
  const compact = await request(t.app).get('/api/v1/namespaces/default?pretty=false').set('User-Agent', 'curl/8.5.0').expect(200);
  assert.ok(compact.text.endsWith('}\n') && !compact.text.startsWith('{\n'));
});

test('Success Statuses: a delete names what went and has no code; a binding is 201', async () => {
  await request(t.app).post('/apis/apps/v1/namespaces/default/deployments').send({
    metadata: { name: 'gone' },
    spec: { selector: { matchLabels: { a: 'b' } }, template: { metadata: { labels: { a: 'b' } }, spec: { containers: [{ name: 'c', image: 'x' }] } } },
  }).expect(201);
  const uid = (await request(t.app).get('/apis/apps/v1/namespaces/default/deployments/gone').expect(200)).body.metadata.uid;
  const del = await request(t.app).delete('/apis/apps/v1/namespaces/default/deployments/gone').expect(200);
  assert.equal(del.text, `{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Success","details":{"name":"gone","group":"apps","kind":"deployments","uid":"${uid}"}}\n`);

  await request(t.app).post('/api/v1/namespaces/default/pods').send({ metadata: { name: 'p' }, spec: { containers: [{ name: 'c', image: 'x' }] } }).expect(201);
  const bound = await request(t.app)
    .post('/api/v1/namespaces/default/pods/p/binding')
    .send({ metadata: { name: 'p' }, target: { kind: 'Node', name: 'n1' } })
    .expect(201);
  assert.equal(bound.text, '{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Success","code":201}\n');
});

test('objects and lists end with the encoder newline too', async () => {
  const got = await request(t.app).get('/api/v1/namespaces/default').expect(200);
  assert.ok(got.text.endsWith('}\n'));
  assert.equal(got.text.indexOf('\n'), got.text.length - 1);
  const list = await request(t.app).get('/api/v1/namespaces').expect(200);
  assert.ok(list.text.endsWith(']}\n'));
});
