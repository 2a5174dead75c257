import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Deployment, Event, Pod, ReplicaSet } from '../../machinery/api-types.js';
import { markPodReady } from '../../testing/pod-status.js';
import { startTestCluster, type TestCluster } from '../../testing/test-cluster.js';

let c: TestCluster;

before(async () => {
  c = await startTestCluster({ controllers: ['deployment', 'replicaset'] });
});
after(async () => {
  await c.stop();
});

const deployments = () => c.client.resource<Deployment>('apps', 'v1', 'deployments');
const replicaSets = () => c.client.resource<ReplicaSet>('apps', 'v1', 'replicasets');
const pods = () => c.client.resource<Pod>('', 'v1', 'pods');

function deployment(name: string, replicas: number, spec: Partial<NonNullable<Deployment['spec']>> = {}): Deployment {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'web', image: 'nginx:1.25' }] } },
      ...spec,
    },
  };
}

async function rsOf(name: string): Promise<ReplicaSet[]> {
  const d = await deployments().get('default', name);
  return (await replicaSets().list('default')).items
    .filter((rs) => rs.metadata?.ownerReferences?.some((r) => r.uid === d.metadata!.uid))
    .sort((a, b) => Number(a.metadata!.annotations!['deployment.kubernetes.io/revision']) - Number(b.metadata!.annotations!['deployment.kubernetes.io/revision']));
}

async function podsOf(rs: ReplicaSet): Promise<Pod[]> {
  return (await pods().list('default')).items.filter((p) => p.metadata?.ownerReferences?.[0]?.uid === rs.metadata?.uid);
}

/** Plays the kubelet: every pending pod becomes ready, until the controllers stop making new ones. */
async function readyEverything(): Promise<void> {
  for (let round = 0; round < 50; round++) {
    const pending = (await pods().list('default')).items.filter((p) => p.status?.phase === 'Pending' && !p.metadata?.deletionTimestamp);
    if (pending.length === 0) return;
    for (const p of pending) await markPodReady(c.client, p, c.clock.now());
    await c.settle();
  }
  throw new Error('pods kept coming');
}

async function scaleEvents(name: string): Promise<string[]> {
  const events = (await c.client.resource<Event>('', 'v1', 'events').list('default')).items;
  return events
    .filter((e) => e.involvedObject?.name === name && e.reason === 'ScalingReplicaSet')
    .sort((a, b) => (a.metadata!.name! < b.metadata!.name! ? -1 : 1))
    .map((e) => e.message!);
}

const condition = (d: Deployment, type: string) => d.status?.conditions?.find((x) => x.type === type);

describe('Deployment controller', () => {
  test('a Deployment creates a ReplicaSet named by its template hash, and pods through it', async () => {
    await deployments().create('default', deployment('web', 3));
    await c.settle();
    const [rs] = await rsOf('web');
    assert.ok(rs);
    const hash = rs.metadata!.labels!['pod-template-hash']!;
    assert.match(hash, /^[bcdf4-9]{6,10}$/);
    assert.equal(rs.metadata!.name, `web-${hash}`);
    assert.deepEqual(rs.spec!.selector!.matchLabels, { app: 'web', 'pod-template-hash': hash });
    assert.equal(rs.spec!.replicas, 3);
    assert.equal(rs.metadata!.annotations!['deployment.kubernetes.io/revision'], '1');
    assert.equal(rs.metadata!.annotations!['deployment.kubernetes.io/desired-replicas'], '3');
    assert.equal(rs.metadata!.annotations!['deployment.kubernetes.io/max-replicas'], '4');
    assert.deepEqual(rs.metadata!.ownerReferences![0]!.kind, 'Deployment');
    assert.equal((await podsOf(rs)).length, 3);

    let d = await deployments().get('default', 'web');
    assert.equal(d.metadata!.annotations!['deployment.kubernetes.io/revision'], '1');
    assert.equal(d.metadata!.generation, 1, 'the revision annotation is written through status: no new generation');
    assert.equal(d.status!.observedGeneration, 1);
    assert.equal(d.status!.replicas, 3);
    assert.equal(d.status!.updatedReplicas, 3);
    assert.equal(d.status!.unavailableReplicas, 3);
    assert.equal(condition(d, 'Available')!.status, 'False');
    assert.equal(condition(d, 'Available')!.reason, 'MinimumReplicasUnavailable');
    assert.equal(condition(d, 'Progressing')!.reason, 'ReplicaSetUpdated');

    await readyEverything();
    d = await deployments().get('default', 'web');
    assert.equal(d.status!.availableReplicas, 3);
    assert.equal(d.status!.readyReplicas, 3);
    assert.equal(d.status!.unavailableReplicas, undefined);
    assert.deepEqual(
      [condition(d, 'Available')!.reason, condition(d, 'Progressing')!.reason, condition(d, 'Progressing')!.message],
      ['MinimumReplicasAvailable', 'NewReplicaSetAvailable', `ReplicaSet "${rs.metadata!.name}" has successfully progressed.`],
    );
    assert.deepEqual(await scaleEvents('web'), [`Scaled up replica set ${rs.metadata!.name} to 3`]);
  });

  test('scaling changes the replica count of the one active ReplicaSet', async () => {
    await deployments().mutate('default', 'web', (d) => ({ ...d, spec: { ...d.spec!, replicas: 5 } }));
    await c.settle();
    await readyEverything();
    const [rs] = await rsOf('web');
    assert.equal(rs!.spec!.replicas, 5);
    assert.equal((await podsOf(rs!)).length, 5);
    assert.equal((await scaleEvents('web')).at(-1), `Scaled up replica set ${rs!.metadata!.name} to 5 from 3`);
    await deployments().mutate('default', 'web', (d) => ({ ...d, spec: { ...d.spec!, replicas: 3 } }));
    await c.settle();
    assert.equal((await podsOf(rs!)).length, 3);
  });

  test('a new image rolls out a new ReplicaSet within maxSurge/maxUnavailable; undo brings the old one back', async () => {
    const [first] = await rsOf('web');
    await deployments().mutate('default', 'web', (d) => {
      const copy = structuredClone(d);
      copy.spec!.template!.spec!.containers[0]!.image = 'nginx:1.26';
      return copy;
    });
    await c.settle();
    let rss = await rsOf('web');
    assert.equal(rss.length, 2);
    // 3 replicas, 25% surge (1) and 25% unavailable (0): one new pod before any old one goes.
    assert.equal(rss[1]!.spec!.replicas, 1);
    assert.equal(rss[0]!.spec!.replicas, 3);
    await readyEverything();
    rss = await rsOf('web');
    assert.deepEqual(rss.map((rs) => rs.spec!.replicas), [0, 3]);
    assert.equal(rss[1]!.metadata!.annotations!['deployment.kubernetes.io/revision'], '2');
    let d = await deployments().get('default', 'web');
    assert.equal(d.metadata!.annotations!['deployment.kubernetes.io/revision'], '2');
    assert.equal(condition(d, 'Progressing')!.reason, 'NewReplicaSetAvailable');
    assert.equal(d.status!.updatedReplicas, 3);

    // kubectl rollout undo: the template of revision 1, as a patch of the Deployment.
    await deployments().mutate('default', 'web', (dep) => {
      const copy = structuredClone(dep);
      const template = structuredClone(first!.spec!.template!);
      delete template.metadata!.labels!['pod-template-hash'];
      copy.spec!.template = template;
      return copy;
    });
    await c.settle();
    await readyEverything();
    rss = await rsOf('web');
    assert.equal(rss.length, 2, 'the old ReplicaSet is reused, not a third one made');
    const back = rss.find((rs) => rs.metadata!.name === first!.metadata!.name)!;
    assert.equal(back.spec!.replicas, 3);
    assert.equal(back.metadata!.annotations!['deployment.kubernetes.io/revision'], '3');
    assert.equal(back.metadata!.annotations!['deployment.kubernetes.io/revision-history'], '1');
    d = await deployments().get('default', 'web');
    assert.equal(d.metadata!.annotations!['deployment.kubernetes.io/revision'], '3');
  });

  test('Recreate scales the old ReplicaSet to zero before the new one gets pods', async () => {
    await deployments().create('default', deployment('recreate', 2, { strategy: { type: 'Recreate' } }));
    await c.settle();
    await readyEverything();
    await deployments().mutate('default', 'recreate', (d) => {
      const copy = structuredClone(d);
      copy.spec!.template!.spec!.containers[0]!.image = 'nginx:2';
      return copy;
    });
    await c.settle();
    const rss = await rsOf('recreate');
    assert.deepEqual(rss.map((rs) => rs.spec!.replicas), [0, 2]);
    assert.equal((await podsOf(rss[0]!)).length, 0);
    const events = await scaleEvents('recreate');
    assert.deepEqual(events.slice(1), [`Scaled down replica set ${rss[0]!.metadata!.name} to 0 from 2`, `Scaled up replica set ${rss[1]!.metadata!.name} to 2`]);
  });

  test('a paused Deployment does not roll out; resuming does', async () => {
    await deployments().create('default', deployment('paused', 1, { progressDeadlineSeconds: 600 }));
    await c.settle();
    await readyEverything();
    await deployments().mutate('default', 'paused', (d) => ({ ...d, spec: { ...d.spec!, paused: true } }));
    await deployments().mutate('default', 'paused', (d) => {
      const copy = structuredClone(d);
      copy.spec!.template!.spec!.containers[0]!.image = 'nginx:3';
      return copy;
    });
    await c.settle();
    assert.equal((await rsOf('paused')).length, 1);
    let d = await deployments().get('default', 'paused');
    assert.deepEqual([condition(d, 'Progressing')!.status, condition(d, 'Progressing')!.reason], ['Unknown', 'DeploymentPaused']);
    await deployments().mutate('default', 'paused', (dep) => ({ ...dep, spec: { ...dep.spec!, paused: false } }));
    await c.settle();
    await readyEverything();
    assert.equal((await rsOf('paused')).length, 2);
    d = await deployments().get('default', 'paused');
    assert.equal(condition(d, 'Progressing')!.reason, 'NewReplicaSetAvailable');
  });

  test('no progress within progressDeadlineSeconds sets ProgressDeadlineExceeded (clock-driven, no polling)', async () => {
    await deployments().create('default', deployment('stuck', 2, { progressDeadlineSeconds: 30 }));
    await c.settle();
    let d = await deployments().get('default', 'stuck');
    assert.equal(condition(d, 'Progressing')!.status, 'True');
    await c.advance(31_000);
    d = await deployments().get('default', 'stuck');
    const p = condition(d, 'Progressing')!;
    assert.deepEqual([p.status, p.reason], ['False', 'ProgressDeadlineExceeded']);
    assert.match(p.message!, /^ReplicaSet "stuck-[a-z0-9]+" has timed out progressing\.$/);
  });

  test('revisionHistoryLimit keeps only that many old ReplicaSets', async () => {
    await deployments().create('default', deployment('history', 1, { revisionHistoryLimit: 1 }));
    await c.settle();
    for (const image of ['a:1', 'a:2', 'a:3']) {
      await readyEverything();
      await deployments().mutate('default', 'history', (d) => {
        const copy = structuredClone(d);
        copy.spec!.template!.spec!.containers[0]!.image = image;
        return copy;
      });
      await c.settle();
    }
    await readyEverything();
    await c.settle();
    const rss = await rsOf('history');
    assert.deepEqual(rss.map((rs) => rs.metadata!.annotations!['deployment.kubernetes.io/revision']), ['3', '4']);
  });

  test('a scaling event during a rollout is shared out proportionally', async () => {
    await deployments().create('default', deployment('prop', 10, { strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 3 as unknown as string, maxUnavailable: 2 as unknown as string } } }));
    await c.settle();
    await readyEverything();
    await deployments().mutate('default', 'prop', (d) => {
      const copy = structuredClone(d);
      copy.spec!.template!.spec!.containers[0]!.image = 'nginx:new';
      return copy;
    });
    await c.settle();
    let rss = await rsOf('prop');
    // New ReplicaSet at 3 (surge) then old scaled down by maxUnavailable: 8 + 5 = 13.
    assert.deepEqual(rss.map((rs) => rs.spec!.replicas), [8, 5]);
    await deployments().mutate('default', 'prop', (d) => ({ ...d, spec: { ...d.spec!, replicas: 20 } }));
    await c.settle();
    rss = await rsOf('prop');
    const total = rss.reduce((n, rs) => n + rs.spec!.replicas!, 0);
    assert.equal(total, 23, '20 + maxSurge 3');
    assert.ok(rss[0]!.spec!.replicas! > 8 && rss[1]!.spec!.replicas! > 5, 'both grow');
    if (process.env.DEBUG_EVENTS) console.log(rss.map((rs) => rs.spec!.replicas), await scaleEvents('prop'), await scaleEvents('web'));
  });
});
