// A Status as kube-apiserver writes it, byte for byte: Go's encoding/json over metav1.Status.
// Fields come in the struct's order (kind, apiVersion, metadata, status, message, reason,
// details, code; details: name, group, kind, uid, causes, retryAfterSeconds; a cause: reason,
// message, field), every field but metadata is omitempty, and Go's escaping applies. Tools
// compare these bodies as text (the Python client's create_from_yaml reports them verbatim).
import { goJsonEscape } from '../machinery/go-json-text.js';
import type { Status, StatusCause, StatusDetails } from './index.js';

/** A Status to write; the kubelet's error channel writes one without kind and apiVersion. */
export type StatusBody = Omit<Status, 'kind' | 'apiVersion' | 'code' | 'reason'> & { kind?: string; apiVersion?: string; code?: number; reason?: string };

/**
 * The JSON text of the Status (without the newline Go's json.Encoder ends a response with),
 * indented as json.MarshalIndent does when `indent` is given (?pretty=true).
 */
export function statusJson(status: StatusBody, indent?: number): string {
  return goJsonEscape(JSON.stringify(statusInGoOrder(status), null, indent));
}

/** The Status as a plain object whose keys are in Go's order, without the fields Go omits. */
export function statusInGoOrder(s: StatusBody): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (s.kind) out.kind = s.kind;
  if (s.apiVersion) out.apiVersion = s.apiVersion;
  // ListMeta is a struct value: `{}` even when empty.
  out.metadata = listMetaInGoOrder(s.metadata as Record<string, unknown> | undefined);
  if (s.status) out.status = s.status;
  if (s.message) out.message = s.message;
  if (s.reason) out.reason = s.reason;
  // A pointer: an empty StatusDetails is still written as `{}`.
  if (s.details) out.details = detailsInGoOrder(s.details);
  if (s.code) out.code = s.code;
  return out;
}

function listMetaInGoOrder(meta: Record<string, unknown> | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (!meta) return out;
  for (const key of ['selfLink', 'resourceVersion', 'continue'] as const) if (meta[key]) out[key] = meta[key];
  if (typeof meta.remainingItemCount === 'number') out.remainingItemCount = meta.remainingItemCount;
  return out;
}

function detailsInGoOrder(d: StatusDetails): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (d.name) out.name = d.name;
  if (d.group) out.group = d.group;
  if (d.kind) out.kind = d.kind;
  if (d.uid) out.uid = d.uid;
  if (d.causes?.length) out.causes = d.causes.map(causeInGoOrder);
  if (d.retryAfterSeconds) out.retryAfterSeconds = d.retryAfterSeconds;
  return out;
}

function causeInGoOrder(c: StatusCause): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (c.reason) out.reason = c.reason;
  if (c.message) out.message = c.message;
  if (c.field) out.field = c.field;
  return out;
}
