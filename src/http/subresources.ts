// Subresources: status and scale for everything that has them; a few kind-specific ones
// (namespaces/finalize, pods/binding, pods/eviction, certificatesigningrequests/approval). Streaming ones (log, exec, attach,
// port-forward, proxy) need a kubelet and answer a clear error until the fake kubelets exist.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ApiError, badRequest, methodNotAllowed } from '../apierrors/index.js';
import { isPlainObject, type KubeObject } from '../machinery/object.js';
import type { WriteOptions } from '../registry/request-options.js';
import { bindPod } from '../registry/pod-binding.js';
import { getScale, updateScale } from '../registry/scale.js';
import type { ResourceInfo, SubresourceInfo } from '../schema/catalogue.js';
import type { OutputFormat } from './media-types.js';
import { parseDeleteOptions, parseDryRun, type Query } from './query.js';
import type { ResourceRequestInfo } from './request-info.js';
import type { ResourceHandlerDeps } from './resource-handler.js';
import { readPatch } from './resource-handler.js';
import { sendObject, sendValue, successStatus, type ResponseContext } from './responses.js';

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
  const verb = ri.verb === 'list' || ri.verb === 'watch' ? 'get' : ri.verb;
  if (!sub.verbs.includes(verb)) throw methodNotAllowed();
  const store = deps.registry.store(info);
  const name = ri.name!;
  const { formatFor, ctx, writeOptions } = tools;

  // Both write part of the object itself and answer with the whole of it.
  const partial = sub.name === 'status' ? 'status' : sub.name === 'approval' && info.qualified === 'certificatesigningrequests.certificates.k8s.io' ? 'approval' : undefined;
  if (partial) {
    const format = formatFor(false);
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
    const format = formatFor(false);
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

  if (info.qualified === 'pods' && sub.name === 'binding' && verb === 'create') {
    const format = formatFor(false);
    const opts = writeOptions(query, req);
    const body = await tools.readWriteBody(req, opts, deps);
    await bindPod(store, ri.namespace, name, body, opts);
    return sendValue(res, 201, successStatus({}), ctx(format));
  }

  if (info.qualified === 'pods' && sub.name === 'eviction' && verb === 'create') {
    const format = formatFor(false);
    const opts = writeOptions(query, req);
    const body = await tools.readWriteBody(req, opts, deps);
    const deleteOptions = parseDeleteOptions(query, isPlainObject(body.deleteOptions) ? body.deleteOptions : undefined);
    await store.delete(ri.namespace, name, deleteOptions, opts.dryRun || parseDryRun(query, (body.deleteOptions as { dryRun?: unknown } | undefined)?.dryRun));
    return sendValue(res, 201, successStatus({}), ctx(format));
  }

  throw notImplemented(`${info.resource}/${sub.name}`, info.qualified === 'serviceaccounts' ? 'token signing, which arrives with authentication' : 'the fake kubelets');
}

/** A subresource kubemu does not serve yet: a clear 501, never a quietly wrong answer. */
function notImplemented(what: string, needs: string): ApiError {
  return new ApiError(501, 'NotImplemented', `${what} is not implemented by kubemu yet: it needs ${needs}, which kubemu does not have yet`);
}
