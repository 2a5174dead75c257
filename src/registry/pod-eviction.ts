// pods/eviction (kube-apiserver's EvictionREST): a delete that honours the PodDisruptionBudget
// covering the pod. A pod that is not running (terminal, pending, already terminating) goes at
// once; otherwise the one matching budget must allow a disruption, which is taken from it
// (disruptionsAllowed decremented, the pod listed in disruptedPods) in the same request, before the
// pod gets the DisruptionTarget condition and is deleted. Refusals are the 429s clients retry.
import { ApiError, conflict, forbidden, isApiError, notFound, tooManyRequests } from '../apierrors/index.js';
import type { Pod } from '../machinery/api-types.js';
import { updateDisruptionAllowedCondition, type PodDisruptionBudget } from '../machinery/disruption-budget.js';
import { conditionTime, disruptionTarget, updatePodCondition } from '../machinery/pod-conditions.js';
import { isLabelSelectorEmpty, labelSelectorFromObject, matchesLabels } from '../machinery/selectors/index.js';
import type { KubeObject } from '../machinery/object.js';
import type { Registry } from './registry.js';
import type { DeleteOptions, WriteOptions } from './request-options.js';
import type { ResourceStore } from './store.js';

export interface EvictionRequest {
  /** The Eviction's deleteOptions. */
  deleteOptions: DeleteOptions;
  /** dryRun=All, from the request or the Eviction's deleteOptions (they must agree). */
  dryRun: boolean;
}

/** More evictions than this waiting for the disruption controller make the budget refuse more. */
const maxDisruptedPods = 2000;
/** client-go's EvictionsRetry: attempts on conflicts with other writers. */
const conflictAttempts = 20;
const evictionRefused = "Cannot evict pod as it would violate the pod's disruption budget.";

/** Evicts the pod, or throws the ApiError kube-apiserver answers with. */
export async function evictPod(registry: Registry, namespace: string, name: string, request: EvictionRequest, opts: WriteOptions): Promise<void> {
  const catalogue = registry.deps.catalogue;
  const pods = registry.store(catalogue.lookup('', 'v1', 'pods')!);
  const budgets = registry.store(catalogue.lookup('policy', 'v1', 'poddisruptionbudgets')!);
  const now = () => registry.deps.clock.now();
  const original = request.deleteOptions;
  const pinned = original.preconditions?.resourceVersion !== undefined;
  const remove = (options: DeleteOptions) => addConditionAndDelete(pods, namespace, name, options, request.dryRun, opts, now());

  // A pod that is not running disrupts nothing more by going: no budget is consulted. Its
  // resourceVersion is pinned so that it cannot start running (and count) in between.
  let pod: Pod;
  for (let attempt = 1; ; attempt++) {
    pod = (await pods.get(namespace, name)).copy() as Pod;
    if (!canIgnoreBudget(pod)) break;
    const options = shouldPinResourceVersion(pod) && !pinned ? withResourceVersion(original, pod.metadata?.resourceVersion) : original;
    try {
      await remove(options);
      return;
    } catch (err) {
      if (isConflictError(err) && !pinned && attempt < conflictAttempts) continue;
      throw err;
    }
  }

  const matching = await budgetsFor(budgets, pod);
  if (matching.length > 1) {
    // Answered as a Status with code 500 and no reason, as EvictionREST returns it.
    const err = new ApiError(500, '', 'This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.');
    delete err.status.reason;
    throw err;
  }
  let pinToCurrent = false;
  const budget = matching[0];
  if (budget) {
    const status = budget.status ?? {};
    if (!isReady(pod) && (budget.spec?.unhealthyPodEvictionPolicy === 'AlwaysAllow' || ((status.currentHealthy ?? 0) >= (status.desiredHealthy ?? 0) && (status.desiredHealthy ?? 0) > 0))) {
      // An unready pod does not count as healthy: taking it needs no disruption from the budget,
      // as long as it does not become ready meanwhile (hence the resourceVersion).
      pinToCurrent = true;
    } else {
      await takeDisruption(budgets, budget, pod, request.dryRun, now, opts);
    }
  }

  const options = pinToCurrent ? withResourceVersion(original, pod.metadata?.resourceVersion) : original;
  try {
    await remove(options);
  } catch (err) {
    if (isConflictError(err) && pinToCurrent && !pinned) throw stillProcessing(budget!.metadata?.name ?? '');
    throw err;
  }
}

// canIgnorePDB: terminal, pending or already terminating.
function canIgnoreBudget(pod: Pod): boolean {
  const phase = pod.status?.phase;
  return phase === 'Succeeded' || phase === 'Failed' || phase === 'Pending' || !!pod.metadata?.deletionTimestamp;
}

function shouldPinResourceVersion(pod: Pod): boolean {
  const phase = pod.status?.phase;
  return !(phase === 'Succeeded' || phase === 'Failed' || pod.metadata?.deletionTimestamp);
}

function isReady(pod: Pod): boolean {
  return pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
}

function withResourceVersion(options: DeleteOptions, resourceVersion: string | undefined): DeleteOptions {
  return { ...options, preconditions: { ...options.preconditions, resourceVersion } };
}

function isConflictError(err: unknown): boolean {
  return isApiError(err) && err.code === 409 && err.reason === 'Conflict';
}

// The budgets of the pod's namespace whose selector matches its labels; an empty selector matches
// nothing here (EvictionREST's rule, stricter than the disruption controller's).
async function budgetsFor(budgets: ResourceStore, pod: Pod): Promise<PodDisruptionBudget[]> {
  const list = await budgets.list(pod.metadata?.namespace, {});
  const out: PodDisruptionBudget[] = [];
  for (const item of list.items) {
    const pdb = budgets.served(item).copy() as PodDisruptionBudget;
    let selector;
    try {
      selector = labelSelectorFromObject(pdb.spec?.selector);
    } catch {
      continue; // an invalid selector matches no pod
    }
    if (selector.requirements === null || isLabelSelectorEmpty(selector) || !matchesLabels(selector, pod.metadata?.labels)) continue;
    out.push(pdb);
  }
  return out;
}

/**
 * checkAndDecrement, on the budget as it is now: a concurrent eviction that took a disruption
 * first is seen (the store retries the write on conflicts with a fresh copy).
 */
async function takeDisruption(budgets: ResourceStore, pdb: PodDisruptionBudget, pod: Pod, dryRun: boolean, now: () => number, opts: WriteOptions): Promise<void> {
  const namespace = pdb.metadata?.namespace;
  const name = pdb.metadata?.name ?? '';
  const podName = pod.metadata?.name ?? '';
  // kube-apiserver writes this through its loopback client.
  const writeOpts: WriteOptions = { ...opts, dryRun, fieldManager: 'kube-apiserver', warnings: [] };
  await budgets.guaranteedUpdate(namespace, name, writeOpts, 'status', (current) => {
    if (!current) throw notFound({ group: 'policy', resource: 'poddisruptionbudgets' }, name);
    const latest = current as PodDisruptionBudget;
    return { update: { ...latest, status: decremented(latest, podName, dryRun, now()) } as KubeObject };
  });
}

/** The budget's status with one disruption taken for the pod, or the refusal. */
function decremented(pdb: PodDisruptionBudget, podName: string, dryRun: boolean, now: number): PodDisruptionBudget['status'] {
  const name = pdb.metadata?.name ?? '';
  const status = { ...pdb.status };
  const allowed = status.disruptionsAllowed ?? 0;
  if ((status.observedGeneration ?? 0) < (pdb.metadata?.generation ?? 0)) throw stillProcessing(name);
  if (allowed < 0) throw forbidden({ group: 'policy', resource: 'poddisruptionbudget' }, name, 'pdb disruptions allowed is negative');
  if (Object.keys(status.disruptedPods ?? {}).length > maxDisruptedPods) {
    throw forbidden({ group: 'policy', resource: 'poddisruptionbudget' }, name, 'DisruptedPods map too big - too many evictions not confirmed by PDB controller');
  }
  if (allowed === 0) {
    throw refused(0, `The disruption budget ${name} needs ${status.desiredHealthy ?? 0} healthy pods and has ${status.currentHealthy ?? 0} currently`);
  }
  status.disruptionsAllowed = allowed - 1;
  if (status.disruptionsAllowed === 0) {
    status.conditions = structuredClone(status.conditions ?? []);
    updateDisruptionAllowedCondition(status, conditionTime(now));
  }
  // The disruption controller counts the pod as gone from now on, unless it is still there after
  // DeletionTimeout (two minutes). A dry run writes nothing, so it records nothing either.
  if (!dryRun) status.disruptedPods = { ...status.disruptedPods, [podName]: conditionTime(now) };
  return status;
}

function refused(retryAfterSeconds: number, cause: string): ApiError {
  const err = tooManyRequests(evictionRefused, retryAfterSeconds);
  // Go leaves out a zero retryAfterSeconds.
  if (retryAfterSeconds === 0) delete err.status.details!.retryAfterSeconds;
  err.status.details!.causes = [{ reason: 'DisruptionBudget', message: cause }];
  return err;
}

// createTooManyRequestsError: the budget has not caught up with its spec or with the pod.
function stillProcessing(name: string): ApiError {
  return refused(10, `The disruption budget ${name} is still being processed by the server.`);
}

/**
 * addConditionAndDeletePod: the pod gets DisruptionTarget=True (EvictionByEvictionAPI) through
 * its status, with the delete's preconditions checked first, then the delete; a pinned
 * resourceVersion moves to the one the condition write produced.
 */
async function addConditionAndDelete(
  pods: ResourceStore,
  namespace: string,
  name: string,
  options: DeleteOptions,
  dryRun: boolean,
  opts: WriteOptions,
  now: number,
): Promise<void> {
  let deleteOptions = options;
  if (!dryRun) {
    const result = await pods.guaranteedUpdate(namespace, name, { ...opts, dryRun: false, warnings: [] }, 'status', (current) => {
      if (!current) throw notFound({ group: '', resource: 'pods' }, name);
      const pod = structuredClone(current) as Pod;
      const pre = options.preconditions;
      if (pre?.uid && pre.uid !== pod.metadata?.uid) {
        throw conflict({ group: '', resource: 'Pod' }, name, `the UID in the precondition (${pre.uid}) does not match the UID in record (${pod.metadata?.uid ?? ''}). The object might have been deleted and then recreated`);
      }
      if (pre?.resourceVersion && pre.resourceVersion !== pod.metadata?.resourceVersion) {
        throw conflict(
          { group: '', resource: 'Pod' },
          name,
          `the ResourceVersion in the precondition (${pre.resourceVersion}) does not match the ResourceVersion in record (${pod.metadata?.resourceVersion ?? ''}). The object might have been modified`,
        );
      }
      updatePodCondition((pod.status ??= {}), disruptionTarget('EvictionByEvictionAPI', 'Eviction API: evicting'), now);
      // An internal write of the eviction, not a client's: managedFields stay as they are.
      return { update: pod as KubeObject, managedFieldsSet: true };
    });
    if (options.preconditions?.resourceVersion) deleteOptions = withResourceVersion(options, result.object.object.metadata?.resourceVersion);
  }
  await pods.delete(namespace, name, deleteOptions, dryRun);
}

