// What the watch cache holds per object and per event. Objects are kept as their JSON text
// (the canonical cached form: served as-is, parsed only on demand) plus the few attributes
// selectors need, extracted once per write.

export interface ObjectAttrs {
  labels: Readonly<Record<string, string>> | undefined;
  /** Field values selectable with ?fieldSelector= (metadata.name, metadata.namespace, spec.nodeName, …). */
  fields: Readonly<Record<string, string>>;
}

/** Extracts selector attributes from a parsed object; supplied per resource by the registry. */
export type AttrsFunc = (obj: Record<string, unknown>) => ObjectAttrs;

export interface CachedObject extends ObjectAttrs {
  readonly key: string;
  readonly json: string;
  readonly modRevision: number;
  readonly createRevision: number;
}

export type CacheEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface CacheEvent {
  readonly type: CacheEventType;
  readonly revision: number;
  /** For DELETED: the object as last stored, with resourceVersion = the deletion revision. */
  readonly object: CachedObject;
  readonly prev?: CachedObject;
  /** Serialized forms of this event, filled by whoever serializes it first (once per encoding, not per watcher). */
  readonly encodings: Map<string, unknown>;
}

export interface WatchRequest {
  /** Deliver events with revision > fromRevision. */
  fromRevision: number;
  /** Only keys under this prefix (a namespace, or one object's key). */
  keyPrefix?: string;
  /** Selector match; an object that stops matching is delivered as DELETED, one that starts as ADDED. */
  matches?: (obj: CachedObject) => boolean;
  onEvent: (event: CacheEvent, type: CacheEventType, object: CachedObject) => void;
  /** The watch ended from the server side (cache stopped, watcher too slow). */
  onClose?: (reason: string) => void;
}

export interface CacheWatcher {
  stop(): void;
}
