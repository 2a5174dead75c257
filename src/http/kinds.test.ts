// Kind-specific behaviour a user sees on a real cluster: Service IP and port allocation, Job
// selectors, pod status, binding and graceful deletion, namespace labels and termination,
// certificate signing requests and their approval.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import request from 'supertest';
import { certificatePem, requestPem } from '../testing/certificate-fixtures.js';
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
  const deleting = await request(t.app).delete('/api/v1/namespaces/default/pods/p').expect(200);
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
  const del = await request(t.app).delete('/api/v1/namespaces/going').expect(200);
  assert.equal(del.body.status.phase, 'Terminating');
  const res = await request(t.app).post('/api/v1/namespaces/going/configmaps').send({ metadata: { name: 'x' } }).expect(403);
  assert.equal(res.body.message, 'configmaps "x" is forbidden: unable to create new content in namespace going because it is being terminated');
});

describe('CertificateSigningRequests', () => {
  const csrPath = '/apis/certificates.k8s.io/v1/certificatesigningrequests';
  const b64 = (text: string) => Buffer.from(text).toString('base64');
  const csr = (name: string, extra: Record<string, unknown> = {}) => ({
    apiVersion: 'certificates.k8s.io/v1',
    kind: 'CertificateSigningRequest',
    metadata: { name },
    spec: { request: b64(requestPem), signerName: 'kubernetes.io/kube-apiserver-client', usages: ['client auth'], ...extra },
  });
  const approved = { type: 'Approved', status: 'True', reason: 'KubectlApprove', message: 'approved' };
  const causes = (res: { body: { details?: { causes?: { field: string; message: string }[] } } }) =>
    (res.body.details?.causes ?? []).map((c) => `${c.field}: ${c.message}`);

  test('create checks the request, usages, signer name and duration as kube-apiserver does', async () => {
    await request(t.app).post(csrPath).send(csr('good')).expect(201);
    const bad = await request(t.app)
      .post(csrPath)
      .send(csr('bad', { request: b64('not pem'), usages: ['client auth', 'bogus', 'client auth'], signerName: 'nodomain', expirationSeconds: 60 }))
      .expect(422);
    assert.deepEqual(causes(bad), [
      'spec.request: Invalid value: "bm90IHBlbQ==": PEM block type must be CERTIFICATE REQUEST',
      `spec.usages[1]: Unsupported value: "bogus": supported values: ${['any', 'cert sign', 'client auth', 'code signing', 'content commitment', 'crl sign', 'data encipherment', 'decipher only', 'digital signature', 'email protection', 'encipher only', 'ipsec end system', 'ipsec tunnel', 'ipsec user', 'key agreement', 'key encipherment', 'microsoft sgc', 'netscape sgc', 'ocsp signing', 's/mime', 'server auth', 'signing', 'timestamping'].map((u) => `"${u}"`).join(', ')}`,
      'spec.usages[2]: Duplicate value: "client auth"',
      "spec.signerName: Invalid value: \"nodomain\": must be a fully qualified domain and path of the form 'example.com/signer-name'",
      'spec.expirationSeconds: Invalid value: 60: may not specify a duration less than 600 seconds (10 minutes)',
    ]);
  });

  test('approval sets the Approved condition only, stamped by the server, owned by the approver', async () => {
    await request(t.app).post(csrPath).send(csr('jane')).expect(201);
    const current = (await request(t.app).get(`${csrPath}/jane`).expect(200)).body;
    const sent = { ...current, spec: { ...current.spec, usages: ['server auth'] }, status: { conditions: [approved], certificate: b64(certificatePem) } };
    const res = await request(t.app).put(`${csrPath}/jane/approval?fieldManager=approver`).send(sent).expect(200);
    assert.deepEqual(res.body.spec.usages, ['client auth']);
    assert.equal(res.body.status.certificate, undefined);
    const [condition] = res.body.status.conditions;
    assert.equal(condition.type, 'Approved');
    assert.match(condition.lastUpdateTime, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    assert.equal(condition.lastTransitionTime, condition.lastUpdateTime);
    const entry = res.body.metadata.managedFields.find((m: { manager: string }) => m.manager === 'approver');
    assert.equal(entry.subresource, 'approval');
    assert.deepEqual(Object.keys(entry.fieldsV1), ['f:status']);
    const table = await request(t.app).get(`${csrPath}/jane`).set('Accept', 'application/json;as=Table;v=v1;g=meta.k8s.io').expect(200);
    assert.equal(table.body.rows[0].cells[5], 'Approved');
  });

  test('what the approval may not do, and what only the approval and status endpoints may do', async () => {
    const current = (await request(t.app).get(`${csrPath}/jane`).expect(200)).body;
    const withConditions = (conditions: unknown[]) => ({ ...current, status: { ...current.status, conditions } });
    const both = await request(t.app)
      .put(`${csrPath}/jane/approval`)
      .send(withConditions([...current.status.conditions, { type: 'Denied', status: 'True' }]))
      .expect(422);
    assert.deepEqual(causes(both), ['status.conditions[1].type: Invalid value: "Denied": Approved and Denied conditions are mutually exclusive']);
    const removed = await request(t.app).put(`${csrPath}/jane/approval`).send(withConditions([])).expect(422);
    assert.deepEqual(causes(removed), ['status.conditions: Forbidden: updates may not remove a condition of type "Approved"']);
    const falseApproval = await request(t.app).put(`${csrPath}/jane/approval`).send(withConditions([{ ...approved, status: 'False' }])).expect(422);
    assert.deepEqual(causes(falseApproval), ['status.conditions[0].status: Unsupported value: "False": supported values: "True"']);

    await request(t.app).post(csrPath).send(csr('viastatus')).expect(201);
    const other = (await request(t.app).get(`${csrPath}/viastatus`).expect(200)).body;
    const statusApproval = await request(t.app).put(`${csrPath}/viastatus/status`).send({ ...other, status: { conditions: [approved] } }).expect(422);
    assert.deepEqual(causes(statusApproval), ['status.conditions: Forbidden: updates may not add a condition of type "Approved"']);
    const issued = await request(t.app).put(`${csrPath}/jane/status`).send({ ...current, status: { ...current.status, certificate: b64(certificatePem) } }).expect(200);
    assert.equal(issued.body.status.certificate, b64(certificatePem));
    const junk = await request(t.app).put(`${csrPath}/viastatus/status`).send({ ...other, status: { certificate: b64('junk') } }).expect(422);
    assert.deepEqual(causes(junk), ['status.certificate: Invalid value: "<certificate data>": must contain at least one CERTIFICATE PEM block']);

    // The main resource changes metadata only.
    const main = await request(t.app)
      .put(`${csrPath}/viastatus`)
      .send({ ...other, metadata: { ...other.metadata, labels: { a: 'b' } }, spec: { ...other.spec, usages: ['server auth'] } })
      .expect(200);
    assert.deepEqual(main.body.spec.usages, ['client auth']);
    assert.deepEqual(main.body.metadata.labels, { a: 'b' });
  });
});
