// The watch cache over a real LevelDB: what a restarted server loads (state and history) answers
// selectors exactly as what was written while it ran, and a watch sees an object leave its selector.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openLevelDbBackend } from '../backends/index.js';
import type { ResourceCache } from './resource-cache.js';
import { WatchCache } from './watch-cache.js';
import type { AttrsFunc, CacheEventType } from './types.js';

const root = '/registry/';
const prefix = '/registry/core/pods/';
let parses = 0;
const attrs: AttrsFunc = (obj) => {
  parses++;
  const meta = obj.metadata as { name: string; labels?: Record<string, string> };
  return { labels: meta.labels, fields: { 'metadata.name': meta.name, 'status.phase': String((obj.status as { phase?: string } | undefined)?.phase ?? '') } };
};

function pod(name: string, app: string, phase: string): Record<string, unknown> {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default', labels: { app } }, status: { phase } };
}

async function openCache(dir: string): Promise<{ cache: WatchCache; resource: ResourceCache }> {
  const cache = new WatchCache(await openLevelDbBackend(dir), { root });
  const resource = cache.register(prefix, attrs);
  await cache.start();
  return { cache, resource };
}

test('objects loaded at start-up answer selectors as the written ones did, parsed only when a selector asks', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kubemu-watch-cache-'));
  try {
    const { cache: first, resource: firstPods } = await openCache(dir);
    await first.create(`${prefix}default/a`, pod('a', 'web', 'Running'));
    const b = await first.create(`${prefix}default/b`, pod('b', 'db', 'Pending'));
    await first.update(`${prefix}default/b`, pod('b', 'web', 'Running'), b.modRevision);
    const written = firstPods.list(prefix).items.map((o) => [o.key, o.labels, o.fields]);
    first.stop();
    await first.backend.close();

    parses = 0;
    const { cache: again, resource } = await openCache(dir);
    const items = resource.list(prefix).items;
    assert.equal(parses, 0, 'nothing is parsed for selectors while loading');
    assert.deepEqual(
      items.map((o) => [o.key, o.labels, o.fields]),
      written,
    );
    assert.equal(parses, 2);
    // Read again: the attributes were kept.
    assert.deepEqual(items[1]!.labels, { app: 'web' });
    assert.equal(parses, 2);

    // History replayed from disk: the list before the update holds b as it was then.
    const before = resource.list(prefix, b.modRevision).items.find((o) => o.key.endsWith('/b'))!;
    assert.deepEqual(before.labels, { app: 'db' });
    assert.equal(before.fields['status.phase'], 'Pending');
    again.stop();
    await again.backend.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('an object that stops matching a watch selector arrives as DELETED at the revision that changed it', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kubemu-watch-cache-'));
  try {
    const { cache, resource } = await openCache(dir);
    const created = await cache.create(`${prefix}default/a`, pod('a', 'web', 'Running'));
    const seen: [CacheEventType, string, string | undefined, number][] = [];
    const watcher = resource.watch({
      fromRevision: created.modRevision,
      matches: (o) => o.labels?.app === 'web',
      onEvent: (_event, type, object) => {
        const meta = (JSON.parse(object.raw.toString()) as { metadata: { resourceVersion: string; labels?: Record<string, string> } }).metadata;
        seen.push([type, meta.resourceVersion, object.labels?.app, object.modRevision]);
      },
    });
    const changed = await cache.update(`${prefix}default/a`, pod('a', 'db', 'Running'), created.modRevision);
    assert.ok(await cache.waitForRevision(changed.modRevision, 1000));
    // The object as it last matched, stamped with the revision at which it stopped matching.
    assert.deepEqual(seen, [['DELETED', String(changed.modRevision), 'web', changed.modRevision]]);
    watcher.stop();
    cache.stop();
    await cache.backend.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a restart replays at most historyCapacity revisions of history: older ones are Expired, newer ones resume', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kubemu-watch-cache-'));
  try {
    const replayedFrom: number[] = [];
    const open = async () => {
      const backend = await openLevelDbBackend(dir);
      const watch = backend.watch.bind(backend);
      backend.watch = (watchPrefix, fromRevision, onEvent) => {
        replayedFrom.push(fromRevision);
        return watch(watchPrefix, fromRevision, onEvent);
      };
      const cache = new WatchCache(backend, { root, historyCapacity: 4 });
      const resource = cache.register(prefix, attrs);
      await cache.start();
      return { cache, resource };
    };
    const { cache: first } = await open();
    const revisions: number[] = [];
    for (let i = 0; i < 8; i++) revisions.push((await first.create(`${prefix}default/p${i}`, pod(`p${i}`, 'web', 'Running'))).modRevision);
    first.stop();
    await first.backend.close();

    const { cache, resource } = await open();
    assert.equal(resource.list(prefix).items.length, 8);
    // Only the last historyCapacity revisions are read back from disk.
    assert.equal(replayedFrom[1], revisions[3]);
    assert.equal(resource.oldestServableRevision(), revisions[3]);
    const seen: number[] = [];
    const watcher = resource.watch({ fromRevision: revisions[4]!, onEvent: (event) => seen.push(event.revision) });
    assert.deepEqual(seen, revisions.slice(5));
    watcher.stop();
    assert.throws(() => resource.watch({ fromRevision: revisions[2]!, onEvent: () => {} }), /Compacted/);
    cache.stop();
    await cache.backend.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
