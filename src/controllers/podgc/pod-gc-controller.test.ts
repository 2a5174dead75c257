import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Node, Pod } from '../../machinery/api-types.js';
import { markPodReady } from '../../testing/pod-status.js';
import { startTestCluster, type TestCluster } from '../../testing/test-cluster.js';

let c: TestCluster;
before(async () => {
  c = await startTestCluster({ controllers: ['podgc'] });
});
after(async () => {
  await c.stop();
});

const nodes = () => c.client.resource<Node>('', 'v1', 'nodes');
const pods = () => c.client.resource<Pod>('', 'v1', 'pods');

test('the pods of a deleted node are marked Failed and force-deleted once the 40 s quarantine is over', async () => {
  await nodes().create(undefined, { metadata: { name: 'doomed' } });
  for (const name of ['a', 'b']) {
    const pod = await pods().create('default', { metadata: { name }, spec: { nodeName: 'doomed', containers: [{ name: 'c', image: 'x' }] } });
    await markPodReady(c.client, pod, c.clock.now());
  }
  await c.settle();
  const seen: Pod[] = [];
  const watch = pods().watch('default', { resourceVersion: (await pods().list('default')).resourceVersion }, { event: (_type, p) => seen.push(p), close() {} });

  await nodes().delete(undefined, 'doomed');
  await c.advance(39_000);
  assert.equal((await pods().list('default')).items.length, 2, 'quarantined, not yet gone');
  await c.advance(1_000);
  assert.equal((await pods().list('default')).items.length, 0);
  watch.stop();

  const last = seen.filter((p) => p.metadata?.name === 'a').at(-1)!;
  assert.equal(last.status!.phase, 'Failed');
  const cond = last.status!.conditions!.find((x) => x.type === 'DisruptionTarget')!;
  assert.deepEqual({ status: cond.status, reason: cond.reason, message: cond.message }, { status: 'True', reason: 'DeletionByPodGC', message: 'PodGC: node no longer exists' });
});

test('pods on a node that exists, or that comes back within the quarantine, stay', async () => {
  await nodes().create(undefined, { metadata: { name: 'flaky' } });
  await pods().create('default', { metadata: { name: 'kept' }, spec: { nodeName: 'flaky', containers: [{ name: 'c', image: 'x' }] } });
  await c.settle();
  await nodes().delete(undefined, 'flaky');
  await c.advance(20_000);
  await nodes().create(undefined, { metadata: { name: 'flaky' } });
  await c.advance(60_000);
  assert.ok(await pods().find('default', 'kept'));
});

test('a terminating pod on a not-ready out-of-service node is force-deleted', async () => {
  await nodes().create(undefined, { metadata: { name: 'broken' }, status: { conditions: [{ type: 'Ready', status: 'False' }] } });
  await pods().create('default', { metadata: { name: 'stuck' }, spec: { nodeName: 'broken', containers: [{ name: 'c', image: 'x' }] } });
  await pods().delete('default', 'stuck');
  await c.settle();
  assert.ok((await pods().get('default', 'stuck')).metadata!.deletionTimestamp, 'graceful: waits for a kubelet');
  await nodes().mutate(undefined, 'broken', (n) => ({ ...n, spec: { taints: [{ key: 'node.kubernetes.io/out-of-service', value: 'nodeshutdown', effect: 'NoExecute' }] } }));
  await c.settle();
  assert.equal(await pods().find('default', 'stuck'), undefined);
});
