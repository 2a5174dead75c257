// The disruption controller (pkg/controller/disruption): keeps each PodDisruptionBudget's status
// — expectedPods, desiredHealthy, currentHealthy (Ready pods not being deleted nor just evicted),
// disruptionsAllowed, disruptedPods, observedGeneration and the DisruptionAllowed condition — which
// the eviction subresource reads and decrements. An eviction's disruptedPods entry keeps the pod
// out of currentHealthy until the pod is seen terminating, or for two minutes at most. A budget
// that cannot be computed fails safe: no disruptions allowed (condition reason SyncFailed). It
// also turns a pod's DisruptionTarget condition back to False when, two minutes on, the pod was
// not deleted after all.
import { isConflict } from '../../client/local-client.js';
import type { Deployment, Pod, ReplicaSet, StatefulSet } from '../../machinery/api-types.js';
import {
  disruptionAllowedCondition,
  disruptionConditionsUpToDate,
  setStatusCondition,
  updateDisruptionAllowedCondition,
  type PodDisruptionBudget,
  type PodDisruptionBudgetStatus,
} from '../../machinery/disruption-budget.js';
import type { KubeObject } from '../../machinery/object.js';
import { conditionTime, updatePodCondition } from '../../machinery/pod-conditions.js';
import { labelSelectorFromObject, matchesLabels } from '../../machinery/selectors/index.js';
import type { ControllerContext, ControllerDefinition, ReconcileResult } from '../runtime/controller.js';
import { objectKey, splitKey } from '../runtime/informer.js';
import { isPodReady } from '../workload/pod-status.js';
import { expectedPodCount, labelSelectorString } from './expected-pods.js';

export const disruptionController: ControllerDefinition = {
  name: 'disruption',
  start: startDisruptionController,
};

/** How long an evicted pod may take to show up as terminating before it counts again. */
const deletionTimeoutMs = 2 * 60_000;
/** How long a DisruptionTarget condition may stay on a pod that is not being deleted. */
const stalePodDisruptionTimeoutMs = 2 * 60_000;

function startDisruptionController(ctx: ControllerContext) {
  const pods = ctx.informers.forResource<Pod>('', 'v1', 'pods');
  const budgets = ctx.informers.forResource<PodDisruptionBudget>('policy', 'v1', 'poddisruptionbudgets');
  const listers = {
    replicationControllers: ctx.informers.forResource<KubeObject>('', 'v1', 'replicationcontrollers'),
    replicaSets: ctx.informers.forResource<ReplicaSet>('apps', 'v1', 'replicasets'),
    deployments: ctx.informers.forResource<Deployment>('apps', 'v1', 'deployments'),
    statefulSets: ctx.informers.forResource<StatefulSet>('apps', 'v1', 'statefulsets'),
    client: ctx.client,
  };
  const budgetClient = ctx.client.resource<PodDisruptionBudget>('policy', 'v1', 'poddisruptionbudgets');
  const podClient = ctx.client.resource<Pod>('', 'v1', 'pods');
  const recorder = ctx.recorder('controllermanager');
  const now = () => ctx.clock.now();

  const loop = ctx.reconcileLoop(sync, { name: 'budgets' });
  const staleLoop = ctx.reconcileLoop(syncStalePodDisruption, { name: 'stale-pod-disruption' });

  budgets.addHandler({
    onAdd: (b) => loop.enqueue(objectKey(b)),
    onUpdate: (_old, b) => loop.enqueue(objectKey(b)),
    onDelete: (b) => loop.enqueue(objectKey(b)),
  });
  const podChanged = (pod: Pod, checkStale: boolean) => {
    const pdb = budgetForPod(pod);
    if (pdb) loop.enqueue(objectKey(pdb));
    if (!checkStale) return;
    const wait = staleDisruptionWait(pod);
    if (wait !== undefined) staleLoop.enqueueAfter(objectKey(pod), wait);
  };
  pods.addHandler({
    onAdd: (p) => podChanged(p, true),
    onUpdate: (_old, p) => podChanged(p, true),
    onDelete: (p) => podChanged(p, false),
  });

  function selects(pdb: PodDisruptionBudget, pod: Pod): boolean {
    try {
      // policy/v1: an empty selector selects every pod of the namespace.
      return matchesLabels(labelSelectorFromObject(pdb.spec?.selector), pod.metadata?.labels);
    } catch {
      return false; // an invalid selector selects nothing
    }
  }

  // getPdbForPod: the first matching budget; more than one is the user's mistake, reported.
  function budgetForPod(pod: Pod): PodDisruptionBudget | undefined {
    const matching = budgets.list(pod.metadata?.namespace ?? '').filter((b) => selects(b, pod));
    if (matching.length === 0) return undefined;
    if (matching.length > 1) {
      const msg = `Pod "${pod.metadata?.namespace}"/"${pod.metadata?.name}" matches multiple PodDisruptionBudgets.  Chose "${matching[0]!.metadata?.name}" arbitrarily.`;
      ctx.log.info(msg);
      recorder.event(pod, 'Warning', 'MultiplePodDisruptionBudgets', msg);
    }
    return matching[0];
  }

  async function sync(key: string): Promise<ReconcileResult | void> {
    const { namespace, name } = splitKey(key);
    const pdb = budgets.getByName(namespace, name);
    if (!pdb) return;
    try {
      return await trySync(pdb);
    } catch (err) {
      if (isConflict(err)) throw err;
      ctx.log.error('Failed to sync PDB', { podDisruptionBudget: key, err: err instanceof Error ? err.message : String(err) });
      await failSafe(pdb, err);
    }
  }

  async function trySync(pdb: PodDisruptionBudget): Promise<ReconcileResult | void> {
    const selected = pods.list(pdb.metadata?.namespace ?? '').filter((p) => selects(pdb, p));
    if (selected.length === 0) recorder.event(pdb, 'Normal', 'NoPods', 'No matching pods found');
    let expected;
    try {
      expected = await expectedPodCount(pdb, selected, listers);
    } catch (err) {
      recorder.event(pdb, 'Warning', 'CalculateExpectedPodCountFailed', `Failed to calculate the number of expected pods: ${err instanceof Error ? err.message : String(err)}`);
      throw err;
    }
    if (expected.unmanagedPods.length > 0) {
      recorder.event(
        pdb,
        'Warning',
        'UnmanagedPods',
        `Pods selected by this PodDisruptionBudget (selector: ${labelSelectorString(pdb.spec?.selector)}) were found to be unmanaged. ` +
          'As a result, the status of the PDB cannot be calculated correctly, which may result in undefined behavior. ' +
          'To account for these pods please set ".spec.minAvailable" field of the PDB to an integer value.',
      );
    }
    const t = now();
    const { disruptedPods, recheckAt } = buildDisruptedPodMap(selected, pdb, t);
    const currentHealthy = countHealthyPods(selected, disruptedPods, t);
    await updateStatus(pdb, currentHealthy, expected.desiredHealthy, expected.expectedCount, disruptedPods);
    if (recheckAt !== undefined) return { requeueAfterMs: Math.max(1, recheckAt - t) };
  }

  // Entries of pods not yet seen terminating, dropped once DeletionTimeout has passed.
  function buildDisruptedPodMap(selected: readonly Pod[], pdb: PodDisruptionBudget, t: number): { disruptedPods: Record<string, string>; recheckAt?: number } {
    const previous = pdb.status?.disruptedPods;
    const disruptedPods: Record<string, string> = {};
    let recheckAt: number | undefined;
    if (!previous) return { disruptedPods };
    for (const pod of selected) {
      if (pod.metadata?.deletionTimestamp) continue;
      const at = previous[pod.metadata?.name ?? ''];
      if (at === undefined) continue;
      const expectedDeletion = Date.parse(at) + deletionTimeoutMs;
      if (expectedDeletion < t) {
        // Upstream names the budget by its namespace twice.
        recorder.event(pod, 'Warning', 'NotDeleted', `Pod was expected by PDB ${pdb.metadata?.namespace}/${pdb.metadata?.namespace} to be deleted but it wasn't`);
      } else {
        if (recheckAt === undefined || expectedDeletion < recheckAt) recheckAt = expectedDeletion;
        disruptedPods[pod.metadata?.name ?? ''] = at;
      }
    }
    return { disruptedPods, recheckAt };
  }

  function countHealthyPods(selected: readonly Pod[], disruptedPods: Record<string, string>, t: number): number {
    let healthy = 0;
    for (const pod of selected) {
      if (pod.metadata?.deletionTimestamp) continue;
      const at = disruptedPods[pod.metadata?.name ?? ''];
      if (at !== undefined && Date.parse(at) + deletionTimeoutMs > t) continue;
      if (isPodReady(pod)) healthy++;
    }
    return healthy;
  }

  async function updateStatus(pdb: PodDisruptionBudget, currentHealthy: number, desiredHealthy: number, expectedPods: number, disruptedPods: Record<string, string>): Promise<void> {
    // Nothing is allowed while the budget expects no pods: its first pods would otherwise be
    // unprotected until this controller caught up.
    let disruptionsAllowed = currentHealthy - desiredHealthy;
    if (expectedPods <= 0 || disruptionsAllowed <= 0) disruptionsAllowed = 0;
    const s = pdb.status ?? {};
    const generation = pdb.metadata?.generation ?? 0;
    if (
      (s.currentHealthy ?? 0) === currentHealthy &&
      (s.desiredHealthy ?? 0) === desiredHealthy &&
      (s.expectedPods ?? 0) === expectedPods &&
      (s.disruptionsAllowed ?? 0) === disruptionsAllowed &&
      sameDisruptedPods(s.disruptedPods, disruptedPods) &&
      (s.observedGeneration ?? 0) === generation &&
      disruptionConditionsUpToDate(pdb)
    ) {
      return;
    }
    // In PodDisruptionBudgetStatus's field order; disruptedPods and conditions only when not empty.
    const status: PodDisruptionBudgetStatus = { observedGeneration: generation };
    if (Object.keys(disruptedPods).length) status.disruptedPods = disruptedPods;
    Object.assign(status, { disruptionsAllowed, currentHealthy, desiredHealthy, expectedPods });
    status.conditions = structuredClone(s.conditions ?? []);
    updateDisruptionAllowedCondition(status, conditionTime(now()));
    await writeStatus(pdb, status);
  }

  // failSafe: whatever went wrong, no eviction gets through this budget.
  async function failSafe(pdb: PodDisruptionBudget, err: unknown): Promise<void> {
    const status: PodDisruptionBudgetStatus = { ...structuredClone(pdb.status ?? {}), disruptionsAllowed: 0 };
    status.conditions = structuredClone(status.conditions ?? []);
    setStatusCondition(
      status.conditions,
      {
        type: disruptionAllowedCondition,
        status: 'False',
        reason: 'SyncFailed',
        message: err instanceof Error ? err.message : String(err),
        observedGeneration: status.observedGeneration,
      },
      conditionTime(now()),
    );
    await writeStatus(pdb, status);
  }

  // One attempt, with the resourceVersion read: a conflict is retried by the loop.
  async function writeStatus(pdb: PodDisruptionBudget, status: PodDisruptionBudgetStatus): Promise<void> {
    await budgetClient.updateStatus(pdb.metadata?.namespace, { ...pdb, status } as PodDisruptionBudget);
  }

  // nonTerminatingPodHasStaleDisruptionCondition: the wait until the condition is stale, if it may become so.
  function staleDisruptionWait(pod: Pod): number | undefined {
    if (pod.metadata?.deletionTimestamp) return undefined;
    const cond = pod.status?.conditions?.find((c) => c.type === 'DisruptionTarget');
    const phase = pod.status?.phase;
    // The kubelet's own disruption conditions can precede deletion by any time; terminal pods keep theirs.
    if (!cond || cond.status !== 'True' || cond.reason === 'TerminationByKubelet' || phase === 'Succeeded' || phase === 'Failed') return undefined;
    const since = Date.parse(cond.lastTransitionTime ?? '') || 0;
    return Math.max(0, stalePodDisruptionTimeoutMs - (now() - since));
  }

  async function syncStalePodDisruption(key: string): Promise<ReconcileResult | void> {
    const { namespace, name } = splitKey(key);
    const pod = pods.getByName(namespace, name);
    if (!pod) return;
    const wait = staleDisruptionWait(pod);
    if (wait === undefined) return;
    if (wait > 0) return { requeueAfterMs: wait };
    const next = structuredClone(pod);
    if (!updatePodCondition((next.status ??= {}), { type: 'DisruptionTarget', status: 'False' }, now())) return;
    await podClient.updateStatus(namespace, next);
    ctx.log.info('Reset stale DisruptionTarget condition to False', { pod: key });
  }

  return {
    stop() {
      loop.stop();
      staleLoop.stop();
    },
  };
}

function sameDisruptedPods(a: Record<string, string> | undefined, b: Record<string, string>): boolean {
  const ka = Object.keys(a ?? {});
  if (ka.length !== Object.keys(b).length) return false;
  return ka.every((k) => b[k] === a![k]);
}
