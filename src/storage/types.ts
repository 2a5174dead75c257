// The storage contract: an etcd-shaped, revisioned key-value store of Kubernetes objects.
// One global revision, bumped by every write; an object's metadata.resourceVersion is the
// revision of its last modification. No kinds, no HTTP: keys and JSON objects only.

/** A stored object as read back: its JSON text (metadata.resourceVersion included) and revisions. */
export interface StoredObject {
  key: string;
  /** JSON text of the object, with metadata.resourceVersion === String(modRevision). */
  value: string;
  createRevision: number;
  modRevision: number;
}

export type StorageEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface StorageEvent {
  type: StorageEventType;
  key: string;
  /** The revision of this event: the new modRevision for ADDED/MODIFIED, the deletion revision for DELETED. */
  revision: number;
  /** The object after the event; for DELETED, the last stored value with resourceVersion set to the deletion revision. */
  value: string;
  /** The object before the event (MODIFIED and DELETED), when still retained. */
  prevValue?: string;
  createRevision: number;
}

export interface BackendWatchOptions {
  /**
   * Whether live MODIFIED events must carry prevValue (default true, as etcd's WithPrevKV). A
   * watcher that keeps the previous state itself says false, and a backend that would have to
   * read it back from disk then leaves it out. DELETED events and replayed history are unchanged.
   */
  prevValues?: boolean;
}

export interface ListOptions {
  /** List as of this revision (0 or absent: the current revision). Older than the compacted revision: Compacted. */
  revision?: number;
  /** Only keys strictly greater than this one (continue tokens). */
  startAfter?: string;
  /** At most this many items (0 or absent: no limit). */
  limit?: number;
}

export interface ListResult {
  items: StoredObject[];
  /** The revision the list was taken at. */
  revision: number;
  /** True when `limit` cut the list short. */
  more: boolean;
}

export interface WatchHandle {
  stop(): void;
}

export type StorageErrorCode = 'KeyNotFound' | 'KeyExists' | 'Conflict' | 'Compacted' | 'FutureRevision' | 'Unavailable' | 'InvalidKey' | 'RequestTooLarge';

export class StorageError extends Error {
  constructor(
    readonly code: StorageErrorCode,
    readonly key: string,
    /** For Conflict: the current modRevision; for Compacted: the compacted revision; for FutureRevision: the current revision. */
    readonly revision = 0,
    message?: string,
  ) {
    super(message ?? `${code}: ${key}${revision ? ` (revision ${revision})` : ''}`);
    this.name = 'StorageError';
  }
}

export function isStorageError(err: unknown, code?: StorageErrorCode): err is StorageError {
  return err instanceof StorageError && (code === undefined || err.code === code);
}

/**
 * Stamps the revision into an object before it is serialized: the one place storage touches
 * an object's shape (kube-apiserver calls this the Versioner).
 */
export type Versioner = (obj: Record<string, unknown>, revision: number) => void;

export const setMetadataResourceVersion: Versioner = (obj, revision) => {
  const meta = (obj.metadata ??= {}) as Record<string, unknown>;
  meta.resourceVersion = String(revision);
};

/**
 * A storage backend. Writes are atomic (object and event-log entry together) and, once their
 * promise resolves, durable and visible to get/list/watch. Revisions only ever grow, across restarts too.
 */
export interface Backend {
  /** The revision of the latest write (0 for an empty store). */
  currentRevision(): number;
  /** The revision below which history (events, old list revisions) is gone. */
  compactedRevision(): number;

  get(key: string): Promise<StoredObject | undefined>;
  /** Every key starting with `prefix`, in key order. */
  list(prefix: string, options?: ListOptions): Promise<ListResult>;
  /** Number of keys under `prefix` now. */
  count(prefix: string): Promise<number>;

  /** Create if absent, else KeyExists. The object gets metadata.resourceVersion = the new revision. */
  create(key: string, obj: Record<string, unknown>): Promise<StoredObject>;
  /**
   * Replace if the stored modRevision equals `expectedModRevision`, else Conflict (with the
   * current modRevision); KeyNotFound if absent.
   */
  update(key: string, obj: Record<string, unknown>, expectedModRevision: number): Promise<StoredObject>;
  /**
   * Delete (if `expectedModRevision` is given, only if it matches, else Conflict); KeyNotFound if absent.
   * Returns the deleted object as last stored.
   */
  delete(key: string, expectedModRevision?: number): Promise<StoredObject>;

  /**
   * Events for keys under `prefix` with revision > `fromRevision`, in revision order: first the
   * retained history, then live events. Throws Compacted if `fromRevision` < compactedRevision(),
   * FutureRevision if it is beyond currentRevision().
   */
  watch(prefix: string, fromRevision: number, onEvent: (event: StorageEvent) => void, options?: BackendWatchOptions): Promise<WatchHandle>;

  /** Forget history at and below `revision` (event log; list-at-revision). Never goes backwards. */
  compact(revision: number): Promise<void>;

  /**
   * Told by the watch cache once it has read the whole store at start, before anything else uses
   * the backend: memory that reading left behind can go (LevelDB: the pages of every table file
   * it mapped, which count in the process's RSS). Optional: most backends keep nothing.
   */
  afterFullRead?(): Promise<void>;

  /** Flush and release resources. */
  close(): Promise<void>;
}

export interface BackendOptions {
  versioner?: Versioner;
}
