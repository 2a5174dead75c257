// The LevelDB backend (`level` 10 / classic-level): the default, persistent store.
//
// Writes: checked and assigned synchronously against an in-memory index of every live key's
// {createRevision, modRevision} (no values), then queued. Everything queued while a batch is
// being written goes into the next batch (group commit): one atomic LevelDB batch holds each
// write's event header, value and object pointer, and the new revision counter (key layout in
// records.ts). Only one batch is in flight, so commit order = revision order; after a batch
// commits, its events go to watchers in revision order and its writers' promises resolve. A
// failed batch rolls the index back and fails every write queued behind it (they were checked
// against state that never existed).
//
// Reads see committed state only: they go to LevelDB (snapshots keep multi-read operations
// consistent), never to the index, which may be ahead by the writes still in flight.
import { assertRequestSize } from '../request-size.js';
import { Level } from 'level';
import {
  StorageError,
  setMetadataResourceVersion,
  type Backend,
  type BackendOptions,
  type BackendWatchOptions,
  type ListOptions,
  type ListResult,
  type StorageEvent,
  type StorageEventType,
  type StoredObject,
  type Versioner,
  type WatchHandle,
} from '../../types.js';
import { Rollback } from '../revision-rollback.js';
import { SortedByKey } from '../../sorted-by-key.js';
import { prefixEnd, validateKey } from '../storage-keys.js';
import { WatchHub, type Subscription } from '../watch-hub.js';
import { compactHistory } from './history-compaction.js';
import {
  COMPACTED_KEY,
  COMPACTING_KEY,
  OBJECT_PREFIX,
  REVISION_KEY,
  decodeHeader,
  decodePointer,
  encodeHeader,
  encodePointer,
  headerKey,
  objectKey,
  revisionOfKey,
  valueKey,
  type EventHeader,
  type ObjectPointer,
} from './records.js';
import { objectJson } from '../../object-json.js';

export type LevelDb = Level<string, string>;
type Snapshot = ReturnType<LevelDb['snapshot']>;
export type BatchOp = { type: 'put'; key: string; value: string } | { type: 'del'; key: string };

export interface LevelDbBackendOptions extends BackendOptions {
  /**
   * LevelDB memtable size. Larger buffers mean fewer level-0 files and far fewer write stalls
   * under sustained load (4 MB, LevelDB's default, halves create throughput); LevelDB may hold
   * two of them in memory.
   */
  writeBufferSize?: number;
  /** Live keys above which afterFullRead reopens the database (default REOPEN_AFTER_READ_KEYS). */
  reopenAfterReadKeys?: number;
  /** Writes one atomic batch. Tests replace it to inject failures. */
  commitBatch?: (db: LevelDb, ops: BatchOp[]) => Promise<void>;
}

const DEFAULT_WRITE_BUFFER = 8 * 1024 * 1024;
/**
 * LevelDB's block cache. Reads are served by the watch cache, so LevelDB's own reads are the
 * start-up scan and the rare previous value or replay; its default of 8 MB of blocks, allocated
 * by the reading threads and kept, pinned tens of MB of their malloc arenas after a restart.
 */
const DEFAULT_BLOCK_CACHE = 256 * 1024;
/**
 * A full read of more live keys than this (the watch cache's start) is followed by reopening the
 * database: LevelDB maps its table files into memory, and the scan left every page of them
 * resident, counted in the process's RSS (about 2.2 KB per stored pod). Below it, reopening
 * costs more start-up time than the few MB it returns.
 */
const REOPEN_AFTER_READ_KEYS = 5_000;
const READ_CHUNK = 256;
/** A queue longer than this, found with the disk idle, is written as two batches (see drainQueue). */
const MIN_SPLIT = 16;

interface ReplayedEvent {
  revision: number;
  header: EventHeader;
}

interface PendingWrite {
  type: StorageEventType;
  key: string;
  revision: number;
  createRevision: number;
  /** The key's modRevision before this write; 0 for creates. */
  prevModRevision: number;
  /** The new object JSON; for deletes, filled in when the batch is built. */
  value: string | undefined;
  /** The object before this write (updates, deletes); read from disk when the batch is built if not at hand. */
  prevValue: string | undefined;
  /** The index entry this write replaced, for rollback. */
  undo: IndexEntry | undefined;
  resolve: (stored: StoredObject) => void;
  reject: (err: unknown) => void;
}

/**
 * A live key's entry in the index. It holds the key string too: a list hands out that one
 * instance rather than a copy read from disk, so the watch cache and the index share each key.
 */
interface IndexEntry extends ObjectPointer {
  readonly key: string;
}

const keyOfEntry = (entry: IndexEntry): string => entry.key;

export async function openLevelDbBackend(path: string, options: LevelDbBackendOptions = {}): Promise<LevelDbBackend> {
  const db: LevelDb = new Level<string, string>(path, { writeBufferSize: options.writeBufferSize ?? DEFAULT_WRITE_BUFFER, cacheSize: DEFAULT_BLOCK_CACHE });
  try {
    await db.open();
  } catch (err) {
    throw new Error(`cannot open LevelDB storage at ${path}: ${(err as Error).message}`, { cause: err });
  }
  const backend = new LevelDbBackend(db, options);
  try {
    await backend.load();
  } catch (err) {
    await db.close();
    throw err;
  }
  return backend;
}

export class LevelDbBackend implements Backend {
  private readonly versioner: Versioner;
  private readonly commitBatch: (db: LevelDb, ops: BatchOp[]) => Promise<void>;
  private readonly reopenAfterReadKeys: number;
  private readonly hub = new WatchHub();

  /** Live keys as assigned by accepted writes, committed or not, in key order (lookups, counts). */
  private index = new SortedByKey<IndexEntry>(keyOfEntry);
  private assignedRevision = 0;
  private committedRevision = 0;
  private compacted = 0;

  private queue: PendingWrite[] = [];
  /** Values of accepted, not yet committed writes by revision: the prevValue of a write right behind them. */
  private readonly pendingValues = new Map<number, string>();
  private flushScheduled = false;
  private flushLoop: Promise<void> | undefined;

  private compaction: Promise<void> = Promise.resolve();
  /** While the database is closed and reopened (afterFullRead): every use of it waits. */
  private reopening: Promise<void> | undefined;
  /** Reads and compactions running (each may hold an iterator or a snapshot), and who waits for none. */
  private inUse = 0;
  private idleWaiters: (() => void)[] = [];
  private readonly replays = new Set<Promise<void>>();
  private closing = false;
  private closed: Promise<void> | undefined;

  constructor(
    private readonly db: LevelDb,
    options: LevelDbBackendOptions = {},
  ) {
    this.versioner = options.versioner ?? setMetadataResourceVersion;
    this.commitBatch = options.commitBatch ?? writeChainedBatch;
    this.reopenAfterReadKeys = options.reopenAfterReadKeys ?? REOPEN_AFTER_READ_KEYS;
  }

  /** Loads revisions and the key index; resumes an interrupted compaction. Called once by openLevelDbBackend. */
  async load(): Promise<void> {
    const [revision, compacted, compacting] = (await this.db.getMany([REVISION_KEY, COMPACTED_KEY, COMPACTING_KEY])) as (string | undefined)[];
    this.committedRevision = this.assignedRevision = Number(revision ?? 0);
    this.compacted = Number(compacted ?? 0);

    const entries: IndexEntry[] = [];
    let sorted = true;
    // Keys read as bytes and decoded past the prefix: a string of its own, where slicing the
    // prefix off a string would keep both the slice and the whole key (for every stored object).
    const iterator = this.db.iterator<Buffer, string>({ gte: Buffer.from(OBJECT_PREFIX), lt: Buffer.from(prefixEnd(OBJECT_PREFIX)!), keyEncoding: 'buffer' });
    try {
      for (;;) {
        const rows = await iterator.nextv(4096);
        if (rows.length === 0) break;
        for (const [dbKey, pointer] of rows) {
          const key = dbKey.toString('utf8', OBJECT_PREFIX.length);
          // LevelDB orders by UTF-8 bytes, JavaScript by UTF-16 units: equal for the ASCII keys
          // Kubernetes uses, but do not trust it blindly.
          if (sorted && entries.length > 0 && entries[entries.length - 1]!.key >= key) sorted = false;
          const { createRevision, modRevision } = decodePointer(pointer);
          entries.push({ key, createRevision, modRevision });
        }
      }
    } finally {
      await iterator.close();
    }
    if (!sorted) entries.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    this.index = SortedByKey.fromSorted(keyOfEntry, entries);

    if (compacting !== undefined) {
      const [from, to] = compacting.split(' ').map(Number) as [number, number];
      this.compaction = this.runCompaction(from, to, false).catch(() => undefined);
    }
  }

  currentRevision(): number {
    return this.committedRevision;
  }

  async afterFullRead(): Promise<void> {
    if (this.index.size < this.reopenAfterReadKeys || this.closing) return;
    // Nothing may hold an iterator or snapshot while the database closes: let writes, replays,
    // reads and compactions finish; from the moment none runs, new ones wait for the reopening.
    for (;;) {
      if (this.flushLoop) await this.flushLoop;
      else if (this.queue.length > 0) this.startFlushLoop();
      else if (this.replays.size > 0) await Promise.allSettled([...this.replays]);
      else if (this.inUse > 0) await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
      else break;
    }
    if (this.reopening || this.closing) return;
    this.reopening = (async () => {
      await this.db.close();
      await this.db.open();
    })().finally(() => (this.reopening = undefined));
    await this.reopening;
  }

  compactedRevision(): number {
    return this.compacted;
  }

  /** Runs a use of the database that may hold an iterator or snapshot, never during a reopening. */
  private async using<T>(use: () => Promise<T>): Promise<T> {
    if (this.reopening) await this.reopening;
    this.inUse++;
    try {
      return await use();
    } finally {
      if (--this.inUse === 0 && this.idleWaiters.length > 0) for (const wake of this.idleWaiters.splice(0)) wake();
    }
  }

  get(key: string): Promise<StoredObject | undefined> {
    return this.using(() => this.readObject(key));
  }

  private async readObject(key: string): Promise<StoredObject | undefined> {
    this.assertOpen(key);
    validateKey(key);
    // When the key has no write in flight, the index already says where its value is.
    const known = this.index.get(key);
    if (known && known.modRevision <= this.committedRevision) {
      const value = await this.db.get(valueKey(known.modRevision));
      if (value !== undefined) return { key, value, createRevision: known.createRevision, modRevision: known.modRevision };
    }
    // Read pointer and value from one snapshot so that a commit and compaction between the two
    // reads cannot pull the value away.
    const snapshot = this.db.snapshot();
    try {
      const pointerText = await this.db.get(objectKey(key), { snapshot });
      if (pointerText === undefined) return undefined;
      const pointer = decodePointer(pointerText);
      const value = await this.db.get(valueKey(pointer.modRevision), { snapshot });
      if (value === undefined) throw corrupt(key, pointer.modRevision);
      return { key, value, ...pointer };
    } finally {
      await snapshot.close();
    }
  }

  list(prefix: string, options: ListOptions = {}): Promise<ListResult> {
    return this.using(() => this.readList(prefix, options));
  }

  private async readList(prefix: string, options: ListOptions): Promise<ListResult> {
    this.assertOpen(prefix);
    // The snapshot may already hold a batch whose commit callback has not run yet; list as of
    // the committed revision (rolling that batch back) so that the result never runs ahead of
    // currentRevision().
    const committed = this.committedRevision;
    const at = options.revision || committed;
    if (at > committed) throw new StorageError('FutureRevision', prefix, committed);
    if (at < this.compacted) throw new StorageError('Compacted', prefix, this.compacted);
    const snapshot = this.db.snapshot();
    try {
      const snapshotRevision = Number((await this.db.get(REVISION_KEY, { snapshot })) ?? 0);
      const limit = options.limit && options.limit > 0 ? options.limit : Infinity;
      const startAfter = options.startAfter !== undefined && options.startAfter >= prefix ? options.startAfter : undefined;
      const end = prefixEnd(prefix);

      const rollback = new Rollback();
      if (at < snapshotRevision) {
        await this.forEachEvent(at, snapshotRevision, snapshot, (_revision, header) => {
          if (header.key.startsWith(prefix)) rollback.note(header.key, header.type, header.createRevision, header.prevModRevision);
        });
      }
      const range = {
        ...(startAfter === undefined ? { gte: objectKey(prefix) } : { gt: objectKey(startAfter) }),
        ...(end === undefined ? { lt: prefixEnd(OBJECT_PREFIX)! } : { lt: objectKey(end) }),
        snapshot,
      };
      // Without rollback the range read can stop at limit+1; with it, keys may drop out, so read on.
      const current = await this.readPointers(range, rollback.isEmpty && limit !== Infinity ? limit + 1 : Infinity);
      const source = rollback.isEmpty ? current : rollback.overlay(current, startAfter ?? '', end);

      const selected: [string, ObjectPointer][] = [];
      let more = false;
      for (const entry of source) {
        if (selected.length === limit) {
          more = true;
          break;
        }
        selected.push(entry);
      }
      const values = (await this.db.getMany(
        selected.map(([, pointer]) => valueKey(pointer.modRevision)),
        { snapshot },
      )) as (string | undefined)[];
      const items: StoredObject[] = new Array(selected.length);
      for (let i = 0; i < selected.length; i++) {
        const [key, { createRevision, modRevision }] = selected[i]!;
        const value = values[i];
        if (value === undefined) throw corrupt(key, modRevision);
        items[i] = { key, value, createRevision, modRevision };
      }
      return { items, revision: at, more };
    } finally {
      await snapshot.close();
    }
  }

  async count(prefix: string): Promise<number> {
    this.assertOpen(prefix);
    // From the index: counts writes still in flight too (a count is a gauge, not a snapshot).
    return prefix === '' ? this.index.size : this.index.countRange(prefix, prefixEnd(prefix));
  }

  create(key: string, obj: Record<string, unknown>): Promise<StoredObject> {
    try {
      this.assertOpen(key);
      validateKey(key);
      if (this.index.has(key)) throw new StorageError('KeyExists', key);
      const revision = this.assignedRevision + 1;
      this.versioner(obj, revision);
      const value = objectJson(obj);
      assertRequestSize(key, value);
      this.assignedRevision = revision;
      this.index.set({ key, createRevision: revision, modRevision: revision });
      this.pendingValues.set(revision, value);
      return this.enqueue('ADDED', key, revision, revision, 0, value, undefined, undefined);
    } catch (err) {
      return Promise.reject(err);
    }
  }

  update(key: string, obj: Record<string, unknown>, expectedModRevision: number): Promise<StoredObject> {
    try {
      this.assertOpen(key);
      validateKey(key);
      const current = this.index.get(key);
      if (!current) throw new StorageError('KeyNotFound', key);
      if (current.modRevision !== expectedModRevision) throw new StorageError('Conflict', key, current.modRevision);
      const revision = this.assignedRevision + 1;
      this.versioner(obj, revision);
      const value = objectJson(obj);
      assertRequestSize(key, value);
      this.assignedRevision = revision;
      this.index.set({ key, createRevision: current.createRevision, modRevision: revision });
      this.pendingValues.set(revision, value);
      const prevValue = this.pendingValues.get(current.modRevision);
      return this.enqueue('MODIFIED', key, revision, current.createRevision, current.modRevision, value, prevValue, current);
    } catch (err) {
      return Promise.reject(err);
    }
  }

  delete(key: string, expectedModRevision?: number): Promise<StoredObject> {
    try {
      this.assertOpen(key);
      validateKey(key);
      const current = this.index.get(key);
      if (!current) throw new StorageError('KeyNotFound', key);
      if (expectedModRevision !== undefined && current.modRevision !== expectedModRevision) {
        throw new StorageError('Conflict', key, current.modRevision);
      }
      const revision = ++this.assignedRevision;
      this.index.delete(key);
      const prevValue = this.pendingValues.get(current.modRevision);
      return this.enqueue('DELETED', key, revision, current.createRevision, current.modRevision, undefined, prevValue, current);
    } catch (err) {
      return Promise.reject(err);
    }
  }

  async watch(prefix: string, fromRevision: number, onEvent: (event: StorageEvent) => void, options: BackendWatchOptions = {}): Promise<WatchHandle> {
    this.assertOpen(prefix);
    if (this.reopening) await this.reopening;
    if (fromRevision < this.compacted) throw new StorageError('Compacted', prefix, this.compacted);
    const through = this.committedRevision;
    if (fromRevision > through) throw new StorageError('FutureRevision', prefix, through);
    const sub = this.hub.subscribe(prefix, through, onEvent, options.prevValues ?? true);
    if (fromRevision === through) {
      sub.goLive();
      return sub;
    }
    // The snapshot is taken now, before any compaction can delete what the replay will read.
    const snapshot = this.db.snapshot();
    const replay = this.replay(sub, fromRevision, through, snapshot);
    this.replays.add(replay);
    void replay.finally(() => this.replays.delete(replay));
    return sub;
  }

  async compact(revision: number): Promise<void> {
    this.assertOpen('');
    if (revision > this.committedRevision) throw new StorageError('FutureRevision', '', this.committedRevision);
    if (revision <= this.compacted) return this.compaction;
    // Refuse reads below the new floor at once; the deletion itself runs behind earlier compactions.
    const from = this.compacted;
    this.compacted = revision;
    const run = this.compaction.then(() => this.runCompaction(from, revision, true));
    this.compaction = run.catch(() => undefined);
    return run;
  }

  close(): Promise<void> {
    return (this.closed ??= this.shutdown());
  }

  private async shutdown(): Promise<void> {
    this.closing = true;
    while (this.queue.length > 0 || this.flushLoop) {
      this.startFlushLoop();
      await this.flushLoop;
    }
    this.hub.stopAll();
    await Promise.allSettled([this.compaction, ...this.replays, this.reopening]);
    await this.db.close();
  }

  // ---- writes ----------------------------------------------------------------------------

  private enqueue(
    type: StorageEventType,
    key: string,
    revision: number,
    createRevision: number,
    prevModRevision: number,
    value: string | undefined,
    prevValue: string | undefined,
    undo: IndexEntry | undefined,
  ): Promise<StoredObject> {
    const promise = new Promise<StoredObject>((resolve, reject) => {
      this.queue.push({ type, key, revision, createRevision, prevModRevision, value, prevValue, undo, resolve, reject });
    });
    this.scheduleFlush();
    return promise;
  }

  /** Waits one turn of the event loop so that concurrent writes share a batch. */
  private scheduleFlush(): void {
    if (this.flushLoop || this.flushScheduled) return;
    this.flushScheduled = true;
    setImmediate(() => {
      this.flushScheduled = false;
      this.startFlushLoop();
    });
  }

  private startFlushLoop(): void {
    if (this.flushLoop || this.queue.length === 0) return;
    this.flushLoop = this.drainQueue().finally(() => {
      this.flushLoop = undefined;
      if (this.queue.length > 0) this.scheduleFlush();
    });
  }

  /**
   * Writes batches one at a time, in revision order. As soon as one is on disk the next is
   * handed to LevelDB, and only then are the finished batch's events delivered and its writers
   * resumed: their follow-up work (the next requests) overlaps the disk write instead of
   * alternating with it. For that there must be a next batch, so a long queue found with the
   * disk idle is split in two; later batches take everything queued.
   */
  private async drainQueue(): Promise<void> {
    let batch: PendingWrite[] | undefined = this.takeBatch(true);
    let written = this.write(batch);
    while (batch) {
      const failure = await written;
      if (failure) {
        this.abort(batch, failure.error);
        return;
      }
      const done = batch;
      batch = this.queue.length > 0 ? this.takeBatch(false) : undefined;
      if (batch) written = this.write(batch);
      this.finish(done);
    }
  }

  private takeBatch(split: boolean): PendingWrite[] {
    const n = this.queue.length;
    if (!split || n <= MIN_SPLIT) {
      const batch = this.queue;
      this.queue = [];
      return batch;
    }
    return this.queue.splice(0, Math.ceil(n / 2));
  }

  /** One atomic LevelDB batch for `batch`; resolves to the failure, if any (never rejects). */
  private async write(batch: PendingWrite[]): Promise<{ error: unknown } | undefined> {
    try {
      if (this.reopening) await this.reopening;
      const reading = this.readPrevValues(batch);
      if (reading) await reading;
      const ops: BatchOp[] = [];
      for (const w of batch) {
        if (w.type === 'DELETED') w.value = this.restamp(w.prevValue!, w.revision);
        ops.push({ type: 'put', key: headerKey(w.revision), value: encodeHeader(w.type, w.key, w.createRevision, w.prevModRevision) });
        ops.push({ type: 'put', key: valueKey(w.revision), value: w.value! });
        ops.push(
          w.type === 'DELETED'
            ? { type: 'del', key: objectKey(w.key) }
            : { type: 'put', key: objectKey(w.key), value: encodePointer(w.createRevision, w.revision) },
        );
      }
      ops.push({ type: 'put', key: REVISION_KEY, value: String(batch[batch.length - 1]!.revision) });
      await this.commitBatch(this.db, ops);
      return undefined;
    } catch (error) {
      return { error };
    }
  }

  /** The batch is on disk: make it visible, tell watchers, resume its writers. */
  private finish(batch: PendingWrite[]): void {
    this.committedRevision = batch[batch.length - 1]!.revision;
    for (const w of batch) this.pendingValues.delete(w.revision);
    if (this.hub.watcherCount > 0) for (const w of batch) this.hub.publish(toEvent(w));
    for (const w of batch) {
      w.resolve(
        w.type === 'DELETED'
          ? { key: w.key, value: w.prevValue!, createRevision: w.createRevision, modRevision: w.prevModRevision }
          : { key: w.key, value: w.value!, createRevision: w.createRevision, modRevision: w.revision },
      );
    }
  }

  /**
   * Reads from disk the previous values of deletes, and of updates when a watcher wants them,
   * whose previous write was already committed when they were accepted (the others took it from
   * pendingValues). Undefined when there is nothing to read, so that the batch goes to LevelDB
   * without yielding first. (The watch cache keeps the previous state itself: a busy cluster's
   * writes are mostly updates, and reading each one's previous value back cost a disk read per
   * batch and ~4 % of the CPU of 3,000 pods starting.)
   */
  private readPrevValues(batch: PendingWrite[]): Promise<void> | undefined {
    let missing: PendingWrite[] | undefined;
    const updates = this.hub.wantsPrevValues;
    for (const w of batch) if ((w.type === 'DELETED' || (updates && w.type === 'MODIFIED')) && w.prevValue === undefined) (missing ??= []).push(w);
    if (!missing) return undefined;
    const wanted = missing;
    return this.db.getMany(wanted.map((w) => valueKey(w.prevModRevision))).then((values: (string | undefined)[]) => {
      for (let i = 0; i < wanted.length; i++) {
        const w = wanted[i]!;
        const value = values[i];
        if (value === undefined) throw corrupt(w.key, w.prevModRevision);
        w.prevValue = value;
      }
    });
  }

  /** The deleted object as a DELETED event carries it: its last value, stamped with the deletion revision. */
  private restamp(value: string, revision: number): string {
    const obj = JSON.parse(value) as Record<string, unknown>;
    this.versioner(obj, revision);
    return objectJson(obj);
  }

  /** Undo a failed batch and everything queued behind it, newest first, back to the committed state. */
  private abort(batch: PendingWrite[], cause: unknown): void {
    const failed = batch.concat(this.queue);
    this.queue = [];
    for (let i = failed.length - 1; i >= 0; i--) {
      const w = failed[i]!;
      this.pendingValues.delete(w.revision);
      if (w.undo) this.index.set(w.undo);
      else this.index.delete(w.key);
    }
    this.assignedRevision = this.committedRevision;
    const reason = cause instanceof Error ? cause.message : String(cause);
    for (const w of failed) {
      const err = new StorageError('Unavailable', w.key, 0, `storage write failed: ${reason}`);
      err.cause = cause;
      w.reject(err);
    }
  }

  // ---- reads -----------------------------------------------------------------------------

  private async readPointers(
    range: { gt?: string; gte?: string; lt: string; snapshot: Snapshot },
    limit: number,
  ): Promise<[string, ObjectPointer][]> {
    const result: [string, ObjectPointer][] = [];
    const iterator = this.db.iterator(limit === Infinity ? range : { ...range, limit });
    try {
      for (;;) {
        const entries = await iterator.nextv(4096);
        if (entries.length === 0) break;
        // The index's instance of each key: both are in key order, so one search per batch and a
        // walk alongside (the index does not change within this synchronous loop).
        const known = this.index.range(entries[0]![0].slice(OBJECT_PREFIX.length), false, undefined);
        let entry = known.next();
        for (const [dbKey, pointer] of entries) {
          const key = dbKey.slice(OBJECT_PREFIX.length);
          while (!entry.done && entry.value.key < key) entry = known.next();
          result.push([!entry.done && entry.value.key === key ? entry.value.key : key, decodePointer(pointer)]);
        }
      }
    } finally {
      await iterator.close();
    }
    return result;
  }

  /** Calls `fn` for each event header in (after, through], in revision order, read in chunks. */
  private async forEachEvent(
    after: number,
    through: number,
    snapshot: Snapshot,
    fn: (revision: number, header: EventHeader) => void,
    chunkDone?: () => Promise<boolean>,
  ): Promise<void> {
    const iterator = this.db.iterator({ gt: headerKey(after), lte: headerKey(through), snapshot });
    try {
      for (;;) {
        const entries = await iterator.nextv(READ_CHUNK);
        if (entries.length === 0) break;
        for (const [dbKey, text] of entries) fn(revisionOfKey(dbKey), decodeHeader(text));
        if (chunkDone && !(await chunkDone())) return;
      }
    } finally {
      await iterator.close();
    }
  }

  /** Replays (fromRevision, through] to one watcher, chunk by chunk, then lets it go live. */
  private async replay(sub: Subscription, fromRevision: number, through: number, snapshot: Snapshot): Promise<void> {
    try {
      let chunk: ReplayedEvent[] = [];
      const deliverChunk = async (): Promise<boolean> => {
        if (sub.isStopped) return false;
        await this.deliverReplayed(sub, chunk, snapshot);
        chunk = [];
        return !sub.isStopped;
      };
      await this.forEachEvent(
        fromRevision,
        through,
        snapshot,
        (revision, header) => {
          if (header.key.startsWith(sub.prefix)) chunk.push({ revision, header });
        },
        deliverChunk,
      );
      sub.goLive();
    } catch {
      // The contract has no error channel for a running watch; a replay fails only when the
      // database is closing or broken, and the watcher then ends without further events.
      sub.stop();
    } finally {
      await snapshot.close();
    }
  }

  /** Reads the values of one chunk of replayed events (and their previous values) at once, then delivers them. */
  private async deliverReplayed(sub: Subscription, chunk: ReplayedEvent[], snapshot: Snapshot): Promise<void> {
    if (chunk.length === 0) return;
    const revisions: number[] = chunk.map((e) => e.revision);
    const inChunk = new Set(revisions);
    for (const { header } of chunk) {
      // A previous value is mostly an earlier event of the same chunk, already being read.
      if (header.prevModRevision > 0 && !inChunk.has(header.prevModRevision)) {
        inChunk.add(header.prevModRevision);
        revisions.push(header.prevModRevision);
      }
    }
    const values = (await this.db.getMany(revisions.map(valueKey), { snapshot })) as (string | undefined)[];
    const byRevision = new Map<number, string>();
    for (let i = 0; i < revisions.length; i++) if (values[i] !== undefined) byRevision.set(revisions[i]!, values[i]!);
    for (const { revision, header } of chunk) {
      const value = byRevision.get(revision);
      if (value === undefined) throw corrupt(header.key, revision);
      const event: StorageEvent = { type: header.type, key: header.key, revision, value, createRevision: header.createRevision };
      if (header.prevModRevision > 0) {
        const prevValue = byRevision.get(header.prevModRevision);
        if (prevValue !== undefined) event.prevValue = prevValue;
      }
      sub.deliver(event);
    }
  }

  // ---- compaction ------------------------------------------------------------------------

  private runCompaction(from: number, to: number, record: boolean): Promise<void> {
    return this.using(() => this.compactNow(from, to, record));
  }

  private async compactNow(from: number, to: number, record: boolean): Promise<void> {
    if (record) {
      // Persist the new floor before deleting anything: after a crash mid-way, history below
      // it may be partly gone, so it must never be readable again; the marker resumes the rest.
      await this.db.batch([
        { type: 'put', key: COMPACTED_KEY, value: String(to) },
        { type: 'put', key: COMPACTING_KEY, value: `${from} ${to}` },
      ]);
    }
    const finished = await compactHistory(this.db, from, to, () => this.closing);
    if (finished) await this.db.del(COMPACTING_KEY);
  }

  private assertOpen(key: string): void {
    if (this.closing) throw new StorageError('Unavailable', key, 0, 'storage backend is closed');
  }
}

/**
 * Hands the operations to LevelDB one by one (a chained batch) rather than as an array: the
 * array form re-validates and copies every operation in JavaScript before the native call.
 */
function writeChainedBatch(db: LevelDb, ops: BatchOp[]): Promise<void> {
  const batch = db.batch();
  for (const op of ops) {
    if (op.type === 'put') batch.put(op.key, op.value);
    else batch.del(op.key);
  }
  return batch.write();
}

function toEvent(w: PendingWrite): StorageEvent {
  const event: StorageEvent = { type: w.type, key: w.key, revision: w.revision, value: w.value!, createRevision: w.createRevision };
  if (w.prevValue !== undefined) event.prevValue = w.prevValue;
  return event;
}

function corrupt(key: string, revision: number): Error {
  return new Error(`LevelDB storage is corrupt: no value at revision ${revision} for ${key}`);
}
