// The Deployment controller (pkg/controller/deployment): a Deployment owns ReplicaSets, one per
// pod template it has had (named <deployment>-<pod-template-hash>, numbered by the revision
// annotation). A template change rolls out a new ReplicaSet — RollingUpdate within maxSurge and
// maxUnavailable, or Recreate (old pods gone first) — a replicas change is shared out
// proportionally, old ReplicaSets beyond revisionHistoryLimit are deleted, and status and the
// Available/Progressing conditions say how far it got (what `kubectl rollout status` reads).
import { isAlreadyExists } from '../../client/local-client.js';
import { isApiError } from '../../apierrors/index.js';
import type { Deployment, Pod, ReplicaSet } from '../../machinery/api-types.js';
import { labelSelectorFromObject, matchesLabels, type LabelSelector } from '../../machinery/selectors/index.js';
import type { ControllerContext, ControllerDefinition, ReconcileResult } from '../runtime/controller.js';
import { objectKey, splitKey } from '../runtime/informer.js';
import { claimObjects, controllerRefOf, newControllerRef } from '../workload/controller-ref.js';
import { controllerUidIndex, indexPodsByController } from '../workload/pod-indexes.js';
import { controllerLookup, ownedObjectHandler, ownerHandler } from '../workload/owned-objects.js';
import {
  deploymentComplete,
  deploymentProgressing,
  deploymentTimedOut,
  getCondition,
  newCondition,
  reasons,
  removeCondition,
  setCondition,
  type DeploymentCondition,
  type DeploymentStatus,
} from './conditions.js';
import { maxRevision, replicasAnnotationsNeedUpdate, revisionAnnotation, setNewReplicaSetAnnotations } from './revisions.js';
import {
  desiredReplicasAnnotation,
  hasProgressDeadline,
  hasRevisionHistoryLimit,
  isRollingUpdate,
  isSaturated,
  maxSurge,
  maxUnavailable,
  newReplicaSetReplicas,
  proportion,
  replicasAnnotations,
  replicasOf,
  sumAvailableReplicas,
  sumReadyReplicas,
  sumSpecReplicas,
  sumStatusReplicas,
  sumTerminatingReplicas,
} from './rollout-math.js';
import { computeTemplateHash, equalIgnoringHash, podTemplateHashLabel } from '../workload/template-hash.js';
import { jsonEqual } from '../../machinery/json-equal.js';

export const deploymentController: ControllerDefinition = {
  name: 'deployment',
  start: (ctx) => startDeploymentController(ctx),
};

/** One sync's view of its Deployment, replaced by each status write's result. */
interface SyncState {
  d: Deployment;
}

function startDeploymentController(ctx: ControllerContext) {
  const deployments = ctx.informers.forResource<Deployment>('apps', 'v1', 'deployments');
  const replicaSets = ctx.informers.forResource<ReplicaSet>('apps', 'v1', 'replicasets');
  const pods = ctx.informers.forResource<Pod>('', 'v1', 'pods');
  indexPodsByController(pods);
  const dClient = ctx.client.resource<Deployment>('apps', 'v1', 'deployments');
  const rsClient = ctx.client.resource<ReplicaSet>('apps', 'v1', 'replicasets');
  const recorder = ctx.recorder('deployment-controller');
  const loop = ctx.reconcileLoop((key) => syncDeployment(key));
  const now = () => ctx.clock.now();

  const lookup = controllerLookup(deployments, 'Deployment', (d) => labelSelectorFromObject(d.spec?.selector));
  const selectorOf = lookup.selectorOf;
  const enqueue = (d: Deployment) => loop.enqueue(objectKey(d));
  deployments.addHandler(ownerHandler(enqueue));
  replicaSets.addHandler(ownedObjectHandler<Deployment, ReplicaSet>(lookup, { enqueue }));
  // A Recreate rollout waits for the old pods to be gone.
  pods.addHandler({
    onDelete(pod) {
      const rsRef = controllerRefOf(pod);
      if (rsRef?.kind !== 'ReplicaSet') return;
      const rs = replicaSets.getByName(pod.metadata?.namespace, rsRef.name);
      const d = rs && lookup.controllerOf(rs);
      if (d && d.spec?.strategy?.type === 'Recreate') enqueue(d);
    },
  });

  async function syncDeployment(key: string): Promise<ReconcileResult | void> {
    const { namespace, name } = splitKey(key);
    const cached = deployments.getByName(namespace, name);
    if (!cached) return;
    const s: SyncState = { d: structuredClone(cached) };
    const selector = selectorOf(s.d);
    if (selector === null) return;
    if (isEverything(s.d)) {
      recorder.event(s.d, 'Warning', 'SelectingAll', 'This deployment is selecting all pods. A non-empty selector is required.');
      if ((s.d.status?.observedGeneration ?? 0) < (s.d.metadata?.generation ?? 0)) {
        await writeStatus(s, { ...s.d.status, observedGeneration: s.d.metadata?.generation });
      }
      return;
    }
    const rsList = await claimReplicaSets(s.d, selector);
    if (s.d.metadata?.deletionTimestamp) return syncStatusOnly(s, rsList);
    await checkPausedConditions(s);
    if (s.d.spec?.paused) return syncScaling(s, rsList);
    if (await isScalingEvent(s, rsList)) return syncScaling(s, rsList);
    return s.d.spec?.strategy?.type === 'Recreate' ? rolloutRecreate(s, rsList) : rolloutRolling(s, rsList);
  }

  function claimReplicaSets(d: Deployment, selector: LabelSelector): Promise<ReplicaSet[]> {
    return claimObjects(replicaSets.list(d.metadata?.namespace ?? ''), {
      owner: d,
      ownerApiVersion: 'apps/v1',
      ownerKind: 'Deployment',
      client: rsClient,
      matches: (rs) => matchesLabels(selector, rs.metadata?.labels),
      recheckOwner: () => dClient.find(d.metadata?.namespace, d.metadata?.name ?? ''),
    });
  }

  // ---------- status ----------

  async function writeStatus(s: SyncState, status: DeploymentStatus | undefined): Promise<void> {
    s.d = await dClient.updateStatus(s.d.metadata?.namespace, { ...s.d, status: status ?? {} });
  }

  async function checkPausedConditions(s: SyncState): Promise<void> {
    if (!hasProgressDeadline(s.d)) return;
    const cond = getCondition(s.d.status, 'Progressing');
    if (cond?.reason === reasons.timedOut) return;
    const pausedCondExists = cond?.reason === reasons.paused;
    const status = structuredClone(s.d.status ?? {});
    if (s.d.spec?.paused && !pausedCondExists) {
      setCondition(status, newCondition('Progressing', 'Unknown', reasons.paused, 'Deployment is paused', now()));
    } else if (!s.d.spec?.paused && pausedCondExists) {
      setCondition(status, newCondition('Progressing', 'Unknown', reasons.resumed, 'Deployment is resumed', now()));
    } else return;
    await writeStatus(s, status);
  }

  function calculateStatus(allRSs: (ReplicaSet | undefined)[], newRS: ReplicaSet | undefined, d: Deployment): DeploymentStatus {
    const available = sumAvailableReplicas(allRSs);
    const total = sumSpecReplicas(allRSs);
    const status: DeploymentStatus = {};
    // As Go writes DeploymentStatus: every counter omitempty.
    const counters: [keyof DeploymentStatus, number][] = [
      ['observedGeneration', d.metadata?.generation ?? 0],
      ['replicas', sumStatusReplicas(allRSs)],
      ['updatedReplicas', sumStatusReplicas([newRS])],
      ['readyReplicas', sumReadyReplicas(allRSs)],
      ['availableReplicas', available],
      ['unavailableReplicas', Math.max(0, total - available)],
    ];
    for (const [field, value] of counters) if (value) (status as Record<string, unknown>)[field] = value;
    const terminating = sumTerminatingReplicas(allRSs);
    if (terminating !== undefined) status.terminatingReplicas = terminating;
    if (d.status?.conditions?.length) status.conditions = d.status.conditions.map((c) => ({ ...c }));
    if (d.status?.collisionCount !== undefined) status.collisionCount = d.status.collisionCount;
    if (available >= replicasOf(d) - maxUnavailable(d)) {
      setCondition(status, newCondition('Available', 'True', reasons.minimumAvailable, 'Deployment has minimum availability.', now()));
    } else {
      setCondition(status, newCondition('Available', 'False', reasons.minimumUnavailable, 'Deployment does not have minimum availability.', now()));
    }
    return status;
  }

  async function syncDeploymentStatus(s: SyncState, allRSs: (ReplicaSet | undefined)[], newRS: ReplicaSet | undefined): Promise<void> {
    const status = calculateStatus(allRSs, newRS, s.d);
    if (jsonEqual(s.d.status ?? {}, status)) return;
    await writeStatus(s, status);
  }

  /** Status after a rollout step, with the Progressing condition; asks to be looked at again at the progress deadline. */
  async function syncRolloutStatus(s: SyncState, allRSs: (ReplicaSet | undefined)[], newRS: ReplicaSet | undefined): Promise<ReconcileResult | void> {
    const d = s.d;
    const status = calculateStatus(allRSs, newRS, d);
    if (!hasProgressDeadline(d)) removeCondition(status, 'Progressing');
    const current = getCondition(d.status, 'Progressing');
    const isComplete = (status.replicas ?? 0) === (status.updatedReplicas ?? 0) && current?.reason === reasons.newReplicaSetAvailable;
    if (hasProgressDeadline(d) && !isComplete) {
      const rsName = newRS?.metadata?.name;
      if (deploymentComplete(d, status)) {
        const msg = rsName ? `ReplicaSet "${rsName}" has successfully progressed.` : `Deployment "${d.metadata?.name}" has successfully progressed.`;
        setCondition(status, newCondition('Progressing', 'True', reasons.newReplicaSetAvailable, msg, now()));
      } else if (deploymentProgressing(d, status)) {
        const msg = rsName ? `ReplicaSet "${rsName}" is progressing.` : `Deployment "${d.metadata?.name}" is progressing.`;
        let condition = newCondition('Progressing', 'True', reasons.replicaSetUpdated, msg, now());
        // Progress refreshes lastUpdateTime even under the same reason; the transition time stays.
        if (current) {
          if (current.status === 'True') condition = { ...condition, lastTransitionTime: current.lastTransitionTime };
          removeCondition(status, 'Progressing');
        }
        setCondition(status, condition);
      } else if (deploymentTimedOut(d, status, now())) {
        const msg = rsName ? `ReplicaSet "${rsName}" has timed out progressing.` : `Deployment "${d.metadata?.name}" has timed out progressing.`;
        setCondition(status, newCondition('Progressing', 'False', reasons.timedOut, msg, now()));
      }
    }
    const failure = replicaFailure(allRSs, newRS);
    if (failure) setCondition(status, failure);
    else removeCondition(status, 'ReplicaFailure');

    if (jsonEqual(d.status ?? {}, status)) return requeueIfStuck(d, status);
    await writeStatus(s, status);
  }

  // Without a sign of progress, look again when the deadline passes (no periodic resync needed).
  function requeueIfStuck(d: Deployment, status: DeploymentStatus): ReconcileResult | void {
    const cond = getCondition(d.status, 'Progressing');
    if (!hasProgressDeadline(d) || !cond) return;
    if (deploymentComplete(d, status) || cond.reason === reasons.timedOut) return;
    const due = Date.parse(cond.lastUpdateTime ?? '') + (d.spec?.progressDeadlineSeconds ?? 0) * 1000 - now();
    return { requeueAfterMs: Number.isNaN(due) || due < 1000 ? 1000 : due };
  }

  function replicaFailure(allRSs: (ReplicaSet | undefined)[], newRS: ReplicaSet | undefined): DeploymentCondition | undefined {
    const ordered = newRS ? [newRS, ...allRSs.filter((rs) => rs !== newRS)] : allRSs;
    for (const rs of ordered) {
      const c = rs?.status?.conditions?.find((x) => x.type === 'ReplicaFailure' && x.status === 'True');
      if (c) return { type: 'ReplicaFailure', status: c.status, reason: c.reason, message: c.message, lastTransitionTime: c.lastTransitionTime, lastUpdateTime: c.lastTransitionTime };
    }
    return undefined;
  }

  // ---------- the new ReplicaSet and revisions ----------

  async function getAllReplicaSetsAndSyncRevision(s: SyncState, rsList: ReplicaSet[], create: boolean): Promise<{ newRS: ReplicaSet | undefined; oldRSs: ReplicaSet[] }> {
    const existingNew = findNewReplicaSet(s.d, rsList);
    const oldRSs = rsList.filter((rs) => rs !== existingNew);
    const newRS = await getNewReplicaSet(s, existingNew, oldRSs, create);
    return { newRS, oldRSs };
  }

  async function getNewReplicaSet(s: SyncState, existing: ReplicaSet | undefined, oldRSs: ReplicaSet[], create: boolean): Promise<ReplicaSet | undefined> {
    const newRevision = maxRevision(oldRSs) + 1;
    const ns = s.d.metadata?.namespace;
    if (existing) {
      const rsCopy = structuredClone(existing);
      const annotationsUpdated = setNewReplicaSetAnnotations(s.d, rsCopy, newRevision, true);
      const minReady = s.d.spec?.minReadySeconds ?? 0;
      if (annotationsUpdated || (rsCopy.spec?.minReadySeconds ?? 0) !== minReady) {
        setMinReadySeconds(rsCopy, minReady);
        return rsClient.update(ns, rsCopy);
      }
      let needsUpdate = setDeploymentRevision(s.d, rsCopy.metadata?.annotations?.[revisionAnnotation]);
      const status = structuredClone(s.d.status ?? {});
      if (hasProgressDeadline(s.d) && !getCondition(status, 'Progressing')) {
        setCondition(status, newCondition('Progressing', 'True', reasons.foundNewReplicaSet, `Found new replica set "${rsCopy.metadata?.name}"`, now()));
        needsUpdate = true;
      }
      if (needsUpdate) await writeStatus(s, status);
      return rsCopy;
    }
    if (!create) return undefined;

    const d = s.d;
    const hash = computeTemplateHash(d.spec?.template, d.status?.collisionCount);
    const template = structuredClone(d.spec?.template ?? {});
    (template.metadata ??= {}).labels = { ...template.metadata.labels, [podTemplateHashLabel]: hash };
    const selector = structuredClone(d.spec?.selector ?? {});
    selector.matchLabels = { ...selector.matchLabels, [podTemplateHashLabel]: hash };
    const newRS: ReplicaSet = {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: {
        name: `${d.metadata?.name}-${hash}`,
        namespace: ns,
        ownerReferences: [newControllerRef(d, 'apps/v1', 'Deployment')],
        labels: { ...template.metadata.labels },
      },
      spec: { replicas: 0, selector, template },
    };
    setMinReadySeconds(newRS, d.spec?.minReadySeconds ?? 0);
    const replicas = newReplicaSetReplicas(d, [...oldRSs, newRS], newRS);
    newRS.spec!.replicas = replicas;
    setNewReplicaSetAnnotations(d, newRS, newRevision, false);

    let created: ReplicaSet;
    let alreadyExisted = false;
    try {
      created = await rsClient.create(ns, newRS);
    } catch (err) {
      if (isAlreadyExists(err)) {
        const found = replicaSets.getByName(ns, newRS.metadata!.name!);
        if (found && controllerRefOf(found)?.uid === d.metadata?.uid && equalIgnoringHash(d.spec?.template, found.spec?.template)) {
          created = found;
          alreadyExisted = true;
        } else {
          // A different template hashed to the same name: count the collision so the next hash differs.
          await writeStatus(s, { ...s.d.status, collisionCount: (s.d.status?.collisionCount ?? 0) + 1 });
          throw err;
        }
      } else if (isApiError(err) && err.status.details?.causes?.some((c) => c.reason === 'NamespaceTerminating')) {
        throw err;
      } else {
        const msg = `Failed to create new replica set "${newRS.metadata!.name}": ${err instanceof Error ? err.message : String(err)}`;
        if (hasProgressDeadline(d)) {
          const status = structuredClone(s.d.status ?? {});
          setCondition(status, newCondition('Progressing', 'False', reasons.failedCreate, msg, now()));
          await writeStatus(s, status).catch(() => {});
        }
        recorder.event(d, 'Warning', reasons.failedCreate, msg);
        throw err;
      }
    }
    if (!alreadyExisted && replicas > 0) {
      recorder.event(d, 'Normal', 'ScalingReplicaSet', `Scaled up replica set ${created.metadata?.name} to ${replicas}`);
    }
    let needsUpdate = setDeploymentRevision(s.d, String(newRevision));
    const status = structuredClone(s.d.status ?? {});
    if (!alreadyExisted && hasProgressDeadline(s.d)) {
      setCondition(status, newCondition('Progressing', 'True', reasons.newReplicaSet, `Created new replica set "${created.metadata?.name}"`, now()));
      needsUpdate = true;
    }
    if (needsUpdate) await writeStatus(s, status);
    return created;
  }

  // ---------- scaling ----------

  async function scaleReplicaSet(s: SyncState, rs: ReplicaSet, newScale: number, operation: string): Promise<ReplicaSet> {
    const sizeChanges = replicasOf(rs) !== newScale;
    if (!sizeChanges && !replicasAnnotationsNeedUpdate(rs, s.d)) return rs;
    const oldScale = replicasOf(rs);
    const copy = structuredClone(rs);
    copy.spec = { ...copy.spec!, replicas: newScale };
    copy.metadata = { ...copy.metadata, annotations: { ...copy.metadata?.annotations, ...replicasAnnotations(s.d) } };
    const updated = await rsClient.update(rs.metadata?.namespace, copy);
    if (sizeChanges) {
      recorder.event(s.d, 'Normal', 'ScalingReplicaSet', `Scaled ${operation} replica set ${rs.metadata?.name} to ${newScale} from ${oldScale}`);
    }
    return updated;
  }

  function scaleAndRecord(s: SyncState, rs: ReplicaSet, newScale: number): Promise<ReplicaSet> {
    if (replicasOf(rs) === newScale) return Promise.resolve(rs);
    return scaleReplicaSet(s, rs, newScale, replicasOf(rs) < newScale ? 'up' : 'down');
  }

  /** A replicas change (or a paused Deployment): share it out without advancing the rollout. */
  async function scale(s: SyncState, newRS: ReplicaSet | undefined, oldRSs: ReplicaSet[]): Promise<void> {
    const d = s.d;
    const activeOrLatest = findActiveOrLatest(newRS, oldRSs);
    if (activeOrLatest) {
      if (replicasOf(activeOrLatest) === replicasOf(d)) return;
      await scaleAndRecord(s, activeOrLatest, replicasOf(d));
      return;
    }
    if (isSaturated(d, newRS)) {
      for (const old of oldRSs.filter(isActive)) await scaleAndRecord(s, old, 0);
      return;
    }
    if (!isRollingUpdate(d)) return;
    const all = [...oldRSs, ...(newRS ? [newRS] : [])].filter(isActive);
    const allowed = replicasOf(d) > 0 ? replicasOf(d) + maxSurge(d) : 0;
    const toAdd = allowed - sumSpecReplicas(all);
    let operation = '';
    if (toAdd > 0) {
      all.sort(bySizeThen(true));
      operation = 'up';
    } else if (toAdd < 0) {
      all.sort(bySizeThen(false));
      operation = 'down';
    }
    let added = 0;
    const sizes = new Map<ReplicaSet, number>();
    for (const rs of all) {
      if (toAdd !== 0) {
        const p = proportion(rs, d, toAdd, added);
        sizes.set(rs, replicasOf(rs) + p);
        added += p;
      } else sizes.set(rs, replicasOf(rs));
    }
    for (let i = 0; i < all.length; i++) {
      const rs = all[i]!;
      // Leftovers go to the largest ReplicaSet.
      if (i === 0 && toAdd !== 0) sizes.set(rs, Math.max(0, sizes.get(rs)! + toAdd - added));
      await scaleReplicaSet(s, rs, sizes.get(rs)!, operation);
    }
  }

  async function isScalingEvent(s: SyncState, rsList: ReplicaSet[]): Promise<boolean> {
    const { newRS, oldRSs } = await getAllReplicaSetsAndSyncRevision(s, rsList, false);
    for (const rs of [...oldRSs, ...(newRS ? [newRS] : [])].filter(isActive)) {
      const desired = rs.metadata?.annotations?.[desiredReplicasAnnotation];
      if (desired === undefined || !Number.isInteger(Number(desired))) continue;
      if (Number(desired) !== replicasOf(s.d)) return true;
    }
    return false;
  }

  async function syncScaling(s: SyncState, rsList: ReplicaSet[]): Promise<void> {
    const { newRS, oldRSs } = await getAllReplicaSetsAndSyncRevision(s, rsList, false);
    await scale(s, newRS, oldRSs);
    if (s.d.spec?.paused) await cleanup(s, oldRSs);
    await syncDeploymentStatus(s, refreshed([...oldRSs, newRS]), refreshed([newRS])[0]);
  }

  async function syncStatusOnly(s: SyncState, rsList: ReplicaSet[]): Promise<void> {
    const { newRS, oldRSs } = await getAllReplicaSetsAndSyncRevision(s, rsList, false);
    await syncDeploymentStatus(s, [...oldRSs, newRS], newRS);
  }

  /** Deletes old ReplicaSets beyond revisionHistoryLimit, oldest revision first, only once they are empty. */
  async function cleanup(s: SyncState, oldRSs: ReplicaSet[]): Promise<void> {
    if (!hasRevisionHistoryLimit(s.d)) return;
    const cleanable = oldRSs.filter((rs) => !rs.metadata?.deletionTimestamp);
    const diff = cleanable.length - (s.d.spec?.revisionHistoryLimit ?? 0);
    if (diff <= 0) return;
    cleanable.sort((a, b) => revisionNumber(a) - revisionNumber(b) || byCreation(a, b));
    for (const rs of cleanable.slice(0, diff)) {
      if ((rs.status?.replicas ?? 0) !== 0 || replicasOf(rs) !== 0 || (rs.metadata?.generation ?? 0) > (rs.status?.observedGeneration ?? 0)) continue;
      try {
        await rsClient.delete(rs.metadata?.namespace, rs.metadata?.name ?? '');
      } catch (err) {
        if (!(isApiError(err) && err.code === 404)) throw err;
      }
    }
  }

  // ---------- rollouts ----------

  async function rolloutRolling(s: SyncState, rsList: ReplicaSet[]): Promise<ReconcileResult | void> {
    const { newRS, oldRSs } = await getAllReplicaSetsAndSyncRevision(s, rsList, true);
    const allRSs = [...oldRSs, newRS!];
    const grown = await reconcileNewReplicaSet(s, allRSs, newRS!);
    if (grown) return syncRolloutStatus(s, refreshed(allRSs), refreshed([newRS])[0]);
    const shrunk = await reconcileOldReplicaSets(s, allRSs, oldRSs.filter(isActive), newRS!);
    if (shrunk) return syncRolloutStatus(s, refreshed(allRSs), refreshed([newRS])[0]);
    if (deploymentComplete(s.d, s.d.status ?? {})) await cleanup(s, refreshed(oldRSs).filter((rs): rs is ReplicaSet => !!rs));
    return syncRolloutStatus(s, refreshed(allRSs), refreshed([newRS])[0]);
  }

  async function reconcileNewReplicaSet(s: SyncState, allRSs: ReplicaSet[], newRS: ReplicaSet): Promise<boolean> {
    const want = replicasOf(s.d);
    if (replicasOf(newRS) === want) return false;
    if (replicasOf(newRS) > want) return (await scaleAndRecord(s, newRS, want)) !== newRS;
    const count = newReplicaSetReplicas(s.d, allRSs, newRS);
    return (await scaleAndRecord(s, newRS, count)) !== newRS;
  }

  async function reconcileOldReplicaSets(s: SyncState, allRSs: ReplicaSet[], oldRSs: ReplicaSet[], newRS: ReplicaSet): Promise<boolean> {
    if (sumSpecReplicas(oldRSs) === 0) return false;
    const allPods = sumSpecReplicas(allRSs);
    const minAvailable = replicasOf(s.d) - maxUnavailable(s.d);
    const newUnavailable = replicasOf(newRS) - (newRS.status?.availableReplicas ?? 0);
    const maxScaledDown = allPods - minAvailable - newUnavailable;
    if (maxScaledDown <= 0) return false;
    // Unhealthy old replicas go first: removing them costs no availability.
    const { oldRSs: cleaned, scaledDown: cleanedUp } = await cleanupUnhealthyReplicas(s, oldRSs, maxScaledDown);
    const scaledDown = await scaleDownOldForRollingUpdate(s, [...cleaned, newRS], cleaned);
    return cleanedUp + scaledDown > 0;
  }

  async function cleanupUnhealthyReplicas(s: SyncState, oldRSs: ReplicaSet[], maxCleanup: number): Promise<{ oldRSs: ReplicaSet[]; scaledDown: number }> {
    const sorted = [...oldRSs].sort(byCreation);
    let total = 0;
    for (let i = 0; i < sorted.length; i++) {
      if (total >= maxCleanup) break;
      const rs = sorted[i]!;
      const available = rs.status?.availableReplicas ?? 0;
      if (replicasOf(rs) === 0 || replicasOf(rs) === available) continue;
      const down = Math.min(maxCleanup - total, replicasOf(rs) - available);
      sorted[i] = await scaleAndRecord(s, rs, replicasOf(rs) - down);
      total += down;
    }
    return { oldRSs: sorted, scaledDown: total };
  }

  async function scaleDownOldForRollingUpdate(s: SyncState, allRSs: ReplicaSet[], oldRSs: ReplicaSet[]): Promise<number> {
    const minAvailable = replicasOf(s.d) - maxUnavailable(s.d);
    const available = sumAvailableReplicas(allRSs);
    if (available <= minAvailable) return 0;
    const budget = available - minAvailable;
    let total = 0;
    for (const rs of [...oldRSs].sort(byCreation)) {
      if (total >= budget) break;
      if (replicasOf(rs) === 0) continue;
      const down = Math.min(replicasOf(rs), budget - total);
      await scaleAndRecord(s, rs, replicasOf(rs) - down);
      total += down;
    }
    return total;
  }

  async function rolloutRecreate(s: SyncState, rsList: ReplicaSet[]): Promise<ReconcileResult | void> {
    let { newRS, oldRSs } = await getAllReplicaSetsAndSyncRevision(s, rsList, false);
    let allRSs: (ReplicaSet | undefined)[] = [...oldRSs, newRS];
    let scaledDown = false;
    for (const old of oldRSs.filter(isActive)) {
      await scaleAndRecord(s, old, 0);
      scaledDown = true;
    }
    if (scaledDown) return syncRolloutStatus(s, refreshed(allRSs), refreshed([newRS])[0]);
    if (oldPodsRunning(newRS, oldRSs)) return syncRolloutStatus(s, allRSs, newRS);
    if (!newRS) {
      ({ newRS, oldRSs } = await getAllReplicaSetsAndSyncRevision(s, rsList, true));
      allRSs = [...oldRSs, newRS];
    }
    await scaleAndRecord(s, newRS!, replicasOf(s.d));
    if (deploymentComplete(s.d, s.d.status ?? {})) await cleanup(s, oldRSs);
    return syncRolloutStatus(s, refreshed(allRSs), refreshed([newRS])[0]);
  }

  function oldPodsRunning(newRS: ReplicaSet | undefined, oldRSs: ReplicaSet[]): boolean {
    if (sumStatusReplicas(oldRSs) > 0) return true;
    for (const rs of oldRSs) {
      if (rs.metadata?.uid === newRS?.metadata?.uid) continue;
      for (const pod of pods.byIndex(controllerUidIndex, rs.metadata?.uid ?? '')) {
        const phase = pod.status?.phase;
        if (phase !== 'Failed' && phase !== 'Succeeded') return true;
      }
    }
    return false;
  }

  /** The informer's current copies (statuses written by the ReplicaSet controller meanwhile). */
  function refreshed(rss: (ReplicaSet | undefined)[]): (ReplicaSet | undefined)[] {
    return rss.map((rs) => (rs ? (replicaSets.getByName(rs.metadata?.namespace, rs.metadata?.name ?? '') ?? rs) : rs));
  }

  return { stop: () => loop.stop() };
}

function isActive(rs: ReplicaSet | undefined): rs is ReplicaSet {
  return !!rs && replicasOf(rs) > 0;
}

function isEverything(d: Deployment): boolean {
  const sel = d.spec?.selector;
  return !!sel && Object.keys(sel.matchLabels ?? {}).length === 0 && (sel.matchExpressions ?? []).length === 0;
}

function setDeploymentRevision(d: Deployment, revision: string | undefined): boolean {
  if (revision === undefined) return false;
  const annotations = ((d.metadata ??= {}).annotations ??= {});
  if (annotations[revisionAnnotation] === revision) return false;
  annotations[revisionAnnotation] = revision;
  return true;
}

function setMinReadySeconds(rs: ReplicaSet, seconds: number): void {
  if (seconds) rs.spec!.minReadySeconds = seconds;
  else delete rs.spec!.minReadySeconds;
}

function revisionNumber(rs: ReplicaSet): number {
  const n = Number(rs.metadata?.annotations?.[revisionAnnotation]);
  return Number.isInteger(n) ? n : 0;
}

function byCreation(a: ReplicaSet, b: ReplicaSet): number {
  const ta = a.metadata?.creationTimestamp ?? '';
  const tb = b.metadata?.creationTimestamp ?? '';
  if (ta !== tb) return ta < tb ? -1 : 1;
  const na = a.metadata?.name ?? '';
  const nb = b.metadata?.name ?? '';
  return na < nb ? -1 : na > nb ? 1 : 0;
}

/** Largest first; among equals, newer first when scaling up, older first when scaling down. */
function bySizeThen(newerFirst: boolean): (a: ReplicaSet, b: ReplicaSet) => number {
  return (a, b) => {
    if (replicasOf(a) !== replicasOf(b)) return replicasOf(b) - replicasOf(a);
    return newerFirst ? byCreation(b, a) : byCreation(a, b);
  };
}

/** The oldest ReplicaSet whose template is the Deployment's. */
function findNewReplicaSet(d: Deployment, rsList: ReplicaSet[]): ReplicaSet | undefined {
  return [...rsList].sort(byCreation).find((rs) => equalIgnoringHash(rs.spec?.template, d.spec?.template));
}

/** The one active ReplicaSet, or the newest when none is active; undefined when several are. */
function findActiveOrLatest(newRS: ReplicaSet | undefined, oldRSs: ReplicaSet[]): ReplicaSet | undefined {
  if (!newRS && oldRSs.length === 0) return undefined;
  const newestFirst = [...oldRSs].sort((a, b) => byCreation(b, a));
  const active = [...newestFirst, newRS].filter(isActive);
  if (active.length === 0) return newRS ?? newestFirst[0];
  if (active.length === 1) return active[0];
  return undefined;
}
