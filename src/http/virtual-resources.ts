// Resources that are computed, not stored: access reviews, token reviews, self reviews and
// component statuses. Until authentication and RBAC arrive, every authenticated caller is the
// cluster admin, so reviews answer accordingly — and say so in their reason.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { KubeObject } from '../machinery/object.js';
import type { ResourceInfo } from '../schema/catalogue.js';
import type { OutputFormat } from './media-types.js';
import type { Query } from './query.js';
import type { ResourceRequestInfo } from './request-info.js';
import type { ResourceHandlerDeps } from './resource-handler.js';
import { writeOptions } from './resource-handler.js';
import { sendValue, type ResponseContext } from './responses.js';
import { buildTable } from './table.js';
import { requestUser } from './authentication.js';
import { methodNotAllowed, notFound } from '../apierrors/index.js';
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

const allowReason = 'kubemu: authorization is not enforced yet; every authenticated user is a cluster administrator';

/** A create-only review: echo the spec, compute the status. */
function review(computeStatus: (obj: KubeObject, req: IncomingMessage, tools: VirtualTools) => Record<string, unknown> | Promise<Record<string, unknown>>): VirtualHandler {
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
    out.status = await computeStatus(body, req, tools);
    if (ri.namespace) (out.metadata as Record<string, unknown>).namespace = ri.namespace;
    // As the Go struct the real server answers with: every status field it always prints.
    return sendValue(res, 201, await tools.deps.registry.pipeline.computedForm(info, out), tools.ctx(format, opts.warnings));
  };
}

const accessReview = review(() => ({ allowed: true, reason: allowReason }));

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
  const table = (items: KubeObject[]) => buildTable(info, items, { includeObject: ctx.includeObject, now: ctx.now, withColumns: true, resourceVersion: undefined, asVersion: format.asVersion });
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
  ['selfsubjectaccessreviews.authorization.k8s.io', accessReview],
  ['subjectaccessreviews.authorization.k8s.io', accessReview],
  ['localsubjectaccessreviews.authorization.k8s.io', accessReview],
  [
    'selfsubjectrulesreviews.authorization.k8s.io',
    review(() => ({
      resourceRules: [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }],
      nonResourceRules: [{ verbs: ['*'], nonResourceURLs: ['*'] }],
      incomplete: false,
    })),
  ],
  ['selfsubjectreviews.authentication.k8s.io', review((_obj, req) => ({ userInfo: requestUser(req) }))],
  ['tokenreviews.authentication.k8s.io', review(tokenReview)],
  ['componentstatuses', componentStatuses],
]);

