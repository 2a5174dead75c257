import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { LocalClient } from '../../client/local-client.js';
import { FakeClock } from '../../machinery/clock.js';
import { createTestApp, type TestApp } from '../../testing/test-app.js';
import { startEventTtl } from './event-ttl.js';

let app: TestApp;
let client: LocalClient;
const clock = new FakeClock();

before(async () => {
  app = await createTestApp({ clock });
  client = new LocalClient(app.registry, app.catalogue, { userAgent: 'test', fieldManager: 'test' });
});
after(() => app.stop());

test('events go an hour after their last write; one written again lives on', async () => {
  const events = client.resource('', 'v1', 'events');
  const event = (name: string) => ({
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { name },
    involvedObject: { kind: 'Pod', name: 'p', namespace: 'default' },
    reason: 'Tested',
    message: 'm',
    type: 'Normal',
    firstTimestamp: new Date(clock.now()).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    lastTimestamp: new Date(clock.now()).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    count: 1,
  });
  await events.create('default', event('old'));
  await events.create('default', event('renewed'));
  const ttl = startEventTtl({ client, clock, ttlMs: 3_600_000 });
  try {
    clock.advance(30 * 60_000);
    await events.mutate('default', 'renewed', (e) => ({ ...e, count: 2, lastTimestamp: new Date(clock.now()).toISOString().replace(/\.\d{3}Z$/, 'Z') }));
    clock.advance(31 * 60_000);
    assert.equal(await ttl.sweep(), 1);
    assert.deepEqual((await events.list('default')).items.map((e) => e.metadata?.name), ['renewed']);
    clock.advance(30 * 60_000);
    assert.equal(await ttl.sweep(), 1);
    assert.equal(await events.count('default'), 0);
  } finally {
    ttl.stop();
  }
});
