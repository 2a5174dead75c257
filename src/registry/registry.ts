// The registry: a ResourceStore for every resource in the catalogue, all reading from one
// watch cache over one storage backend. Built once per server; nothing here is global.
import { randomUUID } from 'node:crypto';
import { forbidden, notFound } from '../apierrors/index.js';
import type { Clock } from '../machinery/clock.js';
import type { KubeObject } from '../machinery/object.js';
import type { Catalogue, ResourceInfo } from '../schema/catalogue.js';
import type { SwaggerDocument } from '../schema/openapi-spec.js';
import { isStorageError, type Backend } from '../storage/types.js';
import type { AttrsFunc, ObjectAttrs } from '../storage/watch-cache/types.js';
import { WatchCache } from '../storage/watch-cache/watch-cache.js';
import { objectKey, registryRoot, resourcePrefix } from './keys.js';
import { ObjectPipeline } from './object-pipeline.js';
import { ResourceStore } from './store.js';
import { ServiceAllocator } from './allocators/service-allocator.js';
import { parseCached } from '../storage/watch-cache/types.js';
import type { Service } from '../machinery/api-types.js';
import { strategyFor } from './strategies/index.js';
import type { FieldExtractors } from './strategy.js';
import { formatTime } from './timestamps.js';

export interface RegistryDeps {
  backend: Backend;
  catalogue: Catalogue;
  spec: SwaggerDocument;
  clock: Clock;
  newUid?: () => string;
  random?: () => number;
  historyCapacity?: number;
  /** DefaultTolerationSeconds admission: the not-ready and unreachable tolerations' seconds (300). */
  defaultTolerationSeconds?: number;
}

/** Namespaces every cluster starts with. */
export const initialNamespaces = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];

// Kubernetes' generateName alphabet: no vowels (no accidental words), no look-alike characters.
const nameAlphabet = 'bcdfghjklmnpqrstvwxz2456789';

export class Registry {
  readonly watchCache: WatchCache;
  readonly pipeline: ObjectPipeline;
  readonly serviceAllocator: ServiceAllocator;
  private readonly stores = new Map<string, ResourceStore>();
  private readonly storesByInfo = new WeakMap<object, ResourceStore>();
  private readonly fieldsByPrefix = new Map<string, Set<string>>();

  private constructor(readonly deps: RegistryDeps) {
    this.watchCache = new WatchCache(deps.backend, { historyCapacity: deps.historyCapacity, root: registryRoot });
    this.pipeline = new ObjectPipeline(deps.spec.definitions);
    const random = deps.random ?? Math.random;
    const newUid = deps.newUid ?? randomUUID;
    this.serviceAllocator = new ServiceAllocator(() => this.storedServicePorts(), { random, now: () => deps.clock.now() });
    const randomSuffix = () => {
      let s = '';
      for (let i = 0; i < 5; i++) s += nameAlphabet[Math.floor(random() * nameAlphabet.length)];
      return s;
    };
    for (const info of deps.catalogue.all()) {
      const prefix = resourcePrefix(info.storage);
      const storageInfo = deps.catalogue.lookup(info.storage.group, info.storage.version, info.storage.resource) ?? info;
      const strategy = strategyFor(storageInfo.qualified);
      const cache = this.watchCache.register(prefix, attrsFunc(strategy.fieldSelectors));
      this.fieldsByPrefix.set(prefix, new Set(['metadata.name', 'metadata.namespace', ...Object.keys(strategy.fieldSelectors ?? {})]));
      const store = new ResourceStore({
        info,
        strategy,
        cache,
        watchCache: this.watchCache,
        pipeline: this.pipeline,
        now: () => new Date(deps.clock.now()),
        newUid,
        randomSuffix,
        serviceAllocator: this.serviceAllocator,
        admission: { defaultTolerationSeconds: deps.defaultTolerationSeconds ?? 300 },
        checkNamespace: (ns, target, name) => this.checkNamespace(ns, target, name),
      });
      this.stores.set(`${info.group}/${info.version}/${info.resource}`, store);
    }
  }

  static async open(deps: RegistryDeps): Promise<Registry> {
    const registry = new Registry(deps);
    await registry.watchCache.start();
    await registry.ensureInitialNamespaces();
    return registry;
  }

  store(info: Pick<ResourceInfo, 'group' | 'version' | 'resource'>): ResourceStore {
    const known = this.storesByInfo.get(info);
    if (known) return known;
    const store = this.stores.get(`${info.group}/${info.version}/${info.resource}`);
    if (!store) throw new Error(`no store for ${info.group}/${info.version}/${info.resource}`);
    this.storesByInfo.set(info, store);
    return store;
  }

  /** Field names ?fieldSelector= may use for a resource. */
  selectableFields(info: ResourceInfo): ReadonlySet<string> {
    return this.fieldsByPrefix.get(resourcePrefix(info.storage)) ?? new Set(['metadata.name', 'metadata.namespace']);
  }

  // Taken cluster IPs come from the selectable fields; node ports need the object, for the few Services that have them.
  private storedServicePorts(): { clusterIPs: string[]; nodePorts: number[] }[] {
    const store = this.store({ group: '', version: 'v1', resource: 'services' });
    return store.cachedAll().map((svc) => {
      const ip = svc.fields['spec.clusterIP'];
      const type = svc.fields['spec.type'];
      const nodePorts =
        type === 'NodePort' || type === 'LoadBalancer'
          ? ((parseCached<Service>(svc).spec?.ports ?? []).map((p) => p.nodePort).filter((p): p is number => typeof p === 'number'))
          : [];
      return { clusterIPs: ip && ip !== 'None' ? [ip] : [], nodePorts };
    });
  }

  private namespaceStore(): ResourceStore {
    return this.store({ group: '', version: 'v1', resource: 'namespaces' });
  }

  private checkNamespace(namespace: string, target: ResourceInfo, name: string): void {
    if (!namespace) return; // the namespace field's own validation reports it
    const ns = this.namespaceStore().cachedObject(undefined, namespace);
    if (!ns) throw notFound({ group: '', resource: 'namespaces' }, namespace);
    // The namespace strategy turns a namespace Terminating when its deletion starts.
    if (ns.fields['status.phase'] === 'Terminating') {
      const err = forbidden(
        { group: target.group, resource: target.resource },
        name,
        `unable to create new content in namespace ${namespace} because it is being terminated`,
      );
      err.status.details!.causes = [
        { reason: 'NamespaceTerminating', message: `namespace ${namespace} is being terminated`, field: 'metadata.namespace' },
      ];
      throw err;
    }
  }

  private async ensureInitialNamespaces(): Promise<void> {
    const info = this.deps.catalogue.lookup('', 'v1', 'namespaces')!;
    for (const name of initialNamespaces) {
      const key = objectKey(info.storage, undefined, name);
      if (this.namespaceStore().cachedObject(undefined, name)) continue;
      // Written as Go writes a Namespace (field order included), before the write pipeline is loaded.
      const ns: KubeObject = {
        kind: 'Namespace',
        apiVersion: 'v1',
        metadata: {
          name,
          uid: (this.deps.newUid ?? randomUUID)(),
          resourceVersion: '0', // storage sets it
          creationTimestamp: formatTime(this.deps.clock.now()),
          labels: { 'kubernetes.io/metadata.name': name },
        },
        spec: { finalizers: ['kubernetes'] },
        status: { phase: 'Active' },
      };
      try {
        await this.watchCache.create(key, ns as Record<string, unknown>);
      } catch (err) {
        if (!isStorageError(err, 'KeyExists')) throw err;
      }
    }
  }

  async close(): Promise<void> {
    this.watchCache.stop();
  }
}

function attrsFunc(extra: FieldExtractors | undefined): AttrsFunc {
  const extractors = Object.entries(extra ?? {});
  return (obj): ObjectAttrs => {
    const meta = (obj.metadata ?? {}) as { name?: string; namespace?: string; labels?: Record<string, string> };
    // An absent field reads as "" when matching, so empty values are not kept (memory per object).
    const fields: Record<string, string> = { 'metadata.name': meta.name ?? '' };
    if (meta.namespace) fields['metadata.namespace'] = meta.namespace;
    for (const [field, fn] of extractors) {
      const value = fn(obj);
      if (value) fields[field] = value;
    }
    return { labels: meta.labels, fields };
  };
}
