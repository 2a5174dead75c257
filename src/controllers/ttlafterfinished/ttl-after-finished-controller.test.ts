import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Job, Pod } from '../../machinery/api-types.js';
import { startTestCluster, type TestCluster } from '../../testing/test-cluster.js';
import { markPodFinished } from '../../testing/pod-status.js';

let c: TestCluster;

before(async () => {
  c = await startTestCluster({ controllers: ['job', 'ttl-after-finished'] });
});
after(async () => {
  await c.stop();
});

const jobs = () => c.client.resource<Job>('batch', 'v1', 'jobs');
const pods = () => c.client.resource<Pod>('', 'v1', 'pods');

function job(name: string, ttlSecondsAfterFinished?: number): Job {
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name },
    spec: {
      ...(ttlSecondsAfterFinished === undefined ? {} : { ttlSecondsAfterFinished }),
      template: { spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'busybox' }] } },
    },
  };
}

async function runToCompletion(j: Job, phase: 'Succeeded' | 'Failed' = 'Succeeded'): Promise<void> {
  await c.settle();
  for (const p of (await pods().list('default')).items.filter((p) => p.metadata?.ownerReferences?.[0]?.uid === j.metadata?.uid)) {
    await markPodFinished(c.client, p, phase, c.clock.now());
  }
  await c.settle();
}

/** Deleted, or (once a garbage collector handles Foreground deletion) being deleted. */
async function deletedOrDeleting(name: string): Promise<boolean> {
  const j = await jobs().find('default', name);
  return !j || !!j.metadata?.deletionTimestamp;
}

describe('TTL-after-finished controller', () => {
  test('deletes a finished job ttlSecondsAfterFinished after it finished', async () => {
    const created = await jobs().create('default', job('short-lived', 100));
    await c.advance(5000);
    await runToCompletion(created);
    assert.ok((await jobs().get('default', 'short-lived')).status!.conditions!.some((x) => x.type === 'Complete'));
    await c.advance(99_000);
    assert.equal(await deletedOrDeleting('short-lived'), false);
    await c.advance(1000);
    assert.equal(await deletedOrDeleting('short-lived'), true);
  });

  test('a failed job is cleaned up too, and a zero TTL means at once', async () => {
    const created = await jobs().create('default', { ...job('failed-now', 0), spec: { ...job('x', 0).spec!, backoffLimit: 0 } });
    await runToCompletion(created, 'Failed');
    assert.equal(await deletedOrDeleting('failed-now'), true);
  });

  test('jobs without a TTL, or still running, stay', async () => {
    const keep = await jobs().create('default', job('no-ttl'));
    await runToCompletion(keep);
    await jobs().create('default', job('running', 1));
    await c.advance(3_600_000);
    assert.equal(await deletedOrDeleting('no-ttl'), false);
    assert.equal(await deletedOrDeleting('running'), false);
  });

  test('a TTL raised before it expires is honoured', async () => {
    const created = await jobs().create('default', job('extended', 60));
    await runToCompletion(created);
    await c.advance(30_000);
    await jobs().mutate('default', 'extended', (j) => ({ ...j, spec: { ...j.spec!, ttlSecondsAfterFinished: 600 } }));
    await c.advance(60_000);
    assert.equal(await deletedOrDeleting('extended'), false);
    await c.advance(510_000);
    assert.equal(await deletedOrDeleting('extended'), true);
  });
});
