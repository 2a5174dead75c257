import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Deployment, Pod, ResourceQuota } from '../../machinery/api-types.js';
import { startTestCluster, type TestCluster } from '../../testing/test-cluster.js';
import { fullResyncMs } from './resource-quota-controller.js';

let c: TestCluster;
before(async () => {
  c = await startTestCluster({ controllers: ['resourcequota'] });
});
after(async () => {
  await c.stop();
});

const pods = () => c.client.resource<Pod>('', 'v1', 'pods');
const quotas = () => c.client.resource<ResourceQuota>('', 'v1', 'resourcequotas');

async function namespace(name: string): Promise<string> {
  await c.client.resource('', 'v1', 'namespaces').create(undefined, { metadata: { name } });
  return name;
}

function podBody(name: string, cpu: string, spec: Partial<NonNullable<Pod['spec']>> = {}): Pod {
  return { metadata: { name }, spec: { containers: [{ name: 'c', image: 'x', resources: { requests: { cpu }, limits: { cpu } } }], ...spec } };
}

test('a new quota gets status.hard and status.used counted from what is there', async () => {
  const ns = await namespace('counted');
  await pods().create(ns, podBody('early', '250m'));
  await quotas().create(ns, { metadata: { name: 'compute' }, spec: { hard: { pods: '4', 'requests.cpu': '2', 'limits.memory': '1Gi', 'count/deployments.apps': '2' } } });
  await c.settle();
  const q = await quotas().get(ns, 'compute');
  assert.deepEqual(q.status, {
    hard: { 'count/deployments.apps': '2', 'limits.memory': '1Gi', pods: '4', 'requests.cpu': '2' },
    used: { 'count/deployments.apps': '0', 'limits.memory': '0', pods: '1', 'requests.cpu': '250m' },
  });
  assert.ok(q.metadata!.managedFields!.some((m) => m.manager === 'kube-controller-manager' && m.subresource === 'status'));
});

test('used follows objects as they come, finish and go; a spec change is taken over', async () => {
  const ns = await namespace('follow');
  await quotas().create(ns, { metadata: { name: 'q' }, spec: { hard: { pods: '3', 'requests.cpu': '1', 'count/deployments.apps': '1' } } });
  await c.settle();
  await pods().create(ns, podBody('a', '300m'));
  await pods().create(ns, podBody('b', '300m'));
  await c.client.resource<Deployment>('apps', 'v1', 'deployments').create(ns, {
    metadata: { name: 'web' },
    spec: { selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'x' }] } } },
  });
  await c.settle();
  assert.deepEqual((await quotas().get(ns, 'q')).status!.used, { 'count/deployments.apps': '1', pods: '2', 'requests.cpu': '600m' });

  // A pod that has finished no longer counts against compute quota.
  await pods().mutate(ns, 'a', (p) => ({ ...p, status: { ...p.status, phase: 'Succeeded' } }), 'status');
  await c.settle();
  assert.deepEqual((await quotas().get(ns, 'q')).status!.used, { 'count/deployments.apps': '1', pods: '1', 'requests.cpu': '300m' });
  await pods().delete(ns, 'b');
  await c.settle();
  assert.deepEqual((await quotas().get(ns, 'q')).status!.used, { 'count/deployments.apps': '1', pods: '0', 'requests.cpu': '0' });

  await quotas().mutate(ns, 'q', (q) => ({ ...q, spec: { hard: { pods: '5', 'count/pods': '5' } } }));
  await c.settle();
  assert.deepEqual((await quotas().get(ns, 'q')).status, { hard: { 'count/pods': '5', pods: '5' }, used: { 'count/pods': '1', pods: '0' } });
});

test('a scopeSelector on priority classes counts only the pods it selects', async () => {
  const ns = await namespace('scoped');
  await quotas().create(ns, {
    metadata: { name: 'high' },
    spec: { hard: { pods: '2' }, scopeSelector: { matchExpressions: [{ scopeName: 'PriorityClass', operator: 'In', values: ['high'] }] } },
  });
  await c.settle();
  await c.client.resource('scheduling.k8s.io', 'v1', 'priorityclasses').create(undefined, { metadata: { name: 'high' }, value: 1000 });
  await pods().create(ns, podBody('important', '100m', { priorityClassName: 'high' }));
  await pods().create(ns, podBody('ordinary', '100m'));
  await c.settle();
  assert.deepEqual((await quotas().get(ns, 'high')).status!.used, { pods: '1' });
});

test('an over-count left by a charge the controller never saw is corrected by the periodic recalculation', async () => {
  const ns = await namespace('resync');
  await quotas().create(ns, { metadata: { name: 'q' }, spec: { hard: { 'count/configmaps': '10' } } });
  await c.settle();
  await quotas().mutate(ns, 'q', (q) => ({ ...q, status: { ...q.status, used: { 'count/configmaps': '7' } } }), 'status');
  await c.settle();
  assert.deepEqual((await quotas().get(ns, 'q')).status!.used, { 'count/configmaps': '7' });
  await c.advance(fullResyncMs);
  assert.deepEqual((await quotas().get(ns, 'q')).status!.used, { 'count/configmaps': '0' });
});
