// The in-process client that controllers, the scheduler and kubelets use: the same registry
// stores an HTTP request reaches, so they get the same decoding, defaulting, validation,
// managedFields, admission and storage semantics. A client with a user is authorized call by
// call as that user's HTTP request would be (kube-controller-manager's controllers, the
// scheduler and kubelets are clients of kube-apiserver with their own credentials); one without
// is the API server's own machinery and is never refused. Nothing here reaches storage directly.
import { isApiError, notFound, type ApiError } from '../apierrors/index.js';
import type { KubeObject } from '../machinery/object.js';
import { parseFieldSelector, parseLabelSelector, type FieldSelector, type LabelSelector } from '../machinery/selectors/index.js';
import { parseCached, type CacheEventType } from '../registry/cached-objects.js';
import { jsonCopy } from '../machinery/json-copy.js';
import { bindPod } from '../registry/pod-binding.js';
import { evictPod } from '../registry/pod-eviction.js';
import type { Registry } from '../registry/registry.js';
import { forbiddenError } from '../registry/rbac/authorizer.js';
import { nameFromFieldSelector, type ResourceAttributes, type UserInfo } from '../registry/rbac/attributes.js';
import type { DeleteOptions, PatchType, WriteOptions, WriteSubresource } from '../registry/request-options.js';
import type { ResourceStore } from '../registry/store.js';
import type { Catalogue, ResourceInfo } from '../schema/catalogue.js';

export type WatchEventType = CacheEventType;
/** Who a client acts as (authentication.k8s.io's UserInfo). */
export type { UserInfo };

export interface ClientWatchEvent<T = KubeObject> {
  type: WatchEventType;
  object: T;
}

/** Who a client writes as: the User-Agent names the field manager unless fieldManager does. */
export interface ClientIdentity {
  userAgent: string;
  fieldManager?: string;
  /**
   * The user the client acts as: every call is authorized as that user's HTTP request would be
   * (403 when refused), and writes carry it (escalation checks, admission webhooks' userInfo).
   * Absent: the API server's own machinery, allowed everything.
   */
  user?: UserInfo;
}

export interface ClientListOptions {
  labelSelector?: string | LabelSelector;
  fieldSelector?: string | FieldSelector;
}

export interface ClientList<T> {
  items: T[];
  resourceVersion: string;
}

export interface ClientWatchSink<T> {
  event(type: WatchEventType, object: T): void;
  /** The server ended the watch (shutdown, a watcher too slow): resume from the last resourceVersion seen. */
  close(reason: string): void;
}

export interface ClientDeleteOptions extends DeleteOptions {
  dryRun?: boolean;
}

export interface ClientWriteOptions {
  dryRun?: boolean;
  /** Another field manager than the client's own (server-side apply needs one). */
  fieldManager?: string;
  /** Server-side apply: take conflicting fields. */
  force?: boolean;
  subresource?: 'status';
}

export class ResourceClient<T extends KubeObject = KubeObject> {
  constructor(
    readonly info: ResourceInfo,
    private readonly store: ResourceStore,
    private readonly identity: ClientIdentity,
    /** For subresources that reach other resources (pods/eviction reads PodDisruptionBudgets). */
    private readonly registry?: Registry,
  ) {}

  private writeOptions(opts: ClientWriteOptions = {}, warnings: string[] = []): WriteOptions {
    const options: WriteOptions = {
      dryRun: opts.dryRun ?? false,
      fieldManager: opts.fieldManager ?? this.identity.fieldManager,
      userAgent: this.identity.userAgent,
      fieldValidation: 'Strict',
      force: opts.force,
      warnings,
      returnsObject: true,
    };
    if (this.identity.user) options.user = this.identity.user;
    return options;
  }

  /**
   * Throws the 403 an HTTP request of the client's user would get for this verb — the same
   * attributes RequestInfo gives the authorizer. A client without a user is not checked.
   */
  private authorize(verb: string, namespace: string | undefined, name?: string, subresource?: string): void {
    const user = this.identity.user;
    const authorizer = this.registry?.authorizer;
    if (!user) return;
    if (!authorizer) throw new Error(`a client acting as ${user.username} needs the registry's authorizer`);
    const resource: ResourceAttributes = { verb, apiGroup: this.info.group, resource: this.info.resource };
    if (subresource) resource.subresource = subresource;
    const ns = this.ns(namespace);
    if (ns) resource.namespace = ns;
    if (name) resource.name = name;
    const attrs = { user, resourceRequest: true as const, resource };
    const decision = authorizer.authorize(attrs);
    if (!decision.allowed) throw forbiddenError(attrs, decision.reason);
  }

  private ns(namespace: string | undefined): string | undefined {
    return this.info.namespaced ? namespace : undefined;
  }

  async get(namespace: string | undefined, name: string): Promise<T> {
    this.authorize('get', namespace, name);
    return (await this.store.get(this.ns(namespace), name)).copy() as T;
  }

  /** The object, or undefined when it does not exist. */
  async find(namespace: string | undefined, name: string): Promise<T | undefined> {
    try {
      return await this.get(namespace, name);
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }

  async list(namespace?: string, opts: ClientListOptions = {}): Promise<ClientList<T>> {
    this.authorize('list', namespace, typeof opts.fieldSelector === 'string' ? nameFromFieldSelector(opts.fieldSelector) : undefined);
    const result = await this.store.list(this.ns(namespace), {
      labelSelector: typeof opts.labelSelector === 'string' ? parseLabelSelector(opts.labelSelector) : opts.labelSelector,
      fieldSelector: typeof opts.fieldSelector === 'string' ? parseFieldSelector(opts.fieldSelector) : opts.fieldSelector,
    });
    return { items: result.items.map((item) => this.store.served(item).copy() as T), resourceVersion: String(result.revision) };
  }

  /** How many objects exist (in a namespace), without decoding them. */
  async count(namespace?: string): Promise<number> {
    this.authorize('list', namespace);
    return (await this.store.list(this.ns(namespace), {})).items.length;
  }

  async create(namespace: string | undefined, obj: T | KubeObject, opts: ClientWriteOptions = {}): Promise<T> {
    this.authorize('create', namespace);
    return (await this.store.create(this.ns(namespace), asJson(obj), this.writeOptions(opts))).copy() as T;
  }

  /** PUT: conditional on the object's resourceVersion when it carries one (409 Conflict when stale). */
  async update(namespace: string | undefined, obj: T, opts: ClientWriteOptions = {}): Promise<T> {
    const name = obj.metadata?.name ?? '';
    this.authorize('update', namespace, name, opts.subresource);
    const result = await this.store.update(this.ns(namespace), name, asJson(obj), this.writeOptions(opts), opts.subresource);
    return result.object.copy() as T;
  }

  /** PUT of the status subresource. */
  async updateStatus(namespace: string | undefined, obj: T, opts: ClientWriteOptions = {}): Promise<T> {
    return this.update(namespace, obj, { ...opts, subresource: 'status' });
  }

  /** Read-modify-write on the latest object, retried on conflicts by the store. */
  async mutate(
    namespace: string | undefined,
    name: string,
    change: (current: T) => T | KubeObject,
    subresource?: WriteSubresource,
  ): Promise<T> {
    // What a controller's read-modify-write is on the wire: a PUT (a binding is its POST). The
    // read comes from its informer's cache, so no get is asked for.
    this.authorize(subresource === 'binding' ? 'create' : 'update', namespace, name, subresource);
    const result = await this.store.guaranteedUpdate(this.ns(namespace), name, this.writeOptions(), subresource, (current) => {
      if (!current) throw notFound({ group: this.info.group, resource: this.info.resource }, name);
      return { update: asJson(change(current as T)) };
    });
    return result.object.copy() as T;
  }

  async patch(namespace: string | undefined, name: string, type: PatchType, patch: unknown, opts: ClientWriteOptions = {}): Promise<T> {
    this.authorize('patch', namespace, name, opts.subresource);
    const result = await this.store.patch(this.ns(namespace), name, type, asJson(patch), this.writeOptions(opts), opts.subresource);
    return result.object.copy() as T;
  }

  /** serviceaccounts/token (TokenRequest): a signed token for this service account, as the kubelet asks for one. */
  async createToken(namespace: string, serviceAccount: string, request: KubeObject): Promise<KubeObject> {
    const tokens = this.registry?.serviceAccountTokens;
    if (this.info.qualified !== 'serviceaccounts' || !tokens) throw new Error(`${this.info.qualified} has no token subresource here`);
    this.authorize('create', namespace, serviceAccount, 'token');
    return tokens.issue(namespace, serviceAccount, asJson(request));
  }

  /** pods/binding: assigns a pod to a node (the scheduler's write). */
  async bind(namespace: string | undefined, podName: string, nodeName: string): Promise<void> {
    if (this.info.qualified !== 'pods') throw new Error(`${this.info.qualified} has no binding subresource`);
    this.authorize('create', namespace, podName, 'binding');
    const opts = this.writeOptions();
    let binding: KubeObject = { apiVersion: 'v1', kind: 'Binding', metadata: { name: podName }, target: { kind: 'Node', name: nodeName } } as KubeObject;
    // The scheduler's bindings reach admission webhooks as a real scheduler's POSTs do.
    if (this.registry) binding = await this.registry.admitPodSubresourceCreate({ subresource: 'binding', namespace: namespace ?? '', name: podName, object: binding, user: opts.user, dryRun: false, warnings: opts.warnings });
    await bindPod(this.store, namespace, podName, binding, opts);
  }

  /**
   * pods/eviction: deletes the pod unless its PodDisruptionBudget forbids it (a 429 ApiError then,
   * as kubectl drain sees it). dryRun in the options evicts nothing.
   */
  async evict(namespace: string, podName: string, deleteOptions: ClientDeleteOptions = {}): Promise<void> {
    if (this.info.qualified !== 'pods' || !this.registry) throw new Error(`${this.info.qualified} has no eviction subresource`);
    this.authorize('create', namespace, podName, 'eviction');
    const { dryRun, ...options } = deleteOptions;
    await evictPod(this.registry, namespace, podName, { deleteOptions: options, dryRun: dryRun ?? false }, this.writeOptions({ dryRun }));
  }

  /** Server-side apply of a (partial) configuration under `fieldManager`. */
  async apply(namespace: string | undefined, config: KubeObject, opts: ClientWriteOptions & { fieldManager: string }): Promise<T> {
    return this.patch(namespace, config.metadata?.name ?? '', 'apply', config, opts);
  }

  /** The object as deletion left it (still there with deletionTimestamp, or gone), or undefined on dry-run-free deletes of kinds that answer a Status. */
  async delete(namespace: string | undefined, name: string, opts: ClientDeleteOptions = {}): Promise<{ object: T; deleted: boolean }> {
    const { dryRun, ...options } = opts;
    this.authorize('delete', namespace, name);
    const result = await this.store.delete(this.ns(namespace), name, options, dryRun ?? false, this.identity.user ? { user: this.identity.user } : {});
    return { object: result.object.copy() as T, deleted: result.deleted };
  }

  async deleteCollection(namespace: string | undefined, opts: ClientDeleteOptions & ClientListOptions = {}): Promise<number> {
    const { dryRun, labelSelector, fieldSelector, ...options } = opts;
    this.authorize('deletecollection', namespace);
    const listOpts = {
      labelSelector: typeof labelSelector === 'string' ? parseLabelSelector(labelSelector) : labelSelector,
      fieldSelector: typeof fieldSelector === 'string' ? parseFieldSelector(fieldSelector) : fieldSelector,
    };
    return (await this.store.deleteCollection(this.ns(namespace), listOpts, options, dryRun ?? false)).length;
  }

  /**
   * Changes after `resourceVersion` (or, when it is "" or "0", the current objects as ADDED events
   * first). Throws a 410 Expired ApiError when that resourceVersion is no longer retained.
   */
  watch(namespace: string | undefined, opts: ClientListOptions & { resourceVersion?: string }, sink: ClientWatchSink<T>): { stop(): void } {
    this.authorize('watch', namespace, typeof opts.fieldSelector === 'string' ? nameFromFieldSelector(opts.fieldSelector) : undefined);
    return this.store.watch(
      this.ns(namespace),
      {
        labelSelector: typeof opts.labelSelector === 'string' ? parseLabelSelector(opts.labelSelector) : opts.labelSelector,
        fieldSelector: typeof opts.fieldSelector === 'string' ? parseFieldSelector(opts.fieldSelector) : opts.fieldSelector,
        resourceVersion: opts.resourceVersion ?? '',
      },
      {
        event: (type, object) => sink.event(type, parseCached<T>(this.store.served(object))),
        close: (reason) => sink.close(reason),
      },
    );
  }
}

export interface ServedResource {
  group: string;
  version: string;
  resource: string;
  kind: string;
  namespaced: boolean;
  verbs: string[];
  /** Resources served in several versions (or groups) share one storage: "group/resource". */
  storage: string;
  storedInThisVersion: boolean;
}

export class LocalClient {
  constructor(
    private readonly registry: Registry,
    readonly catalogue: Catalogue,
    readonly identity: ClientIdentity = { userAgent: 'kubemu' },
  ) {}

  resource<T extends KubeObject = KubeObject>(group: string, version: string, resource: string): ResourceClient<T> {
    const info = this.catalogue.lookup(group, version, resource);
    if (!info) throw new Error(`unknown resource ${group}/${version}/${resource}`);
    return this.forInfo<T>(info);
  }

  /** The resource serving `kind` in `apiVersion` ("apps/v1", "Deployment"), if this server has it. */
  forKind<T extends KubeObject = KubeObject>(apiVersion: string, kind: string): ResourceClient<T> | undefined {
    const slash = apiVersion.indexOf('/');
    const group = slash < 0 ? '' : apiVersion.slice(0, slash);
    const version = slash < 0 ? apiVersion : apiVersion.slice(slash + 1);
    const info = this.catalogue.byKind(group, version, kind);
    return info ? this.forInfo<T>(info) : undefined;
  }

  /** Every resource the server serves, as a controller needs to know them (the garbage collector watches them all). */
  resources(): ServedResource[] {
    return this.catalogue.all().map((info) => ({
      group: info.group,
      version: info.version,
      resource: info.resource,
      kind: info.kind,
      namespaced: info.namespaced,
      verbs: [...info.verbs],
      storage: `${info.storage.group}/${info.storage.resource}`,
      storedInThisVersion: info.storage.version === info.version,
    }));
  }

  /** Calls `listener` whenever the served resources change (CRDs); returns the unsubscribe. */
  onResourcesChanged(listener: () => void): () => void {
    return this.catalogue.onChange(listener);
  }

  forInfo<T extends KubeObject = KubeObject>(info: ResourceInfo): ResourceClient<T> {
    return new ResourceClient<T>(info, this.registry.store(info), this.identity, this.registry);
  }

  /** The same cluster, writing as someone else. */
  as(identity: ClientIdentity): LocalClient {
    return new LocalClient(this.registry, this.catalogue, identity);
  }
}

// What goes in is what an HTTP client would send: JSON (undefined fields absent, no shared references).
function asJson<V>(value: V): V {
  return jsonCopy(value);
}

export function isNotFound(err: unknown): err is ApiError {
  return isApiError(err) && err.code === 404;
}

export function isForbidden(err: unknown): err is ApiError {
  return isApiError(err) && err.code === 403;
}

export function isConflict(err: unknown): err is ApiError {
  return isApiError(err) && err.code === 409 && err.status.reason === 'Conflict';
}

export function isAlreadyExists(err: unknown): err is ApiError {
  return isApiError(err) && err.status.reason === 'AlreadyExists';
}

export function isExpired(err: unknown): err is ApiError {
  return isApiError(err) && err.code === 410;
}
