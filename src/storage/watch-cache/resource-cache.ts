// The cached state and recent history of one resource (all keys under one prefix), kept
// current by the events of the storage backend. Serves get, list (now or at a retained
// revision, for consistent pagination) and watch (from any retained revision).
import { SortedByKey } from '../sorted-by-key.js';
import { StorageError } from '../types.js';
import type { ObjectSlabs } from './object-slabs.js';
import { CachedObject, parseCached, type AttrsFunc, type ObjectAttrs, type CacheEvent, type CacheEventType, type CacheWatcher, type WatchRequest } from './types.js';

export interface ListSnapshot {
  /** Objects in key order. */
  items: CachedObject[];
  revision: number;
}

interface ActiveWatcher {
  req: WatchRequest;
  stopped: boolean;
}

export class ResourceCache {
  /** The current state, in key order (lists are slices of it). */
  private readonly objects = new SortedByKey<CachedObject>(keyOfObject);
  /** Events in revision order; history[0] is the oldest retained. */
  private history: CacheEvent[] = [];
  /** Events with revision > oldestRevision are all in history. */
  private oldestRevision: number;
  private readonly watchers = new Set<ActiveWatcher>();
  /** Counts changes to the current state, so that readers of a small resource can tell nothing changed without listing it. */
  private changes = 0;

  constructor(
    readonly prefix: string,
    private readonly attrs: AttrsFunc,
    private readonly historyCapacity: number,
    startRevision: number,
    private readonly currentRevision: () => number,
    /** Where objects' bytes are kept; the cache tells it which objects it holds (state and history). */
    private readonly slabs: ObjectSlabs,
  ) {
    this.oldestRevision = startRevision;
  }

  /**
   * Builds the cached form of a stored object. Selector attributes are `attrs` when the writer
   * took them from its object, else they come from the bytes when a selector first needs them.
   */
  toCached(key: string, json: string | Buffer, modRevision: number, createRevision: number, attrs?: ObjectAttrs): CachedObject {
    return CachedObject.inSlabs(this.slabs, key, json, modRevision, createRevision, attrs ?? this.attrs);
  }

  /** The selector attributes of an object of this resource. */
  attrsOf(obj: Record<string, unknown>): ObjectAttrs {
    return this.attrs(obj);
  }

  /** Initial state, at the cache's start revision. */
  load(obj: CachedObject): void {
    this.changes++;
    this.slabs.retain(obj);
    const prev = this.objects.set(obj);
    if (prev) this.slabs.release(prev);
  }

  /** An event older than the start revision: history only (it lets watches resume across restarts). */
  addHistory(event: CacheEvent): void {
    this.retainEvent(event);
    this.history.push(event);
    if (this.oldestRevision >= event.revision) this.oldestRevision = event.revision - 1;
    this.trimHistory();
  }

  /** Before replayed history is added: the oldest revision a watch may resume from. */
  setOldestRevision(revision: number): void {
    this.oldestRevision = revision;
  }

  apply(type: CacheEventType, key: string, object: CachedObject, revision: number): CacheEvent {
    this.changes++;
    let prev: CachedObject | undefined;
    if (type === 'DELETED') prev = this.objects.delete(key);
    else {
      this.slabs.retain(object);
      prev = this.objects.set(object);
    }
    const event: CacheEvent = { type, revision, object, prev };
    this.retainEvent(event);
    if (prev) this.slabs.release(prev);
    this.history.push(event);
    this.trimHistory();
    for (const w of this.watchers) this.deliver(w, event);
    return event;
  }

  private trimHistory(): void {
    if (this.history.length <= this.historyCapacity * 1.25) return;
    const drop = this.history.length - this.historyCapacity;
    this.oldestRevision = this.history[drop - 1].revision;
    for (let i = 0; i < drop; i++) this.releaseEvent(this.history[i]);
    this.history = this.history.slice(drop);
  }

  private retainEvent(event: CacheEvent): void {
    this.slabs.retain(event.object);
    if (event.prev) this.slabs.retain(event.prev);
  }

  private releaseEvent(event: CacheEvent): void {
    this.slabs.release(event.object);
    if (event.prev) this.slabs.release(event.prev);
  }

  /** The cache is dropped (its resource unregistered): nothing of it is held any more. */
  releaseAll(): void {
    for (const obj of this.objects.values()) this.slabs.release(obj);
    for (const event of this.history) this.releaseEvent(event);
    this.objects.clear();
    this.history = [];
  }

  get(key: string): CachedObject | undefined {
    return this.objects.get(key);
  }

  size(): number {
    return this.objects.size;
  }

  /** Different after every change to the current state (same as before: nothing changed). */
  changeCount(): number {
    return this.changes;
  }

  /**
   * Objects under `keyPrefix` as of `revision` (default: now). A past revision is rebuilt by
   * undoing the retained events after it; older than the history → Compacted.
   */
  list(keyPrefix: string, revision?: number): ListSnapshot {
    const now = this.currentRevision();
    const at = revision === undefined || revision >= now ? now : revision;
    const items = this.objects.withPrefix(keyPrefix);
    if (at === now) return { items, revision: now };
    return { items: this.rollBack(items, keyPrefix, at), revision: at };
  }

  private rollBack(current: CachedObject[], keyPrefix: string, revision: number): CachedObject[] {
    if (revision < this.oldestRevision) throw new StorageError('Compacted', this.prefix, this.oldestRevision);
    const state = new Map<string, CachedObject>();
    for (const obj of current) state.set(obj.key, obj);
    for (let i = this.history.length - 1; i >= 0 && this.history[i].revision > revision; i--) {
      const ev = this.history[i];
      if (!ev.object.key.startsWith(keyPrefix)) continue;
      if (ev.type === 'ADDED') state.delete(ev.object.key);
      else if (ev.prev) state.set(ev.object.key, ev.prev);
      else state.delete(ev.object.key);
    }
    return [...state.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }

  /** The oldest revision a watch or a past list may start from. */
  oldestServableRevision(): number {
    return this.oldestRevision;
  }

  watch(req: WatchRequest): CacheWatcher {
    if (req.fromRevision < this.oldestRevision) throw new StorageError('Compacted', this.prefix, this.oldestRevision);
    const watcher: ActiveWatcher = { req, stopped: false };
    // Replay retained history after fromRevision, then receive live events (delivery is synchronous, so
    // nothing can slip in between).
    let i = this.history.length;
    while (i > 0 && this.history[i - 1].revision > req.fromRevision) i--;
    for (; i < this.history.length && !watcher.stopped; i++) this.deliver(watcher, this.history[i]);
    if (!watcher.stopped) this.watchers.add(watcher);
    return {
      stop: () => {
        watcher.stopped = true;
        this.watchers.delete(watcher);
      },
    };
  }

  watcherCount(): number {
    return this.watchers.size;
  }

  /** Ends every watch (shutdown). */
  closeWatchers(reason: string): void {
    for (const w of [...this.watchers]) {
      w.stopped = true;
      this.watchers.delete(w);
      w.req.onClose?.(reason);
    }
  }

  private deliver(w: ActiveWatcher, event: CacheEvent): void {
    const { req } = w;
    const obj = event.object;
    if (req.keyPrefix && !obj.key.startsWith(req.keyPrefix)) return;
    if (!req.matches) {
      req.onEvent(event, event.type, obj);
      return;
    }
    const now = event.type !== 'DELETED' && req.matches(obj);
    const before = event.type === 'DELETED' ? req.matches(obj) : event.prev !== undefined && event.type === 'MODIFIED' && req.matches(event.prev);
    if (event.type === 'DELETED') {
      if (before) req.onEvent(event, 'DELETED', obj);
    } else if (now && before) req.onEvent(event, 'MODIFIED', obj);
    else if (now) req.onEvent(event, 'ADDED', obj);
    else if (before) req.onEvent(event, 'DELETED', event.prev!.withRevision(event.revision));
  }
}

function keyOfObject(obj: CachedObject): string {
  return obj.key;
}
