import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { isStorageError, type Backend, type StorageEvent } from '../../types.js';
import { runBackendConformance } from '../../conformance/backend.case.js';
import { openLevelDbBackend, type BatchOp, type LevelDb, type LevelDbBackendOptions } from './leveldb-backend.js';

const root = mkdtempSync(join(tmpdir(), 'kubemu-leveldb-test-'));
after(() => rmSync(root, { recursive: true, force: true }));

let dirs = 0;
const paths = new WeakMap<Backend, string>();
// Small memtables keep these tests' memory low; the default is tuned for throughput.
const small: LevelDbBackendOptions = { writeBufferSize: 1 << 20 };

async function openAt(path: string, options: LevelDbBackendOptions = small): Promise<Backend> {
  const backend = await openLevelDbBackend(path, options);
  paths.set(backend, path);
  return backend;
}

runBackendConformance(
  'leveldb',
  () => openAt(join(root, `db-${dirs++}`)),
  (closed) => openAt(paths.get(closed)!),
);

/** A commit seam that fails while `armed` is set, writing nothing. */
function faultyCommit() {
  const state = { armed: false, batches: [] as BatchOp[][] };
  const commitBatch = async (db: LevelDb, ops: BatchOp[]) => {
    state.batches.push(ops);
    if (state.armed) throw new Error('injected disk failure');
    await db.batch(ops);
  };
  return { state, commitBatch };
}

test('a failed batch leaves nothing behind: not on disk, not in the index, not in watchers', async () => {
  const path = join(root, `db-${dirs++}`);
  const { state, commitBatch } = faultyCommit();
  let b = await openLevelDbBackend(path, { ...small, commitBatch });
  const keep = await b.create('/registry/pods/ns/keep', { metadata: { name: 'keep' } });
  const gone = await b.create('/registry/pods/ns/gone', { metadata: { name: 'gone' } });
  const revision = b.currentRevision();
  const events: StorageEvent[] = [];
  const handle = await b.watch('/registry/', revision, (e) => events.push(e));

  state.armed = true;
  const results = await Promise.allSettled([
    b.create('/registry/pods/ns/new', { metadata: { name: 'new' } }),
    b.update(keep.key, { metadata: { name: 'keep', labels: { changed: 'yes' } } }, keep.modRevision),
    b.delete(gone.key),
  ]);
  state.armed = false;
  for (const r of results) assert.ok(r.status === 'rejected' && isStorageError(r.reason, 'Unavailable'), String(r.status));
  const failedBatch = state.batches[state.batches.length - 1]!;
  assert.ok(['o', 'h', 'v', 'm'].every((p) => failedBatch.some((op) => op.key.startsWith(p))), 'one batch holds objects, events, values and the revision');

  // In memory: revision, keys and CAS state are as before the failure.
  assert.equal(b.currentRevision(), revision);
  assert.equal(await b.count('/registry/pods/'), 2);
  assert.deepEqual(await b.get(keep.key), keep);
  assert.equal(await b.get('/registry/pods/ns/new'), undefined);
  assert.deepEqual((await b.list('/registry/pods/')).items, [gone, keep]);
  assert.deepEqual(events, []);

  // Later writes work, reuse the unwritten revisions and are checked against the real state.
  const again = await b.create('/registry/pods/ns/new', { metadata: { name: 'new' } });
  assert.equal(again.modRevision, revision + 1);
  await b.update(keep.key, { metadata: { name: 'keep' } }, keep.modRevision);
  assert.equal(events.length > 0, true);
  handle.stop();
  const after = b.currentRevision();
  await b.close();

  b = await openLevelDbBackend(path, small);
  assert.equal(b.currentRevision(), after);
  assert.deepEqual((await b.list('/registry/pods/')).items.map((i) => i.key), [gone.key, keep.key, again.key]);
  const replayed: StorageEvent[] = [];
  const h = await b.watch('/registry/', revision, (e) => replayed.push(e));
  await until(() => replayed.length === 2);
  h.stop();
  assert.deepEqual(replayed.map((e) => [e.type, e.key]), [['ADDED', again.key], ['MODIFIED', keep.key]]);
  await b.close();
});

test('writes that arrive together share one batch', async () => {
  const { state, commitBatch } = faultyCommit();
  const b = await openLevelDbBackend(join(root, `db-${dirs++}`), { ...small, commitBatch });
  await Promise.all(Array.from({ length: 100 }, (_, i) => b.create(`/registry/configmaps/ns/c${i}`, { data: { i: String(i) } })));
  // Three ops per write plus the revision counter; at most a couple of batches for 100 writes.
  assert.ok(state.batches.length <= 2, `${state.batches.length} batches`);
  assert.equal(state.batches.reduce((n, ops) => n + ops.length, 0), 100 * 3 + state.batches.length);
  await b.close();
});

test('compaction deletes superseded history from disk but keeps every current value', async () => {
  const path = join(root, `db-${dirs++}`);
  let b = await openLevelDbBackend(path, small);
  let v = await b.create('/registry/configmaps/ns/hot', { data: { n: '0' } });
  for (let i = 1; i <= 50; i++) v = await b.update(v.key, { data: { n: String(i) } }, v.modRevision);
  const cold = await b.create('/registry/configmaps/ns/cold', { data: { n: 'cold' } });
  const doomed = await b.create('/registry/configmaps/ns/doomed', { data: { n: 'x' } });
  await b.delete(doomed.key);
  await b.compact(b.currentRevision());
  await b.close();

  const raw = await import('level');
  const db = new raw.Level<string, string>(path);
  const headers = await db.keys({ gte: 'h', lt: 'i' }).all();
  const values = await db.keys({ gte: 'v', lt: 'w' }).all();
  await db.close();
  assert.equal(headers.length, 2, `only the events of the two current values remain: ${headers.join(', ')}`);
  assert.deepEqual(values.map((k) => k.slice(1)), headers.map((k) => k.slice(1)));

  b = await openLevelDbBackend(path, small);
  assert.deepEqual((await b.list('/registry/configmaps/')).items, [cold, v]);
  await b.close();
});

test('openLevelDbBackend names the path when the database cannot be opened', async () => {
  const path = join(root, `db-${dirs++}`);
  const first = await openLevelDbBackend(path, small);
  await assert.rejects(openLevelDbBackend(path, small), (err: Error) => err.message.includes(path));
  await first.close();
});

async function until(condition: () => boolean): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!condition()) {
    if (Date.now() > deadline) assert.fail('timed out');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

test('after a full read the database is reopened, and reads, writes and watches carry on', async () => {
  const path = join(root, `db-${dirs++}`);
  const b = await openLevelDbBackend(path, { ...small, reopenAfterReadKeys: 2 });
  const a = await b.create('/registry/pods/ns/a', { metadata: { name: 'a' } });
  await b.create('/registry/pods/ns/b', { metadata: { name: 'b' } });
  const events: StorageEvent[] = [];
  await b.watch('/registry/', 0, (e) => events.push(e));
  // A write and a read issued while the database closes and reopens wait for it.
  const reopened = b.afterFullRead!();
  const [updated, listed] = await Promise.all([
    b.update(a.key, { metadata: { name: 'a', labels: { after: 'reopen' } } }, a.modRevision),
    b.list('/registry/pods/'),
    reopened,
  ]);
  assert.equal(listed.items.length, 2);
  assert.match((await b.get(a.key))!.value, /"after":"reopen"/);
  assert.equal(updated.modRevision, 3);
  assert.deepEqual(
    events.map((e) => [e.type, e.revision]),
    [
      ['ADDED', 1],
      ['ADDED', 2],
      ['MODIFIED', 3],
    ],
  );
  await b.close();
});

test('a watcher that keeps the previous state itself is not sent previous values of updates read back from disk', async () => {
  const b = await openAt(join(root, `db-${dirs++}`));
  try {
    const pod = (image: string) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { containers: [{ name: 'c', image }] } });
    const first = await b.create('/registry/pods/ns/p', pod('v1'));
    const own: StorageEvent[] = [];
    const handle = await b.watch('/registry/pods/', b.currentRevision(), (e) => own.push(e), { prevValues: false });
    const second = await b.update('/registry/pods/ns/p', pod('v2'), first.modRevision);
    await b.delete('/registry/pods/ns/p');
    while (own.length < 2) await new Promise((r) => setImmediate(r));
    assert.deepEqual(own.map((e) => e.type), ['MODIFIED', 'DELETED']);
    assert.equal(own[0]!.value, second.value);
    assert.equal(own[0]!.prevValue, undefined, 'the previous value was committed: not read back');
    assert.equal(own[1]!.prevValue, second.value, 'a deletion still carries the last value');

    // An etcd-style watcher (the default) still gets every previous value.
    const third = await b.create('/registry/pods/ns/p', pod('v3'));
    const etcdStyle: StorageEvent[] = [];
    const handle2 = await b.watch('/registry/pods/', b.currentRevision(), (e) => etcdStyle.push(e));
    await b.update('/registry/pods/ns/p', pod('v4'), third.modRevision);
    while (etcdStyle.length < 1) await new Promise((r) => setImmediate(r));
    assert.equal(etcdStyle[0]!.prevValue, third.value);
    handle.stop();
    handle2.stop();
  } finally {
    await b.close();
  }
});
