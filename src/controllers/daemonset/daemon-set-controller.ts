// The DaemonSet controller (pkg/controller/daemon/daemon_controller.go): one daemon pod on every
// node the DaemonSet fits (node-eligibility.ts), pinned there by node affinity for the scheduler
// to bind. A sync records the template as a ControllerRevision, creates missing pods (in
// slow-start batches), deletes surplus, failed (with back-off) and misplaced ones, replaces old
// pods as the update strategy allows (rolling-update.ts), trims history, and writes status.
import { isApiError } from '../../apierrors/index.js';
import { isNotFound } from '../../client/local-client.js';
import type { ControllerRevision, DaemonSet, Node, Pod } from '../../machinery/api-types.js';
import type { KubeObject } from '../../machinery/object.js';
import { labelSelectorFromObject, matchesLabels } from '../../machinery/selectors/index.js';
import type { ControllerContext, ControllerDefinition, ReconcileResult } from '../runtime/controller.js';
import { objectKey, splitKey } from '../runtime/informer.js';
import { claimObjects, newControllerRef } from '../workload/controller-ref.js';
import { controllerUidIndex, indexPodsByController, claimCandidates, indexOrphanPods } from '../workload/pod-indexes.js';
import { controllerLookup, ownedObjectHandler, ownerHandler, recheckWhenAvailable } from '../workload/owned-objects.js';
import { isPodAvailable, isPodReady } from '../workload/pod-status.js';
import { podFromTemplate, podNamePrefix } from '../workload/pod-template.js';
import { byCreationTimestampAndPhase, daemonPodTemplate, isPodTerminal, isPodUpdated, pinToNode, targetNodeName, templateGeneration } from './daemon-pods.js';
import { DaemonSetHistory, daemonSetHashLabel, daemonSetKind } from './daemon-set-history.js';
import { FailedPodBackoff } from './failed-pod-backoff.js';
import { nodeShouldRunDaemonPod } from './node-eligibility.js';
import { allowsSurge, planRollingUpdate } from './rolling-update.js';

type DaemonSetStatus = NonNullable<DaemonSet['status']>;

/** kube-controller-manager creates or deletes at most this many daemon pods per sync. */
const burstReplicas = 250;

export const daemonSetController: ControllerDefinition = {
  name: 'daemonset',
  serviceAccount: 'daemon-set-controller',
  start: startDaemonSetController,
};

function startDaemonSetController(ctx: ControllerContext) {
  const daemonSets = ctx.informers.forResource<DaemonSet>('apps', 'v1', 'daemonsets');
  const pods = ctx.informers.forResource<Pod>('', 'v1', 'pods');
  const nodes = ctx.informers.forResource<Node>('', 'v1', 'nodes');
  const revisions = ctx.informers.forResource<ControllerRevision>('apps', 'v1', 'controllerrevisions');
  indexPodsByController(pods);
  indexOrphanPods(pods);
  const dsClient = ctx.client.resource<DaemonSet>('apps', 'v1', 'daemonsets');
  const podClient = ctx.client.resource<Pod>('', 'v1', 'pods');
  const recorder = ctx.recorder('daemonset-controller');
  const history = new DaemonSetHistory({
    revisions: ctx.client.resource<ControllerRevision>('apps', 'v1', 'controllerrevisions'),
    revisionInformer: revisions,
    daemonSets: dsClient,
    pods: podClient,
  });
  const backoff = new FailedPodBackoff(ctx.clock);
  const loop = ctx.reconcileLoop((key) => sync(key));

  const lookup = controllerLookup(daemonSets, daemonSetKind.kind, (ds) => labelSelectorFromObject(ds.spec?.selector));
  const selectorOf = lookup.selectorOf;
  const enqueue = (ds: DaemonSet | undefined) => ds && loop.enqueue(objectKey(ds));
  daemonSets.addHandler(ownerHandler(enqueue));
  // Pods and revisions: their controller, or for orphans every DaemonSet that might adopt them.
  pods.addHandler(
    ownedObjectHandler<DaemonSet, Pod>(lookup, {
      enqueue,
      updated: recheckWhenAvailable((ds, ms) => loop.enqueueAfter(objectKey(ds), ms)),
    }),
  );
  // A revision the DaemonSet made itself tells it nothing new.
  revisions.addHandler(ownedObjectHandler<DaemonSet, ControllerRevision>(lookup, { enqueue, onAdd: false }));
  nodes.addHandler({
    onAdd(node) {
      for (const ds of daemonSets.list()) if (nodeShouldRunDaemonPod(node, ds).shouldRun) enqueue(ds);
    },
    onUpdate(old, node) {
      // Only labels and taints decide where daemon pods run.
      const same =
        JSON.stringify(old.metadata?.labels ?? {}) === JSON.stringify(node.metadata?.labels ?? {}) &&
        JSON.stringify(old.spec?.taints ?? []) === JSON.stringify(node.spec?.taints ?? []);
      if (same) return;
      for (const ds of daemonSets.list()) {
        const [a, b] = [nodeShouldRunDaemonPod(old, ds), nodeShouldRunDaemonPod(node, ds)];
        if (a.shouldRun !== b.shouldRun || a.shouldContinueRunning !== b.shouldContinueRunning) enqueue(ds);
      }
    },
    onDelete(node) {
      // Upstream leaves pods meant for a deleted node to the next periodic resync (and bound
      // ones to the pod garbage collector); kubemu has neither, so the owners look now.
      const name = node.metadata?.name;
      for (const ds of daemonSets.list()) {
        if (pods.byIndex(controllerUidIndex, ds.metadata?.uid ?? '').some((p) => targetNodeName(p) === name)) enqueue(ds);
      }
    },
  });

  async function sync(key: string): Promise<ReconcileResult | void> {
    const { namespace, name } = splitKey(key);
    const ds = daemonSets.getByName(namespace, name);
    if (!ds) return;
    const selector = selectorOf(ds);
    if (selector === null) {
      ctx.log.error('invalid selector; not syncing', { key });
      return;
    }
    const sel = ds.spec?.selector;
    if (!sel?.matchLabels && !sel?.matchExpressions) {
      recorder.event(ds, 'Warning', 'SelectingAll', 'This daemon set is selecting all pods. A non-empty selector is required.');
      return;
    }
    // While it is being deleted its history may already be gone: nothing reliable to report.
    if (ds.metadata?.deletionTimestamp) return;

    const recheck = async () => {
      const fresh = await dsClient.find(namespace, name);
      return fresh?.metadata?.uid === ds.metadata?.uid ? fresh : undefined;
    };
    const claimPods = () =>
      claimObjects(claimCandidates(pods, ds.metadata?.uid, namespace), {
        owner: ds,
        ownerApiVersion: daemonSetKind.apiVersion,
        ownerKind: daemonSetKind.kind,
        client: podClient,
        matches: (p) => matchesLabels(selector, p.metadata?.labels),
        recheckOwner: recheck,
      });
    const podsByNode = async (includeDeletedTerminal: boolean) => {
      const byNode = new Map<string, Pod[]>();
      for (const pod of await claimPods()) {
        if (!includeDeletedTerminal && isPodTerminal(pod) && pod.metadata?.deletionTimestamp) continue;
        const node = targetNodeName(pod);
        if (node === undefined) continue;
        byNode.set(node, [...(byNode.get(node) ?? []), pod]);
      }
      return byNode;
    };

    backoff.gc();
    const { current, old } = await history.construct(ds, selector, recheck, claimPods);
    const hash = current.metadata?.labels?.[daemonSetHashLabel] ?? '';
    const nodeList = [...nodes.list()].sort((a, b) => ((a.metadata?.name ?? '') < (b.metadata?.name ?? '') ? -1 : 1));
    let requeueAfterMs: number | undefined;
    const requeue = (ms: number) => (requeueAfterMs = Math.min(requeueAfterMs ?? ms, ms));

    let updateError: unknown;
    try {
      await manage(ds, nodeList, hash, await podsByNode(false), requeue);
      if (ds.spec?.updateStrategy?.type === 'RollingUpdate') {
        const plan = planRollingUpdate(ds, nodeList, await podsByNode(false), hash, ctx.clock.now());
        await syncNodes(ds, plan.podsToDelete, plan.nodesToCreate, hash);
      }
      const all = [...(await podsByNode(true)).values()].flat();
      try {
        await history.cleanup(ds, old, all);
      } catch (err) {
        throw new Error(`failed to clean up revisions of DaemonSet: ${err instanceof Error ? err.message : String(err)}`);
      }
    } catch (err) {
      updateError = err;
    }
    const { ready, available } = await updateStatus(ds, nodeList, hash, await podsByNode(false));
    if (updateError) throw updateError;
    const minReady = ds.spec?.minReadySeconds ?? 0;
    if (minReady > 0 && ready !== available) requeue(minReady * 1000);
    if (requeueAfterMs !== undefined) return { requeueAfterMs };
  }

  /** Creates pods where they are missing and deletes the ones that should not be where they are. */
  async function manage(ds: DaemonSet, nodeList: Node[], hash: string, byNode: Map<string, Pod[]>, requeue: (ms: number) => void): Promise<void> {
    const nodesNeeding: string[] = [];
    const toDelete: string[] = [];
    for (const node of nodeList) {
      const plan = podsShouldBeOnNode(node, byNode, ds, hash, requeue);
      nodesNeeding.push(...plan.create);
      toDelete.push(...plan.delete);
    }
    // Pods meant for a node that no longer exists are never scheduled: nothing else removes them.
    const known = new Set(nodeList.map((n) => n.metadata?.name));
    for (const [node, list] of byNode) {
      if (known.has(node)) continue;
      for (const pod of list) if (!pod.spec?.nodeName) toDelete.push(pod.metadata?.name ?? '');
    }
    await syncNodes(ds, toDelete, nodesNeeding, hash);
  }

  function podsShouldBeOnNode(node: Node, byNode: Map<string, Pod[]>, ds: DaemonSet, hash: string, requeue: (ms: number) => void): { create: string[]; delete: string[] } {
    const nodeName = node.metadata?.name ?? '';
    const { shouldRun, shouldContinueRunning } = nodeShouldRunDaemonPod(node, ds);
    const daemonPods = byNode.get(nodeName);
    const create: string[] = [];
    const remove: string[] = [];
    if (shouldRun && !daemonPods) {
      create.push(nodeName);
    } else if (shouldContinueRunning) {
      const running: Pod[] = [];
      for (const pod of daemonPods ?? []) {
        if (pod.metadata?.deletionTimestamp) continue;
        const podName = `${pod.metadata?.namespace}/${pod.metadata?.name}`;
        if (pod.status?.phase === 'Failed') {
          // A kubelet refusing the pod would otherwise make this a hot loop.
          const key = `${ds.metadata?.uid}/${ds.status?.observedGeneration ?? 0}/${nodeName}`;
          if (backoff.inBackoffSinceUpdate(key)) {
            requeue(backoff.get(key));
            continue;
          }
          backoff.next(key);
          recorder.event(ds, 'Warning', 'FailedDaemonPod', `Found failed daemon pod ${podName} on node ${nodeName}, will try to kill it`);
          remove.push(pod.metadata?.name ?? '');
        } else if (pod.status?.phase === 'Succeeded') {
          recorder.event(ds, 'Normal', 'SucceededDaemonPod', `Found succeeded daemon pod ${podName} on node ${nodeName}, will try to delete it`);
          remove.push(pod.metadata?.name ?? '');
        } else running.push(pod);
      }
      running.sort(byCreationTimestampAndPhase);
      if (!allowsSurge(ds)) {
        // One pod per node: the oldest stays.
        for (const pod of running.slice(1)) remove.push(pod.metadata?.name ?? '');
      } else if (running.length <= 1) {
        if (running.length === 0 && shouldRun) create.push(nodeName);
      } else {
        // Surging allows an old and a new pod side by side, until the new one is available.
        let oldestNew: Pod | undefined;
        let oldestOld: Pod | undefined;
        for (const pod of running) {
          const isNew = pod.metadata?.labels?.[daemonSetHashLabel] === hash;
          if (isNew && !oldestNew) oldestNew = pod;
          else if (!isNew && !oldestOld) oldestOld = pod;
          else remove.push(pod.metadata?.name ?? '');
        }
        if (oldestNew && oldestOld) {
          if (!isPodReady(oldestOld) || isPodAvailable(oldestNew, ds.spec?.minReadySeconds ?? 0, ctx.clock.now())) remove.push(oldestOld.metadata?.name ?? '');
        }
      }
    } else if (daemonPods) {
      for (const pod of daemonPods) if (!pod.metadata?.deletionTimestamp) remove.push(pod.metadata?.name ?? '');
    }
    return { create, delete: remove };
  }

  /** Deletes the named pods and creates a pod for each named node, burstReplicas at most of each. */
  async function syncNodes(ds: DaemonSet, podsToDelete: string[], nodesNeeding: string[], hash: string): Promise<void> {
    const namespace = ds.metadata?.namespace;
    const errors: unknown[] = [];
    const createCount = Math.min(nodesNeeding.length, burstReplicas);
    const template = daemonPodTemplate(ds, templateGeneration(ds), hash);
    const ref = newControllerRef(ds, daemonSetKind.apiVersion, daemonSetKind.kind);
    const createOn = async (nodeName: string) => {
      const pod = podFromTemplate(template, podNamePrefix(ds.metadata?.name ?? ''), ref);
      pod.spec ??= { containers: [] };
      pinToNode(pod.spec, nodeName);
      try {
        const created = await podClient.create(namespace, pod);
        recorder.event(ds, 'Normal', 'SuccessfulCreate', `Created pod: ${created.metadata?.name}`);
      } catch (err) {
        if (isApiError(err) && err.status.details?.causes?.some((c) => c.reason === 'NamespaceTerminating')) return;
        recorder.event(ds, 'Warning', 'FailedCreate', `Error creating: ${err instanceof Error ? err.message : String(err)}`);
        throw err;
      }
    };
    // Slow start: batches of 1, 2, 4 … stop at the first batch with a failure.
    for (let pos = 0, batch = Math.min(createCount, 1); pos < createCount; pos += batch, batch = Math.min(2 * batch, createCount - pos)) {
      const results = await Promise.allSettled(nodesNeeding.slice(pos, pos + batch).map(createOn));
      const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failed.length) {
        errors.push(...failed.map((f) => f.reason));
        break;
      }
    }
    const deletions = await Promise.allSettled(
      podsToDelete.slice(0, burstReplicas).map(async (podName) => {
        try {
          await podClient.delete(namespace, podName);
          recorder.event(ds, 'Normal', 'SuccessfulDelete', `Deleted pod: ${podName}`);
        } catch (err) {
          if (isNotFound(err)) return;
          recorder.event(ds, 'Warning', 'FailedDelete', `Error deleting: ${err instanceof Error ? err.message : String(err)}`);
          throw err;
        }
      }),
    );
    for (const d of deletions) if (d.status === 'rejected') errors.push(d.reason);
    if (errors.length === 1) throw errors[0];
    if (errors.length > 1) throw new Error(`[${errors.map((e) => (e instanceof Error ? e.message : String(e))).join(', ')}]`);
  }

  async function updateStatus(ds: DaemonSet, nodeList: Node[], hash: string, byNode: Map<string, Pod[]>): Promise<{ ready: number; available: number }> {
    const now = ctx.clock.now();
    const minReady = ds.spec?.minReadySeconds ?? 0;
    const generation = templateGeneration(ds);
    let desired = 0;
    let current = 0;
    let misscheduled = 0;
    let ready = 0;
    let updated = 0;
    let available = 0;
    for (const node of nodeList) {
      const { shouldRun } = nodeShouldRunDaemonPod(node, ds);
      const daemonPods = byNode.get(node.metadata?.name ?? '') ?? [];
      if (!shouldRun) {
        if (daemonPods.length > 0) misscheduled++;
        continue;
      }
      desired++;
      if (daemonPods.length === 0) continue;
      current++;
      const pod = [...daemonPods].sort(byCreationTimestampAndPhase)[0]!;
      if (isPodReady(pod)) {
        ready++;
        if (isPodAvailable(pod, minReady, now)) available++;
      }
      if (isPodUpdated(pod, hash, generation)) updated++;
    }
    const counts = {
      desiredNumberScheduled: desired,
      currentNumberScheduled: current,
      numberMisscheduled: misscheduled,
      numberReady: ready,
      updatedNumberScheduled: updated,
      numberAvailable: available,
      numberUnavailable: desired - available,
    };
    const old = ds.status;
    const unchanged =
      (Object.keys(counts) as (keyof typeof counts)[]).every((k) => (old?.[k] ?? 0) === counts[k]) &&
      (old?.observedGeneration ?? 0) >= (ds.metadata?.generation ?? 0);
    if (!unchanged) {
      await dsClient.mutate(ds.metadata?.namespace, ds.metadata?.name ?? '', (cur) => {
        if (cur.metadata?.uid !== ds.metadata?.uid) return cur;
        const status: DaemonSetStatus = { ...cur.status!, ...counts, observedGeneration: ds.metadata?.generation };
        return { ...cur, status: goStatus(status) } as KubeObject;
      }, 'status');
    }
    return { ready, available };
  }

  return { stop: () => loop.stop() };
}

/** As Go writes DaemonSetStatus: the four scheduling counters always, the rest only when set. */
function goStatus(status: DaemonSetStatus): DaemonSetStatus {
  const out: DaemonSetStatus = {
    currentNumberScheduled: status.currentNumberScheduled ?? 0,
    numberMisscheduled: status.numberMisscheduled ?? 0,
    desiredNumberScheduled: status.desiredNumberScheduled ?? 0,
    numberReady: status.numberReady ?? 0,
  };
  if (status.observedGeneration) out.observedGeneration = status.observedGeneration;
  if (status.updatedNumberScheduled) out.updatedNumberScheduled = status.updatedNumberScheduled;
  if (status.numberAvailable) out.numberAvailable = status.numberAvailable;
  if (status.numberUnavailable) out.numberUnavailable = status.numberUnavailable;
  if (status.collisionCount !== undefined) out.collisionCount = status.collisionCount;
  if (status.conditions?.length) out.conditions = status.conditions;
  return out;
}
