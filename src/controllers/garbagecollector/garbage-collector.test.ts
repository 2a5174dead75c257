import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { ConfigMap, Deployment, Pod, ReplicaSet } from '../../machinery/api-types.js';
import type { KubeObject } from '../../machinery/object.js';
import { startTestCluster, type TestCluster } from '../../testing/test-cluster.js';

let c: TestCluster;

before(async () => {
  c = await startTestCluster({ controllers: ['garbagecollector', 'deployment', 'replicaset'] });
});
after(async () => {
  await c.stop();
});

const configmaps = () => c.client.resource<ConfigMap>('', 'v1', 'configmaps');
const deployments = () => c.client.resource<Deployment>('apps', 'v1', 'deployments');
const replicaSets = () => c.client.resource<ReplicaSet>('apps', 'v1', 'replicasets');
const pods = () => c.client.resource<Pod>('', 'v1', 'pods');

function ownedBy(owner: KubeObject, block = true) {
  return [{ apiVersion: owner.apiVersion!, kind: owner.kind!, name: owner.metadata!.name!, uid: owner.metadata!.uid!, blockOwnerDeletion: block }];
}

async function exists(client: ReturnType<typeof configmaps>, name: string): Promise<boolean> {
  return (await client.find('default', name)) !== undefined;
}

function deployment(name: string): Deployment {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name },
    spec: {
      replicas: 2,
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } },
    },
  };
}

async function countOwned(name: string): Promise<{ rs: number; pods: number }> {
  const rs = (await replicaSets().list('default', { labelSelector: `app=${name}` })).items.length;
  const p = (await pods().list('default', { labelSelector: `app=${name}` })).items.length;
  return { rs, pods: p };
}

describe('garbage collector', () => {
  test('Background: deleting the owner deletes its dependents afterwards', async () => {
    const owner = await configmaps().create('default', { metadata: { name: 'bg-owner' }, data: {} });
    await configmaps().create('default', { metadata: { name: 'bg-child', ownerReferences: ownedBy(owner) }, data: {} });
    await configmaps().delete('default', 'bg-owner', { propagationPolicy: 'Background' });
    assert.equal(await exists(configmaps(), 'bg-owner'), false, 'the owner goes at once');
    await c.settle();
    assert.equal(await exists(configmaps(), 'bg-child'), false);
  });

  test('a dependent whose owner never existed is collected; one with another living owner only loses the dead reference', async () => {
    const living = await configmaps().create('default', { metadata: { name: 'living' }, data: {} });
    const ghost = { apiVersion: 'v1', kind: 'ConfigMap', name: 'ghost', uid: '11111111-2222-4333-8444-555555555555' };
    await configmaps().create('default', { metadata: { name: 'orphaned-at-birth', ownerReferences: [ghost] }, data: {} });
    await configmaps().create('default', { metadata: { name: 'two-owners', ownerReferences: [ghost, ...ownedBy(living, false)] }, data: {} });
    await c.settle();
    assert.equal(await exists(configmaps(), 'orphaned-at-birth'), false);
    const kept = await configmaps().get('default', 'two-owners');
    assert.deepEqual(kept.metadata!.ownerReferences!.map((r) => r.name), ['living']);
  });

  test('Foreground: the owner stays with the foregroundDeletion finalizer until its blocking dependents are gone', async () => {
    const owner = await configmaps().create('default', { metadata: { name: 'fg-owner' }, data: {} });
    await configmaps().create('default', { metadata: { name: 'fg-child', ownerReferences: ownedBy(owner), finalizers: ['example.com/hold'] }, data: {} });
    await configmaps().delete('default', 'fg-owner', { propagationPolicy: 'Foreground' });
    await c.settle();
    const waiting = await configmaps().get('default', 'fg-owner');
    assert.deepEqual(waiting.metadata!.finalizers, ['foregroundDeletion']);
    const child = await configmaps().get('default', 'fg-child');
    assert.ok(child.metadata!.deletionTimestamp, 'the dependent is being deleted');
    await configmaps().mutate('default', 'fg-child', (cm) => ({ ...cm, metadata: { ...cm.metadata, finalizers: [] } }));
    await c.settle();
    assert.equal(await exists(configmaps(), 'fg-child'), false);
    assert.equal(await exists(configmaps(), 'fg-owner'), false, 'the owner went after its dependent');
  });

  test('Orphan: dependents lose the reference and stay; the owner goes', async () => {
    const owner = await configmaps().create('default', { metadata: { name: 'or-owner' }, data: {} });
    await configmaps().create('default', { metadata: { name: 'or-child', ownerReferences: ownedBy(owner) }, data: {} });
    await configmaps().delete('default', 'or-owner', { propagationPolicy: 'Orphan' });
    await c.settle();
    assert.equal(await exists(configmaps(), 'or-owner'), false);
    const child = await configmaps().get('default', 'or-child');
    assert.equal(child.metadata!.ownerReferences, undefined);
  });

  test('a Deployment deleted in the background takes its ReplicaSets and pods', async () => {
    await deployments().create('default', deployment('gc-bg'));
    await c.settle();
    assert.deepEqual(await countOwned('gc-bg'), { rs: 1, pods: 2 });
    await deployments().delete('default', 'gc-bg', { propagationPolicy: 'Background' });
    await c.settle();
    assert.deepEqual(await countOwned('gc-bg'), { rs: 0, pods: 0 });
  });

  test('a Deployment deleted in the foreground waits for its ReplicaSets, which wait for their pods', async () => {
    await deployments().create('default', deployment('gc-fg'));
    await c.settle();
    await deployments().delete('default', 'gc-fg', { propagationPolicy: 'Foreground' });
    await c.settle();
    assert.deepEqual(await countOwned('gc-fg'), { rs: 0, pods: 0 });
    assert.equal(await deployments().find('default', 'gc-fg'), undefined);
  });

  test('a Deployment deleted with Orphan leaves its ReplicaSet and pods running without an owner', async () => {
    await deployments().create('default', deployment('gc-or'));
    await c.settle();
    await deployments().delete('default', 'gc-or', { propagationPolicy: 'Orphan' });
    await c.settle();
    assert.equal(await deployments().find('default', 'gc-or'), undefined);
    const [rs] = (await replicaSets().list('default', { labelSelector: 'app=gc-or' })).items;
    assert.ok(rs);
    assert.equal(rs.metadata!.ownerReferences, undefined);
    assert.equal((await pods().list('default', { labelSelector: 'app=gc-or' })).items.length, 2, 'the ReplicaSet keeps its pods');
  });

  test('a ReplicationController deleted without a policy orphans its pods (its kind default)', async () => {
    const rcs = c.client.resource('', 'v1', 'replicationcontrollers');
    const rc = await rcs.create('default', {
      metadata: { name: 'legacy-rc' },
      spec: { replicas: 1, selector: { app: 'legacy-rc' }, template: { metadata: { labels: { app: 'legacy-rc' } }, spec: { containers: [{ name: 'c', image: 'x' }] } } },
    });
    const pod = await pods().create('default', { metadata: { name: 'rc-pod', labels: { other: 'x' }, ownerReferences: ownedBy(rc) }, spec: { containers: [{ name: 'c', image: 'x' }] } });
    assert.ok(pod);
    await rcs.delete('default', 'legacy-rc');
    await c.settle();
    assert.equal(await rcs.find('default', 'legacy-rc'), undefined);
    const kept = await pods().get('default', 'rc-pod');
    assert.equal(kept.metadata!.ownerReferences, undefined);
  });
});
