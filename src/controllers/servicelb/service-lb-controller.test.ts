import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Event, Service } from '../../machinery/api-types.js';
import { defaultClusterConfig } from '../../machinery/cluster-config.js';
import { parseIPv4Range } from '../../machinery/ip-range.js';
import { startTestCluster, type TestCluster } from '../../testing/test-cluster.js';
import { chooseAddress } from './service-lb-controller.js';

let c: TestCluster;
before(async () => {
  const cluster = { ...defaultClusterConfig(0), loadBalancer: { ipRange: '172.18.255.200-172.18.255.201' } };
  c = await startTestCluster({ controllers: ['service-lb'], cluster });
});
after(async () => {
  await c.stop();
});

const services = () => c.client.resource<Service>('', 'v1', 'services');
const events = async (name: string) => (await c.client.resource<Event>('', 'v1', 'events').list('default')).items.filter((e) => e.involvedObject?.name === name);

test('a LoadBalancer Service gets the cleanup finalizer and an ingress IP from the range, as cloud-provider-kind reports it', async () => {
  await services().create('default', { metadata: { name: 'lb1' }, spec: { type: 'LoadBalancer', selector: { app: 'x' }, ports: [{ name: 'http', port: 80 }, { name: 'dns', port: 53, protocol: 'UDP' }] } });
  await c.settle();
  const svc = await services().get('default', 'lb1');
  assert.deepEqual(svc.metadata!.finalizers, ['service.kubernetes.io/load-balancer-cleanup']);
  assert.deepEqual(svc.status!.loadBalancer, {
    ingress: [{ ip: '172.18.255.200', ipMode: 'Proxy', ports: [{ port: 80, protocol: 'TCP' }, { port: 53, protocol: 'UDP' }] }],
  });
  const seen = (await events('lb1')).map((e) => [e.reason, e.message, e.source?.component]);
  assert.deepEqual(seen, [
    ['EnsuringLoadBalancer', 'Ensuring load balancer', 'service-controller'],
    ['EnsuredLoadBalancer', 'Ensured load balancer', 'service-controller'],
  ]);
});

test('addresses are unique; an exhausted range is a Warning until an address is released', async () => {
  await services().create('default', { metadata: { name: 'lb2' }, spec: { type: 'LoadBalancer', ports: [{ port: 80 }] } });
  await services().create('default', { metadata: { name: 'lb3' }, spec: { type: 'LoadBalancer', ports: [{ port: 80 }] } });
  await c.settle();
  assert.equal((await services().get('default', 'lb2')).status!.loadBalancer!.ingress![0]!.ip, '172.18.255.201');
  assert.equal((await services().get('default', 'lb3')).status!.loadBalancer!.ingress, undefined);
  const failed = (await events('lb3')).find((e) => e.reason === 'SyncLoadBalancerFailed')!;
  assert.equal(failed.type, 'Warning');
  assert.equal(failed.message, 'Error syncing load balancer: failed to ensure load balancer: no free IP address in the load-balancer range 172.18.255.200-172.18.255.201');

  // lb1 becomes a ClusterIP Service: its address is released, its status and finalizer go.
  await services().mutate('default', 'lb1', (s) => {
    const { allocateLoadBalancerNodePorts: _a, externalTrafficPolicy: _e, ...spec } = s.spec!;
    return { ...s, spec: { ...spec, type: 'ClusterIP', ports: spec.ports!.map(({ nodePort: _n, ...p }) => p) } };
  });
  await c.settle();
  const lb1 = await services().get('default', 'lb1');
  assert.deepEqual([lb1.metadata!.finalizers, lb1.status!.loadBalancer], [undefined, {}]);
  assert.ok((await events('lb1')).some((e) => e.reason === 'Type' && e.message === 'LoadBalancer -> ClusterIP'));
  assert.ok((await events('lb1')).some((e) => e.reason === 'DeletedLoadBalancer'));
  assert.equal((await services().get('default', 'lb3')).status!.loadBalancer!.ingress![0]!.ip, '172.18.255.200');
});

test('deleting a LoadBalancer Service waits for the finalizer, which the controller removes', async () => {
  await services().delete('default', 'lb2');
  await c.settle();
  assert.equal(await services().find('default', 'lb2'), undefined);
  assert.ok((await events('lb2')).some((e) => e.reason === 'DeletingLoadBalancer'));
});

test('a loadBalancerClass names another controller: no address from this one', async () => {
  await services().create('default', { metadata: { name: 'other' }, spec: { type: 'LoadBalancer', loadBalancerClass: 'example.com/lb', ports: [{ port: 80 }] } });
  await c.settle();
  const svc = await services().get('default', 'other');
  assert.deepEqual([svc.metadata!.finalizers, svc.status!.loadBalancer], [undefined, {}]);
});

test('chooseAddress keeps a valid address, honours loadBalancerIP, refuses a taken one', () => {
  const range = parseIPv4Range('10.0.0.0/30') as { first: number; last: number };
  const svc = (status?: string, requested?: string): Service => ({
    spec: { type: 'LoadBalancer', loadBalancerIP: requested },
    status: status ? { loadBalancer: { ingress: [{ ip: status }] } } : {},
  });
  const used = new Map([['10.0.0.0', 'default/a']]);
  assert.equal(chooseAddress(svc(), range, used), '10.0.0.1');
  assert.equal(chooseAddress(svc('10.0.0.3'), range, used), '10.0.0.3');
  assert.equal(chooseAddress(svc('10.0.0.0'), range, used), '10.0.0.1');
  assert.equal(chooseAddress(svc(undefined, '192.0.2.9'), range, used), '192.0.2.9');
  assert.equal(String(chooseAddress(svc(undefined, '10.0.0.0'), range, used)), 'Error: the requested loadBalancerIP 10.0.0.0 is already allocated to Service default/a');
});
