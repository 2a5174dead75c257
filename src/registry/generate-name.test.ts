import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { LocalClient } from '../client/local-client.js';
import { createTestApp, type TestApp } from '../testing/test-app.js';

// The suffixes come from this scripted randomness: 0 spells "bbbbb", 0.5 another suffix.
const script: number[] = [];
let app: TestApp;
let client: LocalClient;

before(async () => {
  app = await createTestApp({ random: () => script.shift() ?? 0 });
  client = new LocalClient(app.registry, app.catalogue, { userAgent: 'test', fieldManager: 'test' });
});
after(() => app.stop());

const create = () => client.resource('', 'v1', 'configmaps').create('default', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { generateName: 'cfg-' } });

test('a generated name that is taken is generated again (RetryGenerateName), up to 8 attempts', async () => {
  const first = await create();
  assert.equal(first.metadata?.name, 'cfg-bbbbb');
  // The next suffix collides once, then differs: the client never sees the collision.
  script.push(0, 0, 0, 0, 0, 0.5, 0.5, 0.5, 0.5, 0.5);
  const second = await create();
  assert.notEqual(second.metadata?.name, 'cfg-bbbbb');
  assert.match(second.metadata?.name ?? '', /^cfg-[a-z0-9]{5}$/);
  // Eight collisions in a row: 409 AlreadyExists, nothing written.
  await assert.rejects(create(), /configmaps "cfg-bbbbb" already exists/);
  assert.equal(await client.resource('', 'v1', 'configmaps').count('default'), 2);
});
