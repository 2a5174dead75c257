// The part of apiextensions-apiserver that turns CustomResourceDefinitions into served APIs:
// the naming controller (status.acceptedNames and NamesAccepted), the establishing controller
// (Established), serving the accepted versions through the catalogue and the registry, and the
// finalizer controller (customresourcecleanup: a deleted CRD's custom resources go first).
// It runs inside the API server, whatever --controllers says, as it does in kube-apiserver.
import { isApiError } from '../../apierrors/index.js';
import type { KubeObject } from '../../machinery/object.js';
import type { Catalogue, ResourceInfo } from '../../schema/catalogue.js';
import { customResourceInfos, type CustomResourceDefinition, type CustomResourceNames } from '../../schema/custom-resources.js';
import { parseCached, type CacheWatcher } from '../../storage/watch-cache/types.js';
import type { ResourceStore } from '../store.js';
import { customResourceCleanupFinalizer, setCondition } from '../strategies/custom-resource-definitions.js';

export interface DefinitionControllerDeps {
  catalogue: Catalogue;
  definitions: ResourceStore;
  store(info: ResourceInfo): ResourceStore;
  addResources(infos: readonly ResourceInfo[]): Promise<void>;
  removeResources(infos: readonly ResourceInfo[], keepCache: boolean): void;
  now: () => Date;
  log?: (message: string, fields?: Record<string, unknown>) => void;
}

const internalWrite = { dryRun: false, fieldValidation: 'Ignore' as const, warnings: [] as string[], fieldManager: 'kube-apiserver' };
// A custom resource still held by its own finalizers is looked at again after this long.
const cleanupRetryMs = 1_000;

export class DefinitionController {
  private readonly pending = new Set<string>();
  private running: Promise<void> | undefined;
  private watcher: CacheWatcher | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(private readonly deps: DefinitionControllerDeps) {}

  /** Serves every stored CRD that is established (before the server answers), then follows changes. */
  async start(): Promise<void> {
    const revision = this.deps.definitions.currentRevision();
    for (const cached of this.deps.definitions.cachedAll()) this.pending.add(parseCached<CustomResourceDefinition>(cached).metadata?.name ?? '');
    await this.drain();
    this.watcher = this.deps.definitions.watch(undefined, { resourceVersion: String(revision) }, {
      event: (_type, object) => this.enqueue(parseCached<CustomResourceDefinition>(object).metadata?.name ?? ''),
      close: () => {},
    });
  }

  stop(): void {
    this.stopped = true;
    this.watcher?.stop();
    if (this.retryTimer) clearTimeout(this.retryTimer);
  }

  /** Resolves once every queued CRD has been handled (tests). */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  private enqueue(name: string): void {
    if (this.stopped || !name) return;
    this.pending.add(name);
    if (!this.running) this.running = this.drain().finally(() => (this.running = undefined));
  }

  private async drain(): Promise<void> {
    while (this.pending.size && !this.stopped) {
      const name = this.pending.values().next().value as string;
      this.pending.delete(name);
      try {
        await this.reconcile(name);
      } catch (err) {
        this.deps.log?.('reconciling a CustomResourceDefinition failed', { name, err: String(err) });
        this.retryLater(name);
      }
    }
  }

  private retryLater(name: string): void {
    if (this.stopped) return;
    this.retryTimer = setTimeout(() => this.enqueue(name), cleanupRetryMs);
    this.retryTimer.unref?.();
  }

  private current(name: string): CustomResourceDefinition | undefined {
    const cached = this.deps.definitions.cachedObject(undefined, name);
    return cached && parseCached<CustomResourceDefinition>(cached);
  }

  private async reconcile(name: string): Promise<void> {
    const crd = this.current(name);
    if (!crd) return this.stopServing(name);
    const names = this.acceptableNames(crd);
    const next = structuredClone(crd);
    const now = this.deps.now();
    if (names.conflict) {
      setCondition(next, { type: 'NamesAccepted', status: 'False', reason: names.conflict.reason, message: names.conflict.message }, now);
      if (!established(crd)) setCondition(next, { type: 'Established', status: 'False', reason: 'NotAccepted', message: 'not all names are accepted' }, now);
    } else {
      next.status = { ...next.status, acceptedNames: acceptedNamesOf(crd.spec.names) };
      setCondition(next, { type: 'NamesAccepted', status: 'True', reason: 'NoConflicts', message: 'no conflicts found' }, now);
      setCondition(next, { type: 'Established', status: 'True', reason: 'InitialNamesAccepted', message: 'the initial names have been accepted' }, now);
    }
    const acceptedNames = next.status?.acceptedNames;
    if (established(next) && acceptedNames?.plural) await this.serve(next, acceptedNames);
    else this.stopServing(name);

    if (crd.metadata?.deletionTimestamp) {
      setCondition(next, { type: 'Terminating', status: 'True', reason: 'InstanceDeletionInProgress', message: 'CustomResource deletion is in progress' }, now);
      await this.writeStatus(crd, next);
      return this.cleanUp(name);
    }
    await this.writeStatus(crd, next);
  }

  private async writeStatus(crd: CustomResourceDefinition, next: CustomResourceDefinition): Promise<void> {
    if (JSON.stringify(crd.status) === JSON.stringify(next.status)) return;
    await this.deps.definitions.update(undefined, crd.metadata!.name!, next as unknown as KubeObject, { ...internalWrite, warnings: [] }, 'status');
  }

  private async serve(crd: CustomResourceDefinition, names: CustomResourceNames): Promise<void> {
    const name = crd.metadata!.name!;
    const infos = customResourceInfos(crd, names);
    const before = this.deps.catalogue.customResourcesOf(name);
    // Versions no longer served lose their stores; the storage (one cache) stays while any version is served.
    const gone = before.filter((old) => !infos.some((i) => i.version === old.version && i.resource === old.resource));
    const samePrefix = before.length > 0 && infos.length > 0 && before[0]!.storage.resource === infos[0]!.storage.resource;
    // The stores exist before the catalogue names them: a request in between would find the
    // resource but no store (a 500). With the same storage, only versions no longer served go
    // first; the others' stores are replaced in place.
    this.deps.removeResources(samePrefix ? gone : before, samePrefix);
    await this.deps.addResources(infos);
    this.deps.catalogue.setCustomResources(name, infos);
    if (gone.length) this.deps.log?.('stopped serving versions of a CustomResourceDefinition', { name, versions: gone.map((g) => g.version) });
  }

  private stopServing(name: string): void {
    const served = this.deps.catalogue.customResourcesOf(name);
    if (!served.length) return;
    this.deps.catalogue.removeCustomResources(name);
    this.deps.removeResources(served, false);
  }

  /**
   * The finalizer: every custom resource is deleted (those with finalizers of their own wait for
   * them), then the finalizer goes and with it the CRD.
   */
  private async cleanUp(name: string): Promise<void> {
    const crd = this.current(name);
    if (!crd?.metadata?.finalizers?.includes(customResourceCleanupFinalizer)) return;
    const served = this.deps.catalogue.customResourcesOf(name);
    let remaining = 0;
    if (served.length) {
      const store = this.deps.store(served[0]!);
      for (const cached of store.cachedAll()) {
        const obj = parseCached<KubeObject>(cached);
        remaining++;
        if (obj.metadata?.deletionTimestamp) continue;
        try {
          await store.delete(obj.metadata?.namespace, obj.metadata!.name!, {}, false);
        } catch (err) {
          if (!isApiError(err) || err.code !== 404) throw err;
        }
      }
      remaining = store.cachedAll().length;
    }
    if (remaining > 0) {
      this.retryLater(name);
      return;
    }
    const latest = this.current(name);
    if (!latest) return;
    const next = structuredClone(latest);
    setCondition(next, { type: 'Terminating', status: 'True', reason: 'InstanceDeletionCompleted', message: 'removed all instances' }, this.deps.now());
    await this.writeStatus(latest, next);
    const fresh = this.current(name);
    if (!fresh) return;
    this.stopServing(name);
    const finalized = structuredClone(fresh);
    finalized.metadata!.finalizers = (fresh.metadata?.finalizers ?? []).filter((f) => f !== customResourceCleanupFinalizer);
    await this.deps.definitions.update(undefined, name, finalized as unknown as KubeObject, { ...internalWrite, warnings: [] });
  }

  /**
   * The naming controller's check: a name another CRD of the group accepted, or a built-in
   * resource of the group has, cannot be taken.
   */
  private acceptableNames(crd: CustomResourceDefinition): { conflict?: { reason: string; message: string } } {
    const { group, names } = crd.spec;
    const self = crd.metadata?.name ?? '';
    const taken = { plural: new Set<string>(), singular: new Set<string>(), shortNames: new Set<string>(), kinds: new Set<string>(), listKinds: new Set<string>() };
    for (const cached of this.deps.definitions.cachedAll()) {
      const other = parseCached<CustomResourceDefinition>(cached);
      if (other.metadata?.name === self || other.spec?.group !== group) continue;
      const accepted = other.status?.acceptedNames;
      if (!accepted?.plural) continue;
      taken.plural.add(accepted.plural);
      if (accepted.singular) taken.singular.add(accepted.singular);
      for (const s of accepted.shortNames ?? []) taken.shortNames.add(s);
      taken.kinds.add(accepted.kind);
      if (accepted.listKind) taken.listKinds.add(accepted.listKind);
    }
    const ownServed = new Set(this.deps.catalogue.customResourcesOf(self));
    for (const groupVersion of this.deps.catalogue.group(group)?.versions ?? []) {
      for (const info of this.deps.catalogue.resourcesOf(group, groupVersion)) {
        if (info.custom || ownServed.has(info)) continue;
        taken.plural.add(info.resource);
        taken.singular.add(info.singular);
        taken.kinds.add(info.kind);
        taken.listKinds.add(info.listKind);
      }
    }
    const inUse = (reason: string, value: string) => ({ conflict: { reason, message: `"${value}" is already in use` } });
    if (taken.plural.has(names.plural) || taken.singular.has(names.plural)) return inUse('PluralConflict', names.plural);
    const singular = names.singular || names.kind.toLowerCase();
    if (taken.singular.has(singular) || taken.plural.has(singular)) return inUse('SingularConflict', singular);
    for (const s of names.shortNames ?? []) if (taken.shortNames.has(s)) return inUse('ShortNamesConflict', s);
    if (taken.kinds.has(names.kind)) return inUse('KindConflict', names.kind);
    const listKind = names.listKind || `${names.kind}List`;
    if (taken.listKinds.has(listKind)) return inUse('ListKindConflict', listKind);
    return {};
  }
}

function established(crd: CustomResourceDefinition): boolean {
  return crd.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True') ?? false;
}

function acceptedNamesOf(names: CustomResourceNames): CustomResourceNames {
  const accepted: CustomResourceNames = { plural: names.plural, singular: names.singular || names.kind.toLowerCase(), kind: names.kind, listKind: names.listKind || `${names.kind}List` };
  if (names.shortNames?.length) accepted.shortNames = names.shortNames;
  if (names.categories?.length) accepted.categories = names.categories;
  return accepted;
}
