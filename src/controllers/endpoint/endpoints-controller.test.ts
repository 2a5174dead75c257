import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Endpoints, EndpointSlice, Event, Node, Pod, Service } from '../../machinery/api-types.js';
import { startTestCluster, type TestCluster } from '../../testing/test-cluster.js';

let c: TestCluster;
before(async () => {
  c = await startTestCluster({ controllers: ['endpoint', 'endpointslice', 'garbagecollector'] });
  for (const [name, zone] of [['node-a', 'zone-a'], ['node-b', 'zone-b']]) {
    await c.client.resource<Node>('', 'v1', 'nodes').create(undefined, { metadata: { name, labels: { 'topology.kubernetes.io/zone': zone } } });
  }
});
after(async () => {
  await c.stop();
});

const time = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
const pods = () => c.client.resource<Pod>('', 'v1', 'pods');
const services = () => c.client.resource<Service>('', 'v1', 'services');
const endpoints = () => c.client.resource<Endpoints>('', 'v1', 'endpoints');
const slices = () => c.client.resource<EndpointSlice>('discovery.k8s.io', 'v1', 'endpointslices');
const slicesOf = async (ns: string, svc: string) => (await slices().list(ns, { labelSelector: `kubernetes.io/service-name=${svc}` })).items;

/** A pod running on `node` at `ip`, Ready or not, its container declaring port 8080 as "http". */
async function runningPod(ns: string, name: string, labels: Record<string, string>, ip: string, ready: boolean, node = 'node-a'): Promise<Pod> {
  await pods().create(ns, {
    metadata: { name, labels },
    spec: { nodeName: node, containers: [{ name: 'app', image: 'nginx', ports: [{ name: 'http', containerPort: 8080 }] }] },
  });
  return setReady(ns, name, ready, ip);
}

async function setReady(ns: string, name: string, ready: boolean, ip?: string): Promise<Pod> {
  return pods().mutate(ns, name, (p) => ({
    ...p,
    status: {
      ...p.status,
      phase: 'Running',
      podIP: ip ?? p.status?.podIP,
      podIPs: [{ ip: ip ?? p.status?.podIP ?? '' }],
      conditions: [{ type: 'Ready', status: ready ? 'True' : 'False', lastTransitionTime: time(c.clock.now()) }],
    },
  }), 'status');
}

async function service(ns: string, name: string, spec: NonNullable<Service['spec']>, labels?: Record<string, string>): Promise<Service> {
  return services().create(ns, { metadata: { name, labels }, spec });
}

test('a Service with a selector gets Endpoints with ready and not-ready addresses, named ports resolved per pod', async () => {
  const p1 = await runningPod('default', 'web-1', { app: 'web' }, '10.244.1.2', true);
  await runningPod('default', 'web-2', { app: 'web' }, '10.244.1.3', false, 'node-b');
  await runningPod('default', 'other', { app: 'other' }, '10.244.1.9', true);
  const svc = await service('default', 'web', { selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 'http' as unknown as string }] }, { tier: 'front' });
  await c.settle();

  const ep = await endpoints().get('default', 'web');
  assert.deepEqual(ep.metadata!.labels, { tier: 'front' });
  assert.equal(ep.metadata!.annotations!['endpoints.kubernetes.io/last-change-trigger-time'], svc.metadata!.creationTimestamp);
  assert.deepEqual(ep.subsets, [
    {
      addresses: [{ ip: '10.244.1.2', nodeName: 'node-a', targetRef: { kind: 'Pod', namespace: 'default', name: 'web-1', uid: p1.metadata!.uid } }],
      notReadyAddresses: [{ ip: '10.244.1.3', nodeName: 'node-b', targetRef: { kind: 'Pod', namespace: 'default', name: 'web-2', uid: (await pods().get('default', 'web-2')).metadata!.uid } }],
      ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
    },
  ]);
  assert.equal(ep.metadata!.managedFields![0]!.manager, 'kube-controller-manager');

  const [slice, ...more] = await slicesOf('default', 'web');
  assert.equal(more.length, 0);
  assert.match(slice!.metadata!.name!, /^web-[a-z0-9]{5}$/);
  assert.deepEqual(slice!.metadata!.labels, { tier: 'front', 'kubernetes.io/service-name': 'web', 'endpointslice.kubernetes.io/managed-by': 'endpointslice-controller.k8s.io' });
  assert.deepEqual(slice!.metadata!.ownerReferences, [{ apiVersion: 'v1', kind: 'Service', name: 'web', uid: svc.metadata!.uid, controller: true, blockOwnerDeletion: true }]);
  assert.equal(slice!.addressType, 'IPv4');
  assert.deepEqual(slice!.ports, [{ name: 'http', protocol: 'TCP', port: 8080 }]);
  const byName = Object.fromEntries(slice!.endpoints!.map((e) => [e.targetRef!.name, e]));
  assert.deepEqual(byName['web-1'], {
    addresses: ['10.244.1.2'],
    conditions: { ready: true, serving: true, terminating: false },
    targetRef: { kind: 'Pod', namespace: 'default', name: 'web-1', uid: p1.metadata!.uid },
    nodeName: 'node-a',
    zone: 'zone-a',
  });
  assert.deepEqual(byName['web-2']!.conditions, { ready: false, serving: false, terminating: false });
  assert.equal(byName['web-2']!.zone, 'zone-b');
});

test('readiness changes move addresses; a deleted pod leaves; a terminating pod is terminating', async () => {
  c.clock.advance(5_000);
  await setReady('default', 'web-2', true);
  await c.settle();
  let ep = await endpoints().get('default', 'web');
  assert.deepEqual(ep.subsets![0]!.addresses!.map((a) => a.ip), ['10.244.1.2', '10.244.1.3']);
  assert.equal(ep.subsets![0]!.notReadyAddresses, undefined);

  c.clock.advance(5_000);
  await setReady('default', 'web-1', false);
  await c.settle();
  ep = await endpoints().get('default', 'web');
  assert.deepEqual(ep.subsets![0]!.addresses!.map((a) => a.ip), ['10.244.1.3']);
  assert.deepEqual(ep.subsets![0]!.notReadyAddresses!.map((a) => a.ip), ['10.244.1.2']);
  assert.equal(ep.metadata!.annotations!['endpoints.kubernetes.io/last-change-trigger-time'], time(c.clock.now()));

  // Graceful deletion: out of the Endpoints at once, kept in the slice as terminating.
  await pods().delete('default', 'web-1');
  await c.settle();
  ep = await endpoints().get('default', 'web');
  assert.deepEqual(ep.subsets!.flatMap((s) => [...(s.addresses ?? []), ...(s.notReadyAddresses ?? [])]).map((a) => a.ip), ['10.244.1.3']);
  const terminating = (await slicesOf('default', 'web'))[0]!.endpoints!.find((e) => e.targetRef!.name === 'web-1')!;
  assert.deepEqual(terminating.conditions, { ready: false, serving: false, terminating: true });

  // As the kubelet ends a graceful deletion once the containers stopped.
  await pods().mutate('default', 'web-1', (p) => ({ ...p, metadata: { ...p.metadata, finalizers: [] } }));
  await pods().delete('default', 'web-1', { gracePeriodSeconds: 0 });
  await c.settle();
  assert.deepEqual((await slicesOf('default', 'web'))[0]!.endpoints!.map((e) => e.targetRef!.name), ['web-2']);
});

test('a Service selecting nothing has Endpoints without subsets and one empty slice; nothing stale stays', async () => {
  await service('default', 'nobody', { selector: { app: 'nobody' }, ports: [{ port: 80 }] });
  await c.settle();
  const ep = await endpoints().get('default', 'nobody');
  assert.equal(ep.subsets, undefined);
  const placeholder = await slicesOf('default', 'nobody');
  assert.equal(placeholder.length, 1);
  // Empty lists are not stored (as protobuf storage drops them on a real cluster).
  // Go writes the slice's empty lists as null (no omitempty on endpoints and ports).
  assert.deepEqual([placeholder[0]!.endpoints, placeholder[0]!.ports], [null, null]);

  // Pods coming and going: the same slice is reused, then emptied again.
  await runningPod('default', 'nobody-1', { app: 'nobody' }, '10.244.1.20', true);
  await c.settle();
  let now = await slicesOf('default', 'nobody');
  assert.deepEqual(now.map((s) => s.metadata!.name), [placeholder[0]!.metadata!.name]);
  assert.deepEqual(now[0]!.ports, [{ name: '', protocol: 'TCP', port: 80 }]);
  await pods().delete('default', 'nobody-1', { gracePeriodSeconds: 0 });
  await c.settle();
  assert.equal((await endpoints().get('default', 'nobody')).subsets, undefined);
  now = await slicesOf('default', 'nobody');
  assert.equal(now.length, 1);
  assert.deepEqual([now[0]!.endpoints, now[0]!.ports], [null, null]);
});

test('publishNotReadyAddresses makes every address ready; pods without an IP or finished are left out', async () => {
  await pods().create('default', { metadata: { name: 'pending', labels: { app: 'all' } }, spec: { containers: [{ name: 'c', image: 'x' }] } });
  await runningPod('default', 'unready', { app: 'all' }, '10.244.1.30', false);
  await runningPod('default', 'done', { app: 'all' }, '10.244.1.31', false);
  await pods().mutate('default', 'done', (p) => ({ ...p, status: { ...p.status, phase: 'Succeeded' } }), 'status');
  await service('default', 'all', { selector: { app: 'all' }, publishNotReadyAddresses: true, ports: [{ port: 80, targetPort: 8080 as unknown as string }] });
  await c.settle();
  const ep = await endpoints().get('default', 'all');
  assert.deepEqual(ep.subsets!.map((s) => [s.addresses?.map((a) => a.ip), s.notReadyAddresses]), [[['10.244.1.30'], undefined]]);
  const [slice] = await slicesOf('default', 'all');
  assert.deepEqual(slice!.endpoints!.map((e) => e.conditions), [{ ready: true, serving: false, terminating: false }]);
});

test('a named targetPort that a pod does not declare leaves that pod out of that port only', async () => {
  await pods().create('default', {
    metadata: { name: 'alt', labels: { app: 'mixed' } },
    spec: { nodeName: 'node-a', containers: [{ name: 'app', image: 'x', ports: [{ name: 'http', containerPort: 9090 }] }] },
  });
  await setReady('default', 'alt', true, '10.244.1.41');
  await runningPod('default', 'std', { app: 'mixed' }, '10.244.1.40', true);
  await pods().create('default', { metadata: { name: 'none', labels: { app: 'mixed' } }, spec: { nodeName: 'node-a', containers: [{ name: 'app', image: 'x' }] } });
  await setReady('default', 'none', true, '10.244.1.42');
  await service('default', 'mixed', { selector: { app: 'mixed' }, ports: [{ name: 'web', port: 80, targetPort: 'http' as unknown as string }] });
  await c.settle();
  const ep = await endpoints().get('default', 'mixed');
  assert.deepEqual(
    ep.subsets!.map((s) => [s.addresses!.map((a) => a.ip), s.ports]),
    [
      [['10.244.1.40'], [{ name: 'web', port: 8080, protocol: 'TCP' }]],
      [['10.244.1.41'], [{ name: 'web', port: 9090, protocol: 'TCP' }]],
    ],
  );
  // Slices group pods by their resolved ports: three slices, one of them port-less.
  const byPorts = (await slicesOf('default', 'mixed')).map((s) => [JSON.stringify(s.ports ?? []), s.endpoints!.map((e) => e.addresses[0])]).sort();
  assert.deepEqual(byPorts, [
    ['[]', ['10.244.1.42']],
    ['[{"name":"web","protocol":"TCP","port":8080}]', ['10.244.1.40']],
    ['[{"name":"web","protocol":"TCP","port":9090}]', ['10.244.1.41']],
  ]);
});

test('250 pods make three slices of at most 100; relabelling a pod out removes it; deleting the Service removes the rest', async () => {
  await c.client.resource('', 'v1', 'namespaces').create(undefined, { metadata: { name: 'big' } });
  await service('big', 'many', { selector: { app: 'many' }, ports: [{ port: 80 }] });
  for (let i = 0; i < 250; i++) {
    await runningPod('big', `many-${i}`, { app: 'many' }, `10.244.${2 + Math.floor(i / 200)}.${(i % 200) + 2}`, true, i % 2 ? 'node-a' : 'node-b');
  }
  await c.settle();
  let all = await slicesOf('big', 'many');
  assert.deepEqual(all.map((s) => s.endpoints!.length).sort((a, b) => b - a), [100, 100, 50]);
  assert.equal((await endpoints().get('big', 'many')).subsets![0]!.addresses!.length, 250);

  const names = new Set(all.map((s) => s.metadata!.name));
  await pods().mutate('big', 'many-7', (p) => ({ ...p, metadata: { ...p.metadata, labels: { app: 'elsewhere' } } }));
  await c.settle();
  all = await slicesOf('big', 'many');
  assert.equal(all.reduce((n, s) => n + s.endpoints!.length, 0), 249);
  assert.deepEqual(new Set(all.map((s) => s.metadata!.name)), names, 'the same slices, one of them updated');

  await services().delete('big', 'many');
  await c.settle();
  assert.equal(await endpoints().find('big', 'many'), undefined);
  assert.deepEqual(await slicesOf('big', 'many'), []);
});

test('a hand-edited managed slice and a deleted Endpoints are put back', async () => {
  const [slice] = await slicesOf('default', 'web');
  await slices().mutate('default', slice!.metadata!.name!, (s) => ({ ...s, endpoints: [] }));
  await endpoints().delete('default', 'web');
  await c.settle();
  assert.deepEqual((await slicesOf('default', 'web'))[0]!.endpoints!.map((e) => e.addresses[0]), ['10.244.1.3']);
  assert.deepEqual((await endpoints().get('default', 'web')).subsets![0]!.addresses!.map((a) => a.ip), ['10.244.1.3']);
});

test('Services without a selector, headless ones and ExternalName ones', async () => {
  await service('default', 'manual', { ports: [{ port: 80 }] });
  await service('default', 'ext', { type: 'ExternalName', externalName: 'example.com', selector: { app: 'web' } });
  await service('default', 'headless', { clusterIP: 'None', selector: { app: 'web' } });
  await c.settle();
  assert.equal(await endpoints().find('default', 'manual'), undefined);
  assert.equal(await endpoints().find('default', 'ext'), undefined);
  assert.deepEqual(await slicesOf('default', 'manual'), []);
  const headless = await endpoints().get('default', 'headless');
  assert.deepEqual(headless.metadata!.labels, { 'service.kubernetes.io/headless': '' });
  assert.deepEqual(headless.subsets, [{ addresses: [headless.subsets![0]!.addresses![0]!] }]);
  const [slice] = await slicesOf('default', 'headless');
  assert.equal(slice!.metadata!.labels!['service.kubernetes.io/headless'], '');
  assert.equal(slice!.ports, null);
});

test('Topology Aware Hints asked for by annotation, which kubemu does not compute, are a Warning event', async () => {
  await services().create('default', {
    metadata: { name: 'hinted', annotations: { 'service.kubernetes.io/topology-mode': 'Auto' } },
    spec: { selector: { app: 'web' }, ports: [{ port: 80 }] },
  });
  await c.settle();
  const events = (await c.client.resource<Event>('', 'v1', 'events').list('default')).items.filter((e) => e.involvedObject?.name === 'hinted');
  assert.deepEqual(
    events.map((e) => [e.type, e.reason, e.source?.component, e.count]),
    [['Warning', 'TopologyAwareHintsDisabled', 'endpoint-slice-controller', 1]],
  );
});
