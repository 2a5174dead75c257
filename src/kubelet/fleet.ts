// All fake kubelets of the process, one per simulated node: each registers its Node, renews its
// Lease in kube-node-lease, reports node status, and runs the pods bound to it (pod-runtime.ts),
// writing their status as a real kubelet does and removing them once a deletion has stopped
// their containers. The API server reaches them through `connections` (logs, exec, attach,
// port-forward), which answers as an unreachable kubelet until the fleet runs.
import { createHash } from 'node:crypto';
import { PassThrough, type Duplex } from 'node:stream';
import type { ResourceClient } from '../client/local-client.js';
import { isConflict, isNotFound } from '../client/local-client.js';
import type { ControllerContext, ControllerDefinition, ReconcileResult } from '../controllers/runtime/controller.js';
import type { EventRecorder } from '../controllers/runtime/event-recorder.js';
import { objectKey, splitKey } from '../controllers/runtime/informer.js';
import type { ConfigMap, Lease, Node, PersistentVolumeClaim, Pod, Secret } from '../machinery/api-types.js';
import { nodeNames, type ClusterConfig } from '../machinery/cluster-config.js';
import type { KubeObject } from '../machinery/object.js';
import { KubeletError, connectionsThrough, type ContainerStreams, type ExecOptions, type ExecOutcome, type LogOptions, type NodeConnections } from '../machinery/node-connection.js';
import { ContainerConfigError, containerView } from './container-view.js';
import { runInContainer } from './exec-shell.js';
import { openPodPort } from './port-forward-responder.js';
import { HttpResponder } from './http-responder.js';
import { kubeletAnswer, kubeletPort } from './kubelet-server.js';
import { podStatus } from './kubelet-status.js';
import { format } from './log-buffer.js';
import { kubeletVersion, nodeForRegistration, nodeStatus, simulatedNodes, type SimulatedNode } from './node-object.js';
import { normalizeImage, PodRuntime, type RuntimeEnvironment } from './pod-runtime.js';
import { imageGlob, podOverrides } from './pod-overrides.js';
import { jsonEqual } from '../machinery/json-equal.js';
import type { Stage } from './stages/stage.js';
import { StageRunner } from './stages/stage-runner.js';
import { kwokControllerUser } from '../controllers/runtime/identities.js';

export interface KubeletFleet {
  definition: ControllerDefinition;
  connections: NodeConnections;
  nodes: readonly SimulatedNode[];
}

const nodeIndex = 'spec.nodeName';
/** `kubectl annotate node <n> kubemu.dev/kubelet=stopped` stops a node's kubelet (no leases, status or pods); removing it starts it again. */
export const kubeletStateAnnotation = 'kubemu.dev/kubelet';
const leaseNamespace = 'kube-node-lease';
const leaseDurationSeconds = 40;

/**
 * `stages`: kwok Stages for Pods. When there are any, they run every pod on these nodes in place
 * of the built-in container simulation (as kwok's stages replace its defaults).
 */
export function createKubeletFleet(config: ClusterConfig, stages: readonly Stage[] = []): KubeletFleet {
  const nodes = simulatedNodes(config.nodePools, nodeNames);
  let running: RunningFleet | undefined;
  const fleet = (): RunningFleet => {
    if (!running) throw new KubeletError(503, 'the kubelets are not running', 'ServiceUnavailable');
    return running;
  };
  return {
    nodes,
    definition: {
      name: 'kubelet',
      component: 'kubelet',
      async start(ctx) {
        running = await startFleet(ctx, config, nodes, stages);
        return {
          stop() {
            running?.stop();
            running = undefined;
          },
        };
      },
    },
    connections: connectionsThrough(fleet),
  };
}

interface RunningFleet extends Omit<NodeConnections, 'logs'> {
  logs(namespace: string, pod: string, opts: LogOptions, signal: AbortSignal): Promise<PassThrough>;
  stop(): void;
}

async function startFleet(ctx: ControllerContext, config: ClusterConfig, nodes: readonly SimulatedNode[], stages: readonly Stage[]): Promise<RunningFleet> {
  const byName = new Map(nodes.map((n) => [n.name, n]));
  // Each kubelet calls the API server as its own node (system:node:<name>).
  const nodeClient = (node: string) => ctx.clientFor(node).resource<Node>('', 'v1', 'nodes');
  const leaseClient = (node: string) => ctx.clientFor(node).resource<Lease>('coordination.k8s.io', 'v1', 'leases');
  const podClient = (node: string) => ctx.clientFor(node).resource<Pod>('', 'v1', 'pods');
  const pods = ctx.informers.forResource<Pod>('', 'v1', 'pods');
  pods.addIndex(nodeIndex, (p) => [p.spec?.nodeName ?? '']);
  const configMaps = ctx.informers.forResource<ConfigMap>('', 'v1', 'configmaps');
  const secrets = ctx.informers.forResource<Secret>('', 'v1', 'secrets');
  const claims = ctx.informers.forResource<PersistentVolumeClaim>('', 'v1', 'persistentvolumeclaims');
  const runtimes = new Map<string, PodRuntime>();
  const images = new Map<string, Map<string, number>>();
  const recorders = new Map<string, EventRecorder>();
  const now = () => ctx.clock.now();
  const recorder = (node: string) => {
    let r = recorders.get(node);
    if (!r) recorders.set(node, (r = ctx.recorder('kubelet', node)));
    return r;
  };
  let stopped = false;
  /** Nodes whose kubelet is down: stopped by annotation, or whose Node object was deleted. */
  const down = new Set<string>();
  const isDown = (name: string) => down.has(name);

  // ---------- nodes and leases ----------

  const nodeRef = (name: string): KubeObject => ({ apiVersion: 'v1', kind: 'Node', metadata: { name, uid: name } });

  async function register(node: SimulatedNode): Promise<void> {
    const existing = await nodeClient(node.name).find(undefined, node.name);
    const r = recorder(node.name);
    const ref = nodeRef(node.name);
    r.event(ref, 'Normal', 'Starting', 'Starting kubelet.');
    if (!existing) {
      await nodeClient(node.name).create(undefined, nodeForRegistration(node, now()));
      for (const s of ['NodeHasSufficientMemory', 'NodeHasNoDiskPressure', 'NodeHasSufficientPID']) {
        r.event(ref, 'Normal', s, `Node ${node.name} status is now: ${s}`);
      }
      r.event(ref, 'Normal', 'NodeAllocatableEnforced', 'Updated Node Allocatable limit across pods');
      r.event(ref, 'Normal', 'NodeReady', `Node ${node.name} status is now: NodeReady`);
    } else {
      await reportNodeStatus(node);
    }
    await renewLease(node);
  }

  async function reportNodeStatus(node: SimulatedNode): Promise<void> {
    if (isDown(node.name)) return;
    const pulled = [...(images.get(node.name) ?? new Map<string, number>())].map(([name, size]) => ({ name, size }));
    try {
      await nodeClient(node.name).mutate(undefined, node.name, (current) => ({ ...current, status: nodeStatus(node, current.status, now(), pulled) }), 'status');
    } catch (err) {
      // A deleted Node is not registered again until the kubelet restarts (as a real kubelet).
      if (!isNotFound(err)) throw err;
    }
  }

  async function renewLease(node: SimulatedNode): Promise<void> {
    if (isDown(node.name)) return;
    const renewTime = new Date(now()).toISOString().replace(/Z$/, '000Z');
    try {
      await leaseClient(node.name).mutate(leaseNamespace, node.name, (lease) => ({ ...lease, spec: { ...lease.spec, holderIdentity: node.name, leaseDurationSeconds, renewTime } }));
    } catch (err) {
      if (!isNotFound(err)) throw err;
      const owner = await nodeClient(node.name).find(undefined, node.name);
      await leaseClient(node.name).create(leaseNamespace, {
        apiVersion: 'coordination.k8s.io/v1',
        kind: 'Lease',
        metadata: {
          name: node.name,
          ownerReferences: owner ? [{ apiVersion: 'v1', kind: 'Node', name: node.name, uid: owner.metadata!.uid! }] : undefined,
        },
        spec: { holderIdentity: node.name, leaseDurationSeconds, renewTime },
      });
    }
  }

  await Promise.all(nodes.map((n) => register(n)));

  // A kubelet stopped by annotation, or whose Node is deleted, goes quiet; started again, it reports at once.
  const nodeInformer = ctx.informers.forResource<Node>('', 'v1', 'nodes');
  const nodeChanged = (node: Node, deleted = false) => {
    const name = node.metadata?.name ?? '';
    const sim = byName.get(name);
    if (!sim) return;
    const wasDown = down.has(name);
    const nowDown = deleted || node.metadata?.annotations?.[kubeletStateAnnotation] === 'stopped';
    if (nowDown === wasDown) return;
    if (nowDown) {
      down.add(name);
      ctx.log.info('kubelet stopped', { node: name, reason: deleted ? 'Node deleted' : 'annotation' });
      return;
    }
    down.delete(name);
    ctx.log.info('kubelet started', { node: name });
    void (async () => {
      await reportNodeStatus(sim);
      await renewLease(sim);
    })().catch((err: unknown) => ctx.log.error('kubelet restart failed', { node: name, err: String(err) }));
    for (const pod of pods.byIndex(nodeIndex, name)) loop.enqueue(objectKey(pod));
  };
  nodeInformer.addHandler({ onAdd: (n) => nodeChanged(n), onUpdate: (_o, n) => nodeChanged(n), onDelete: (n) => nodeChanged(n, true) });

  // Heartbeats: every lease renewed on one timer; node status reported when it changes or every few minutes.
  const timers: { cancel(): void }[] = [];
  const every = (ms: number, fn: () => Promise<void>) => {
    const tick = () => {
      if (stopped) return;
      void fn()
        .catch((err: unknown) => ctx.log.error('kubelet heartbeat failed', { err: String(err) }))
        .finally(() => {
          if (!stopped) timers.push(ctx.clock.setTimer(ms, tick));
        });
    };
    timers.push(ctx.clock.setTimer(ms, tick));
  };
  every(config.kubelet.leaseRenewMs, async () => {
    for (const n of nodes) await renewLease(n);
  });
  every(config.kubelet.nodeStatusReportMs, async () => {
    for (const n of nodes) await reportNodeStatus(n);
  });
  const imagesChanged = new Set<string>();
  let imageReport: { cancel(): void } | undefined;
  const reportImagesSoon = (node: string) => {
    imagesChanged.add(node);
    imageReport ??= ctx.clock.setTimer(1000, () => {
      imageReport = undefined;
      const changed = [...imagesChanged];
      imagesChanged.clear();
      void (async () => {
        for (const name of changed) await reportNodeStatus(byName.get(name)!);
      })().catch((err: unknown) => ctx.log.error('reporting node images failed', { err: String(err) }));
    });
  };

  // ---------- pods ----------

  const loop = ctx.reconcileLoop((key) => syncPod(key), { name: 'pods', workers: 10 });
  const enqueue = (pod: Pod) => {
    if (byName.has(pod.spec?.nodeName ?? '')) loop.enqueue(objectKey(pod));
  };
  pods.addHandler({
    onAdd: enqueue,
    onUpdate: (_old, pod) => enqueue(pod),
    onDelete: (pod) => {
      const uid = pod.metadata?.uid ?? '';
      runtimes.delete(uid);
      stagedIPs.delete(uid);
      stageRunner?.forget(uid);
    },
  });
  // A pod waiting for a ConfigMap, Secret or claim to mount tries again when one appears or changes.
  const wakeWaitingPods = (obj: KubeObject) => {
    for (const pod of pods.list(obj.metadata?.namespace ?? '')) {
      const rt = runtimes.get(pod.metadata?.uid ?? '');
      if (byName.has(pod.spec?.nodeName ?? '') && rt && rt.sandboxReadyAt === undefined) loop.enqueue(objectKey(pod));
    }
  };
  for (const informer of [configMaps, secrets, claims] as const) {
    (informer as typeof configMaps).addHandler({ onAdd: wakeWaitingPods, onUpdate: (_o, obj) => wakeWaitingPods(obj) });
  }

  const clusterFailingImages = config.kubelet.failingImages.map(imageGlob);

  function environment(node: SimulatedNode, pod: Pod): RuntimeEnvironment {
    const seed = (what: string) => createHash('sha256').update(what).digest();
    const nodeImages = () => {
      let m = images.get(node.name);
      if (!m) images.set(node.name, (m = new Map()));
      return m;
    };
    const overrides = podOverrides(pod);
    const pattern = overrides.failingImages.length ? [...clusterFailingImages, ...overrides.failingImages] : clusterFailingImages;
    return {
      startDelayMs: () => {
        for (const problem of overrides.problems) recorder(node.name).event(pod, 'Warning', 'InvalidAnnotation', problem);
        if (overrides.startDelayMs !== undefined) return overrides.startDelayMs;
        return config.kubelet.containerStartMs + (config.kubelet.jitterMs ? seed(`${pod.metadata?.uid}/start`).readUInt32BE(0) % (config.kubelet.jitterMs + 1) : 0);
      },
      imageFails: (image) => pattern.some((re) => re.test(image) || re.test(normalizeImage(image))),
      imagePresent: (image) => nodeImages().has(normalizeImage(image)),
      markPulled: (image) => {
        nodeImages().set(normalizeImage(image), imageSize(image));
        reportImagesSoon(node.name);
      },
      unmountable: (p) => unmountable(p),
      allocateIP: () => allocateIP(node),
      emit: (e) => recorder(node.name).event(pod, e.type, e.reason, e.message, e.fieldPath),
      newContainerID: (s) => `containerd://${createHash('sha256').update(`${s}/${now()}`).digest('hex')}`,
      pullMs: (image) => 500 + (seed(image).readUInt32BE(0) % 4000),
      imageSize,
    };
  }

  function imageSize(image: string): number {
    return 5_000_000 + (createHash('sha256').update(normalizeImage(image)).digest().readUInt32BE(0) % 200_000_000);
  }

  function allocateIP(node: SimulatedNode): string | undefined {
    const prefix = node.podCIDR.replace(/\.0\/24$/, '');
    const used = new Set<string>();
    for (const p of pods.byIndex(nodeIndex, node.name)) {
      if (p.status?.podIP && p.status.phase !== 'Succeeded' && p.status.phase !== 'Failed') used.add(p.status.podIP);
      const uid = p.metadata?.uid ?? '';
      const ip = runtimes.get(uid)?.podIP ?? stagedIPs.get(uid);
      if (ip) used.add(ip);
    }
    for (let i = 2; i < 255; i++) if (!used.has(`${prefix}.${i}`)) return `${prefix}.${i}`;
    return undefined;
  }

  /** kubelet's volume manager: the first volume whose source does not exist yet. */
  function unmountable(pod: Pod): string | undefined {
    const ns = pod.metadata?.namespace;
    for (const v of pod.spec?.volumes ?? []) {
      const configMapsNeeded = [
        ...(v.configMap && !v.configMap.optional ? [v.configMap.name ?? ''] : []),
        ...(v.projected?.sources ?? []).filter((s) => s.configMap && !s.configMap.optional).map((s) => s.configMap!.name ?? ''),
      ];
      for (const name of configMapsNeeded) {
        // kube-root-ca.crt is published in every namespace by the root-ca-cert-publisher.
        if (name === 'kube-root-ca.crt') continue;
        if (!configMaps.getByName(ns, name)) return `MountVolume.SetUp failed for volume "${v.name}" : configmap "${name}" not found`;
      }
      const secretsNeeded = [
        ...(v.secret && !v.secret.optional ? [v.secret.secretName ?? ''] : []),
        ...(v.projected?.sources ?? []).filter((s) => s.secret && !s.secret.optional).map((s) => s.secret!.name ?? ''),
      ];
      for (const name of secretsNeeded) {
        if (!secrets.getByName(ns, name)) return `MountVolume.SetUp failed for volume "${v.name}" : secret "${name}" not found`;
      }
      if (v.persistentVolumeClaim) {
        const claim = claims.getByName(ns, v.persistentVolumeClaim.claimName);
        if (!claim) return `Unable to attach or mount volumes: unmounted volumes=[${v.name}], unattached volumes=[${v.name}]: error processing PVC ${ns}/${v.persistentVolumeClaim.claimName}: failed to fetch PVC from API server: persistentvolumeclaims "${v.persistentVolumeClaim.claimName}" not found`;
        if (claim.status?.phase !== 'Bound') return `Unable to attach or mount volumes: unmounted volumes=[${v.name}], unattached volumes=[${v.name}]: error processing PVC ${ns}/${v.persistentVolumeClaim.claimName}: PVC is not bound`;
      }
    }
    return undefined;
  }

  // ---------- pods run by kwok Stages ----------

  /** Pod IPs handed out by stage templates (PodIP, PodIPWith), one per pod uid. */
  const stagedIPs = new Map<string, string>();
  // Stages are kwok's, not a kubelet's: their writes (finalizers, status, deletion) are made as the
  // kwok controller, which kwokctl runs with an admin credential — beyond what a node may do.
  const stagedPods = ctx.client.as({ ...ctx.client.identity, user: kwokControllerUser }).resource<Pod>('', 'v1', 'pods');
  const fleetStartedAt = now();
  const stageRunner =
    stages.length === 0
      ? undefined
      : new StageRunner<Pod>(
          stages,
          {
            now,
            startedAt: fleetStartedAt,
            kubeletVersion,
            nodeIP: (name) => byName.get(name)?.internalIP ?? '',
            podIP: (nodeName, hostNetwork, uid) => {
              const node = byName.get(nodeName);
              if (!node) return '';
              if (hostNetwork) return node.internalIP;
              let ip = stagedIPs.get(uid);
              if (!ip) {
                ip = allocateIP(node) ?? '';
                if (ip) stagedIPs.set(uid, ip);
              }
              return ip;
            },
          },
          {
            setFinalizers: async (pod, finalizers) => ignoreGone(stagedPods.patch(pod.metadata?.namespace, pod.metadata?.name ?? '', 'merge', { metadata: { uid: pod.metadata?.uid, finalizers } })),
            patchStatus: async (pod, status) => ignoreGone(stagedPods.patch(pod.metadata?.namespace, pod.metadata?.name ?? '', 'strategic', { metadata: { uid: pod.metadata?.uid }, status }, { subresource: 'status' })),
            delete: async (pod) => {
              await ignoreGone(stagedPods.delete(pod.metadata?.namespace, pod.metadata?.name ?? '', { gracePeriodSeconds: 0, preconditions: { uid: pod.metadata?.uid } }));
            },
            event: (pod, type, reason, message) => recorder(pod.spec?.nodeName ?? '').event(pod, type as 'Normal' | 'Warning', reason, message),
            failed: (pod, stage, message) => {
              ctx.log.error('stage failed', { pod: objectKey(pod), stage: stage.name, err: message });
              recorder(pod.spec?.nodeName ?? '').event(pod, 'Warning', 'FailedStage', message);
            },
          },
        );

  async function syncPod(key: string): Promise<ReconcileResult | void> {
    const { namespace, name } = splitKey(key);
    const pod = pods.getByName(namespace, name);
    if (!pod) return;
    const node = byName.get(pod.spec?.nodeName ?? '');
    if (!node || isDown(node.name)) return;
    if (stageRunner) {
      const waitMs = await stageRunner.sync(pod, now());
      if (waitMs !== undefined) return { requeueAfterMs: waitMs };
      return;
    }
    const uid = pod.metadata?.uid ?? '';
    let rt = runtimes.get(uid);
    if (!rt) {
      rt = pod.status?.startTime ? PodRuntime.restore(pod, now()) : new PodRuntime(pod);
      runtimes.set(uid, rt);
    }
    const t = now();
    rt.advance(pod, t, environment(node, pod));
    const status = podStatus(pod, rt, { hostIP: node.internalIP }, t);
    if (!jsonEqual(pod.status, status)) await writeStatus(podClient(node.name), pod, status);
    if (pod.metadata?.deletionTimestamp && rt.allStopped()) {
      // Everything stopped: the kubelet removes the pod (grace period 0, this very pod only).
      try {
        await podClient(node.name).delete(namespace, name, { gracePeriodSeconds: 0, preconditions: { uid } });
      } catch (err) {
        if (!isNotFound(err) && !(err instanceof Error && /Precondition failed/.test(err.message))) throw err;
      }
      runtimes.delete(uid);
      return;
    }
    const next = rt.nextWakeAt(pod, t);
    if (next !== undefined) return { requeueAfterMs: Math.max(0, next - now()) };
  }

  // ---------- logs ----------

  async function logs(namespace: string, podName: string, opts: LogOptions, signal: AbortSignal): Promise<PassThrough> {
    const pod = pods.getByName(namespace, podName);
    if (!pod || !byName.has(pod.spec?.nodeName ?? '')) throw new KubeletError(404, `pods "${podName}" not found`, 'NotFound');
    const waiting = (reason: string) => new KubeletError(400, `container "${opts.container}" in pod "${podName}" is waiting to start: ${reason}`);
    if (stageRunner) {
      // Stages write status only: a started container has run, but printed nothing.
      const state = stagedContainerState(pod, opts.container);
      if (!state?.running && !state?.terminated) throw waiting(state?.waiting?.reason ?? 'ContainerCreating');
      const out = new PassThrough();
      out.end();
      return out;
    }
    const run = runtimes.get(pod.metadata?.uid ?? '')?.run(opts.container);
    if (!run) throw waiting('ContainerCreating');
    const buffer = opts.previous ? run.previousLogs : run.logs;
    if (!buffer) {
      if (opts.previous) throw new KubeletError(400, `previous terminated container "${opts.container}" in pod "${podName}" not found`);
      throw waiting(run.waitingReason || 'ContainerCreating');
    }
    const since = opts.sinceTime ? Date.parse(opts.sinceTime) : opts.sinceSeconds !== undefined ? now() - opts.sinceSeconds * 1000 : undefined;
    const out = new PassThrough();
    let budget = opts.limitBytes ?? Infinity;
    const write = (text: string) => {
      if (budget <= 0) return;
      const bytes = Buffer.from(text);
      out.write(bytes.subarray(0, budget));
      budget -= bytes.length;
      if (budget <= 0) out.end();
    };
    write(buffer.read({ tailLines: opts.tailLines, since, timestamps: opts.timestamps }));
    if (!opts.follow || buffer.isClosed() || budget <= 0) {
      out.end();
      return out;
    }
    const unfollow = buffer.follow((line) => {
      if (!line) out.end();
      else write(format(line, opts.timestamps));
    });
    const finish = () => {
      unfollow();
      out.end();
    };
    signal.addEventListener('abort', finish, { once: true });
    out.once('close', () => {
      unfollow();
      signal.removeEventListener('abort', finish);
    });
    return out;
  }

  // ---------- exec, attach, port-forward ----------

  /** The pod and its running container, or the error a kubelet gives. */
  function runningContainer(namespace: string, podName: string, container: string): { pod: Pod; rt: PodRuntime; run: NonNullable<ReturnType<PodRuntime['run']>> } {
    const pod = pods.getByName(namespace, podName);
    if (!pod || !byName.has(pod.spec?.nodeName ?? '')) throw new KubeletError(404, `pod "${podName}" not found`, 'NotFound');
    const rt = runtimes.get(pod.metadata?.uid ?? '');
    const run = rt?.run(container);
    if (!rt || !run || run.state !== 'running') throw new KubeletError(400, `container not found ("${container}")`);
    return { pod, rt, run };
  }

  /** A pod run by Stages whose status says this container is running. */
  function stagedRunningPod(namespace: string, podName: string, container: string): Pod {
    const pod = pods.getByName(namespace, podName);
    if (!pod || !byName.has(pod.spec?.nodeName ?? '')) throw new KubeletError(404, `pod "${podName}" not found`, 'NotFound');
    if (!stagedContainerState(pod, container)?.running) throw new KubeletError(400, `container not found ("${container}")`);
    return pod;
  }

  async function view(pod: Pod, container: string) {
    try {
      return await containerView(pod, container, ctx.clientFor(pod.spec?.nodeName ?? ''));
    } catch (err) {
      if (err instanceof ContainerConfigError) throw new KubeletError(400, `container ${container} is not running: ${err.message}`);
      throw err;
    }
  }

  async function exec(namespace: string, podName: string, opts: ExecOptions, streams: ContainerStreams, signal: AbortSignal): Promise<ExecOutcome> {
    const pod = stageRunner ? stagedRunningPod(namespace, podName, opts.container) : runningContainer(namespace, podName, opts.container).pod;
    return runInContainer(opts.command, await view(pod, opts.container), { ...streams, tty: opts.tty }, signal, { clock: ctx.clock });
  }

  /**
   * Attaching to the main process: an interactive shell (a container run with stdin, such as
   * `kubectl run -it … -- sh`) takes the input, and its exit ends the container; any other
   * process shows its output from now on until the client goes or the container stops.
   */
  async function attach(namespace: string, podName: string, opts: ExecOptions, streams: ContainerStreams, signal: AbortSignal): Promise<ExecOutcome> {
    if (stageRunner) {
      stagedRunningPod(namespace, podName, opts.container);
      throw new KubeletError(400, `container ${opts.container}: attach is not available for pods run by kwok Stages (they have no simulated process)`);
    }
    const { pod, rt, run } = runningContainer(namespace, podName, opts.container);
    const argv = [...(run.spec.command ?? []), ...(run.spec.args ?? [])];
    const shell = argv.length === 0 || /(^|\/)(ba|a|da|z)?sh$/.test(argv[0] ?? '');
    if (run.spec.stdin && shell && run.script?.runsForever) {
      const outcome = await runInContainer(['sh'], await view(pod, opts.container), { ...streams, tty: opts.tty }, signal, { clock: ctx.clock });
      if (!signal.aborted && rt.finishProcess(opts.container, outcome.exitCode, now())) loop.enqueue(objectKey(pod));
      return outcome;
    }
    await new Promise<void>((resolve) => {
      const unfollow = run.logs?.follow((line) => {
        if (!line) return done();
        (line.stream === 'stderr' && streams.stderr ? streams.stderr : streams.stdout)?.write(`${line.text}\n`);
      });
      function done() {
        unfollow?.();
        signal.removeEventListener('abort', done);
        resolve();
      }
      signal.addEventListener('abort', done, { once: true });
      if (!run.logs) done();
    });
    return { exitCode: 0 };
  }

  async function portForward(namespace: string, podName: string, port: number, signal: AbortSignal): Promise<Duplex> {
    const pod = pods.getByName(namespace, podName);
    if (!pod || !byName.has(pod.spec?.nodeName ?? '')) throw new KubeletError(404, `pod "${podName}" not found`, 'NotFound');
    const conn = openPodPort(pod, port, { clock: ctx.clock });
    const onAbort = () => conn.destroy();
    signal.addEventListener('abort', onAbort, { once: true });
    conn.once('close', () => signal.removeEventListener('abort', onAbort));
    return conn;
  }

  // The kubelet's HTTPS port; a stopped kubelet, like any other port of the node, refuses.
  async function dialNode(nodeName: string, port: number, signal: AbortSignal): Promise<Duplex> {
    if (!byName.has(nodeName) || isDown(nodeName) || port !== kubeletPort) throw new KubeletError(503, 'connection refused', 'ServiceUnavailable');
    const conn = new HttpResponder((request) => kubeletAnswer(request, { pods: () => pods.byIndex(nodeIndex, nodeName) }), ctx.clock);
    const onAbort = () => conn.destroy();
    signal.addEventListener('abort', onAbort, { once: true });
    conn.once('close', () => signal.removeEventListener('abort', onAbort));
    return conn;
  }

  return {
    logs,
    exec,
    attach,
    portForward,
    dialNode,
    stop() {
      stopped = true;
      for (const t of timers) t.cancel();
      imageReport?.cancel();
    },
  };
}

function stagedContainerState(pod: Pod, container: string) {
  const all = [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])];
  return all.find((c) => c.name === container)?.state;
}

/** The result, or undefined when the object is gone (or was replaced: a uid precondition failed). */
async function ignoreGone<T>(write: Promise<T>): Promise<T | undefined> {
  try {
    return await write;
  } catch (err) {
    if (isNotFound(err) || isConflict(err)) return undefined;
    throw err;
  }
}

async function writeStatus(client: ResourceClient<Pod>, pod: Pod, status: NonNullable<Pod['status']>): Promise<void> {
  try {
    await client.mutate(pod.metadata?.namespace, pod.metadata?.name ?? '', (current) => {
      if (current.metadata?.uid !== pod.metadata?.uid) return current;
      return { ...current, status };
    }, 'status');
  } catch (err) {
    if (!isNotFound(err)) throw err;
  }
}

