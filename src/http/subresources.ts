// Subresources: status and scale for everything that has them; a few kind-specific ones
// (namespaces/finalize, pods/binding, pods/eviction with PodDisruptionBudgets,
// certificatesigningrequests/approval); the streaming ones of pods (log, exec, attach,
// portforward) through their node's kubelet; the proxies of services, pods and nodes.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ApiError, badRequest, isApiError, methodNotAllowed, successStatus } from '../apierrors/index.js';
import { isPlainObject, type KubeObject } from '../machinery/object.js';
import type { WriteOptions } from '../registry/request-options.js';
import { bindPod } from '../registry/pod-binding.js';
import { evictPod, type EvictionRequest } from '../registry/pod-eviction.js';
import { getScale, updateScale } from '../registry/scale.js';
import type { ResourceInfo, SubresourceInfo } from '../schema/catalogue.js';
import type { OutputFormat } from './media-types.js';
import { parseDeleteOptions, parseDryRun, type Query } from './query.js';
import type { ResourceRequestInfo } from './request-info.js';
import type { ResourceHandlerDeps } from './resource-handler.js';
import { readPatch } from './resource-handler.js';
import { sendObject, sendSuccessStatus, sendValue, type ResponseContext } from './responses.js';
import { lazyModule } from '../machinery/lazy-module.js';
import { serveProxy } from './proxy/serve-proxy.js';

/** Pod subresources served as streams. */
const podStreamingSubresources = new Set(['log', 'exec', 'attach', 'portforward']);
// Their code (ws, the SPDY and WebSocket framing: some 20 modules) loads with the first such
// request, not at start.
const podStreams = lazyModule(() => import('./streaming/pod-streams.js'));

export interface SubresourceTools {
  formatFor(transforms: boolean, yaml?: boolean): OutputFormat;
  ctx(format: OutputFormat, warnings?: string[]): ResponseContext;
  readWriteBody(req: IncomingMessage, opts: WriteOptions, deps: Pick<ResourceHandlerDeps, 'protobuf'>): Promise<KubeObject>;
  writeOptions(query: Query, req: IncomingMessage): WriteOptions;
}

export async function handleSubresource(
  req: IncomingMessage,
  res: ServerResponse,
  ri: ResourceRequestInfo,
  info: ResourceInfo,
  sub: SubresourceInfo,
  query: Query,
  deps: ResourceHandlerDeps,
  tools: SubresourceTools,
): Promise<void> {
  // Every method a proxy passes on is its own business (OPTIONS included).
  if (sub.name === 'proxy') return serveProxy(req, res, ri, deps);
  const verb = ri.verb === 'list' || ri.verb === 'watch' ? 'get' : ri.verb;
  if (!sub.verbs.includes(verb)) throw methodNotAllowed();
  const store = deps.registry.store(info);
  const name = ri.name!;
  const { formatFor, ctx, writeOptions } = tools;

  // Both write part of the object itself and answer with the whole of it.
  const partial = sub.name === 'status' ? 'status' : sub.name === 'approval' && info.qualified === 'certificatesigningrequests.certificates.k8s.io' ? 'approval' : undefined;
  if (partial) {
    // Tables and metadata forms as for the resource itself (`kubectl get --subresource=status`).
    const format = formatFor(true);
    if (verb === 'get') return sendObject(res, 200, info, await store.get(ri.namespace, name), ctx(format));
    const opts = writeOptions(query, req);
    if (verb === 'update') {
      const body = await tools.readWriteBody(req, opts, deps);
      const result = await store.update(ri.namespace, name, body, opts, partial);
      return sendObject(res, 200, info, result.object, ctx(format, opts.warnings));
    }
    if (verb === 'patch') {
      const { type, patch } = await readPatch(req, opts);
      const result = await store.patch(ri.namespace, name, type, patch, opts, partial);
      return sendObject(res, 200, info, result.object, ctx(format, opts.warnings));
    }
  }

  if (sub.name === 'scale') {
    // `kubectl get --subresource=scale` asks for a Table: Desired and Available.
    const format = formatFor(true);
    if (verb === 'get') return sendObject(res, 200, undefined, await getScale(store, ri.namespace, name), ctx(format));
    const opts = { ...writeOptions(query, req), managedFieldsSubresource: 'scale' };
    if (verb === 'update') {
      const body = await tools.readWriteBody(req, opts, deps);
      const out = await updateScale(store, deps.registry.pipeline, ri.namespace, name, { body }, opts);
      return sendObject(res, 200, undefined, out, ctx(format, opts.warnings));
    }
    if (verb === 'patch') {
      const { type, patch } = await readPatch(req, opts);
      if (type === 'apply') throw new ApiError(415, 'UnsupportedMediaType', 'server-side apply of the scale subresource is not supported by kubemu yet');
      const out = await updateScale(store, deps.registry.pipeline, ri.namespace, name, { patchType: type, patch }, opts);
      return sendObject(res, 200, undefined, out, ctx(format, opts.warnings));
    }
  }

  if (info.qualified === 'namespaces' && sub.name === 'finalize' && verb === 'update') {
    const format = formatFor(false);
    const opts = writeOptions(query, req);
    const body = await tools.readWriteBody(req, opts, deps);
    const finalizers = (body.spec as { finalizers?: unknown } | undefined)?.finalizers;
    const result = await store.guaranteedUpdate(undefined, name, opts, 'finalize', (current) => {
      if (!current) throw badRequest(`namespace ${name} not found`);
      const next = structuredClone(current);
      next.spec = { ...(next.spec as object), finalizers: Array.isArray(finalizers) ? finalizers : [] };
      return { update: next, expectedRv: (body.metadata as { resourceVersion?: string } | undefined)?.resourceVersion };
    });
    return sendObject(res, 200, info, result.object, ctx(format, opts.warnings));
  }

  if (info.qualified === 'serviceaccounts' && sub.name === 'token' && verb === 'create' && deps.registry.serviceAccountTokens) {
    const format = formatFor(false);
    const opts = writeOptions(query, req);
    const body = await tools.readWriteBody(req, opts, deps);
    const issued = await deps.registry.serviceAccountTokens.issue(ri.namespace ?? '', name, body);
    return sendValue(res, 201, issued, ctx(format, opts.warnings));
  }

  /** The Binding or Eviction sent, after the admission webhooks (a real cluster's admit of the subresource's create). */
  const admittedPodSubresourceBody = async (subresource: 'binding' | 'eviction', opts: ReturnType<typeof writeOptions>) =>
    deps.registry.admitPodSubresourceCreate({
      subresource,
      namespace: ri.namespace ?? '',
      name,
      object: await tools.readWriteBody(req, opts, deps),
      user: opts.user,
      dryRun: opts.dryRun,
      warnings: opts.warnings,
    });

  if (info.qualified === 'pods' && sub.name === 'binding' && verb === 'create') {
    const format = formatFor(false);
    const opts = writeOptions(query, req);
    const body = await admittedPodSubresourceBody('binding', opts);
    await bindPod(store, ri.namespace, name, body, opts);
    // The binding storage returns a bare Success Status; the create handler gives it its 201.
    return sendSuccessStatus(res, 201, successStatus(undefined, 201), ctx(format, opts.warnings));
  }

  if (info.qualified === 'pods' && sub.name === 'eviction' && verb === 'create') {
    const format = formatFor(false);
    const opts = writeOptions(query, req);
    const body = await admittedPodSubresourceBody('eviction', opts);
    try {
      await evictPod(deps.registry, ri.namespace ?? '', name, evictionRequest(body, name, ri.namespace ?? '', query), opts);
    } catch (err) {
      // The budget says when to come back; client-go honours Retry-After on a 429.
      const after = isApiError(err) ? err.status.details?.retryAfterSeconds : undefined;
      if (after) res.setHeader('Retry-After', String(after));
      throw err;
    }
    return sendSuccessStatus(res, 201, successStatus(undefined, 201), ctx(format, opts.warnings));
  }

  if (info.qualified === 'pods' && podStreamingSubresources.has(sub.name)) {
    return (await podStreams.load()).servePodStream(req, res, sub.name, ri.namespace!, name, query, deps);
  }

  throw notImplemented(
    `${info.resource}/${sub.name}`,
    info.qualified === 'serviceaccounts' ? 'token signing without a signing key' : 'the fake kubelets',
  );
}

/**
 * An Eviction body (policy/v1 or policy/v1beta1) as EvictionREST takes it: named as the URL
 * names the pod, in the request's namespace, its deleteOptions' dryRun agreeing with the request's.
 */
function evictionRequest(body: KubeObject, urlName: string, namespace: string, query: Query): EvictionRequest {
  const apiVersion = body.apiVersion;
  if (apiVersion !== undefined && apiVersion !== 'policy/v1' && apiVersion !== 'policy/v1beta1') {
    throw badRequest(`the API version in the data (${apiVersion}) does not match the expected API version (policy/v1)`);
  }
  const meta = body.metadata ?? {};
  if (meta.namespace && meta.namespace !== namespace) throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
  if (urlName !== meta.name) throw badRequest('name in URL does not match name in Eviction object');
  const raw = isPlainObject(body.deleteOptions) ? body.deleteOptions : undefined;
  const fromBody = Array.isArray(raw?.dryRun) ? raw.dryRun.map(String) : [];
  const fromQuery = query.getAll('dryRun');
  if (fromBody.length && fromQuery.length && fromBody.join('\u0000') !== fromQuery.join('\u0000')) {
    // A plain error in kube-apiserver: a 500 Status without a reason.
    const err = new ApiError(500, '', `Non-matching dry-run options in request and content: [${fromQuery.join(' ')}] and [${fromBody.join(' ')}]`);
    delete err.status.reason;
    throw err;
  }
  // Query parameters of a create are CreateOptions: the delete's options come from the body only.
  return { deleteOptions: parseDeleteOptions(new URLSearchParams(), raw), dryRun: parseDryRun(query, fromBody) };
}

/** A subresource kubemu does not serve yet: a clear 501, never a quietly wrong answer. */
function notImplemented(what: string, needs: string): ApiError {
  return new ApiError(501, 'NotImplemented', `${what} is not implemented by kubemu yet: it needs ${needs}, which kubemu does not have yet`);
}
