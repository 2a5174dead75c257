// What a write through /status may change: status and metadata, never spec, and for some kinds
// not certain metadata fields (kube-apiserver's status strategies).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { LocalClient } from '../client/local-client.js';
import type { Deployment, Pod } from '../machinery/api-types.js';
import { createTestApp, type TestApp } from '../testing/test-app.js';

let t: TestApp;
let client: LocalClient;
before(async () => {
  t = await createTestApp();
  client = new LocalClient(t.registry, t.catalogue, { userAgent: 'test' });
});
after(() => t.stop());

const template = { metadata: { labels: { app: 'a' } }, spec: { containers: [{ name: 'c', image: 'x' }] } };

test('a Deployment status write keeps annotations it sets, but not labels or spec, and does not bump generation', async () => {
  const deployments = client.resource<Deployment>('apps', 'v1', 'deployments');
  await deployments.create('default', { metadata: { name: 'd', labels: { keep: 'me' } }, spec: { selector: { matchLabels: { app: 'a' } }, template } });
  const written = await deployments.mutate('default', 'd', (d) => ({
    ...d,
    metadata: { ...d.metadata, labels: { changed: 'no' }, annotations: { 'deployment.kubernetes.io/revision': '1' } },
    spec: { ...d.spec!, replicas: 9 },
    status: { observedGeneration: 1, replicas: 0 },
  }), 'status');
  assert.deepEqual(written.metadata!.annotations, { 'deployment.kubernetes.io/revision': '1' });
  assert.deepEqual(written.metadata!.labels, { keep: 'me' });
  assert.equal(written.spec!.replicas, 1);
  assert.equal(written.metadata!.generation, 1);
  // DeploymentStatus.replicas is an omitempty int32: Go writes no zero.
  assert.deepEqual(written.status, { observedGeneration: 1 });
  const entry = written.metadata!.managedFields!.find((m) => m.subresource === 'status')!;
  assert.ok(JSON.stringify(entry.fieldsV1).includes('deployment.kubernetes.io/revision'));
});

test('a Pod status write may not change ownerReferences', async () => {
  const pods = client.resource<Pod>('', 'v1', 'pods');
  await pods.create('default', { metadata: { name: 'p' }, spec: { containers: [{ name: 'c', image: 'x' }] } });
  const written = await pods.mutate('default', 'p', (p) => ({
    ...p,
    metadata: { ...p.metadata, annotations: { a: 'b' }, ownerReferences: [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'x', uid: 'u' }] },
    status: { ...p.status, phase: 'Running' },
  }), 'status');
  assert.equal(written.metadata!.ownerReferences, undefined);
  assert.deepEqual(written.metadata!.annotations, { a: 'b' });
  assert.equal(written.status!.phase, 'Running');
});
