// Per-kind behaviour as data plus a few small hooks, in one place per kind (registry/strategies/).
// The generic store runs the fixed pipeline and consults the strategy at each step.
import type { FieldError } from '../apierrors/index.js';
import type { KubeObject } from '../machinery/object.js';
import type { ServiceAllocator } from './allocators/service-allocator.js';
import type { WriteSubresource } from './request-options.js';

export interface StrategyContext {
  /** Request time. */
  now: Date;
  /** Cluster IPs and node ports (Services). */
  serviceAllocator: ServiceAllocator;
  admission: AdmissionSettings;
}

/** Settings of kube-apiserver's mutating admission plugins that strategies carry out. */
export interface AdmissionSettings {
  /** DefaultTolerationSeconds: tolerationSeconds of the not-ready and unreachable tolerations pods get. */
  defaultTolerationSeconds: number;
}

/** Extra ?fieldSelector= fields a kind supports beyond metadata.name and metadata.namespace. */
export type FieldExtractors = Readonly<Record<string, (obj: any) => string | undefined>>;

export interface Strategy {
  /** metadata.generation is 1 on create and bumped when the spec (everything but metadata and status) changes. */
  tracksGeneration?: boolean;
  /** Also bump generation when annotations change (Deployments, for legacy rollback). */
  generationCountsAnnotations?: boolean;
  /** PUT of an absent object creates it. */
  allowCreateOnUpdate?: boolean;
  /** PUT without metadata.resourceVersion is accepted (last write wins). Default true. */
  allowUnconditionalUpdate?: boolean;
  /** DELETE answers with the object (pods, services…) rather than a Success Status. */
  returnDeletedObject?: boolean;
  /** Keep the status a client sends on create (most kinds clear it). */
  keepStatusOnCreate?: boolean;
  /** Remove the status a client sends on create rather than store it empty (custom resources with /status). */
  dropStatusOnCreate?: boolean;
  fieldSelectors?: FieldExtractors;
  /**
   * What a delete without a propagation policy does to dependents (kube-apiserver's
   * DefaultGarbageCollectionPolicy): DeleteDependents (default) in the background, or
   * OrphanDependents (ReplicationControllers and batch/v1 Jobs, for compatibility).
   */
  defaultGarbageCollectionPolicy?: 'DeleteDependents' | 'OrphanDependents' | 'Unsupported';
  /** A Warning for a delete that names no propagation policy. */
  warningOnDefaultDelete?: string;

  /** Kind-specific initialization on create, after system fields are set; may report allocation errors (422). */
  prepareForCreate?(obj: KubeObject, ctx: StrategyContext): FieldError[] | void;
  /** Kind-specific carry-over on update of the main resource (status already copied from the old object). */
  prepareForUpdate?(obj: KubeObject, old: KubeObject, ctx: StrategyContext): FieldError[] | void;
  /** Kind-specific carry-over on a subresource write, after the store kept all but the subresource's part. */
  prepareForSubresourceUpdate?(subresource: WriteSubresource, obj: KubeObject, old: KubeObject, ctx: StrategyContext): void;
  /** Extra validation beyond the shared rules. */
  validate?(obj: KubeObject): FieldError[];
  validateUpdate?(obj: KubeObject, old: KubeObject): FieldError[];
  /** Warnings for the client on a create that succeeds validation (rest.RESTCreateStrategy's WarningsOnCreate). */
  warningsOnCreate?(obj: KubeObject): string[];
  /** Warnings for the client on an update of the object itself. */
  warningsOnUpdate?(obj: KubeObject, old: KubeObject): string[];
  /** Finalizers still to run before the object may go (default: metadata.finalizers). */
  hasPendingFinalizers?(obj: KubeObject): boolean;
  /** Changes made when deletion starts but the object must stay (namespaces turn Terminating). */
  prepareForDeletion?(obj: KubeObject): void;
  /**
   * Graceful deletion: seconds to wait before the object is really removed (0 or undefined: remove now).
   * The object meanwhile carries deletionTimestamp and deletionGracePeriodSeconds.
   */
  gracePeriodSeconds?(obj: KubeObject, requested: number | undefined): number | undefined;
}
