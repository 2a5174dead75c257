// kube-scheduler's default profile (default-scheduler), one pod at a time: take the next pod from
// the scheduling queue, run the plugins over every node (PreFilter, Filter; Score when more than
// one node fits), and bind it to the best node through pods/binding — or, when none fits, say why
// in a FailedScheduling event and the pod's PodScheduled=False condition and park it until a
// cluster change may help. Pods naming another schedulerName, or a node already, are not ours.
import type { Namespace, Node, Pod, ReplicaSet, Service, StatefulSet } from '../machinery/api-types.js';
import { updatePodCondition, type PodCondition, type PodStatus } from '../machinery/pod-conditions.js';
import { labelSelectorFromObject, labelSelectorFromSet, matchesLabels, type LabelRequirement, type LabelSelector } from '../machinery/selectors/index.js';
import type { ControllerContext, RunningController } from '../controllers/runtime/controller.js';
import { nodeChanges, podChanges, type ClusterEvent } from './cluster-events.js';
import { Diagnosis, fitErrorMessage } from './fit-error.js';
import { CycleState, isRejected, runFilter, runPreFilter, runScore, statusMessage, unresolvable, type ClusterView, type Plugin } from './framework.js';
import type { NodeInfo } from './node-info.js';
import { newPodInfo, podKey, type PodInfo } from './pod-info.js';
import { interPodAffinity } from './plugins/inter-pod-affinity.js';
import { nodeAffinity } from './plugins/node-affinity.js';
import { nodeName } from './plugins/node-name.js';
import { nodePorts } from './plugins/node-ports.js';
import { nodeResourcesBalancedAllocation, nodeResourcesFit } from './plugins/node-resources.js';
import { nodeUnschedulable } from './plugins/node-unschedulable.js';
import { podTopologySpread } from './plugins/pod-topology-spread.js';
import { taintToleration } from './plugins/taint-toleration.js';
import { postFilterMessage } from './post-filter.js';
import { osSeededRandom, type RandomSource } from './random-source.js';
import { SchedulerCache } from './scheduler-cache.js';
import { SchedulingQueue, type QueuedPodInfo } from './scheduling-queue.js';

export const defaultSchedulerName = 'default-scheduler';

/** schedule_one.go's ErrNoNodesAvailable. */
export const noNodesAvailable = 'no nodes available to schedule pods';

/** validation.NoteLengthLimit: longer event messages are cut with " ...". */
const noteLengthLimit = 1024;

export interface SchedulerOptions {
  /** Breaks ties between equally scored nodes (seed it to make placements repeatable). */
  random?: RandomSource;
  /** Back-off of a pod after a failed attempt: 1 s doubling up to 10 s (kube-scheduler's defaults). */
  initialBackoffMs?: number;
  maxBackoffMs?: number;
}

/** The default profile's plugins in kube-scheduler's order (Filter reasons come from the first that rejects). */
export function defaultPlugins(view: ClusterView): Plugin[] {
  return [
    nodeUnschedulable,
    nodeName,
    taintToleration,
    nodeAffinity,
    nodePorts,
    nodeResourcesFit,
    podTopologySpread(view),
    interPodAffinity(view),
    nodeResourcesBalancedAllocation,
  ];
}

/** The outcome of one scheduling attempt. */
type Attempt = { node: string } | { failure: { rejected: boolean; message: string; plugins: ReadonlySet<string> } };

function isTerminal(pod: Pod): boolean {
  return pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed';
}

/** A pod on a node, taking its resources (kube-scheduler's informer leaves finished pods out). */
function isAssigned(pod: Pod): boolean {
  return Boolean(pod.spec?.nodeName) && !isTerminal(pod);
}

/** An unscheduled pod this scheduler is responsible for. */
function isOurs(pod: Pod): boolean {
  return (
    !pod.spec?.nodeName &&
    (pod.spec?.schedulerName ?? defaultSchedulerName) === defaultSchedulerName &&
    !pod.metadata?.deletionTimestamp &&
    !isTerminal(pod)
  );
}

function truncateMessage(message: string): string {
  if (message.length <= noteLengthLimit) return message;
  const suffix = ' ...';
  return message.slice(0, noteLengthLimit - suffix.length) + suffix;
}

/** numFeasibleNodesToFind: in big clusters, stop filtering once enough nodes fit (adaptive percentage). */
function numFeasibleNodesToFind(numAllNodes: number): number {
  if (numAllNodes < 100) return numAllNodes;
  const percentage = Math.max(5, 50 - Math.trunc(numAllNodes / 125));
  return Math.max(100, Math.trunc((numAllNodes * percentage) / 100));
}

export function startScheduler(ctx: ControllerContext, opts: SchedulerOptions = {}): RunningController {
  const pods = ctx.informers.forResource<Pod>('', 'v1', 'pods');
  const nodes = ctx.informers.forResource<Node>('', 'v1', 'nodes');
  const namespaces = ctx.informers.forResource<Namespace>('', 'v1', 'namespaces');
  const services = ctx.informers.forResource<Service>('', 'v1', 'services');
  const replicationControllers = ctx.informers.forResource('', 'v1', 'replicationcontrollers');
  const replicaSets = ctx.informers.forResource<ReplicaSet>('apps', 'v1', 'replicasets');
  const statefulSets = ctx.informers.forResource<StatefulSet>('apps', 'v1', 'statefulsets');
  const podClient = ctx.client.resource<Pod>('', 'v1', 'pods');
  const recorder = ctx.recorder(defaultSchedulerName);
  const random = opts.random ?? osSeededRandom();
  const cache = new SchedulerCache();

  const view: ClusterView = {
    namespaceLabels: (namespace) => namespaces.getByName(undefined, namespace)?.metadata?.labels,
    defaultSpreadSelector: (pod) => defaultSpreadSelector(pod),
  };
  const plugins = defaultPlugins(view);
  const byName = new Map(plugins.map((p) => [p.name, p]));

  const loop = ctx.reconcileLoop(() => scheduleNext(), { workers: 1, name: 'scheduling' });
  const queue = new SchedulingQueue({
    clock: ctx.clock,
    wake: () => loop.enqueue('next'),
    hint: (plugin, event, pod) => byName.get(plugin)?.isSchedulableAfter?.(event, pod) ?? false,
    initialBackoffMs: opts.initialBackoffMs,
    maxBackoffMs: opts.maxBackoffMs,
  });
  /** Where the last search started (nextStartNodeIndex), so every node gets its turn in big clusters. */
  let nextStartNodeIndex = 0;

  nodes.addHandler({
    onAdd(node) {
      cache.setNode(node);
      queue.moveAll({ type: 'NodeAdd', node });
    },
    onUpdate(oldNode, node) {
      cache.setNode(node);
      const changes = nodeChanges(oldNode, node);
      if (changes) queue.moveAll({ type: 'NodeUpdate', oldNode, node, changes });
    },
    onDelete(node) {
      cache.removeNode(node);
      queue.moveAll({ type: 'NodeDelete', node });
    },
  });

  pods.addHandler({
    onAdd: (pod) => podChanged(undefined, pod),
    onUpdate: (oldPod, pod) => podChanged(oldPod, pod),
    onDelete: (pod) => podChanged(pod, undefined),
  });

  /** Routes a pod change to the cache (assigned pods) and to the queue (unscheduled pods). */
  function podChanged(oldPod: Pod | undefined, pod: Pod | undefined): void {
    const wasAssigned = oldPod !== undefined && isAssigned(oldPod);
    const assigned = pod !== undefined && isAssigned(pod);
    let event: ClusterEvent | undefined;
    if (assigned) {
      cache.setPod(pod);
      if (!wasAssigned) event = { type: 'AssignedPodAdd', pod };
      else {
        const changes = podChanges(oldPod!, pod);
        if (changes.labels || changes.scaleDown) event = { type: 'AssignedPodUpdate', oldPod: oldPod!, pod, changes };
      }
    } else if (wasAssigned) {
      cache.removePod(oldPod!);
      event = { type: 'AssignedPodDelete', pod: oldPod! };
    }

    const wasOurs = oldPod !== undefined && isOurs(oldPod);
    const ours = pod !== undefined && isOurs(pod);
    if (ours) {
      if (wasOurs) queue.update(oldPod, pod);
      else queue.add(pod);
    } else if (wasOurs) queue.delete(podKey(oldPod!));

    if (event) queue.moveAll(event);
  }

  function defaultSpreadSelector(pod: Pod): LabelSelector {
    const namespace = pod.metadata?.namespace ?? '';
    const labels = pod.metadata?.labels ?? {};
    let set: Record<string, string> = {};
    for (const svc of services.list(namespace)) {
      const selector = svc.spec?.selector;
      if (selector == null) continue;
      if (matchesLabels(labelSelectorFromSet(selector), labels)) set = { ...set, ...selector };
    }
    const extra: LabelRequirement[] = [];
    const owner = pod.metadata?.ownerReferences?.find((r) => r.controller);
    if (owner?.apiVersion === 'v1' && owner.kind === 'ReplicationController') {
      const rc = replicationControllers.getByName(namespace, owner.name);
      const selector = (rc?.spec as { selector?: Record<string, string> } | undefined)?.selector;
      if (rc) set = { ...set, ...selector };
    } else if (owner?.apiVersion === 'apps/v1' && (owner.kind === 'ReplicaSet' || owner.kind === 'StatefulSet')) {
      const controller = owner.kind === 'ReplicaSet' ? replicaSets.getByName(namespace, owner.name) : statefulSets.getByName(namespace, owner.name);
      try {
        const selector = controller ? labelSelectorFromObject(controller.spec?.selector) : undefined;
        if (selector?.requirements) extra.push(...selector.requirements);
      } catch {
        // An invalid selector adds nothing, as upstream ignores the parse error.
      }
    }
    return { requirements: [...(labelSelectorFromSet(set).requirements ?? []), ...extra] };
  }

  async function scheduleNext(): Promise<void> {
    const q = queue.pop();
    if (q) {
      try {
        await scheduleOne(q);
      } catch (err) {
        // A bug, not a verdict on the pod: log it and retry the pod after an error back-off.
        ctx.log.error('scheduling a pod failed', { pod: q.key, err: err instanceof Error ? err.stack : String(err) });
        await handleFailure(q, { rejected: false, message: err instanceof Error ? err.message : String(err), plugins: new Set() }).catch(() => queue.done(q.key));
      }
    }
    if (queue.hasReady()) loop.enqueue('next');
  }

  async function scheduleOne(q: QueuedPodInfo): Promise<void> {
    const [namespace, name] = splitPodKey(q.key);
    const current = pods.getByName(namespace, name);
    if (!current || !isOurs(current)) {
      queue.done(q.key);
      return;
    }
    q.info = newPodInfo(current);
    const attempt = schedulePod(q.info);
    if ('node' in attempt) {
      // The binding cycle runs beside the next scheduling cycles, as kube-scheduler's goroutine
      // does: the pod is assumed on its node meanwhile and stays in flight in the queue.
      cache.assumePod(current, attempt.node);
      void bind(q, attempt.node).catch((err: unknown) => {
        ctx.log.error('binding a pod failed', { pod: q.key, err: err instanceof Error ? err.stack : String(err) });
        queue.done(q.key);
      });
    } else await handleFailure(q, attempt.failure);
  }

  /** schedulePod: filter, then score when more than one node fits. */
  function schedulePod(pod: PodInfo): Attempt {
    const all = cache.nodes();
    if (all.length === 0) return { failure: { rejected: true, message: noNodesAvailable, plugins: new Set() } };
    const state = new CycleState(pod, all);
    const diagnosis = new Diagnosis();
    const pre = runPreFilter(plugins, state);
    for (const p of pre.pluginsWithNodes) diagnosis.unschedulablePlugins.add(p);
    const fitError = (preFilterCompleted: boolean): Attempt => {
      diagnosis.postFilterMessage = postFilterMessage({ pod, diagnosis, nodes: all, plugins, preFilterCompleted });
      return { failure: { rejected: true, message: fitErrorMessage(all.length, diagnosis), plugins: diagnosis.unschedulablePlugins } };
    };
    if (pre.status) {
      if (!isRejected(pre.status)) return { failure: { rejected: false, message: statusMessage(pre.status), plugins: new Set() } };
      diagnosis.absentStatus = pre.status;
      diagnosis.preFilterMessage = statusMessage(pre.status);
      diagnosis.addPluginStatus(pre.status);
      return fitError(pre.status.code === 'Unschedulable');
    }
    let candidates: NodeInfo[] = all;
    if (pre.nodeNames) {
      candidates = all.filter((n) => pre.nodeNames!.has(n.name));
      diagnosis.absentStatus = unresolvable(`node(s) didn't satisfy plugin(s) [${[...pre.pluginsWithNodes].sort().join(' ')}]`);
    }

    const wanted = numFeasibleNodesToFind(candidates.length);
    const feasible: NodeInfo[] = [];
    for (let i = 0; i < candidates.length && feasible.length < wanted; i++) {
      const node = candidates[(nextStartNodeIndex + i) % candidates.length]!;
      const status = runFilter(plugins, state, node);
      if (!status) feasible.push(node);
      else if (status.code === 'Error') return { failure: { rejected: false, message: statusMessage(status), plugins: new Set() } };
      else {
        diagnosis.nodeStatuses.set(node.name, status);
        diagnosis.addPluginStatus(status);
      }
    }
    nextStartNodeIndex = (nextStartNodeIndex + feasible.length + diagnosis.nodeStatuses.size) % all.length;
    if (feasible.length === 0) return fitError(true);
    if (feasible.length === 1) return { node: feasible[0]!.name };

    const totals = runScore(plugins, state, feasible);
    const best = Math.max(...totals.values());
    const ties = feasible.filter((n) => totals.get(n.name) === best);
    return { node: ties[Math.min(ties.length - 1, Math.floor(random() * ties.length))]!.name };
  }

  async function bind(q: QueuedPodInfo, node: string): Promise<void> {
    const pod = q.info.pod;
    const [namespace, name] = splitPodKey(q.key);
    try {
      await podClient.bind(namespace, name, node);
    } catch (err) {
      // Unless the informer has meanwhile seen the pod bound (by someone else), drop the assumption.
      const seen = pods.getByName(namespace, name);
      if (!seen?.spec?.nodeName) cache.forgetPod(pod);
      await handleFailure(q, { rejected: false, message: `running Bind plugin "DefaultBinder": ${err instanceof Error ? err.message : String(err)}`, plugins: new Set() });
      return;
    }
    queue.done(q.key);
    recorder.event(pod, 'Normal', 'Scheduled', `Successfully assigned ${namespace}/${name} to ${node}`);
  }

  /** handleSchedulingFailure: back to the queue, a FailedScheduling event, the PodScheduled condition. */
  async function handleFailure(q: QueuedPodInfo, failure: { rejected: boolean; message: string; plugins: ReadonlySet<string> }): Promise<void> {
    const [namespace, name] = splitPodKey(q.key);
    const current = pods.getByName(namespace, name);
    if (current && isOurs(current)) queue.failed(q, current, failure.plugins, failure.rejected);
    else queue.done(q.key);
    recorder.event(q.info.pod, 'Warning', 'FailedScheduling', truncateMessage(failure.message));
    // Gone, or bound meanwhile by someone else: its PodScheduled condition is no longer ours to set.
    if (!current || current.spec?.nodeName) return;
    const reason = failure.rejected ? 'Unschedulable' : 'SchedulerError';
    try {
      await writeScheduledCondition(current, reason, failure.message);
    } catch (err) {
      ctx.log.error('could not update the PodScheduled condition', { pod: q.key, err: err instanceof Error ? err.message : String(err) });
    }
  }

  /**
   * updatePod: the condition through the status subresource as a strategic merge patch (conditions
   * merge by type), nothing when it is unchanged.
   */
  async function writeScheduledCondition(pod: Pod, reason: string, message: string): Promise<void> {
    const status: PodStatus = structuredClone(pod.status ?? {});
    const previous = status.conditions?.find((c) => c.type === 'PodScheduled');
    const condition: PodCondition = { type: 'PodScheduled', status: 'False', reason, message };
    const generation = pod.metadata?.generation;
    if (generation !== undefined) condition.observedGeneration = generation;
    const changed = updatePodCondition(status, condition, ctx.clock.now()) || previous?.observedGeneration !== condition.observedGeneration;
    if (!changed) return;
    // In a patch a null means "delete": the zero lastProbeTime is left out instead.
    const { lastProbeTime, ...written } = status.conditions!.find((c) => c.type === 'PodScheduled')!;
    await podClient.patch(
      pod.metadata?.namespace,
      pod.metadata?.name ?? '',
      'strategic',
      {
        metadata: { uid: pod.metadata?.uid },
        status: {
          '$setElementOrder/conditions': status.conditions!.map((c) => ({ type: c.type })),
          conditions: [lastProbeTime ? { ...written, lastProbeTime } : written],
        },
      },
      { subresource: 'status' },
    );
  }

  return {
    stop() {
      queue.stop();
    },
  };
}

function splitPodKey(key: string): [string, string] {
  const slash = key.indexOf('/');
  return [key.slice(0, slash), key.slice(slash + 1)];
}
