import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { EndpointSubset } from '../../machinery/api-types.js';
import { repackSubsets, truncateSubsets } from './endpoint-subsets.js';

const a = (ip: string, uid = ip) => ({ ip, targetRef: { kind: 'Pod', uid } });

test('repacking groups ports that share the same addresses, and addresses that share the same ports', () => {
  const subsets: EndpointSubset[] = [
    { addresses: [a('10.0.0.2')], ports: [{ name: 'http', port: 80 }] },
    { addresses: [a('10.0.0.2')], ports: [{ name: 'metrics', port: 9090 }] },
    { addresses: [a('10.0.0.1')], ports: [{ name: 'http', port: 80 }] },
    { notReadyAddresses: [a('10.0.0.3')], ports: [{ name: 'http', port: 80 }] },
  ];
  assert.deepEqual(repackSubsets(subsets), [
    { addresses: [a('10.0.0.1'), a('10.0.0.2')], notReadyAddresses: [a('10.0.0.3')], ports: [{ name: 'http', port: 80 }] },
    { addresses: [a('10.0.0.2')], ports: [{ name: 'metrics', port: 9090 }] },
  ]);
});

test('an address not ready on a port in any subset is not ready on it', () => {
  const subsets: EndpointSubset[] = [
    { addresses: [a('10.0.0.1')], ports: [{ port: 80 }] },
    { notReadyAddresses: [a('10.0.0.1')], ports: [{ port: 80 }] },
  ];
  assert.deepEqual(repackSubsets(subsets), [{ notReadyAddresses: [a('10.0.0.1')], ports: [{ port: 80 }] }]);
});

test('over 1,000 addresses, not-ready ones are cut first, in proportion per subset', () => {
  const many = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => a(`${prefix}.${i}`));
  const subsets: EndpointSubset[] = [
    { addresses: many('10.1', 600), notReadyAddresses: many('10.2', 300), ports: [{ port: 80 }] },
    { addresses: many('10.3', 200), notReadyAddresses: many('10.4', 100), ports: [{ port: 81 }] },
  ];
  assert.equal(truncateSubsets(subsets), true);
  assert.deepEqual(subsets.map((s) => [s.addresses!.length, s.notReadyAddresses!.length]), [[600, 150], [200, 50]]);
  assert.equal(truncateSubsets([{ addresses: many('10.5', 1000) }]), false);
});
