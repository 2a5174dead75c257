// What a controller is to the controller manager, and the reconcile loop most controllers run:
// informer handlers add keys ("namespace/name") to a work queue; workers take a key, look at the
// object as it is now (level-based, never at the event that brought the key) and make the world
// match it. A failed key is retried with back-off and one log line; a key may ask to be looked at
// again later (a deadline, a cron schedule) instead of polling.
import type { LocalClient } from '../../client/local-client.js';
import { isConflict } from '../../client/local-client.js';
import type { Clock } from '../../machinery/clock.js';
import type { ClusterConfig } from '../../machinery/cluster-config.js';
import type { EventRecorder } from './event-recorder.js';
import type { SharedInformerFactory } from './informer.js';
import type { Logger } from './logger.js';
import { WorkQueue } from './work-queue.js';

export interface ControllerContext {
  /** The controller's name, as --controllers names it. */
  name: string;
  /** A client writing as this controller (its own user agent; field manager kube-controller-manager) and acting as its user. */
  client: LocalClient;
  /** The client of one host of this component: a kubelet's, acting as system:node:<host>; for the others, `client`. */
  clientFor(host: string): LocalClient;
  /** Informers shared by every controller of the process. */
  informers: SharedInformerFactory;
  clock: Clock;
  log: Logger;
  /** The simulated cluster's settings (node lifecycle timings…); absent: the defaults. */
  cluster?: ClusterConfig;
  /** The cluster CA certificate (PEM) clients verify the API server with; absent when serving plain HTTP. */
  rootCaPem?: string;
  /**
   * Signs secret-based service-account tokens with the cluster's service-account key (the
   * tokens controller's --service-account-private-key-file); absent when no key is configured.
   */
  legacyTokens?: LegacyTokenGenerator;
  /** Records core/v1 Events with this controller as the source ("deployment-controller"; a kubelet names its node as host). */
  recorder(component: string, host?: string): EventRecorder;
  /** A work queue with workers calling `reconcile(key)`; started once the informers are synced. */
  reconcileLoop(reconcile: Reconcile, opts?: ReconcileLoopOptions): ReconcileLoop;
}

/** Makes the token of a `kubernetes.io/service-account-token` Secret (upstream's TokenGenerator). */
export interface LegacyTokenGenerator {
  generateLegacyToken(subject: { namespace: string; serviceAccountName: string; serviceAccountUid: string; secretName: string }): Promise<string>;
}

/** Resolve with `{ requeueAfterMs }` to look at the key again later; throw to retry with back-off. */
export type Reconcile = (key: string) => Promise<ReconcileResult | void>;

export interface ReconcileResult {
  requeueAfterMs?: number;
}

export interface ReconcileLoopOptions {
  /** Keys processed at once (kube-controller-manager runs 5 workers for most controllers). */
  workers?: number;
  /** For log lines, when one controller runs several loops. */
  name?: string;
}

export interface ReconcileLoop {
  enqueue(key: string): void;
  enqueueAfter(key: string, ms: number): void;
  /** Nothing queued or being processed; keys waiting for a delay do not count (tests settle on this). */
  idle(): boolean;
  stop(): void;
}

export interface RunningController {
  stop(): void | Promise<void>;
}

/** A controller the manager can start: built in, or loaded with --controller-module. */
export interface ControllerDefinition {
  name: string;
  /** Other names --controllers accepts (kube-controller-manager's, such as "garbage-collector-controller"). */
  aliases?: readonly string[];
  /** Started by "*" in --controllers (kube-controller-manager leaves a few off by default). */
  enabledByDefault?: boolean;
  /**
   * The component it is part of, which names its client (User-Agent, so the managedFields manager)
   * and its identity: kube-controller-manager (default), kube-scheduler, kubelet.
   */
  component?: 'kube-controller-manager' | 'kube-scheduler' | 'kubelet';
  /** The service account a kube-controller-manager controller runs as (default "<name>-controller"). */
  serviceAccount?: string;
  /**
   * Runs with kube-controller-manager's own credentials (system:kube-controller-manager) rather
   * than a service account of its own, as upstream runs the tokens controller: the service-account
   * credentials the other controllers use are the tokens it makes.
   */
  rootCredentials?: boolean;
  start(ctx: ControllerContext): RunningController | Promise<RunningController>;
}

export function startReconcileLoop(deps: {
  clock: Clock;
  log: Logger;
  /** Resolves when the caches the reconciler reads are filled. */
  synced: () => Promise<void>;
  reconcile: Reconcile;
  workers?: number;
}): ReconcileLoop {
  const queue = new WorkQueue<string>({ clock: deps.clock });
  let stopped = false;

  const worker = async (): Promise<void> => {
    await deps.synced();
    let sliceStart = performance.now();
    for (;;) {
      const key = await queue.get();
      if (key === undefined || stopped) return;
      try {
        const result = await deps.reconcile(key);
        queue.forget(key);
        if (result?.requeueAfterMs !== undefined && !stopped) queue.addAfter(key, result.requeueAfterMs);
      } catch (err) {
        // A conflict means our copy was stale: retry soon, quietly, as client-go controllers do.
        if (!isConflict(err)) deps.log.error('reconcile failed; retrying with back-off', { key, err: err instanceof Error ? err.message : String(err) });
        if (!stopped) queue.addRateLimited(key);
      } finally {
        queue.done(key);
      }
      // The in-process client answers through promises, so a busy controller would otherwise
      // run from microtask to microtask and starve the HTTP server: give I/O a turn once a slice
      // of time is used. (A turn per key made a worker's rate one key per turn of the event loop,
      // which under load is a few milliseconds: the scheduler placed ~250 pods/s, whatever the
      // cost of placing one.)
      if (performance.now() - sliceStart >= workerSliceMs) {
        await yieldToEventLoop();
        sliceStart = performance.now();
      }
    }
  };
  for (let i = 0; i < (deps.workers ?? 5); i++) void worker();

  return {
    enqueue: (key) => queue.add(key),
    enqueueAfter: (key, ms) => queue.addAfter(key, ms),
    idle: () => queue.idle(),
    stop() {
      stopped = true;
      queue.shutDown();
    },
  };
}

/** How long a worker runs keys back to back before it lets the event loop turn (real time: CPU fairness, not a clock of the cluster's). */
const workerSliceMs = 2;

function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
