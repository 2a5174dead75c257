// Request and response encodings (YAML, protobuf, Table, PartialObjectMetadata) and the kinds served
// in more than one version (autoscaling/v1 and v2 HPAs, core and events.k8s.io Events).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import protobuf from 'protobufjs';
import request from 'supertest';
import { createProtobufCodec } from '../schema/protobuf/index.js';
import { locateProtoDir } from '../schema/spec-files.js';
import { createTestApp, type TestApp } from '../testing/test-app.js';

let t: TestApp;
before(async () => {
  t = await createTestApp();
});
after(async () => {
  await t.stop();
});

const binary = (res: request.Response, cb: (err: Error | null, body: Buffer) => void) => {
  const stream = res as unknown as NodeJS.ReadableStream;
  const chunks: Buffer[] = [];
  stream.on('data', (c: Buffer) => chunks.push(c));
  stream.on('end', () => cb(null, Buffer.concat(chunks)));
};

test('YAML in and out', async () => {
  const created = await request(t.app)
    .post('/api/v1/namespaces/default/configmaps')
    .set('Content-Type', 'application/yaml')
    .set('Accept', 'application/yaml')
    .send('apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: from-yaml\ndata:\n  key: value\n')
    .expect(201);
  assert.equal(created.headers['content-type'], 'application/yaml');
  assert.match(created.text, /^ {2}key: value$/m);
  assert.match(created.text, /^ {2}name: from-yaml$/m);
});

test('a protobuf body, as kubectl 1.32+ sends for `create configmap`', async () => {
  const root = new protobuf.Root();
  root.resolvePath = (_origin, target) => `${locateProtoDir()}/${target}`;
  await root.load(['k8s.io/api/core/v1/generated.proto', 'k8s.io/apimachinery/pkg/runtime/generated.proto'], { keepCase: true });
  const ConfigMap = root.lookupType('k8s.io.api.core.v1.ConfigMap');
  const Unknown = root.lookupType('k8s.io.apimachinery.pkg.runtime.Unknown');
  const raw = ConfigMap.encode(ConfigMap.fromObject({ metadata: { name: 'from-proto', namespace: 'default' }, data: { a: '1' } })).finish();
  const envelope = Unknown.encode(Unknown.fromObject({ typeMeta: { apiVersion: 'v1', kind: 'ConfigMap' }, raw })).finish();
  const body = Buffer.concat([Buffer.from('k8s\0', 'binary'), Buffer.from(envelope)]);
  const created = await request(t.app)
    .post('/api/v1/namespaces/default/configmaps?fieldManager=kubectl-create&fieldValidation=Strict')
    .set('Content-Type', 'application/vnd.kubernetes.protobuf')
    .set('Accept', 'application/vnd.kubernetes.protobuf,application/json')
    .send(body)
    .expect(201);
  assert.equal(created.headers['content-type'], 'application/json');
  assert.deepEqual(created.body.data, { a: '1' });
  // A client that accepts only protobuf gets protobuf.
  const got = await request(t.app)
    .get('/api/v1/namespaces/default/configmaps/from-proto')
    .set('Accept', 'application/vnd.kubernetes.protobuf')
    .buffer(true)
    .parse(binary)
    .expect(200);
  assert.equal(got.headers['content-type'], 'application/vnd.kubernetes.protobuf');
  const bytes = got.body as Buffer;
  assert.equal(bytes.subarray(0, 4).toString('binary'), 'k8s\0');
  const decoded = Unknown.decode(bytes.subarray(4)) as unknown as { typeMeta: { kind: string }; raw: Uint8Array };
  assert.equal(decoded.typeMeta.kind, 'ConfigMap');
  const cm = ConfigMap.toObject(ConfigMap.decode(decoded.raw)) as { metadata: { name: string }; data: Record<string, string> };
  assert.equal(cm.metadata.name, 'from-proto');
  assert.deepEqual(cm.data, { a: '1' });
  // Garbage in a protobuf body is a 400, not a crash.
  await request(t.app).post('/api/v1/namespaces/default/configmaps').set('Content-Type', 'application/vnd.kubernetes.protobuf').send(Buffer.from('nope')).expect(400);
});

test('Tables: columns of a real cluster, includeObject, and PartialObjectMetadataList', async () => {
  await request(t.app)
    .post('/api/v1/namespaces/default/pods')
    .send({ metadata: { name: 'p1', labels: { app: 'x' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } })
    .expect(201);
  const table = await request(t.app).get('/api/v1/namespaces/default/pods').set('Accept', 'application/json;as=Table;v=v1;g=meta.k8s.io').expect(200);
  assert.deepEqual(
    table.body.columnDefinitions.map((c: { name: string; priority: number }) => `${c.name}:${c.priority}`),
    ['Name:0', 'Ready:0', 'Status:0', 'Restarts:0', 'Age:0', 'IP:1', 'Node:1', 'Nominated Node:1', 'Readiness Gates:1'],
  );
  assert.deepEqual(table.body.rows[0].cells.slice(0, 4), ['p1', '0/1', 'Pending', '0']);
  assert.equal(table.body.rows[0].object.kind, 'PartialObjectMetadata');
  assert.deepEqual(table.body.rows[0].object.metadata.labels, { app: 'x' });
  const full = await request(t.app)
    .get('/api/v1/namespaces/default/pods?includeObject=Object')
    .set('Accept', 'application/json;as=Table;v=v1;g=meta.k8s.io')
    .expect(200);
  assert.equal(full.body.rows[0].object.kind, 'Pod');
  assert.equal(full.body.rows[0].object.spec.containers[0].image, 'nginx');
  const meta = await request(t.app).get('/api/v1/namespaces/default/pods').set('Accept', 'application/json;as=PartialObjectMetadataList;v=v1;g=meta.k8s.io').expect(200);
  assert.equal(meta.body.kind, 'PartialObjectMetadataList');
  assert.equal(meta.body.items[0].metadata.name, 'p1');
  assert.equal(meta.body.items[0].spec, undefined);
});

test('a metadata form that does not fit the answer is refused as kube-apiserver refuses it (406, its Go type named)', async () => {
  const metaAccept = (as: string, v = 'v1') => `application/json;as=${as};v=${v};g=meta.k8s.io`;
  await request(t.app).post('/apis/apps/v1/namespaces/default/deployments').send({ metadata: { name: 'meta-form' }, spec: { selector: { matchLabels: { a: 'b' } }, template: { metadata: { labels: { a: 'b' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } } } }).expect(201);
  const one = await request(t.app).get('/apis/apps/v1/namespaces/default/deployments/meta-form').set('Accept', metaAccept('PartialObjectMetadataList')).expect(406);
  assert.equal(one.body.reason, 'NotAcceptable');
  assert.equal(one.body.message, 'you requested PartialObjectMetadataList, but the requested object is not a list (*apps.Deployment)');
  const list = await request(t.app).get('/api/v1/namespaces/default/configmaps').set('Accept', metaAccept('PartialObjectMetadata', 'v1beta1')).expect(406);
  assert.equal(list.body.message, 'you requested PartialObjectMetadata, but the requested object is a list (*core.ConfigMapList)');
  // Subresources too: the status is its resource, the scale a Scale.
  const status = await request(t.app).get('/apis/apps/v1/namespaces/default/deployments/meta-form/status').set('Accept', metaAccept('PartialObjectMetadataList')).expect(406);
  assert.equal(status.body.message, 'you requested PartialObjectMetadataList, but the requested object is not a list (*apps.Deployment)');
  const scale = await request(t.app).get('/apis/apps/v1/namespaces/default/deployments/meta-form/scale').set('Accept', metaAccept('PartialObjectMetadataList')).expect(406);
  assert.equal(scale.body.message, 'you requested PartialObjectMetadataList, but the requested object is not a list (*autoscaling.Scale)');
  const scaleTable = await request(t.app).get('/apis/apps/v1/namespaces/default/deployments/meta-form/scale').set('Accept', metaAccept('Table')).expect(200);
  assert.deepEqual(
    scaleTable.body.columnDefinitions.map((c: { name: string }) => c.name),
    ['Name', 'Desired', 'Available', 'Age'],
  );
  assert.deepEqual(scaleTable.body.rows[0].cells.slice(0, 3), ['meta-form', 1, 0]);
  const crd = await request(t.app).get('/apis/apiextensions.k8s.io/v1/customresourcedefinitions').set('Accept', metaAccept('PartialObjectMetadata')).expect(406);
  assert.equal(crd.body.message, 'you requested PartialObjectMetadata, but the requested object is a list (*apiextensions.CustomResourceDefinitionList)');
  // The forms that fit still answer.
  const partial = await request(t.app).get('/apis/apps/v1/namespaces/default/deployments/meta-form').set('Accept', metaAccept('PartialObjectMetadata')).expect(200);
  assert.equal(partial.body.kind, 'PartialObjectMetadata');
  const partialList = await request(t.app).get('/apis/apps/v1/namespaces/default/deployments').set('Accept', metaAccept('PartialObjectMetadataList', 'v1beta1')).expect(200);
  assert.equal(partialList.body.apiVersion, 'meta.k8s.io/v1beta1');
  assert.equal(partialList.body.items[0].kind, 'PartialObjectMetadata');
});

test('objects are written with `<`, `>` and `&` escaped, as Go writes them; protobuf carries the characters', async () => {
  await request(t.app).post('/api/v1/namespaces/default/configmaps').send({ metadata: { name: 'html-chars' }, data: { page: '<p>a & b</p>' } }).expect(201);
  const one = await request(t.app).get('/api/v1/namespaces/default/configmaps/html-chars').buffer(true).parse(binary).expect(200);
  assert.ok(one.body.toString('utf8').includes('"page":"\\u003cp\\u003ea \\u0026 b\\u003c/p\\u003e"'));
  const list = await request(t.app).get('/api/v1/namespaces/default/configmaps?fieldSelector=metadata.name%3Dhtml-chars').buffer(true).parse(binary).expect(200);
  assert.ok(list.body.toString('utf8').includes('\\u003cp\\u003ea \\u0026 b'));
  const pb = await request(t.app).get('/api/v1/namespaces/default/configmaps/html-chars').set('Accept', 'application/vnd.kubernetes.protobuf').buffer(true).parse(binary).expect(200);
  assert.ok(pb.body.includes(Buffer.from('<p>a & b</p>')));
});

test('an autoscaling/v1 HPA is stored as v2 and reads back in both versions', async () => {
  const hpa = {
    metadata: { name: 'web' },
    spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' }, minReplicas: 1, maxReplicas: 5, targetCPUUtilizationPercentage: 70 },
  };
  const v1 = await request(t.app).post('/apis/autoscaling/v1/namespaces/default/horizontalpodautoscalers').send(hpa).expect(201);
  assert.equal(v1.body.apiVersion, 'autoscaling/v1');
  assert.equal(v1.body.spec.targetCPUUtilizationPercentage, 70);
  const v2 = await request(t.app).get('/apis/autoscaling/v2/namespaces/default/horizontalpodautoscalers/web').expect(200);
  assert.equal(v2.body.apiVersion, 'autoscaling/v2');
  assert.deepEqual(v2.body.spec.metrics, [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } }]);
  const list = await request(t.app).get('/apis/autoscaling/v1/namespaces/default/horizontalpodautoscalers').expect(200);
  assert.equal(list.body.items[0].spec.targetCPUUtilizationPercentage, 70);
});

test('events.k8s.io/v1 and core/v1 Events are one stored object', async () => {
  const ev = {
    metadata: { name: 'e1' },
    eventTime: '2026-01-01T00:00:00.000000Z',
    reportingController: 'example.com/ctl',
    reportingInstance: 'ctl-1',
    action: 'Sync',
    reason: 'Synced',
    note: 'all good',
    type: 'Normal',
    regarding: { kind: 'Pod', namespace: 'default', name: 'p1' },
  };
  await request(t.app).post('/apis/events.k8s.io/v1/namespaces/default/events').send(ev).expect(201);
  const core = await request(t.app).get('/api/v1/namespaces/default/events/e1').expect(200);
  assert.equal(core.body.message, 'all good');
  assert.equal(core.body.involvedObject.name, 'p1');
  assert.equal(core.body.reportingComponent, 'example.com/ctl');
  const selected = await request(t.app).get('/api/v1/namespaces/default/events?fieldSelector=involvedObject.name%3Dp1,reason%3DSynced').expect(200);
  assert.deepEqual(selected.body.items.map((e: { metadata: { name: string } }) => e.metadata.name), ['e1']);
});

test('Foreground and Orphan deletion leave the object to the garbage collector, held by its finalizer', async () => {
  await request(t.app).post('/api/v1/namespaces/default/configmaps').send({ metadata: { name: 'owner' }, data: {} }).expect(201);
  const res = await request(t.app).delete('/api/v1/namespaces/default/configmaps/owner').send({ propagationPolicy: 'Foreground' }).expect(200);
  assert.deepEqual(res.body.metadata.finalizers, ['foregroundDeletion']);
  assert.ok(res.body.metadata.deletionTimestamp);
  // Deleting again with another policy swaps the finalizer (kube-apiserver allows it while no grace period runs).
  const again = await request(t.app).delete('/api/v1/namespaces/default/configmaps/owner?propagationPolicy=Orphan').expect(200);
  assert.deepEqual(again.body.metadata.finalizers, ['orphan']);
  // orphanDependents=false is the one case kube-apiserver answers 202 Accepted.
  await request(t.app).post('/api/v1/namespaces/default/configmaps').send({ metadata: { name: 'owner2' }, data: {} }).expect(201);
  const accepted = await request(t.app).delete('/api/v1/namespaces/default/configmaps/owner2').send({ orphanDependents: false }).expect(200);
  assert.equal(accepted.body.kind, 'Status', 'nothing holds it: deleted at once');
  await request(t.app).delete('/api/v1/namespaces/default/configmaps/nothing').send({ propagationPolicy: 'Sideways' }).expect(422);
});

test('a Job deleted without a propagation policy keeps its pods and says so', async () => {
  const job = {
    metadata: { name: 'j' },
    spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'x' }] } } },
  };
  await request(t.app).post('/apis/batch/v1/namespaces/default/jobs').send(job).expect(201);
  const res = await request(t.app).delete('/apis/batch/v1/namespaces/default/jobs/j').expect(200);
  assert.match(String(res.headers.warning), /child pods are preserved by default when jobs are deleted/);
  assert.deepEqual(res.body.metadata.finalizers, ['orphan']);
});

test('a protobuf list holds the JSON list\'s items; a custom resource list is JSON only', async () => {
  for (const name of ['pb-1', 'pb-2']) {
    await request(t.app)
      .post('/api/v1/namespaces/default/pods')
      .send({ metadata: { name, labels: { list: 'pb' }, annotations: { note: 'a "quoted" ✓ \\ note' } }, spec: { containers: [{ name: 'c', image: 'nginx', ports: [{ containerPort: 80 }] }] } })
      .expect(201);
  }
  const json = await request(t.app).get('/api/v1/namespaces/default/pods?labelSelector=list%3Dpb').expect(200);
  const pb = await request(t.app).get('/api/v1/namespaces/default/pods?labelSelector=list%3Dpb').set('Accept', 'application/vnd.kubernetes.protobuf').buffer(true).parse(binary).expect(200);
  assert.equal(pb.headers['content-type'], 'application/vnd.kubernetes.protobuf');
  assert.equal(Number(pb.headers['content-length']), (pb.body as Buffer).length);
  const codec = createProtobufCodec(locateProtoDir());
  const decoded = codec.decode(pb.body as Buffer) as { items: unknown[] };
  assert.deepEqual(decoded.items, json.body.items);
  // Byte for byte what the object encoder writes for the JSON list.
  const { kind: _k, apiVersion: _a, ...list } = json.body as Record<string, unknown>;
  assert.ok(Buffer.from(codec.encode({ kind: 'PodList', apiVersion: 'v1', ...list })).equals(pb.body as Buffer));

  await request(t.app)
    .post('/apis/apiextensions.k8s.io/v1/customresourcedefinitions')
    .send({
      metadata: { name: 'gadgets.pb.example.com' },
      spec: {
        group: 'pb.example.com',
        scope: 'Namespaced',
        names: { plural: 'gadgets', singular: 'gadget', kind: 'Gadget', listKind: 'GadgetList' },
        versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } } }],
      },
    })
    .expect(201);
  const path = '/apis/pb.example.com/v1/namespaces/default/gadgets';
  for (let i = 0; ; i++) {
    const created = await request(t.app).post(path).send({ apiVersion: 'pb.example.com/v1', kind: 'Gadget', metadata: { name: 'g1' }, spec: { size: 3 } });
    if (created.status === 201) break;
    assert.ok(i < 200, `the custom resource was never served: ${created.status}`);
    await new Promise((r) => setTimeout(r, 10));
  }
  // As on a real cluster, custom resources have no protobuf form: refused to a client that takes nothing else.
  await request(t.app).get(path).set('Accept', 'application/vnd.kubernetes.protobuf').expect(406);
  const crJson = await request(t.app).get(path).expect(200);
  const crEither = await request(t.app).get(path).set('Accept', 'application/vnd.kubernetes.protobuf, application/json').expect(200);
  assert.equal(crEither.headers['content-type'], 'application/json');
  assert.equal(crEither.text, crJson.text);
});
