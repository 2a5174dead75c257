import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { LocalClient } from '../../client/local-client.js';
import type { Event } from '../../machinery/api-types.js';
import { createTestApp, type TestApp } from '../../testing/test-app.js';
import { EventRecorder } from './event-recorder.js';
import { silentLogger } from './logger.js';

let t: TestApp;
let client: LocalClient;
before(async () => {
  t = await createTestApp();
  client = new LocalClient(t.registry, t.catalogue, { userAgent: 'test' });
});
after(() => t.stop());

test('events as client-go writes them; a repeat counts on the first one', async () => {
  const recorder = new EventRecorder({ client, component: 'deployment-controller', clock: t.clock, log: silentLogger });
  const owner = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'default', uid: 'u-1', resourceVersion: '7' } };
  recorder.event(owner, 'Normal', 'ScalingReplicaSet', 'Scaled up replica set web-abc to 3');
  t.clock.advance(5000);
  recorder.event(owner, 'Normal', 'ScalingReplicaSet', 'Scaled up replica set web-abc to 3');
  recorder.event(owner, 'Warning', 'Other', 'something else');
  await recorder.flushed();
  const events = (await client.resource<Event>('', 'v1', 'events').list('default')).items;
  assert.equal(events.length, 2);
  const scaled = events.find((e) => e.reason === 'ScalingReplicaSet')!;
  assert.match(scaled.metadata!.name!, /^web\.[0-9a-f]+$/);
  assert.equal(scaled.count, 2);
  assert.equal(scaled.firstTimestamp, '2026-01-01T00:00:00Z');
  assert.equal(scaled.lastTimestamp, '2026-01-01T00:00:05Z');
  assert.deepEqual(scaled.involvedObject, { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', namespace: 'default', uid: 'u-1', resourceVersion: '7' });
  assert.deepEqual(scaled.source, { component: 'deployment-controller' });
  assert.equal(scaled.reportingComponent, 'deployment-controller');
  assert.equal(scaled.type, 'Normal');
});

test('events about cluster-scoped objects go to the default namespace', async () => {
  const errors: string[] = [];
  const recorder = new EventRecorder({ client, component: 'node-controller', clock: t.clock, log: { info() {}, error: (m, f) => errors.push(`${m} ${JSON.stringify(f)}`) } });
  recorder.event({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1', uid: 'n-1' } }, 'Normal', 'RegisteredNode', 'Node n1 event: Registered Node n1 in Controller');
  await recorder.flushed();
  assert.deepEqual(errors, []);
  const events = (await client.resource<Event>('', 'v1', 'events').list('default')).items.filter((e) => e.involvedObject?.kind === 'Node');
  assert.equal(events.length, 1);
  assert.equal(events[0]!.involvedObject!.namespace, undefined);
});

test('similar events are combined from the tenth on, and a source says at most 25 things about an object, then one every 5 minutes', async () => {
  const recorder = new EventRecorder({ client, component: 'replicaset-controller', clock: t.clock, log: silentLogger });
  const rs = { apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'many', namespace: 'default', uid: 'rs-1' } };
  for (let i = 1; i <= 40; i++) recorder.event(rs, 'Normal', 'SuccessfulCreate', `Created pod: many-${i}`);
  await recorder.flushed();
  const ofMany = async () => (await client.resource<Event>('', 'v1', 'events').list('default')).items.filter((e) => e.involvedObject?.name === 'many');
  let events = await ofMany();
  const single = events.filter((e) => !e.message!.startsWith('(combined'));
  assert.deepEqual(single.map((e) => e.message).sort(), Array.from({ length: 9 }, (_, i) => `Created pod: many-${i + 1}`).sort());
  const combined = events.filter((e) => e.message!.startsWith('(combined'));
  assert.equal(combined.length, 1);
  // 25 admitted: 9 single events, the combined one created, then counted 15 more times; the
  // 15 occurrences after that were dropped but still counted, as client-go counts them.
  assert.equal(combined[0]!.message, '(combined from similar events): Created pod: many-25');
  assert.equal(combined[0]!.count, 16);

  t.clock.advance(300_000); // one token back
  recorder.event(rs, 'Normal', 'SuccessfulCreate', 'Created pod: many-41');
  recorder.event(rs, 'Normal', 'SuccessfulCreate', 'Created pod: many-42');
  await recorder.flushed();
  events = await ofMany();
  const after = events.find((e) => e.message!.startsWith('(combined'))!;
  assert.equal(after.message, '(combined from similar events): Created pod: many-41');
  assert.equal(after.count, 32);

  // Another object has its own budget.
  recorder.event({ ...rs, metadata: { ...rs.metadata, name: 'other', uid: 'rs-2' } }, 'Normal', 'SuccessfulCreate', 'Created pod: other-1');
  await recorder.flushed();
  assert.equal((await client.resource<Event>('', 'v1', 'events').list('default')).items.filter((e) => e.involvedObject?.name === 'other').length, 1);
});
