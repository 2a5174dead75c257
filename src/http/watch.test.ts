// Watch over a real socket: newline-delimited events, resume from a resourceVersion, 410 once
// history is gone, single-object watches, Table events, bookmarks, and no leaked watchers.
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import request from 'supertest';
import { createTestApp, type TestApp } from '../testing/test-app.js';

let t: TestApp;
let server: http.Server;
let base: string;

before(async () => {
  t = await createTestApp({ historyCapacity: 20 });
  server = http.createServer(t.app).listen(0);
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(async () => {
  server.closeAllConnections();
  server.close();
  await t.stop();
});

interface Stream {
  events: { type: string; object: Record<string, any> }[];
  next(count: number): Promise<Stream['events']>;
  close(): void;
  ended: Promise<void>;
}

function openWatch(path: string, headers: Record<string, string> = {}): Promise<Stream> {
  return new Promise((resolve, reject) => {
    const events: Stream['events'] = [];
    let buffer = '';
    let wake: (() => void) | undefined;
    let endResolve: () => void = () => {};
    const ended = new Promise<void>((r) => (endResolve = r));
    const req = http.get(`${base}${path}`, { headers }, (res) => {
      res.on('data', (d: Buffer) => {
        buffer += d.toString();
        let nl: number;
        while ((nl = buffer.indexOf('\n')) >= 0) {
          events.push(JSON.parse(buffer.slice(0, nl)));
          buffer = buffer.slice(nl + 1);
        }
        wake?.();
      });
      res.on('end', () => endResolve());
      res.on('close', () => endResolve());
      resolve({
        events,
        async next(count) {
          while (events.length < count) await new Promise<void>((r) => (wake = r));
          return events.slice(0, count);
        },
        close: () => req.destroy(),
        ended,
      });
    });
    req.on('error', (err) => {
      if (!(err as NodeJS.ErrnoException).code?.includes('RESET')) reject(err);
    });
  });
}

const cm = (name: string, labels: Record<string, string> = {}) => ({ metadata: { name, labels }, data: {} });

test('a watch from a resourceVersion replays what happened since, then streams', async () => {
  const first = await request(t.app).post('/api/v1/namespaces/default/configmaps').send(cm('w1')).expect(201);
  const rv = first.body.metadata.resourceVersion;
  await request(t.app).post('/api/v1/namespaces/default/configmaps').send(cm('w2')).expect(201);
  const w = await openWatch(`/api/v1/namespaces/default/configmaps?watch=true&resourceVersion=${rv}`);
  const [added] = await w.next(1);
  assert.equal(added.type, 'ADDED');
  assert.equal(added.object.metadata.name, 'w2');
  await request(t.app).delete('/api/v1/namespaces/default/configmaps/w1').expect(200);
  const events = await w.next(2);
  assert.equal(events[1].type, 'DELETED');
  assert.equal(events[1].object.metadata.name, 'w1');
  assert.ok(Number(events[1].object.metadata.resourceVersion) > Number(rv));
  w.close();
});

test('without a resourceVersion a watch starts with the current objects as ADDED', async () => {
  const w = await openWatch('/api/v1/namespaces?watch=1');
  const events = await w.next(4);
  assert.deepEqual(events.map((e) => e.type), ['ADDED', 'ADDED', 'ADDED', 'ADDED']);
  w.close();
});

test('a watch of one object by fieldSelector sees only it; a label selector turns leaving into DELETED', async () => {
  await request(t.app).post('/api/v1/namespaces/default/configmaps').send(cm('one', { team: 'a' })).expect(201);
  await request(t.app).post('/api/v1/namespaces/default/configmaps').send(cm('two', { team: 'a' })).expect(201);
  const byName = await openWatch('/api/v1/namespaces/default/configmaps?watch=1&fieldSelector=metadata.name%3Done');
  const byLabel = await openWatch('/api/v1/namespaces/default/configmaps?watch=1&labelSelector=team%3Da');
  await byName.next(1);
  await byLabel.next(2);
  await request(t.app)
    .patch('/api/v1/namespaces/default/configmaps/two')
    .set('Content-Type', 'application/merge-patch+json')
    .send({ metadata: { labels: { team: 'b' } } })
    .expect(200);
  await request(t.app)
    .patch('/api/v1/namespaces/default/configmaps/one')
    .set('Content-Type', 'application/merge-patch+json')
    .send({ data: { x: '1' } })
    .expect(200);
  const nameEvents = await byName.next(2);
  assert.deepEqual(nameEvents.map((e) => `${e.type} ${e.object.metadata.name}`), ['ADDED one', 'MODIFIED one']);
  const labelEvents = await byLabel.next(4);
  assert.deepEqual(labelEvents.slice(2).map((e) => `${e.type} ${e.object.metadata.name}`), ['DELETED two', 'MODIFIED one']);
  byName.close();
  byLabel.close();
});

test('a resourceVersion older than the retained history is a 410 Expired ERROR event', async () => {
  const old = (await request(t.app).get('/api/v1/namespaces/default/configmaps').expect(200)).body.metadata.resourceVersion;
  for (let i = 0; i < 30; i++) await request(t.app).post('/api/v1/namespaces/default/configmaps').send(cm(`churn-${i}`)).expect(201);
  const w = await openWatch(`/api/v1/namespaces/default/configmaps?watch=1&resourceVersion=${old}`);
  const [event] = await w.next(1);
  assert.equal(event.type, 'ERROR');
  assert.deepEqual(Object.keys(event.object), ['kind', 'apiVersion', 'metadata', 'status', 'message', 'reason', 'code'], 'metav1.Status field order');
  assert.equal(event.object.kind, 'Status');
  assert.equal(event.object.code, 410);
  assert.equal(event.object.reason, 'Expired');
  assert.match(event.object.message, /^too old resource version: \d+ \(\d+\)$/);
  await w.ended;
  // Lists at that resourceVersion are expired too.
  await request(t.app).get('/api/v1/namespaces/default/configmaps').query({ resourceVersion: old, resourceVersionMatch: 'Exact' }).expect(410);
});

test('kubectl get -w: Table events, columns only in the first', async () => {
  const accept = 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json';
  const w = await openWatch('/api/v1/namespaces/kube-system/configmaps?watch=1', { Accept: accept });
  await request(t.app).post('/api/v1/namespaces/kube-system/configmaps').send({ metadata: { name: 'tbl' }, data: { a: '1', b: '2' } }).expect(201);
  await request(t.app).post('/api/v1/namespaces/kube-system/configmaps').send({ metadata: { name: 'tbl2' }, data: {} }).expect(201);
  const [first, second] = await w.next(2);
  assert.equal(first.object.kind, 'Table');
  assert.deepEqual(first.object.columnDefinitions.map((c: { name: string }) => c.name), ['Name', 'Data', 'Age']);
  assert.deepEqual(first.object.rows[0].cells.slice(0, 2), ['tbl', 2]);
  assert.equal(first.object.rows[0].object.kind, 'PartialObjectMetadata');
  assert.deepEqual(second.object.columnDefinitions, []);
  w.close();
});

test('bookmarks carry the current resourceVersion; timeoutSeconds ends the stream', async () => {
  const w = await openWatch('/api/v1/namespaces/default/secrets?watch=1&allowWatchBookmarks=true&timeoutSeconds=120');
  t.clock.advance(60_000);
  const [bookmark] = await w.next(1);
  assert.equal(bookmark.type, 'BOOKMARK');
  assert.equal(bookmark.object.kind, 'Secret');
  assert.match(bookmark.object.metadata.resourceVersion, /^\d+$/);
  t.clock.advance(60_000);
  await w.ended;
});

test('a client that goes away mid-watch leaves no watcher behind', async () => {
  const cache = t.registry.store(t.catalogue.lookup('', 'v1', 'services')!);
  const watchers = () => (cache as unknown as { cache: { watcherCount(): number } }).cache.watcherCount();
  const before = watchers();
  const w = await openWatch('/api/v1/namespaces/default/services?watch=1');
  assert.equal(watchers(), before + 1);
  w.close();
  for (let i = 0; i < 50 && watchers() > before; i++) await new Promise((r) => setTimeout(r, 10));
  assert.equal(watchers(), before);
});

test('sendInitialEvents: the current objects, then a bookmark marking the end of them (client-go WatchList)', async () => {
  const w = await openWatch('/api/v1/namespaces?watch=1&sendInitialEvents=true&resourceVersionMatch=NotOlderThan&allowWatchBookmarks=true');
  const events = await w.next(5);
  assert.deepEqual(events.slice(0, 4).map((e) => e.type), ['ADDED', 'ADDED', 'ADDED', 'ADDED']);
  assert.equal(events[4].type, 'BOOKMARK');
  assert.equal(events[4].object.metadata.annotations['k8s.io/initial-events-end'], 'true');
  w.close();
  await request(t.app).get('/api/v1/namespaces?watch=1&sendInitialEvents=true').expect(400);
});
