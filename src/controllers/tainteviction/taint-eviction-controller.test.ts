import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Event, Node, Pod } from '../../machinery/api-types.js';
import type { NodeTaint } from '../../machinery/taints.js';
import { startTestCluster, type TestCluster } from '../../testing/test-cluster.js';
import { minTolerationSeconds } from './taint-eviction-controller.js';

let c: TestCluster;
before(async () => {
  c = await startTestCluster({ controllers: ['taint-eviction-controller'] });
});
after(async () => {
  await c.stop();
});

const nodes = () => c.client.resource<Node>('', 'v1', 'nodes');
const pods = () => c.client.resource<Pod>('', 'v1', 'pods');

async function taint(node: string, taints: NodeTaint[]): Promise<void> {
  await nodes().mutate(undefined, node, (n) => ({ ...n, spec: { ...n.spec, taints } }));
  await c.settle();
}

async function bind(name: string, node: string, tolerations?: NonNullable<Pod['spec']>['tolerations']): Promise<void> {
  await pods().create('default', { metadata: { name }, spec: { nodeName: node, containers: [{ name: 'c', image: 'x' }], ...(tolerations ? { tolerations } : {}) } });
}

const deleting = async (name: string) => !!(await pods().get('default', name)).metadata?.deletionTimestamp;

test('minimal toleration time: none is 0, no seconds is forever, non-positive is 0', () => {
  assert.equal(minTolerationSeconds([]), 0);
  assert.equal(minTolerationSeconds([{ operator: 'Exists' }]), -1);
  assert.equal(minTolerationSeconds([{ key: 'a', tolerationSeconds: 30 }, { key: 'b', tolerationSeconds: 10 }, { key: 'c' }]), 10);
  assert.equal(minTolerationSeconds([{ key: 'a', tolerationSeconds: 30 }, { key: 'b', tolerationSeconds: -5 }]), 0);
});

test('an untolerated NoExecute taint deletes at once; a tolerated one after its seconds; NoSchedule never', async () => {
  await nodes().create(undefined, { metadata: { name: 'worker' } });
  await bind('intolerant', 'worker');
  await bind('patient', 'worker', [{ key: 'dedicated', operator: 'Equal', value: 'db', effect: 'NoExecute', tolerationSeconds: 30 }]);
  await bind('loyal', 'worker', [{ key: 'dedicated', operator: 'Exists' }]);
  await c.settle();

  await taint('worker', [{ key: 'dedicated', value: 'db', effect: 'NoSchedule' }]);
  assert.equal(await deleting('intolerant'), false, 'NoSchedule taints evict nothing');

  await taint('worker', [{ key: 'dedicated', value: 'db', effect: 'NoExecute' }]);
  assert.equal(await deleting('intolerant'), true);
  assert.equal(await deleting('patient'), false);
  await c.advance(29_000);
  assert.equal(await deleting('patient'), false);
  await c.advance(1_000);
  assert.equal(await deleting('patient'), true);
  await c.advance(600_000);
  assert.equal(await deleting('loyal'), false);

  const evicted = await pods().get('default', 'intolerant');
  const cond = evicted.status!.conditions!.find((x) => x.type === 'DisruptionTarget')!;
  assert.equal(cond.reason, 'DeletionByTaintManager');
  const events = (await c.client.resource<Event>('', 'v1', 'events').list('default')).items.filter((e) => e.involvedObject?.name === 'intolerant');
  assert.deepEqual(
    events.map((e) => [e.type, e.reason, e.message, e.involvedObject?.kind]),
    [['Normal', 'TaintManagerEviction', 'Marking for deletion Pod default/intolerant', 'Pod']],
  );
});

test('a taint removed in time, or a toleration added, cancels the deletion', async () => {
  await nodes().create(undefined, { metadata: { name: 'spare' } });
  await bind('waits', 'spare', [{ key: 'maintenance', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 60 }]);
  await c.settle();
  await taint('spare', [{ key: 'maintenance', effect: 'NoExecute' }]);
  await c.advance(30_000);
  await taint('spare', []);
  await c.advance(60_000);
  assert.equal(await deleting('waits'), false);
  const events = (await c.client.resource<Event>('', 'v1', 'events').list('default')).items.filter((e) => e.involvedObject?.name === 'waits');
  assert.deepEqual(events.map((e) => e.message), ['Cancelling deletion of Pod default/waits']);

  // Tolerations can only be added to a pod: one without seconds keeps it for good.
  await taint('spare', [{ key: 'maintenance', effect: 'NoExecute' }]);
  await pods().mutate('default', 'waits', (p) => ({ ...p, spec: { ...p.spec!, tolerations: [{ operator: 'Exists' }, ...(p.spec!.tolerations ?? [])] } }));
  await c.settle();
  await c.advance(120_000);
  assert.equal(await deleting('waits'), false);
});
