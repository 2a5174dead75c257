import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { LocalClient } from '../client/local-client.js';
import { FakeClock } from '../machinery/clock.js';
import { createTestApp, type TestApp } from '../testing/test-app.js';
import { lastUsedLabel, legacyClaims } from './legacy-service-account-tokens.js';

let app: TestApp;
let client: LocalClient;
const clock = new FakeClock(Date.parse('2026-03-01T10:00:00Z'));

before(async () => {
  app = await createTestApp({ clock });
  client = new LocalClient(app.registry, app.catalogue, { userAgent: 'test', fieldManager: 'test' });
});

after(() => app.stop());

const accounts = () => client.resource('', 'v1', 'serviceaccounts');
const secrets = () => client.resource('', 'v1', 'secrets');
const tokens = () => app.registry.serviceAccountTokens!;

/** What the tokens controller does, by hand: an account, a token for it and the Secret holding it. */
async function tokenSecret(sa: string, secret: string): Promise<string> {
  const account = (await accounts().find('default', sa)) ?? (await accounts().create('default', { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: sa } }));
  const token = await tokens().generateLegacyToken({ namespace: 'default', serviceAccountName: sa, serviceAccountUid: account.metadata!.uid!, secretName: secret });
  await secrets().create('default', {
    apiVersion: 'v1',
    kind: 'Secret',
    type: 'kubernetes.io/service-account-token',
    metadata: { name: secret, annotations: { 'kubernetes.io/service-account.name': sa, 'kubernetes.io/service-account.uid': account.metadata!.uid! } },
    data: { token: Buffer.from(token).toString('base64') },
  });
  return token;
}

const payload = (token: string) => JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as Record<string, unknown>;

test('the claims are legacy.go\'s: issuer kubernetes/serviceaccount, sub and four private claims, no times or audience', async () => {
  const claims = legacyClaims({ namespace: 'ns', serviceAccountName: 'ci', serviceAccountUid: 'u-1', secretName: 'ci-token' });
  assert.deepEqual(claims, {
    iss: 'kubernetes/serviceaccount',
    'kubernetes.io/serviceaccount/namespace': 'ns',
    'kubernetes.io/serviceaccount/secret.name': 'ci-token',
    'kubernetes.io/serviceaccount/service-account.name': 'ci',
    'kubernetes.io/serviceaccount/service-account.uid': 'u-1',
    sub: 'system:serviceaccount:ns:ci',
  });
  const signed = await tokens().generateLegacyToken({ namespace: 'ns', serviceAccountName: 'ci', serviceAccountUid: 'u-1', secretName: 'ci-token' });
  assert.deepEqual(payload(signed), claims);
});

test('a legacy token is the service account while its Secret holds it; a use stamps the last-used label once a day', async () => {
  const token = await tokenSecret('builder', 'builder-token');
  const verdict = await tokens().authenticate(token);
  assert.ok('user' in verdict, JSON.stringify(verdict));
  assert.equal(verdict.user.username, 'system:serviceaccount:default:builder');
  assert.deepEqual(verdict.user.groups, ['system:serviceaccounts', 'system:serviceaccounts:default', 'system:authenticated']);
  // Audience-agnostic: good for the API, not for another audience's TokenReview.
  assert.deepEqual(await tokens().authenticate(token, ['vault']), { error: 'token audiences is invalid' });
  const stamped = async () => (await secrets().get('default', 'builder-token')).metadata?.labels?.[lastUsedLabel];
  for (let i = 0; i < 100 && (await stamped()) === undefined; i++) await new Promise((r) => setImmediate(r));
  assert.equal(await stamped(), '2026-03-01');
});

test('refused once the Secret is deleted, holds another token or is marked invalid', async () => {
  const token = await tokenSecret('deployer', 'deployer-token');
  assert.ok('user' in (await tokens().authenticate(token)));
  await secrets().mutate('default', 'deployer-token', (s) => ({ ...s, data: { token: Buffer.from('other').toString('base64') } }));
  assert.deepEqual(await tokens().authenticate(token), { error: "token does not match server's copy" });
  await secrets().mutate('default', 'deployer-token', (s) => ({ ...s, data: { token: Buffer.from(token).toString('base64') }, metadata: { ...s.metadata, labels: { 'kubernetes.io/legacy-token-invalid-since': '2026-02-01' } } }));
  assert.deepEqual(await tokens().authenticate(token), {
    error:
      "the token in secret default/deployer-token for service account default/deployer has been marked invalid. Use tokens from the TokenRequest API or manually created secret-based tokens, or remove the 'kubernetes.io/legacy-token-invalid-since' label from the secret to temporarily allow use of this token",
  });
  await secrets().delete('default', 'deployer-token');
  assert.deepEqual(await tokens().authenticate(token), { error: 'token has been invalidated' });
});

test('a token Secret the account lists in .secrets (auto-generated before 1.24) is accepted with a warning', async () => {
  const token = await tokenSecret('legacy', 'legacy-token-abcde');
  const plain = await tokens().authenticate(token);
  assert.ok('user' in plain && plain.warnings === undefined);
  await accounts().mutate('default', 'legacy', (sa) => ({ ...sa, secrets: [{ name: 'legacy-token-abcde' }] }));
  const verdict = await tokens().authenticate(token);
  assert.ok('user' in verdict);
  assert.deepEqual(verdict.warnings, ['Use tokens from the TokenRequest API or manually created secret-based tokens instead of auto-generated secret-based tokens.']);
});

test('refused once the ServiceAccount is deleted or recreated with another uid', async () => {
  const token = await tokenSecret('runner', 'runner-token');
  const old = await accounts().get('default', 'runner');
  await accounts().delete('default', 'runner');
  assert.deepEqual(await tokens().authenticate(token), { error: 'serviceaccounts "runner" not found' });
  const recreated = await accounts().create('default', { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'runner' } });
  assert.deepEqual(await tokens().authenticate(token), { error: `service account UID (${recreated.metadata?.uid}) does not match claim (${old.metadata?.uid})` });
});

test('a TokenRequest token is refused once its ServiceAccount or bound Pod is deleted or recreated', async () => {
  await accounts().create('default', { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'requester' } });
  const issue = async (spec: Record<string, unknown> = {}) =>
    ((await tokens().issue('default', 'requester', { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', spec })).status as { token: string }).token;
  const token = await issue();
  assert.ok('user' in (await tokens().authenticate(token)));
  await accounts().delete('default', 'requester');
  assert.deepEqual(await tokens().authenticate(token), { error: 'serviceaccounts "requester" not found' });
  await accounts().create('default', { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'requester' } });
  assert.match((await tokens().authenticate(token) as { error: string }).error, /^service account UID \(.+\) does not match claim/);

  const pods = client.resource('', 'v1', 'pods');
  const podSpec = { serviceAccountName: 'requester', containers: [{ name: 'c', image: 'busybox' }] };
  const pod = await pods.create('default', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'holder' }, spec: podSpec });
  const bound = await issue({ boundObjectRef: { apiVersion: 'v1', kind: 'Pod', name: 'holder', uid: pod.metadata?.uid } });
  assert.ok('user' in (await tokens().authenticate(bound)));
  await pods.delete('default', 'holder', { gracePeriodSeconds: 0 });
  const recreatedPod = await pods.create('default', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'holder' }, spec: podSpec });
  assert.deepEqual(await tokens().authenticate(bound), { error: `pod UID (${recreatedPod.metadata?.uid}) does not match service account pod ref claim (${pod.metadata?.uid})` });
});
