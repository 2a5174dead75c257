// An in-process cluster for controller, scheduler and kubelet tests: the test app (memory backend,
// fake clock) plus the controller manager running the named controllers (and, when `cluster` has
// nodes, the fake kubelets), and a way to wait until they have done all they can for now.
import { LocalClient } from '../client/local-client.js';
import { builtinControllers } from '../controllers/index.js';
import { reconcileBootstrapPolicy } from '../controllers/rbac-bootstrap/reconcile-policy.js';
import type { ControllerDefinition } from '../controllers/runtime/controller.js';
import { startControllerManager, type ControllerManager } from '../controllers/runtime/controller-manager.js';
import { silentLogger, type Logger } from '../controllers/runtime/logger.js';
import { createKubeletFleet, type KubeletFleet } from '../kubelet/index.js';
import type { ClusterConfig } from '../machinery/cluster-config.js';
import { schedulerDefinition } from '../scheduler/index.js';
import { createTestApp, type TestApp } from './test-app.js';

export interface TestCluster extends TestApp {
  /** Writes as a user would (field manager "test"). */
  client: LocalClient;
  manager: ControllerManager;
  /** The fake kubelets, when `cluster` named nodes. */
  kubelets?: KubeletFleet;
  /** Lets queued work, informer events and event writes run until nothing is left to do. */
  settle(): Promise<void>;
  /** Moves the fake clock forward, firing due timers, then settles. */
  advance(ms: number): Promise<void>;
}

export interface TestClusterOptions {
  /** Controllers to run, as --controllers names them ("scheduler" included). */
  controllers: string[];
  definitions?: ControllerDefinition[];
  /** Nodes with fake kubelets (none when absent). */
  cluster?: ClusterConfig;
  log?: Logger;
  /** The cluster CA handed to the controllers (root-ca-cert-publisher, tokens controller). */
  rootCaPem?: string;
}

export async function startTestCluster(opts: TestClusterOptions): Promise<TestCluster> {
  const app = await createTestApp({ defaultTolerationSeconds: opts.cluster?.nodeLifecycle.defaultTolerationSeconds });
  await app.registry.pipeline.ready();
  const base = new LocalClient(app.registry, app.catalogue, { userAgent: 'test', fieldManager: 'test' });
  // The controllers act as their own users, so they need kube-apiserver's default roles.
  await reconcileBootstrapPolicy(new LocalClient(app.registry, app.catalogue, { userAgent: 'kube-apiserver' }));
  const kubelets = opts.cluster && opts.cluster.nodePools.some((p) => p.count > 0) ? createKubeletFleet(opts.cluster) : undefined;
  const manager = await startControllerManager({
    client: base,
    clock: app.clock,
    log: opts.log ?? silentLogger,
    cluster: opts.cluster,
    rootCaPem: opts.rootCaPem,
    legacyTokens: app.registry.serviceAccountTokens,
    definitions: [...(opts.definitions ?? [...builtinControllers, schedulerDefinition]), ...(kubelets ? [kubelets.definition] : [])],
    selection: [...opts.controllers, ...(kubelets ? [kubelets.definition.name] : [])],
    userAgent: (component, sa) => `${component}/v1.36.0 (linux/amd64) kubernetes/test${sa ? `/system:serviceaccount:kube-system:${sa}` : ''}`,
  });
  await manager.informers.synced();
  const settle = async () => {
    for (let quiet = 0; quiet < 3; ) {
      for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
      if (manager.idle()) quiet++;
      else quiet = 0;
    }
    await manager.flushEvents();
  };
  return {
    ...app,
    client: base,
    manager,
    kubelets,
    settle,
    async advance(ms) {
      app.clock.advance(ms);
      await settle();
    },
    async stop() {
      await manager.stop();
      await app.stop();
    },
  };
}
