// The kubemu command line: `kubemu serve [flags]` runs a cluster in the foreground until
// SIGTERM or SIGINT, then flushes storage and exits. main.ts runs it, from the build's bundle
// when there is a current one.
import { createRequire } from 'node:module';
import { isIP } from 'node:net';
import { parseArgs } from 'node:util';
import type * as Pino from 'pino';
import { packageVersion, startServer } from './server.js';
import type { Stage } from './kubelet/index.js';

let pinoLogger: Pino.Logger | undefined;

/**
 * The log, made with its first line: pino (~15 ms of modules to load) then loads while LevelDB
 * opens on its thread, not before the start begins. A CommonJS package, required rather than
 * imported, which spares Node's ESM loader scanning it for its export names.
 */
function logger(): Pino.Logger {
  if (pinoLogger) return pinoLogger;
  const { pino } = createRequire(import.meta.url)('pino') as typeof Pino;
  return (pinoLogger = pino({ base: undefined, timestamp: pino.stdTimeFunctions.isoTime }, pino.destination(2)));
}

const usage = `Usage: kubemu serve [flags]

Runs a Kubernetes API server emulator (Kubernetes v1.36 API) in the foreground.

Flags:
  --port <n>            port to listen on (default 6443; 0 picks a free one)
  --host <addr>         address to listen on (default 127.0.0.1)
  --data-dir <dir>      where storage and the cluster CA live (default .kubemu/data)
  --kubeconfig <file>   where to write a kubeconfig for this cluster (default .kubemu/kubeconfig)
  --storage <kind>      level (default: embedded LevelDB in the data dir) or memory
  --insecure-http       serve plain HTTP instead of HTTPS (kubectl then sends no credentials)
  --tls-host <name>     extra DNS name or IP for the serving certificate (repeatable)
  --advertise-address <ip>
                        the address default/kubernetes's endpoints hold (default: --host unless it
                        is a wildcard or loopback address, else this machine's first external IPv4)
  --controllers <list>  controllers to run, as kube-controller-manager's --controllers: "*" (default)
                        runs every controller on by default, "-name" leaves one out, "name" adds one,
                        "" runs none (a bare API server). Names: namespace, deployment, replicaset, …
  --controller-module <file>
                        load your own controller(s) from a JavaScript module (repeatable; see README)
  --nodes <n>           simulated nodes, each with a fake kubelet (default 3: one control-plane node,
                        tainted, and workers; 0 for none)
  --config <file>       cluster configuration (YAML): node pools, kubelet behaviour, kwok Stages (see README)
  --event-ttl <duration>
                        how long events are kept after their last write (default 1h0m0s)
  --authorization-mode <modes>
                        comma list of authorizers: RBAC (default), AlwaysAllow, AlwaysDeny
                        (Node, ABAC and Webhook are left out with a warning)
  --anonymous-auth[=false]
                        requests without credentials are system:anonymous (default true); false: 401
  --token-auth-file <file>
                        static bearer tokens, a CSV of token,user,uid,"group1,group2"
  --max-requests-inflight <n>
                        read-only requests served at once before 429s (default 400; 0: no limit)
  --max-mutating-requests-inflight <n>
                        mutating requests served at once before 429s (default 200; 0: no limit)
  --request-timeout <duration>
                        deadline of requests other than watch, exec, logs, port-forward, proxy (default 1m0s)
  --audit-log-path <file>
                        append audit.k8s.io/v1 Events to this file as JSON lines ("-": standard output)
  --audit-policy-file <file>
                        an audit.k8s.io/v1 Policy (default: Metadata level for every request)
  --log-requests        log every request
  -h, --help            show this help
  --version             print the version
`;

async function main(argv: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    // A bare --anonymous-auth means true, as a Go bool flag does.
    args: argv.map((a) => (a === '--anonymous-auth' ? '--anonymous-auth=true' : a)),
    allowPositionals: true,
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      'data-dir': { type: 'string' },
      kubeconfig: { type: 'string' },
      storage: { type: 'string' },
      'insecure-http': { type: 'boolean' },
      'tls-host': { type: 'string', multiple: true },
      'advertise-address': { type: 'string' },
      'log-requests': { type: 'boolean' },
      'authorization-mode': { type: 'string' },
      'anonymous-auth': { type: 'string' },
      'token-auth-file': { type: 'string' },
      'max-requests-inflight': { type: 'string' },
      'max-mutating-requests-inflight': { type: 'string' },
      'request-timeout': { type: 'string' },
      'audit-log-path': { type: 'string' },
      'audit-policy-file': { type: 'string' },
      'event-ttl': { type: 'string' },
      controllers: { type: 'string' },
      nodes: { type: 'string' },
      config: { type: 'string' },
      'controller-module': { type: 'string', multiple: true },
      help: { type: 'boolean', short: 'h' },
      version: { type: 'boolean' },
    },
  });
  if (values.version) {
    process.stdout.write(`kubemu ${packageVersion()} (Kubernetes v1.36 API)\n`);
    return;
  }
  const command = positionals[0];
  if (values.help || !command) {
    process.stdout.write(usage);
    if (!values.help) process.exitCode = 2;
    return;
  }
  if (command !== 'serve') {
    process.stderr.write(`kubemu: unknown command "${command}"\n\n${usage}`);
    process.exitCode = 2;
    return;
  }
  const port = values.port === undefined ? 6443 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be a port number, got "${values.port}"`);
  const storage = values.storage ?? 'level';
  if (storage !== 'level' && storage !== 'memory' && storage !== 'leveldb') {
    throw new Error(`--storage must be "level" or "memory", got "${storage}"`);
  }

  const advertise = values['advertise-address'];
  if (advertise !== undefined && isIP(advertise) === 0) throw new Error(`--advertise-address must be an IP address, got "${advertise}"`);

  const controllers = values.controllers === undefined ? ['*'] : values.controllers.split(',');
  const extraControllers = [];
  // The --controllers list is checked against the controllers' names; their code loads when they start.
  if (values['controller-module'] !== undefined || controllers.some((c) => c.trim() !== '')) {
    const { selectControllers } = await import('./controllers/runtime/controller-selection.js');
    const { builtinControllerDefinitions } = await import('./controllers/builtin-definitions.js');
    if (values['controller-module'] !== undefined) {
      const { loadControllerModule } = await import('./controllers/runtime/controller-manager.js');
      for (const path of values['controller-module']) extraControllers.push(...(await loadControllerModule(path)));
    }
    selectControllers(controllers, [...builtinControllerDefinitions, ...extraControllers]);
  }

  const { goDurationMs } = await import('./machinery/go-duration.js');
  const eventTtlMs = values['event-ttl'] === undefined ? undefined : goDurationMs(values['event-ttl']);
  if (eventTtlMs !== undefined && eventTtlMs <= 0) throw new Error(`--event-ttl must be a positive duration, got "${values['event-ttl']}"`);
  if (values['event-ttl'] !== undefined && eventTtlMs === undefined) throw new Error(`--event-ttl must be a duration such as 1h0m0s or 30m, got "${values['event-ttl']}"`);
  const inflightFlag = (name: 'max-requests-inflight' | 'max-mutating-requests-inflight', fallback: number): number => {
    const raw = values[name];
    if (raw === undefined) return fallback;
    const n = Number(raw);
    if (!/^\d+$/.test(raw) || !Number.isSafeInteger(n)) throw new Error(`--${name} must be a whole number (0: no limit), got "${raw}"`);
    return n;
  };
  const maxRequestsInflight = inflightFlag('max-requests-inflight', 400);
  const maxMutatingRequestsInflight = inflightFlag('max-mutating-requests-inflight', 200);
  const requestTimeoutMs = values['request-timeout'] === undefined ? undefined : goDurationMs(values['request-timeout']);
  if (values['request-timeout'] !== undefined && (requestTimeoutMs === undefined || requestTimeoutMs <= 0)) {
    throw new Error(`--request-timeout must be a positive duration such as 1m0s or 30s, got "${values['request-timeout']}"`);
  }
  let auditPolicy;
  if (values['audit-policy-file'] !== undefined) {
    const { readFileSync } = await import('node:fs');
    const { parse } = await import('yaml');
    const { parseAuditPolicy } = await import('./http/audit/index.js');
    try {
      auditPolicy = parseAuditPolicy(parse(readFileSync(values['audit-policy-file'], 'utf8')));
    } catch (err) {
      throw new Error(`--audit-policy-file ${values['audit-policy-file']}: ${err instanceof Error ? err.message : String(err)}`);
    }
    if (values['audit-log-path'] === undefined) process.stderr.write('kubemu: --audit-policy-file without --audit-log-path: no audit events are written\n');
  }
  const nodes = values.nodes === undefined ? 3 : Number(values.nodes);
  if (!Number.isInteger(nodes) || nodes < 0 || nodes > 10_000) throw new Error(`--nodes must be a whole number from 0 to 10000, got "${values.nodes}"`);
  const { parseClusterConfig, ClusterConfigError } = await import('./machinery/cluster-config.js');
  let cluster;
  let podStages: Stage[] | undefined;
  try {
    let doc: unknown;
    let parseStageDocs: (() => Stage[]) | undefined;
    if (values.config !== undefined) {
      // The kubelet's code (and yaml) only when there is a --config to read: not on a plain start.
      const { isStageDocument, parseStages } = await import('./kubelet/index.js');
      const { readFileSync } = await import('node:fs');
      const { parseAllDocuments } = await import('yaml');
      // One ClusterConfig document and any number of kwok Stage documents, separated by `---`.
      const docs = parseAllDocuments(readFileSync(values.config, 'utf8')).map((d) => {
        if (d.errors.length) throw new ClusterConfigError(d.errors[0]!.message);
        return d.toJS() as unknown;
      }).filter((d) => d !== null && d !== undefined);
      parseStageDocs = () => parseStages(docs.filter(isStageDocument));
      const configDocs = docs.filter((d) => !isStageDocument(d));
      if (configDocs.length > 1) throw new ClusterConfigError('holds more than one ClusterConfig document');
      doc = configDocs[0];
      const pools = (doc as { nodePools?: unknown } | null)?.nodePools;
      if (pools !== undefined && values.nodes !== undefined) throw new ClusterConfigError('--nodes and nodePools in --config both say how many nodes to run: use one');
    }
    cluster = parseClusterConfig(doc, nodes);
    podStages = parseStageDocs?.();
  } catch (err) {
    throw new Error(`--config ${values.config ?? ''}: ${err instanceof Error ? err.message : String(err)}`);
  }

  const anonymousFlag = values['anonymous-auth'];
  if (anonymousFlag !== undefined && anonymousFlag !== 'true' && anonymousFlag !== 'false') throw new Error(`--anonymous-auth must be true or false, got "${anonymousFlag}"`);
  const { parseAuthorizationModes } = await import('./registry/rbac/authorizer.js');
  if (values['authorization-mode'] !== undefined) parseAuthorizationModes(values['authorization-mode']);

  const started = performance.now();
  const server = await startServer({
    port,
    host: values.host ?? '127.0.0.1',
    dataDir: values['data-dir'] ?? '.kubemu/data',
    kubeconfigPath: values.kubeconfig ?? '.kubemu/kubeconfig',
    storage: storage === 'memory' ? 'memory' : 'level',
    insecureHttp: values['insecure-http'] ?? false,
    tlsHosts: values['tls-host'] ?? [],
    advertiseAddress: advertise,
    logRequests: values['log-requests'] ?? false,
    eventTtlMs,
    controllers,
    extraControllers,
    cluster,
    podStages,
    authorizationMode: values['authorization-mode'],
    anonymousAuth: anonymousFlag === undefined ? undefined : anonymousFlag === 'true',
    tokenAuthFile: values['token-auth-file'],
    maxRequestsInflight,
    maxMutatingRequestsInflight,
    requestTimeoutMs,
    auditLogPath: values['audit-log-path'],
    auditPolicy,
    log: (msg, fields) => logger().info(fields ?? {}, msg),
  });
  logger().info({ ms: Math.round(performance.now() - started) }, 'ready');
  process.stdout.write(
    `\nkubemu is serving the Kubernetes API at ${server.url}\n` +
      `  export KUBECONFIG=${server.kubeconfigPath}\n` +
      `  kubectl get namespaces\n\n`,
  );

  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger().info({ signal }, 'shutting down');
    server.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        logger().error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

main(process.argv.slice(2)).catch((err: unknown) => {
  process.stderr.write(`kubemu: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
