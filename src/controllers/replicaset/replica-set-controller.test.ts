import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Event, Pod, ReplicaSet } from '../../machinery/api-types.js';
import { startTestCluster, type TestCluster } from '../../testing/test-cluster.js';
import { markPodReady } from '../../testing/pod-status.js';

let c: TestCluster;

before(async () => {
  c = await startTestCluster({ controllers: ['replicaset', 'replicationcontroller'] });
});
after(async () => {
  await c.stop();
});

const rsClient = () => c.client.resource<ReplicaSet>('apps', 'v1', 'replicasets');
const podClient = () => c.client.resource<Pod>('', 'v1', 'pods');

function replicaSet(name: string, replicas: number, extra: Partial<NonNullable<ReplicaSet['spec']>> = {}): ReplicaSet {
  return {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: { name },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name, tier: 'web' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } },
      ...extra,
    },
  };
}

async function podsOf(rs: ReplicaSet): Promise<Pod[]> {
  return (await podClient().list('default')).items.filter((p) => p.metadata?.ownerReferences?.some((r) => r.uid === rs.metadata?.uid));
}

describe('ReplicaSet controller', () => {
  test('creates pods owned by the ReplicaSet and reports status', async () => {
    const rs = await rsClient().create('default', replicaSet('web', 3));
    await c.settle();
    const pods = await podsOf(rs);
    assert.equal(pods.length, 3);
    for (const p of pods) {
      assert.match(p.metadata!.name!, /^web-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
      assert.deepEqual(p.metadata!.labels, { app: 'web', tier: 'web' });
      const ref = p.metadata!.ownerReferences![0]!;
      assert.deepEqual(ref, { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web', uid: rs.metadata!.uid, controller: true, blockOwnerDeletion: true });
    }
    const fresh = await rsClient().get('default', 'web');
    assert.deepEqual(fresh.status, { replicas: 3, fullyLabeledReplicas: 3, terminatingReplicas: 0, observedGeneration: 1 });
    // The controller writes as kube-controller-manager, through the status subresource.
    const entry = fresh.metadata!.managedFields!.find((m) => m.subresource === 'status');
    assert.equal(entry?.manager, 'kube-controller-manager');

    const events = (await c.client.resource<Event>('', 'v1', 'events').list('default')).items.filter((e) => e.involvedObject?.name === 'web');
    assert.equal(events.filter((e) => e.reason === 'SuccessfulCreate').length, 3);
    assert.equal(events[0]!.source?.component, 'replicaset-controller');
    assert.match(events[0]!.message!, /^Created pod: web-/);
  });

  test('ready and available counts follow pod status, with minReadySeconds on the clock', async () => {
    const rs = await rsClient().create('default', replicaSet('ready', 2, { minReadySeconds: 10 }));
    await c.settle();
    const pods = await podsOf(rs);
    for (const p of pods) await markPodReady(c.client, p, c.clock.now());
    await c.settle();
    let status = (await rsClient().get('default', 'ready')).status!;
    assert.equal(status.readyReplicas, 2);
    assert.equal(status.availableReplicas, undefined);
    await c.advance(11_000);
    status = (await rsClient().get('default', 'ready')).status!;
    assert.equal(status.availableReplicas, 2);
  });

  test('replaces deleted pods and deletes surplus ones, unscheduled and not-ready first', async () => {
    const rs = await rsClient().create('default', replicaSet('scale', 3));
    await c.settle();
    let pods = await podsOf(rs);
    await podClient().delete('default', pods[0]!.metadata!.name!);
    await c.settle();
    pods = await podsOf(rs);
    assert.equal(pods.length, 3);

    // One pod ready, the others not: scaling to 1 keeps the ready one.
    await markPodReady(c.client, pods[1]!, c.clock.now());
    await rsClient().mutate('default', 'scale', (r) => ({ ...r, spec: { ...r.spec!, replicas: 1 } }));
    await c.settle();
    const left = await podsOf(rs);
    assert.deepEqual(left.map((p) => p.metadata!.name), [pods[1]!.metadata!.name]);
    const deletes = (await c.client.resource<Event>('', 'v1', 'events').list('default')).items.filter(
      (e) => e.involvedObject?.name === 'scale' && e.reason === 'SuccessfulDelete',
    );
    assert.equal(deletes.length, 2);
  });

  test('adopts a matching orphan and releases a pod that stops matching', async () => {
    await podClient().create('default', { metadata: { name: 'stray', labels: { app: 'adopt' } }, spec: { containers: [{ name: 'c', image: 'x' }] } });
    const rs = await rsClient().create('default', replicaSet('adopt', 2));
    await c.settle();
    const stray = await podClient().get('default', 'stray');
    assert.equal(stray.metadata!.ownerReferences?.[0]?.uid, rs.metadata!.uid);
    assert.equal((await podsOf(rs)).length, 2, 'the orphan counts towards the replicas');

    await podClient().mutate('default', 'stray', (p) => ({ ...p, metadata: { ...p.metadata, labels: { app: 'elsewhere' } } }));
    await c.settle();
    const released = await podClient().get('default', 'stray');
    assert.equal(released.metadata!.ownerReferences, undefined);
    assert.equal((await podsOf(rs)).length, 2, 'a replacement was created');
  });

  test('a ReplicationController does the same with its map selector', async () => {
    const rcs = c.client.resource('', 'v1', 'replicationcontrollers');
    const rc = await rcs.create('default', {
      metadata: { name: 'legacy' },
      spec: { replicas: 2, selector: { app: 'legacy' }, template: { metadata: { labels: { app: 'legacy' } }, spec: { containers: [{ name: 'c', image: 'x' }] } } },
    });
    await c.settle();
    const pods = (await podClient().list('default', { labelSelector: 'app=legacy' })).items;
    assert.equal(pods.length, 2);
    assert.equal(pods[0]!.metadata!.ownerReferences![0]!.kind, 'ReplicationController');
    const status = (await rcs.get('default', 'legacy')).status as Record<string, unknown>;
    assert.deepEqual(status, { replicas: 2, fullyLabeledReplicas: 2, observedGeneration: 1 });
    assert.ok(rc);
  });
});
