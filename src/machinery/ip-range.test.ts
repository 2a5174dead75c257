import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseClusterConfig } from './cluster-config.js';
import { numberToIPv4, parseIPv4Range } from './ip-range.js';

test('IPv4 ranges as first-last or CIDR; anything else says what is wrong', () => {
  const range = (text: string) => {
    const r = parseIPv4Range(text);
    return r instanceof Error ? r.message : [numberToIPv4(r.first), numberToIPv4(r.last)];
  };
  assert.deepEqual(range('172.18.255.200-172.18.255.250'), ['172.18.255.200', '172.18.255.250']);
  assert.deepEqual(range('172.18.255.17/28'), ['172.18.255.16', '172.18.255.31']);
  assert.deepEqual(range('10.0.0.9-10.0.0.1'), '"10.0.0.9-10.0.0.1" ends before it starts');
  assert.deepEqual(range('fd00::/64'), '"fd00::/64" is not an IPv4 CIDR');
  assert.deepEqual(range('example'), '"example" is neither "first-last" nor a CIDR');
});

test('--config loadBalancer.ipRange is checked when the file is read', () => {
  assert.equal(parseClusterConfig(undefined).loadBalancer.ipRange, '172.18.255.200-172.18.255.250');
  assert.equal(parseClusterConfig({ loadBalancer: { ipRange: '192.168.50.0/24' } }).loadBalancer.ipRange, '192.168.50.0/24');
  assert.throws(() => parseClusterConfig({ loadBalancer: { ipRange: '300.0.0.1-300.0.0.2' } }), /^Error: loadBalancer.ipRange: "300.0.0.1-300.0.0.2" is not a range of IPv4 addresses$/);
  assert.throws(() => parseClusterConfig({ loadBalancer: { pool: 'x' } }), /loadBalancer.pool: unknown field \(known: ipRange\)/);
});
