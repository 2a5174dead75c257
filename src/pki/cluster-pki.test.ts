import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, stat, unlink } from 'node:fs/promises';
import { createServer, request, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TLSSocket } from 'node:tls';
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { clientCertificateIdentity, DEFAULT_SERVER_HOSTS, loadOrCreatePki, renderKubeconfig, writeKubeconfig, type ClusterPki } from './index.js';

const DAY = 86_400_000;

async function tempDir(t: TestContext): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'kubemu-pki-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

function keyUsages(pem: string): number {
  return new x509.X509Certificate(pem).getExtension(x509.KeyUsagesExtension)?.usages ?? 0;
}

function lifetimeDays(cert: X509Certificate): number {
  return (Date.parse(cert.validTo) - Date.parse(cert.validFrom)) / DAY;
}

test('creates a CA, a server certificate and an admin client certificate', async (t) => {
  const dir = await tempDir(t);
  const pki = await loadOrCreatePki(join(dir, 'pki'), { hosts: ['kubemu.example.com', '10.0.0.7'] });
  const ca = new X509Certificate(pki.caCertPem);
  const server = new X509Certificate(pki.serverCertPem);
  const admin = new X509Certificate(pki.adminCertPem);

  assert.equal(ca.ca, true);
  assert.equal(ca.checkIssued(ca), true);
  assert.equal(keyUsages(pki.caCertPem) & x509.KeyUsageFlags.keyCertSign, x509.KeyUsageFlags.keyCertSign);
  assert.ok(Math.abs(lifetimeDays(ca) - 3650) < 1);

  assert.equal(server.ca, false);
  assert.equal(server.issuer, ca.subject);
  assert.equal(server.checkIssued(ca), true);
  assert.equal(server.verify(ca.publicKey), true);
  assert.deepEqual(server.keyUsage, ['1.3.6.1.5.5.7.3.1']);
  assert.equal(keyUsages(pki.serverCertPem), x509.KeyUsageFlags.digitalSignature);
  assert.ok(Math.abs(lifetimeDays(server) - 365) < 1);
  for (const host of [...DEFAULT_SERVER_HOSTS, 'kubemu.example.com']) {
    if (host.includes(':') || /^\d/.test(host)) continue;
    assert.equal(server.checkHost(host), host, host);
  }
  for (const ip of ['127.0.0.1', '::1', '10.0.0.7']) assert.ok(server.checkIP(ip), ip);
  assert.equal(server.checkHost('other.example.com'), undefined);

  assert.equal(admin.checkIssued(ca), true);
  assert.equal(admin.verify(ca.publicKey), true);
  assert.deepEqual(admin.keyUsage, ['1.3.6.1.5.5.7.3.2']);
  assert.deepEqual(clientCertificateIdentity(admin.raw), { user: 'kubemu-admin', groups: ['system:masters'] });

  for (const name of ['ca.key', 'apiserver.key', 'admin.key']) {
    assert.equal((await stat(join(dir, 'pki', name))).mode & 0o777, 0o600, name);
  }
  assert.equal(await readFile(join(dir, 'pki', 'ca.crt'), 'utf8'), pki.caCertPem);
});

test('reuses what still fits and re-issues what does not', async (t) => {
  const dir = await tempDir(t);
  const now = new Date('2030-01-01T00:00:00Z');
  const first = await loadOrCreatePki(dir, { hosts: ['a.example.com'], now });

  assert.deepEqual(await loadOrCreatePki(dir, { hosts: ['a.example.com'], now }), first);
  // Hosts are compared canonically and the defaults are always covered.
  assert.deepEqual(await loadOrCreatePki(dir, { hosts: ['A.EXAMPLE.COM', '0:0::1', 'localhost'], now }), first);

  const moreHosts = await loadOrCreatePki(dir, { hosts: ['a.example.com', 'b.example.com'], now });
  assert.notEqual(moreHosts.serverCertPem, first.serverCertPem);
  assert.notEqual(moreHosts.serverKeyPem, first.serverKeyPem);
  assert.equal(moreHosts.caCertPem, first.caCertPem);
  assert.equal(moreHosts.adminCertPem, first.adminCertPem);
  assert.ok(new X509Certificate(moreHosts.serverCertPem).checkHost('b.example.com'));

  const nearExpiry = await loadOrCreatePki(dir, { hosts: [], now: new Date(now.getTime() + 340 * DAY) });
  assert.equal(nearExpiry.caCertPem, first.caCertPem);
  assert.notEqual(nearExpiry.serverCertPem, moreHosts.serverCertPem);
  assert.notEqual(nearExpiry.adminCertPem, first.adminCertPem);

  const caExpired = await loadOrCreatePki(dir, { hosts: [], now: new Date(now.getTime() + 3700 * DAY) });
  assert.notEqual(caExpired.caCertPem, first.caCertPem);
  const newCa = new X509Certificate(caExpired.caCertPem);
  assert.ok(new X509Certificate(caExpired.serverCertPem).checkIssued(newCa));
  assert.ok(new X509Certificate(caExpired.adminCertPem).verify(newCa.publicKey));
});

test('re-issues a leaf whose key does not match, and refuses a half-present CA', async (t) => {
  const dir = await tempDir(t);
  const first = await loadOrCreatePki(dir, { hosts: [] });
  await unlink(join(dir, 'admin.key'));
  const second = await loadOrCreatePki(dir, { hosts: [] });
  assert.notEqual(second.adminCertPem, first.adminCertPem);
  assert.equal(second.serverCertPem, first.serverCertPem);

  await unlink(join(dir, 'ca.key'));
  await assert.rejects(loadOrCreatePki(dir, { hosts: [] }), /found only one of ca\.crt and ca\.key/);
});

async function listen(t: TestContext, pki: ClusterPki, seen: string[]): Promise<number> {
  const server: Server = createServer(
    { key: pki.serverKeyPem, cert: pki.serverCertPem, ca: pki.caCertPem, requestCert: true, rejectUnauthorized: true },
    (req, res) => {
      const identity = clientCertificateIdentity((req.socket as TLSSocket).getPeerCertificate().raw);
      seen.push(`${req.url} ${identity.user}/${identity.groups.join('+')}`);
      if (req.url === '/healthz') res.end('ok');
      else res.end(JSON.stringify(identity));
    },
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return (server.address() as AddressInfo).port;
}

test('a TLS client trusting the CA and holding the admin certificate is authenticated', async (t) => {
  const pki = await loadOrCreatePki(await tempDir(t), { hosts: [] });
  const seen: string[] = [];
  const port = await listen(t, pki, seen);
  const body = await new Promise<string>((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, path: '/whoami', ca: pki.caCertPem, cert: pki.adminCertPem, key: pki.adminKeyPem, agent: false },
      (res) => {
        let text = '';
        res.on('data', (chunk: Buffer) => (text += chunk.toString()));
        res.on('end', () => resolve(text));
      },
    );
    req.on('error', reject);
    req.end();
  });
  assert.deepEqual(JSON.parse(body), { user: 'kubemu-admin', groups: ['system:masters'] });
  assert.deepEqual(seen, ['/whoami kubemu-admin/system:masters']);
});

test('the real kubectl accepts the kubeconfig, CA and client certificate', async (t) => {
  const dir = await tempDir(t);
  const pki = await loadOrCreatePki(join(dir, 'pki'), { hosts: [] });
  const seen: string[] = [];
  const port = await listen(t, pki, seen);
  const kubeconfig = join(dir, 'home', '.kube', 'config');
  await writeKubeconfig(
    kubeconfig,
    renderKubeconfig({ server: `https://127.0.0.1:${port}`, caCertPem: pki.caCertPem, clientCertPem: pki.adminCertPem, clientKeyPem: pki.adminKeyPem }),
  );
  const result = await new Promise<{ error: (Error & { code?: unknown }) | null; stdout: string; stderr: string }>((resolve) => {
    execFile(
      'kubectl',
      ['--kubeconfig', kubeconfig, 'get', '--raw', '/healthz'],
      { env: { PATH: process.env['PATH'] ?? '', HOME: join(dir, 'home') }, timeout: 20_000 },
      (error, stdout, stderr) => resolve({ error, stdout, stderr }),
    );
  });
  if (result.error?.code === 'ENOENT') {
    t.skip('kubectl is not on the PATH');
    return;
  }
  assert.equal(result.error, null, result.stderr);
  assert.equal(result.stdout.trim(), 'ok');
  assert.ok(seen.includes('/healthz kubemu-admin/system:masters'), seen.join('; '));
});
