// The in-process client that controllers use: the same registry stores an HTTP request reaches,
// so controllers get the same validation, defaulting and storage semantics (and, once they
// exist, the same authorization and admission). Controllers never touch storage directly.
import { notFound } from '../apierrors/index.js';
import type { KubeObject } from '../machinery/object.js';
import type { Registry } from '../registry/registry.js';
import type { DeleteOptions, ListOptions, WriteOptions } from '../registry/request-options.js';
import type { ResourceStore } from '../registry/store.js';
import type { Catalogue, ResourceInfo } from '../schema/catalogue.js';
import { parseCached, type CacheEventType } from '../registry/cached-objects.js';

export interface ClientWatchEvent {
  type: CacheEventType;
  object: KubeObject;
}

export class ResourceClient {
  constructor(
    readonly info: ResourceInfo,
    private readonly store: ResourceStore,
    private readonly fieldManager: string,
  ) {}

  private writeOptions(): WriteOptions {
    return { dryRun: false, fieldManager: this.fieldManager, fieldValidation: 'Strict', warnings: [] };
  }

  async get(namespace: string | undefined, name: string): Promise<KubeObject> {
    return (await this.store.get(namespace, name)).copy();
  }

  async list(namespace?: string, opts: ListOptions = {}): Promise<KubeObject[]> {
    const result = await this.store.list(namespace, opts);
    return result.items.map((item) => this.store.served(item).copy());
  }

  /** How many objects exist (in a namespace), without decoding them. */
  async count(namespace?: string): Promise<number> {
    return (await this.store.list(namespace, {})).items.length;
  }

  async delete(namespace: string | undefined, name: string, opts: DeleteOptions = {}): Promise<void> {
    await this.store.delete(namespace, name, opts, false);
  }

  async deleteCollection(namespace: string | undefined, opts: DeleteOptions = {}): Promise<number> {
    return (await this.store.deleteCollection(namespace, {}, opts, false)).length;
  }

  async create(namespace: string | undefined, obj: KubeObject): Promise<KubeObject> {
    return (await this.store.create(namespace, structuredClone(obj), this.writeOptions())).copy();
  }

  /** Read-modify-write through the store's optimistic concurrency (retried on conflicts). */
  async update(namespace: string | undefined, name: string, mutate: (current: KubeObject) => KubeObject, subresource?: 'status' | 'finalize'): Promise<KubeObject> {
    const result = await this.store.guaranteedUpdate(namespace, name, this.writeOptions(), subresource, (current) => {
      if (!current) throw notFound({ group: this.info.group, resource: this.info.resource }, name);
      return { update: mutate(current) };
    });
    return result.object.copy();
  }

  /** Current objects as ADDED events, then every change. */
  watch(namespace: string | undefined, onEvent: (event: ClientWatchEvent) => void): { stop(): void } {
    return this.store.watch(namespace, {}, {
      event: (type, object) => onEvent({ type, object: parseCached<KubeObject>(this.store.served(object)) }),
      close: () => {},
    });
  }
}

export class LocalClient {
  constructor(
    private readonly registry: Registry,
    readonly catalogue: Catalogue,
    private readonly fieldManager = 'kubemu-controller-manager',
  ) {}

  resource(group: string, version: string, resource: string): ResourceClient {
    const info = this.catalogue.lookup(group, version, resource);
    if (!info) throw new Error(`unknown resource ${group}/${version}/${resource}`);
    return this.forInfo(info);
  }

  forInfo(info: ResourceInfo): ResourceClient {
    return new ResourceClient(info, this.registry.store(info), this.fieldManager);
  }
}
