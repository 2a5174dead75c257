// Resource requests: find the resource in the catalogue, check the verb, decode options and
// body, call the registry, and write the answer in the negotiated encoding.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { badRequest, methodNotAllowed, resourceNotFound, successStatus, unsupportedMediaType } from '../apierrors/index.js';
import type { Clock } from '../machinery/clock.js';
import { isPlainObject, type KubeObject } from '../machinery/object.js';
import type { Registry } from '../registry/registry.js';
import type { PatchType, WriteOptions } from '../registry/request-options.js';
import type { ResourceStore } from '../registry/store.js';
import type { Catalogue, ResourceInfo } from '../schema/catalogue.js';
import type { ProtobufCodec } from '../schema/protobuf/index.js';
import type { NodeConnections } from '../machinery/node-connection.js';
import type { PodStreamDeps } from './streaming/pod-streams.js';
import { requestUser } from './authentication.js';
import { decodeJson, decodeObjectBody, decodeYaml, readBody } from './body.js';
import { noteRequestObject } from './audit/index.js';
import { negotiateOutput, parseMediaType, type OutputFormat } from './media-types.js';
import {
  isPrettyPrint,
  parseBool,
  parseDeleteOptions,
  parseDryRun,
  parseFieldManager,
  parseFieldValidation,
  parseInteger,
  parseListOptions,
  type Query,
} from './query.js';
import type { ResourceRequestInfo } from './request-info.js';
import { listItem, sendList, sendObject, sendSuccessStatus, sendValue, setWarnings, type ResponseContext } from './responses.js';
import { loadPrinters, parseIncludeObject } from './table.js';
import { loadYamlOutput } from './responses.js';
import { startWatchStream } from './watch-stream.js';
import { handleSubresource } from './subresources.js';
import { virtualResources } from './virtual-resources.js';

export interface ResourceHandlerDeps {
  catalogue: Catalogue;
  registry: Registry;
  clock: Clock;
  protobuf: () => ProtobufCodec;
  /** Loads the protobuf codec's code; awaited before a request that sends or accepts protobuf. */
  loadProtobuf?: () => Promise<unknown>;
  /** Seconds a watch stays open when the client gives no timeoutSeconds (kube-apiserver: 30–60 min). */
  defaultWatchSeconds?: () => number;
  /** The kubelets, for pods/log, exec, attach and portforward (absent: no kubelet answers). */
  nodeConnections?: NodeConnections;
  streaming?: PodStreamDeps['streaming'];
  /** Unsent bytes a watcher may fall behind by before it is disconnected (default 32 MiB). */
  watchBufferBytes?: number;
}

const patchTypes: Record<string, PatchType> = {
  'application/json-patch+json': 'json',
  'application/merge-patch+json': 'merge',
  'application/strategic-merge-patch+json': 'strategic',
  'application/apply-patch+yaml': 'apply',
};

export async function handleResourceRequest(
  req: IncomingMessage,
  res: ServerResponse,
  ri: ResourceRequestInfo,
  query: Query,
  deps: ResourceHandlerDeps,
): Promise<void> {
  const info = deps.catalogue.lookup(ri.group, ri.version, ri.resource);
  if (!info) throw resourceNotFound();
  if (ri.name !== undefined) assertValidPathSegmentName(ri.name);
  // A namespaced resource is addressed by name only inside a namespace; a cluster-scoped one never is.
  if (info.namespaced && ri.namespace === undefined && ri.name !== undefined) throw resourceNotFound();
  if (!info.namespaced && ri.namespace !== undefined) throw resourceNotFound();
  if (info.namespaced && ri.namespace === undefined && (ri.verb === 'create' || ri.verb === 'deletecollection')) throw resourceNotFound();
  if (info.deprecationWarning) setWarnings(res, [info.deprecationWarning]);

  // Code that only some requests need is loaded on their first use.
  if (mentionsProtobuf(req)) await deps.loadProtobuf?.();
  if (req.headers.accept?.includes('as=Table')) await loadPrinters();
  if (req.headers.accept?.includes('yaml')) await loadYamlOutput();

  const pretty = isPrettyPrint(query, req.headers['user-agent']);
  const formatFor = (transforms: boolean, yaml = true): OutputFormat =>
    negotiateOutput(req.headers.accept, { transforms, yaml, protobuf: protobufCapable(info, deps) });
  const ctx = (format: OutputFormat, warnings?: string[]): ResponseContext => ({
    format,
    includeObject: parseIncludeObject(query.get('includeObject')),
    now: new Date(deps.clock.now()),
    protobuf: deps.protobuf,
    warnings,
    pretty,
    acceptEncoding: req.headers['accept-encoding'],
  });

  if (ri.subresource) {
    const sub = info.subresources.get(ri.subresource);
    if (!sub) throw resourceNotFound();
    // Only a proxy takes a path after its name.
    if (sub.name !== 'proxy' && ri.subresourcePath && ri.subresourcePath !== '/') throw resourceNotFound();
    return handleSubresource(req, res, ri, info, sub, query, deps, { formatFor, ctx, readWriteBody, writeOptions });
  }

  const virtual = virtualResources.get(info.qualified);
  if (virtual) {
    if (!info.verbs.includes(ri.verb as never)) throw methodNotAllowed();
    return virtual(req, res, ri, info, query, { formatFor, ctx, readWriteBody, deps });
  }

  if (ri.verb === 'connect' || !info.verbs.includes(ri.verb)) throw methodNotAllowed();
  const store = deps.registry.store(info);

  switch (ri.verb) {
    case 'get': {
      const format = formatFor(true);
      const out = await store.get(ri.namespace, ri.name!, query.get('resourceVersion') ?? undefined);
      return sendObject(res, 200, info, out, ctx(format));
    }
    case 'list': {
      const format = formatFor(true);
      const opts = parseListOptions(query, deps.registry.selectableFields(info));
      const list = await store.list(ri.namespace, opts);
      return sendList(res, info, store, list, ctx(format));
    }
    case 'watch':
      return startWatch(req, res, ri, info, store, query, deps, formatFor(true, false));
    case 'create': {
      const format = formatFor(true);
      const opts = writeOptions(query, req, 'CreateOptions');
      // Only JSON is sent from the stored text as it is; other encodings start from the object.
      if (format.encoding !== 'json') opts.returnsObject = true;
      // The body goes to the store as a temporary: a local would keep the decoded object alive
      // (an async function keeps its locals across an await) while the write waits for its batch.
      const out = await store.create(ri.namespace, await readWriteBody(req, opts, deps), opts);
      return sendObject(res, 201, info, out, ctx(format, opts.warnings));
    }
    case 'update': {
      const format = formatFor(true);
      const opts = writeOptions(query, req, 'UpdateOptions');
      const body = await readWriteBody(req, opts, deps);
      const result = await store.update(ri.namespace, ri.name!, body, opts);
      return sendObject(res, result.created ? 201 : 200, info, result.object, ctx(format, opts.warnings));
    }
    case 'patch': {
      const format = formatFor(true);
      const opts = writeOptions(query, req);
      const { type, patch } = await readPatch(req, opts);
      const result = await store.patch(ri.namespace, ri.name!, type, patch, opts);
      return sendObject(res, result.created ? 201 : 200, info, result.object, ctx(format, opts.warnings));
    }
    case 'delete': {
      const format = formatFor(true);
      const body = await readOptionalOptionsBody(req);
      const dryRun = parseDryRun(query, body?.dryRun);
      const options = parseDeleteOptions(query, body);
      const warnings = store.deleteWarnings(options);
      if (query.has('ignoreStoreReadErrorWithClusterBreakingPotential')) {
        warnings.push('kubemu ignores ignoreStoreReadErrorWithClusterBreakingPotential: it has no unreadable objects to force-delete');
      }
      const result = await store.delete(ri.namespace, ri.name!, options, dryRun, { user: requestUser(req), warnings });
      // kube-apiserver answers 202 only when the client asked for cascading with orphanDependents=false.
      const status = !result.deleted && options.orphanDependents === false ? 202 : 200;
      if (result.deleted && !store.returnsDeletedObject()) {
        const meta = result.object.object.metadata ?? {};
        // The generic registry's answer: details name the resource (not the kind) and carry no code.
        return sendSuccessStatus(res, 200, successStatus({ name: meta.name, group: info.group, kind: info.resource, uid: meta.uid }), ctx(format, warnings));
      }
      return sendObject(res, status, info, result.object, ctx(format, warnings));
    }
    case 'deletecollection': {
      const format = formatFor(true);
      const body = await readOptionalOptionsBody(req);
      const dryRun = parseDryRun(query, body?.dryRun);
      const options = parseDeleteOptions(query, body);
      const listOpts = parseListOptions(query, deps.registry.selectableFields(info));
      const deleted = await store.deleteCollection(ri.namespace, listOpts, options, dryRun);
      setWarnings(res, store.deleteWarnings(options));
      return sendValue(
        res,
        200,
        { kind: info.listKind, apiVersion: info.apiVersion, metadata: { resourceVersion: String(store.currentRevision()) }, items: deleted.map((d) => listItem(d.object)) },
        ctx(format),
      );
    }
  }
}

function startWatch(
  req: IncomingMessage,
  res: ServerResponse,
  ri: ResourceRequestInfo,
  info: ResourceInfo,
  store: ResourceStore,
  query: Query,
  deps: ResourceHandlerDeps,
  format: OutputFormat,
): void {
  const listOpts = parseListOptions(query, deps.registry.selectableFields(info));
  const fieldSelector = listOpts.fieldSelector;
  // A watch on /…/pods/<name> is a watch of that one object.
  const byName = ri.name !== undefined ? ri.name : undefined;
  const timeout = parseInteger(query, 'timeoutSeconds');
  const sendInitialEvents = parseBool(query, 'sendInitialEvents');
  const allowBookmarks = parseBool(query, 'allowWatchBookmarks') === true;
  if (sendInitialEvents !== undefined && listOpts.resourceVersionMatch !== 'NotOlderThan') {
    throw badRequest('sendInitialEvents is forbidden unless resourceVersionMatch is set to NotOlderThan');
  }
  if (sendInitialEvents && !allowBookmarks) {
    throw badRequest('sendInitialEvents requires setting allowWatchBookmarks to true');
  }
  const watchOpts = {
    labelSelector: listOpts.labelSelector,
    fieldSelector,
    resourceVersion: listOpts.resourceVersion,
    sendInitialEvents: sendInitialEvents === true,
    name: byName,
  };
  startWatchStream(res, (fn) => req.on('close', fn), {
    store,
    info,
    namespace: ri.namespace,
    watch: watchOpts,
    format,
    includeObject: parseIncludeObject(query.get('includeObject')),
    allowBookmarks,
    // 0 (or none) is the server's choice; a negative timeout, as in Go, has already passed.
    timeoutSeconds: timeout !== undefined && timeout !== 0 ? Math.max(0, timeout) : (deps.defaultWatchSeconds?.() ?? 1800 + Math.floor(Math.random() * 1800)),
    clock: deps.clock,
    protobuf: deps.protobuf,
    maxBufferedBytes: deps.watchBufferBytes,
  });
}

/**
 * A name in the URL becomes a storage key: kube-apiserver's store refuses one that is a dot
 * segment or holds a slash or percent sign (path.IsValidPathSegmentName), before anything else.
 */
function assertValidPathSegmentName(name: string): void {
  const problems: string[] = [];
  if (name === '.' || name === '..') problems.push(`may not be '${name}'`);
  else {
    if (name.includes('/')) problems.push(`may not contain '/'`);
    if (name.includes('%')) problems.push(`may not contain '%'`);
  }
  if (problems.length) throw badRequest(`Name parameter invalid: ${JSON.stringify(name)}: ${problems.join(';')}`);
}

function mentionsProtobuf(req: IncomingMessage): boolean {
  return (req.headers['content-type']?.includes('protobuf') ?? false) || (req.headers.accept?.includes('protobuf') ?? false);
}

const protobufCapability = new WeakMap<ResourceInfo, boolean>();

// Whether a kind has a protobuf form only matters when a client asks for protobuf alone: ask the codec lazily.
function protobufCapable(info: ResourceInfo, deps: Pick<ResourceHandlerDeps, 'protobuf'>): () => boolean {
  return () => {
    let capable = protobufCapability.get(info);
    if (capable === undefined) {
      capable = deps.protobuf().canEncode(info.apiVersion, info.kind);
      protobufCapability.set(info, capable);
    }
    return capable;
  };
}

export function writeOptions(
  query: Query,
  req: IncomingMessage,
  optionsKind: 'CreateOptions' | 'UpdateOptions' | 'PatchOptions' = 'PatchOptions',
): WriteOptions {
  return {
    dryRun: parseDryRun(query),
    fieldManager: parseFieldManager(query, optionsKind),
    fieldValidation: parseFieldValidation(query),
    force: parseBool(query, 'force'),
    userAgent: req.headers['user-agent'],
    user: requestUser(req),
    warnings: [],
  };
}

/** The body of a create or update, decoded; duplicate fields go into the options. */
export async function readWriteBody(req: IncomingMessage, opts: WriteOptions, deps: Pick<ResourceHandlerDeps, 'protobuf'>): Promise<KubeObject> {
  const raw = await readBody(req);
  const decoded = await decodeObjectBody(raw, req.headers['content-type'], deps.protobuf);
  if (!isPlainObject(decoded.value)) throw badRequest('the body of the request must be a JSON or YAML object');
  noteRequestObject(req, decoded.value);
  opts.duplicateFields = decoded.duplicateFields;
  opts.yamlDuplicateKeyErrors = decoded.yamlDuplicateKeyErrors;
  return decoded.value as KubeObject;
}

export async function readPatch(req: IncomingMessage, opts: WriteOptions): Promise<{ type: PatchType; patch: unknown }> {
  const contentType = req.headers['content-type'];
  const type = contentType ? patchTypes[parseMediaType(contentType).type] : undefined;
  if (!type) throw unsupportedMediaType(contentType ?? '', Object.keys(patchTypes));
  const raw = await readBody(req);
  if (raw.length === 0) throw badRequest('the body of the request was empty');
  const text = raw.toString('utf8');
  const decoded = type === 'apply' ? await decodeYaml(text) : decodeJson(text);
  opts.duplicateFields = [];
  // An apply body that is not an object gets the field manager's own (real-server) error.
  if (type !== 'json' && type !== 'apply' && !isPlainObject(decoded.value)) throw badRequest('the patch must be a JSON object');
  return { type, patch: decoded.value };
}

async function readOptionalOptionsBody(req: IncomingMessage): Promise<Record<string, unknown> | undefined> {
  const raw = await readBody(req);
  if (raw.length === 0) return undefined;
  const text = raw.toString('utf8');
  const { value } = text.trimStart().startsWith('{') ? decodeJson(text) : await decodeYaml(text);
  if (!isPlainObject(value)) throw badRequest('the body of a DELETE must be a DeleteOptions object');
  return value;
}

