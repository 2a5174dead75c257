// Discovery, OpenAPI, version and health documents, as the kubectl versions read them.
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

const aggregatedAccept =
  'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json';

test('aggregated discovery answers with its own Content-Type (v2, and v2beta1 for kubectl 1.27-1.29)', async () => {
  const apis = await request(t.app).get('/apis').set('Accept', aggregatedAccept).expect(200);
  assert.equal(apis.headers['content-type'], 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList');
  const apps = apis.body.items.find((g: { metadata: { name: string } }) => g.metadata.name === 'apps');
  const deployments = apps.versions[0].resources.find((r: { resource: string }) => r.resource === 'deployments');
  assert.deepEqual(deployments.responseKind, { group: '', version: '', kind: 'Deployment' });
  assert.equal(deployments.scope, 'Namespaced');
  assert.deepEqual(deployments.shortNames, ['deploy']);
  assert.deepEqual(deployments.categories, ['all']);
  assert.deepEqual(
    deployments.subresources.find((s: { subresource: string }) => s.subresource === 'scale').responseKind,
    { group: 'autoscaling', version: 'v1', kind: 'Scale' },
  );
  const old = await request(t.app).get('/api').set('Accept', aggregatedAccept.replace(/v=v2;/, 'v=v2beta1;').split(',').slice(1).join(',')).expect(200);
  assert.equal(old.headers['content-type'], 'application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList');
  assert.equal(old.body.items[0].metadata.name, '');
  const pods = old.body.items[0].versions[0].resources.find((r: { resource: string }) => r.resource === 'pods');
  assert.deepEqual(
    pods.subresources.find((s: { subresource: string }) => s.subresource === 'eviction').responseKind,
    { group: 'policy', version: 'v1', kind: 'Eviction' },
  );
});

test('legacy discovery documents', async () => {
  const api = await request(t.app).get('/api').expect(200);
  assert.deepEqual(api.body.versions, ['v1']);
  assert.equal(api.body.kind, 'APIVersions');
  const v1 = await request(t.app).get('/api/v1').expect(200);
  const eviction = v1.body.resources.find((r: { name: string }) => r.name === 'pods/eviction');
  assert.deepEqual({ group: eviction.group, version: eviction.version, kind: eviction.kind, verbs: eviction.verbs }, { group: 'policy', version: 'v1', kind: 'Eviction', verbs: ['create'] });
  const groups = await request(t.app).get('/apis').expect(200);
  const autoscaling = groups.body.groups.find((g: { name: string }) => g.name === 'autoscaling');
  assert.deepEqual(autoscaling.preferredVersion, { groupVersion: 'autoscaling/v2', version: 'v2' });
  await request(t.app).get('/apis/apps').expect(200);
  await request(t.app).get('/apis/apps/v1beta1').expect(404);
  const etag = v1.headers.etag;
  await request(t.app).get('/api/v1').set('If-None-Match', etag).expect(304);
});

test('/openapi/v2 as JSON and as the protobuf kubectl 1.27 asks for', async () => {
  const json = await request(t.app).get('/openapi/v2').expect(200);
  assert.ok(json.body.definitions['io.k8s.api.core.v1.Pod']);
  assert.ok(!Object.keys(json.body.paths).some((p) => p.includes('/v1beta1/')), 'beta paths are not served');
  const pb = await request(t.app)
    .get('/openapi/v2')
    .set('Accept', 'application/com.github.proto-openapi.spec.v2@v1.0+protobuf')
    .buffer(true)
    .parse((res, cb) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => cb(null, Buffer.concat(chunks)));
    })
    .expect(200);
  assert.equal(pb.headers['content-type'], 'application/com.github.proto-openapi.spec.v2.v1.0+protobuf');
  assert.ok((pb.body as Buffer).length > 1_000_000);
});

test('/openapi/v3: a root of hashed URLs, and per group-version documents cacheable under their hash', async () => {
  const root = await request(t.app).get('/openapi/v3').expect(200);
  const url: string = root.body.paths['apis/apps/v1'].serverRelativeURL;
  assert.match(url, /^\/openapi\/v3\/apis\/apps\/v1\?hash=[0-9A-F]{128}$/);
  const doc = await request(t.app).get(url).expect(200);
  assert.equal(doc.headers['cache-control'], 'public, immutable');
  assert.equal(doc.body.openapi, '3.0.0');
  const dep = doc.body.components.schemas['io.k8s.api.apps.v1.Deployment'];
  assert.deepEqual(dep['x-kubernetes-group-version-kind'], [{ group: 'apps', kind: 'Deployment', version: 'v1' }]);
  assert.equal(dep.properties.spec.$ref, '#/components/schemas/io.k8s.api.apps.v1.DeploymentSpec');
  const patch = doc.body.paths['/apis/apps/v1/namespaces/{namespace}/deployments/{name}'].patch;
  assert.ok(patch.parameters.some((p: { name: string }) => p.name === 'fieldValidation'));
  assert.ok(patch.requestBody.content['application/strategic-merge-patch+json']);
  await request(t.app).get('/openapi/v3/apis/apps/v1?hash=STALE').expect(301).expect('Location', url);
  await request(t.app).get('/openapi/v3/apis/nope/v1').expect(404);
});

test('version and health', async () => {
  const v = await request(t.app).get('/version').expect(200);
  assert.equal(v.body.major, '1');
  assert.equal(v.body.minor, '36');
  assert.match(v.body.gitVersion, /^v1\.36\.\d+\+kubemu/);
  for (const path of ['/livez', '/readyz', '/healthz']) assert.equal((await request(t.app).get(path).expect(200)).text, 'ok');
  assert.match((await request(t.app).get('/readyz?verbose').expect(200)).text, /\[\+\]etcd ok[\s\S]*readyz check passed/);
  await request(t.app).get('/livez/nope').expect(404);
});

test('/readyz fails, verbosely, until the bootstrap RBAC policy is reconciled; /livez does not wait', async () => {
  const failing = ['poststarthook/rbac/bootstrap-roles'];
  const starting = await createTestApp({ app: { notReady: () => failing } });
  try {
    const res = await request(starting.app).get('/readyz').expect(500);
    assert.match(res.text, /^\[\+\]ping ok\n/);
    assert.match(res.text, /\n\[-\]poststarthook\/rbac\/bootstrap-roles failed: reason withheld\nreadyz check failed\n$/);
    assert.equal((await request(starting.app).get('/readyz/poststarthook/rbac/bootstrap-roles').expect(500)).text, '[-]poststarthook/rbac/bootstrap-roles failed: reason withheld');
    assert.equal((await request(starting.app).get('/readyz/etcd').expect(200)).text, 'ok');
    assert.equal((await request(starting.app).get('/livez').expect(200)).text, 'ok');
    failing.length = 0;
    assert.equal((await request(starting.app).get('/readyz').expect(200)).text, 'ok');
    assert.match((await request(starting.app).get('/readyz?verbose').expect(200)).text, /\[\+\]poststarthook\/rbac\/bootstrap-roles ok\nreadyz check passed\n$/);
  } finally {
    await starting.stop();
  }
});
