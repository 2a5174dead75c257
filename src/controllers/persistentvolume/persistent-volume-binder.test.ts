import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Event, PersistentVolume, PersistentVolumeClaim } from '../../machinery/api-types.js';
import { startTestCluster, type TestCluster } from '../../testing/test-cluster.js';

let c: TestCluster;

before(async () => {
  c = await startTestCluster({ controllers: ['persistentvolume-binder'] });
  // The default class claims without one are given (DefaultStorageClass admission), served by the fake provisioner.
  await c.client.resource('storage.k8s.io', 'v1', 'storageclasses').create(undefined, {
    apiVersion: 'storage.k8s.io/v1',
    kind: 'StorageClass',
    metadata: { name: 'standard', annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } },
    provisioner: 'kubemu.io/fake-provisioner',
  });
});
after(async () => {
  await c.stop();
});

const claims = () => c.client.resource<PersistentVolumeClaim>('', 'v1', 'persistentvolumeclaims');
const volumes = () => c.client.resource<PersistentVolume>('', 'v1', 'persistentvolumes');

describe('PersistentVolume binder', () => {
  test('provisions a volume for a pending claim and binds both sides', async () => {
    const claim = await claims().create('default', {
      metadata: { name: 'data' },
      spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '2Gi' } } },
    });
    await c.settle();
    const pvName = `pvc-${claim.metadata!.uid}`;
    const pv = await volumes().get(undefined, pvName);
    assert.equal(pv.metadata!.annotations!['pv.kubernetes.io/provisioned-by'], 'kubemu.io/fake-provisioner');
    assert.deepEqual(pv.spec!.capacity, { storage: '2Gi' });
    assert.equal(pv.spec!.persistentVolumeReclaimPolicy, 'Delete');
    assert.equal(pv.spec!.hostPath!.path, `/var/lib/kubemu/pv/${pvName}`);
    assert.equal(pv.spec!.claimRef!.uid, claim.metadata!.uid);
    assert.equal(pv.status!.phase, 'Bound');
    const bound = await claims().get('default', 'data');
    assert.equal(bound.spec!.volumeName, pvName);
    assert.equal(bound.status!.phase, 'Bound');
    assert.deepEqual(bound.status!.capacity, { storage: '2Gi' });
    assert.deepEqual(bound.status!.accessModes, ['ReadWriteOnce']);
    assert.equal(bound.metadata!.annotations!['pv.kubernetes.io/bind-completed'], 'yes');
    assert.equal(bound.metadata!.annotations!['pv.kubernetes.io/bound-by-controller'], 'yes');

    const events = (await c.client.resource<Event>('', 'v1', 'events').list('default')).items.filter((e) => e.involvedObject?.name === 'data');
    assert.deepEqual(
      events.map((e) => [e.reason, e.message, e.source?.component]),
      [['ProvisioningSucceeded', `Successfully provisioned volume ${pvName} using kubemu.io/fake-provisioner`, 'persistentvolume-controller']],
    );

    await claims().delete('default', 'data');
    await c.settle();
    assert.equal(await volumes().find(undefined, pvName), undefined, 'reclaim policy Delete');
  });

  test('binds a claim to a fitting Available volume; a released Retain volume stays', async () => {
    await volumes().create(undefined, { metadata: { name: 'small' }, spec: { capacity: { storage: '1Gi' }, accessModes: ['ReadWriteOnce'], hostPath: { path: '/mnt/small' }, storageClassName: 'manual' } });
    await volumes().create(undefined, { metadata: { name: 'big' }, spec: { capacity: { storage: '10Gi' }, accessModes: ['ReadWriteOnce'], hostPath: { path: '/mnt/big' }, storageClassName: 'manual' } });
    await c.settle();
    assert.equal((await volumes().get(undefined, 'small')).status!.phase, 'Available');
    await claims().create('default', { metadata: { name: 'manual' }, spec: { storageClassName: 'manual', accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '5Gi' } } } });
    await c.settle();
    assert.equal((await claims().get('default', 'manual')).spec!.volumeName, 'big');
    assert.deepEqual((await claims().get('default', 'manual')).status!.capacity, { storage: '10Gi' });
    const big = await volumes().get(undefined, 'big');
    assert.equal(big.status!.phase, 'Bound');
    assert.equal(big.metadata!.annotations!['pv.kubernetes.io/bound-by-controller'], 'yes');
    await claims().delete('default', 'manual');
    await c.settle();
    assert.equal((await volumes().get(undefined, 'big')).status!.phase, 'Released');
  });

  test('a claim of storageClassName "" is never provisioned for', async () => {
    await claims().create('default', { metadata: { name: 'static' }, spec: { storageClassName: '', accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } });
    await c.settle();
    const claim = await claims().get('default', 'static');
    assert.equal(claim.status!.phase, 'Pending');
    assert.equal(claim.spec!.volumeName, undefined);
  });

  test("the class decides: its reclaim policy on the volume; a missing class or another provisioner's leaves the claim waiting, saying why", async () => {
    const classes = c.client.resource('storage.k8s.io', 'v1', 'storageclasses');
    await classes.create(undefined, { apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: { name: 'keep' }, provisioner: 'rancher.io/local-path', reclaimPolicy: 'Retain' });
    await classes.create(undefined, { apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: { name: 'ebs' }, provisioner: 'ebs.csi.aws.com' });
    const request = (name: string, storageClassName: string) => claims().create('default', { metadata: { name }, spec: { storageClassName, accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } });
    const kept = await request('kept', 'keep');
    await request('nowhere', 'gold');
    await request('cloud', 'ebs');
    await c.settle();
    const pv = await volumes().get(undefined, `pvc-${kept.metadata!.uid}`);
    assert.equal(pv.spec!.persistentVolumeReclaimPolicy, 'Retain');
    assert.equal(pv.spec!.storageClassName, 'keep');
    assert.equal(pv.metadata!.annotations!['pv.kubernetes.io/provisioned-by'], 'rancher.io/local-path');
    const events = (await c.client.resource<Event>('', 'v1', 'events').list('default')).items;
    const said = (claim: string) => events.filter((e) => e.involvedObject?.name === claim).map((e) => [e.type, e.reason, e.message]);
    assert.deepEqual(said('nowhere'), [['Warning', 'ProvisioningFailed', 'storageclass.storage.k8s.io "gold" not found']]);
    assert.deepEqual(said('cloud'), [
      ['Normal', 'ExternalProvisioning', "Waiting for a volume to be created either by the external provisioner 'ebs.csi.aws.com' or manually by the system administrator. If volume creation is delayed, please verify that the provisioner is running and correctly registered."],
    ]);
    for (const name of ['nowhere', 'cloud']) assert.equal((await claims().get('default', name)).status!.phase, 'Pending');
  });
});
