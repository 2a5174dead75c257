import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { LocalClient } from '../../client/local-client.js';
import type { DaemonSet } from '../../machinery/api-types.js';
import { createTestApp, type TestApp } from '../../testing/test-app.js';

let t: TestApp;
let client: LocalClient;
before(async () => {
  t = await createTestApp();
  client = new LocalClient(t.registry, t.catalogue, { userAgent: 'test' });
});
after(() => t.stop());

test('the template generation annotation starts at 1 and moves with spec.template only', async () => {
  const daemonsets = client.resource<DaemonSet>('apps', 'v1', 'daemonsets');
  const annotation = (ds: DaemonSet) => ds.metadata!.annotations!['deprecated.daemonset.template.generation'];
  const created = await daemonsets.create('default', {
    metadata: { name: 'agent' },
    spec: { selector: { matchLabels: { app: 'agent' } }, template: { metadata: { labels: { app: 'agent' } }, spec: { containers: [{ name: 'c', image: 'agent:1' }] } } },
  });
  assert.equal(annotation(created), '1');
  const minReady = await daemonsets.mutate('default', 'agent', (ds) => ({ ...ds, spec: { ...ds.spec!, minReadySeconds: 5 } }));
  assert.equal(annotation(minReady), '1');
  assert.equal(minReady.metadata!.generation, 2);
  const image = await daemonsets.mutate('default', 'agent', (ds) => {
    const copy = structuredClone(ds);
    copy.spec!.template.spec!.containers[0]!.image = 'agent:2';
    copy.metadata!.annotations!['deprecated.daemonset.template.generation'] = '40';
    return copy;
  });
  assert.equal(annotation(image), '2', 'bumped by the server, not set by the client');
  assert.equal(image.metadata!.generation, 3);
});
