import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Event, Pod, ReplicaSet } from '../../machinery/api-types.js';
import type { PodDisruptionBudget } from '../../machinery/disruption-budget.js';
import { markPodReady } from '../../testing/pod-status.js';
import { startTestCluster, type TestCluster } from '../../testing/test-cluster.js';
import { labelSelectorString } from './expected-pods.js';

let c: TestCluster;
before(async () => {
  c = await startTestCluster({ controllers: ['disruption', 'replicaset'] });
});
after(async () => {
  await c.stop();
});

// IntOrString fields are typed as strings; numbers are what clients send for the int form.
const int = (n: number) => n as unknown as string;
const time = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
const pods = () => c.client.resource<Pod>('', 'v1', 'pods');
const budgets = () => c.client.resource<PodDisruptionBudget>('policy', 'v1', 'poddisruptionbudgets');

async function replicaSet(name: string, replicas: number, ready: number): Promise<Pod[]> {
  await c.client.resource<ReplicaSet>('apps', 'v1', 'replicasets').create('default', {
    metadata: { name },
    spec: { replicas, selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'c', image: 'x' }] } } },
  });
  await c.settle();
  const list = (await pods().list('default', { labelSelector: `app=${name}` })).items;
  for (const p of list.slice(0, ready)) await markPodReady(c.client, p, c.clock.now());
  await c.settle();
  return list;
}

async function budget(name: string, spec: NonNullable<PodDisruptionBudget['spec']>): Promise<PodDisruptionBudget> {
  await budgets().create('default', { metadata: { name }, spec });
  await c.settle();
  return budgets().get('default', name);
}

test('minAvailable as a number counts the selected pods; the status says how many may go', async () => {
  await replicaSet('web', 3, 3);
  const pdb = await budget('web-min', { minAvailable: int(2), selector: { matchLabels: { app: 'web' } } });
  assert.deepEqual(pdb.status, {
    observedGeneration: 1,
    disruptionsAllowed: 1,
    currentHealthy: 3,
    desiredHealthy: 2,
    expectedPods: 3,
    conditions: [{ type: 'DisruptionAllowed', status: 'True', observedGeneration: 1, lastTransitionTime: time(c.clock.now()), reason: 'SufficientPods', message: '' }],
  });
  assert.equal(pdb.metadata!.managedFields!.find((m) => m.subresource === 'status')!.manager, 'kube-controller-manager');
});

test('maxUnavailable and percentages scale with the controller, rounding up', async () => {
  await replicaSet('api', 4, 3);
  const max = await budget('api-max', { maxUnavailable: '50%', selector: { matchLabels: { app: 'api' } } });
  assert.deepEqual([max.status!.expectedPods, max.status!.desiredHealthy, max.status!.currentHealthy, max.status!.disruptionsAllowed], [4, 2, 3, 1]);
  // A pod's changes resync only the first budget selecting it: one budget per pod.
  await budgets().delete('default', 'api-max');
  const min = await budget('api-min', { minAvailable: '75%', selector: { matchLabels: { app: 'api' } } });
  assert.deepEqual([min.status!.expectedPods, min.status!.desiredHealthy, min.status!.disruptionsAllowed], [4, 3, 0]);
  const cond = min.status!.conditions![0]!;
  assert.deepEqual([cond.status, cond.reason], ['False', 'InsufficientPods']);
  // The budgets follow the pods: one more ready is one more disruption allowed.
  const unready = (await pods().list('default', { labelSelector: 'app=api' })).items.find((p) => p.status?.phase !== 'Running')!;
  await markPodReady(c.client, unready, c.clock.now());
  await c.settle();
  assert.equal((await budgets().get('default', 'api-min')).status!.disruptionsAllowed, 1);
});

test('a budget over pods without a controller cannot count them by scale: it allows nothing and says why', async () => {
  for (const name of ['bare-1', 'bare-2']) {
    const p = await pods().create('default', { metadata: { name, labels: { app: 'bare' } }, spec: { containers: [{ name: 'c', image: 'x' }] } });
    await markPodReady(c.client, p, c.clock.now());
  }
  const pdb = await budget('bare', { maxUnavailable: int(1), selector: { matchLabels: { app: 'bare' } } });
  assert.deepEqual([pdb.status!.expectedPods, pdb.status!.currentHealthy, pdb.status!.disruptionsAllowed], [0, 2, 0]);
  const events = (await c.client.resource<Event>('', 'v1', 'events').list('default')).items.filter((e) => e.involvedObject?.name === 'bare');
  const unmanaged = events.find((e) => e.reason === 'UnmanagedPods')!;
  assert.equal(unmanaged.type, 'Warning');
  assert.equal(unmanaged.source?.component, 'controllermanager');
  assert.equal(
    unmanaged.message,
    'Pods selected by this PodDisruptionBudget (selector: &LabelSelector{MatchLabels:map[string]string{app: bare,},MatchExpressions:[]LabelSelectorRequirement{},}) were found to be unmanaged. As a result, the status of the PDB cannot be calculated correctly, which may result in undefined behavior. To account for these pods please set ".spec.minAvailable" field of the PDB to an integer value.',
  );
});

test('a budget selecting nothing says so, and allows nothing', async () => {
  const pdb = await budget('empty', { minAvailable: int(0), selector: { matchLabels: { app: 'none' } } });
  assert.deepEqual([pdb.status!.expectedPods, pdb.status!.disruptionsAllowed], [0, 0]);
  const events = (await c.client.resource<Event>('', 'v1', 'events').list('default')).items.filter((e) => e.involvedObject?.name === 'empty');
  assert.ok(events.some((e) => e.reason === 'NoPods' && e.message === 'No matching pods found' && e.involvedObject?.kind === 'PodDisruptionBudget'));
});

test('an evicted pod stays out of currentHealthy until seen terminating, for two minutes at most', async () => {
  const list = await replicaSet('queue', 3, 3);
  await budget('queue', { minAvailable: int(1), selector: { matchLabels: { app: 'queue' } } });
  const victim = list[0]!.metadata!.name!;
  // As the eviction subresource leaves a budget whose pod is not deleted after all (a finalizer, say).
  await budgets().mutate('default', 'queue', (b) => ({ ...b, status: { ...b.status!, disruptionsAllowed: 1, disruptedPods: { [victim]: time(c.clock.now()) } } }), 'status');
  await c.settle();
  let status = (await budgets().get('default', 'queue')).status!;
  assert.deepEqual([status.currentHealthy, status.disruptionsAllowed, Object.keys(status.disruptedPods ?? {})], [2, 1, [victim]]);
  await c.advance(120_001);
  status = (await budgets().get('default', 'queue')).status!;
  assert.deepEqual([status.currentHealthy, status.disruptionsAllowed, status.disruptedPods], [3, 2, undefined]);
  const notDeleted = (await c.client.resource<Event>('', 'v1', 'events').list('default')).items.find((e) => e.reason === 'NotDeleted')!;
  assert.equal(notDeleted.message, "Pod was expected by PDB default/default to be deleted but it wasn't");
});

test('a stale DisruptionTarget condition turns False after two minutes', async () => {
  const p = await pods().create('default', { metadata: { name: 'spared' }, spec: { containers: [{ name: 'c', image: 'x' }] } });
  await pods().mutate('default', 'spared', (x) => ({ ...x, status: { ...x.status, conditions: [{ type: 'DisruptionTarget', status: 'True', reason: 'EvictionByEvictionAPI', message: 'Eviction API: evicting', lastTransitionTime: time(c.clock.now()) }] } }), 'status');
  await c.settle();
  await c.advance(119_000);
  assert.equal((await pods().get('default', 'spared')).status!.conditions![0]!.status, 'True');
  await c.advance(1_000);
  const cond = (await pods().get('default', 'spared')).status!.conditions![0]!;
  assert.deepEqual([cond.status, cond.reason, cond.message], ['False', undefined, undefined]);
  assert.ok(p);
});

test('selectors print as Go prints them', () => {
  assert.equal(
    labelSelectorString({ matchExpressions: [{ key: 'tier', operator: 'In', values: ['a', 'b'] }] }),
    '&LabelSelector{MatchLabels:map[string]string{},MatchExpressions:[]LabelSelectorRequirement{LabelSelectorRequirement{Key:tier,Operator:In,Values:[a b],},},}',
  );
});
