// Kind-specific behaviour a user sees on a real cluster: Service IP and port allocation, Job
// selectors, pod status, binding and graceful deletion, namespace labels and termination.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import request from 'supertest';
import { createTestApp, type TestApp } from '../testing/test-app.js';

let t: TestApp;
before(async () => {
  t = await createTestApp();
});
after(async () => {
  await t.stop();
});

const svcPath = '/api/v1/namespaces/default/services';

test('Services get a cluster IP (kept across updates), node ports when they need them, and conflicts are 422', async () => {
  const a = await request(t.app).post(svcPath).send({ metadata: { name: 'a' }, spec: { selector: { app: 'a' }, ports: [{ port: 80 }] } }).expect(201);
  assert.match(a.body.spec.clusterIP, /^10\.(9[6-9]|10[0-9]|11[01])\.\d+\.\d+$/);
  assert.deepEqual(a.body.spec.clusterIPs, [a.body.spec.clusterIP]);
  assert.deepEqual(a.body.spec.ipFamilies, ['IPv4']);
  assert.equal(a.body.spec.ipFamilyPolicy, 'SingleStack');
  assert.equal(a.body.spec.ports[0].targetPort, 80);
  // A PUT without the allocated IP keeps it.
  const put = await request(t.app).put(`${svcPath}/a`).send({ metadata: { name: 'a' }, spec: { selector: { app: 'a2' }, ports: [{ port: 80 }] } }).expect(200);
  assert.equal(put.body.spec.clusterIP, a.body.spec.clusterIP);
  const np = await request(t.app)
    .post(svcPath)
    .send({ metadata: { name: 'np' }, spec: { type: 'NodePort', selector: { app: 'np' }, ports: [{ name: 'a', port: 80 }, { name: 'b', port: 81, nodePort: 30081 }] } })
    .expect(201);
  assert.ok(np.body.spec.ports[0].nodePort >= 30000 && np.body.spec.ports[0].nodePort <= 32767);
  assert.equal(np.body.spec.ports[1].nodePort, 30081);
  const clash = await request(t.app)
    .post(svcPath)
    .send({ metadata: { name: 'clash' }, spec: { type: 'NodePort', ports: [{ port: 80, nodePort: 30081 }] } })
    .expect(422);
  assert.match(clash.body.message, /spec\.ports\[0\]\.nodePort: Invalid value: 30081: provided port is already allocated/);
  const ipClash = await request(t.app)
    .post(svcPath)
    .send({ metadata: { name: 'ipclash' }, spec: { clusterIP: a.body.spec.clusterIP, ports: [{ port: 80 }] } })
    .expect(422);
  assert.match(ipClash.body.message, /provided IP is already allocated/);
  const headless = await request(t.app).post(svcPath).send({ metadata: { name: 'h' }, spec: { clusterIP: 'None', ports: [{ port: 80 }] } }).expect(201);
  assert.deepEqual(headless.body.spec.clusterIPs, ['None']);
  const ext = await request(t.app).post(svcPath).send({ metadata: { name: 'ext' }, spec: { type: 'ExternalName', externalName: 'example.com' } }).expect(201);
  assert.equal(ext.body.spec.clusterIP, undefined);
});

test('a Job selects its pods by its own uid', async () => {
  const job = await request(t.app)
    .post('/apis/batch/v1/namespaces/default/jobs')
    .send({ metadata: { name: 'j1' }, spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'busybox' }] } } } })
    .expect(201);
  const uid = job.body.metadata.uid;
  assert.deepEqual(job.body.spec.selector, { matchLabels: { 'batch.kubernetes.io/controller-uid': uid } });
  assert.equal(job.body.spec.template.metadata.labels['batch.kubernetes.io/job-name'], 'j1');
  assert.equal(job.body.spec.template.metadata.labels['controller-uid'], uid);
  assert.deepEqual(job.body.status, {});
});

test('pods: created Pending with a QoS class; bound by pods/binding; a bound pod is deleted gracefully', async () => {
  const pod = await request(t.app)
    .post('/api/v1/namespaces/default/pods')
    .send({ metadata: { name: 'p' }, spec: { containers: [{ name: 'c', image: 'nginx', resources: { limits: { cpu: '1', memory: '1Gi' } } }] } })
    .expect(201);
  assert.deepEqual(pod.body.status, { phase: 'Pending', qosClass: 'Guaranteed' });
  assert.equal(pod.body.spec.containers[0].resources.requests.cpu, '1', 'requests default to limits');
  await request(t.app)
    .post('/api/v1/namespaces/default/pods/p/binding')
    .send({ apiVersion: 'v1', kind: 'Binding', metadata: { name: 'p' }, target: { kind: 'Node', name: 'node-1' } })
    .expect(201);
  const bound = await request(t.app).get('/api/v1/namespaces/default/pods/p').expect(200);
  assert.equal(bound.body.spec.nodeName, 'node-1');
  await request(t.app)
    .post('/api/v1/namespaces/default/pods/p/binding')
    .send({ metadata: { name: 'p' }, target: { kind: 'Node', name: 'node-2' } })
    .expect(409);
  const deleting = await request(t.app).delete('/api/v1/namespaces/default/pods/p').expect(202);
  assert.equal(deleting.body.metadata.deletionGracePeriodSeconds, 30);
  assert.ok(deleting.body.metadata.deletionTimestamp);
  await request(t.app).get('/api/v1/namespaces/default/pods/p').expect(200);
  // --grace-period=0 --force ends it.
  await request(t.app).delete('/api/v1/namespaces/default/pods/p').send({ gracePeriodSeconds: 0 }).expect(200);
  await request(t.app).get('/api/v1/namespaces/default/pods/p').expect(404);
});

test('namespaces carry their name as a label; a terminating namespace takes no new content', async () => {
  const ns = await request(t.app).post('/api/v1/namespaces').send({ metadata: { name: 'going' } }).expect(201);
  assert.deepEqual(ns.body.metadata.labels, { 'kubernetes.io/metadata.name': 'going' });
  const del = await request(t.app).delete('/api/v1/namespaces/going').expect(202);
  assert.equal(del.body.status.phase, 'Terminating');
  const res = await request(t.app).post('/api/v1/namespaces/going/configmaps').send({ metadata: { name: 'x' } }).expect(403);
  assert.equal(res.body.message, 'configmaps "x" is forbidden: unable to create new content in namespace going because it is being terminated');
});
