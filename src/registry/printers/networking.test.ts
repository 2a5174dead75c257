import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  endpointSlicePrinter, endpointsPrinter, ingressClassPrinter, ingressPrinter, ipAddressPrinter, networkPolicyPrinter,
  serviceCIDRPrinter, servicePrinter,
} from './networking.js';

const now = new Date('2024-05-01T12:00:00Z');
const ago = (minutes: number) => new Date(now.getTime() - minutes * 60_000).toISOString();
const meta = (name: string) => ({ name, namespace: 'default', creationTimestamp: ago(20) });

const serviceCases: Array<[string, any, unknown[]]> = [
  [
    'ClusterIP',
    {
      metadata: meta('api'),
      spec: { type: 'ClusterIP', clusterIP: '10.96.12.7', clusterIPs: ['10.96.12.7'], selector: { app: 'api' },
        ports: [{ name: 'http', port: 80, targetPort: 8080, protocol: 'TCP' }] },
    },
    ['api', 'ClusterIP', '10.96.12.7', '<none>', '80/TCP', '20m', 'app=api'],
  ],
  [
    'NodePort',
    {
      metadata: meta('web'),
      spec: { type: 'NodePort', clusterIPs: ['10.96.0.42'], selector: { app: 'web', tier: 'frontend' }, ports: [
        { name: 'http', port: 80, nodePort: 30080, protocol: 'TCP' },
        { name: 'https', port: 443, nodePort: 30443, protocol: 'TCP' },
      ] },
    },
    ['web', 'NodePort', '10.96.0.42', '<none>', '80:30080/TCP,443:30443/TCP', '20m', 'app=web,tier=frontend'],
  ],
  [
    'LoadBalancer with ingress IPs',
    {
      metadata: meta('edge'),
      spec: { type: 'LoadBalancer', clusterIPs: ['10.96.3.3'], selector: { app: 'edge' }, ports: [
        { port: 443, nodePort: 31443, protocol: 'TCP' }, { port: 53, nodePort: 31053, protocol: 'UDP' },
      ] },
      status: { loadBalancer: { ingress: [{ ip: '203.0.113.20' }, { ip: '203.0.113.10' }, { hostname: 'lb.example.com', ip: '203.0.113.10' }] } },
    },
    ['edge', 'LoadBalancer', '10.96.3.3', '203.0.113.10,203.0.113.20', '443:31443/TCP,53:31053/UDP', '20m', 'app=edge'],
  ],
  [
    'LoadBalancer still pending',
    { metadata: meta('lb'), spec: { type: 'LoadBalancer', clusterIPs: ['10.96.3.4'], ports: [{ port: 80, nodePort: 30001 }] } },
    ['lb', 'LoadBalancer', '10.96.3.4', '<pending>', '80:30001/TCP', '20m', '<none>'],
  ],
  [
    'LoadBalancer with a hostname and external IPs',
    {
      metadata: meta('mixed'),
      spec: { type: 'LoadBalancer', clusterIPs: ['10.96.3.5'], externalIPs: ['198.51.100.1'], ports: [{ port: 80, protocol: 'TCP' }] },
      status: { loadBalancer: { ingress: [{ hostname: 'a1b2.elb.example.com' }] } },
    },
    ['mixed', 'LoadBalancer', '10.96.3.5', 'a1b2.elb.example.com,198.51.100.1', '80/TCP', '20m', '<none>'],
  ],
  [
    'headless ClusterIP with external IPs',
    { metadata: meta('db'), spec: { type: 'ClusterIP', clusterIP: 'None', clusterIPs: ['None'], externalIPs: ['192.0.2.1', '192.0.2.2'], selector: { app: 'db' } } },
    ['db', 'ClusterIP', 'None', '192.0.2.1,192.0.2.2', '<none>', '20m', 'app=db'],
  ],
  [
    'ExternalName',
    { metadata: meta('search'), spec: { type: 'ExternalName', externalName: 'search.example.com' } },
    ['search', 'ExternalName', '<none>', 'search.example.com', '<none>', '20m', '<none>'],
  ],
];

for (const [name, service, expected] of serviceCases) {
  test(`service ${name}`, () => assert.deepEqual(servicePrinter.cells(service, now), expected));
}

test('endpoints list up to three addresses, then + N more...', () => {
  const endpoints = {
    metadata: meta('web'),
    subsets: [{
      addresses: [{ ip: '10.244.1.2' }, { ip: '10.244.2.3' }, { ip: 'fd00::4' }, { ip: '10.244.3.5' }],
      ports: [{ name: 'http', port: 8080, protocol: 'TCP' }, { name: 'metrics', port: 9090, protocol: 'TCP' }],
    }],
  };
  assert.deepEqual(endpointsPrinter.cells(endpoints, now), ['web', '10.244.1.2:8080,10.244.2.3:8080,[fd00::4]:8080 + 5 more...', '20m']);
  assert.deepEqual(endpointsPrinter.cells({ metadata: meta('empty') }, now), ['empty', '<none>', '20m']);
  assert.deepEqual(
    endpointsPrinter.cells({ metadata: meta('headless'), subsets: [{ addresses: [{ ip: '10.0.0.1' }] }] }, now),
    ['headless', '10.0.0.1', '20m'],
  );
});

test('endpoint slices', () => {
  const slice = {
    metadata: meta('web-abc12'),
    addressType: 'IPv4',
    ports: [{ name: 'http', port: 8080, protocol: 'TCP' }, { name: 'named' }, {}],
    endpoints: [{ addresses: ['10.244.1.2'] }, { addresses: ['10.244.2.3'] }, { addresses: ['10.244.3.4'] }, { addresses: ['10.244.4.5'] }],
  };
  assert.deepEqual(endpointSlicePrinter.cells(slice, now), ['web-abc12', 'IPv4', '8080,named,*', '10.244.1.2,10.244.2.3,10.244.3.4 + 1 more...', '20m']);
  assert.deepEqual(endpointSlicePrinter.cells({ metadata: meta('none'), addressType: 'IPv6' }, now), ['none', 'IPv6', '<unset>', '<unset>', '20m']);
});

test('ingresses and ingress classes', () => {
  const ingress = {
    metadata: meta('shop'),
    spec: {
      ingressClassName: 'nginx',
      tls: [{ hosts: ['shop.example.com'], secretName: 'shop-tls' }],
      rules: [{ host: 'shop.example.com' }, {}, { host: 'api.example.com' }, { host: 'admin.example.com' }, { host: 'x.example.com' }],
    },
    status: { loadBalancer: { ingress: [{ ip: '203.0.113.7' }] } },
  };
  assert.deepEqual(ingressPrinter.cells(ingress, now), [
    'shop', 'nginx', 'shop.example.com,api.example.com,admin.example.com + 2 more...', '203.0.113.7', '80, 443', '20m',
  ]);
  assert.deepEqual(ingressPrinter.cells({ metadata: meta('catchall'), spec: { defaultBackend: {} } }, now), [
    'catchall', '<none>', '*', '', '80', '20m',
  ]);
  assert.deepEqual(
    ingressClassPrinter.cells({
      metadata: meta('nginx'),
      spec: { controller: 'k8s.io/ingress-nginx', parameters: { apiGroup: 'k8s.example.com', kind: 'IngressParameters', name: 'external-lb' } },
    }, now),
    ['nginx', 'k8s.io/ingress-nginx', 'IngressParameters.k8s.example.com/external-lb', '20m'],
  );
});

test('network policies, service CIDRs, IP addresses', () => {
  assert.deepEqual(networkPolicyPrinter.cells({ metadata: meta('deny-all'), spec: { podSelector: {} } }, now), ['deny-all', '<none>', '20m']);
  assert.deepEqual(
    networkPolicyPrinter.cells({ metadata: meta('db'), spec: { podSelector: { matchLabels: { role: 'db' } } } }, now),
    ['db', 'role=db', '20m'],
  );
  assert.deepEqual(
    serviceCIDRPrinter.cells({ metadata: meta('kubernetes'), spec: { cidrs: ['10.96.0.0/28', 'fd00:10:96::/112'] } }, now),
    ['kubernetes', '10.96.0.0/28,fd00:10:96::/112', '20m'],
  );
  assert.deepEqual(
    ipAddressPrinter.cells({ metadata: meta('10.96.0.1'), spec: { parentRef: { group: '', resource: 'services', namespace: 'default', name: 'kubernetes' } } }, now),
    ['10.96.0.1', 'services/default/kubernetes'],
  );
  assert.deepEqual(
    ipAddressPrinter.cells({ metadata: meta('10.0.0.9'), spec: { parentRef: { group: 'Gateway.Networking.k8s.io', resource: 'Gateways', name: 'gw' } } }, now),
    ['10.0.0.9', 'gateways.gateway.networking.k8s.io/gw'],
  );
});
