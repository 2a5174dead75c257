// A node whose kubelet stops: the node lifecycle controller notices the missing lease, taints the
// node, its pods are evicted and their controller puts replacements on the other node; when the
// kubelet comes back it finishes the pods that were being deleted and the node is Ready again.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Deployment, Node, Pod } from '../machinery/api-types.js';
import { defaultClusterConfig } from '../machinery/cluster-config.js';
import { startTestCluster, type TestCluster } from '../testing/test-cluster.js';
import { kubeletStateAnnotation } from './fleet.js';

let c: TestCluster;

before(async () => {
  const cluster = defaultClusterConfig(3);
  cluster.kubelet = { ...cluster.kubelet, containerStartMs: 500, jitterMs: 0 };
  cluster.nodeLifecycle = { nodeMonitorGracePeriodSeconds: 40, defaultTolerationSeconds: 60 };
  c = await startTestCluster({ controllers: ['deployment', 'replicaset', 'scheduler', 'nodelifecycle', 'taint-eviction-controller'], cluster });
});
after(async () => {
  await c.stop();
});

const pods = () => c.client.resource<Pod>('', 'v1', 'pods');
const nodes = () => c.client.resource<Node>('', 'v1', 'nodes');
const podsOn = async (node: string) => (await pods().list('default')).items.filter((p) => p.spec?.nodeName === node);
const ready = (n: Node) => n.status?.conditions?.find((x) => x.type === 'Ready')?.status;

test('a stopped kubelet: node Unknown after the grace period, pods replaced elsewhere; restarted, all is well again', async () => {
  await c.client.resource<Deployment>('apps', 'v1', 'deployments').create('default', {
    metadata: { name: 'web' },
    spec: {
      replicas: 2,
      selector: { matchLabels: { app: 'web' } },
      template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'app', image: 'nginx' }] } },
    },
  });
  await c.advance(1000); // scheduled
  await c.advance(1000); // running
  // The scheduler spreads the two replicas over the two workers.
  const onWorker = (await podsOn('kubemu-worker')).filter((p) => p.status?.phase === 'Running');
  assert.equal(onWorker.length, 1);

  await nodes().mutate(undefined, 'kubemu-worker', (n) => ({ ...n, metadata: { ...n.metadata, annotations: { ...n.metadata!.annotations, [kubeletStateAnnotation]: 'stopped' } } }));
  await c.advance(30_000);
  assert.equal(ready(await nodes().get(undefined, 'kubemu-worker')), 'True', 'still within the grace period');
  await c.advance(20_000);
  const unknown = await nodes().get(undefined, 'kubemu-worker');
  assert.equal(ready(unknown), 'Unknown');
  assert.deepEqual(unknown.spec!.taints!.map((t) => `${t.key}:${t.effect}`).sort(), ['node.kubernetes.io/unreachable:NoExecute', 'node.kubernetes.io/unreachable:NoSchedule']);
  assert.equal(ready(await nodes().get(undefined, 'kubemu-worker2')), 'True', 'the other kubelets keep renewing their leases');

  // The pods tolerate unreachable for 60 s (the configured default), then are deleted.
  await c.advance(61_000);
  await c.advance(1000);
  const [stuck] = await podsOn('kubemu-worker');
  assert.equal(stuck?.metadata?.uid, onWorker[0]!.metadata!.uid);
  assert.ok(stuck?.metadata?.deletionTimestamp, 'being deleted, but no kubelet to finish it');
  assert.ok(stuck?.status?.conditions?.some((x) => x.type === 'DisruptionTarget'));
  const elsewhere = (await podsOn('kubemu-worker2')).filter((p) => p.status?.phase === 'Running' && !p.metadata?.deletionTimestamp);
  assert.equal(elsewhere.length, 2, 'the ReplicaSet replaced it on the healthy worker');

  await nodes().mutate(undefined, 'kubemu-worker', (n) => {
    const annotations = { ...n.metadata!.annotations };
    delete annotations[kubeletStateAnnotation];
    return { ...n, metadata: { ...n.metadata, annotations } };
  });
  await c.advance(1000);
  await c.advance(1000);
  assert.deepEqual((await podsOn('kubemu-worker')).map((p) => p.metadata?.uid), [], 'the kubelet finished the deletion');
  const back = await nodes().get(undefined, 'kubemu-worker');
  assert.equal(ready(back), 'True');
  assert.equal(back.spec?.taints, undefined);
});
