// Auditing, as kube-apiserver's audit filters do it: every response carries an Audit-ID header
// (the client's own Audit-ID when it sent one); with an audit log, each request the policy
// selects becomes audit.k8s.io/v1 Events: RequestReceived when it arrives, ResponseStarted when
// a long-running answer (a watch) starts, ResponseComplete when it ends. Other code adds
// annotations to the current request's event with addAuditAnnotation (the authorizer records
// its decision there).
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { isWatchQuery } from '../query.js';
import { parseRequestInfo, type RequestInfo } from '../request-info.js';
import type { AuditSink } from './audit-log.js';
import { evaluatePolicy, levelAtLeast, type AuditDecision, type AuditLevel, type AuditPolicy, type AuditStage } from './policy.js';

export { openAuditLog, type AuditSink } from './audit-log.js';
export { parseAuditPolicy, metadataForEverything, AuditPolicyError, type AuditPolicy } from './policy.js';

interface AuditContext {
  auditId: string;
  received: string;
  annotations: Map<string, string>;
  /** Set once the policy has judged the request (after authentication). */
  event?: Record<string, unknown>;
  decision?: AuditDecision;
  requestBody?: Buffer;
  requestContentType?: string;
  requestObject?: unknown;
}

const contexts = new WeakMap<IncomingMessage, AuditContext>();

/**
 * Adds an annotation to the audit event of the request (kept when the event is written at
 * Metadata level or above). As in kube-apiserver, a key set twice keeps its first value.
 */
export function addAuditAnnotation(req: IncomingMessage, key: string, value: string): void {
  const ctx = contexts.get(req);
  if (ctx && !ctx.annotations.has(key)) ctx.annotations.set(key, value);
}

/**
 * The decoded object of a create or update (JSON, YAML or protobuf alike): what the event's
 * requestObject holds and where a create's objectRef gets its name. Without it, the raw body
 * stands in when it is JSON (a patch).
 */
export function noteRequestObject(req: IncomingMessage, object: unknown): void {
  const ctx = contexts.get(req);
  if (!ctx?.event || !ctx.decision || ctx.decision.level === 'None') return;
  // Taken now: the write pipeline fills in the decoded object in place. Below Request level only
  // the identity the objectRef needs is kept.
  if (levelAtLeast(ctx.decision.level, 'Request')) ctx.requestObject = structuredClone(object);
  else {
    const meta = (object as { metadata?: Record<string, unknown> } | undefined)?.metadata;
    ctx.requestObject = { metadata: { name: meta?.name, uid: meta?.uid, resourceVersion: meta?.resourceVersion } };
  }
}

/** The request body as read, for events at Request level and the objectRef of a create. */
export function noteRequestBody(req: IncomingMessage, body: Buffer): void {
  const ctx = contexts.get(req);
  if (ctx?.event) {
    ctx.requestBody = body;
    ctx.requestContentType = req.headers['content-type'];
  }
}

export interface AuditorDeps {
  /** Absent: no audit log; responses still carry Audit-ID. */
  sink?: AuditSink;
  policy: AuditPolicy;
  /** Who made the request (known after authentication). */
  user(req: IncomingMessage): { username: string; uid?: string; groups: string[]; extra?: Record<string, string[]> };
}

export class Auditor {
  constructor(private readonly deps: AuditorDeps) {}

  /** First thing for every request: the Audit-ID and the time it came in. */
  begin(req: IncomingMessage, res: ServerResponse): void {
    const sent = req.headers['audit-id'];
    const auditId = typeof sent === 'string' && sent !== '' ? sent : randomUUID();
    res.setHeader('Audit-ID', auditId);
    // Without an audit log there is no event to annotate: nothing more to keep (the hot path).
    if (!this.deps.sink) return;
    const ctx: AuditContext = { auditId, received: microTime(), annotations: new Map() };
    contexts.set(req, ctx);
    // A request refused before it was judged (authentication failed) still gets its event, about
    // what it asked for and, as kube-apiserver's failed-authentication audit writes it, by nobody.
    res.once('close', () => {
      if (!ctx.event) this.judge(req, res, requestInfoOf(req), false, res.statusCode === 401);
      this.complete(req, res, ctx);
    });
  }

  /** Once the user and what the request is about are known: the policy's verdict, and RequestReceived. */
  judge(req: IncomingMessage, res: ServerResponse, info: RequestInfo | undefined, longRunning: boolean, unauthenticated = false): void {
    const ctx = contexts.get(req);
    if (!ctx || !this.deps.sink || ctx.event) return;
    const user = unauthenticated ? { username: '', groups: [] } : this.deps.user(req);
    const verb = verbOf(req.method ?? 'GET', info);
    const path = info && !info.isResourceRequest ? info.path : pathOf(req.url);
    const resource = info?.isResourceRequest
      ? { group: info.group, resource: info.resource, subresource: info.subresource, namespace: info.namespace, name: info.name }
      : undefined;
    const decision = evaluatePolicy(this.deps.policy, { user, verb, resource, path });
    ctx.decision = decision;
    const event: Record<string, unknown> = {
      kind: 'Event',
      apiVersion: 'audit.k8s.io/v1',
      level: decision.level,
      auditID: ctx.auditId,
      stage: 'RequestReceived',
      requestURI: req.url ?? '/',
      verb,
      user: unauthenticated ? {} : userJson(user),
      sourceIPs: sourceIPs(req),
      userAgent: req.headers['user-agent'],
    };
    if (info?.isResourceRequest) {
      event.objectRef = {
        resource: info.resource,
        namespace: info.namespace,
        name: info.name,
        apiGroup: info.group || undefined,
        apiVersion: info.version,
        subresource: info.subresource,
      };
    }
    ctx.event = event;
    if (decision.level === 'None') return;
    this.emit(ctx, 'RequestReceived');
    if (longRunning) {
      // A watch's ResponseStarted is written when its headers are.
      const writeHead = res.writeHead.bind(res) as (...args: unknown[]) => ServerResponse;
      (res as unknown as { writeHead: (...args: unknown[]) => ServerResponse }).writeHead = (...args: unknown[]) => {
        const out = writeHead(...args);
        this.emit(ctx, 'ResponseStarted', res);
        return out;
      };
    }
    captureResponse(res, ctx, levelAtLeast(decision.level, 'RequestResponse'));
  }

  private complete(req: IncomingMessage, res: ServerResponse, ctx: AuditContext): void {
    if (!ctx.event || ctx.decision?.level === 'None') return;
    const level = ctx.decision!.level;
    if (ctx.requestObject !== undefined || ctx.requestBody) {
      const requestObject = ctx.requestObject !== undefined ? ctx.requestObject : jsonOf(ctx.requestBody!, ctx.requestContentType);
      const ref = ctx.event.objectRef as Record<string, unknown> | undefined;
      const meta = (requestObject as { metadata?: Record<string, unknown> } | undefined)?.metadata;
      // kube-apiserver completes the objectRef from the decoded object (a create's name).
      if (ref && meta && typeof meta === 'object') {
        if (!ref.name && typeof meta.name === 'string') ref.name = meta.name;
        if (typeof meta.uid === 'string') ref.uid = meta.uid;
        if (typeof meta.resourceVersion === 'string') ref.resourceVersion = meta.resourceVersion;
      }
      if (levelAtLeast(level, 'Request') && requestObject !== undefined) ctx.event.requestObject = requestObject;
    }
    const captured = capturedResponses.get(res);
    const body = captured && !captured.overflow ? Buffer.concat(captured.chunks) : undefined;
    const type = String(res.getHeader('content-type') ?? '');
    const value = body && type.includes('json') ? jsonOf(body, type) : undefined;
    const code = res.statusCode;
    if (value && (value as { kind?: string }).kind === 'Status') {
      const s = value as Record<string, unknown>;
      ctx.event.responseStatus = { metadata: {}, status: s.status, message: s.message, reason: s.reason, details: s.details, code: s.code ?? code };
    } else if (code >= 400 && body && !type.includes('json')) {
      ctx.event.responseStatus = { metadata: {}, status: 'Failure', message: body.toString('utf8').trim().slice(0, 1024), code };
    } else {
      ctx.event.responseStatus = { metadata: {}, code };
    }
    if (levelAtLeast(level, 'RequestResponse') && value !== undefined && !isWatch(ctx)) ctx.event.responseObject = value;
    if (ctx.decision!.omitManagedFields) {
      withoutManagedFields(ctx.event.requestObject);
      withoutManagedFields(ctx.event.responseObject);
    }
    this.emit(ctx, 'ResponseComplete', res);
  }

  private emit(ctx: AuditContext, stage: AuditStage, res?: ServerResponse): void {
    if (ctx.decision!.omitStages.has(stage)) return;
    const event = ctx.event!;
    event.stage = stage;
    if (stage === 'ResponseStarted' && res) event.responseStatus = { metadata: {}, code: res.statusCode };
    const annotations = ctx.annotations.size ? Object.fromEntries(ctx.annotations) : undefined;
    // Go's field order, undefined fields left out by JSON.stringify.
    this.deps.sink!.write({
      kind: event.kind,
      apiVersion: event.apiVersion,
      level: event.level,
      auditID: event.auditID,
      stage,
      requestURI: event.requestURI,
      verb: event.verb,
      user: event.user,
      sourceIPs: event.sourceIPs,
      userAgent: event.userAgent,
      objectRef: event.objectRef,
      responseStatus: stage === 'RequestReceived' ? undefined : event.responseStatus,
      requestObject: stage === 'ResponseComplete' ? event.requestObject : undefined,
      responseObject: stage === 'ResponseComplete' ? event.responseObject : undefined,
      requestReceivedTimestamp: ctx.received,
      stageTimestamp: microTime(),
      annotations,
    });
  }
}

/** omitManagedFields: an object's, or a list's items', metadata.managedFields go (in place: these are the event's own copies). */
function withoutManagedFields(value: unknown): void {
  if (typeof value !== 'object' || value === null) return;
  const obj = value as { metadata?: { managedFields?: unknown }; items?: unknown };
  if (obj.metadata && typeof obj.metadata === 'object') delete obj.metadata.managedFields;
  if (Array.isArray(obj.items)) for (const item of obj.items) withoutManagedFields(item);
}

function isWatch(ctx: AuditContext): boolean {
  return ctx.event?.verb === 'watch';
}

// Error bodies (for responseStatus) and, at RequestResponse, whole bodies up to a bound.
const capturedResponses = new WeakMap<ServerResponse, { chunks: Buffer[]; size: number; overflow: boolean }>();
const maxCapturedBytes = 16 * 1024 * 1024;

function captureResponse(res: ServerResponse, ctx: AuditContext, everything: boolean): void {
  const captured = { chunks: [] as Buffer[], size: 0, overflow: false };
  capturedResponses.set(res, captured);
  const keep = (chunk: unknown, encoding?: unknown) => {
    if (chunk === undefined || chunk === null || typeof chunk === 'function' || captured.overflow) return;
    // Successful answers are only needed whole at RequestResponse level; errors always (their Status).
    if (!everything && res.statusCode < 400) return;
    if (isWatch(ctx)) return;
    const buf = Buffer.isBuffer(chunk) ? chunk : typeof chunk === 'string' ? Buffer.from(chunk, (typeof encoding === 'string' ? encoding : 'utf8') as BufferEncoding) : Buffer.from(chunk as Uint8Array);
    captured.size += buf.length;
    if (captured.size > maxCapturedBytes) {
      captured.overflow = true;
      captured.chunks = [];
      return;
    }
    captured.chunks.push(buf);
  };
  const write = res.write.bind(res) as (...args: unknown[]) => boolean;
  const end = res.end.bind(res) as (...args: unknown[]) => ServerResponse;
  const r = res as unknown as Record<string, unknown>;
  r.write = (...args: unknown[]) => {
    keep(args[0], args[1]);
    return write(...args);
  };
  r.end = (...args: unknown[]) => {
    keep(args[0], args[1]);
    return end(...args);
  };
}

/** What a request that never reached routing asked for, if its URL says. */
function requestInfoOf(req: IncomingMessage): RequestInfo | undefined {
  try {
    const url = new URL(req.url ?? '/', 'http://kubemu');
    return parseRequestInfo(req.method ?? 'GET', pathOf(req.url), isWatchQuery(url.searchParams));
  } catch {
    return undefined;
  }
}

function jsonOf(body: Buffer, contentType: string | undefined): unknown {
  if (contentType && !contentType.includes('json')) return undefined;
  try {
    return JSON.parse(body.toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}

/** The verb kube-apiserver's RequestInfo gives: the resource verb, a connect's method, else the method. */
function verbOf(method: string, info: RequestInfo | undefined): string {
  if (info?.isResourceRequest && info.verb !== 'connect') return info.verb;
  if (info?.isResourceRequest) return ({ POST: 'create', GET: 'get', PUT: 'update', PATCH: 'patch', DELETE: 'delete' } as Record<string, string>)[method] ?? method.toLowerCase();
  return method.toLowerCase();
}

function pathOf(url: string | undefined): string {
  const q = (url ?? '/').indexOf('?');
  return q < 0 ? (url ?? '/') : url!.slice(0, q);
}

function userJson(u: { username: string; uid?: string; groups: string[]; extra?: Record<string, string[]> }): Record<string, unknown> {
  return { username: u.username, uid: u.uid || undefined, groups: u.groups, extra: u.extra };
}

/** utilnet.SourceIPs: X-Forwarded-For, then X-Real-Ip, then the peer, without repeats. */
function sourceIPs(req: IncomingMessage): string[] {
  const ips: string[] = [];
  const forwarded = req.headers['x-forwarded-for'];
  if (typeof forwarded === 'string') for (const part of forwarded.split(',')) if (part.trim()) ips.push(part.trim());
  const real = req.headers['x-real-ip'];
  if (typeof real === 'string' && real.trim() && !ips.includes(real.trim())) ips.push(real.trim());
  const peer = req.socket?.remoteAddress?.replace(/^::ffff:/, '');
  if (peer && !ips.includes(peer)) ips.push(peer);
  return ips;
}

/** metav1.MicroTime: RFC 3339 with microseconds. */
function microTime(): string {
  const now = performance.timeOrigin + performance.now();
  const ms = Math.floor(now);
  const micros = Math.floor((now - ms) * 1000);
  return new Date(ms).toISOString().replace(/Z$/, `${String(micros).padStart(3, '0')}Z`);
}

export type { AuditLevel };
