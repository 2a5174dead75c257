import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { mergeKubeconfig, renderKubeconfig, writeKubeconfig } from './index.js';

const CA = '-----BEGIN CERTIFICATE-----\nQ0E=\n-----END CERTIFICATE-----\n';
const CERT = '-----BEGIN CERTIFICATE-----\nQ0VSVA==\n-----END CERTIFICATE-----\n';
const KEY = '-----BEGIN PRIVATE KEY-----\nS0VZ\n-----END PRIVATE KEY-----\n';

function decode(data: unknown): string {
  return Buffer.from(String(data), 'base64').toString('utf8');
}

test('renders a kubeconfig with inlined credentials and a "kubemu" context', () => {
  const config = parse(renderKubeconfig({ server: 'https://127.0.0.1:6443', caCertPem: CA, clientCertPem: CERT, clientKeyPem: KEY }));
  assert.equal(config.apiVersion, 'v1');
  assert.equal(config.kind, 'Config');
  assert.equal(config['current-context'], 'kubemu');
  assert.deepEqual(config.contexts, [{ name: 'kubemu', context: { cluster: 'kubemu', user: 'kubemu-admin', namespace: 'default' } }]);
  const [cluster] = config.clusters;
  assert.equal(cluster.name, 'kubemu');
  assert.equal(cluster.cluster.server, 'https://127.0.0.1:6443');
  assert.equal(decode(cluster.cluster['certificate-authority-data']), CA);
  assert.equal(cluster.cluster['insecure-skip-tls-verify'], undefined);
  const [user] = config.users;
  assert.equal(user.name, 'kubemu-admin');
  assert.equal(decode(user.user['client-certificate-data']), CERT);
  assert.equal(decode(user.user['client-key-data']), KEY);
});

test('leaves the CA out for plain HTTP and for insecure TLS', () => {
  const http = parse(renderKubeconfig({ server: 'http://127.0.0.1:8080', caCertPem: CA, token: 'abc', clusterName: 'c', user: 'u' }));
  assert.deepEqual(http.clusters, [{ name: 'c', cluster: { server: 'http://127.0.0.1:8080' } }]);
  assert.deepEqual(http.users, [{ name: 'u', user: { token: 'abc' } }]);
  assert.deepEqual(http.contexts[0].context, { cluster: 'c', user: 'u', namespace: 'default' });

  const insecure = parse(renderKubeconfig({ server: 'https://10.0.0.1:6443', caCertPem: CA, insecure: true }));
  assert.deepEqual(insecure.clusters[0].cluster, { server: 'https://10.0.0.1:6443', 'insecure-skip-tls-verify': true });
  assert.deepEqual(insecure.users[0].user, {});
});

test('merges into an existing kubeconfig without dropping the user\'s entries', () => {
  const existing = [
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    '- name: prod',
    '  cluster: {server: "https://prod:6443"}',
    '- name: kubemu',
    '  cluster: {server: "https://old:1"}',
    'users:',
    '- name: me',
    '  user: {token: t}',
    'contexts:',
    '- name: prod',
    '  context: {cluster: prod, user: me}',
    'current-context: prod',
    'preferences: {colors: true}',
  ].join('\n');
  const merged = parse(mergeKubeconfig(existing, renderKubeconfig({ server: 'https://127.0.0.1:6443', token: 'x' })));
  assert.deepEqual(
    merged.clusters.map((c: { name: string; cluster: { server: string } }) => `${c.name}=${c.cluster.server}`),
    ['prod=https://prod:6443', 'kubemu=https://127.0.0.1:6443'],
  );
  assert.deepEqual(merged.users.map((u: { name: string }) => u.name), ['me', 'kubemu-admin']);
  assert.deepEqual(merged.contexts.map((c: { name: string }) => c.name), ['prod', 'kubemu']);
  assert.equal(merged['current-context'], 'kubemu');
  assert.deepEqual(merged.preferences, { colors: true });
  assert.equal(parse(mergeKubeconfig('', renderKubeconfig({ server: 'http://x' })))['current-context'], 'kubemu');
  assert.throws(() => mergeKubeconfig('- a list', renderKubeconfig({ server: 'http://x' })), /not a YAML mapping/);
});

test('writes the kubeconfig with mode 0600, creating folders and replacing the old file', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'kubemu-kubeconfig-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const path = join(dir, 'a', 'b', 'config');
  await writeKubeconfig(path, 'first');
  await writeFile(join(dir, 'a', 'b', 'unrelated'), 'x', { mode: 0o644 });
  await writeKubeconfig(path, 'second');
  assert.equal(await readFile(path, 'utf8'), 'second');
  assert.equal((await stat(path)).mode & 0o777, 0o600);
  assert.deepEqual((await readdir(join(dir, 'a', 'b'))).sort(), ['config', 'unrelated']);
});
