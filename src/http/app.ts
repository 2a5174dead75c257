// The HTTP application: one dispatcher (no per-route regex matching over hundreds of routes)
// that parses the request once, serves discovery, OpenAPI, health and version documents, and
// hands resource requests to the resource handler. Every error becomes a Status.
import type { IncomingMessage, ServerResponse } from 'node:http';
import express, { type Express } from 'express';
import { resourceNotFound, methodNotAllowed } from '../apierrors/index.js';
import type { Clock } from '../machinery/clock.js';
import type { Registry } from '../registry/registry.js';
import type { Catalogue } from '../schema/catalogue.js';
import type { OpenApiDocuments } from '../schema/openapi-documents.js';
import type { ProtobufCodec } from '../schema/protobuf/index.js';
import { Discovery, wantsAggregated, type DiscoveryDocument } from './discovery.js';
import { isWatchQuery } from './query.js';
import { parseRequestInfo } from './request-info.js';
import { handleResourceRequest } from './resource-handler.js';
import { sendJsonText, sendStatus } from './responses.js';
import { serveOpenApi } from './openapi-handlers.js';
import type { VersionInfo } from './version.js';

export interface AppDeps {
  catalogue: Catalogue;
  registry: Registry;
  openapi: OpenApiDocuments;
  clock: Clock;
  protobuf: () => ProtobufCodec;
  version: VersionInfo;
  /** host:port clients reach the server at (for /api's serverAddressByClientCIDRs). */
  serverAddress: () => string;
  /** False until storage is open and the cache is filled. */
  ready?: () => boolean;
  /** Called with every finished request (logging). */
  onRequest?: (req: IncomingMessage, res: ServerResponse, startedAt: number) => void;
  defaultWatchSeconds?: () => number;
}

export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  const discovery = new Discovery(deps.catalogue, deps.serverAddress);
  const resourceDeps = {
    catalogue: deps.catalogue,
    registry: deps.registry,
    clock: deps.clock,
    protobuf: deps.protobuf,
    defaultWatchSeconds: deps.defaultWatchSeconds,
  };

  app.use((req, res) => {
    const started = performance.now();
    if (deps.onRequest) res.on('finish', () => deps.onRequest!(req, res, started));
    dispatch(req, res).catch((err: unknown) => {
      sendStatus(res, err);
    });
  });

  async function dispatch(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://kubemu');
    const query = url.searchParams;
    const info = parseRequestInfo(req.method ?? 'GET', url.pathname, isWatchQuery(query));
    if (info.isResourceRequest) return handleResourceRequest(req, res, info, query, resourceDeps);

    if (info.discovery) {
      if (req.method !== 'GET' && req.method !== 'HEAD') throw methodNotAllowed();
      return serveDiscovery(req, res, info.discovery, discovery);
    }
    const path = info.path;
    if (path === '/healthz' || path === '/livez' || path === '/readyz' || path.startsWith('/healthz/') || path.startsWith('/livez/') || path.startsWith('/readyz/')) {
      return serveHealth(res, path, query.has('verbose'), deps.ready?.() ?? true);
    }
    if (path === '/version') return sendJsonText(res, 200, JSON.stringify(deps.version, null, 2));
    if (path === '/openapi/v2' || path.startsWith('/openapi/v3') || path === '/swagger-2.0.0.pb-v1') {
      return serveOpenApi(req, res, path, query, deps.openapi, deps.protobuf);
    }
    throw resourceNotFound();
  }

  return app;
}

function sendDoc(req: IncomingMessage, res: ServerResponse, doc: DiscoveryDocument | undefined): void {
  if (!doc) throw resourceNotFound();
  res.setHeader('ETag', doc.etag);
  if (req.headers['if-none-match'] === doc.etag) {
    res.statusCode = 304;
    res.end();
    return;
  }
  sendJsonText(res, 200, doc.body, doc.contentType);
}

function serveDiscovery(
  req: IncomingMessage,
  res: ServerResponse,
  d: { prefix: 'api' | 'apis'; group?: string; version?: string },
  discovery: Discovery,
): void {
  if (d.prefix === 'api') {
    if (d.version === undefined) {
      const aggregated = wantsAggregated(req.headers.accept);
      return sendDoc(req, res, aggregated ? discovery.aggregated('api', aggregated) : discovery.coreVersions());
    }
    return sendDoc(req, res, discovery.resourceList('', d.version));
  }
  if (d.group === undefined) {
    const aggregated = wantsAggregated(req.headers.accept);
    return sendDoc(req, res, aggregated ? discovery.aggregated('apis', aggregated) : discovery.groupList());
  }
  if (d.version === undefined) return sendDoc(req, res, discovery.group(d.group));
  return sendDoc(req, res, discovery.resourceList(d.group, d.version));
}

const healthChecks = ['ping', 'log', 'etcd', 'informer-sync', 'poststarthook/start-apiextensions-informers'];

function serveHealth(res: ServerResponse, path: string, verbose: boolean, ready: boolean): void {
  const [, kind, check] = path.split('/');
  const ok = kind === 'readyz' ? ready : true;
  res.setHeader('Content-Type', 'text/plain; charset=utf-8');
  res.setHeader('X-Content-Type-Options', 'nosniff');
  if (check) {
    if (!healthChecks.includes(path.split('/').slice(2).join('/'))) {
      res.statusCode = 404;
      res.end('404 page not found\n');
      return;
    }
    res.statusCode = ok ? 200 : 500;
    res.end(ok ? 'ok' : `[-]${check} failed: reason withheld`);
    return;
  }
  res.statusCode = ok ? 200 : 500;
  if (!verbose) {
    res.end(ok ? 'ok' : `[-]informer-sync failed: reason withheld\n${kind} check failed`);
    return;
  }
  const lines = healthChecks.map((c) => (c === 'informer-sync' && !ok ? `[-]${c} failed: reason withheld` : `[+]${c} ok`));
  res.end(`${lines.join('\n')}\n${kind} check ${ok ? 'passed' : 'failed'}\n`);
}
