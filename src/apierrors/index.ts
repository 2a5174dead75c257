// ApiError carries a complete meta/v1 Status; one constructor per reason, with the messages
// kube-apiserver uses (k8s.io/apimachinery/pkg/api/errors), so kubectl prints what users expect.
import { qualifiedResource, type GroupResource } from '../machinery/object.js';
import { fieldErrorBody, fieldErrorString, type FieldError } from './field-errors.js';

export * from './field-errors.js';
export { statusJson, statusInGoOrder, type StatusBody } from './status-json.js';

export type StatusReason =
  | 'NotFound'
  | 'AlreadyExists'
  | 'Conflict'
  | 'Invalid'
  | 'BadRequest'
  | 'MethodNotAllowed'
  | 'NotAcceptable'
  | 'UnsupportedMediaType'
  | 'RequestEntityTooLarge'
  | 'Gone'
  | 'Expired'
  | 'Unauthorized'
  | 'Forbidden'
  | 'TooManyRequests'
  | 'InternalError'
  | 'Timeout'
  | 'ServiceUnavailable'
  | 'NotImplemented'
  | '';

export interface StatusCause {
  reason?: string;
  message?: string;
  field?: string;
}

export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  uid?: string;
  causes?: StatusCause[];
  retryAfterSeconds?: number;
}

export interface Status {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: Record<string, never> | { resourceVersion?: string };
  status: 'Failure' | 'Success';
  message?: string;
  reason?: StatusReason;
  details?: StatusDetails;
  /** 0 (omitted when written) for a Success Status with no code of its own, as a delete's. */
  code: number;
}

/** A Success Status, as a delete (details of what went) or a create that returns no object (code 201) answer. */
export function successStatus(details?: StatusDetails, code = 0): Status {
  const status: Status = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code };
  if (details) status.details = details;
  return status;
}

export class ApiError extends Error {
  readonly status: Status;
  constructor(code: number, reason: StatusReason, message: string, details?: StatusDetails) {
    super(message);
    this.name = 'ApiError';
    // In metav1.Status's field order, for whoever serializes it as it is.
    this.status = details
      ? { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, details, code }
      : { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code };
  }
  get code(): number {
    return this.status.code;
  }
  get reason(): StatusReason {
    return this.status.reason ?? '';
  }
}

export function isApiError(err: unknown): err is ApiError {
  return err instanceof ApiError;
}

function grDetails(gr: GroupResource, name: string): StatusDetails {
  const details: StatusDetails = { name, kind: gr.resource };
  if (gr.group) details.group = gr.group;
  return details;
}

export function notFound(gr: GroupResource, name: string): ApiError {
  return new ApiError(404, 'NotFound', `${qualifiedResource(gr)} "${name}" not found`, grDetails(gr, name));
}

/** 404 for a path or resource type the server does not serve. */
export function resourceNotFound(): ApiError {
  return new ApiError(404, 'NotFound', 'the server could not find the requested resource', {});
}

export function alreadyExists(gr: GroupResource, name: string): ApiError {
  return new ApiError(409, 'AlreadyExists', `${qualifiedResource(gr)} "${name}" already exists`, grDetails(gr, name));
}

export const optimisticLockMessage = 'the object has been modified; please apply your changes to the latest version and try again';

export function conflict(gr: GroupResource, name: string, detail: string): ApiError {
  return new ApiError(409, 'Conflict', `Operation cannot be fulfilled on ${qualifiedResource(gr)} "${name}": ${detail}`, grDetails(gr, name));
}

/** 422 Invalid: `Pod "x" is invalid: spec.containers[0].image: Required value`. */
export function invalid(groupKind: { group: string; kind: string }, name: string, errors: FieldError[]): ApiError {
  const qualifiedKind = groupKind.group ? `${groupKind.kind}.${groupKind.group}` : groupKind.kind;
  const listed = errors.map(fieldErrorString);
  const summary = listed.length === 1 ? listed[0] : `[${listed.join(', ')}]`;
  const details: StatusDetails = {
    name,
    kind: groupKind.kind,
    causes: errors.map((e) => ({ reason: e.type, message: fieldErrorBody(e), field: e.field })),
  };
  if (groupKind.group) details.group = groupKind.group;
  return new ApiError(422, 'Invalid', `${qualifiedKind} "${name}" is invalid: ${summary}`, details);
}

export function badRequest(message: string, causes?: StatusCause[]): ApiError {
  return new ApiError(400, 'BadRequest', message, causes ? { causes } : undefined);
}

export function methodNotAllowed(): ApiError {
  return new ApiError(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource', {});
}

/** apierrors.NewMethodNotSupported: a verb the resource does not take (details name the resource as its kind). */
export function methodNotSupported(group: string, resource: string, verb: string, message = `${verb} is not supported on resources of kind "${group ? `${resource}.${group}` : resource}"`): ApiError {
  return new ApiError(405, 'MethodNotAllowed', message, group ? { group, kind: resource } : { kind: resource });
}

export function notAcceptable(accepted: string[]): ApiError {
  return new ApiError(406, 'NotAcceptable', `only the following media types are accepted: ${accepted.join(', ')}`);
}

export function unsupportedMediaType(contentType: string, accepted: string[]): ApiError {
  const message = contentType
    ? `the body of the request was in an unknown format - accepted media types include: ${accepted.join(', ')}`
    : `the body of the request was in an unknown format - accepted media types include: ${accepted.join(', ')}`;
  return new ApiError(415, 'UnsupportedMediaType', message);
}

export function requestEntityTooLarge(limitBytes: number): ApiError {
  return new ApiError(413, 'RequestEntityTooLarge', `Request entity too large: limit is ${limitBytes}`);
}

/** 410 Expired: a resourceVersion or continue token older than what is retained. */
export function expired(message: string): ApiError {
  return new ApiError(410, 'Expired', message);
}

export function gone(message: string): ApiError {
  return new ApiError(410, 'Gone', message);
}

export function forbidden(gr: GroupResource, name: string, reason: string): ApiError {
  const subject = name ? `${qualifiedResource(gr)} "${name}"` : qualifiedResource(gr);
  return new ApiError(403, 'Forbidden', `${subject} is forbidden: ${reason}`, grDetails(gr, name));
}

export function unauthorized(message = 'Unauthorized'): ApiError {
  return new ApiError(401, 'Unauthorized', message);
}

export function tooManyRequests(message: string, retryAfterSeconds: number): ApiError {
  return new ApiError(429, 'TooManyRequests', message, { retryAfterSeconds });
}

export function timeout(message: string): ApiError {
  return new ApiError(504, 'Timeout', message);
}

/** 503: a backend (a Service's endpoints, a pod, a kubelet) cannot be reached. */
export function serviceUnavailable(message: string): ApiError {
  return new ApiError(503, 'ServiceUnavailable', message);
}

/**
 * 500 with no reason: what kube-apiserver answers for an error it has no Status for (an etcd
 * error such as "etcdserver: request is too large"), its message passed on as it is.
 */
export function unknownServerError(message: string): ApiError {
  return new ApiError(500, '', message);
}

export function internalError(message: string): ApiError {
  return new ApiError(500, 'InternalError', `Internal error occurred: ${message}`, { causes: [{ message }] });
}

/** Any thrown value as a Status; unknown errors become 500s (and are the caller's to log). */
export function toStatus(err: unknown): Status {
  if (isApiError(err)) return err.status;
  return internalError(err instanceof Error ? err.message : String(err)).status;
}
