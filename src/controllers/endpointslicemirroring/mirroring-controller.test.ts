import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Endpoints, EndpointSlice, Event, Service } from '../../machinery/api-types.js';
import { startTestCluster, type TestCluster } from '../../testing/test-cluster.js';
import { mirrorEndpoints } from './mirror-reconciler.js';

let c: TestCluster;
before(async () => {
  c = await startTestCluster({ controllers: ['endpointslicemirroring', 'endpoint', 'endpointslice'] });
});
after(async () => {
  await c.stop();
});

const services = () => c.client.resource<Service>('', 'v1', 'services');
const endpoints = () => c.client.resource<Endpoints>('', 'v1', 'endpoints');
const slices = () => c.client.resource<EndpointSlice>('discovery.k8s.io', 'v1', 'endpointslices');
const slicesOf = async (svc: string) => (await slices().list('default', { labelSelector: `kubernetes.io/service-name=${svc}` })).items;

test('hand-made Endpoints of a selector-less Service are mirrored into an EndpointSlice, and follow its changes', async () => {
  await services().create('default', { metadata: { name: 'db' }, spec: { ports: [{ name: 'pg', port: 5432 }] } });
  const ep = await endpoints().create('default', {
    metadata: { name: 'db', labels: { team: 'data' }, annotations: { note: 'external', 'kubectl.kubernetes.io/last-applied-configuration': '{}' } },
    subsets: [{ addresses: [{ ip: '192.168.10.5' }], notReadyAddresses: [{ ip: '192.168.10.6', hostname: 'standby' }], ports: [{ name: 'pg', port: 5432 }] }],
  });
  await c.settle();
  const [slice, ...more] = await slicesOf('db');
  assert.equal(more.length, 0);
  assert.match(slice!.metadata!.name!, /^db-[a-z0-9]{5}$/);
  assert.deepEqual(slice!.metadata!.labels, { team: 'data', 'kubernetes.io/service-name': 'db', 'endpointslice.kubernetes.io/managed-by': 'endpointslicemirroring-controller.k8s.io' });
  assert.deepEqual(slice!.metadata!.annotations, { note: 'external' });
  assert.deepEqual(slice!.metadata!.ownerReferences, [{ apiVersion: 'v1', kind: 'Endpoints', name: 'db', uid: ep.metadata!.uid, controller: true, blockOwnerDeletion: true }]);
  assert.equal(slice!.addressType, 'IPv4');
  assert.deepEqual(slice!.ports, [{ name: 'pg', protocol: 'TCP', port: 5432 }]);
  assert.deepEqual(slice!.endpoints, [
    { addresses: ['192.168.10.5'], conditions: { ready: true } },
    { addresses: ['192.168.10.6'], conditions: { ready: false }, hostname: 'standby' },
  ]);

  await endpoints().mutate('default', 'db', (e) => ({ ...e, subsets: [{ addresses: [{ ip: '192.168.10.7' }], ports: [{ name: 'pg', port: 5432 }] }] }));
  await c.settle();
  const after = await slicesOf('db');
  assert.deepEqual(after.map((s) => [s.metadata!.name, s.endpoints!.map((e) => e.addresses[0])]), [[slice!.metadata!.name, ['192.168.10.7']]]);

  // The Service gaining a selector hands its slices over to the EndpointSlice controller.
  await services().mutate('default', 'db', (s) => ({ ...s, spec: { ...s.spec, selector: { app: 'db' } } }));
  await c.settle();
  const managers = (await slicesOf('db')).map((s) => s.metadata!.labels!['endpointslice.kubernetes.io/managed-by']);
  assert.deepEqual(managers, ['endpointslice-controller.k8s.io']);
});

test('the API server\'s default/kubernetes Endpoints (skip-mirror) and Endpoints without a Service are not mirrored', async () => {
  await services().create('default', { metadata: { name: 'kubernetes' }, spec: { ports: [{ name: 'https', port: 443, targetPort: 6443 as unknown as string }] } });
  await endpoints().create('default', {
    metadata: { name: 'kubernetes', labels: { 'endpointslice.kubernetes.io/skip-mirror': 'true' } },
    subsets: [{ addresses: [{ ip: '172.18.0.2' }], ports: [{ name: 'https', port: 6443 }] }],
  });
  await slices().create('default', {
    metadata: { name: 'kubernetes', labels: { 'kubernetes.io/service-name': 'kubernetes' } },
    addressType: 'IPv4',
    endpoints: [{ addresses: ['172.18.0.2'], conditions: { ready: true } }],
    ports: [{ name: 'https', port: 6443, protocol: 'TCP' }],
  });
  await endpoints().create('default', { metadata: { name: 'orphan' }, subsets: [{ addresses: [{ ip: '10.0.0.1' }], ports: [{ port: 80 }] }] });
  await c.settle();
  assert.deepEqual((await slicesOf('kubernetes')).map((s) => s.metadata!.name), ['kubernetes']);
  assert.deepEqual(await slicesOf('orphan'), []);
  // The endpoints controller leaves both alone too: no selector.
  assert.deepEqual((await endpoints().get('default', 'kubernetes')).subsets![0]!.addresses, [{ ip: '172.18.0.2' }]);
});

test('deleting the Endpoints removes the mirrored slices; invalid and surplus addresses are reported', async () => {
  await services().create('default', { metadata: { name: 'ext' }, spec: { ports: [{ port: 80 }] } });
  await endpoints().create('default', { metadata: { name: 'ext' }, subsets: [{ addresses: [{ ip: '10.1.0.1' }, { ip: 'not-an-ip' }], ports: [{ port: 80 }] }] });
  await c.settle();
  assert.equal((await slicesOf('ext'))[0]!.endpoints!.length, 1);
  const events = (await c.client.resource<Event>('', 'v1', 'events').list('default')).items.filter((e) => e.involvedObject?.name === 'ext');
  const invalid = events.find((e) => e.reason === 'InvalidIPAddress')!;
  assert.deepEqual([invalid.type, invalid.message, invalid.source?.component], ['Warning', 'Skipped 1 invalid IP addresses when mirroring to EndpointSlices', 'endpoint-slice-mirroring-controller']);
  await endpoints().delete('default', 'ext');
  await c.settle();
  assert.deepEqual(await slicesOf('ext'), []);
});

test('at most 1,000 addresses of a subset are mirrored, in one slice per subset port set and address type', () => {
  const addresses = Array.from({ length: 1005 }, (_, i) => ({ ip: `10.9.${Math.floor(i / 250)}.${i % 250}` }));
  const plan = mirrorEndpoints(
    { metadata: { name: 'wide', namespace: 'default', uid: 'u' }, subsets: [{ addresses, ports: [{ port: 80 }] }, { addresses: [{ ip: 'fd00::1' }], ports: [{ port: 80 }] }] },
    [],
  );
  assert.deepEqual(plan.create.map((s) => [s.addressType, s.endpoints!.length]), [['IPv4', 1000], ['IPv6', 1]]);
  assert.equal(plan.skippedAddresses, 5);
  assert.equal(plan.invalidAddresses, 0);
});
