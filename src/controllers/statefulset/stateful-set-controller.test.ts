import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { ControllerRevision, Event, PersistentVolumeClaim, Pod, StatefulSet } from '../../machinery/api-types.js';
import { markPodFinished, markPodReady } from '../../testing/pod-status.js';
import { startTestCluster, type TestCluster } from '../../testing/test-cluster.js';

let c: TestCluster;

before(async () => {
  c = await startTestCluster({ controllers: ['statefulset', 'persistentvolume-binder', 'garbagecollector'] });
  // volumeClaimTemplates name no class: they get the default one, as on kind.
  await c.client.resource('storage.k8s.io', 'v1', 'storageclasses').create(undefined, {
    apiVersion: 'storage.k8s.io/v1',
    kind: 'StorageClass',
    metadata: { name: 'standard', annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } },
    provisioner: 'rancher.io/local-path',
  });
});
after(async () => {
  await c.stop();
});

const sets = () => c.client.resource<StatefulSet>('apps', 'v1', 'statefulsets');
const pods = () => c.client.resource<Pod>('', 'v1', 'pods');
const claims = () => c.client.resource<PersistentVolumeClaim>('', 'v1', 'persistentvolumeclaims');
const revisions = () => c.client.resource<ControllerRevision>('apps', 'v1', 'controllerrevisions');

function statefulSet(name: string, replicas: number, spec: Partial<NonNullable<StatefulSet['spec']>> = {}): StatefulSet {
  const withClaims = spec.volumeClaimTemplates === undefined;
  return {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name },
    spec: {
      serviceName: 'nginx',
      replicas,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: { containers: [{ name: 'nginx', image: 'nginx:1.25', volumeMounts: withClaims ? [{ name: 'www', mountPath: '/usr/share/nginx/html' }] : [] }] },
      },
      volumeClaimTemplates: [{ metadata: { name: 'www' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } }],
      ...spec,
    },
  };
}

async function podNames(set: string): Promise<string[]> {
  const list = (await pods().list('default', { labelSelector: `app=${set}` })).items;
  return list.map((p) => p.metadata!.name!).sort();
}

async function pod(name: string): Promise<Pod> {
  return pods().get('default', name);
}

/** Plays the kubelet: marks each pod of the set ready as it appears, until `count` are ready. */
async function readyAll(set: string, count: number): Promise<void> {
  for (let i = 0; i < 4 * count; i++) {
    const list = (await pods().list('default', { labelSelector: `app=${set}` })).items;
    const notReady = list.filter((p) => p.status?.phase !== 'Running' && !p.metadata?.deletionTimestamp);
    if (notReady.length === 0 && list.length === count) return;
    for (const p of notReady) await markPodReady(c.client, p, c.clock.now());
    await c.settle();
  }
  assert.fail(`pods of ${set} did not all become ready: ${await podNames(set)}`);
}

async function events(set: string): Promise<Event[]> {
  return (await c.client.resource<Event>('', 'v1', 'events').list('default')).items.filter((e) => e.involvedObject?.name === set);
}

describe('StatefulSet controller', () => {
  test('creates pods in order with identity, storage and revision, each waiting for the one before', async () => {
    const created = await sets().create('default', statefulSet('web', 3));
    await c.settle();
    assert.deepEqual(await podNames('web'), ['web-0'], 'OrderedReady: one pod until it is ready');

    const web0 = await pod('web-0');
    const status = (await sets().get('default', 'web')).status!;
    const revision = status.updateRevision!;
    assert.match(revision, /^web-[bcdfghjklmnpqrstvwxz2456789]+$/);
    assert.deepEqual(web0.metadata!.labels, {
      app: 'web',
      'apps.kubernetes.io/pod-index': '0',
      'controller-revision-hash': revision,
      'statefulset.kubernetes.io/pod-name': 'web-0',
    });
    assert.equal(web0.metadata!.generateName, 'web-');
    assert.equal(web0.spec!.hostname, 'web-0');
    assert.equal(web0.spec!.subdomain, 'nginx');
    assert.deepEqual(web0.spec!.volumes?.find((v) => v.name === 'www')?.persistentVolumeClaim, { claimName: 'www-web-0' });
    assert.deepEqual(web0.metadata!.ownerReferences, [{ apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'web', uid: created.metadata!.uid, controller: true, blockOwnerDeletion: true }]);

    const claim = await claims().get('default', 'www-web-0');
    assert.deepEqual(claim.metadata!.labels, { app: 'web' });
    assert.equal(claim.metadata!.ownerReferences, undefined, 'Retain/Retain: the claim is nobody’s');
    assert.equal(claim.status!.phase, 'Bound');

    await readyAll('web', 3);
    assert.deepEqual(await podNames('web'), ['web-0', 'web-1', 'web-2']);
    const done = (await sets().get('default', 'web')).status!;
    assert.deepEqual(done, {
      replicas: 3,
      readyReplicas: 3,
      currentReplicas: 3,
      updatedReplicas: 3,
      currentRevision: revision,
      updateRevision: revision,
      collisionCount: 0,
      availableReplicas: 3,
      observedGeneration: 1,
    });

    const revs = (await revisions().list('default')).items.filter((r) => r.metadata?.ownerReferences?.[0]?.uid === created.metadata!.uid);
    assert.equal(revs.length, 1);
    assert.equal(revs[0]!.metadata!.name, revision);
    assert.equal(revs[0]!.revision, 1);
    assert.equal(revs[0]!.metadata!.labels!['controller.kubernetes.io/hash'], revision.slice('web-'.length));

    const messages = (await events('web')).map((e) => `${e.reason} ${e.message}`);
    assert.ok(messages.includes('SuccessfulCreate create Claim www-web-0 Pod web-0 in StatefulSet web success'), messages.join('\n'));
    assert.ok(messages.includes('SuccessfulCreate create Pod web-0 in StatefulSet web successful'));
    assert.ok(messages.includes('SuccessfulCreate create Pod web-2 in StatefulSet web successful'));
    const source = (await events('web'))[0]!.source?.component;
    assert.equal(source, 'statefulset-controller');
  });

  test('scales down from the highest ordinal, one at a time, keeping the claims', async () => {
    await sets().patch('default', 'web', 'merge', { spec: { replicas: 1 } });
    await c.settle();
    // Pods without a node go at once, so both deletions happen, highest first.
    assert.deepEqual(await podNames('web'), ['web-0']);
    const deletes = (await events('web')).filter((e) => e.reason === 'SuccessfulDelete').map((e) => e.message);
    assert.deepEqual(deletes, ['delete Pod web-2 in StatefulSet web successful', 'delete Pod web-1 in StatefulSet web successful']);
    assert.ok(await claims().find('default', 'www-web-2'), 'whenScaled=Retain keeps the claim');
    const status = (await sets().get('default', 'web')).status!;
    assert.equal(status.replicas, 1);
    assert.equal(status.readyReplicas, 1);

    // Scaling up again reuses the retained claim.
    await sets().patch('default', 'web', 'merge', { spec: { replicas: 2 } });
    await readyAll('web', 2);
    const web1 = await pod('web-1');
    assert.equal(web1.spec!.volumes?.find((v) => v.name === 'www')?.persistentVolumeClaim?.claimName, 'www-web-1');
  });

  test('a rolling update replaces pods from the highest ordinal, waiting for each to be ready', async () => {
    await sets().create('default', statefulSet('roll', 3));
    await readyAll('roll', 3);
    const before = (await sets().get('default', 'roll')).status!;
    await sets().patch('default', 'roll', 'strategic', { spec: { template: { spec: { containers: [{ name: 'nginx', image: 'nginx:1.26' }] } } } });
    await c.settle();
    let status = (await sets().get('default', 'roll')).status!;
    assert.notEqual(status.updateRevision, before.currentRevision);
    assert.equal(status.currentRevision, before.currentRevision);
    // roll-2 was deleted and recreated at the new revision; the others wait for it.
    const images = async () => Promise.all(['roll-0', 'roll-1', 'roll-2'].map(async (n) => (await pods().find('default', n))?.spec?.containers[0]?.image));
    assert.deepEqual(await images(), ['nginx:1.25', 'nginx:1.25', 'nginx:1.26']);
    assert.equal((await pod('roll-2')).metadata!.labels!['controller-revision-hash'], status.updateRevision);

    await markPodReady(c.client, await pod('roll-2'), c.clock.now());
    await c.settle();
    assert.deepEqual(await images(), ['nginx:1.25', 'nginx:1.26', 'nginx:1.26']);
    await readyAll('roll', 3);
    assert.deepEqual(await images(), ['nginx:1.26', 'nginx:1.26', 'nginx:1.26']);
    status = (await sets().get('default', 'roll')).status!;
    assert.equal(status.currentRevision, status.updateRevision);
    assert.equal(status.updatedReplicas, 3);
    assert.equal(status.currentReplicas, 3);
    assert.equal(status.observedGeneration, 2);

    const revs = (await revisions().list('default')).items.filter((r) => r.metadata?.name?.startsWith('roll-')).sort((a, b) => a.revision - b.revision);
    assert.deepEqual(revs.map((r) => r.revision), [1, 2]);

    // Back to the first template: its revision is renumbered as the newest, none is created.
    await sets().patch('default', 'roll', 'strategic', { spec: { template: { spec: { containers: [{ name: 'nginx', image: 'nginx:1.25' }] } } } });
    await c.settle();
    const after = (await revisions().list('default')).items.filter((r) => r.metadata?.name?.startsWith('roll-'));
    assert.equal(after.length, 2);
    assert.equal(after.find((r) => r.metadata?.name === before.currentRevision)?.revision, 3);
    assert.equal((await sets().get('default', 'roll')).status!.updateRevision, before.currentRevision);
  });

  test('a partition keeps lower ordinals at the current revision', async () => {
    await sets().create('default', statefulSet('part', 3, { updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 2 } } }));
    await readyAll('part', 3);
    await sets().patch('default', 'part', 'strategic', { spec: { template: { spec: { containers: [{ name: 'nginx', image: 'nginx:1.26' }] } } } });
    await c.settle();
    await readyAll('part', 3);
    const images = await Promise.all(['part-0', 'part-1', 'part-2'].map(async (n) => (await pod(n)).spec!.containers[0]!.image));
    assert.deepEqual(images, ['nginx:1.25', 'nginx:1.25', 'nginx:1.26']);
    const status = (await sets().get('default', 'part')).status!;
    assert.equal(status.updatedReplicas, 1);
    assert.equal(status.currentReplicas, 2);
    assert.notEqual(status.currentRevision, status.updateRevision);
  });

  test('Parallel creates every pod at once; OnDelete leaves pods alone until they are deleted', async () => {
    await sets().create('default', statefulSet('par', 3, { podManagementPolicy: 'Parallel', updateStrategy: { type: 'OnDelete' }, volumeClaimTemplates: [] }));
    await c.settle();
    assert.deepEqual(await podNames('par'), ['par-0', 'par-1', 'par-2']);
    await sets().patch('default', 'par', 'strategic', { spec: { template: { spec: { containers: [{ name: 'nginx', image: 'nginx:1.26' }] } } } });
    await c.settle();
    assert.equal((await pod('par-1')).spec!.containers[0]!.image, 'nginx:1.25');
    await pods().delete('default', 'par-1');
    await c.settle();
    assert.equal((await pod('par-1')).spec!.containers[0]!.image, 'nginx:1.26');
    const status = (await sets().get('default', 'par')).status!;
    assert.equal(status.updatedReplicas, 1);
    assert.equal(status.currentReplicas, 2);
  });

  test('ordinals.start numbers the pods; a failed pod is replaced', async () => {
    await sets().create('default', statefulSet('ord', 2, { ordinals: { start: 5 }, volumeClaimTemplates: [] }));
    await readyAll('ord', 2);
    assert.deepEqual(await podNames('ord'), ['ord-5', 'ord-6']);
    const failed = await pod('ord-6');
    await markPodFinished(c.client, failed, 'Failed', c.clock.now());
    await c.settle();
    const replacement = await pod('ord-6');
    assert.notEqual(replacement.metadata!.uid, failed.metadata!.uid);
    assert.equal(replacement.status!.phase, 'Pending');
  });

  test('minReadySeconds: available only after the pods have been ready that long', async () => {
    await sets().create('default', statefulSet('slow', 1, { minReadySeconds: 30, volumeClaimTemplates: [] }));
    await readyAll('slow', 1);
    assert.equal((await sets().get('default', 'slow')).status!.availableReplicas, 0);
    await c.advance(31_000);
    assert.equal((await sets().get('default', 'slow')).status!.availableReplicas, 1);
  });

  test('retention policy: claims owned by the set (whenDeleted) and by scaled-down pods (whenScaled)', async () => {
    const set = await sets().create('default', statefulSet('keep', 2, { persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Delete', whenScaled: 'Delete' } }));
    await readyAll('keep', 2);
    const owners = async (name: string) => (await claims().get('default', name)).metadata!.ownerReferences?.map((r) => `${r.kind}/${r.name}`);
    assert.deepEqual(await owners('www-keep-0'), ['StatefulSet/keep']);
    assert.deepEqual(await owners('www-keep-1'), ['StatefulSet/keep']);
    assert.equal((await claims().get('default', 'www-keep-0')).metadata!.ownerReferences![0]!.uid, set.metadata!.uid);
    // Scaling down hands the condemned pod's claim to the pod, for the garbage collector.
    await sets().patch('default', 'keep', 'merge', { spec: { replicas: 1 } });
    await c.settle();
    assert.deepEqual(await podNames('keep'), ['keep-0']);
    // keep-1 is gone, so the garbage collector deleted its claim.
    assert.equal(await claims().find('default', 'www-keep-1'), undefined);

    // Scaling up makes a fresh claim; deleting the set takes its pods and claims along.
    await sets().patch('default', 'keep', 'merge', { spec: { replicas: 2 } });
    await readyAll('keep', 2);
    assert.deepEqual(await owners('www-keep-1'), ['StatefulSet/keep']);
    await sets().delete('default', 'keep');
    await c.settle();
    assert.deepEqual(await podNames('keep'), []);
    assert.equal(await claims().find('default', 'www-keep-0'), undefined);
    assert.equal(await claims().find('default', 'www-keep-1'), undefined);
  });

  test('old revisions beyond revisionHistoryLimit are deleted', async () => {
    await sets().create('default', statefulSet('hist', 1, { revisionHistoryLimit: 1, podManagementPolicy: 'Parallel', volumeClaimTemplates: [] }));
    await readyAll('hist', 1);
    for (const image of ['nginx:1.26', 'nginx:1.27', 'nginx:1.28']) {
      await sets().patch('default', 'hist', 'strategic', { spec: { template: { spec: { containers: [{ name: 'nginx', image }] } } } });
      await c.settle();
      await readyAll('hist', 1);
    }
    const revs = (await revisions().list('default')).items.filter((r) => r.metadata?.name?.startsWith('hist-'));
    // The live one plus one of history.
    assert.deepEqual(revs.map((r) => r.revision).sort(), [3, 4]);
  });
});
