import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { LocalClient } from '../../client/local-client.js';
import type { KubeObject } from '../../machinery/object.js';
import { createTestApp, type TestApp } from '../../testing/test-app.js';
import { advertiseAddress } from './advertise-address.js';
import { startApiserverEndpoints } from './apiserver-endpoints.js';

let t: TestApp;
let client: LocalClient;
let reconciler: { synced: Promise<void>; stop(): void };

before(async () => {
  t = await createTestApp();
  client = new LocalClient(t.registry, t.catalogue, { userAgent: 'kube-apiserver' });
  reconciler = startApiserverEndpoints({ client, clock: t.clock, serviceIP: t.registry.serviceAllocator.firstIP(), address: '10.1.2.3', port: 7443, intervalMs: 10_000 });
  await reconciler.synced;
});
after(async () => {
  reconciler.stop();
  await t.stop();
});

const services = () => client.resource('', 'v1', 'services');
const endpoints = () => client.resource('', 'v1', 'endpoints');
const slices = () => client.resource('discovery.k8s.io', 'v1', 'endpointslices');

/** Runs the next periodic check to its end. */
async function nextCheck(): Promise<void> {
  t.clock.advance(10_000);
  for (let i = 0; i < 50; i++) await new Promise((r) => setImmediate(r));
}

test('default/kubernetes is on the first cluster IP, port 443 to the port served on', async () => {
  const svc = await services().get('default', 'kubernetes');
  const spec = svc.spec as { clusterIP: string; ports: { name: string; port: number; protocol: string; targetPort: number }[] };
  assert.equal(spec.clusterIP, '10.96.0.1');
  assert.deepEqual(spec.ports, [{ name: 'https', port: 443, protocol: 'TCP', targetPort: 7443 }]);
  assert.deepEqual(svc.metadata?.labels, { component: 'apiserver', provider: 'kubernetes' });
  assert.equal(svc.metadata?.managedFields?.[0]?.manager, 'kube-apiserver');
});

test('its Endpoints and EndpointSlice hold the advertised address and port', async () => {
  const ep = await endpoints().get('default', 'kubernetes');
  assert.deepEqual(ep.subsets, [{ addresses: [{ ip: '10.1.2.3' }], ports: [{ name: 'https', port: 7443, protocol: 'TCP' }] }]);
  assert.deepEqual(ep.metadata?.labels, { 'endpointslice.kubernetes.io/skip-mirror': 'true' });
  const slice = (await slices().get('default', 'kubernetes')) as KubeObject & { addressType: string; endpoints: unknown; ports: unknown };
  assert.equal(slice.addressType, 'IPv4');
  assert.deepEqual(slice.endpoints, [{ addresses: ['10.1.2.3'], conditions: { ready: true } }]);
  assert.deepEqual(slice.ports, [{ name: 'https', port: 7443, protocol: 'TCP' }]);
  assert.deepEqual(slice.metadata?.labels, { 'kubernetes.io/service-name': 'kubernetes' });
});

test('deleted or edited, they are put back at the next check; unchanged, they are not written', async () => {
  await endpoints().delete('default', 'kubernetes');
  await slices().mutate('default', 'kubernetes', (s) => ({ ...s, endpoints: [{ addresses: ['10.9.9.9'] }] }));
  await services().mutate('default', 'kubernetes', (s) => ({ ...s, spec: { ...(s.spec as object), ports: [{ name: 'https', port: 443, protocol: 'TCP', targetPort: 1 }] } }));
  await nextCheck();
  assert.deepEqual((await endpoints().get('default', 'kubernetes')).subsets, [{ addresses: [{ ip: '10.1.2.3' }], ports: [{ name: 'https', port: 7443, protocol: 'TCP' }] }]);
  assert.deepEqual((await slices().get('default', 'kubernetes') as { endpoints: unknown }).endpoints, [{ addresses: ['10.1.2.3'], conditions: { ready: true } }]);
  assert.equal(((await services().get('default', 'kubernetes')).spec as { ports: { targetPort: number }[] }).ports[0]!.targetPort, 7443);

  const before = (await slices().get('default', 'kubernetes')).metadata?.resourceVersion;
  await nextCheck();
  assert.equal((await slices().get('default', 'kubernetes')).metadata?.resourceVersion, before);
});

test('the advertised address: given, else a specific host, else the first external IPv4 interface', () => {
  const interfaces = {
    lo: [{ address: '127.0.0.1', family: 'IPv4', internal: true }],
    eth0: [
      { address: 'fe80::1', family: 'IPv6', internal: false },
      { address: '192.168.5.7', family: 'IPv4', internal: false },
    ],
  } as unknown as Parameters<typeof advertiseAddress>[2];
  assert.equal(advertiseAddress('10.0.0.5', '127.0.0.1', interfaces), '10.0.0.5');
  assert.equal(advertiseAddress(undefined, '172.17.0.2', interfaces), '172.17.0.2');
  assert.equal(advertiseAddress(undefined, '127.0.0.1', interfaces), '192.168.5.7');
  assert.equal(advertiseAddress(undefined, '0.0.0.0', interfaces), '192.168.5.7');
  assert.equal(advertiseAddress(undefined, 'localhost', { lo: interfaces!.lo }), undefined);
});
