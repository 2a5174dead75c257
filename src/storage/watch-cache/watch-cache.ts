// The watch cache: one ResourceCache per resource prefix, all fed by a single watch on the
// backend, so get/list/watch never touch disk (kube-apiserver's cacher, in one process).
// Writes pass straight through to the backend.
import type { Backend, StorageEvent, StoredObject } from '../types.js';
import { COLLECT_AFTER_LOAD_OBJECTS, collectHeapAfterLoad } from './heap-after-load.js';
import { ObjectSlabs } from './object-slabs.js';
import { ResourceCache } from './resource-cache.js';
import type { AttrsFunc, ObjectAttrs } from './types.js';

export interface WatchCacheOptions {
  /** Events retained per resource for watch resumption and paginated lists. */
  historyCapacity?: number;
  /** Root of every key the cache serves. */
  root?: string;
}

interface RevisionWaiter {
  revision: number;
  resolve: () => void;
}

export class WatchCache {
  private readonly resources = new Map<string, ResourceCache>();
  private readonly historyCapacity: number;
  private readonly root: string;
  private revision = 0;
  private started = false;
  private stopWatch: (() => void) | undefined;
  private waiters: RevisionWaiter[] = [];
  /** Events for resources registered after start, held while their current state is read. */
  private readonly loading = new Map<ResourceCache, StorageEvent[]>();
  /**
   * Writes in flight, by key: the revision storage gave each and the selector attributes of its
   * object, taken while the writer had it, so that its event needs no parse. Only the attributes
   * are kept: under load tens of writes wait for their batch, and holding their whole objects
   * made every young-generation GC copy them.
   */
  private readonly inFlight = new Map<string, { revision: string; attrs: ObjectAttrs }>();
  /** Every resource's object bytes, in shared slabs. */
  private readonly slabs = new ObjectSlabs();

  constructor(readonly backend: Backend, options: WatchCacheOptions = {}) {
    this.historyCapacity = options.historyCapacity ?? 10_000;
    this.root = options.root ?? '/registry/';
  }

  /** Declares a resource: every key under `prefix` (which must end in '/'). Call before start(). */
  register(prefix: string, attrs: AttrsFunc): ResourceCache {
    if (this.started) throw new Error('WatchCache.register after start');
    if (!prefix.endsWith('/')) throw new Error(`resource prefix must end with '/': ${prefix}`);
    const existing = this.resources.get(prefix);
    if (existing) return existing;
    const cache = new ResourceCache(prefix, attrs, this.historyCapacity, 0, () => this.revision, this.slabs);
    this.resources.set(prefix, cache);
    return cache;
  }

  /**
   * Declares a resource while the cache runs (a CustomResourceDefinition's): its current objects
   * are read from the backend at the cache's revision, and the events that arrive meanwhile are
   * applied after them. Watches can start from the revision of the registration on.
   */
  async registerLive(prefix: string, attrs: AttrsFunc): Promise<ResourceCache> {
    if (!this.started) return this.register(prefix, attrs);
    if (!prefix.endsWith('/')) throw new Error(`resource prefix must end with '/': ${prefix}`);
    const existing = this.resources.get(prefix);
    if (existing) return existing;
    const revision = this.revision;
    const cache = new ResourceCache(prefix, attrs, this.historyCapacity, revision, () => this.revision, this.slabs);
    const held: StorageEvent[] = [];
    this.loading.set(cache, held);
    this.resources.set(prefix, cache);
    try {
      let startAfter: string | undefined;
      for (;;) {
        const page = await this.backend.list(prefix, { revision: revision || undefined, startAfter, limit: 500 });
        for (const item of page.items) cache.load(cache.toCached(item.key, item.value, item.modRevision, item.createRevision));
        if (!page.more || page.items.length === 0) break;
        startAfter = page.items[page.items.length - 1]!.key;
      }
    } finally {
      this.loading.delete(cache);
    }
    for (const event of held) if (event.revision > revision) cache.apply(event.type, event.key, cache.toCached(event.key, event.value, event.revision, event.createRevision), event.revision);
    return cache;
  }

  /** Forgets a resource registered live: its watchers end and its objects are no longer served. */
  unregister(prefix: string, reason: string): void {
    const cache = this.resources.get(prefix);
    if (!cache) return;
    cache.closeWatchers(reason);
    cache.releaseAll();
    this.resources.delete(prefix);
    this.loading.delete(cache);
  }

  /** Loads the current state and the retained history, then follows the backend. */
  async start(): Promise<void> {
    this.started = true;
    const startRevision = this.backend.currentRevision();
    // Read the store in pages: with everything in memory at once, the transient copies (tens of MB
    // for ten thousand pods) would stay in the process as fragmented native memory.
    // The next page is read while this one is copied in: the disk and the copying overlap.
    // Pages of 100 objects: the reading threads' buffers (a page's worth each) stay allocated in
    // their malloc arenas. Values come as strings, not Buffers: a Buffer per object was a malloc in
    // the main arena, alive until a scavenge, and the slabs allocated meanwhile pinned the holes
    // they left (8–12 MB more RSS, and more CPU); strings are young-generation garbage, given back
    // by the collection after the load.
    const readPage = (startAfter?: string) => this.backend.list(this.root, { revision: startRevision || undefined, startAfter, limit: 100 });
    let revision = startRevision;
    let loaded = 0;
    let reading = readPage();
    for (;;) {
      const page = await reading;
      revision = page.revision;
      const more = page.more && page.items.length > 0;
      if (more) reading = readPage(page.items[page.items.length - 1]!.key);
      for (const item of page.items) {
        const cache = this.cacheFor(item.key);
        if (cache) cache.load(cache.toCached(item.key, item.value, item.modRevision, item.createRevision));
      }
      loaded += page.items.length;
      if (!more) break;
    }
    this.revision = revision;
    const listed = { revision };
    // Replaying history gives watch clients events from before a restart: events up to the listed
    // revision are history only, later ones change the state. No resource keeps more than
    // historyCapacity events, so the replay starts at most that many revisions back (or at the
    // compacted revision): reading every event since the last compaction (a whole store's worth
    // after a bulk load) cost most of a restart's time and left its garbage behind.
    const from = Math.max(this.backend.compactedRevision(), revision - this.historyCapacity, 0);
    for (const cache of this.resources.values()) cache.setOldestRevision(Math.min(this.revision, from));
    const listedRevision = listed.revision;
    // Every revision is one event, so the replay is complete when the listed revision arrives.
    let replayed: () => void = () => {};
    const replayDone = from >= listedRevision ? Promise.resolve() : new Promise<void>((r) => (replayed = r));
    // Live events are applied against the cached state, which holds the previous object already.
    const handle = await this.backend.watch(
      this.root,
      from,
      (event) => {
        if (event.revision <= listedRevision) {
          this.addHistory(event);
          if (event.revision === listedRevision) replayed();
        } else this.applyEvent(event);
      },
      { prevValues: false },
    );
    await replayDone;
    this.stopWatch = () => handle.stop();
    await this.backend.afterFullRead?.();
    if (loaded > COLLECT_AFTER_LOAD_OBJECTS) await collectHeapAfterLoad();
  }

  private cacheFor(key: string): ResourceCache | undefined {
    // Keys are <root><group>/<resource>/…: the resource prefix is the first two segments after the root.
    const a = key.indexOf('/', this.root.length);
    if (a < 0) return undefined;
    const b = key.indexOf('/', a + 1);
    if (b < 0) return undefined;
    return this.resources.get(key.slice(0, b + 1));
  }

  private addHistory(event: StorageEvent): void {
    const cache = this.cacheFor(event.key);
    if (!cache) return;
    // The latest event of a key describes the object as it is now: share the cached object.
    const current = cache.get(event.key);
    const object =
      current && current.modRevision === event.revision && event.type !== 'DELETED'
        ? current
        : cache.toCached(event.key, event.value, event.revision, event.createRevision);
    const prev = event.prevValue === undefined ? undefined : cache.toCached(event.key, event.prevValue, prevRevision(event.prevValue), event.createRevision);
    cache.addHistory({ type: event.type, revision: event.revision, object, prev });
  }

  private applyEvent(event: StorageEvent): void {
    if (event.revision <= this.revision) return;
    const cache = this.cacheFor(event.key);
    this.revision = event.revision;
    const held = cache && this.loading.get(cache);
    if (held) held.push(event);
    else if (cache) {
      const written = this.inFlight.get(event.key);
      const attrs = event.type !== 'DELETED' && written?.revision === String(event.revision) ? written.attrs : undefined;
      cache.apply(event.type, event.key, cache.toCached(event.key, event.value, event.revision, event.createRevision, attrs), event.revision);
    }
    if (this.waiters.length) {
      const ready = this.waiters.filter((w) => w.revision <= this.revision);
      this.waiters = this.waiters.filter((w) => w.revision > this.revision);
      for (const w of ready) w.resolve();
    }
  }

  /** The revision of the latest event the cache has applied. */
  currentRevision(): number {
    return this.revision;
  }

  /** Resolves once the cache has caught up with `revision` (true), or after `timeoutMs` (false). */
  waitForRevision(revision: number, timeoutMs: number): Promise<boolean> {
    if (revision <= this.revision) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        resolve(false);
      }, timeoutMs);
      const waiter: RevisionWaiter = {
        revision,
        resolve: () => {
          clearTimeout(timer);
          resolve(true);
        },
      };
      this.waiters.push(waiter);
    });
  }

  create(key: string, obj: Record<string, unknown>): Promise<StoredObject> {
    const write = this.backend.create(key, obj);
    return this.written(key, this.noteInFlight(key, obj), write);
  }

  update(key: string, obj: Record<string, unknown>, expectedModRevision: number): Promise<StoredObject> {
    const write = this.backend.update(key, obj, expectedModRevision);
    return this.written(key, this.noteInFlight(key, obj), write);
  }

  /** After the backend took a write, and stamped its revision into `obj` as it does before it returns. */
  private noteInFlight(key: string, obj: Record<string, unknown>): { revision: string; attrs: ObjectAttrs } | undefined {
    const revision = (obj.metadata as { resourceVersion?: unknown } | undefined)?.resourceVersion;
    const cache = typeof revision === 'string' ? this.cacheFor(key) : undefined;
    if (!cache) return undefined;
    const entry = { revision: revision as string, attrs: cache.attrsOf(obj) };
    this.inFlight.set(key, entry);
    return entry;
  }

  private async written(key: string, entry: { revision: string; attrs: ObjectAttrs } | undefined, write: Promise<StoredObject>): Promise<StoredObject> {
    try {
      return await this.settled(await write);
    } finally {
      if (entry && this.inFlight.get(key) === entry) this.inFlight.delete(key);
    }
  }

  async delete(key: string, expectedModRevision?: number): Promise<StoredObject> {
    const deleted = await this.backend.delete(key, expectedModRevision);
    await this.waitForRevision(this.backend.currentRevision(), 5_000);
    return deleted;
  }

  // A write is visible to reads from the cache before the writer hears back (read-your-writes).
  private async settled(stored: StoredObject): Promise<StoredObject> {
    await this.waitForRevision(stored.modRevision, 5_000);
    return stored;
  }

  stop(reason = 'server shutting down'): void {
    this.stopWatch?.();
    for (const cache of this.resources.values()) cache.closeWatchers(reason);
  }
}

function prevRevision(json: string): number {
  const m = /"resourceVersion":"(\d+)"/.exec(json);
  return m ? Number(m[1]) : 0;
}
