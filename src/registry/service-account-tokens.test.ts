import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { LocalClient } from '../client/local-client.js';
import { FakeClock } from '../machinery/clock.js';
import { createTestApp, type TestApp } from '../testing/test-app.js';

let app: TestApp;
let client: LocalClient;
const clock = new FakeClock();

before(async () => {
  app = await createTestApp({ clock });
  client = new LocalClient(app.registry, app.catalogue, { userAgent: 'test', fieldManager: 'test' });
  await client.resource('', 'v1', 'serviceaccounts').create('default', { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'builder' } });
});

after(() => app.stop());

const issue = async (spec: Record<string, unknown>) =>
  ((await app.registry.serviceAccountTokens!.issue('default', 'builder', { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', spec })).status as { token: string; expirationTimestamp: string });

test('a token is good until it expires (with a minute of leeway), then refused', async () => {
  const { token, expirationTimestamp } = await issue({ expirationSeconds: 600 });
  assert.equal(expirationTimestamp, new Date(clock.now() + 600_000).toISOString().replace(/\.\d{3}Z$/, 'Z'));
  const tokens = app.registry.serviceAccountTokens!;
  const verdict = await tokens.authenticate(token);
  assert.equal('user' in verdict ? verdict.user.username : verdict.error, 'system:serviceaccount:default:builder');
  clock.advance(600_000 + 59_000);
  assert.ok('user' in (await tokens.authenticate(token)));
  clock.advance(2_000);
  assert.deepEqual(await tokens.authenticate(token), { error: 'service account token has expired' });
});

test('audiences: a token for another audience is not accepted by the API, but a review for that audience accepts it', async () => {
  const { token } = await issue({ audiences: ['vault'] });
  const tokens = app.registry.serviceAccountTokens!;
  assert.deepEqual(await tokens.authenticate(token), { error: 'token audiences is invalid' });
  const forVault = await tokens.authenticate(token, ['vault', 'other']);
  assert.ok('audiences' in forVault);
  assert.deepEqual(forVault.audiences, ['vault']);
});

test('binding: to a secret (invalid once the secret goes), never to a kind that cannot be bound', async () => {
  const secret = await client.resource('', 'v1', 'secrets').create('default', { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'holder' } });
  const { token } = await issue({ boundObjectRef: { apiVersion: 'v1', kind: 'Secret', name: 'holder', uid: secret.metadata?.uid } });
  const tokens = app.registry.serviceAccountTokens!;
  assert.ok('user' in (await tokens.authenticate(token)));
  await client.resource('', 'v1', 'secrets').delete('default', 'holder');
  assert.deepEqual(await tokens.authenticate(token), { error: 'service account token has been invalidated' });
  await assert.rejects(issue({ boundObjectRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'x' } }), /cannot bind token to object of type apps\/v1, Kind=Deployment/);
  await assert.rejects(issue({ boundObjectRef: { apiVersion: 'v1', kind: 'Secret', name: 'absent' } }), /secrets "absent" not found/);
});
