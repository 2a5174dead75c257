// The HTTP application. Resource requests — the hot path — go straight to the resource handler;
// everything else (discovery, OpenAPI, version) is an Express app. Express's per-request work
// (swapping the prototypes of req and res, route matching) measured at ~40% of create throughput,
// so the resource path runs beside it rather than inside it; and loading Express costs ~130 ms,
// so it loads right after the server starts listening, with health checks answered without it.
// Every error is a Status.
import { ServerResponse, type IncomingMessage, type RequestListener } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { Express, NextFunction, Request, Response } from 'express';
import { lazyModule } from '../machinery/lazy-module.js';
import { isApiError, methodNotAllowed, resourceNotFound } from '../apierrors/index.js';
import type { Clock } from '../machinery/clock.js';
import type { Registry } from '../registry/registry.js';
import type { Catalogue } from '../schema/catalogue.js';
import type { OpenApiDocuments } from '../schema/openapi-documents.js';
import type { ProtobufCodec } from '../schema/protobuf/index.js';
import { Discovery, wantsAggregated, type DiscoveryDocument } from './discovery.js';
import { extraGroupVersionFor } from './extra-groups.js';
import { createMetricsApi } from './metrics/index.js';
import { serveOpenApi } from './openapi-handlers.js';
import { isPrettyPrint, isWatchQuery } from './query.js';
import { parseRequestInfo, type RequestInfo } from './request-info.js';
import { sendJsonText, sendStatus, setWarnings } from './responses.js';
import type { VersionInfo } from './version.js';
import type { ClusterConfig } from '../machinery/cluster-config.js';
import type { NodeConnections } from '../machinery/node-connection.js';
import type { PodStreamDeps } from './streaming/pod-streams.js';
import { attachUpgrade } from './streaming/upgrade.js';
import { Authenticator, authenticationWarnings, requestUser, type AuthenticationOptions, type CertificateIdentity } from './authentication.js';
import { authorizeRequest, requestAttributes } from './authorization.js';
import { impersonate } from './impersonation.js';
import { serviceAccountIssuer } from '../registry/service-account-tokens.js';
import type { AggregatedApis } from './aggregation/aggregated-apis.js';
import { Auditor, metadataForEverything, type AuditPolicy, type AuditSink } from './audit/index.js';
import { isLongRunning, isReadOnly } from './limits/long-running.js';
import { defaultInflightLimits, MaxInflight, type InflightLimits } from './limits/max-inflight.js';
import { armRequestTimeout, defaultRequestTimeoutMs, requestDeadlineMs } from './limits/request-timeout.js';

export interface AppDeps {
  catalogue: Catalogue;
  registry: Registry;
  openapi: OpenApiDocuments;
  clock: Clock;
  protobuf: () => ProtobufCodec;
  /** Loads the protobuf codec's code (it is not loaded at start-up). */
  loadProtobuf?: () => Promise<unknown>;
  version: VersionInfo;
  /** host:port clients reach the server at (for /api's serverAddressByClientCIDRs). */
  serverAddress: () => string;
  /**
   * /readyz checks still failing (kube-apiserver names, such as "poststarthook/rbac/bootstrap-roles"):
   * the server listens before its post-start hooks finish, and says it is not ready until they have.
   */
  notReady?: () => readonly string[];
  /** Called with every finished request (logging). */
  onRequest?: (req: IncomingMessage, res: ServerResponse, startedAt: number) => void;
  /** Called with errors that are bugs, not API errors (they are answered as 500 InternalError). */
  onInternalError?: (err: unknown, req: IncomingMessage) => void;
  defaultWatchSeconds?: () => number;
  /** The kubelets, for pods/log, exec, attach and portforward (absent: no nodes run pods). */
  nodeConnections?: NodeConnections;
  /** Protocol timings of exec, attach and port-forward (tests shorten them). */
  streaming?: PodStreamDeps['streaming'];
  /** The simulated cluster's settings (the metrics load model reads them). */
  clusterConfig?: ClusterConfig;
  /** Reads a verified client certificate's user and groups (absent: certificates name nobody). */
  certificateIdentity?: CertificateIdentity;
  /** Static tokens, anonymous requests, insecure serving (see authentication.ts). */
  authentication?: Omit<AuthenticationOptions, 'certificateIdentity'>;
  /** The service-account signing key's public half, for /openid/v1/jwks. */
  serviceAccountKeys?: { jwks(): Promise<{ keys: Record<string, unknown>[] }> };
  /** The URL clients reach this server at (the OIDC discovery document's jwks_uri). */
  externalUrl?: () => string;
  /** Group-versions of APIServices served by other servers, and the proxy to them (absent: none). */
  aggregatedApis?: AggregatedApis;
  /** --max-requests-inflight and --max-mutating-requests-inflight (default 400 and 200; 0: no limit). */
  inflightLimits?: InflightLimits;
  /** --request-timeout in ms: the deadline of requests that are not long-running (default 60 s). */
  requestTimeoutMs?: number;
  /** Unsent bytes a watcher may fall behind by before it is disconnected (default 32 MiB). */
  watchBufferBytes?: number;
  /** --audit-log-path's sink and --audit-policy-file's policy (default: Metadata for everything). */
  audit?: { sink?: AuditSink; policy?: AuditPolicy };
}

export interface ApiApp {
  /** The request listener for http(s).createServer: resource requests first, then Express. */
  handle: RequestListener;
  /** The Express app serving discovery, OpenAPI, health and version (loaded on first use). */
  express(): Promise<Express>;
  /** Loads what requests other than health checks need (resource handlers, the documents app); requests load it too. */
  preload(): Promise<void>;
  /**
   * The 'upgrade' listener for http(s).createServer (exec, attach and port-forward switch
   * protocols). Without it Node refuses every upgrade request.
   */
  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void;
}

// Parsed once by the listener, reused by the Express routes.
const requestInfoKey = Symbol('kubemu.requestInfo');
type WithInfo = IncomingMessage & { [requestInfoKey]?: { info: RequestInfo; query: URLSearchParams } };

export function createApp(deps: AppDeps): ApiApp {
  // Groups an aggregated APIService would serve on a real cluster: metrics-server's.
  const builtinExtras = [
    createMetricsApi({ catalogue: deps.catalogue, registry: deps.registry, clock: deps.clock, protobuf: deps.protobuf, config: deps.clusterConfig?.metrics }),
  ];
  // Other servers' group-versions (APIServices with a service) come first: a real cluster's
  // metrics-server APIService takes metrics.k8s.io over in the same way.
  const aggregated = deps.aggregatedApis;
  const extraGroups = () => {
    const remote = aggregated?.discoverable() ?? [];
    return remote.length ? [...remote, ...builtinExtras.filter((b) => !remote.some((r) => r.group === b.group && r.version === b.version))] : builtinExtras;
  };
  const discovery = new Discovery(deps.catalogue, deps.serverAddress, { list: extraGroups, generation: () => aggregated?.generation() ?? 0 });
  const resourceDeps = {
    catalogue: deps.catalogue,
    registry: deps.registry,
    clock: deps.clock,
    protobuf: deps.protobuf,
    loadProtobuf: deps.loadProtobuf,
    defaultWatchSeconds: deps.defaultWatchSeconds,
    nodeConnections: deps.nodeConnections,
    streaming: deps.streaming,
    watchBufferBytes: deps.watchBufferBytes,
  };
  // Every failure becomes a Status; one that is not an API error is a bug, and is reported.
  const fail = (req: IncomingMessage, res: ServerResponse, err: unknown) => {
    if (!isApiError(err)) deps.onInternalError?.(err, req);
    sendStatus(res, err, prettyFor(req));
  };
  // The resource handlers (bodies, subresources, watch streams) load once the server serves, as the
  // documents app does: the health checks a start waits on need neither.
  const resourceHandler = lazyModule(() => import('./resource-handler.js'));
  const expressModule = lazyModule(() => import('express'));
  let app: Express | undefined;
  const documentsApp = async () => (app ??= createDocumentsApp((await expressModule.load()).default, deps, discovery));

  const authenticator = new Authenticator(deps.registry, { ...deps.authentication, certificateIdentity: deps.certificateIdentity });
  const authorizer = deps.registry.authorizer;
  const auditor = new Auditor({ sink: deps.audit?.sink, policy: deps.audit?.policy ?? metadataForEverything, user: requestUser });
  const inflight = new MaxInflight(deps.inflightLimits ?? defaultInflightLimits);
  const requestTimeoutMs = deps.requestTimeoutMs ?? defaultRequestTimeoutMs;
  const handle: RequestListener = (req, res) => {
    const started = performance.now();
    auditor.begin(req, res);
    if (deps.onRequest) res.on('finish', () => deps.onRequest!(req, res, started));
    let authenticating: void | Promise<void>;
    try {
      authenticating = authenticator.authenticate(req);
    } catch (err) {
      fail(req, res, err);
      return;
    }
    if (authenticating) {
      authenticating.then(
        () => route(req, res),
        (err: unknown) => fail(req, res, err),
      );
      return;
    }
    route(req, res);
  };
  const route: RequestListener = (req, res) => {
    setWarnings(res, authenticationWarnings(req));
    let parsed: { info: RequestInfo; query: URLSearchParams; path: string };
    try {
      const { path, query } = splitTarget(req.url ?? '/');
      parsed = { info: parseRequestInfo(req.method ?? 'GET', path, isWatchQuery(query)), query, path };
    } catch (err) {
      auditor.judge(req, res, undefined, false);
      fail(req, res, err);
      return;
    }
    // kube-apiserver's filters, in its order after authentication: the audit event (a refusal
    // below is audited too), impersonation, the request's deadline (a bad ?timeout= is a 400) and
    // the in-flight limits (long-running requests have neither), then authorization.
    const longRunning = isLongRunning(parsed.info);
    auditor.judge(req, res, parsed.info, longRunning);
    try {
      impersonate(req, authorizer);
    } catch (err) {
      fail(req, res, err);
      return;
    }
    if (!longRunning) {
      let deadlineMs: number;
      try {
        deadlineMs = requestDeadlineMs(parsed.query, requestTimeoutMs);
      } catch (err) {
        fail(req, res, err);
        return;
      }
      const release = inflight.admit(res, isReadOnly(req.method ?? 'GET', parsed.info), requestUser(req).groups);
      if (!release) return;
      const deadline = armRequestTimeout(res, deadlineMs, deps.clock);
      // One listener for both: this runs for every request.
      res.once('close', () => {
        release();
        deadline.cancel();
      });
    }
    try {
      authorizeRequest(authorizer, requestAttributes(req, parsed.info, parsed.path, parsed.query), req);
    } catch (err) {
      fail(req, res, err);
      return;
    }
    // An aggregated APIService's requests, discovery of its group-version included, are its server's.
    const remote = aggregated && remoteApiServiceFor(aggregated, parsed.info);
    if (remote) {
      aggregated.proxy(req, res, remote).catch((err: unknown) => fail(req, res, err));
      return;
    }
    if (parsed.info.isResourceRequest) {
      // Remote group-versions were proxied above: what is left is kubemu's own.
      const extra = extraGroupVersionFor(builtinExtras, parsed.info);
      const info = parsed.info;
      const served = extra
        ? extra.handle(req, res, info, parsed.query)
        : resourceHandler.loaded()
          ? resourceHandler.get().handleResourceRequest(req, res, info, parsed.query, resourceDeps)
          : resourceHandler.load().then((m) => m.handleResourceRequest(req, res, info, parsed.query, resourceDeps));
      served.catch((err: unknown) => fail(req, res, err));
      return;
    }
    const health = /^\/(healthz|livez|readyz)(?:\/(.+))?$/.exec(parsed.info.path);
    if (health && (req.method === 'GET' || req.method === 'HEAD')) {
      const kind = health[1];
      serveHealth(res, kind, health[2], parsed.query.has('verbose'), kind === 'readyz' ? (deps.notReady?.() ?? []) : []);
      return;
    }
    (req as WithInfo)[requestInfoKey] = parsed;
    documentsApp().then(
      (express) => express(req, res),
      (err: unknown) => fail(req, res, err),
    );
  };
  // The request goes the ordinary way on a response written to the raw socket: checks and errors
  // are the usual ones, and a streaming handler claims the socket when it switches protocols.
  const upgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    attachUpgrade(req, socket, head);
    const res = new ServerResponse(req);
    res.shouldKeepAlive = false;
    res.assignSocket(socket as Socket);
    res.once('finish', () => socket.end());
    handle(req, res);
  };
  const preload = async () => {
    await resourceHandler.load();
    await documentsApp();
  };
  return { handle, express: documentsApp, preload, upgrade };
}

function createDocumentsApp(express: () => Express, deps: AppDeps, discovery: Discovery): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.set('strict routing', false);

  app.get('/version', (_req, res) => sendJsonText(res, 200, JSON.stringify(deps.version, null, 2)));
  // Service account issuer discovery: what a workload-identity consumer fetches to verify tokens.
  app.get('/.well-known/openid-configuration', (_req, res) => {
    if (!deps.serviceAccountKeys) throw resourceNotFound();
    res.setHeader('Cache-Control', 'public, max-age=3600');
    sendJsonText(res, 200, JSON.stringify(openIdConfiguration(deps.externalUrl?.() ?? '')), 'application/json');
  });
  app.get('/openid/v1/jwks', async (_req, res) => {
    if (!deps.serviceAccountKeys) throw resourceNotFound();
    const jwks = await deps.serviceAccountKeys.jwks();
    res.setHeader('Cache-Control', 'public, max-age=3600');
    sendJsonText(res, 200, JSON.stringify(jwks), 'application/jwk-set+json');
  });
  app.get(['/openapi/v2', '/swagger-2.0.0.pb-v1', '/openapi/v3', '/openapi/v3/*gv'], async (req, res) => {
    const parsed = (req as WithInfo)[requestInfoKey]!;
    await serveOpenApi(req, res, req.path.replace(/\/$/, ''), parsed.query, deps.openapi, deps.aggregatedApis && (() => deps.aggregatedApis!.openApiV3Paths()));
  });
  // Discovery: /api, /api/v1, /apis, /apis/<group>, /apis/<group>/<version>, trailing slash or not.
  app.all(['/api', '/api/*rest', '/apis', '/apis/*rest'], (req, res) => {
    const parsed = (req as WithInfo)[requestInfoKey];
    const info = parsed?.info;
    if (!info || info.isResourceRequest || !info.discovery) throw resourceNotFound();
    if (req.method !== 'GET' && req.method !== 'HEAD') throw methodNotAllowed();
    serveDiscovery(req, res, info.discovery, discovery);
  });
  app.use(() => {
    throw resourceNotFound();
  });
  app.use((err: unknown, req: Request, res: Response, _next: NextFunction) => {
    if (!isApiError(err)) deps.onInternalError?.(err, req);
    sendStatus(res, err, prettyFor(req));
  });
  return app;
}

/** The APIService another server answers this request for: its resources and its /apis/<group>/<version>. */
function remoteApiServiceFor(aggregated: AggregatedApis, info: RequestInfo): string | undefined {
  if (info.isResourceRequest) return info.prefix === 'apis' ? aggregated.servedRemotely(info.group, info.version) : undefined;
  // Its OpenAPI v3 document, which the root at /openapi/v3 points to.
  const openapi = /^\/openapi\/v3\/apis\/([^/]+)\/([^/]+)$/.exec(info.path);
  if (openapi) return aggregated.servedRemotely(openapi[1]!, openapi[2]!);
  const d = info.discovery;
  return d?.prefix === 'apis' && d.group !== undefined && d.version !== undefined ? aggregated.servedRemotely(d.group, d.version) : undefined;
}

/** The path of a request target without resolving dot segments (origin-form; absolute-form by its URL's own path). */
/**
 * A request target's path as sent and its query. The path is not resolved as URL would resolve it
 * (`..` and `%2e%2e` segments): /namespaces/default/../kube-system must not reach kube-system
 * (kube-apiserver reads `..` as a name, and refuses it). Origin-form targets (every client's) are
 * split by hand, a URL parse being a measurable part of a small write; others go through URL.
 */
function splitTarget(target: string): { path: string; query: URLSearchParams } {
  if (!target.startsWith('/')) {
    const url = new URL(target, 'http://kubemu');
    return { path: url.pathname, query: url.searchParams };
  }
  const hash = target.indexOf('#');
  const end = hash < 0 ? target.length : hash;
  const q = target.indexOf('?');
  if (q < 0 || q > end) return { path: target.slice(0, end), query: new URLSearchParams() };
  return { path: target.slice(0, q), query: new URLSearchParams(target.slice(q + 1, end)) };
}

/** Errors are indented for the same requests as objects (?pretty=true, curl, browsers). */
function prettyFor(req: IncomingMessage): boolean {
  const parsed = (req as WithInfo)[requestInfoKey];
  let query = parsed?.query;
  if (!query) {
    try {
      query = splitTarget(req.url ?? '/').query;
    } catch {
      query = new URLSearchParams();
    }
  }
  return isPrettyPrint(query, req.headers['user-agent']);
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

const healthChecks = ['ping', 'log', 'etcd', 'informer-sync', 'poststarthook/start-apiextensions-informers', 'poststarthook/rbac/bootstrap-roles'];

/** kube-apiserver's health answers: `failing` are the checks not (yet) passing, withheld reasons as it does for clients. */
function serveHealth(res: ServerResponse, kind: string, check: string | undefined, verbose: boolean, failing: readonly string[]): void {
  res.setHeader('Content-Type', 'text/plain; charset=utf-8');
  res.setHeader('X-Content-Type-Options', 'nosniff');
  if (check) {
    if (!healthChecks.includes(check)) {
      res.statusCode = 404;
      res.end('404 page not found\n');
      return;
    }
    res.statusCode = failing.includes(check) ? 500 : 200;
    res.end(res.statusCode === 200 ? 'ok' : `[-]${check} failed: reason withheld`);
    return;
  }
  const ok = failing.length === 0;
  res.statusCode = ok ? 200 : 500;
  // A failure is always answered verbosely, as kube-apiserver's healthz handler does.
  if (!verbose && ok) {
    res.end('ok');
    return;
  }
  const lines = healthChecks.map((c) => (failing.includes(c) ? `[-]${c} failed: reason withheld` : `[+]${c} ok`));
  res.end(`${lines.join('\n')}\n${kind} check ${ok ? 'passed' : 'failed'}\n`);
}

/** The OIDC discovery document kube-apiserver serves for its service-account issuer. */
function openIdConfiguration(externalUrl: string): Record<string, unknown> {
  return {
    issuer: serviceAccountIssuer,
    jwks_uri: `${externalUrl}/openid/v1/jwks`,
    response_types_supported: ['id_token'],
    subject_types_supported: ['public'],
    id_token_signing_alg_values_supported: ['RS256'],
  };
}
