// The node lifecycle controller (pkg/controller/nodelifecycle): watches Nodes and their Leases in
// kube-node-lease. A node whose kubelet has been silent (no renewed Lease, no new Ready heartbeat)
// for nodeMonitorGracePeriodSeconds gets Ready/MemoryPressure/DiskPressure/PIDPressure Unknown,
// its pods turn not Ready, and it is tainted node.kubernetes.io/unreachable (NoSchedule at once,
// NoExecute through the per-zone rate limiter, which the taint eviction controller acts on); a
// Ready=False node is tainted not-ready; a node Ready again loses both. When every node of every
// zone is down the controller assumes its own network is at fault and evicts nothing. Conditions
// and spec.unschedulable are mirrored as NoSchedule taints; the beta OS/arch labels are kept.
//
// Upstream polls every node every 5 s; here each node is looked at when it or its Lease changes,
// and again at the moment it would go silent (a delayed key on the controller clock).
import { isConflict } from '../../client/local-client.js';
import type { Definition, Node, Pod } from '../../machinery/api-types.js';
import { hasTaint } from '../../machinery/taints.js';
import type { ControllerContext, ControllerDefinition, ReconcileResult } from '../runtime/controller.js';
import { objectKey, splitKey } from '../runtime/informer.js';
import { podsByNode } from '../workload/pods-by-node.js';
import { markPodsNotReady } from './mark-pods-not-ready.js';
import { assessNodeHealth, nodeCondition, type HealthVerdict, type NodeCondition, type NodeHealth } from './node-health.js';
import { noScheduleTaintChanges, notReadyTaint, reconcileNodeLabels, removeNodeTaints, swapNodeTaints, unreachableTaint } from './node-taints.js';
import { computeZoneState, evictionLimiterQps, largeClusterThreshold, secondaryEvictionLimiterQps, zoneKey, ZoneTainter, type ZoneState } from './zone-tainter.js';

type Lease = Definition<'io.k8s.api.coordination.v1.Lease'>;

export const nodeLeaseNamespace = 'kube-node-lease';
/** kube-controller-manager's --node-startup-grace-period. */
const nodeStartupGracePeriodMs = 60_000;
/** NodeHealthUpdateRetry: attempts at writing a node's status over conflicts. */
const healthUpdateAttempts = 5;
/** Nodes with this label are left out of zone disruption counts. */
const disruptionExclusionLabel = 'node.kubernetes.io/exclude-disruption';
const disruptionKey = 'disruption';
const taintKeyPrefix = 'taint/';

export const nodeLifecycleController: ControllerDefinition = {
  name: 'nodelifecycle',
  serviceAccount: 'node-controller',
  aliases: ['node-lifecycle-controller'],
  start: startNodeLifecycleController,
};

function startNodeLifecycleController(ctx: ControllerContext) {
  const grace = {
    monitorMs: (ctx.cluster?.nodeLifecycle.nodeMonitorGracePeriodSeconds ?? 40) * 1000,
    startupMs: nodeStartupGracePeriodMs,
  };
  const nodes = ctx.informers.forResource<Node>('', 'v1', 'nodes');
  const leases = ctx.informers.forResource<Lease>('coordination.k8s.io', 'v1', 'leases');
  const pods = ctx.informers.forResource<Pod>('', 'v1', 'pods');
  const podsOnNode = podsByNode(pods);
  const nodeClient = ctx.client.resource<Node>('', 'v1', 'nodes');
  const podClient = ctx.client.resource<Pod>('', 'v1', 'pods');
  const recorder = ctx.recorder('node-controller');
  const now = () => ctx.clock.now();

  /** Nodes the controller has registered (RegisteredNode), with their uid. */
  const known = new Map<string, string>();
  const healths = new Map<string, NodeHealth>();
  /** Nodes whose pods still have to be marked not ready. */
  const nodesToRetry = new Set<string>();
  const zoneStates = new Map<string, ZoneState>();
  const tainters = new Map<string, ZoneTainter>();
  /** The Ready status each node had when zones were last counted: a change recounts them. */
  const countedReady = new Map<string, string>();

  const nodeLoop = ctx.reconcileLoop(syncNode, { name: 'nodes', workers: 8 });
  const podLoop = ctx.reconcileLoop(syncPod, { name: 'pods', workers: 4 });
  // One worker: zone states and the rate limiters change in one place at a time.
  const zoneLoop = ctx.reconcileLoop(syncZones, { name: 'zones', workers: 1 });

  nodes.addHandler({
    onAdd: (n) => nodeLoop.enqueue(n.metadata?.name ?? ''),
    onUpdate: (_old, n) => nodeLoop.enqueue(n.metadata?.name ?? ''),
    onDelete: (n) => {
      nodesToRetry.delete(n.metadata?.name ?? '');
      nodeLoop.enqueue(n.metadata?.name ?? '');
    },
  });
  const leaseChanged = (l: Lease) => {
    if (l.metadata?.namespace === nodeLeaseNamespace) nodeLoop.enqueue(l.metadata.name ?? '');
  };
  leases.addHandler({ onAdd: leaseChanged, onUpdate: (_old, l) => leaseChanged(l), onDelete: leaseChanged });
  pods.addHandler({
    onAdd: (p) => {
      if (p.spec?.nodeName) podLoop.enqueue(objectKey(p));
    },
    onUpdate: (old, p) => {
      if (p.spec?.nodeName && p.spec.nodeName !== old.spec?.nodeName) podLoop.enqueue(objectKey(p));
    },
  });

  function nodeRef(name: string, uid: string | undefined) {
    return { apiVersion: 'v1', kind: 'Node', metadata: { name, uid } };
  }

  function recordNodeEvent(name: string, uid: string | undefined, reason: string, message: string): void {
    recorder.event(nodeRef(name, uid), 'Normal', reason, `Node ${name} event: ${message}`);
  }

  function ensureZone(node: Node): ZoneTainter {
    const zone = zoneKey(node);
    let tainter = tainters.get(zone);
    if (!tainter) {
      tainter = new ZoneTainter(now());
      tainters.set(zone, tainter);
    }
    if (!zoneStates.has(zone)) zoneStates.set(zone, 'Initial');
    return tainter;
  }

  const fresh = (name: string, fallback: Node) => nodes.getByName(undefined, name) ?? fallback;

  async function syncNode(name: string): Promise<ReconcileResult | void> {
    let node = nodes.getByName(undefined, name);
    if (!node) {
      const uid = known.get(name);
      if (uid !== undefined) {
        known.delete(name);
        recordNodeEvent(name, uid, 'RemovingNode', `Removing Node ${name} from Controller`);
      }
      healths.delete(name);
      nodesToRetry.delete(name);
      countedReady.delete(name);
      zoneLoop.enqueue(disruptionKey);
      return;
    }
    ensureZone(node);
    if (!known.has(name)) {
      known.set(name, node.metadata?.uid ?? '');
      recordNodeEvent(name, node.metadata?.uid, 'RegisteredNode', `Registered Node ${name} in Controller`);
      await markNodeAsReachable(node);
      node = fresh(name, node);
    }

    const { add, remove } = noScheduleTaintChanges(node);
    if (add.length || remove.length) {
      await swapNodeTaints(nodeClient, node, add, remove, now());
      node = fresh(name, node);
    }
    await reconcileNodeLabels(nodeClient, node);
    node = fresh(name, node);

    const verdict = await updateNodeHealth(node);
    if (!verdict) return;
    node = fresh(name, node);
    if (verdict.current) {
      await processTaintBasedEviction(node, verdict.observed);
      const becameNotReady = verdict.current.status !== 'True' && verdict.observed.status === 'True';
      if (becameNotReady) {
        recorder.event(nodeRef(name, node.metadata?.uid), 'Normal', 'NodeNotReady', `Node ${name} status is now: NodeNotReady`);
      }
      if (becameNotReady || (nodesToRetry.has(name) && verdict.observed.status !== 'True')) {
        try {
          await markPodsNotReady(podClient, recorder, podsOnNode(name), name, now());
        } catch (err) {
          nodesToRetry.add(name);
          throw err;
        }
      }
    }
    nodesToRetry.delete(name);

    const readyStatus = verdict.current?.status ?? 'None';
    if (countedReady.get(name) !== readyStatus) {
      countedReady.set(name, readyStatus);
      zoneLoop.enqueue(disruptionKey);
    }
    if (verdict.deadline !== undefined) return { requeueAfterMs: Math.max(1, verdict.deadline - now() + 1) };
  }

  // tryUpdateNodeHealth, retried on conflicts with the node as it is now.
  async function updateNodeHealth(start: Node): Promise<HealthVerdict | undefined> {
    let node = start;
    const name = node.metadata?.name ?? '';
    for (let attempt = 1; ; attempt++) {
      const lease = leases.getByName(nodeLeaseNamespace, name);
      const { health, verdict } = assessNodeHealth(healths.get(name), node, lease?.spec?.renewTime, now(), grace);
      healths.set(name, health);
      if (!verdict.update) return verdict;
      try {
        await nodeClient.updateStatus(undefined, verdict.update);
        healths.set(name, verdict.healthAfterUpdate!);
        return verdict;
      } catch (err) {
        if (!isConflict(err) || attempt >= healthUpdateAttempts) throw err;
        const current = await nodeClient.find(undefined, name);
        if (!current) return undefined;
        node = current;
      }
    }
  }

  async function processTaintBasedEviction(node: Node, observed: NodeCondition): Promise<void> {
    switch (observed.status) {
      case 'False':
        // The two NoExecute taints mirror Ready: one replaces the other at once, unthrottled.
        if (hasTaint(node.spec?.taints, unreachableTaint)) await swapNodeTaints(nodeClient, node, [notReadyTaint], [unreachableTaint], now());
        else markNodeForTainting(node, 'False');
        return;
      case 'Unknown':
        if (hasTaint(node.spec?.taints, notReadyTaint)) await swapNodeTaints(nodeClient, node, [unreachableTaint], [notReadyTaint], now());
        else markNodeForTainting(node, 'Unknown');
        return;
      case 'True':
        await markNodeAsReachable(node);
    }
  }

  function markNodeForTainting(node: Node, status: 'False' | 'Unknown'): void {
    const tainter = ensureZone(node);
    const name = node.metadata?.name ?? '';
    const wanted = status === 'False' ? notReadyTaint : unreachableTaint;
    if (!hasTaint(node.spec?.taints, wanted)) tainter.remove(name);
    if (tainter.add(name, node.metadata?.uid ?? '', now())) zoneLoop.enqueue(taintKeyPrefix + zoneKey(node));
  }

  async function markNodeAsReachable(node: Node): Promise<void> {
    await removeNodeTaints(nodeClient, node, [unreachableTaint, notReadyTaint], now());
    ensureZone(node).remove(node.metadata?.name ?? '');
  }

  async function syncPod(key: string): Promise<void> {
    const { namespace, name } = splitKey(key);
    const pod = pods.getByName(namespace, name);
    const nodeName = pod?.spec?.nodeName;
    if (!pod || !nodeName) return;
    const health = healths.get(nodeName);
    if (!health) return; // not looked at yet: the node's own pass marks its pods
    if (!nodes.getByName(undefined, nodeName)) throw new Error(`node ${nodeName} of pod ${key} is not in the cache`);
    if (health.ready && health.ready.status !== 'True') await markPodsNotReady(podClient, recorder, [pod], nodeName, now());
  }

  async function syncZones(key: string): Promise<ReconcileResult | void> {
    if (key === disruptionKey) return handleDisruption();
    const zone = key.slice(taintKeyPrefix.length);
    const tainter = tainters.get(zone);
    if (!tainter) return;
    const wait = await tainter.process(now, async (name) => {
      const node = nodes.getByName(undefined, name);
      if (!node) return { done: true };
      const ready = nodeCondition(node, 'Ready');
      if (!ready) return { done: false, retryAfterMs: 50 };
      if (ready.status !== 'False' && ready.status !== 'Unknown') return { done: true }; // ready again
      const [add, opposite] = ready.status === 'False' ? [notReadyTaint, unreachableTaint] : [unreachableTaint, notReadyTaint];
      try {
        await swapNodeTaints(nodeClient, node, [add], [opposite], now());
        return { done: true };
      } catch (err) {
        ctx.log.error('could not taint node', { node: name, err: err instanceof Error ? err.message : String(err) });
        return { done: false, retryAfterMs: 0 };
      }
    });
    if (wait !== undefined) return { requeueAfterMs: wait };
  }

  function setLimiterInZone(zone: string, size: number, state: ZoneState | undefined): void {
    const tainter = tainters.get(zone);
    if (!tainter || !state || state === 'Initial') return;
    const qps = state === 'Normal' ? evictionLimiterQps : state === 'PartialDisruption' ? (size > largeClusterThreshold ? secondaryEvictionLimiterQps : 0) : evictionLimiterQps;
    tainter.swapLimiter(qps, now());
    zoneLoop.enqueue(taintKeyPrefix + zone);
  }

  // handleDisruption: zone states from the nodes' Ready conditions, and the eviction rate each
  // zone gets from its state.
  async function handleDisruption(): Promise<void> {
    const all = nodes.list();
    const zoneConditions = new Map<string, (NodeCondition | undefined)[]>();
    for (const node of all) {
      if (node.metadata?.labels?.[disruptionExclusionLabel] !== undefined) continue;
      const zone = zoneKey(node);
      let list = zoneConditions.get(zone);
      if (!list) zoneConditions.set(zone, (list = []));
      list.push(nodeCondition(node, 'Ready'));
    }
    const newStates = new Map<string, ZoneState>();
    let allAreFullyDisrupted = true;
    for (const [zone, conditions] of zoneConditions) {
      const { state } = computeZoneState(conditions);
      if (state !== 'FullDisruption') allAreFullyDisrupted = false;
      newStates.set(zone, state);
      if (!zoneStates.has(zone)) zoneStates.set(zone, 'Initial');
    }
    let allWasFullyDisrupted = true;
    for (const [zone, state] of zoneStates) {
      if (!zoneConditions.has(zone)) {
        zoneStates.delete(zone);
        continue;
      }
      if (state !== 'FullDisruption') {
        allWasFullyDisrupted = false;
        break;
      }
    }
    if (allAreFullyDisrupted && allWasFullyDisrupted) return;

    if (allAreFullyDisrupted) {
      ctx.log.info('Controller detected that all Nodes are not-Ready. Entering master disruption mode');
      for (const node of all) await markNodeAsReachable(node);
      for (const zone of zoneStates.keys()) {
        tainters.get(zone)?.swapLimiter(0, now());
        zoneStates.set(zone, 'FullDisruption');
      }
      return;
    }
    if (allWasFullyDisrupted) {
      ctx.log.info('Controller detected that some Nodes are Ready. Exiting master disruption mode');
      // Every node gets a fresh grace period: their silence may have been ours.
      const t = now();
      for (const node of all) {
        const name = node.metadata?.name ?? '';
        const health = healths.get(name);
        if (health) healths.set(name, { ...health, probeTimestamp: t, readyTransitionTimestamp: t });
        nodeLoop.enqueue(name);
      }
      for (const zone of [...zoneStates.keys()]) {
        const state = newStates.get(zone);
        setLimiterInZone(zone, zoneConditions.get(zone)?.length ?? 0, state);
        if (state) zoneStates.set(zone, state);
      }
      return;
    }
    for (const [zone, state] of [...zoneStates]) {
      const next = newStates.get(zone);
      if (!next || state === next) continue;
      ctx.log.info('Controller detected that zone is now in new state', { zone, newState: next });
      setLimiterInZone(zone, zoneConditions.get(zone)?.length ?? 0, next);
      zoneStates.set(zone, next);
    }
  }

  return {
    stop() {
      nodeLoop.stop();
      podLoop.stop();
      zoneLoop.stop();
    },
  };
}
