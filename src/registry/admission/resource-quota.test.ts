// ResourceQuota and LimitRanger admission through the registry, as every write reaches them (the
// quota's status is set here as the resourcequota controller would set it).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { isApiError } from '../../apierrors/index.js';
import { LocalClient } from '../../client/local-client.js';
import type { LimitRange, Pod, ResourceQuota, Service } from '../../machinery/api-types.js';
import { createTestApp, type TestApp } from '../../testing/test-app.js';

let app: TestApp;
let client: LocalClient;
before(async () => {
  app = await createTestApp();
  await app.registry.pipeline.ready();
  client = new LocalClient(app.registry, app.catalogue, { userAgent: 'test', fieldManager: 'test' });
});
after(async () => {
  await app.stop();
});

const pods = () => client.resource<Pod>('', 'v1', 'pods');
const quotas = () => client.resource<ResourceQuota>('', 'v1', 'resourcequotas');

async function namespace(name: string): Promise<string> {
  await client.resource('', 'v1', 'namespaces').create(undefined, { metadata: { name } });
  return name;
}

/** A quota whose status is counted, as the controller leaves it. */
async function countedQuota(ns: string, name: string, hard: Record<string, string>, used: Record<string, string>, spec: Partial<NonNullable<ResourceQuota['spec']>> = {}): Promise<void> {
  const q = await quotas().create(ns, { metadata: { name }, spec: { hard, ...spec } });
  await quotas().updateStatus(ns, { ...q, status: { hard, used } });
}

function podBody(name: string, resources?: { requests?: Record<string, string>; limits?: Record<string, string> }): Pod {
  return { metadata: { name }, spec: { containers: [{ name: 'nginx', image: 'nginx', resources }] } };
}

function errorOf(result: PromiseSettledResult<unknown>): { code: number; message: string } {
  assert.equal(result.status, 'rejected');
  const err = (result as PromiseRejectedResult).reason;
  assert.ok(isApiError(err), String(err));
  return { code: err.code, message: err.message };
}

test('concurrent creates never both take the last of a quota', async () => {
  const ns = await namespace('race');
  await countedQuota(ns, 'pods', { pods: '2' }, { pods: '0' });
  const results = await Promise.allSettled(Array.from({ length: 6 }, (_, i) => pods().create(ns, podBody(`p${i}`))));
  assert.equal(results.filter((r) => r.status === 'fulfilled').length, 2);
  for (const r of results.filter((x) => x.status === 'rejected')) {
    const e = errorOf(r);
    assert.equal(e.code, 403);
    assert.match(e.message, /^pods "p\d" is forbidden: exceeded quota: pods, requested: pods=1, used: pods=2, limited: pods=2$/);
  }
  assert.equal((await pods().list(ns)).items.length, 2);
  const q = await quotas().get(ns, 'pods');
  assert.deepEqual(q.status, { hard: { pods: '2' }, used: { pods: '2' } });
  assert.ok(q.metadata!.managedFields!.some((m) => m.manager === 'kube-apiserver' && m.subresource === 'status'));
});

test('a refused write changes nothing; a failed or dry-run one charges nothing', async () => {
  const ns = await namespace('faults');
  await countedQuota(ns, 'compute', { pods: '3', 'requests.cpu': '1' }, { pods: '0', 'requests.cpu': '0' });
  await pods().create(ns, podBody('web', { requests: { cpu: '600m' } }));
  const before = await quotas().get(ns, 'compute');
  assert.deepEqual(before.status!.used, { pods: '1', 'requests.cpu': '600m' });

  const [over] = await Promise.allSettled([pods().create(ns, podBody('big', { requests: { cpu: '500m' } }))]);
  assert.equal(errorOf(over!).message, 'pods "big" is forbidden: exceeded quota: compute, requested: requests.cpu=500m, used: requests.cpu=600m, limited: requests.cpu=1');
  assert.equal(await pods().find(ns, 'big'), undefined);
  const [missing] = await Promise.allSettled([pods().create(ns, podBody('bare'))]);
  assert.equal(errorOf(missing!).message, 'pods "bare" is forbidden: failed quota: compute: must specify requests.cpu for: nginx');

  const [again] = await Promise.allSettled([pods().create(ns, podBody('web', { requests: { cpu: '100m' } }))]);
  assert.equal(errorOf(again!).code, 409);
  await pods().create(ns, podBody('dry', { requests: { cpu: '100m' } }), { dryRun: true });
  const after = await quotas().get(ns, 'compute');
  assert.deepEqual(after.status!.used, { pods: '1', 'requests.cpu': '600m' });
});

test('an update that adds usage is charged: a Service turned LoadBalancer', async () => {
  const ns = await namespace('services');
  await countedQuota(ns, 'lb', { services: '5', 'services.loadbalancers': '0' }, { services: '0', 'services.loadbalancers': '0' });
  const services = client.resource<Service>('', 'v1', 'services');
  const svc = await services.create(ns, { metadata: { name: 'web' }, spec: { ports: [{ port: 80 }] } });
  const [turned] = await Promise.allSettled([services.update(ns, { ...svc, spec: { ...svc.spec, type: 'LoadBalancer' } })]);
  assert.equal(
    errorOf(turned!).message,
    'services "web" is forbidden: exceeded quota: lb, requested: services.loadbalancers=1, used: services.loadbalancers=0, limited: services.loadbalancers=0',
  );
  assert.deepEqual((await quotas().get(ns, 'lb')).status!.used, { services: '1', 'services.loadbalancers': '0' });
});

test('LimitRange defaults are applied before the quota judges the pod; its maximum refuses with the real message', async () => {
  const ns = await namespace('limits');
  await client.resource<LimitRange>('', 'v1', 'limitranges').create(ns, {
    metadata: { name: 'defaults' },
    spec: { limits: [{ type: 'Container', default: { cpu: '500m', memory: '256Mi' }, max: { cpu: '1' } }] },
  });
  await countedQuota(ns, 'compute', { 'requests.cpu': '2', 'limits.cpu': '2' }, { 'requests.cpu': '0', 'limits.cpu': '0' });
  const created = await pods().create(ns, podBody('plain'));
  assert.deepEqual(created.spec!.containers[0]!.resources, { limits: { cpu: '500m', memory: '256Mi' }, requests: { cpu: '500m', memory: '256Mi' } });
  assert.equal(created.metadata!.annotations!['kubernetes.io/limit-ranger'], 'LimitRanger plugin set: cpu, memory request for container nginx; cpu, memory limit for container nginx');
  assert.equal(created.status!.qosClass, 'Guaranteed');
  assert.deepEqual((await quotas().get(ns, 'compute')).status!.used, { 'limits.cpu': '500m', 'requests.cpu': '500m' });

  const [tooBig] = await Promise.allSettled([pods().create(ns, podBody('greedy', { limits: { cpu: '2' } }))]);
  assert.deepEqual(errorOf(tooBig!), { code: 403, message: 'pods "greedy" is forbidden: maximum cpu usage per Container is 1, but limit is 2' });
  assert.deepEqual((await quotas().get(ns, 'compute')).status!.used, { 'limits.cpu': '500m', 'requests.cpu': '500m' });
});
