// Options a request carries into the registry, already parsed and validated by the HTTP layer.
import type { UserInfo } from './service-account-tokens.js';
import type { LabelSelector, FieldSelector } from '../machinery/selectors/index.js';

export type FieldValidationMode = 'Strict' | 'Warn' | 'Ignore';

export interface WriteOptions {
  dryRun: boolean;
  fieldManager?: string;
  fieldValidation: FieldValidationMode;
  /** Duplicate fields the decoder found in the body (paths). */
  duplicateFields?: string[];
  /** For YAML bodies, the duplicate keys as go-yaml words them (reported instead of duplicateFields). */
  yamlDuplicateKeyErrors?: string[];
  /** Warnings for the response's Warning headers; the store appends to it. */
  warnings: string[];
  /** The client's User-Agent: the field manager's name when fieldManager is not given. */
  userAgent?: string;
  /** Server-side apply: take ownership of conflicting fields. */
  force?: boolean;
  /** The subresource a write came through, as managedFields record it ("status", "scale"). */
  managedFieldsSubresource?: string;
  /**
   * Who asked (HTTP requests): RBAC's escalation checks judge role and binding writes by it, and
   * admission webhooks are told. In-process clients send none.
   */
  user?: UserInfo;
  /**
   * The caller reads the written object back as an object (in-process clients, non-JSON
   * responses): the store then hands over the object it encoded rather than leave a parse of the
   * stored JSON. Otherwise the store keeps nothing of the request once storage has encoded it.
   */
  returnsObject?: boolean;
}

/** What a delete carries beside its options: who asked, and where warnings go. */
export interface DeleteRequest {
  user?: UserInfo;
  warnings?: string[];
}

export interface ListOptions {
  labelSelector?: LabelSelector;
  fieldSelector?: FieldSelector;
  limit?: number;
  continueToken?: string;
  resourceVersion?: string;
  resourceVersionMatch?: 'NotOlderThan' | 'Exact';
}

export interface DeleteOptions {
  gracePeriodSeconds?: number;
  preconditions?: { uid?: string; resourceVersion?: string };
  propagationPolicy?: 'Orphan' | 'Background' | 'Foreground';
  orphanDependents?: boolean;
}

export type PatchType = 'json' | 'merge' | 'strategic' | 'apply';

/** Subresources that write part of the object through the main store. */
export type WriteSubresource = 'status' | 'finalize' | 'binding' | 'approval';
