// The in-memory backend: the reference semantics of the storage contract, no persistence.
// Used by tests and `--storage memory`. Every write commits synchronously, so check-and-assign
// needs no locking; events reach watchers before the write's promise resolves.
import { assertRequestSize } from '../request-size.js';
import {
  StorageError,
  setMetadataResourceVersion,
  type Backend,
  type BackendOptions,
  type ListOptions,
  type ListResult,
  type StorageEvent,
  type StoredObject,
  type Versioner,
  type WatchHandle,
} from '../../types.js';
import { Rollback } from '../revision-rollback.js';
import { SortedKeySet } from '../sorted-key-set.js';
import { prefixEnd, validateKey } from '../storage-keys.js';
import { WatchHub } from '../watch-hub.js';
import { objectJson } from '../../object-json.js';

interface LoggedEvent {
  event: StorageEvent;
  /** modRevision of the key before this event (0 for ADDED). */
  prevModRevision: number;
}

export function createMemoryBackend(options: BackendOptions = {}): MemoryBackend {
  return new MemoryBackend(options);
}

export class MemoryBackend implements Backend {
  private readonly versioner: Versioner;
  private readonly objects = new Map<string, StoredObject>();
  private readonly keys = new SortedKeySet();
  /** Events after the compacted revision; revisions are contiguous, so log[i] has revision logStart + i. */
  private log: LoggedEvent[] = [];
  private logStart = 1;
  private revision = 0;
  private compacted = 0;
  private closed = false;
  private readonly hub = new WatchHub();

  constructor(options: BackendOptions = {}) {
    this.versioner = options.versioner ?? setMetadataResourceVersion;
  }

  currentRevision(): number {
    return this.revision;
  }

  compactedRevision(): number {
    return this.compacted;
  }

  async get(key: string): Promise<StoredObject | undefined> {
    this.assertOpen(key);
    validateKey(key);
    return this.objects.get(key);
  }

  async list(prefix: string, options: ListOptions = {}): Promise<ListResult> {
    this.assertOpen(prefix);
    const at = options.revision || this.revision;
    this.checkReadableRevision(prefix, at);
    const limit = options.limit && options.limit > 0 ? options.limit : Infinity;
    const startAfter = options.startAfter !== undefined && options.startAfter >= prefix ? options.startAfter : undefined;
    const end = prefixEnd(prefix);
    const current = this.currentEntries(prefix, startAfter, end);

    let source: Iterable<[string, { value?: string; createRevision: number; modRevision: number }]> = current;
    if (at < this.revision) {
      const rollback = new Rollback();
      for (let i = at + 1 - this.logStart; i < this.log.length; i++) {
        const { event, prevModRevision } = this.log[i]!;
        if (event.key.startsWith(prefix)) rollback.note(event.key, event.type, event.createRevision, prevModRevision, event.prevValue);
      }
      if (!rollback.isEmpty) source = rollback.overlay(current, startAfter ?? '', end);
    }

    const items: StoredObject[] = [];
    let more = false;
    for (const [key, state] of source) {
      if (items.length === limit) {
        more = true;
        break;
      }
      items.push(isStored(state) ? state : { key, value: state.value!, createRevision: state.createRevision, modRevision: state.modRevision });
    }
    return { items, revision: at, more };
  }

  async count(prefix: string): Promise<number> {
    this.assertOpen(prefix);
    return prefix === '' ? this.keys.size : this.keys.countRange(prefix, prefixEnd(prefix));
  }

  async create(key: string, obj: Record<string, unknown>): Promise<StoredObject> {
    this.assertOpen(key);
    validateKey(key);
    if (this.objects.has(key)) throw new StorageError('KeyExists', key);
    const revision = this.revision + 1;
    this.versioner(obj, revision);
    const value = objectJson(obj);
    assertRequestSize(key, value);
    const stored: StoredObject = { key, value, createRevision: revision, modRevision: revision };
    this.objects.set(key, stored);
    this.keys.add(key);
    this.append({ type: 'ADDED', key, revision, value, createRevision: revision }, 0);
    return stored;
  }

  async update(key: string, obj: Record<string, unknown>, expectedModRevision: number): Promise<StoredObject> {
    this.assertOpen(key);
    validateKey(key);
    const current = this.objects.get(key);
    if (!current) throw new StorageError('KeyNotFound', key);
    if (current.modRevision !== expectedModRevision) throw new StorageError('Conflict', key, current.modRevision);
    const revision = this.revision + 1;
    this.versioner(obj, revision);
    const value = objectJson(obj);
    assertRequestSize(key, value);
    const stored: StoredObject = { key, value, createRevision: current.createRevision, modRevision: revision };
    this.objects.set(key, stored);
    this.append(
      { type: 'MODIFIED', key, revision, value, prevValue: current.value, createRevision: current.createRevision },
      current.modRevision,
    );
    return stored;
  }

  async delete(key: string, expectedModRevision?: number): Promise<StoredObject> {
    this.assertOpen(key);
    validateKey(key);
    const current = this.objects.get(key);
    if (!current) throw new StorageError('KeyNotFound', key);
    if (expectedModRevision !== undefined && current.modRevision !== expectedModRevision) {
      throw new StorageError('Conflict', key, current.modRevision);
    }
    const revision = this.revision + 1;
    const obj = JSON.parse(current.value) as Record<string, unknown>;
    this.versioner(obj, revision);
    const value = objectJson(obj);
    this.objects.delete(key);
    this.keys.delete(key);
    this.append(
      { type: 'DELETED', key, revision, value, prevValue: current.value, createRevision: current.createRevision },
      current.modRevision,
    );
    return current;
  }

  async watch(prefix: string, fromRevision: number, onEvent: (event: StorageEvent) => void): Promise<WatchHandle> {
    this.assertOpen(prefix);
    if (fromRevision < this.compacted) throw new StorageError('Compacted', prefix, this.compacted);
    if (fromRevision > this.revision) throw new StorageError('FutureRevision', prefix, this.revision);
    const history: StorageEvent[] = [];
    for (let i = Math.max(0, fromRevision + 1 - this.logStart); i < this.log.length; i++) {
      const event = this.log[i]!.event;
      if (event.key.startsWith(prefix)) history.push(event);
    }
    const sub = this.hub.subscribe(prefix, this.revision, onEvent);
    // Deliver history on a later turn: the caller holds the handle before its first event.
    setImmediate(() => {
      for (const event of history) sub.deliver(event);
      sub.goLive();
    });
    return sub;
  }

  async compact(revision: number): Promise<void> {
    this.assertOpen('');
    if (revision > this.revision) throw new StorageError('FutureRevision', '', this.revision);
    if (revision <= this.compacted) return;
    const drop = revision + 1 - this.logStart;
    this.log = drop >= this.log.length ? [] : this.log.slice(drop);
    this.logStart = revision + 1;
    this.compacted = revision;
  }

  async close(): Promise<void> {
    this.closed = true;
    this.hub.stopAll();
  }

  private append(event: StorageEvent, prevModRevision: number): void {
    this.revision = event.revision;
    this.log.push({ event, prevModRevision });
    this.hub.publish(event);
  }

  private *currentEntries(prefix: string, startAfter: string | undefined, end: string | undefined): Generator<[string, StoredObject]> {
    const keys = startAfter === undefined ? this.keys.range(prefix, false, end) : this.keys.range(startAfter, true, end);
    for (const key of keys) yield [key, this.objects.get(key)!];
  }

  private checkReadableRevision(key: string, revision: number): void {
    if (revision > this.revision) throw new StorageError('FutureRevision', key, this.revision);
    if (revision < this.compacted) throw new StorageError('Compacted', key, this.compacted);
  }

  private assertOpen(key: string): void {
    if (this.closed) throw new StorageError('Unavailable', key, 0, 'storage backend is closed');
  }
}

function isStored(state: object): state is StoredObject {
  return 'key' in state;
}
