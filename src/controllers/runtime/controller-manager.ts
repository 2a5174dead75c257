// The controller manager: picks controllers by name as kube-controller-manager's --controllers
// does ("*" for every controller on by default, "name" to add one, "-name" to leave one out, ""
// for none), gives each its own client identity, event source and reconcile loops over one set of
// shared informers, starts the informers, and stops everything on stop(). Each built-in component
// acts as the user it is on a real cluster (identities.ts), so RBAC limits it as it would there.
import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';
import type { LocalClient } from '../../client/local-client.js';
import type { Clock } from '../../machinery/clock.js';
import type { ClusterConfig } from '../../machinery/cluster-config.js';
import { startReconcileLoop, type ControllerContext, type ControllerDefinition, type LegacyTokenGenerator, type ReconcileLoop, type RunningController } from './controller.js';
import { EventRecorder } from './event-recorder.js';
import { SharedInformerFactory } from './informer.js';
import type { Logger } from './logger.js';
import type { UserInfo } from '../../client/local-client.js';
import { ensureControllerServiceAccounts } from './service-account-credentials.js';
import { controllerUser, kubeControllerManagerUser, kubeSchedulerUser, nodeUser } from './identities.js';
import { selectControllers } from './controller-selection.js';

export { selectControllers };

export interface ControllerManagerDeps {
  /** A client of the cluster; each controller gets one with its own identity. */
  client: LocalClient;
  clock: Clock;
  log: Logger;
  /** Handed to every controller (node lifecycle timings…). */
  cluster?: ClusterConfig;
  /** The cluster CA (PEM), for the root-ca-cert-publisher and the tokens controller. */
  rootCaPem?: string;
  /** Signs secret-based service-account tokens, for the tokens controller. */
  legacyTokens?: LegacyTokenGenerator;
  definitions: readonly ControllerDefinition[];
  /** The --controllers list (default ["*"]). */
  selection?: readonly string[];
  /**
   * The User-Agent a controller's requests carry: its component's, with the service account it runs
   * as for kube-controller-manager's controllers (client-go's AddUserAgent).
   */
  userAgent(component: string, serviceAccount?: string): string;
  /**
   * Definitions that act with the API server's own privileges instead of an identity of their
   * own (--controller-module's: no role names them).
   */
  privileged?: readonly ControllerDefinition[];
  /**
   * Make each running controller's kube-system ServiceAccount when missing (in the background), as
   * kube-controller-manager does; tests of single controllers leave it off.
   */
  createServiceAccounts?: boolean;
}

/**
 * The user a component's client acts as. A kubelet's calls go through its node's client
 * (ControllerContext.clientFor); the fleet's own client is in system:nodes' role only through
 * the group, under a name no Node authorizer would know, so a call that forgets to name its node
 * is still held to the node role.
 */
function componentUser(def: ControllerDefinition): UserInfo {
  switch (def.component ?? 'kube-controller-manager') {
    case 'kube-scheduler':
      return kubeSchedulerUser;
    case 'kubelet':
      return { username: 'system:node:<fleet>', groups: ['system:nodes', 'system:authenticated'] };
    default:
      return def.rootCredentials ? kubeControllerManagerUser : controllerUser(controllerServiceAccount(def));
  }
}

/** The kube-system service account a kube-controller-manager controller runs as. */
export function controllerServiceAccount(def: ControllerDefinition): string {
  return def.serviceAccount ?? `${def.name}-controller`;
}

export interface ControllerManager {
  readonly informers: SharedInformerFactory;
  /** Names of the running controllers. */
  readonly running: readonly string[];
  /** True when no controller has work queued, delayed or in progress (tests settle on this). */
  idle(): boolean;
  /** Resolves once every event recorded so far is written. */
  flushEvents(): Promise<void>;
  stop(): Promise<void>;
}

/** Controller definitions from a user's module: its default export, one definition or a list. */
export async function loadControllerModule(path: string): Promise<ControllerDefinition[]> {
  const mod = (await import(pathToFileURL(resolve(path)).href)) as { default?: unknown };
  const exported = mod.default;
  const list = Array.isArray(exported) ? exported : [exported];
  for (const d of list) {
    const def = d as Partial<ControllerDefinition> | undefined;
    if (!def || typeof def.name !== 'string' || def.name === '' || typeof def.start !== 'function') {
      throw new Error(`--controller-module ${path}: the default export must be { name, start(ctx) } or a list of them`);
    }
  }
  return list as ControllerDefinition[];
}

export async function startControllerManager(deps: ControllerManagerDeps): Promise<ControllerManager> {
  const names = selectControllers(deps.selection ?? ['*'], deps.definitions);
  // One informer factory for every component: it lists and watches as kube-controller-manager,
  // whose role may list and watch everything (a real scheduler and kubelet would have their own).
  const informers = new SharedInformerFactory(deps.client.as({ userAgent: deps.userAgent('kube-controller-manager'), user: kubeControllerManagerUser }), {
    clock: deps.clock,
    log: deps.log,
  });
  const privileged = new Set(deps.privileged ?? []);
  const loops: ReconcileLoop[] = [];
  const running: { name: string; controller: RunningController }[] = [];
  const recorders: EventRecorder[] = [];

  for (const def of deps.definitions.filter((d) => names.includes(d.name))) {
    const log: Logger = {
      info: (message, fields) => deps.log.info(message, { controller: def.name, ...fields }),
      error: (message, fields) => deps.log.error(message, { controller: def.name, ...fields }),
    };
    const component = def.component ?? 'kube-controller-manager';
    const userAgent = deps.userAgent(component, component === 'kube-controller-manager' && !def.rootCredentials ? controllerServiceAccount(def) : undefined);
    const client = deps.client.as({ userAgent, ...(privileged.has(def) ? {} : { user: componentUser(def) }) });
    const hostClients = new Map<string, LocalClient>();
    const clientFor = (host: string): LocalClient => {
      if (component !== 'kubelet' || privileged.has(def)) return client;
      let c = hostClients.get(host);
      if (!c) hostClients.set(host, (c = deps.client.as({ userAgent, user: nodeUser(host) })));
      return c;
    };
    const ctx: ControllerContext = {
      name: def.name,
      client,
      clientFor,
      informers,
      clock: deps.clock,
      log,
      cluster: deps.cluster,
      rootCaPem: deps.rootCaPem,
      legacyTokens: deps.legacyTokens,
      recorder(component, host) {
        const recorder = new EventRecorder({ client: host ? clientFor(host) : client, component, host, clock: deps.clock, log });
        recorders.push(recorder);
        return recorder;
      },
      reconcileLoop(reconcile, opts = {}) {
        const loop = startReconcileLoop({
          clock: deps.clock,
          log: opts.name ? { info: (m, f) => log.info(m, { loop: opts.name, ...f }), error: (m, f) => log.error(m, { loop: opts.name, ...f }) } : log,
          synced: () => informers.synced(),
          reconcile,
          workers: opts.workers,
        });
        loops.push(loop);
        return loop;
      },
    };
    try {
      running.push({ name: def.name, controller: await def.start(ctx) });
    } catch (err) {
      throw new Error(`controller ${def.name} failed to start: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  informers.start();
  if (deps.createServiceAccounts) {
    const accounts = deps.definitions
      .filter((d) => names.includes(d.name) && !privileged.has(d) && !d.rootCredentials && (d.component ?? 'kube-controller-manager') === 'kube-controller-manager')
      .map(controllerServiceAccount);
    void ensureControllerServiceAccounts(deps.client.as({ userAgent: deps.userAgent('kube-controller-manager'), user: kubeControllerManagerUser }), accounts, deps.log);
  }
  deps.log.info('controllers started', { controllers: running.map((r) => r.name) });

  return {
    informers,
    running: running.map((r) => r.name),
    idle: () => loops.every((l) => l.idle()),
    flushEvents: async () => {
      await Promise.all(recorders.map((r) => r.flushed()));
    },
    async stop() {
      for (const loop of loops) loop.stop();
      for (const r of running) await r.controller.stop();
      informers.stop();
      await Promise.all(recorders.map((r) => r.flushed()));
    },
  };
}
