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
import type { LimitRange, PersistentVolumeClaim, Pod, Service } from '../machinery/api-types.js';
import { mutatingChain, validatingChain, type MutatingAdmission, type ValidatingAdmission, type ValidationAttributes, type AdmissionReservation } from './admission/admission.js';
import { admitClaimStorageClass } from './admission/default-storage-class.js';
import { applyPodDefaults, claimLimitViolation, podLimitViolation } from './admission/limit-ranger.js';
import { ResourceQuotaAdmission } from './admission/resource-quota.js';
import { admitPodServiceAccount } from './admission/service-account-admission.js';
import { strategyFor } from './strategies/index.js';
import type { FieldExtractors, Strategy } from './strategy.js';
import type { ResourceCache } from '../storage/watch-cache/resource-cache.js';
import { DefinitionController } from './custom-resources/definition-controller.js';
import { customResourceStrategy } from './strategies/custom-resources.js';
import { formatTime } from './timestamps.js';
import { ServiceAccountTokens, type TokenSigner, type UserInfo } from './service-account-tokens.js';
import { RbacIndex } from './rbac/rbac-index.js';
import { Authorizer, type AuthorizationMode } from './rbac/authorizer.js';
import { checkEscalation } from './rbac/escalation.js';
import { AdmissionWebhooks, reviewUserInfo, type WebhookConfiguration } from '../webhooks/admission/admission-webhooks.js';
import { webhookServiceResolver } from './webhook-services.js';
import type { CachedObject } from '../storage/watch-cache/types.js';

export interface RegistryDeps {
  backend: Backend;
  catalogue: Catalogue;
  /** The OpenAPI spec, or how to get it when first needed (a restart serves before parsing it). */
  spec: SwaggerDocument | (() => SwaggerDocument);
  clock: Clock;
  newUid?: () => string;
  random?: () => number;
  historyCapacity?: number;
  /** DefaultTolerationSeconds admission: the not-ready and unreachable tolerations' seconds (300). */
  defaultTolerationSeconds?: number;
  /** Signs and verifies service-account tokens; without it, serviceaccounts/token is not served. */
  tokenSigner?: TokenSigner;
  /**
   * The ServiceAccount admission plugin (pods run as an existing service account and get its
   * token mounted). Off where nothing makes the default service accounts, as envtest turns it off.
   */
  serviceAccountAdmission?: boolean;
  /** --authorization-mode, supported modes only (default RBAC). */
  authorizationModes?: readonly AuthorizationMode[];
  log?: (message: string, fields?: Record<string, unknown>) => void;
}

/**
 * Kinds admission webhooks never see, as the apiserver exempts them: the configurations of
 * admission itself (a broken webhook could otherwise never be removed).
 */
const webhookExempt = new Set([
  'mutatingwebhookconfigurations.admissionregistration.k8s.io',
  'validatingwebhookconfigurations.admissionregistration.k8s.io',
  'validatingadmissionpolicies.admissionregistration.k8s.io',
  'validatingadmissionpolicybindings.admissionregistration.k8s.io',
  'mutatingadmissionpolicies.admissionregistration.k8s.io',
  'mutatingadmissionpolicybindings.admissionregistration.k8s.io',
]);

/** Namespaces every cluster starts with. */
export const initialNamespaces = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];

// Kubernetes' generateName alphabet: no vowels (no accidental words), no look-alike characters.
const nameAlphabet = 'bcdfghjklmnpqrstvwxz2456789';

export class Registry {
  readonly watchCache: WatchCache;
  readonly pipeline: ObjectPipeline;
  readonly serviceAllocator: ServiceAllocator;
  /** TokenRequest and bearer-token authentication (absent without a signer). */
  readonly serviceAccountTokens: ServiceAccountTokens | undefined;
  /** Roles and bindings indexed by subject, and the authorizer over them. */
  readonly rbac: RbacIndex;
  readonly authorizer: Authorizer;
  private readonly stores = new Map<string, ResourceStore>();
  private readonly storesByInfo = new WeakMap<object, { store: ResourceStore; generation: number }>();
  /** The same for names given as literals: group → version → resource. */
  private readonly storesByName = new Map<string, Map<string, Map<string, { store: ResourceStore; generation: number }>>>();
  /** Bumped whenever a store is added or removed (CRDs), which invalidates storesByInfo. */
  private storesGeneration = 0;
  private readonly fieldsByPrefix = new Map<string, Set<string>>();
  private readonly resourceQuotaAdmission: ResourceQuotaAdmission;
  /** Serves the resources CustomResourceDefinitions define. */
  readonly definitions: DefinitionController;
  private readonly randomSuffix: () => string;
  private readonly random: () => number;
  private readonly newUid: () => string;
  /** MutatingAdmissionWebhook and ValidatingAdmissionWebhook, reading the configurations from their stores. */
  private readonly admissionWebhooks: AdmissionWebhooks;

  private constructor(readonly deps: RegistryDeps) {
    this.watchCache = new WatchCache(deps.backend, { historyCapacity: deps.historyCapacity, root: registryRoot });
    const random = deps.random ?? Math.random;
    const newUid = deps.newUid ?? randomUUID;
    const resolveService = webhookServiceResolver({
      services: () => this.store({ group: '', version: 'v1', resource: 'services' }),
      endpoints: () => this.store({ group: '', version: 'v1', resource: 'endpoints' }),
    });
    const spec = deps.spec;
    this.pipeline = new ObjectPipeline(() => (typeof spec === 'function' ? spec() : spec).definitions, { resolveService, newUid });
    this.admissionWebhooks = new AdmissionWebhooks({
      mutatingConfigurations: this.configurationReader('mutatingwebhookconfigurations'),
      validatingConfigurations: this.configurationReader('validatingwebhookconfigurations'),
      namespaceLabels: (namespace) => {
        const ns = this.namespaceStore().cachedObject(undefined, namespace);
        return ns ? ((ns.labels ?? {}) as Record<string, string>) : undefined;
      },
      resolveService,
      newUid,
      log: deps.log,
    });
    this.serviceAllocator = new ServiceAllocator(() => this.storedServicePorts(), { random, now: () => deps.clock.now() });
    this.serviceAccountTokens = deps.tokenSigner ? new ServiceAccountTokens(this, deps.tokenSigner, () => deps.clock.now()) : undefined;
    this.rbac = new RbacIndex((resource) => this.store({ group: 'rbac.authorization.k8s.io', version: 'v1', resource }));
    this.authorizer = new Authorizer(deps.authorizationModes ?? ['RBAC'], this.rbac);
    this.resourceQuotaAdmission = new ResourceQuotaAdmission({
      quotas: () => this.store({ group: '', version: 'v1', resource: 'resourcequotas' }),
      now: () => deps.clock.now(),
    });
    const randomSuffix = () => {
      let s = '';
      for (let i = 0; i < 5; i++) s += nameAlphabet[Math.floor(random() * nameAlphabet.length)];
      return s;
    };
    this.randomSuffix = randomSuffix;
    this.random = random;
    this.newUid = newUid;
    for (const info of deps.catalogue.all()) {
      const storageInfo = deps.catalogue.lookup(info.storage.group, info.storage.version, info.storage.resource) ?? info;
      const strategy = strategyFor(storageInfo.qualified);
      const prefix = resourcePrefix(info.storage);
      this.addStore(info, storageInfo.qualified, strategy, this.watchCache.register(prefix, attrsFunc(strategy.fieldSelectors)));
    }
    this.definitions = new DefinitionController({
      catalogue: deps.catalogue,
      definitions: this.store({ group: 'apiextensions.k8s.io', version: 'v1', resource: 'customresourcedefinitions' }),
      store: (info) => this.store(info),
      addResources: (infos) => this.addResources(infos),
      removeResources: (infos, keepCache) => this.removeResources(infos, keepCache),
      now: () => new Date(deps.clock.now()),
      log: deps.log,
    });
  }

  private addStore(info: ResourceInfo, storageQualified: string, strategy: Strategy, cache: ResourceCache): void {
    const prefix = resourcePrefix(info.storage);
    this.fieldsByPrefix.set(prefix, new Set(['metadata.name', 'metadata.namespace', ...Object.keys(strategy.fieldSelectors ?? {})]));
    const store = new ResourceStore({
      info,
      strategy,
      cache,
      watchCache: this.watchCache,
      pipeline: this.pipeline,
      now: () => new Date(this.deps.clock.now()),
      newUid: this.newUid,
      randomSuffix: this.randomSuffix,
      serviceAllocator: this.serviceAllocator,
      admission: { defaultTolerationSeconds: this.deps.defaultTolerationSeconds ?? 300 },
      checkNamespace: (ns, target, name) => this.checkNamespace(ns, target, name),
      admitCreate: this.mutatingAdmissionFor(storageQualified, this.randomSuffix, this.random),
      validateWrite: this.validatingAdmissionFor(info, storageQualified),
      webhooks: webhookExempt.has(storageQualified) ? undefined : this.admissionWebhooks,
      equivalents: () =>
        this.deps.catalogue.all().filter(
          (other) => other.storage.group === info.storage.group && other.storage.resource === info.storage.resource && (other.group !== info.group || other.version !== info.version),
        ),
    });
    this.stores.set(`${info.group}/${info.version}/${info.resource}`, store);
    this.storesGeneration++;
  }

  /**
   * Stores for resources the catalogue gained while the server runs (a CRD's versions): they share
   * one cache, filled from whatever the backend already holds under their prefix.
   */
  async addResources(infos: readonly ResourceInfo[]): Promise<void> {
    for (const info of infos) {
      const cache = await this.watchCache.registerLive(resourcePrefix(info.storage), attrsFunc(customResourceStrategy.fieldSelectors));
      this.addStore(info, info.qualified, customResourceStrategy, cache);
    }
  }

  /** Drops the stores of resources no longer served; `keepCache` when the same storage still serves other versions. */
  removeResources(infos: readonly ResourceInfo[], keepCache: boolean): void {
    for (const info of infos) {
      this.stores.delete(`${info.group}/${info.version}/${info.resource}`);
      this.storesGeneration++;
      if (!keepCache) {
        this.watchCache.unregister(resourcePrefix(info.storage), 'the resource is no longer served');
        this.fieldsByPrefix.delete(resourcePrefix(info.storage));
      }
    }
  }

  /**
   * The webhook configurations of one kind, parsed again only when one of them changed (every
   * write of every kind asks).
   */
  private configurationReader(resource: string): () => WebhookConfiguration[] {
    let seen = -1;
    let parsed: WebhookConfiguration[] = [];
    // Asked twice by every write: read again only after a configuration changed.
    return () => {
      const store = this.store({ group: 'admissionregistration.k8s.io', version: 'v1', resource });
      const changes = store.cachedChangeCount();
      if (changes !== seen) {
        seen = changes;
        parsed = store.cachedAll().map((item) => parseCached<WebhookConfiguration>(item));
      }
      return parsed;
    };
  }

  // kube-apiserver's plugin order: LimitRanger, ServiceAccount, DefaultStorageClass, …, ResourceQuota last.

  /** The mutating admission plugins that act on creating this resource. */
  private mutatingAdmissionFor(resource: string, randomSuffix: () => string, random: () => number): ((obj: KubeObject) => Promise<void>) | undefined {
    const plugins: MutatingAdmission[] = [];
    if (resource === 'pods') {
      plugins.push((obj) => applyPodDefaults(obj as Pod, this.limitRangesOf(obj)));
      if (this.deps.serviceAccountAdmission) {
        const serviceAccounts = () => this.store({ group: '', version: 'v1', resource: 'serviceaccounts' });
        plugins.push((obj) => admitPodServiceAccount(obj as Pod, { serviceAccounts: serviceAccounts(), randomSuffix, random, sleep: (ms) => new Promise((r) => setTimeout(r, ms)) }));
      }
    }
    if (resource === 'persistentvolumeclaims') {
      const storageClasses = () => this.store({ group: 'storage.k8s.io', version: 'v1', resource: 'storageclasses' });
      plugins.push((obj) => admitClaimStorageClass(obj as PersistentVolumeClaim, storageClasses()));
    }
    return mutatingChain(plugins);
  }

  /** The validating admission plugins that judge creates and updates of this resource. */
  private validatingAdmissionFor(info: ResourceInfo, resource: string): ((attrs: ValidationAttributes) => Promise<AdmissionReservation | undefined>) | undefined {
    const plugins: ValidatingAdmission[] = [];
    const gr = { group: info.group, resource: info.resource };
    if (resource === 'pods') {
      plugins.push(async ({ operation, object }) => {
        // Containers cannot change after create: updates of pods are not LimitRanger's.
        if (operation !== 'CREATE') return;
        for (const limitRange of this.limitRangesOf(object)) {
          const violation = podLimitViolation(object as Pod, limitRange);
          if (violation) throw forbidden(gr, object.metadata?.name ?? '', violation);
        }
      });
    }
    if (resource === 'persistentvolumeclaims') {
      plugins.push(async ({ object, oldObject }) => {
        if (oldObject?.metadata?.deletionTimestamp) return;
        for (const limitRange of this.limitRangesOf(object)) {
          const violation = claimLimitViolation(object as PersistentVolumeClaim, oldObject as PersistentVolumeClaim | undefined, limitRange);
          if (violation) throw forbidden(gr, object.metadata?.name ?? '', violation);
        }
      });
    }
    const rbacResource = info.resource;
    if (info.group === 'rbac.authorization.k8s.io' && (rbacResource === 'roles' || rbacResource === 'clusterroles' || rbacResource === 'rolebindings' || rbacResource === 'clusterrolebindings')) {
      // Only HTTP writes name a user: the in-process clients (controllers, the bootstrap policy) are trusted.
      plugins.push(async ({ operation, object, user }) => {
        if (user) checkEscalation(this.authorizer, this.rbac, { resource: rbacResource, operation, object, user });
      });
    }
    if (info.namespaced) {
      const quota = this.resourceQuotaAdmission.forResource(info.group, info.resource);
      if (quota) plugins.push(quota);
    }
    return validatingChain(plugins);
  }

  private limitRangesOf(obj: KubeObject): LimitRange[] {
    const namespace = obj.metadata?.namespace;
    if (!namespace) return [];
    const store = this.store({ group: '', version: 'v1', resource: 'limitranges' });
    return store.cachedInNamespace(namespace).map((c) => parseCached<LimitRange>(c));
  }

  static async open(deps: RegistryDeps): Promise<Registry> {
    const registry = new Registry(deps);
    await registry.watchCache.start();
    registry.rbac.start();
    await registry.ensureInitialNamespaces();
    await registry.definitions.start();
    return registry;
  }

  store(info: Pick<ResourceInfo, 'group' | 'version' | 'resource'>): ResourceStore {
    // Every request asks: answered from the per-info cache while no CRD added or removed a store.
    const catalogued = 'kind' in info;
    const known = catalogued ? this.storesByInfo.get(info) : this.storesByName.get(info.group)?.get(info.version)?.get(info.resource);
    if (known && known.generation === this.storesGeneration) return known.store;
    const store = this.stores.get(`${info.group}/${info.version}/${info.resource}`);
    if (!store) throw new Error(`no store for ${info.group}/${info.version}/${info.resource}`);
    const entry = { store, generation: this.storesGeneration };
    // The catalogue's own infos are remembered by identity. A literal made per call ({ group: '',
    // … }, as the admission plugins ask several times per pod create) would cost a WeakMap entry
    // per request and never be asked again: it is found through its (literal, so interned and
    // hashed once) names instead of a key string built and hashed per call.
    if (catalogued) this.storesByInfo.set(info, entry);
    else {
      let byVersion = this.storesByName.get(info.group);
      if (byVersion === undefined) this.storesByName.set(info.group, (byVersion = new Map()));
      let byResource = byVersion.get(info.version);
      if (byResource === undefined) byVersion.set(info.version, (byResource = new Map()));
      byResource.set(info.resource, entry);
    }
    return store;
  }

  /**
   * Admission of a CONNECT (pods/exec, attach, portforward), as kube-apiserver's connect handler
   * runs it before reaching the kubelet: the mutating webhooks, then the validating ones, sent the
   * request's options object (PodExecOptions …). A denial throws the webhook's Status. Mutations of
   * the options are not applied, as in kube-apiserver (they were parsed already).
   */
  async admitConnect(request: { subresource: string; namespace: string; name: string; options: KubeObject; user?: UserInfo; warnings: string[] }): Promise<void> {
    await this.admitPodSubresource('CONNECT', { ...request, object: request.options, dryRun: false });
  }

  /**
   * Admission webhooks for a create of pods/binding or pods/eviction (a Binding or an Eviction,
   * whose own handlers write the pod): returns the object as the mutating webhooks left it.
   */
  async admitPodSubresourceCreate(request: { subresource: 'binding' | 'eviction'; namespace: string; name: string; object: KubeObject; user?: UserInfo; dryRun: boolean; warnings: string[] }): Promise<KubeObject> {
    return (await this.admitPodSubresource('CREATE', request)) ?? request.object;
  }

  private async admitPodSubresource(
    operation: 'CREATE' | 'CONNECT',
    request: { subresource: string; namespace: string; name: string; object: KubeObject; user?: UserInfo; dryRun: boolean; warnings: string[] },
  ): Promise<KubeObject | undefined> {
    const webhooks = this.admissionWebhooks;
    const mutating = webhooks.active('mutating');
    const validating = webhooks.active('validating');
    if (!mutating && !validating) return undefined;
    const apiVersion = request.object.apiVersion ?? 'v1';
    const slash = apiVersion.indexOf('/');
    const attrs = {
      operation,
      resource: { group: '', version: 'v1', resource: 'pods' },
      kind: { group: slash < 0 ? '' : apiVersion.slice(0, slash), version: slash < 0 ? apiVersion : apiVersion.slice(slash + 1), kind: request.object.kind ?? '' },
      subresource: request.subresource,
      namespaced: true,
      namespace: request.namespace,
      name: request.name,
      object: request.object,
      dryRun: request.dryRun,
      options: operation === 'CREATE' ? { kind: 'CreateOptions', apiVersion: 'meta.k8s.io/v1', ...(request.dryRun ? { dryRun: ['All'] } : {}) } : undefined,
      userInfo: reviewUserInfo(request.user),
      warnings: request.warnings,
    };
    const mutated = mutating ? await webhooks.mutate({ ...attrs, object: structuredClone(request.object) }) : undefined;
    if (validating) await webhooks.validate(operation === 'CREATE' && mutated ? { ...attrs, object: mutated } : attrs);
    return operation === 'CREATE' ? mutated : undefined;
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
    this.definitions.stop();
    this.rbac.stop();
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
    // A copy: the object may be a write's, handed back to the in-process writer afterwards.
    return { labels: meta.labels && { ...meta.labels }, fields };
  };
}
