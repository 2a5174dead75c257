import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { LocalClient } from '../../client/local-client.js';
import { startTestCluster, type TestCluster } from '../../testing/test-cluster.js';

let t: TestCluster;
let client: LocalClient;

before(async () => {
  t = await startTestCluster({ controllers: ['namespace'] });
  client = t.client;
});
after(async () => {
  await t.stop();
});

const settle = () => t.settle();

test('deleting a namespace deletes its content, then the namespace', async () => {
  const namespaces = client.resource('', 'v1', 'namespaces');
  const configmaps = client.resource('', 'v1', 'configmaps');
  const deployments = client.resource('apps', 'v1', 'deployments');
  await namespaces.create(undefined, { metadata: { name: 'doomed' } });
  await configmaps.create('doomed', { metadata: { name: 'a' }, data: {} });
  await configmaps.create('doomed', { metadata: { name: 'keep', finalizers: ['example.com/hold'] }, data: {} });
  await deployments.create('doomed', {
    metadata: { name: 'd' },
    spec: { selector: { matchLabels: { a: 'b' } }, template: { metadata: { labels: { a: 'b' } }, spec: { containers: [{ name: 'c', image: 'x' }] } } },
  });
  await configmaps.create('default', { metadata: { name: 'elsewhere' }, data: {} });

  await namespaces.delete(undefined, 'doomed');
  const terminating = await namespaces.get(undefined, 'doomed');
  assert.equal((terminating.status as { phase: string }).phase, 'Terminating');
  t.clock.advance(0);
  await settle();

  // Everything without a finalizer of its own is gone; the held object keeps the namespace.
  assert.deepEqual((await configmaps.list('doomed')).items.map((c) => c.metadata!.name), ['keep']);
  assert.equal(await deployments.count('doomed'), 0);
  const held = await namespaces.get(undefined, 'doomed');
  // describe shows why: the conditions kube-controller-manager's namespace deleter writes.
  const conditions = ((held.status as { conditions?: { type: string; status: string; reason: string; message: string }[] }).conditions ?? []).map((c) => [c.type, c.status, c.reason, c.message]);
  assert.deepEqual(conditions, [
    ['NamespaceDeletionDiscoveryFailure', 'False', 'ResourcesDiscovered', 'All resources successfully discovered'],
    ['NamespaceDeletionGroupVersionParsingFailure', 'False', 'ParsedGroupVersions', 'All legacy kube types successfully parsed'],
    ['NamespaceDeletionContentFailure', 'False', 'ContentDeleted', 'All content successfully deleted, may be waiting on finalization'],
    ['NamespaceContentRemaining', 'True', 'SomeResourcesRemain', 'Some resources are remaining: configmaps. has 1 resource instances'],
    ['NamespaceFinalizersRemaining', 'True', 'SomeFinalizersRemain', 'Some content in the namespace has finalizers remaining: example.com/hold in 1 resource instances'],
  ]);

  await configmaps.mutate('doomed', 'keep', (c) => ({ ...c, metadata: { ...c.metadata, finalizers: [] } }));
  t.clock.advance(1000);
  await settle();
  await assert.rejects(namespaces.get(undefined, 'doomed'), /namespaces "doomed" not found/);
  assert.equal((await configmaps.list('default')).items.filter((c) => c.metadata!.name === 'elsewhere').length, 1);
});
