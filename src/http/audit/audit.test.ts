// The audit log through the whole app: Audit-ID on every answer, the events' fields and stages,
// the levels' request and response objects, and annotations other code adds.
import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before, test } from 'node:test';
import request from 'supertest';
import { createTestApp, type TestApp } from '../../testing/test-app.js';
import { addAuditAnnotation } from './index.js';
import { parseAuditPolicy } from './policy.js';

let t: TestApp;
const events: Record<string, unknown>[] = [];
before(async () => {
  t = await createTestApp({
    app: {
      audit: {
        sink: { write: (e) => events.push(JSON.parse(JSON.stringify(e)) as Record<string, unknown>), close: async () => undefined },
        policy: parseAuditPolicy({
          apiVersion: 'audit.k8s.io/v1',
          kind: 'Policy',
          omitManagedFields: true,
          rules: [
            { level: 'None', nonResourceURLs: ['/livez'] },
            { level: 'RequestResponse', resources: [{ group: '', resources: ['configmaps'] }], namespaces: ['audited'], omitManagedFields: false },
            { level: 'RequestResponse', resources: [{ group: '', resources: ['services'] }] },
            { level: 'Request', resources: [{ group: '', resources: ['secrets'] }], omitStages: ['RequestReceived'] },
            { level: 'Metadata' },
          ],
        }),
      },
    },
  });
});
after(async () => {
  await t.stop();
});

const eventsOf = (auditId: string) => events.filter((e) => e.auditID === auditId);

test('every answer carries an Audit-ID, the client’s own when it sent one', async () => {
  const res = await request(t.app).get('/api/v1/namespaces').expect(200);
  assert.match(res.headers['audit-id'], /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  const mine = await request(t.app).get('/version').set('Audit-ID', 'my-id').expect(200);
  assert.equal(mine.headers['audit-id'], 'my-id');
  assert.equal((await request(t.app).get('/api/v1/namespaces/nope').expect(404)).headers['audit-id'].length, 36);
});

test('Metadata: RequestReceived and ResponseComplete with user, verb, objectRef and the response status', async () => {
  const res = await request(t.app).get('/api/v1/namespaces/default/pods/missing').set('User-Agent', 'tester/1.0').set('X-Forwarded-For', '10.0.0.7').expect(404);
  const [received, complete] = eventsOf(res.headers['audit-id']);
  assert.equal(received!.stage, 'RequestReceived');
  assert.equal(complete!.stage, 'ResponseComplete');
  assert.deepEqual(Object.keys(complete!), [
    'kind', 'apiVersion', 'level', 'auditID', 'stage', 'requestURI', 'verb', 'user', 'sourceIPs', 'userAgent', 'objectRef', 'responseStatus', 'requestReceivedTimestamp', 'stageTimestamp', 'annotations',
  ]);
  assert.equal(complete!.kind, 'Event');
  assert.equal(complete!.apiVersion, 'audit.k8s.io/v1');
  assert.equal(complete!.level, 'Metadata');
  assert.equal(complete!.requestURI, '/api/v1/namespaces/default/pods/missing');
  assert.equal(complete!.verb, 'get');
  // The test app serves plain HTTP as --insecure-http does: the privileged system:unsecured.
  assert.deepEqual(complete!.user, { username: 'system:unsecured', groups: ['system:masters', 'system:authenticated'] });
  assert.deepEqual(complete!.annotations, { 'authorization.k8s.io/decision': 'allow', 'authorization.k8s.io/reason': '' });
  assert.deepEqual(complete!.sourceIPs, ['10.0.0.7', '127.0.0.1']);
  assert.equal(complete!.userAgent, 'tester/1.0');
  assert.deepEqual(complete!.objectRef, { resource: 'pods', namespace: 'default', name: 'missing', apiVersion: 'v1' });
  assert.deepEqual(complete!.responseStatus, { metadata: {}, status: 'Failure', message: 'pods "missing" not found', reason: 'NotFound', details: { name: 'missing', kind: 'pods' }, code: 404 });
  assert.match(String(complete!.stageTimestamp), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
  assert.equal(received!.requestReceivedTimestamp, complete!.requestReceivedTimestamp);
  assert.ok(String(complete!.stageTimestamp) >= String(complete!.requestReceivedTimestamp));
  assert.equal(received!.responseStatus, undefined);
});

test('RequestResponse keeps both objects; a create’s objectRef gets the name from the body; group resources name their apiGroup', async () => {
  await request(t.app).post('/api/v1/namespaces').send({ metadata: { name: 'audited' } }).expect(201);
  const res = await request(t.app).post('/api/v1/namespaces/audited/configmaps').send({ metadata: { name: 'cm' }, data: { a: '1' } }).expect(201);
  const complete = eventsOf(res.headers['audit-id']).find((e) => e.stage === 'ResponseComplete')!;
  assert.equal(complete.level, 'RequestResponse');
  assert.equal(complete.verb, 'create');
  assert.deepEqual(complete.objectRef, { resource: 'configmaps', namespace: 'audited', name: 'cm', apiVersion: 'v1' });
  assert.deepEqual(complete.requestObject, { metadata: { name: 'cm' }, data: { a: '1' } });
  assert.equal((complete.responseObject as { metadata: { uid: string } }).metadata.uid, res.body.metadata.uid);
  // The rule's omitManagedFields: false wins over the policy's true.
  assert.ok((complete.responseObject as { metadata: { managedFields?: unknown[] } }).metadata.managedFields?.length);
  assert.deepEqual(complete.responseStatus, { metadata: {}, code: 201 });
  const dep = await request(t.app).get('/apis/apps/v1/namespaces/default/deployments').expect(200);
  const list = eventsOf(dep.headers['audit-id']).find((e) => e.stage === 'ResponseComplete')!;
  assert.deepEqual(list.objectRef, { resource: 'deployments', namespace: 'default', apiGroup: 'apps', apiVersion: 'v1' });
  assert.equal(list.verb, 'list');
  assert.equal(list.responseObject, undefined, 'Metadata level keeps no objects');
});

test('omitManagedFields leaves managedFields out of the logged objects, list items included', async () => {
  const created = await request(t.app).post('/api/v1/namespaces/default/services').send({ metadata: { name: 'svc' }, spec: { ports: [{ port: 80 }] } }).expect(201);
  assert.ok(created.body.metadata.managedFields.length, 'the answer itself keeps them');
  const logged = eventsOf(created.headers['audit-id']).find((e) => e.stage === 'ResponseComplete')!;
  assert.equal((logged.responseObject as { metadata: Record<string, unknown> }).metadata.managedFields, undefined);
  assert.equal((logged.responseObject as { metadata: { name: string } }).metadata.name, 'svc');
  const list = await request(t.app).get('/api/v1/namespaces/default/services').expect(200);
  const listed = eventsOf(list.headers['audit-id']).find((e) => e.stage === 'ResponseComplete')!;
  const items = (listed.responseObject as { items: { metadata: Record<string, unknown> }[] }).items;
  assert.ok(items.length > 0);
  for (const item of items) assert.equal(item.metadata.managedFields, undefined);
});

test('Request level keeps the request object only; a rule’s omitStages are left out; None logs nothing', async () => {
  const res = await request(t.app).post('/api/v1/namespaces/default/secrets').send({ metadata: { name: 's' }, stringData: { a: 'b' } }).expect(201);
  const mine = eventsOf(res.headers['audit-id']);
  assert.deepEqual(mine.map((e) => e.stage), ['ResponseComplete']);
  assert.deepEqual(mine[0]!.requestObject, { metadata: { name: 's' }, stringData: { a: 'b' } });
  assert.equal(mine[0]!.responseObject, undefined);
  const live = await request(t.app).get('/livez').expect(200);
  assert.deepEqual(eventsOf(live.headers['audit-id']), []);
});

test('a request that fails authentication is logged about what it asked for, by nobody', async () => {
  const res = await request(t.app).get('/api/v1/namespaces/default/pods').set('Authorization', 'Bearer not-a-token').expect(401);
  const complete = eventsOf(res.headers['audit-id']).find((e) => e.stage === 'ResponseComplete')!;
  assert.deepEqual(complete.user, {});
  assert.equal(complete.verb, 'list');
  assert.deepEqual(complete.objectRef, { resource: 'pods', namespace: 'default', apiVersion: 'v1' });
  assert.equal((complete.responseStatus as { code: number }).code, 401);
});

test('annotations added while the request is served are in its events', async () => {
  // As an admission plugin would: while the request is being served.
  const listener = http.createServer((req, res) => {
    t.app(req, res);
    addAuditAnnotation(req, 'example.kubemu.dev/note', 'first');
    addAuditAnnotation(req, 'example.kubemu.dev/note', 'second'); // the first value stays
  });
  const res = await request(listener).get('/api/v1/namespaces/default/configmaps').expect(200);
  const complete = eventsOf(res.headers['audit-id']).find((e) => e.stage === 'ResponseComplete')!;
  assert.deepEqual(complete.annotations, { 'authorization.k8s.io/decision': 'allow', 'authorization.k8s.io/reason': '', 'example.kubemu.dev/note': 'first' });
});

test('a watch is logged when its answer starts and when it ends', async () => {
  const listener = http.createServer(t.app);
  await new Promise<void>((r) => listener.listen(0, '127.0.0.1', () => r()));
  const port = (listener.address() as { port: number }).port;
  const auditId = await new Promise<string>((resolve, reject) => {
    http.get({ port, path: '/api/v1/namespaces/default/configmaps?watch=1&timeoutSeconds=5' }, (res) => {
      const id = String(res.headers['audit-id']);
      res.resume();
      res.on('end', () => resolve(id));
      // The watch ends when its time is up.
      setImmediate(() => t.clock.advance(5_000));
    }).on('error', reject);
  });
  // The last event is written when the server sees the response close.
  for (let i = 0; i < 500 && !eventsOf(auditId).some((e) => e.stage === 'ResponseComplete'); i++) await new Promise((r) => setTimeout(r, 10));
  listener.close();
  assert.deepEqual(eventsOf(auditId).map((e) => e.stage), ['RequestReceived', 'ResponseStarted', 'ResponseComplete']);
  const [, started, complete] = eventsOf(auditId);
  assert.equal(started!.verb, 'watch');
  assert.deepEqual(started!.responseStatus, { metadata: {}, code: 200 });
  assert.deepEqual(complete!.responseStatus, { metadata: {}, code: 200 });
});
