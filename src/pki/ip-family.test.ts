import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isIP } from 'node:net';
import { ipFamily } from './ip-family.js';

test('ipFamily answers as net.isIP does', () => {
  const hosts = ['localhost', '127.0.0.1', '10.0.0.7', '::1', '::', 'fe80::1:2', '::ffff:10.1.2.3', 'fe80::1%eth0', 'kubernetes.default.svc', 'foo:bar', '1.2.3', '01.2.3.4', '256.1.1.1', '1.2.3.4 ', '', '2001:db8::g', '1:2:3:4:5:6:7:8', '1:2:3:4:5:6:7:8:9'];
  for (const host of hosts) assert.equal(ipFamily(host), isIP(host), JSON.stringify(host));
});
