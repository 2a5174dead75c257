// Starts a kubemu API server in this process and returns how to reach it and how to stop it.
// The CLI (cli.ts) and the tests both use this; nothing here is global, so several servers
// can run in one process.
import { mkdirSync, readFileSync } from 'node:fs';
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { createApp } from './http/app.js';
import { versionInfo } from './http/version.js';
import { realClock, type Clock } from './machinery/clock.js';
import { loadOrCreatePki, type ClusterPki } from './pki/cluster-pki.js';
import { clientCertificateIdentity } from './pki/client-identity.js';
import { ServiceAccountKeys } from './pki/service-account-keys.js';
import { Registry } from './registry/registry.js';
import { Catalogue } from './schema/catalogue.js';
import { OpenApiDocuments } from './schema/openapi-documents.js';
import type { LoadedSpec } from './schema/openapi-spec.js';
import { openSpecForStart } from './schema/catalogue-digest.js';
import type { ProtobufCodec } from './schema/protobuf/index.js';
import { lazyModule } from './machinery/lazy-module.js';
import { checkoutRoot, locateProtoDir, locateSpec } from './schema/spec-files.js';
import { openBackend } from './storage/backends/index.js';
import { startCompactor } from './storage/compactor.js';
import { LocalClient } from './client/local-client.js';
import type { ControllerDefinition } from './controllers/runtime/controller.js';
import type { Stage } from './kubelet/index.js';
import { lazyKubeletFleet } from './kubelet/lazy-fleet.js';
import { builtinControllerDefinitions } from './controllers/builtin-definitions.js';
import { lazySchedulerDefinition } from './scheduler/lazy-definition.js';
import type { ControllerManager } from './controllers/runtime/controller-manager.js';
import { selectControllers } from './controllers/runtime/controller-selection.js';
import { defaultClusterConfig, type ClusterConfig } from './machinery/cluster-config.js';
import type { Backend } from './storage/types.js';
import { parseAuthorizationModes } from './registry/rbac/authorizer.js';
import { parseTokenFile } from './http/token-file.js';
import { reconcileBootstrapPolicy } from './controllers/rbac-bootstrap/reconcile-policy.js';
import { loadOrCreateFrontProxyPki, FRONT_PROXY_CLIENT_NAME } from './pki/front-proxy-pki.js';
import { AggregatedApis } from './http/aggregation/aggregated-apis.js';
import { openAuditLog, type AuditPolicy } from './http/audit/index.js';

export interface ServerOptions {
  port?: number;
  host?: string;
  /** "memory" or "level" (default). */
  storage?: 'memory' | 'level';
  dataDir?: string;
  /** Where to write a kubeconfig for this server (none when undefined). */
  kubeconfigPath?: string;
  insecureHttp?: boolean;
  clock?: Clock;
  /** Extra host names / IPs for the serving certificate. */
  tlsHosts?: string[];
  /** The address default/kubernetes advertises (default: see advertise-address.ts). */
  advertiseAddress?: string;
  /** Called with one line per start-up step and per notable event. */
  log?: (message: string, fields?: Record<string, unknown>) => void;
  /** Log every request (at debug level). */
  logRequests?: boolean;
  /** Seconds of watch/event history to keep in storage before compaction (default 5 minutes). */
  compactionRetainSeconds?: number;
  /** How long events live after their last write (--event-ttl; default an hour). */
  eventTtlMs?: number;
  spec?: LoadedSpec;
  /** kube-controller-manager's --controllers: "*" (default) for all, "-name" to leave one out, [] for none. */
  controllers?: string[];
  /** Controllers beyond the built-in ones (--controller-module). */
  extraControllers?: ControllerDefinition[];
  /** Simulated nodes and their behaviour (--nodes, --config); default: kind's layout of 3 nodes. */
  cluster?: ClusterConfig;
  /** kwok Stages for pods (Stage documents of --config): when given, they run pods instead of the built-in simulation. */
  podStages?: readonly Stage[];
  /** --authorization-mode (default "RBAC"): a comma list; Node, ABAC and Webhook are skipped with a warning. */
  authorizationMode?: string;
  /** --anonymous-auth (default true): requests without credentials are system:anonymous, else 401. */
  anonymousAuth?: boolean;
  /** --token-auth-file: a CSV of static bearer tokens (token,user,uid,"group1,group2"). */
  tokenAuthFile?: string;
  /** --max-requests-inflight (default 400; 0: no limit). */
  maxRequestsInflight?: number;
  /** --max-mutating-requests-inflight (default 200; 0: no limit). */
  maxMutatingRequestsInflight?: number;
  /** --request-timeout in ms (default 60 s). */
  requestTimeoutMs?: number;
  /** --audit-log-path: where audit events are appended ("-": standard output; none when undefined). */
  auditLogPath?: string;
  /** --audit-policy-file's Policy (default: Metadata for every request). */
  auditPolicy?: AuditPolicy;
}

export interface RunningServer {
  url: string;
  port: number;
  kubeconfigPath?: string;
  /** The kubeconfig text (also when none was written to disk). */
  kubeconfig: string;
  caCertPem?: string;
  registry: Registry;
  /** The running controllers (none when --controllers is empty). */
  controllers: ControllerManager;
  stop(): Promise<void>;
}

export function packageVersion(): string {
  try {
    return (JSON.parse(readFileSync(join(checkoutRoot(), 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return '0.0.0';
  }
}

export async function startServer(options: ServerOptions = {}): Promise<RunningServer> {
  const baseLog = options.log ?? (() => {});
  // Every start-up line carries the time since the process started, so slow steps show.
  const log: typeof baseLog = (message, fields) => baseLog(message, { ...fields, sinceStartMs: Math.round(performance.now()) });
  const clock = options.clock ?? realClock;
  const host = options.host ?? '127.0.0.1';
  const storage = options.storage ?? 'level';
  const dataDir = resolve(options.dataDir ?? '.kubemu/data');

  const pkiDir = join(dataDir, 'pki');
  // LevelDB opens (~20 ms, most of it on a libuv thread) while the certificates are read and the
  // catalogue is built: one after the other they were a tenth of a restart.
  if (storage !== 'memory') mkdirSync(dataDir, { recursive: true });
  const backendOpening = storage === 'memory' ? openBackend('memory:') : openBackend(`leveldb:${join(dataDir, 'db')}`);
  let pki: ClusterPki | undefined;
  let specAtStart: ReturnType<typeof openSpecForStart> | undefined;
  let spec: LoadedSpec;
  let catalogue: Catalogue;
  try {
    // The certificates first: their directory is made (or found) on a libuv thread, and in that
    // turn of the loop LevelDB's open, which also begins with a mkdir, gets to its own thread
    // before the catalogue holds the main one.
    if (!options.insecureHttp) {
      pki = await loadOrCreatePki(pkiDir, { hosts: [host, ...(options.tlsHosts ?? [])] });
      log('loaded the cluster CA and serving certificate', { dir: pkiDir });
    }
    // The catalogue comes from a digest of the spec kept in the data directory when there is a
    // current one: the whole spec is then parsed on first need, not before serving.
    specAtStart = options.spec ? undefined : openSpecForStart(locateSpec(), join(dataDir, 'cache'));
    spec = options.spec ?? specAtStart!.spec;
    catalogue = new Catalogue(options.spec?.document ?? specAtStart!.catalogueSource);
  } catch (err) {
    // Else the database would stay open, and locked, in this process.
    await backendOpening.then((b) => b.close(), () => {});
    throw err;
  }
  log('loaded the Kubernetes API schema', { spec: spec.path, resources: catalogue.all().length, groups: catalogue.groups().length, digest: specAtStart?.cached });
  const backend: Backend = await backendOpening;
  log('opened storage', { backend: storage, dataDir: storage === 'memory' ? undefined : dataDir, revision: backend.currentRevision() });

  const cluster = options.cluster ?? defaultClusterConfig();
  const runsNodes = cluster.nodePools.some((p) => p.count > 0);
  const wantsControllers = (options.controllers ?? ['*']).some((c) => c.trim() !== '');
  // The controllers', scheduler's and kubelets' code loads when they start, once the server is ready:
  // before, it was about 100 ms (200 on a busy machine) of a default start.
  const kubelets = runsNodes ? lazyKubeletFleet(cluster, options.podStages) : undefined;
  const builtinDefinitions: ControllerDefinition[] = wantsControllers ? [...builtinControllerDefinitions, lazySchedulerDefinition] : [];
  const controllerDefinitions = [...builtinDefinitions, ...(options.extraControllers ?? []), ...(kubelets ? [kubelets.definition] : [])];
  // The kubelets are not kube-controller-manager's: --nodes and --config decide whether they run.
  const selection = [...(options.controllers ?? ['*']), ...(kubelets ? [kubelets.definition.name] : [])];
  // A wrong --controllers list is the caller's error: say so before anything starts.
  const selected = selectControllers(selection, controllerDefinitions);
  // Service-account tokens outlive restarts: their key sits beside the cluster CA.
  const serviceAccountKeys = new ServiceAccountKeys(storage === 'memory' ? undefined : join(dataDir, 'pki'));
  const authorization = parseAuthorizationModes(options.authorizationMode ?? 'RBAC');
  if (authorization.skipped.length) log(`authorization modes ${authorization.skipped.join(', ')} are not supported by kubemu: left out`, { modes: authorization.modes });
  const staticTokens = options.tokenAuthFile === undefined ? undefined : parseTokenFile(readFileSync(options.tokenAuthFile, 'utf8'), options.tokenAuthFile);
  const registry = await Registry.open({
    authorizationModes: authorization.modes,
    backend,
    catalogue,
    spec: () => spec.document,
    clock,
    defaultTolerationSeconds: cluster.nodeLifecycle.defaultTolerationSeconds,
    tokenSigner: serviceAccountKeys,
    serviceAccountAdmission: selected.includes('serviceaccount'),
    log,
  });
  log('filled the watch cache', { revision: registry.watchCache.currentRevision() });
  const compactor = startCompactor({
    backend,
    clock,
    intervalMs: 60_000,
    retainMs: (options.compactionRetainSeconds ?? 300) * 1000,
  });

  // Only protobuf clients (kubectl 1.32+ typed requests) need the codec: it loads on their first request.
  const protobufModule = lazyModule(() => import('./schema/protobuf/index.js'));
  let protobufCodec: ProtobufCodec | undefined;
  const protobuf = () => (protobufCodec ??= protobufModule.get().createProtobufCodec(locateProtoDir()));
  const version = versionInfo(packageVersion(), new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'));
  const openapi = new OpenApiDocuments(spec, catalogue, version.gitVersion);

  // The aggregator's client certificate, read (or made, the first time) once the server is ready:
  // nothing waits for it but the aggregator's requests and discovery checks and the
  // extension-apiserver-authentication ConfigMap.
  let serverReady!: () => void;
  const frontProxyLoading = new Promise<void>((resolveReady) => (serverReady = resolveReady)).then(() => loadOrCreateFrontProxyPki(pkiDir));
  frontProxyLoading.catch((err: unknown) => log('making the front-proxy certificates failed', { dir: pkiDir, err: err instanceof Error ? err.message : String(err) }));
  const aggregatedApis = new AggregatedApis({
    credentials: frontProxyLoading.then((p) => ({ certPem: p.clientCertPem, keyPem: p.clientKeyPem })),
    servesLocally: (group, version) => catalogue.servesGroupVersion(group, version),
    generation: () => catalogue.generation(),
  });

  let address = `${host}:${options.port ?? 6443}`;
  // /readyz fails until the bootstrap RBAC policy is reconciled (kube-apiserver's post-start hook):
  // before that a limited user's first request could be refused.
  let rbacBootstrapped = false;
  const auditSink = options.auditLogPath === undefined ? undefined : openAuditLog(options.auditLogPath);
  const app = createApp({
    aggregatedApis,
    catalogue,
    registry,
    openapi,
    clock,
    protobuf,
    loadProtobuf: () => protobufModule.load(),
    version,
    serverAddress: () => address,
    notReady: () => (rbacBootstrapped ? [] : ['poststarthook/rbac/bootstrap-roles']),
    nodeConnections: kubelets?.connections,
    clusterConfig: cluster,
    certificateIdentity: options.insecureHttp ? undefined : (der) => clientCertificateIdentity(der),
    authentication: { staticTokens, anonymous: options.anonymousAuth ?? true, insecure: options.insecureHttp ?? false },
    serviceAccountKeys,
    externalUrl: () => `${options.insecureHttp ? 'http' : 'https'}://${address}`,
    inflightLimits: { readOnly: options.maxRequestsInflight ?? 400, mutating: options.maxMutatingRequestsInflight ?? 200 },
    requestTimeoutMs: options.requestTimeoutMs,
    audit: { sink: auditSink, policy: options.auditPolicy },
    onInternalError: (err, req) =>
      log('internal error (a bug in kubemu): answered 500', { verb: req.method, uri: req.url, err: err instanceof Error ? err.stack : String(err) }),
    onRequest: options.logRequests
      ? (req, res, started) =>
          log('request', { verb: req.method, uri: req.url, status: res.statusCode, ms: Math.round((performance.now() - started) * 10) / 10 })
      : undefined,
  });

  let server: Server;
  const caCertPem = pki?.caCertPem;
  if (pki === undefined) {
    server = createHttpServer(app.handle);
  } else {
    server = createHttpsServer(
      {
        cert: pki.serverCertPem,
        key: pki.serverKeyPem,
        ca: pki.caCertPem,
        // Client certificates identify users; requests without one are still served (tokens come later).
        requestCert: true,
        rejectUnauthorized: false,
      },
      app.handle,
    );
  }
  server.on('upgrade', app.upgrade);
  // kube-apiserver keeps idle connections for long; Node's 5 s default drops slow clients mid-conversation.
  server.keepAliveTimeout = 120_000;
  server.headersTimeout = 130_000;
  server.requestTimeout = 0;

  // The rbac/bootstrap-roles post-start hook first, alone: /readyz waits for it (so that the first
  // requests of a limited user or an anonymous probe are judged by the full default policy), and
  // on a restart it only reads. It begins before the port opens: on a restart it is done by the
  // time the first probe comes, which then finds the server ready instead of answering it 500
  // while the probes' TLS handshakes take turns with the hook. The other hooks and controllers
  // start once it is done.
  const reconciling = reconcileBootstrapPolicy(new LocalClient(registry, catalogue, { userAgent: 'kube-apiserver' }));
  reconciling.catch(() => {}); // awaited below, after listening
  await new Promise<void>((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 6443, host, () => resolveListen());
  });
  const port = (server.address() as AddressInfo).port;
  const urlHost = host.includes(':') ? `[${host}]` : host === '0.0.0.0' ? '127.0.0.1' : host === '::' ? '[::1]' : host;
  address = `${urlHost}:${port}`;
  const url = `${options.insecureHttp ? 'http' : 'https'}://${urlHost}:${port}`;
  log('listening', { url });
  const policy = await reconciling;
  rbacBootstrapped = true;
  serverReady();
  log('reconciled the bootstrap RBAC policy', policy);
  // The other hooks' and the controllers' code: loaded now, side by side, not before serving.
  const [
    { startControllerManager },
    { loggerFrom },
    { ensureClusterBootstrap },
    { startEventTtl },
    { startApiserverEndpoints },
    { advertiseAddress },
    { localApiServicesController },
    { remoteAvailabilityController },
    { publishExtensionAuthentication },
  ] = await Promise.all([
    import('./controllers/runtime/controller-manager.js'),
    import('./controllers/runtime/logger.js'),
    import('./controllers/bootstrap/cluster-bootstrap.js'),
    import('./controllers/eventttl/event-ttl.js'),
    import('./controllers/apiserver-endpoints/apiserver-endpoints.js'),
    import('./controllers/apiserver-endpoints/advertise-address.js'),
    import('./controllers/apiservices/local-api-services.js'),
    import('./controllers/apiservices/remote-availability.js'),
    import('./controllers/bootstrap/extension-apiserver-authentication.js'),
  ]);
  const advertised = advertiseAddress(options.advertiseAddress, host);
  if (advertised === undefined) log('no address to advertise: default/kubernetes gets no endpoints (set --advertise-address)');
  const eventTtl = startEventTtl({ client: new LocalClient(registry, catalogue, { userAgent: 'kube-apiserver' }), clock, ttlMs: options.eventTtlMs ?? 3_600_000, log });
  const apiserverEndpoints = startApiserverEndpoints({
    client: new LocalClient(registry, catalogue, { userAgent: 'kube-apiserver' }),
    clock,
    serviceIP: registry.serviceAllocator.firstIP(),
    address: advertised,
    port,
    log,
  });
  // In the background, like kube-apiserver's post-start hooks: nothing at start waits for these writes.
  void ensureClusterBootstrap({ client: new LocalClient(registry, catalogue, { userAgent: 'kube-apiserver' }), serverUrl: url, caPem: caCertPem }).catch((err: unknown) =>
    log('creating the bootstrap objects failed', { err: err instanceof Error ? err.message : String(err) }),
  );
  const commit = version.gitCommit.slice(0, 7);
  const controllers = await startControllerManager({
    client: new LocalClient(registry, catalogue, { userAgent: 'kube-controller-manager' }),
    clock,
    log: loggerFrom(log),
    cluster,
    rootCaPem: caCertPem,
    legacyTokens: registry.serviceAccountTokens,
    definitions: controllerDefinitions,
    selection,
    // A --controller-module's controllers have no role of their own: they keep the API server's privileges.
    privileged: options.extraControllers,
    createServiceAccounts: true,
    userAgent: (component, serviceAccount) =>
      `${component}/${version.gitVersion} (${version.platform}) kubernetes/${commit}${serviceAccount ? `/system:serviceaccount:kube-system:${serviceAccount}` : ''}`,
  });
  // kube-apiserver's aggregator controllers run whatever --controllers says: they are its own.
  const aggregatorControllers = [localApiServicesController, remoteAvailabilityController(aggregatedApis)];
  const aggregator = await startControllerManager({
    client: new LocalClient(registry, catalogue, { userAgent: 'kube-apiserver' }),
    clock,
    log: loggerFrom(log),
    definitions: aggregatorControllers,
    selection: ['*'],
    // Loops inside kube-apiserver, with its own (unrestricted) loopback client, not RBAC subjects.
    privileged: aggregatorControllers,
    userAgent: () => `kube-apiserver/${version.gitVersion} (${version.platform}) kubernetes/${commit}`,
  });
  if (caCertPem !== undefined) {
    const clientCaPem = caCertPem;
    void frontProxyLoading
      .then((frontProxy) =>
        publishExtensionAuthentication({
          client: new LocalClient(registry, catalogue, { userAgent: 'kube-apiserver' }),
          clientCaPem,
          frontProxyCaPem: frontProxy.caCertPem,
          allowedNames: [FRONT_PROXY_CLIENT_NAME],
        }),
      )
      .catch((err: unknown) => log('publishing extension-apiserver-authentication failed', { err: err instanceof Error ? err.message : String(err) }));
  }
  // What the first requests of each kind need and a start need not wait for: the write pipeline
  // (with the whole spec, on a restart), the resource handlers and the documents app (discovery,
  // OpenAPI), loaded one after the other while serving.
  void warmUp(
    [
      () => registry.pipeline.ready(),
      () => app.preload(),
    ],
    (err) => log('loading code for later requests failed', { err: err instanceof Error ? err.message : String(err) }),
  );
  const { renderKubeconfig, writeKubeconfig } = await import('./pki/kubeconfig.js');
  const kubeconfig = renderKubeconfig({
    server: url,
    caCertPem: pki?.caCertPem,
    clientCertPem: pki?.adminCertPem,
    clientKeyPem: pki?.adminKeyPem,
  });
  if (options.kubeconfigPath) {
    await writeKubeconfig(resolve(options.kubeconfigPath), kubeconfig);
    log('wrote kubeconfig', { path: resolve(options.kubeconfigPath) });
  }
  log('serving', { url });
  // For the next start; stop() waits for it, so that nothing writes into the data directory after.
  const digestSaved = specAtStart?.saveDigest().catch((err: unknown) => log('writing the catalogue digest failed', { err: err instanceof Error ? err.message : String(err) }));

  const sockets = new Set<import('node:net').Socket>();
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });

  let stopped: Promise<void> | undefined;
  const stop = () =>
    (stopped ??= (async () => {
      compactor.stop();
      await digestSaved;
      await frontProxyLoading.catch(() => {});
      await controllers.stop();
      await aggregator.stop();
      apiserverEndpoints.stop();
      eventTtl.stop();
      registry.watchCache.stop();
      await new Promise<void>((r) => {
        server.close(() => r());
        // Watches and keep-alive connections would hold close() open.
        for (const s of sockets) s.destroy();
      });
      await registry.close();
      await backend.close();
      await auditSink?.close();
      log('stopped');
    })());

  return { url, port, kubeconfigPath: options.kubeconfigPath ? resolve(options.kubeconfigPath) : undefined, kubeconfig, caCertPem, registry, controllers, stop };
}

/**
 * Runs each step after the previous one, each from its own turn of the event loop, so that the
 * requests that come in meanwhile are served between the steps rather than after all of them.
 */
async function warmUp(steps: readonly (() => Promise<unknown>)[], onError: (err: unknown) => void): Promise<void> {
  for (const step of steps) {
    await new Promise((resolveTurn) => setImmediate(resolveTurn));
    await step().catch(onError);
  }
}
