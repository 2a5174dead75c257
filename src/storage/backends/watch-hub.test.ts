import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { StorageEvent } from '../types.js';
import { WatchHub } from './watch-hub.js';

const event = (revision: number, key = `/registry/pods/ns/p${revision}`): StorageEvent => ({
  type: 'ADDED',
  key,
  revision,
  value: '{}',
  createRevision: revision,
});

test('a new watcher gets replayed history, then what was published meanwhile, each once and in order', () => {
  const hub = new WatchHub();
  const seen: number[] = [];
  const sub = hub.subscribe('/registry/pods/', 5, (e) => seen.push(e.revision));
  hub.publish(event(5)); // already part of the replay
  hub.publish(event(6));
  sub.deliver(event(4));
  sub.deliver(event(5));
  assert.deepEqual(seen, [4, 5]);
  hub.publish(event(7));
  sub.goLive();
  hub.publish(event(8));
  assert.deepEqual(seen, [4, 5, 6, 7, 8]);
});

test('events go only to watchers whose prefix matches, the same object to each', () => {
  const hub = new WatchHub();
  const pods: StorageEvent[] = [];
  const all: StorageEvent[] = [];
  const templates: StorageEvent[] = [];
  for (const [prefix, sink] of [['/registry/pods/', pods], ['/registry/', all], ['/registry/podtemplates/', templates]] as const) {
    hub.subscribe(prefix, 0, (e) => sink.push(e)).goLive();
  }
  const pod = event(1);
  hub.publish(pod);
  hub.publish(event(2, '/registry/podtemplates/ns/t'));
  assert.equal(pods.length, 1);
  assert.equal(pods[0], all[0]);
  assert.deepEqual(all.map((e) => e.revision), [1, 2]);
  assert.deepEqual(templates.map((e) => e.revision), [2]);
});

test('an event published from inside a callback is delivered after the current one, to everybody', () => {
  const hub = new WatchHub();
  const first: number[] = [];
  const second: number[] = [];
  hub.subscribe('/', 0, (e) => {
    first.push(e.revision);
    if (e.revision === 1) hub.publish(event(2));
  }).goLive();
  hub.subscribe('/', 0, (e) => second.push(e.revision)).goLive();
  hub.publish(event(1));
  assert.deepEqual(first, [1, 2]);
  assert.deepEqual(second, [1, 2]);
});

test('stop() removes the watcher, also from inside its own callback', () => {
  const hub = new WatchHub();
  const seen: number[] = [];
  const sub = hub.subscribe('/', 0, (e) => {
    seen.push(e.revision);
    sub.stop();
  });
  sub.goLive();
  hub.publish(event(1));
  hub.publish(event(2));
  assert.deepEqual(seen, [1]);
  assert.equal(hub.watcherCount, 0);
});
