// The generic resource store: create, get, list, update, patch, delete, deletecollection and
// watch for any kind, running a fixed pipeline and asking the kind's strategy at each step
// (kube-apiserver's generic registry Store, in small pieces).
import {
  ApiError,
  alreadyExists,
  badRequest,
  conflict,
  expired,
  invalid,
  methodNotSupported,
  notFound,
  optimisticLockMessage,
  timeout,
  type FieldError,
  unknownServerError,
} from '../apierrors/index.js';
import { isPlainObject, type KubeObject } from '../machinery/object.js';
import { exactFieldValue, matchesFields, matchesLabels } from '../machinery/selectors/index.js';
import type { ResourceInfo } from '../schema/catalogue.js';
import { isStorageError, type StorageError, type StoredObject } from '../storage/types.js';
import type { ResourceCache } from '../storage/watch-cache/resource-cache.js';
import type { WatchCache } from '../storage/watch-cache/watch-cache.js';
import { parseCached, type CacheEvent, type CacheEventType, CachedObject, type CacheWatcher } from '../storage/watch-cache/types.js';
import { decodeContinue, encodeContinue } from './continue-token.js';
import { namespacePrefix, objectKey, resourcePrefix } from './keys.js';
import { ObjectOut } from './object-out.js';
import type { DeleteOptions, ListOptions, PatchType, WriteOptions, WriteSubresource } from './request-options.js';
export type { WriteSubresource } from './request-options.js';
import type { AdmissionSettings, Strategy } from './strategy.js';
import { formatTime } from './timestamps.js';
import type { ObjectPipeline } from './object-pipeline.js';
import type { ServiceAllocator } from './allocators/service-allocator.js';
import { jsonCopy } from '../machinery/json-copy.js';
import { jsonEqual } from '../machinery/json-equal.js';
import type { AdmissionReservation, ValidationAttributes } from './admission/admission.js';
import { reviewUserInfo, type AdmissionAttributes, type AdmissionWebhooks, type EquivalentResource } from '../webhooks/admission/admission-webhooks.js';
import type { AdmissionOperation } from '../webhooks/admission/webhook-rules.js';
import type { DeleteRequest } from './request-options.js';
import type { UserInfo } from './service-account-tokens.js';

/** What a read-modify-write does with the current object. */
/** An update storage has taken, and what the rest of guaranteedUpdate needs of it while it waits. */
interface PendingUpdate {
  written: Promise<StoredObject>;
  formed: KubeObject;
  /** The last finalizer went from an object being deleted without a grace period: it goes once written. */
  finalizing: boolean;
  reservation: AdmissionReservation | undefined;
  expectedRv: string | undefined;
}

export interface UpdatePlan {
  /** Create this object (the current one is absent). */
  create?: KubeObject;
  /** The create is allowed whatever the kind says of create-on-update (server-side apply creates). */
  createAlways?: boolean;
  /** Replace the current object with this one (URL version, not yet decoded). */
  update?: KubeObject;
  /** The write is conditional on this resourceVersion. */
  expectedRv?: string;
  /** managedFields are already computed (server-side apply): no Update entry is recorded. */
  managedFieldsSet?: boolean;
}


export interface StoreDeps {
  info: ResourceInfo;
  strategy: Strategy;
  cache: ResourceCache;
  watchCache: WatchCache;
  pipeline: ObjectPipeline;
  now: () => Date;
  newUid: () => string;
  /** Five characters for generateName, from Kubernetes' alphabet. */
  randomSuffix: () => string;
  serviceAllocator: ServiceAllocator;
  admission: AdmissionSettings;
  /** Namespace lifecycle: the namespace must exist and not be terminating. */
  checkNamespace: (namespace: string, info: ResourceInfo, name: string) => void;
  /** Mutating admission of a create (LimitRanger, ServiceAccount…), after decoding and before the strategy's preparation. */
  admitCreate?: (obj: KubeObject) => Promise<void>;
  /**
   * Validating admission (LimitRanger, ResourceQuota) of a create or of an update of the object
   * itself, after validation and just before the write; what it took is given back if the write fails.
   */
  validateWrite?: (attrs: ValidationAttributes) => Promise<AdmissionReservation | undefined>;
  /** How long a read asking for a future resourceVersion waits for the cache. */
  futureRevisionWaitMs?: number;
  /** MutatingAdmissionWebhook and ValidatingAdmissionWebhook (absent for the kinds they never see). */
  webhooks?: AdmissionWebhooks;
  /** The other served versions (and groups) of this resource's stored objects, for matchPolicy Equivalent. */
  equivalents?: () => readonly ResourceInfo[];
}

export interface ListResult {
  items: CachedObject[];
  revision: number;
  continueToken?: string;
  remainingItemCount?: number;
}

export interface DeleteResult {
  /** The object (deleted, or pending deletion with deletionTimestamp set). */
  object: ObjectOut;
  /** False when the object still exists (finalizers or graceful deletion). */
  deleted: boolean;
}

export interface WatchOptions extends Pick<ListOptions, 'labelSelector' | 'fieldSelector'> {
  /** "" or undefined: current state as ADDED events, then changes. "0": the same. N: changes after N. */
  resourceVersion?: string;
  sendInitialEvents?: boolean;
  /** Restrict to one object (a watch on …/<name>; fieldSelector metadata.name=x does the same). */
  name?: string;
}

export interface WatchSink {
  event(type: CacheEventType, object: CachedObject, source: CacheEvent | undefined): void;
  close(reason: string): void;
}

/** Objects already converted to their store's served version (by a conversion webhook, ahead of served()). */
const preconverted = new WeakSet<CachedObject>();

/** RetryGenerateName's limit (kube-apiserver 1.32+). */
const generateNameAttempts = 8;
const generateNameMaxBase = 63 - 5;
/** A new object's resourceVersion until storage assigns its revision. */
const pendingResourceVersion = '0';

const orphanFinalizer = 'orphan';
const foregroundFinalizer = 'foregroundDeletion';

/** Metadata only the server sets (or that names the object): never taken from a write. */
const systemMetadataFields = ['name', 'namespace', 'uid', 'creationTimestamp', 'resourceVersion', 'deletionTimestamp', 'deletionGracePeriodSeconds', 'generation', 'selfLink'];

export class ResourceStore {
  readonly info: ResourceInfo;
  private readonly strategy: Strategy;
  private readonly cache: ResourceCache;

  constructor(private readonly deps: StoreDeps) {
    this.info = deps.info;
    this.strategy = deps.strategy;
    this.cache = deps.cache;
  }

  private get gr() {
    return { group: this.info.group, resource: this.info.resource };
  }

  private key(namespace: string | undefined, name: string): string {
    return objectKey(this.info.storage, this.info.namespaced ? namespace : undefined, name);
  }

  // ---------- reads ----------

  async get(namespace: string | undefined, name: string, resourceVersion?: string): Promise<ObjectOut> {
    await this.waitForResourceVersion(resourceVersion);
    await this.readyToConvert();
    const cached = this.cache.get(this.key(namespace, name));
    if (!cached) throw notFound(this.gr, name);
    return this.servedMaybe(ObjectOut.fromRaw(cached.raw));
  }

  /** The stored (storage-version) form, for read-modify-write. */
  private current(namespace: string | undefined, name: string): CachedObject | undefined {
    return this.cache.get(this.key(namespace, name));
  }

  private async waitForResourceVersion(resourceVersion: string | undefined): Promise<void> {
    if (!resourceVersion || resourceVersion === '0') return;
    const rv = parseResourceVersion(resourceVersion);
    if (rv <= this.deps.watchCache.currentRevision()) return;
    const ok = await this.deps.watchCache.waitForRevision(rv, this.deps.futureRevisionWaitMs ?? 3_000);
    if (!ok) throw tooLargeResourceVersion(rv, this.deps.watchCache.currentRevision());
  }

  async list(namespace: string | undefined, opts: ListOptions): Promise<ListResult> {
    validateListOptions(opts);
    await this.readyToConvert();
    const prefix = namespace && this.info.namespaced ? namespacePrefix(this.info.storage, namespace) : resourcePrefix(this.info.storage);
    const base = resourcePrefix(this.info.storage);
    let revision: number | undefined;
    let startAfter: string | undefined;
    if (opts.continueToken) {
      const pos = decodeContinue(opts.continueToken);
      revision = pos.revision;
      startAfter = base + pos.startAfter;
    } else if (opts.resourceVersion && opts.resourceVersion !== '0') {
      const rv = parseResourceVersion(opts.resourceVersion);
      if (opts.resourceVersionMatch === 'Exact') revision = rv;
      else await this.waitForResourceVersion(opts.resourceVersion);
    }

    let snapshot;
    try {
      snapshot = this.cache.list(prefix, revision);
    } catch (err) {
      if (isStorageError(err, 'Compacted')) {
        if (opts.continueToken) throw expiredContinue();
        throw expired(`too old resource version: ${revision} (${err.revision})`);
      }
      throw err;
    }

    const matcher = this.matcher(opts);
    const limit = opts.limit && opts.limit > 0 ? opts.limit : 0;
    const items: CachedObject[] = [];
    let i = 0;
    const all = snapshot.items;
    if (startAfter !== undefined) {
      while (i < all.length && all[i].key <= startAfter) i++;
    }
    let lastKey: string | undefined;
    for (; i < all.length; i++) {
      const obj = all[i];
      if (matcher && !matcher(obj)) continue;
      items.push(obj);
      lastKey = obj.key;
      if (limit && items.length === limit) {
        i++;
        break;
      }
    }
    const result: ListResult = { items: this.deps.pipeline.convertsByWebhook(this.info) ? await this.convertAhead(items) : items, revision: snapshot.revision };
    if (limit && items.length === limit && lastKey !== undefined) {
      // Is anything left that matches?
      let remaining = 0;
      let anyLeft = false;
      for (let j = i; j < all.length; j++) {
        if (!matcher || matcher(all[j])) {
          anyLeft = true;
          remaining++;
          if (matcher) break;
        }
      }
      if (anyLeft) {
        result.continueToken = encodeContinue({ revision: snapshot.revision, startAfter: lastKey.slice(base.length) });
        if (!matcher) result.remainingItemCount = remaining;
      }
    }
    return result;
  }

  private matcher(opts: Pick<ListOptions, 'labelSelector' | 'fieldSelector'>): ((obj: CachedObject) => boolean) | undefined {
    const { labelSelector, fieldSelector } = opts;
    if (!labelSelector && !fieldSelector) return undefined;
    return (obj) => (!labelSelector || matchesLabels(labelSelector, obj.labels as Record<string, string> | undefined)) &&
      (!fieldSelector || matchesFields(fieldSelector, obj.fields as Record<string, string>));
  }

  // A converted object is put in Go's form by the write pipeline's code, loaded after start-up.
  private async readyToConvert(): Promise<void> {
    if (this.convertsOnRead()) await this.deps.pipeline.ready();
  }

  /** True when objects are stored in another version than this resource serves (read paths must convert). */
  convertsOnRead(): boolean {
    return this.deps.pipeline.converts(this.info);
  }

  /** Served form of a cached object (converted if this resource is served in another version). */
  served(obj: CachedObject): ObjectOut {
    if (preconverted.has(obj)) return ObjectOut.fromRaw(obj.raw);
    return this.deps.pipeline.toServed(this.info, ObjectOut.fromRaw(obj.raw));
  }

  /**
   * Objects in the served version ahead of served(), where that takes a conversion webhook: one
   * call for them all, as the apiserver converts a list. Others are returned as they are.
   */
  private async convertAhead(items: CachedObject[]): Promise<CachedObject[]> {
    if (!this.deps.pipeline.convertsByWebhook(this.info) || items.length === 0) return items;
    const outs = await this.deps.pipeline.toServedAll(this.info, items.map((i) => ObjectOut.fromRaw(i.raw)));
    return items.map((item, i) => {
      // Selectors keep matching the stored object's labels and fields.
      const converted = new CachedObject(item.key, outs[i]!.raw, item.modRevision, item.createRevision, () => ({ labels: item.labels, fields: item.fields }));
      preconverted.add(converted);
      return converted;
    });
  }

  returnsDeletedObject(): boolean {
    return this.strategy.returnDeletedObject === true;
  }

  /** The revision reads are currently served at. */
  currentRevision(): number {
    return this.deps.watchCache.currentRevision();
  }

  // ---------- watch ----------

  watch(namespace: string | undefined, opts: WatchOptions, sink: WatchSink): CacheWatcher {
    if (this.deps.pipeline.convertsByWebhook(this.info)) sink = this.convertingSink(sink);
    const name = opts.name ?? (opts.fieldSelector ? exactName(opts) : undefined);
    const keyPrefix = name !== undefined
      ? this.key(namespace, name)
      : namespace && this.info.namespaced
        ? namespacePrefix(this.info.storage, namespace)
        : resourcePrefix(this.info.storage);
    const matcher = this.matcher(opts);
    const exactKey = name !== undefined ? keyPrefix : undefined;
    const matches = exactKey
      ? (obj: CachedObject) => obj.key === exactKey && (!matcher || matcher(obj))
      : matcher;

    const rv = opts.resourceVersion ?? '';
    let from: number;
    if (rv === '' || rv === '0' || opts.sendInitialEvents) {
      // Start with the current state as ADDED events, as kube-apiserver does for these resourceVersions.
      const snapshot = this.cache.list(keyPrefix);
      from = snapshot.revision;
      for (const obj of snapshot.items) {
        if (exactKey && obj.key !== exactKey) continue;
        if (!matches || matches(obj)) sink.event('ADDED', obj, undefined);
      }
    } else {
      from = parseResourceVersion(rv);
      if (from > this.deps.watchCache.currentRevision()) {
        throw tooLargeResourceVersion(from, this.deps.watchCache.currentRevision());
      }
    }
    try {
      return this.cache.watch({
        fromRevision: from,
        // For one object the prefix is its key: a cheap filter, with the exact check in matches.
        keyPrefix,
        matches,
        onEvent: (event, type, object) => sink.event(type, object, event),
        onClose: (reason) => sink.close(reason),
      });
    } catch (err) {
      if (isStorageError(err, 'Compacted')) throw expired(`too old resource version: ${from} (${err.revision})`);
      throw err;
    }
  }

  /**
   * A watch in a version a conversion webhook makes: events are converted before they go out, in
   * order, those that came together (the initial state) in one review; a conversion that fails
   * ends the watch.
   */
  private convertingSink(sink: WatchSink): WatchSink {
    let chain = Promise.resolve();
    let closed = false;
    let batch: { type: CacheEventType; object: CachedObject }[] | undefined;
    const closeOnce = (reason: string) => {
      if (closed) return;
      closed = true;
      sink.close(reason);
    };
    return {
      event: (type, object) => {
        if (batch) {
          batch.push({ type, object });
          return;
        }
        const events = (batch = [{ type, object }]);
        chain = chain
          .then(async () => {
            batch = undefined; // later events make the next batch
            if (closed) return;
            const converted = await this.convertAhead(events.map((e) => e.object));
            events.forEach((e, i) => {
              if (!closed) sink.event(e.type, converted[i]!, undefined);
            });
          })
          .catch((err: unknown) => closeOnce(err instanceof Error ? err.message : String(err)));
      },
      close: (reason) => {
        chain = chain.then(() => closeOnce(reason));
      },
    };
  }

  // ---------- writes ----------

  /** POST; also the create of a PUT or apply to an absent object, whose URL names it (`urlName`). */
  async create(namespace: string | undefined, body: KubeObject, opts: WriteOptions, managedFieldsSet = false, urlName?: string): Promise<ObjectOut> {
    if (this.info.custom?.terminating) {
      // apiextensions' handler: nothing new while the CRD's custom resources are being deleted.
      throw methodNotSupported(this.info.group, this.info.resource, 'create', 'create not allowed while custom resource definition is terminating');
    }
    await this.deps.pipeline.ready();
    const decoded = this.deps.pipeline.decodeForWrite(this.info, body, namespace, opts, urlName);
    if (!managedFieldsSet) this.deps.pipeline.trackWrite(this.info, undefined, decoded.obj, opts, this.deps.now());
    let obj = this.deps.pipeline.convertsByWebhook(this.info) ? await this.deps.pipeline.toStorageAsync(this.info, decoded.obj) : this.deps.pipeline.toStorage(this.info, decoded.obj);
    const mutatingWebhooks = this.webhooksActive('mutating');
    if (this.deps.admitCreate || mutatingWebhooks) {
      if (this.info.namespaced) this.deps.checkNamespace(obj.metadata?.namespace ?? '', this.info, obj.metadata?.name ?? '');
      if (this.deps.admitCreate) await this.deps.admitCreate(obj);
      // MutatingAdmissionWebhook comes after the built-in mutating plugins.
      if (mutatingWebhooks) obj = (await this.mutateByWebhooks('CREATE', obj, undefined, opts, undefined, decoded.requiredErrors)) ?? obj;
    }
    const meta = obj.metadata!;
    const generated = !meta.name && !!meta.generateName;
    if (generated) meta.name = meta.generateName!.slice(0, generateNameMaxBase) + this.deps.randomSuffix();
    const name = meta.name ?? '';
    if (this.info.namespaced) this.deps.checkNamespace(meta.namespace ?? '', this.info, name);
    this.prepareForCreate(obj);
    this.deps.pipeline.validateCreate(this.info, obj, this.strategy, decoded.requiredErrors);
    opts.warnings.push(...(this.strategy.warningsOnCreate?.(obj) ?? []));
    if (this.webhooksActive('validating')) await this.validateByWebhooks('CREATE', obj, undefined, opts, undefined);
    const reservation = await this.deps.validateWrite?.({ operation: 'CREATE', object: obj, dryRun: opts.dryRun, user: opts.user });
    // RetryGenerateName: a generated name that is taken is generated again, 8 attempts in all,
    // so that a client never sees the collision of two random suffixes.
    if (opts.dryRun) {
      for (let attempt = 1; this.current(meta.namespace, meta.name ?? ''); attempt++) {
        if (!generated || attempt >= generateNameAttempts) throw alreadyExists(this.gr, meta.name ?? '');
        meta.name = meta.generateName!.slice(0, generateNameMaxBase) + this.deps.randomSuffix();
      }
      return this.servedMaybe(ObjectOut.fromObject(this.deps.pipeline.storedForm(this.info, obj)));
    }
    // Storage sets the value; set now, the key has its Go place in metadata.
    meta.resourceVersion = pendingResourceVersion;
    const formed = this.deps.pipeline.storedForm(this.info, obj);
    const written = this.deps.watchCache.create(this.key(meta.namespace, meta.name ?? ''), formed as Record<string, unknown>);
    // From here on only the stored form is needed, and only to be handed back or named again.
    return this.awaitCreated(written, opts.returnsObject || generated ? formed : undefined, generated, opts.returnsObject === true, reservation);
  }

  /**
   * The end of a create, once storage took the write. A function of its own, given only what it
   * needs, so that nothing keeps the request's decoded body, its intermediate forms and its
   * managed-fields sets while the write waits for its batch: under load tens of writes wait at
   * any time, and while they kept all that, every young-generation GC copied it (about 40 KB a
   * pod), which cost more than any single step of the write. (An async function keeps its
   * locals and arguments across an await.) `formed` is there to be handed back, or to be named
   * again when its generated name is taken: only the name changes, so it is written as it is.
   */
  private async awaitCreated(
    written: Promise<StoredObject>,
    formed: KubeObject | undefined,
    generated: boolean,
    returnsObject: boolean,
    reservation: AdmissionReservation | undefined,
  ): Promise<ObjectOut> {
    for (let attempt = 1; ; attempt++) {
      let stored: StoredObject;
      try {
        stored = await written;
      } catch (err) {
        const meta = formed?.metadata;
        if (isStorageError(err, 'KeyExists') && generated && meta && attempt < generateNameAttempts) {
          meta.name = meta.generateName!.slice(0, generateNameMaxBase) + this.deps.randomSuffix();
          meta.resourceVersion = pendingResourceVersion;
          written = this.deps.watchCache.create(this.key(meta.namespace, meta.name), formed as Record<string, unknown>);
          continue;
        }
        // Nothing was written: the quota charged for it goes back.
        await reservation?.release();
        throw isStorageError(err, 'KeyExists') ? alreadyExists(this.gr, err.key.slice(err.key.lastIndexOf('/') + 1)) : storageRefusal(err);
      }
      return this.servedMaybe(returnsObject ? ObjectOut.fromWritten(stored.value, formed!) : ObjectOut.fromJson(stored.value));
    }
  }

  // ---------- admission webhooks ----------

  // Checked before any await: writes of a cluster without webhooks take no extra turns of the event loop.
  private webhooksActive(kind: 'mutating' | 'validating'): boolean {
    return this.deps.webhooks?.active(kind) === true;
  }

  /** The served form; a promise only where a conversion webhook must be called. */
  private servedMaybe(out: ObjectOut): ObjectOut | Promise<ObjectOut> {
    return this.deps.pipeline.convertsByWebhook(this.info) ? this.deps.pipeline.toServedAsync(this.info, out) : this.deps.pipeline.toServed(this.info, out);
  }

  /** `make` of the served form, synchronously unless a conversion webhook must be called. */
  private withServed<T>(out: ObjectOut, make: (object: ObjectOut) => T): T | Promise<T> {
    const served = this.servedMaybe(out);
    return served instanceof Promise ? served.then(make) : make(served);
  }

  /** The request as admission webhooks see it: objects in the URL's version. */
  private async webhookAttributes(
    operation: AdmissionOperation,
    object: KubeObject | undefined,
    oldObject: KubeObject | undefined,
    opts: { dryRun: boolean; user?: UserInfo; warnings: string[]; fieldManager?: string; managedFieldsSubresource?: string },
    subresource: WriteSubresource | undefined,
    options?: Record<string, unknown>,
  ): Promise<AdmissionAttributes> {
    const served = async (o: KubeObject | undefined) => (o ? (await this.deps.pipeline.toServedAsync(this.info, ObjectOut.fromObject(o))).copy() : undefined);
    const meta = (object ?? oldObject)?.metadata ?? {};
    const optionsKind = operation === 'CREATE' ? 'CreateOptions' : 'UpdateOptions';
    return {
      operation,
      resource: { group: this.info.group, version: this.info.version, resource: this.info.resource },
      kind: { group: this.info.group, version: this.info.version, kind: this.info.kind },
      // A scale write changes the object itself: rules for …/scale match it (the object sent is the whole one, not a Scale).
      subresource: subresource ?? (opts.managedFieldsSubresource === 'scale' ? 'scale' : ''),
      namespaced: this.info.namespaced,
      namespace: this.info.namespaced ? (meta.namespace ?? '') : '',
      name: meta.name ?? '',
      object: await served(object),
      oldObject: await served(oldObject),
      dryRun: opts.dryRun,
      options: options ?? {
        kind: optionsKind,
        apiVersion: 'meta.k8s.io/v1',
        ...(opts.dryRun ? { dryRun: ['All'] } : {}),
        ...(opts.fieldManager ? { fieldManager: opts.fieldManager } : {}),
      },
      userInfo: reviewUserInfo(opts.user),
      warnings: opts.warnings,
      equivalents: (this.deps.equivalents?.() ?? []).map((other) => this.equivalentResource(other)),
    };
  }

  /** Another version of this resource, reached through the storage version as any read of it is. */
  private equivalentResource(other: ResourceInfo): EquivalentResource {
    const { pipeline } = this.deps;
    const convert = async (from: ResourceInfo, to: ResourceInfo, obj: KubeObject) =>
      (await pipeline.toServedAsync(to, ObjectOut.fromObject(await pipeline.toStorageAsync(from, jsonCopy(obj))))).copy();
    return {
      resource: { group: other.group, version: other.version, resource: other.resource },
      kind: { group: other.group, version: other.version, kind: other.kind },
      fromRequest: (obj) => convert(this.info, other, obj),
      toRequest: (obj) => convert(other, this.info, obj),
    };
  }

  /**
   * Mutating webhooks on an object (storage version) about to be written; undefined when none
   * changed it. What they return is decoded and defaulted again, so it is validated as any body.
   */
  private async mutateByWebhooks(
    operation: AdmissionOperation,
    obj: KubeObject,
    old: KubeObject | undefined,
    opts: WriteOptions,
    subresource: WriteSubresource | undefined,
    requiredErrors: FieldError[],
  ): Promise<KubeObject | undefined> {
    const webhooks = this.deps.webhooks;
    if (!webhooks?.active('mutating') || subresource === 'binding') return undefined;
    const attrs = await this.webhookAttributes(operation, obj, old, opts, subresource);
    const before = attrs.object!;
    const after = await webhooks.mutate({ ...attrs, object: jsonCopy(before) });
    if (!after || jsonEqual(after, before)) return undefined;
    const redecoded = this.deps.pipeline.decodeForWrite(this.info, after, obj.metadata?.namespace, { ...opts, fieldValidation: 'Ignore', warnings: [] }, obj.metadata?.name || undefined);
    requiredErrors.push(...redecoded.requiredErrors.filter((e) => !requiredErrors.some((r) => r.field === e.field)));
    return this.deps.pipeline.toStorageAsync(this.info, redecoded.obj);
  }

  private async validateByWebhooks(
    operation: AdmissionOperation,
    obj: KubeObject,
    old: KubeObject | undefined,
    opts: WriteOptions,
    subresource: WriteSubresource | undefined,
  ): Promise<void> {
    const webhooks = this.deps.webhooks;
    if (!webhooks?.active('validating') || subresource === 'binding') return;
    await webhooks.validate(await this.webhookAttributes(operation, obj, old, opts, subresource));
  }

  private prepareForCreate(obj: KubeObject): void {
    const meta = obj.metadata!;
    const now = this.deps.now();
    meta.uid = this.deps.newUid();
    meta.creationTimestamp = formatTime(now);
    delete meta.resourceVersion;
    delete meta.deletionTimestamp;
    delete meta.deletionGracePeriodSeconds;
    delete meta.selfLink;
    if (this.strategy.tracksGeneration) meta.generation = 1;
    else delete meta.generation;
    // A status a client sends on create is not taken; the empty struct is what a real cluster stores.
    if (this.hasStatus() && !this.strategy.keepStatusOnCreate) {
      if (this.strategy.dropStatusOnCreate) delete obj.status;
      else obj.status = {};
    }
    const errors = this.strategy.prepareForCreate?.(obj, { now, serviceAllocator: this.deps.serviceAllocator, admission: this.deps.admission });
    if (errors?.length) throw invalid(this.info, meta.name ?? '', errors);
  }

  private hasStatus(): boolean {
    return this.info.subresources.has('status');
  }

  /**
   * PUT. `subresource` is "status" for the status endpoint. The body's resourceVersion, when set,
   * must match the stored one.
   */
  async update(
    namespace: string | undefined,
    name: string,
    body: KubeObject,
    opts: WriteOptions,
    subresource?: 'status' | 'approval',
  ): Promise<{ object: ObjectOut; created: boolean }> {
    return this.guaranteedUpdate(namespace, name, opts, subresource, (current) => {
      if (!current) return { create: body };
      const requested = (body.metadata as { resourceVersion?: string } | undefined)?.resourceVersion;
      if (!requested && this.strategy.allowUnconditionalUpdate === false) {
        throw invalid(this.info, name, [{ type: 'FieldValueRequired', field: 'metadata.resourceVersion', detail: 'must be specified for an update' }]);
      }
      // The body may be decoded again on a retry, and decoding works in place.
      return { update: structuredClone(body), expectedRv: requested };
    }, true);
  }

  /**
   * Read-modify-write with retries on storage conflicts (only while the caller did not pin a
   * resourceVersion): the one place optimistic concurrency lives.
   */
  async guaranteedUpdate(
    namespace: string | undefined,
    name: string,
    opts: WriteOptions,
    subresource: WriteSubresource | undefined,
    /** Given the current object (served version), the new body (served version, undecoded) or a create. */
    tryUpdate: (current: KubeObject | undefined) => UpdatePlan,
    /**
     * tryUpdate only reads the current object (a PUT's body replaces it; a patch is applied to a
     * copy): it is then given the attempt's own parse rather than a copy of it.
     */
    readsCurrentOnly = false,
  ): Promise<{ object: ObjectOut; created: boolean }> {
    await this.deps.pipeline.ready();
    const key = this.key(namespace, name);
    for (let attempt = 0; ; attempt++) {
      const step = await this.prepareUpdate(key, namespace, name, opts, subresource, tryUpdate, attempt, readsCurrentOnly);
      if (!('written' in step)) return step;
      // Only what the rest needs is held while the write waits for its batch (see awaitCreated).
      const { formed, finalizing, reservation, expectedRv } = step;
      let written = false;
      try {
        const stored = await step.written;
        written = true;
        // The last finalizer is gone from an object being deleted: now it really goes.
        if (finalizing) await this.removeNow(key, stored);
        return this.withServed(ObjectOut.fromWritten(stored.value, formed), (object) => ({ object, created: false }));
      } catch (err) {
        // A retry is admitted afresh: what this attempt took goes back first.
        if (!written) await reservation?.release();
        if (isStorageError(err, 'Conflict') && !expectedRv && attempt < 10) {
          await this.caughtUp(err);
          continue;
        }
        if (isStorageError(err, 'Conflict')) throw conflict(this.gr, name, optimisticLockMessage);
        if (isStorageError(err, 'KeyNotFound')) throw notFound(this.gr, name);
        throw storageRefusal(err);
      }
    }
  }

  /**
   * One attempt of guaranteedUpdate up to the write: the finished answer (a create, a dry run, a
   * write that changes nothing), or the write storage took. Its own function, so that the forms of
   * the object it went through are garbage while the write waits.
   */
  private async prepareUpdate(
    key: string,
    namespace: string | undefined,
    name: string,
    opts: WriteOptions,
    subresource: WriteSubresource | undefined,
    tryUpdate: (current: KubeObject | undefined) => UpdatePlan,
    attempt: number,
    readsCurrentOnly: boolean,
  ): Promise<{ object: ObjectOut; created: boolean } | PendingUpdate> {
    const cached = this.current(namespace, name);
    const current = cached ? (parseCached<KubeObject>(cached)) : undefined;
    // The caller's own copy, which it may change at will (or, when it only reads, the parse itself).
    let servedCurrent: KubeObject | undefined;
    if (cached && this.convertsOnRead()) {
      const served = this.servedMaybe(ObjectOut.fromObject(current!));
      servedCurrent = (served instanceof Promise ? await served : served).copy();
    } else if (cached) servedCurrent = readsCurrentOnly ? current : jsonCopy(current!);
    const plan = tryUpdate(servedCurrent);
    if (plan.create) {
      if ((!this.strategy.allowCreateOnUpdate && !plan.createAlways) || subresource) throw notFound(this.gr, name);
      const created = await this.create(namespace, plan.create, opts, plan.managedFieldsSet, name);
      return { object: created, created: true };
    }
    const decoded = this.deps.pipeline.decodeForWrite(this.info, plan.update!, namespace, attempt === 0 ? opts : { ...opts, warnings: [] }, name);
    if (!plan.managedFieldsSet) this.deps.pipeline.trackWrite(this.info, servedCurrent, decoded.obj, opts, this.deps.now(), subresource);
    let next = this.deps.pipeline.convertsByWebhook(this.info) ? await this.deps.pipeline.toStorageAsync(this.info, decoded.obj) : this.deps.pipeline.toStorage(this.info, decoded.obj);
    const old = current!;
    if (plan.expectedRv && plan.expectedRv !== old.metadata?.resourceVersion) {
      throw conflict(this.gr, name, optimisticLockMessage);
    }
    this.checkUid(next, old, name);
    if (this.webhooksActive('mutating')) next = (await this.mutateByWebhooks('UPDATE', next, old, opts, subresource, decoded.requiredErrors)) ?? next;
    if (subresource) {
      this.prepareSubresourceUpdate(subresource, next, old);
      this.strategy.prepareForSubresourceUpdate?.(subresource, next, old, { now: this.deps.now(), serviceAllocator: this.deps.serviceAllocator, admission: this.deps.admission });
    } else this.prepareForUpdate(next, old);
    this.deps.pipeline.validateUpdate(this.info, next, old, this.strategy, decoded.requiredErrors, subresource);
    if (!subresource && attempt === 0) opts.warnings.push(...(this.strategy.warningsOnUpdate?.(next, old) ?? []));
    next.metadata!.resourceVersion = old.metadata!.resourceVersion;
    const formed = this.deps.pipeline.storedForm(this.info, next);
    if (this.webhooksActive('validating')) await this.validateByWebhooks('UPDATE', formed, old, opts, subresource);
    // A write that changes nothing is not a write: no new resourceVersion, no event.
    if (jsonEqual(formed, old)) return this.withServed(ObjectOut.fromRaw(cached!.raw), (object) => ({ object, created: false }));
    const finalizing = !!old.metadata?.deletionTimestamp && !this.hasPendingFinalizers(formed) && !old.metadata?.deletionGracePeriodSeconds;
    // Admission plugins judge writes of the object itself; subresources are not theirs.
    const reservation = subresource ? undefined : await this.deps.validateWrite?.({ operation: 'UPDATE', object: formed, oldObject: old, dryRun: opts.dryRun, user: opts.user });
    if (opts.dryRun) return this.withServed(ObjectOut.fromObject(formed), (object) => ({ object, created: false }));
    return { written: this.deps.watchCache.update(key, formed as Record<string, unknown>, cached!.modRevision), formed, finalizing, reservation, expectedRv: plan.expectedRv };
  }

  /** PATCH of the object or its status: the patch applies to the current object in the URL's version. */
  async patch(
    namespace: string | undefined,
    name: string,
    type: PatchType,
    patch: unknown,
    opts: WriteOptions,
    subresource?: 'status' | 'approval',
  ): Promise<{ object: ObjectOut; created: boolean }> {
    if (type === 'apply') {
      return this.guaranteedUpdate(namespace, name, opts, subresource, (current) => {
        const merged = this.deps.pipeline.apply(this.info, current, patch, opts, this.deps.now(), subresource);
        // An apply names no resourceVersion unless the configuration does.
        const rv = (merged.metadata as { resourceVersion?: string } | undefined)?.resourceVersion;
        if (!current) return { create: merged, createAlways: true, managedFieldsSet: true };
        return { update: merged, managedFieldsSet: true, expectedRv: rv && rv !== current.metadata?.resourceVersion ? rv : undefined };
      });
    }
    if (opts.force) {
      throw invalid({ group: 'meta.k8s.io', kind: 'PatchOptions' }, '', [
        { type: 'FieldValueForbidden', field: 'force', detail: 'may not be specified for non-apply patch' },
      ]);
    }
    return this.guaranteedUpdate(namespace, name, opts, subresource, (current) => {
      if (!current) throw notFound(this.gr, name);
      const patched = this.deps.pipeline.applyPatch(this.info, type, current, patch);
      // kube-apiserver's patcher checks the result's name against the URL (checkName): a patch that
      // takes the name away ({"$patch":"delete"}, a removed /metadata/name) is refused, not applied.
      const patchedMeta = patched.metadata as { name?: unknown } | undefined;
      const patchedName = isPlainObject(patchedMeta) && typeof patchedMeta.name === 'string' ? patchedMeta.name : '';
      if (patchedName !== name) throw badRequest(`the name of the object (${patchedName}) does not match the name on the URL (${name})`);
      const currentRv = current.metadata?.resourceVersion;
      const patchedRv = (patched.metadata as { resourceVersion?: string } | undefined)?.resourceVersion;
      // A patch that names a resourceVersion is conditional on it; otherwise it retries on conflicts.
      return { update: patched, expectedRv: patchedRv && patchedRv !== currentRv ? patchedRv : undefined };
    }, true);
  }

  private async removeNow(key: string, stored: StoredObject): Promise<void> {
    try {
      await this.deps.watchCache.delete(key, stored.modRevision);
    } catch (err) {
      if (!isStorageError(err, 'KeyNotFound') && !isStorageError(err, 'Conflict')) throw err;
    }
  }

  private checkUid(next: KubeObject, old: KubeObject, name: string): void {
    const uid = next.metadata?.uid;
    if (uid && uid !== old.metadata?.uid) {
      throw conflict(this.gr, name, `Precondition failed: UID in precondition: ${uid}, UID in object meta: ${old.metadata?.uid ?? ''}`);
    }
  }

  private prepareForUpdate(next: KubeObject, old: KubeObject): void {
    const meta = next.metadata!;
    const oldMeta = old.metadata!;
    // System-owned metadata always comes from the stored object.
    meta.uid = oldMeta.uid;
    meta.creationTimestamp = oldMeta.creationTimestamp;
    meta.resourceVersion = oldMeta.resourceVersion;
    if (oldMeta.deletionTimestamp) meta.deletionTimestamp = oldMeta.deletionTimestamp;
    else delete meta.deletionTimestamp;
    if (oldMeta.deletionGracePeriodSeconds !== undefined) meta.deletionGracePeriodSeconds = oldMeta.deletionGracePeriodSeconds;
    else delete meta.deletionGracePeriodSeconds;
    delete meta.selfLink;
    if (this.hasStatus()) {
      if (old.status === undefined) delete next.status;
      else next.status = old.status;
    }
    const errors = this.strategy.prepareForUpdate?.(next, old, { now: this.deps.now(), serviceAllocator: this.deps.serviceAllocator, admission: this.deps.admission });
    if (errors?.length) throw invalid(this.info, meta.name ?? '', errors);
    if (this.strategy.tracksGeneration) {
      const oldGen = oldMeta.generation ?? 1;
      const changed = !sameSpec(next, old) ||
        (this.strategy.generationCountsAnnotations && !jsonEqual(meta.annotations ?? {}, oldMeta.annotations ?? {}));
      meta.generation = changed ? oldGen + 1 : oldGen;
    } else if (oldMeta.generation !== undefined) meta.generation = oldMeta.generation;
    else delete meta.generation;
  }

  // The status endpoint changes status and metadata (as kube-apiserver's status strategies, which
  // reset spec and, for some kinds, a few metadata fields: controllers record annotations such as a
  // Deployment's revision through it without bumping the generation); the finalize endpoint
  // spec.finalizers only, a pod's binding spec.nodeName only, a CSR's approval status.conditions
  // only: everything else is the stored object's.
  /**
   * A subresource write keeps everything of the stored object but what the subresource owns.
   * `next` takes the stored object's parts by reference — `old` is this attempt's own parse and
   * is only read from here on — except metadata, which the write changes, and the status a
   * binding amends.
   */
  private prepareSubresourceUpdate(subresource: WriteSubresource, next: KubeObject, old: KubeObject): void {
    const status = next.status;
    const newMeta = next.metadata;
    const spec = (next.spec ?? {}) as { finalizers?: unknown; nodeName?: unknown };
    const managedFields = next.metadata?.managedFields;
    for (const k of Object.keys(next)) delete next[k];
    Object.assign(next, old);
    if (old.metadata) next.metadata = { ...old.metadata };
    if (subresource === 'binding' && old.status) next.status = structuredClone(old.status);
    if (managedFields) next.metadata!.managedFields = managedFields;
    else if (next.metadata) delete next.metadata.managedFields;
    if (subresource === 'status') {
      if (status === undefined) delete next.status;
      else next.status = status;
      if (newMeta) next.metadata = this.statusWriteMetadata(newMeta, next.metadata ?? {});
    } else if (subresource === 'finalize') {
      next.spec = { ...(next.spec as object), finalizers: spec.finalizers };
    } else if (subresource === 'approval') {
      const conditions = (status as { conditions?: unknown } | undefined)?.conditions;
      const kept = { ...(next.status as object | undefined) } as Record<string, unknown>;
      if (conditions === undefined) delete kept.conditions;
      else kept.conditions = conditions;
      next.status = kept;
    } else {
      next.spec = { ...(next.spec as object), nodeName: spec.nodeName };
    }
  }

  /** The metadata a status write leaves: the writer's, but for system fields and the kind's reset fields. */
  private statusWriteMetadata(written: NonNullable<KubeObject['metadata']>, stored: NonNullable<KubeObject['metadata']>): NonNullable<KubeObject['metadata']> {
    const merged: Record<string, unknown> = { ...written };
    const keep = stored as Record<string, unknown>;
    // `stored` is this attempt's own copy (see prepareSubresourceUpdate): its values can be taken as they are.
    for (const field of [...systemMetadataFields, ...this.deps.pipeline.statusResetMetadataFields(this.info)]) {
      if (keep[field] === undefined) delete merged[field];
      else merged[field] = keep[field];
    }
    merged.managedFields = stored.managedFields;
    if (merged.managedFields === undefined) delete merged.managedFields;
    return merged as NonNullable<KubeObject['metadata']>;
  }

  private hasPendingFinalizers(obj: KubeObject): boolean {
    return this.strategy.hasPendingFinalizers ? this.strategy.hasPendingFinalizers(obj) : (obj.metadata?.finalizers?.length ?? 0) > 0;
  }

  /** Validation errors as a 422 for this resource's kind. */
  invalid(name: string, errors: FieldError[]): ApiError {
    return invalid(this.info, name, errors);
  }

  async delete(namespace: string | undefined, name: string, options: DeleteOptions, dryRun: boolean, request: DeleteRequest = {}): Promise<DeleteResult> {
    await this.deps.pipeline.ready();
    const key = this.key(namespace, name);
    let admitted = false;
    for (let attempt = 0; ; attempt++) {
      const cached = this.current(namespace, name);
      if (!cached) throw notFound(this.gr, name);
      const obj = parseCached<KubeObject>(cached);
      const meta = obj.metadata!;
      const pre = options.preconditions;
      if (pre?.uid && pre.uid !== meta.uid) {
        throw conflict(this.gr, name, `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${meta.uid}`);
      }
      if (pre?.resourceVersion && pre.resourceVersion !== meta.resourceVersion) {
        throw conflict(
          this.gr,
          name,
          `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${meta.resourceVersion}`,
        );
      }
      if (!admitted && (this.webhooksActive('mutating') || this.webhooksActive('validating'))) {
        // Admission judges the delete once, not each retry of it.
        const deleteOptions = { kind: 'DeleteOptions', apiVersion: 'meta.k8s.io/v1', ...deleteOptionsBody(options, dryRun) };
        const attrs = await this.webhookAttributes('DELETE', undefined, obj, { dryRun, user: request.user, warnings: request.warnings ?? [] }, undefined, deleteOptions);
        await this.deps.webhooks!.mutate(attrs);
        await this.deps.webhooks!.validate(attrs);
        admitted = true;
      }
      const grace = this.strategy.gracePeriodSeconds?.(obj, options.gracePeriodSeconds) ?? 0;
      const current = meta.deletionGracePeriodSeconds ?? 0;
      const deleting = !!meta.deletionTimestamp;
      // A graceful deletion under way is only ever shortened; its finalizers are no longer the delete's to change.
      if (deleting && current > 0 && grace >= current) {
        return this.withServed(ObjectOut.fromRaw(cached.raw), (object) => ({ object, deleted: false }));
      }
      const gc = this.garbageCollectionFinalizers(meta.finalizers ?? [], options);
      if (gc.changed) {
        if (gc.finalizers.length) meta.finalizers = gc.finalizers;
        else delete meta.finalizers;
      }
      const hasFinalizers = this.hasPendingFinalizers(obj);
      if (!hasFinalizers && grace === 0) {
        if (dryRun) return this.withServed(ObjectOut.fromObject(obj), (object) => ({ object, deleted: true }));
        try {
          await this.deps.watchCache.delete(key, cached.modRevision);
          return this.withServed(ObjectOut.fromRaw(cached.raw), (object) => ({ object, deleted: true }));
        } catch (err) {
          if (isStorageError(err, 'Conflict') && attempt < 10) {
            await this.caughtUp(err);
            continue;
          }
          if (isStorageError(err, 'KeyNotFound')) throw notFound(this.gr, name);
          if (isStorageError(err, 'Conflict')) throw conflict(this.gr, name, optimisticLockMessage);
          throw err;
        }
      }
      // Graceful or finalized deletion: mark the object and keep it.
      const now = this.deps.now();
      if (deleting && !gc.changed && grace >= current) {
        return this.withServed(ObjectOut.fromRaw(cached.raw), (object) => ({ object, deleted: false }));
      }
      if (!deleting || grace < current) {
        // Starting, or bringing forward with a shorter grace period (the GC finalizers may change either way).
        meta.deletionTimestamp = formatTime(new Date(now.getTime() + grace * 1000));
        meta.deletionGracePeriodSeconds = grace;
      }
      if (!deleting) {
        this.strategy.prepareForDeletion?.(obj);
        // kube-apiserver bumps the generation when deletion starts (graceful, or held by finalizers).
        if (this.strategy.tracksGeneration) meta.generation = (meta.generation ?? 1) + 1;
      }
      const formed = this.deps.pipeline.storedForm(this.info, obj);
      if (dryRun) return this.withServed(ObjectOut.fromObject(formed), (object) => ({ object, deleted: false }));
      try {
        const stored = await this.deps.watchCache.update(key, formed as Record<string, unknown>, cached.modRevision);
        return this.withServed(ObjectOut.fromJson(stored.value), (object) => ({ object, deleted: false }));
      } catch (err) {
        if (isStorageError(err, 'Conflict') && attempt < 10) {
          await this.caughtUp(err);
          continue;
        }
        if (isStorageError(err, 'KeyNotFound')) throw notFound(this.gr, name);
        if (isStorageError(err, 'Conflict')) throw conflict(this.gr, name, optimisticLockMessage);
        throw storageRefusal(err);
      }
    }
  }

  // A write that lost a race lost it to another writer's write (still on its way to disk, maybe)
  // that the cache has not seen yet: retrying before it has would read the same stale object again.
  private async caughtUp(err: StorageError): Promise<void> {
    await this.deps.watchCache.waitForRevision(err.revision, 1_000);
  }

  /**
   * The orphan and foregroundDeletion finalizers a delete leaves on the object (kube-apiserver's
   * deletionFinalizersForGarbageCollection): the request's propagation policy wins, then a
   * finalizer already there, then the kind's default (Orphan for ReplicationControllers and
   * batch/v1 Jobs, for compatibility).
   */
  private garbageCollectionFinalizers(finalizers: readonly string[], options: DeleteOptions): { changed: boolean; finalizers: string[] } {
    const policy = this.strategy.defaultGarbageCollectionPolicy ?? 'DeleteDependents';
    if (policy === 'Unsupported') return { changed: false, finalizers: [...finalizers] };
    let orphan: boolean;
    let foreground: boolean;
    if (options.orphanDependents !== undefined) {
      orphan = options.orphanDependents;
      foreground = false;
    } else if (options.propagationPolicy) {
      orphan = options.propagationPolicy === 'Orphan';
      foreground = options.propagationPolicy === 'Foreground';
    } else {
      const marked = finalizers.find((f) => f === orphanFinalizer || f === foregroundFinalizer);
      orphan = marked ? marked === orphanFinalizer : policy === 'OrphanDependents';
      foreground = marked === foregroundFinalizer;
    }
    const next = finalizers.filter((f) => f !== orphanFinalizer && f !== foregroundFinalizer);
    if (orphan) next.push(orphanFinalizer);
    if (foreground) next.push(foregroundFinalizer);
    const changed = next.length !== finalizers.length || next.some((f) => !finalizers.includes(f));
    return { changed, finalizers: changed ? next : [...finalizers] };
  }

  /** The kind's warning for a delete that names no propagation policy (Jobs: their pods stay). */
  deleteWarnings(options: DeleteOptions): string[] {
    const warning = this.strategy.warningOnDefaultDelete;
    return warning && options.propagationPolicy === undefined && options.orphanDependents === undefined ? [warning] : [];
  }

  async deleteCollection(namespace: string | undefined, listOpts: ListOptions, options: DeleteOptions, dryRun: boolean): Promise<ObjectOut[]> {
    const { items } = await this.list(namespace, { ...listOpts, limit: undefined, continueToken: undefined });
    const deleted: ObjectOut[] = [];
    for (const item of items) {
      const parsed = parseCached<KubeObject>(item);
      try {
        const res = await this.delete(parsed.metadata?.namespace, parsed.metadata!.name!, options, dryRun);
        deleted.push(res.object);
      } catch (err) {
        if (err instanceof ApiError && err.code === 404) continue;
        throw err;
      }
    }
    return deleted;
  }

  /** Every stored object of this resource, as cached (allocators scan these). */
  cachedAll(): CachedObject[] {
    return this.cache.list(resourcePrefix(this.info.storage)).items;
  }

  /** Different after every change to this resource's stored objects. */
  cachedChangeCount(): number {
    return this.cache.changeCount();
  }

  /** The stored objects of one namespace, as cached, in name order (admission plugins read LimitRanges and quotas so). */
  cachedInNamespace(namespace: string): CachedObject[] {
    return this.cache.list(namespacePrefix(this.info.storage, namespace)).items;
  }

  /** For the namespace lifecycle check of other stores. */
  cachedObject(namespace: string | undefined, name: string): CachedObject | undefined {
    return this.current(namespace, name);
  }
}

// Whatever the key order: a decoded object has its writer's, a stored one Go's.
function sameSpec(a: KubeObject, b: KubeObject): boolean {
  const strip = (o: KubeObject) => {
    const { metadata: _m, status: _s, ...rest } = o;
    return rest;
  };
  return jsonEqual(strip(a), strip(b));
}

export function parseResourceVersion(rv: string): number {
  if (!/^\d+$/.test(rv)) throw badRequest(`invalid resource version: ${rv}`, undefined);
  return Number(rv);
}

function validateListOptions(opts: ListOptions): void {
  if (opts.resourceVersionMatch && !opts.resourceVersion) {
    throw invalidListOptions('resourceVersionMatch', opts.resourceVersionMatch, 'resourceVersionMatch is forbidden unless resourceVersion is provided');
  }
  if (opts.continueToken && opts.resourceVersion && opts.resourceVersion !== '0') {
    throw invalidListOptions('resourceVersion', opts.resourceVersion, 'specifying resource version is not allowed when using continue');
  }
  if (opts.resourceVersionMatch === 'Exact' && opts.resourceVersion === '0') {
    throw invalidListOptions('resourceVersionMatch', 'Exact', 'resourceVersionMatch "exact" is forbidden for resourceVersion "0"');
  }
  if (opts.resourceVersion && opts.resourceVersion !== '0') parseResourceVersion(opts.resourceVersion);
}

function invalidListOptions(field: string, value: string, detail: string): ApiError {
  return invalid({ group: 'meta.k8s.io', kind: 'ListOptions' }, '', [{ type: 'FieldValueForbidden', field, badValue: value, detail }]);
}

function tooLargeResourceVersion(requested: number, current: number): ApiError {
  const err = timeout(`Too large resource version: ${requested}, current: ${current}`);
  err.status.details = { causes: [{ reason: 'ResourceVersionTooLarge', message: 'Too large resource version' }], retryAfterSeconds: 1 };
  return err;
}

function expiredContinue(): ApiError {
  return expired(
    'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.',
  );
}

/** DeleteOptions as a webhook is told them. */
function deleteOptionsBody(options: DeleteOptions, dryRun: boolean): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  if (options.gracePeriodSeconds !== undefined) body.gracePeriodSeconds = options.gracePeriodSeconds;
  if (options.preconditions) body.preconditions = options.preconditions;
  if (options.orphanDependents !== undefined) body.orphanDependents = options.orphanDependents;
  if (options.propagationPolicy) body.propagationPolicy = options.propagationPolicy;
  if (dryRun) body.dryRun = ['All'];
  return body;
}

/** A watch with fieldSelector metadata.name=x watches one object. */
function exactName(opts: WatchOptions): string | undefined {
  return opts.fieldSelector ? exactFieldValue(opts.fieldSelector, 'metadata.name') : undefined;
}

/**
 * A write storage refused fails as kube-apiserver's does: etcd's "request is too large" and the
 * etcd3 store's "invalid key" (a `..` namespace) are 500s in their own words. A name holding a
 * newline or NUL, which etcd would store, is a limit of kubemu's key layout: a 400 that says so.
 */
function storageRefusal(err: unknown): unknown {
  if (isStorageError(err, 'RequestTooLarge')) return unknownServerError(err.message);
  if (isStorageError(err, 'InvalidKey')) {
    if (/[\n\0]/.test(err.key)) return badRequest(`kubemu cannot store a name or namespace holding a newline or NUL character: ${JSON.stringify(err.key)}`);
    return unknownServerError(err.message);
  }
  return err;
}
