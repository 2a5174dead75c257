import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { LocalClient } from '../../client/local-client.js';
import type { Secret } from '../../machinery/api-types.js';
import { startTestCluster, type TestCluster } from '../../testing/test-cluster.js';

let t: TestCluster;
let client: LocalClient;
const caPem = '-----BEGIN CERTIFICATE-----\nfake\n-----END CERTIFICATE-----\n';

before(async () => {
  t = await startTestCluster({ controllers: ['serviceaccount-token'], rootCaPem: caPem });
  client = t.client;
});
after(async () => {
  await t.stop();
});

const accounts = () => client.resource('', 'v1', 'serviceaccounts');
const secrets = () => client.resource<Secret>('', 'v1', 'secrets');
const b64 = (s: string) => Buffer.from(s).toString('base64');

async function tokenSecret(name: string, sa: string, uid?: string): Promise<void> {
  await secrets().create('default', {
    apiVersion: 'v1',
    kind: 'Secret',
    type: 'kubernetes.io/service-account-token',
    metadata: { name, annotations: { 'kubernetes.io/service-account.name': sa, ...(uid ? { 'kubernetes.io/service-account.uid': uid } : {}) } },
  });
}

test('a token Secret is filled: the account uid annotation, token, ca.crt and namespace; the token authenticates', async () => {
  const sa = await accounts().create('default', { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'ci' } });
  await tokenSecret('ci-token', 'ci');
  await t.settle();
  const filled = await secrets().get('default', 'ci-token');
  assert.equal(filled.metadata?.annotations?.['kubernetes.io/service-account.uid'], sa.metadata?.uid);
  assert.equal(filled.data?.['ca.crt'], b64(caPem));
  assert.equal(filled.data?.namespace, b64('default'));
  const token = Buffer.from(filled.data!.token!, 'base64').toString();
  const verdict = await t.registry.serviceAccountTokens!.authenticate(token);
  assert.ok('user' in verdict, JSON.stringify(verdict));
  assert.equal(verdict.user.username, 'system:serviceaccount:default:ci');
  // Its writes are kube-controller-manager's own (the root credentials upstream gives it).
  assert.ok(filled.metadata?.managedFields?.some((f) => f.manager === 'kube-controller-manager' && f.operation === 'Update'));
});

test('a token Secret naming a missing account, or another uid of it, is deleted; a filled one stays as it is', async () => {
  await accounts().create('default', { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'present' } });
  await tokenSecret('for-nobody', 'nobody');
  await tokenSecret('stale-uid', 'present', 'not-its-uid');
  await secrets().create('default', { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'opaque', annotations: { 'kubernetes.io/service-account.name': 'nobody' } } });
  await t.settle();
  assert.equal(await secrets().find('default', 'for-nobody'), undefined);
  assert.equal(await secrets().find('default', 'stale-uid'), undefined);
  assert.ok(await secrets().find('default', 'opaque'));
  const before = (await secrets().get('default', 'ci-token')).data?.token;
  await secrets().mutate('default', 'ci-token', (s) => ({ ...s, metadata: { ...s.metadata, labels: { touched: 'yes' } } }));
  await t.settle();
  assert.equal((await secrets().get('default', 'ci-token')).data?.token, before);
});

test("deleting a ServiceAccount deletes its token Secrets (not another account's); one made again under the name keeps its own", async () => {
  await accounts().create('default', { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'temp' } });
  await tokenSecret('temp-token', 'temp');
  await t.settle();
  assert.ok((await secrets().get('default', 'temp-token')).data?.token);
  await accounts().delete('default', 'temp');
  await t.settle();
  assert.equal(await secrets().find('default', 'temp-token'), undefined);
  assert.ok(await secrets().find('default', 'ci-token'));

  await accounts().create('default', { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'temp' } });
  await tokenSecret('temp-token-2', 'temp');
  await t.settle();
  assert.ok((await secrets().get('default', 'temp-token-2')).data?.token);
});
