// What the watch cache holds per object and per event. Objects are kept as their JSON bytes
// (the canonical cached form: served as-is, parsed only on demand) plus the few attributes
// selectors need, extracted once per write. The bytes live outside the JavaScript heap, where
// they cost exactly their size (no garbage-collector headroom) and need no encoding to be sent.

import { Slab, type ObjectSlabs, type SlabPlacement, type SlabRange } from './object-slabs.js';
import { objectJson } from '../object-json.js';

export interface ObjectAttrs {
  labels: Readonly<Record<string, string>> | undefined;
  /** Field values selectable with ?fieldSelector= (metadata.name, metadata.namespace, spec.nodeName, …). */
  fields: Readonly<Record<string, string>>;
}

/** Extracts selector attributes from a parsed object; supplied per resource by the registry. */
export type AttrsFunc = (obj: Record<string, unknown>) => ObjectAttrs;

export type CacheEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface CacheEvent {
  readonly type: CacheEventType;
  readonly revision: number;
  /** For DELETED: the object as last stored, with resourceVersion = the deletion revision. */
  readonly object: CachedObject;
  readonly prev?: CachedObject;
  /**
   * Serialized forms of this event, filled by whoever serializes it first (once per encoding, not
   * per watcher). Created on first use: most events in history are never sent to anyone.
   */
  encodings?: Map<string, unknown>;
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

/** A long-lived copy of JSON text as bytes: its own allocation, so it never pins a shared pool slab. */
export function jsonBytes(json: string): Buffer {
  const length = Buffer.byteLength(json);
  const buf = Buffer.allocUnsafeSlow(length);
  buf.write(json, 0, length, 'utf8');
  return buf;
}

export function parseCached<T = Record<string, unknown>>(obj: Pick<CachedObject, 'raw'>): T {
  return JSON.parse(obj.raw.toString('utf8')) as T;
}

/**
 * The watch cache's object. Its selector attributes are given by a writer that still has the
 * parsed object, or else extracted from the bytes the first time a selector asks: objects loaded
 * at start-up or replayed from history are mostly never filtered, and parsing each of them was
 * most of a restart's time.
 *
 * Its bytes are a range of a slab shared with other objects (object-slabs.ts), or, for an object
 * made from a Buffer, that Buffer alone.
 */
export class CachedObject implements SlabRange {
  slab: Slab;
  slabOffset: number;
  byteLength: number;
  refs = 0;
  /** The selector attributes, or until a selector first asks, the function that extracts them (one field: there are as many cached objects as stored ones). */
  private attrs: ObjectAttrs | AttrsFunc;

  constructor(
    readonly key: string,
    /** UTF-8 JSON of the object, metadata.resourceVersion included; or where ObjectSlabs wrote it. */
    bytes: Buffer | SlabPlacement,
    readonly modRevision: number,
    readonly createRevision: number,
    /** Given by a writer that still has the parsed object; else how to extract them from the bytes. */
    attrs: ObjectAttrs | AttrsFunc,
  ) {
    this.attrs = attrs;
    if (Buffer.isBuffer(bytes)) {
      this.slab = Slab.of(bytes);
      this.slabOffset = 0;
      this.byteLength = bytes.length;
    } else {
      this.slab = bytes.slab;
      this.slabOffset = bytes.slabOffset;
      this.byteLength = bytes.byteLength;
    }
  }

  /** A cached object whose bytes are written into `slabs`. */
  static inSlabs(slabs: ObjectSlabs, key: string, json: string | Buffer, modRevision: number, createRevision: number, attrs: ObjectAttrs | AttrsFunc): CachedObject {
    const obj = new CachedObject(key, slabs.write(json), modRevision, createRevision, attrs);
    slabs.track(obj);
    return obj;
  }

  /** UTF-8 JSON of the object, metadata.resourceVersion included (a view: do not write to it). */
  get raw(): Buffer {
    const { bytes } = this.slab;
    if (this.slabOffset === 0 && this.byteLength === bytes.length) return bytes;
    return bytes.subarray(this.slabOffset, this.slabOffset + this.byteLength);
  }

  get labels(): ObjectAttrs['labels'] {
    return this.selectorAttrs().labels;
  }

  get fields(): ObjectAttrs['fields'] {
    return this.selectorAttrs().fields;
  }

  /** The same object stamped with a later revision (its bytes re-encoded to say so). */
  withRevision(revision: number): CachedObject {
    const parsed = parseCached<{ metadata?: Record<string, unknown> }>(this);
    (parsed.metadata ??= {}).resourceVersion = String(revision);
    return new CachedObject(this.key, jsonBytes(objectJson(parsed)), revision, this.createRevision, this.attrs);
  }

  private selectorAttrs(): ObjectAttrs {
    if (typeof this.attrs === 'function') this.attrs = this.attrs(parseCached(this));
    return this.attrs;
  }
}
