// Shared informers: one list+watch per resource for every controller of the process, a local
// cache of the objects (with indexes), and handlers told about each change. A watch that ends is
// resumed from the last resourceVersion seen; one whose resourceVersion is gone (410) lists again
// and tells handlers what changed meanwhile — client-go's reflector and indexer, in one class.
import type { ClientList, ClientWatchSink, LocalClient } from '../../client/local-client.js';
import { isExpired } from '../../client/local-client.js';
import type { Clock, TimerHandle } from '../../machinery/clock.js';
import type { KubeObject } from '../../machinery/object.js';
import type { Logger } from './logger.js';

/** Where an informer's objects come from: the in-process client, or later a remote one. */
export interface ListWatch<T> {
  list(): Promise<ClientList<T>>;
  /** Changes after resourceVersion; throws a 410 error when it is no longer retained. */
  watch(resourceVersion: string, sink: ClientWatchSink<T>): { stop(): void };
}

export interface InformerHandler<T> {
  onAdd?(obj: T): void;
  onUpdate?(oldObj: T, newObj: T): void;
  /** The object as last seen. */
  onDelete?(obj: T): void;
}

/** The values an object is indexed under (for example its owners' uids). */
export type IndexFunc<T> = (obj: T) => readonly string[];

interface Index<T> {
  fn: IndexFunc<T>;
  /** Index value → the objects under it, by key (objects kept here too: reads need no second lookup). */
  values: Map<string, Map<string, T>>;
}

export interface InformerOptions<T> {
  clock: Clock;
  log: Logger;
  /** For log lines: "pods", "deployments.apps". */
  name: string;
  /** Applied to every object before it is cached (metadata-only informers drop the rest). */
  transform?: (obj: T) => T;
  /** Wait before retrying a failed list or a closed watch. */
  retryMs?: number;
}

/** "namespace/name", or "name" for cluster-scoped objects: the key work queues carry. */
export function objectKey(obj: KubeObject): string {
  const meta = obj.metadata ?? {};
  return meta.namespace ? `${meta.namespace}/${meta.name ?? ''}` : (meta.name ?? '');
}

export function splitKey(key: string): { namespace: string | undefined; name: string } {
  const slash = key.indexOf('/');
  return slash < 0 ? { namespace: undefined, name: key } : { namespace: key.slice(0, slash), name: key.slice(slash + 1) };
}

export const namespaceIndex = 'namespace';

export class Informer<T extends KubeObject = KubeObject> {
  private readonly items = new Map<string, T>();
  private readonly indexes = new Map<string, Index<T>>();
  private readonly handlers: InformerHandler<T>[] = [];
  private resourceVersion = '';
  private watchHandle: { stop(): void } | undefined;
  private retryTimer: TimerHandle | undefined;
  private started = false;
  private stopped = false;
  private synced = false;
  private readonly syncWaiters: (() => void)[] = [];

  constructor(
    private readonly source: ListWatch<T>,
    private readonly opts: InformerOptions<T>,
  ) {
    this.addIndex(namespaceIndex, (obj) => [obj.metadata?.namespace ?? '']);
  }

  start(): void {
    if (this.started) return;
    this.started = true;
    void this.relist();
  }

  stop(): void {
    this.stopped = true;
    this.watchHandle?.stop();
    this.retryTimer?.cancel();
  }

  hasSynced(): boolean {
    return this.synced;
  }

  /** Resolves once the first list is in the cache. */
  whenSynced(): Promise<void> {
    if (this.synced) return Promise.resolve();
    return new Promise((resolve) => this.syncWaiters.push(resolve));
  }

  /** Handlers added after the first list hear of the cached objects as adds. */
  addHandler(handler: InformerHandler<T>): void {
    this.handlers.push(handler);
    if (handler.onAdd) for (const obj of this.items.values()) this.call(() => handler.onAdd!(obj));
  }

  addIndex(name: string, fn: IndexFunc<T>): void {
    if (this.indexes.has(name)) return;
    const index: Index<T> = { fn, values: new Map() };
    this.indexes.set(name, index);
    for (const [key, obj] of this.items) this.indexInto(index, key, obj);
  }

  get(key: string): T | undefined {
    return this.items.get(key);
  }

  getByName(namespace: string | undefined, name: string): T | undefined {
    return this.items.get(namespace ? `${namespace}/${name}` : name);
  }

  list(namespace?: string): T[] {
    if (namespace === undefined) return [...this.items.values()];
    return this.byIndex(namespaceIndex, namespace);
  }

  byIndex(indexName: string, value: string): T[] {
    const index = this.indexes.get(indexName);
    if (!index) throw new Error(`informer ${this.opts.name} has no index ${indexName}`);
    const objects = index.values.get(value);
    return objects ? [...objects.values()] : [];
  }

  size(): number {
    return this.items.size;
  }

  // ---------- list and watch ----------

  private async relist(): Promise<void> {
    this.watchHandle?.stop();
    this.watchHandle = undefined;
    if (this.stopped) return;
    let listed: ClientList<T>;
    try {
      listed = await this.source.list();
    } catch (err) {
      this.opts.log.error('listing failed; retrying', { resource: this.opts.name, err: String(err) });
      this.retry(() => void this.relist());
      return;
    }
    if (this.stopped) return;
    const seen = new Set<string>();
    for (const raw of listed.items) {
      const obj = this.transform(raw);
      const key = objectKey(obj);
      seen.add(key);
      const old = this.items.get(key);
      if (old && old.metadata?.resourceVersion === obj.metadata?.resourceVersion) continue;
      this.upsert(key, obj, old);
    }
    for (const [key, old] of [...this.items]) if (!seen.has(key)) this.remove(key, old);
    this.resourceVersion = listed.resourceVersion;
    this.watchFrom();
    if (!this.synced) {
      this.synced = true;
      for (const resolve of this.syncWaiters.splice(0)) resolve();
    }
  }

  private watchFrom(): void {
    if (this.stopped) return;
    let closed = false;
    try {
      this.watchHandle = this.source.watch(this.resourceVersion, {
        event: (type, raw) => {
          const obj = this.transform(raw);
          const rv = obj.metadata?.resourceVersion;
          if (rv) this.resourceVersion = rv;
          const key = objectKey(obj);
          if (type === 'DELETED') {
            const old = this.items.get(key);
            this.remove(key, old ?? obj);
          } else this.upsert(key, obj, this.items.get(key));
        },
        close: (reason) => {
          if (closed || this.stopped) return;
          closed = true;
          this.opts.log.info('watch ended; resuming', { resource: this.opts.name, reason });
          this.retry(() => this.watchFrom());
        },
      });
    } catch (err) {
      if (isExpired(err)) {
        // Our resourceVersion is older than what the server keeps: start over from a list.
        void this.relist();
        return;
      }
      this.opts.log.error('watching failed; retrying', { resource: this.opts.name, err: String(err) });
      this.retry(() => this.watchFrom());
    }
  }

  private retry(fn: () => void): void {
    if (this.stopped) return;
    this.retryTimer?.cancel();
    this.retryTimer = this.opts.clock.setTimer(this.opts.retryMs ?? 1000, fn);
  }

  private transform(obj: T): T {
    return this.opts.transform ? this.opts.transform(obj) : obj;
  }

  // ---------- the cache ----------

  private upsert(key: string, obj: T, old: T | undefined): void {
    if (old) this.unindex(key, old);
    this.items.set(key, obj);
    for (const index of this.indexes.values()) this.indexInto(index, key, obj);
    for (const h of this.handlers) {
      if (old) {
        if (h.onUpdate) this.call(() => h.onUpdate!(old, obj));
      } else if (h.onAdd) this.call(() => h.onAdd!(obj));
    }
  }

  private remove(key: string, last: T): void {
    const old = this.items.get(key);
    if (old) {
      this.unindex(key, old);
      this.items.delete(key);
    }
    for (const h of this.handlers) if (h.onDelete) this.call(() => h.onDelete!(last));
  }

  private indexInto(index: Index<T>, key: string, obj: T): void {
    for (const value of index.fn(obj)) {
      let objects = index.values.get(value);
      if (!objects) index.values.set(value, (objects = new Map()));
      objects.set(key, obj);
    }
  }

  private unindex(key: string, obj: T): void {
    for (const index of this.indexes.values()) {
      for (const value of index.fn(obj)) {
        const objects = index.values.get(value);
        if (!objects) continue;
        objects.delete(key);
        if (objects.size === 0) index.values.delete(value);
      }
    }
  }

  // A handler's bug must not stop the others, nor the write whose event is being delivered.
  private call(fn: () => void): void {
    try {
      fn();
    } catch (err) {
      this.opts.log.error('informer handler failed', { resource: this.opts.name, err: err instanceof Error ? err.stack : String(err) });
    }
  }
}

/**
 * managedFields are half of a typical object and no controller reads them: kube-controller-manager
 * drops them from its informer caches too. The object is freshly parsed, so this is done in place.
 */
export function withoutManagedFields<T extends KubeObject>(obj: T): T {
  if (obj.metadata?.managedFields) delete obj.metadata.managedFields;
  return obj;
}

/** Only what the garbage collector needs of an object: kind and metadata. */
export function metadataOnly<T extends KubeObject>(obj: T): T {
  return { apiVersion: obj.apiVersion, kind: obj.kind, metadata: withoutManagedFields(obj).metadata } as T;
}

/** One informer per resource (and one metadata-only informer per resource) for all controllers. */
export class SharedInformerFactory {
  private readonly informers = new Map<string, Informer<KubeObject>>();
  private started = false;

  constructor(
    private readonly client: LocalClient,
    private readonly opts: { clock: Clock; log: Logger },
  ) {}

  forResource<T extends KubeObject = KubeObject>(group: string, version: string, resource: string): Informer<T> {
    return this.informer<T>(group, version, resource, false);
  }

  /**
   * Objects reduced to apiVersion, kind and metadata (the garbage collector's view of everything).
   * Where a controller already asked for the full objects, that informer serves: one watch and one
   * parse per change, not two.
   */
  metadataFor(group: string, version: string, resource: string): Informer<KubeObject> {
    return this.informers.get(`${group}/${version}/${resource}`) ?? this.informer(group, version, resource, true);
  }

  private informer<T extends KubeObject>(group: string, version: string, resource: string, metadata: boolean): Informer<T> {
    const id = `${group}/${version}/${resource}${metadata ? '#metadata' : ''}`;
    let informer = this.informers.get(id);
    if (!informer) {
      const rc = this.client.resource(group, version, resource);
      const source: ListWatch<KubeObject> = {
        list: () => rc.list(undefined),
        watch: (resourceVersion, sink) => rc.watch(undefined, { resourceVersion }, sink),
      };
      informer = new Informer(source, {
        clock: this.opts.clock,
        log: this.opts.log,
        name: group ? `${resource}.${group}` : resource,
        transform: metadata ? metadataOnly : withoutManagedFields,
      });
      this.informers.set(id, informer);
      if (this.started) informer.start();
    }
    return informer as unknown as Informer<T>;
  }

  /** Stops and drops the informers of a resource no longer served (a deleted CRD's). */
  forget(group: string, version: string, resource: string): void {
    for (const id of [`${group}/${version}/${resource}`, `${group}/${version}/${resource}#metadata`]) {
      this.informers.get(id)?.stop();
      this.informers.delete(id);
    }
  }

  /** Starts every informer asked for so far; later ones start when asked for. */
  start(): void {
    this.started = true;
    for (const informer of this.informers.values()) informer.start();
  }

  async synced(): Promise<void> {
    await Promise.all([...this.informers.values()].map((i) => i.whenSynced()));
  }

  stop(): void {
    for (const informer of this.informers.values()) informer.stop();
  }
}
