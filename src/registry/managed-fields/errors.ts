// The errors server-side apply answers with, each already the Status a real kube-apiserver
// returns, so the registry can throw them as they are.
import { ApiError, invalid, field, type StatusCause, type StatusReason } from '../../apierrors/index.js';

export interface ApplyConflict {
  /** The manager that owns the field. */
  readonly manager: string;
  /** The field, as Kubernetes prints paths: `.spec.replicas`, `.spec.containers[name="app"].image`. */
  readonly field: string;
  /** The owner's apiVersion, for managers that own the field through an update. */
  readonly apiVersion?: string;
  /** The owner's subresource, when it wrote through one. */
  readonly subresource?: string;
}

/** What the conflict message needs to know about an owner. */
export interface ConflictOwner {
  readonly manager: string;
  readonly operation: 'Apply' | 'Update';
  readonly apiVersion: string;
  readonly subresource: string;
}

function describeOwner(owner: ConflictOwner): string {
  let out = JSON.stringify(owner.manager);
  if (owner.subresource !== '') out += ` with subresource ${JSON.stringify(owner.subresource)}`;
  if (owner.operation === 'Update') out += ` using ${owner.apiVersion}`;
  return out;
}

/** 409 Conflict: an apply would change fields other managers own, and was not forced. */
export class ApplyConflictError extends ApiError {
  override readonly name = 'ApplyConflictError';
  readonly conflicts: readonly ApplyConflict[];

  /** `owned`: per owner (sorted by identifier), the conflicting paths in set order. */
  constructor(owned: readonly { owner: ConflictOwner; fields: readonly string[] }[]) {
    const causes: StatusCause[] = [];
    const conflicts: ApplyConflict[] = [];
    const lines: string[] = [];
    let count = 0;
    for (const { owner, fields } of owned) {
      const who = describeOwner(owner);
      lines.push(`conflicts with ${who}:`);
      for (const path of fields) {
        count++;
        lines.push(`- ${path}`);
        causes.push({ reason: 'FieldManagerConflict', message: `conflict with ${who}`, field: path });
        const conflict: { -readonly [K in keyof ApplyConflict]: ApplyConflict[K] } = { manager: owner.manager, field: path };
        if (owner.operation === 'Update') conflict.apiVersion = owner.apiVersion;
        if (owner.subresource !== '') conflict.subresource = owner.subresource;
        conflicts.push(conflict);
      }
    }
    const message =
      count === 1
        ? `Apply failed with 1 conflict: conflict with ${describeOwner(owned[0]!.owner)}: ${owned[0]!.fields[0]}`
        : `Apply failed with ${count} conflicts: ${lines.join('\n')}`;
    super(409, 'Conflict', message, { causes });
    this.conflicts = conflicts;
  }
}

/** Bad apply input: a request the real server rejects before (or instead of) merging. */
export class ApplyError extends ApiError {
  override readonly name = 'ApplyError';

  constructor(message: string, code: 400 | 415 | 422 | 500, reason?: StatusReason, causes?: StatusCause[]) {
    super(code, reason ?? defaultReason(code), message, causes === undefined ? undefined : { causes });
    // Go omits an empty reason from the Status.
    if (this.status.reason === '') delete this.status.reason;
  }

  /** Apply without `?fieldManager=`: the 422 the real server returns for the patch options. */
  static fieldManagerRequired(): ApplyError {
    const status = invalid({ group: 'meta.k8s.io', kind: 'PatchOptions' }, '', [field.required('fieldManager', 'is required for apply patch')]).status;
    const error = new ApplyError(status.message ?? '', 422, 'Invalid');
    if (status.details !== undefined) error.status.details = status.details;
    return error;
  }
}

function defaultReason(code: number): StatusReason {
  switch (code) {
    case 400:
      return 'BadRequest';
    case 415:
      return 'UnsupportedMediaType';
    case 422:
      return 'Invalid';
    default:
      // Errors the real server does not classify come out as a 500 without a reason.
      return '';
  }
}
