// The taint eviction controller (pkg/controller/tainteviction): a pod on a node with a NoExecute
// taint it does not tolerate is deleted at once; one that tolerates every such taint, but with
// tolerationSeconds, is deleted once the shortest of them has passed since the controller saw the
// taint (the DefaultTolerationSeconds admission gives every pod 300 s for not-ready and
// unreachable nodes). Removing the taint, or the pod leaving the node, cancels the deletion.
// Before deleting, the pod gets DisruptionTarget=True (DeletionByTaintManager); the delete is an
// ordinary graceful one, which a kubelet of an unreachable node never completes.
import { isNotFound } from '../../client/local-client.js';
import type { Node, Pod } from '../../machinery/api-types.js';
import { disruptionTarget, updatePodCondition } from '../../machinery/pod-conditions.js';
import { matchingTolerations, type NodeTaint, type Toleration } from '../../machinery/taints.js';
import type { ControllerContext, ControllerDefinition, ReconcileResult } from '../runtime/controller.js';
import { objectKey, splitKey } from '../runtime/informer.js';
import { podsByNode } from '../workload/pods-by-node.js';

export const taintEvictionController: ControllerDefinition = {
  name: 'taint-eviction-controller',
  // As kube-controller-manager's: the taint manager keeps using the node controller's account and role.
  serviceAccount: 'node-controller',
  start: startTaintEvictionController,
};

/** Attempts at the condition write and delete of one pod before the deletion is dropped. */
const deleteAttempts = 5;

interface ScheduledEviction {
  createdAt: number;
  fireAt: number;
  /** Fired and done: kept, so the same taint does not schedule it again, until cancelled. */
  done: boolean;
}

/** getMinTolerationTime: 0 for none or any non-positive, -1 (forever) when none has seconds. */
export function minTolerationSeconds(tolerations: readonly Toleration[]): number {
  if (tolerations.length === 0) return 0;
  let min = Infinity;
  for (const t of tolerations) {
    if (t.tolerationSeconds === undefined || t.tolerationSeconds === null) continue;
    if (t.tolerationSeconds <= 0) return 0;
    min = Math.min(min, t.tolerationSeconds);
  }
  return min === Infinity ? -1 : min;
}

function noExecuteTaints(node: Node | undefined): NodeTaint[] {
  return (node?.spec?.taints ?? []).filter((t) => t.effect === 'NoExecute');
}

function startTaintEvictionController(ctx: ControllerContext) {
  const nodes = ctx.informers.forResource<Node>('', 'v1', 'nodes');
  const pods = ctx.informers.forResource<Pod>('', 'v1', 'pods');
  const podsOnNode = podsByNode(pods);
  const podClient = ctx.client.resource<Pod>('', 'v1', 'pods');
  const recorder = ctx.recorder('taint-eviction-controller');
  const now = () => ctx.clock.now();

  /** The NoExecute taints of each tainted node, as last seen. */
  const taintedNodes = new Map<string, NodeTaint[]>();
  /** By pod key ("namespace/name"). */
  const evictions = new Map<string, ScheduledEviction>();

  // Node and pod changes are decided in one loop of one worker (upstream shards both by node onto
  // the same worker, so a pod is never judged against taints older than its node's); the deletes
  // themselves run in their own loop.
  const decisions = ctx.reconcileLoop(decide, { name: 'decisions', workers: 1 });
  const deletions = ctx.reconcileLoop(evict, { name: 'evictions', workers: 8 });

  const sameTaints = (a: NodeTaint[], b: NodeTaint[]) => JSON.stringify(a) === JSON.stringify(b);
  nodes.addHandler({
    onAdd: (n) => decisions.enqueue(`node:${n.metadata?.name ?? ''}`),
    onUpdate: (old, n) => {
      if (!sameTaints(noExecuteTaints(old), noExecuteTaints(n))) decisions.enqueue(`node:${n.metadata?.name ?? ''}`);
    },
    onDelete: (n) => decisions.enqueue(`node:${n.metadata?.name ?? ''}`),
  });
  const podChanged = (old: Pod | undefined, pod: Pod) => {
    if (old && old.spec?.nodeName === pod.spec?.nodeName && JSON.stringify(old.spec?.tolerations ?? []) === JSON.stringify(pod.spec?.tolerations ?? [])) return;
    decisions.enqueue(`pod:${objectKey(pod)}`);
  };
  pods.addHandler({ onAdd: (p) => podChanged(undefined, p), onUpdate: podChanged, onDelete: (p) => decisions.enqueue(`pod:${objectKey(p)}`) });

  function podRef(key: string) {
    const { namespace, name } = splitKey(key);
    return { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace } };
  }

  function cancel(key: string): void {
    const scheduled = evictions.get(key);
    if (!scheduled) return;
    evictions.delete(key);
    if (!scheduled.done) recorder.event(podRef(key), 'Normal', 'TaintManagerEviction', `Cancelling deletion of Pod ${key}`);
  }

  function schedule(key: string, createdAt: number, fireAt: number): void {
    if (evictions.has(key)) return;
    evictions.set(key, { createdAt, fireAt, done: false });
    deletions.enqueueAfter(key, fireAt - now());
  }

  // processPodOnNode
  function judge(key: string, tolerations: readonly Toleration[], taints: readonly NodeTaint[], at: number): void {
    if (taints.length === 0) cancel(key);
    const { allTolerated, used } = matchingTolerations(taints, tolerations);
    if (!allTolerated) {
      cancel(key);
      schedule(key, at, at);
      return;
    }
    const seconds = minTolerationSeconds(used);
    if (seconds < 0) {
      cancel(key);
      return;
    }
    const fireAt = at + seconds * 1000;
    const scheduled = evictions.get(key);
    let createdAt = at;
    if (scheduled) {
      createdAt = scheduled.createdAt;
      // Already due no later than the new tolerations allow: keep it.
      if (createdAt + seconds * 1000 < fireAt) return;
      cancel(key);
    }
    schedule(key, createdAt, createdAt + seconds * 1000);
  }

  async function decide(key: string): Promise<void> {
    if (key.startsWith('node:')) {
      const name = key.slice('node:'.length);
      const node = nodes.getByName(undefined, name);
      if (!node) {
        taintedNodes.delete(name);
        return;
      }
      const taints = noExecuteTaints(node);
      if (taints.length === 0) taintedNodes.delete(name);
      else taintedNodes.set(name, taints);
      const onNode = podsOnNode(name);
      if (taints.length === 0) {
        for (const p of onNode) cancel(objectKey(p));
        return;
      }
      const at = now();
      for (const p of onNode) judge(objectKey(p), p.spec?.tolerations ?? [], taints, at);
      return;
    }
    const podKey = key.slice('pod:'.length);
    const { namespace, name } = splitKey(podKey);
    const pod = pods.getByName(namespace, name);
    if (!pod) {
      cancel(podKey);
      return;
    }
    const nodeName = pod.spec?.nodeName;
    if (!nodeName) return;
    const taints = taintedNodes.get(nodeName);
    if (!taints) return; // untainted, or its node's taints were removed (which cancelled)
    judge(podKey, pod.spec?.tolerations ?? [], taints, now());
  }

  async function evict(key: string): Promise<ReconcileResult | void> {
    const scheduled = evictions.get(key);
    if (!scheduled || scheduled.done) return;
    const wait = scheduled.fireAt - now();
    if (wait > 0) return { requeueAfterMs: wait };
    const { namespace, name } = splitKey(key);
    recorder.event(podRef(key), 'Normal', 'TaintManagerEviction', `Marking for deletion Pod ${key}`);
    let lastError: unknown;
    for (let attempt = 0; attempt < deleteAttempts; attempt++) {
      try {
        await addConditionAndDelete(namespace, name);
        if (evictions.get(key) === scheduled) scheduled.done = true;
        return;
      } catch (err) {
        lastError = err;
      }
    }
    // Dropped, as upstream drops it: the next change of the pod or node schedules it again.
    if (evictions.get(key) === scheduled) evictions.delete(key);
    ctx.log.error('could not delete pod for a NoExecute taint', { pod: key, err: lastError instanceof Error ? lastError.message : String(lastError) });
  }

  async function addConditionAndDelete(namespace: string | undefined, name: string): Promise<void> {
    const pod = await podClient.get(namespace, name);
    const status = structuredClone(pod.status ?? {});
    if (updatePodCondition(status, disruptionTarget('DeletionByTaintManager', 'Taint manager: deleting due to NoExecute taint'), now())) {
      await podClient.mutate(namespace, name, (current) => {
        if (current.metadata?.uid !== pod.metadata?.uid) throw new Error(`pod ${namespace}/${name} was replaced`);
        const next = structuredClone(current);
        updatePodCondition((next.status ??= {}), disruptionTarget('DeletionByTaintManager', 'Taint manager: deleting due to NoExecute taint'), now());
        return next;
      }, 'status');
    }
    try {
      await podClient.delete(namespace, name);
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }

  return {
    stop() {
      decisions.stop();
      deletions.stop();
    },
  };
}
