// The storage contract as executable checks, run by every backend from its own *.test.ts:
//   runBackendConformance('memory', async () => createMemoryBackend());
// Revisions are compared relatively (never assumed to start at 1 or step by 1) so that a
// backend with other revision arithmetic (etcd) can run the same suite.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  isStorageError,
  type Backend,
  type StorageError,
  type StorageErrorCode,
  type StorageEvent,
  type StoredObject,
  type WatchHandle,
} from '../types.js';

/** Opens a fresh, empty backend. */
export type OpenBackend = () => Promise<Backend>;
/** Opens a new backend over the same data as `closed`, which the suite has already closed. */
export type ReopenBackend = (closed: Backend) => Promise<Backend>;

export function runBackendConformance(name: string, open: OpenBackend, reopen?: ReopenBackend): void {
  /** Runs `fn` on a fresh backend and closes whatever backend it ends with. */
  const withBackend = (fn: (session: Session) => Promise<void>) => async () => {
    const session = new Session(await open(), reopen);
    try {
      await fn(session);
    } finally {
      await session.backend.close();
    }
  };

  describe(`${name} backend conformance`, () => {
    test('create stores the object with resourceVersion = modRevision; get reads it back', withBackend(async ({ backend: b }) => {
      const before = b.currentRevision();
      const obj = pod('a');
      const created = await b.create('/registry/pods/default/a', obj);
      assert.ok(created.modRevision > before);
      assert.equal(created.createRevision, created.modRevision);
      assert.equal(created.key, '/registry/pods/default/a');
      assert.equal(b.currentRevision(), created.modRevision);
      const parsed = JSON.parse(created.value);
      assert.equal(parsed.metadata.resourceVersion, String(created.modRevision));
      assert.equal(parsed.metadata.name, 'a');
      assert.deepEqual(parsed.spec, obj.spec);

      assert.deepEqual(await b.get('/registry/pods/default/a'), created);
      assert.equal(await b.get('/registry/pods/default/missing'), undefined);
      assert.equal(await b.get('/registry/pods/other/a'), undefined);
    }));

    test('create of an existing key fails with KeyExists and changes nothing', withBackend(async ({ backend: b }) => {
      const created = await b.create('/registry/pods/default/a', pod('a'));
      await expectStorageError(b.create('/registry/pods/default/a', pod('a', { image: 'other' })), 'KeyExists');
      assert.equal(b.currentRevision(), created.modRevision);
      assert.deepEqual(await b.get('/registry/pods/default/a'), created);
    }));

    test('malformed keys are rejected with InvalidKey', withBackend(async ({ backend: b }) => {
      for (const key of ['', 'registry/pods/a', '/registry/pods/', '/registry/pods/../secrets/x', '/registry/pods/./x', '/a\nb']) {
        await expectStorageError(b.create(key, pod('x')), 'InvalidKey');
        await expectStorageError(b.get(key), 'InvalidKey');
      }
      assert.equal((await b.list('')).items.length, 0);
    }));

    test('update replaces the object only when the expected modRevision matches', withBackend(async ({ backend: b }) => {
      const key = '/registry/pods/default/a';
      const v1 = await b.create(key, pod('a'));
      const v2 = await b.update(key, pod('a', { image: 'nginx:2' }), v1.modRevision);
      assert.ok(v2.modRevision > v1.modRevision);
      assert.equal(v2.createRevision, v1.createRevision);
      assert.equal(JSON.parse(v2.value).metadata.resourceVersion, String(v2.modRevision));
      assert.equal(JSON.parse(v2.value).spec.containers[0].image, 'nginx:2');
      assert.deepEqual(await b.get(key), v2);

      const stale = await expectStorageError(b.update(key, pod('a', { image: 'nginx:3' }), v1.modRevision), 'Conflict');
      assert.equal(stale.revision, v2.modRevision, 'a Conflict carries the current modRevision');
      assert.deepEqual(await b.get(key), v2);
      assert.equal(b.currentRevision(), v2.modRevision);

      await expectStorageError(b.update('/registry/pods/default/missing', pod('missing'), 1), 'KeyNotFound');
    }));

    test('delete, unconditionally or when the expected modRevision matches, returns the last stored object', withBackend(async ({ backend: b }) => {
      const a = await b.create('/registry/pods/default/a', pod('a'));
      const c = await b.create('/registry/pods/default/c', pod('c'));
      const conflict = await expectStorageError(b.delete('/registry/pods/default/a', a.modRevision - 1), 'Conflict');
      assert.equal(conflict.revision, a.modRevision);
      assert.deepEqual(await b.get('/registry/pods/default/a'), a);

      const deletedA = await b.delete('/registry/pods/default/a', a.modRevision);
      assert.deepEqual(deletedA, a);
      assert.ok(b.currentRevision() > c.modRevision);
      assert.equal(await b.get('/registry/pods/default/a'), undefined);

      const beforeC = b.currentRevision();
      assert.deepEqual(await b.delete('/registry/pods/default/c'), c);
      assert.ok(b.currentRevision() > beforeC);
      assert.equal(await b.count('/registry/pods/'), 0);

      await expectStorageError(b.delete('/registry/pods/default/a'), 'KeyNotFound');
      await expectStorageError(b.delete('/registry/pods/default/a', a.modRevision), 'KeyNotFound');
      const recreated = await b.create('/registry/pods/default/a', pod('a'));
      assert.ok(recreated.createRevision > deletedA.modRevision, 'a re-created key starts a new life');
    }));

    test('every write gets a strictly greater revision', withBackend(async ({ backend: b }) => {
      let last = b.currentRevision();
      const bump = (revision: number) => {
        assert.ok(revision > last, `revision ${revision} must exceed ${last}`);
        assert.equal(b.currentRevision(), revision);
        last = revision;
      };
      const x = await b.create('/registry/configmaps/ns/x', cm('x', '1'));
      bump(x.modRevision);
      const y = await b.create('/registry/configmaps/ns/y', cm('y', '1'));
      bump(y.modRevision);
      const x2 = await b.update('/registry/configmaps/ns/x', cm('x', '2'), x.modRevision);
      bump(x2.modRevision);
      await b.delete('/registry/configmaps/ns/y');
      bump(b.currentRevision());
      await expectStorageError(b.update('/registry/configmaps/ns/x', cm('x', '3'), x.modRevision), 'Conflict');
      assert.equal(b.currentRevision(), last, 'a failed write does not use up a revision');
    }));

    test('list returns the keys under a prefix in key order, at the current revision', withBackend(async ({ backend: b }) => {
      await seedPods(b);
      const all = await b.list('/registry/pods/');
      assert.deepEqual(all.items.map((i) => i.key), POD_KEYS);
      assert.equal(all.revision, b.currentRevision());
      assert.equal(all.more, false);
      for (const item of all.items) {
        assert.deepEqual(item, await b.get(item.key));
        assert.equal(JSON.parse(item.value).metadata.resourceVersion, String(item.modRevision));
      }
      assert.deepEqual((await b.list('/registry/pods/ns1/')).items.map((i) => i.key), POD_KEYS.slice(0, 3));
      assert.deepEqual((await b.list('/registry/podtemplates/')).items.map((i) => i.key), ['/registry/podtemplates/ns1/a']);
      assert.deepEqual((await b.list('/registry/secrets/')).items, []);
      assert.equal((await b.list('')).items.length, POD_KEYS.length + 1);
    }));

    test('list pages with limit and startAfter; more tells whether anything is left', withBackend(async ({ backend: b }) => {
      await seedPods(b);
      const seen: string[] = [];
      let startAfter: string | undefined;
      let pages = 0;
      for (;;) {
        const page = await b.list('/registry/pods/', { limit: 2, ...(startAfter ? { startAfter } : {}) });
        pages++;
        assert.ok(page.items.length <= 2);
        seen.push(...page.items.map((i) => i.key));
        if (!page.more) break;
        startAfter = page.items[page.items.length - 1]!.key;
      }
      assert.deepEqual(seen, POD_KEYS);
      assert.equal(pages, Math.ceil(POD_KEYS.length / 2));

      const exact = await b.list('/registry/pods/', { limit: POD_KEYS.length });
      assert.equal(exact.items.length, POD_KEYS.length);
      assert.equal(exact.more, false, 'a limit that takes everything leaves nothing more');
      const tail = await b.list('/registry/pods/', { startAfter: '/registry/pods/ns1/b' });
      assert.deepEqual(tail.items.map((i) => i.key), POD_KEYS.slice(2));
      const afterAll = await b.list('/registry/pods/', { startAfter: '/registry/pods/zz' });
      assert.deepEqual(afterAll, { items: [], revision: b.currentRevision(), more: false });
    }));

    test('count tells how many keys are under a prefix', withBackend(async ({ backend: b }) => {
      await seedPods(b);
      assert.equal(await b.count('/registry/pods/'), POD_KEYS.length);
      assert.equal(await b.count('/registry/pods/ns1/'), 3);
      assert.equal(await b.count('/registry/podtemplates/'), 1);
      assert.equal(await b.count('/registry/secrets/'), 0);
      await b.delete('/registry/pods/ns1/a');
      assert.equal(await b.count('/registry/pods/'), POD_KEYS.length - 1);
    }));

    test('list at an older revision shows the state as it was then', withBackend(async ({ backend: b }) => {
      const a1 = await b.create('/registry/pods/ns/a', pod('a'));
      const bb1 = await b.create('/registry/pods/ns/b', pod('b'));
      const c1 = await b.create('/registry/pods/ns/c', pod('c'));
      const r1 = b.currentRevision();
      const bb2 = await b.update('/registry/pods/ns/b', pod('b', { image: 'v2' }), bb1.modRevision);
      const r2 = b.currentRevision();
      await b.delete('/registry/pods/ns/a');
      const r3 = b.currentRevision();
      await b.create('/registry/pods/ns/d', pod('d'));
      await b.create('/registry/podtemplates/ns/a', pod('a'));
      const c2 = await b.update('/registry/pods/ns/c', pod('c', { image: 'v2' }), c1.modRevision);

      const atR1 = await b.list('/registry/pods/', { revision: r1 });
      assert.equal(atR1.revision, r1);
      assert.deepEqual(atR1.items, [a1, bb1, c1]);
      assert.deepEqual((await b.list('/registry/pods/', { revision: r2 })).items, [a1, bb2, c1]);
      assert.deepEqual((await b.list('/registry/pods/', { revision: r3 })).items, [bb2, c1]);
      const now = await b.list('/registry/pods/');
      assert.deepEqual(now.items.map((i) => i.key), ['/registry/pods/ns/b', '/registry/pods/ns/c', '/registry/pods/ns/d']);
      assert.deepEqual(now.items[1], c2);

      const page1 = await b.list('/registry/pods/', { revision: r1, limit: 2 });
      assert.deepEqual(page1, { items: [a1, bb1], revision: r1, more: true });
      const page2 = await b.list('/registry/pods/', { revision: r1, limit: 2, startAfter: bb1.key });
      assert.deepEqual(page2, { items: [c1], revision: r1, more: false });
      assert.deepEqual((await b.list('/registry/pods/', { revision: r2, startAfter: a1.key, limit: 1 })).items, [bb2]);
    }));

    test('list beyond the current revision fails with FutureRevision', withBackend(async ({ backend: b }) => {
      await b.create('/registry/pods/ns/a', pod('a'));
      const current = b.currentRevision();
      const err = await expectStorageError(b.list('/registry/pods/', { revision: current + 1 }), 'FutureRevision');
      assert.equal(err.revision, current);
    }));

    test('watch replays history, then streams live events in order, with prevValue', withBackend(async ({ backend: b }) => {
      const start = b.currentRevision();
      const a1 = await b.create('/registry/pods/ns/a', pod('a'));
      const a2 = await b.update('/registry/pods/ns/a', pod('a', { image: 'v2' }), a1.modRevision);
      const b1 = await b.create('/registry/pods/ns/b', pod('b'));
      await b.delete('/registry/pods/ns/a');
      const deletedAt = b.currentRevision();

      const w = await collect(b, '/registry/pods/', start);
      await w.until(4);
      const b2 = await b.update('/registry/pods/ns/b', pod('b', { image: 'v2' }), b1.modRevision);
      const c1 = await b.create('/registry/pods/ns/c', pod('c'));
      await w.until(6);
      w.handle.stop();

      assert.deepEqual(w.events.map((e) => [e.type, e.key, e.revision]), [
        ['ADDED', a1.key, a1.modRevision],
        ['MODIFIED', a1.key, a2.modRevision],
        ['ADDED', b1.key, b1.modRevision],
        ['DELETED', a1.key, deletedAt],
        ['MODIFIED', b1.key, b2.modRevision],
        ['ADDED', c1.key, c1.modRevision],
      ]);
      const [added, modified, , deleted, liveModified, liveAdded] = w.events as [StorageEvent, StorageEvent, StorageEvent, StorageEvent, StorageEvent, StorageEvent];
      assert.equal(added.value, a1.value);
      assert.equal(added.prevValue, undefined);
      assert.equal(added.createRevision, a1.createRevision);
      assert.equal(modified.value, a2.value);
      assert.equal(modified.prevValue, a1.value);
      assert.equal(modified.createRevision, a1.createRevision);
      assert.equal(deleted.prevValue, a2.value);
      assert.equal(JSON.parse(deleted.value).metadata.resourceVersion, String(deletedAt), 'DELETED carries the deletion revision');
      assert.equal(JSON.parse(deleted.value).spec.containers[0].image, 'v2');
      assert.equal(liveModified.value, b2.value);
      assert.equal(liveModified.prevValue, b1.value);
      assert.equal(liveAdded.value, c1.value);

      const fromMiddle = await collect(b, '/registry/pods/', a2.modRevision);
      await fromMiddle.until(4);
      fromMiddle.handle.stop();
      assert.deepEqual(fromMiddle.events.map((e) => e.revision), [b1.modRevision, deletedAt, b2.modRevision, c1.modRevision]);
    }));

    test('watch from the current revision sees only new events', withBackend(async ({ backend: b }) => {
      await b.create('/registry/pods/ns/a', pod('a'));
      const w = await collect(b, '/registry/pods/', b.currentRevision());
      const next = await b.create('/registry/pods/ns/b', pod('b'));
      await w.until(1);
      w.handle.stop();
      assert.deepEqual(w.events.map((e) => e.revision), [next.modRevision]);
    }));

    test('watch sees only keys under its prefix', withBackend(async ({ backend: b }) => {
      const start = b.currentRevision();
      await b.create('/registry/podtemplates/ns/t', pod('t'));
      const p1 = await b.create('/registry/pods/ns/p', pod('p'));
      const pods = await collect(b, '/registry/pods/', start);
      const ns = await collect(b, '/registry/pods/other/', start);
      await b.create('/registry/podtemplates/ns/u', pod('u'));
      await b.create('/registry/pods-extra/ns/x', pod('x'));
      const p2 = await b.create('/registry/pods/other/q', pod('q'));
      await pods.until(2);
      await ns.until(1);
      pods.handle.stop();
      ns.handle.stop();
      assert.deepEqual(pods.events.map((e) => e.key), [p1.key, p2.key]);
      assert.deepEqual(ns.events.map((e) => e.key), [p2.key]);
    }));

    test('stop() ends delivery to that watcher only', withBackend(async ({ backend: b }) => {
      const start = b.currentRevision();
      const stopped = await collect(b, '/registry/pods/', start);
      const control = await collect(b, '/registry/pods/', start);
      await b.create('/registry/pods/ns/a', pod('a'));
      await stopped.until(1);
      stopped.handle.stop();
      stopped.handle.stop();
      await b.create('/registry/pods/ns/b', pod('b'));
      await control.until(2);
      await settle();
      assert.equal(stopped.events.length, 1);
      control.handle.stop();
    }));

    test('a watcher stopped during replay gets nothing more', withBackend(async ({ backend: b }) => {
      const start = b.currentRevision();
      for (let i = 0; i < 20; i++) await b.create(`/registry/pods/ns/p${i}`, pod(`p${i}`));
      const events: StorageEvent[] = [];
      const handle = await b.watch('/registry/pods/', start, (e) => {
        events.push(e);
        handle.stop();
      });
      await settle();
      await b.create('/registry/pods/ns/late', pod('late'));
      await settle();
      assert.equal(events.length, 1, 'no event after stop()');
    }));

    test('watchers that write from their callback still see every event in revision order', withBackend(async ({ backend: b }) => {
      const start = b.currentRevision();
      const observer = await collect(b, '/registry/configmaps/', start);
      const echoes: Promise<StoredObject>[] = [];
      const echo = await b.watch('/registry/configmaps/in/', start, (e) => {
        if (e.type !== 'ADDED') return;
        const name = e.key.slice(e.key.lastIndexOf('/') + 1);
        echoes.push(b.create(`/registry/configmaps/out/${name}`, cm(name, 'echo')));
      });
      for (let i = 0; i < 5; i++) await b.create(`/registry/configmaps/in/c${i}`, cm(`c${i}`, 'in'));
      await observer.until(10);
      echo.stop();
      observer.handle.stop();
      const revisions = observer.events.map((e) => e.revision);
      assert.deepEqual(revisions, [...revisions].sort((x, y) => x - y));
      assert.equal(new Set(revisions).size, 10);
      const echoed = await Promise.all(echoes);
      assert.deepEqual(echoed.map((o) => o.key), [0, 1, 2, 3, 4].map((i) => `/registry/configmaps/out/c${i}`));
    }));

    test('watch and list below the compacted revision fail with Compacted; history above it stays', withBackend(async ({ backend: b }) => {
      const x1 = await b.create('/registry/pods/ns/x', pod('x'));
      const x2 = await b.update('/registry/pods/ns/x', pod('x', { image: 'v2' }), x1.modRevision);
      const y1 = await b.create('/registry/pods/ns/y', pod('y'));
      const z1 = await b.create('/registry/pods/ns/z', pod('z'));
      await b.delete('/registry/pods/ns/z');
      const compactAt = b.currentRevision();
      const x3 = await b.update('/registry/pods/ns/x', pod('x', { image: 'v3' }), x2.modRevision);
      await b.delete('/registry/pods/ns/y');
      const deletedY = b.currentRevision();
      assert.ok(z1.modRevision < compactAt);

      await b.compact(compactAt);
      assert.equal(b.compactedRevision(), compactAt);
      const watchErr = await expectStorageError(b.watch('/registry/pods/', compactAt - 1, () => undefined), 'Compacted');
      assert.equal(watchErr.revision, compactAt);
      const listErr = await expectStorageError(b.list('/registry/pods/', { revision: compactAt - 1 }), 'Compacted');
      assert.equal(listErr.revision, compactAt);

      // The state at the compacted revision is still complete, including keys changed since.
      assert.deepEqual((await b.list('/registry/pods/', { revision: compactAt })).items, [x2, y1]);
      const w = await collect(b, '/registry/pods/', compactAt);
      await w.until(2);
      w.handle.stop();
      assert.deepEqual(w.events.map((e) => [e.type, e.revision]), [['MODIFIED', x3.modRevision], ['DELETED', deletedY]]);
      assert.equal(w.events[0]!.prevValue, x2.value);
      assert.equal(w.events[1]!.prevValue, y1.value);

      await b.compact(compactAt - 1);
      assert.equal(b.compactedRevision(), compactAt, 'compaction never goes backwards');
      await b.compact(b.currentRevision());
      assert.equal(b.compactedRevision(), b.currentRevision());
      assert.deepEqual((await b.list('/registry/pods/')).items, [x3]);
      await expectStorageError(b.compact(b.currentRevision() + 1), 'FutureRevision');
    }));

    test('watch beyond the current revision fails with FutureRevision', withBackend(async ({ backend: b }) => {
      await b.create('/registry/pods/ns/a', pod('a'));
      const current = b.currentRevision();
      const err = await expectStorageError(b.watch('/registry/pods/', current + 1, () => undefined), 'FutureRevision');
      assert.equal(err.revision, current);
    }));

    test('hundreds of concurrent writes all commit with distinct revisions', withBackend(async ({ backend: b }) => {
      const start = b.currentRevision();
      const w = await collect(b, '/registry/pods/', start);
      const n = 300;
      const created = await Promise.all(Array.from({ length: n }, (_, i) => b.create(podKey(i), pod(`p${i}`))));
      const revisions = created.map((c) => c.modRevision);
      assert.equal(new Set(revisions).size, n);
      assert.ok(Math.min(...revisions) > start);
      assert.equal(b.currentRevision(), Math.max(...revisions));
      for (const c of created) assert.equal(JSON.parse(c.value).metadata.resourceVersion, String(c.modRevision));
      assert.equal(await b.count('/registry/pods/'), n);
      const listed = await b.list('/registry/pods/');
      assert.equal(listed.items.length, n);
      assert.deepEqual(new Set(listed.items.map((i) => i.modRevision)), new Set(revisions));
      await w.until(n);
      w.handle.stop();
      const seen = w.events.map((e) => e.revision);
      assert.deepEqual(seen, [...revisions].sort((x, y) => x - y), 'watchers see commits in revision order');
    }));

    test('of concurrent updates expecting the same revision, exactly one wins', withBackend(async ({ backend: b }) => {
      const base = await b.create('/registry/configmaps/ns/c', cm('c', 'base'));
      const results = await Promise.allSettled(
        Array.from({ length: 50 }, (_, i) => b.update('/registry/configmaps/ns/c', cm('c', `v${i}`), base.modRevision)),
      );
      const won = results.filter((r) => r.status === 'fulfilled');
      assert.equal(won.length, 1);
      for (const r of results) if (r.status === 'rejected') assert.ok(isStorageError(r.reason, 'Conflict'));
      assert.deepEqual(await b.get('/registry/configmaps/ns/c'), (won[0] as PromiseFulfilledResult<unknown>).value);
    }));

    test('writes issued back to back, without awaiting, see each other', withBackend(async ({ backend: b }) => {
      const start = b.currentRevision();
      const w = await collect(b, '/registry/configmaps/', start);
      const key = '/registry/configmaps/ns/k';
      // Each write is checked against the one before it, which may still be on its way to disk.
      const created = b.create(key, cm('k', '1'));
      const dup = expectStorageError(b.create(key, cm('k', 'dup')), 'KeyExists');
      const deleted = b.delete(key);
      const recreated = b.create(key, cm('k', '2'));
      const deletedAgain = b.delete(key);
      const last = b.create(key, cm('k', '3'));
      const [c1, d1, c2, d2, c3] = await Promise.all([created, deleted, recreated, deletedAgain, last]);
      await dup;
      assert.deepEqual(d1, c1);
      assert.deepEqual(d2, c2);
      assert.ok(c1.modRevision < c2.createRevision && c2.modRevision < c3.createRevision);
      assert.deepEqual(await b.get(key), c3);
      await w.until(5);
      w.handle.stop();
      assert.deepEqual(w.events.map((e) => e.type), ['ADDED', 'DELETED', 'ADDED', 'DELETED', 'ADDED']);
      assert.equal(w.events[1]!.prevValue, c1.value);
      assert.equal(JSON.parse(w.events[1]!.value).data.value, '1');
      assert.equal(w.events[3]!.prevValue, c2.value);
      assert.equal(w.events[4]!.value, c3.value);
    }));

    test('a closed backend refuses work with Unavailable', withBackend(async (session) => {
      const b = session.backend;
      await b.create('/registry/pods/ns/a', pod('a'));
      await b.close();
      await expectStorageError(b.get('/registry/pods/ns/a'), 'Unavailable');
      await expectStorageError(b.create('/registry/pods/ns/b', pod('b')), 'Unavailable');
      await expectStorageError(b.list('/registry/pods/'), 'Unavailable');
    }));

    if (!reopen) return;

    test('objects, revision counter, event log and compacted revision survive a reopen', withBackend(async (session) => {
      let b = session.backend;
      const start = b.currentRevision();
      const a1 = await b.create('/registry/pods/ns/a', pod('a'));
      const a2 = await b.update('/registry/pods/ns/a', pod('a', { image: 'v2' }), a1.modRevision);
      const c1 = await b.create('/registry/pods/ns/c', pod('c'));
      await b.delete('/registry/pods/ns/c');
      const compactAt = b.currentRevision();
      const b1 = await b.create('/registry/pods/ns/b', pod('b'));
      const a3 = await b.update('/registry/pods/ns/a', pod('a', { image: 'v3' }), a2.modRevision);
      await b.compact(compactAt);
      const revision = b.currentRevision();

      b = await session.reopen();
      assert.equal(b.currentRevision(), revision);
      assert.equal(b.compactedRevision(), compactAt);
      assert.deepEqual(await b.get(a1.key), a3);
      assert.deepEqual(await b.get(b1.key), b1);
      assert.equal(await b.get(c1.key), undefined);
      assert.equal(await b.count('/registry/pods/'), 2);
      assert.deepEqual((await b.list('/registry/pods/')).items, [a3, b1]);
      assert.deepEqual((await b.list('/registry/pods/', { revision: compactAt })).items, [a2]);
      await expectStorageError(b.watch('/registry/pods/', start, () => undefined), 'Compacted');

      const w = await collect(b, '/registry/pods/', compactAt);
      await w.until(2);
      assert.deepEqual(w.events.map((e) => [e.type, e.revision]), [['ADDED', b1.modRevision], ['MODIFIED', a3.modRevision]]);
      assert.equal(w.events[1]!.prevValue, a2.value);
      const next = await b.create('/registry/pods/ns/d', pod('d'));
      assert.ok(next.modRevision > revision, 'revisions continue after a reopen');
      await w.until(3);
      w.handle.stop();
    }));

    test('revisions never go backwards across a reopen, even after deleting everything', withBackend(async (session) => {
      let b = session.backend;
      const x = await b.create('/registry/pods/ns/x', pod('x'));
      await b.delete(x.key);
      const revision = b.currentRevision();
      b = await session.reopen();
      assert.equal(b.currentRevision(), revision);
      assert.equal(await b.count(''), 0);
      const y = await b.create('/registry/pods/ns/x', pod('x'));
      assert.ok(y.modRevision > revision);
    }));

    test('concurrent writes are all durable', withBackend(async (session) => {
      let b = session.backend;
      const n = 300;
      const created = await Promise.all(Array.from({ length: n }, (_, i) => b.create(podKey(i), pod(`p${i}`))));
      const updated = await Promise.all(created.slice(0, 100).map((c) => b.update(c.key, pod('u'), c.modRevision)));
      await Promise.all(created.slice(100, 150).map((c) => b.delete(c.key)));
      const revision = b.currentRevision();
      b = await session.reopen();
      assert.equal(b.currentRevision(), revision);
      const listed = await b.list('/registry/pods/');
      assert.equal(listed.items.length, n - 50);
      const byKey = new Map(listed.items.map((i) => [i.key, i]));
      for (const u of updated) assert.deepEqual(byKey.get(u.key), u);
      for (const c of created.slice(150)) assert.deepEqual(byKey.get(c.key), c);
    }));
  });
}

// ---- fixtures -------------------------------------------------------------------------------

class Session {
  constructor(
    public backend: Backend,
    private readonly reopenBackend?: ReopenBackend,
  ) {}

  async reopen(): Promise<Backend> {
    await this.backend.close();
    this.backend = await this.reopenBackend!(this.backend);
    return this.backend;
  }
}

const POD_KEYS = [
  '/registry/pods/ns1/a',
  '/registry/pods/ns1/b',
  '/registry/pods/ns1/c',
  '/registry/pods/ns2/a',
  '/registry/pods/ns3/x',
];

/** Pods under POD_KEYS, created out of order, plus a podtemplate that shares the "pods" spelling. */
async function seedPods(b: Backend): Promise<void> {
  for (const key of [POD_KEYS[3]!, POD_KEYS[1]!, '/registry/podtemplates/ns1/a', POD_KEYS[4]!, POD_KEYS[0]!, POD_KEYS[2]!]) {
    await b.create(key, pod(key.slice(key.lastIndexOf('/') + 1)));
  }
}

function podKey(i: number): string {
  return `/registry/pods/ns/p${String(i).padStart(4, '0')}`;
}

function pod(name: string, { image = 'nginx:1.25' }: { image?: string } = {}): Record<string, unknown> {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'ns', uid: `uid-${name}`, labels: { app: name } },
    spec: { containers: [{ name: 'main', image }] },
  };
}

function cm(name: string, value: string): Record<string, unknown> {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'ns' }, data: { value } };
}

async function expectStorageError(promise: Promise<unknown>, code: StorageErrorCode): Promise<StorageError> {
  try {
    await promise;
  } catch (err) {
    if (isStorageError(err, code)) return err;
    assert.fail(`expected StorageError ${code}, got ${String(err)}`);
  }
  assert.fail(`expected StorageError ${code}, but the call succeeded`);
}

interface Collector {
  events: StorageEvent[];
  handle: WatchHandle;
  /** Resolves once at least `n` events have arrived; fails after a few seconds. */
  until(n: number): Promise<void>;
}

async function collect(b: Backend, prefix: string, fromRevision: number): Promise<Collector> {
  const events: StorageEvent[] = [];
  let wake: (() => void) | undefined;
  const handle = await b.watch(prefix, fromRevision, (event) => {
    events.push(event);
    wake?.();
  });
  return {
    events,
    handle,
    async until(n: number): Promise<void> {
      const deadline = Date.now() + 5000;
      while (events.length < n) {
        if (Date.now() > deadline) assert.fail(`waited for ${n} events, got ${events.length}: ${events.map((e) => `${e.type} ${e.key}`).join(', ')}`);
        await new Promise<void>((resolve) => {
          wake = resolve;
          setTimeout(resolve, 50);
        });
      }
    },
  };
}

/** Lets pending I/O callbacks and timers of the current moment run. */
async function settle(): Promise<void> {
  for (let i = 0; i < 3; i++) await new Promise<void>((resolve) => setTimeout(resolve, 5));
}
