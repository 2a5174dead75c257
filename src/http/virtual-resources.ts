// Resources that are computed, not stored: access reviews (answered by the registry's
// authorizer, as kube-apiserver answers them with its own), token reviews, self reviews and
// component statuses.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { KubeObject } from '../machinery/object.js';
import type { ResourceInfo } from '../schema/catalogue.js';
import type { OutputFormat } from './media-types.js';
import type { Query } from './query.js';
import type { ResourceRequestInfo } from './request-info.js';
import type { ResourceHandlerDeps } from './resource-handler.js';
import { writeOptions } from './resource-handler.js';
import { sendValue, type ResponseContext } from './responses.js';
import { buildTable, printerFor } from './table.js';
import { requestUser } from './authentication.js';
import { badRequest, invalid, methodNotAllowed, notFound, type FieldError } from '../apierrors/index.js';
import type { AuthorizationAttributes, UserInfo } from '../registry/rbac/attributes.js';
import type { WriteOptions } from '../registry/request-options.js';

export interface VirtualTools {
  formatFor(transforms: boolean, yaml?: boolean): OutputFormat;
  ctx(format: OutputFormat, warnings?: string[]): ResponseContext;
  readWriteBody(req: IncomingMessage, opts: WriteOptions, deps: Pick<ResourceHandlerDeps, 'protobuf'>): Promise<KubeObject>;
  deps: ResourceHandlerDeps;
}

type VirtualHandler = (
  req: IncomingMessage,
  res: ServerResponse,
  ri: ResourceRequestInfo,
  info: ResourceInfo,
  query: Query,
  tools: VirtualTools,
) => Promise<void>;


/** A create-only review: echo the spec, compute the status. */
function review(computeStatus: (obj: KubeObject, req: IncomingMessage, tools: VirtualTools, ri: ResourceRequestInfo) => Record<string, unknown> | Promise<Record<string, unknown>>): VirtualHandler {
  return async (req, res, ri, info, query, tools) => {
    if (ri.verb !== 'create') throw methodNotAllowed();
    const format = tools.formatFor(false);
    const opts = writeOptions(query, req);
    const body = await tools.readWriteBody(req, opts, tools.deps);
    const out: KubeObject = {
      kind: info.kind,
      apiVersion: info.apiVersion,
      metadata: { ...(body.metadata ?? {}), creationTimestamp: null } as never,
    };
    if (body.spec !== undefined) out.spec = body.spec;
    out.status = await computeStatus(body, req, tools, ri);
    if (ri.namespace) (out.metadata as Record<string, unknown>).namespace = ri.namespace;
    // As the Go struct the real server answers with: every status field it always prints.
    return sendValue(res, 201, await tools.deps.registry.pipeline.computedForm(info, out), tools.ctx(format, opts.warnings));
  };
}

interface AccessReviewSpec {
  resourceAttributes?: { namespace?: string; verb?: string; group?: string; version?: string; resource?: string; subresource?: string; name?: string };
  nonResourceAttributes?: { path?: string; verb?: string };
  user?: string;
  groups?: string[];
  uid?: string;
  extra?: Record<string, string[]>;
}

/** SubjectAccessReview, LocalSubjectAccessReview, SelfSubjectAccessReview: the authorizer's decision for the spec. */
function accessReview(kind: 'SubjectAccessReview' | 'LocalSubjectAccessReview' | 'SelfSubjectAccessReview'): VirtualHandler {
  return review((obj, req, tools, ri) => {
    const spec = (obj.spec ?? {}) as AccessReviewSpec;
    const errors: FieldError[] = [];
    if (spec.resourceAttributes && spec.nonResourceAttributes) {
      errors.push({ type: 'FieldValueInvalid', field: 'spec.nonResourceAttributes', badValue: spec.nonResourceAttributes, detail: 'cannot be specified in combination with resourceAttributes' });
    } else if (!spec.resourceAttributes && !spec.nonResourceAttributes) {
      errors.push({ type: 'FieldValueInvalid', field: 'spec.resourceAttributes', badValue: null, detail: 'exactly one of nonResourceAttributes or resourceAttributes must be specified' });
    }
    if (kind !== 'SelfSubjectAccessReview' && !spec.user && !spec.groups?.length) {
      errors.push({ type: 'FieldValueInvalid', field: 'spec.user', badValue: spec.user ?? '', detail: 'at least one of user or group must be specified' });
    }
    if (kind === 'LocalSubjectAccessReview' && spec.nonResourceAttributes) {
      errors.push({ type: 'FieldValueInvalid', field: 'spec.nonResourceAttributes', badValue: spec.nonResourceAttributes, detail: 'disallowed on this kind of request' });
    }
    if (errors.length) throw invalid({ group: 'authorization.k8s.io', kind }, obj.metadata?.name ?? '', errors);
    // As the real REST storage: the object's namespace (the URL's when it names none) must be the URL's.
    if (kind === 'LocalSubjectAccessReview' && (obj.metadata?.namespace || ri.namespace) !== ri.namespace) {
      throw badRequest(`spec.resourceAttributes.namespace must match namespace: ${ri.namespace ?? ''}`);
    }
    let user: UserInfo;
    if (kind === 'SelfSubjectAccessReview') user = requestUser(req);
    else {
      user = { username: spec.user ?? '', groups: spec.groups ?? [] };
      if (spec.uid) user.uid = spec.uid;
      if (spec.extra) user.extra = spec.extra;
    }
    const r = spec.resourceAttributes;
    const attrs: AuthorizationAttributes = r
      ? { user, resourceRequest: true, resource: { verb: r.verb ?? '', apiGroup: r.group ?? '', resource: r.resource ?? '', subresource: r.subresource || undefined, namespace: r.namespace || undefined, name: r.name || undefined } }
      : { user, resourceRequest: false, nonResource: { verb: spec.nonResourceAttributes?.verb ?? '', path: spec.nonResourceAttributes?.path ?? '' } };
    const decision = tools.deps.registry.authorizer.authorize(attrs);
    const status: Record<string, unknown> = { allowed: decision.allowed };
    if (!decision.allowed && tools.deps.registry.authorizer.modes[0] === 'AlwaysDeny') status.denied = true;
    if (decision.reason) status.reason = decision.reason;
    return status;
  });
}

/** SelfSubjectRulesReview (`kubectl auth can-i --list`): what the caller may do in spec.namespace. */
const rulesReview = review((obj, req, tools) => {
  const namespace = ((obj.spec ?? {}) as { namespace?: string }).namespace ?? '';
  return { ...tools.deps.registry.authorizer.rulesFor(requestUser(req), namespace) };
});

/** TokenReview: whether the token is one this cluster honours, for the audiences asked about. */
async function tokenReview(obj: KubeObject, _req: IncomingMessage, tools: VirtualTools): Promise<Record<string, unknown>> {
  const spec = (obj.spec ?? {}) as { token?: string; audiences?: string[] };
  const tokens = tools.deps.registry.serviceAccountTokens;
  if (!spec.token || !tokens) return { user: {}, error: spec.token ? 'token authentication is not available' : 'missing token' };
  const verdict = await tokens.authenticate(spec.token, spec.audiences?.length ? spec.audiences : tokens.apiAudiences);
  if ('error' in verdict) return { user: {}, error: `[invalid bearer token, ${verdict.error}]` };
  return { authenticated: true, user: verdict.user, audiences: verdict.audiences };
}

const componentStatuses: VirtualHandler = async (_req, res, ri, info, _query, tools) => {
  const format = tools.formatFor(true);
  const healthy = (name: string): KubeObject => ({
    kind: 'ComponentStatus',
    apiVersion: 'v1',
    metadata: { name, creationTimestamp: null } as never,
    conditions: [{ type: 'Healthy', status: 'True', message: 'ok' }],
  });
  const names = ['controller-manager', 'scheduler', 'etcd-0'];
  const ctx = tools.ctx(format);
  // `kubectl get cs` asks for a Table: NAME STATUS MESSAGE ERROR, as on a real cluster.
  const table = (items: KubeObject[]) => buildTable(printerFor(info), items, { includeObject: ctx.includeObject, now: ctx.now, withColumns: true, resourceVersion: undefined, asVersion: format.asVersion });
  if (ri.verb === 'get') {
    if (!names.includes(ri.name!)) throw notFound({ group: '', resource: 'componentstatuses' }, ri.name!);
    const one = await tools.deps.registry.pipeline.computedForm(info, healthy(ri.name!));
    return sendValue(res, 200, format.as === 'Table' ? table([one]) : one, ctx);
  }
  if (ri.verb !== 'list') throw methodNotAllowed();
  const items = await Promise.all(names.map((name) => tools.deps.registry.pipeline.computedForm(info, healthy(name))));
  return sendValue(res, 200, format.as === 'Table' ? table(items) : { kind: 'ComponentStatusList', apiVersion: 'v1', metadata: {}, items }, ctx);
};

export const virtualResources: ReadonlyMap<string, VirtualHandler> = new Map<string, VirtualHandler>([
  ['selfsubjectaccessreviews.authorization.k8s.io', accessReview('SelfSubjectAccessReview')],
  ['subjectaccessreviews.authorization.k8s.io', accessReview('SubjectAccessReview')],
  ['localsubjectaccessreviews.authorization.k8s.io', accessReview('LocalSubjectAccessReview')],
  ['selfsubjectrulesreviews.authorization.k8s.io', rulesReview],
  ['selfsubjectreviews.authentication.k8s.io', review((_obj, req) => ({ userInfo: requestUser(req) }))],
  ['tokenreviews.authentication.k8s.io', review(tokenReview)],
  ['componentstatuses', componentStatuses],
]);

