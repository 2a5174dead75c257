// One pass of the StatefulSet algorithm (stateful_set_control.go, with the MaxUnavailableStatefulSet
// gate on, as the apps/v1 defaults assume): find or record the update revision, create missing pods in ordinal order (one at
// a time, each waiting for its predecessors to be Running, Ready and available, unless the policy
// is Parallel), repair pods that lost their identity or storage, delete pods above the replica
// count from the highest ordinal down, then replace pods of an old revision from the highest
// ordinal down to the partition within the maxUnavailable budget. Status is written when it
// changed, and revisions beyond revisionHistoryLimit that no pod uses are deleted.
import { isNotFound } from '../../client/local-client.js';
import type { ControllerRevision, Pod, StatefulSet } from '../../machinery/api-types.js';
import type { Clock } from '../../machinery/clock.js';
import type { LabelSelector } from '../../machinery/selectors/index.js';
import { scaledValue } from '../workload/int-or-percent.js';
import {
  type ControllerHistory,
  equalRevision,
  findEqualRevisions,
  newControllerRevision,
  sortControllerRevisions,
  templateFromRevision,
  templateRevisionData,
} from '../workload/controller-history.js';
import { newControllerRef } from '../workload/controller-ref.js';
import type { StatefulPodControl } from './stateful-pod-control.js';
import {
  endOrdinal,
  identityMatches,
  isCreated,
  isRunningAndAvailable,
  isRunningAndReady,
  isTerminating,
  isUnavailable,
  newVersionedStatefulSetPod,
  ordinalOf,
  podInOrdinalRange,
  podRevision,
  replicasOf,
  startOrdinal,
  storageMatches,
} from './stateful-pod-identity.js';

export type StatefulSetStatus = NonNullable<StatefulSet['status']>;

export const statefulSetKind = { apiVersion: 'apps/v1', kind: 'StatefulSet' };

/** Creations and deletions started at once in Parallel mode. */
const maxBatchSize = 500;

export interface StatefulSetControlDeps {
  history: ControllerHistory;
  podControl: StatefulPodControl;
  clock: Clock;
  /** Writes the status through the status subresource. */
  writeStatus(set: StatefulSet, status: StatefulSetStatus): Promise<void>;
}

interface Counts {
  replicas: number;
  readyReplicas: number;
  availableReplicas: number;
  currentReplicas: number;
  updatedReplicas: number;
}

interface Revisions {
  current: ControllerRevision;
  update: ControllerRevision;
  collisionCount: number;
}

export class StatefulSetControl {
  constructor(private readonly deps: StatefulSetControlDeps) {}

  /** Adopts orphaned revisions matching the set (they become part of its history). */
  async adoptOrphanRevisions(set: StatefulSet, selector: LabelSelector, recheck: () => Promise<void>): Promise<void> {
    const orphans = this.deps.history.list(set, selector).filter((r) => !r.metadata?.ownerReferences?.some((o) => o.controller));
    if (orphans.length === 0) return;
    await recheck();
    for (const r of orphans) await this.deps.history.adopt(set, statefulSetKind, r);
  }

  /** Runs one pass; returns the status it computed (undefined when it failed before computing one). */
  async updateStatefulSet(set: StatefulSet, selector: LabelSelector, pods: Pod[]): Promise<StatefulSetStatus | undefined> {
    const revisions = sortControllerRevisions(this.deps.history.list(set, selector));
    let found: Revisions | undefined;
    try {
      found = await this.statefulSetRevisions(set, revisions);
      const { status, error } = await this.updatePods(set, found, pods);
      // The status is written even when the pass stopped at an error.
      completeRollingUpdate(set, status);
      if (inconsistentStatus(set, status)) await this.deps.writeStatus(set, status);
      if (error) throw error;
      return status;
    } finally {
      await this.truncateHistory(set, pods, revisions, found?.current, found?.update);
    }
  }

  /**
   * The current revision (what status.currentRevision names, else the update revision) and the
   * update revision (the set's template now): an existing equal revision is reused, and
   * renumbered as the newest when it is not already the latest (a rollback); otherwise one is created.
   */
  private async statefulSetRevisions(set: StatefulSet, revisions: ControllerRevision[]): Promise<Revisions> {
    let collisionCount = set.status?.collisionCount ?? 0;
    const next = revisions.length === 0 ? 1 : revisions[revisions.length - 1]!.revision + 1;
    const candidate = newControllerRevision(set, statefulSetKind, set.spec?.template?.metadata?.labels, templateRevisionData(set.spec?.template), next, collisionCount);
    // The set's annotations travel with its revisions (kubernetes.io/change-cause for rollout history).
    if (set.metadata?.annotations) candidate.metadata!.annotations = { ...set.metadata.annotations };
    const equal = findEqualRevisions(revisions, candidate);
    let update: ControllerRevision;
    if (equal.length > 0 && equalRevision(revisions[revisions.length - 1], equal[equal.length - 1])) {
      update = revisions[revisions.length - 1]!;
    } else if (equal.length > 0) {
      update = await this.deps.history.updateRevision(equal[equal.length - 1]!, candidate.revision);
    } else {
      const created = await this.deps.history.create(set, candidate, collisionCount);
      update = created.revision;
      collisionCount = created.collisionCount;
    }
    const current = revisions.find((r) => r.metadata?.name === set.status?.currentRevision) ?? update;
    return { current, update, collisionCount };
  }

  private async updatePods(set: StatefulSet, revisions: Revisions, pods: Pod[]): Promise<{ status: StatefulSetStatus; error?: unknown }> {
    const { current, update } = revisions;
    const now = this.deps.clock.now();
    const minReady = set.spec?.minReadySeconds ?? 0;
    const currentSet = applyRevision(set, current);
    const updateSet = applyRevision(set, update);
    const controllerRef = newControllerRef(set, statefulSetKind.apiVersion, statefulSetKind.kind);

    const status: StatefulSetStatus = {
      observedGeneration: set.metadata?.generation,
      currentRevision: current.metadata?.name,
      updateRevision: update.metadata?.name,
      collisionCount: revisions.collisionCount,
      replicas: 0,
    };
    const count = (...lists: Pod[][]) => Object.assign(status, countReplicas(lists.flat(), minReady, now, current, update));
    count(pods);

    // Pods within [start, end] go to their slot; the others with an ordinal are condemned.
    const start = startOrdinal(set);
    const replicas: Pod[] = new Array<Pod>(replicasOf(set));
    const condemned: Pod[] = [];
    for (const pod of pods) {
      if (podInOrdinalRange(pod, set)) replicas[ordinalOf(pod) - start] = pod;
      else if (ordinalOf(pod) >= 0) condemned.push(pod);
    }
    for (let ord = start; ord <= endOrdinal(set); ord++) {
      replicas[ord - start] ??= newVersionedStatefulSetPod(currentSet, updateSet, current.metadata?.name ?? '', update.metadata?.name ?? '', ord, controllerRef);
    }
    condemned.sort((a, b) => ordinalOf(b) - ordinalOf(a));

    const firstUnavailable =
      replicas.find((p) => isUnavailable(p, minReady, now)) ?? [...condemned].reverse().find((p) => isUnavailable(p, minReady, now));

    if (set.metadata?.deletionTimestamp) return { status };

    const monotonic = set.spec?.podManagementPolicy !== 'Parallel';
    const control = this.deps.podControl;
    const finish = (error?: unknown) => {
      count(replicas, condemned);
      return { status, error };
    };

    // Living replicas first: create, repair, and in order wait for each to be ready and available.
    const processReplica = async (i: number): Promise<boolean> => {
      const pod = replicas[i]!;
      if (pod.status?.phase === 'Failed' || pod.status?.phase === 'Succeeded') {
        // A finished pod (evicted, or its node rebooted) is replaced whatever its exit code.
        if (!pod.metadata?.deletionTimestamp) await control.deleteStatefulPod(set, pod);
        return true;
      }
      if (!isCreated(pod)) {
        if (control.podClaimIsStale(set, pod)) return true;
        await control.createStatefulPod(set, pod);
        if (monotonic) return true;
      }
      if (pod.status?.phase === 'Pending') await control.createMissingPersistentVolumeClaims(set, pod);
      if (monotonic && (isTerminating(pod) || !isRunningAndReady(pod) || !isRunningAndAvailable(pod, minReady, now))) return true;
      if (!isCreated(pod)) return false;
      const retentionMatch = control.claimsMatchRetentionPolicy(updateSet, pod);
      if (!retentionMatch || !identityMatches(set, pod) || !storageMatches(set, pod)) await control.updateStatefulPod(updateSet, pod);
      return false;
    };
    try {
      if (await runForAll(replicas.length, processReplica, monotonic)) return finish();
    } catch (err) {
      return finish(err);
    }

    // Condemned pods' claims get the ownership the scale-down policy asks for.
    const fixPodClaim = async (i: number): Promise<boolean> => {
      const pod = condemned[i]!;
      if (!control.claimsMatchRetentionPolicy(updateSet, pod)) await control.updatePodClaimForRetentionPolicy(updateSet, pod);
      return false;
    };
    try {
      if (await runForAll(condemned.length, fixPodClaim, monotonic)) return finish();
    } catch (err) {
      return finish(err);
    }

    // Scale down, highest ordinal first; in order, only once all replicas are available.
    const processCondemned = async (i: number): Promise<boolean> => {
      const pod = condemned[i]!;
      if (isTerminating(pod)) return monotonic;
      if (monotonic && pod !== firstUnavailable && (!isRunningAndReady(pod) || !isRunningAndAvailable(pod, minReady, now))) return true;
      await control.deleteStatefulPod(set, pod);
      return true;
    };
    try {
      if (await runForAll(condemned.length, processCondemned, monotonic)) return finish();
    } catch (err) {
      return finish(err);
    }

    count(replicas, condemned);
    if (set.spec?.updateStrategy?.type === 'OnDelete') return { status };
    try {
      await this.rollingUpdate(set, replicas, update, status, now);
    } catch (err) {
      return { status, error: err };
    }
    return { status };
  }

  /** Deletes pods of old revisions, highest ordinal first down to the partition, within maxUnavailable. */
  private async rollingUpdate(set: StatefulSet, replicas: Pod[], update: ControllerRevision, status: StatefulSetStatus, now: number): Promise<void> {
    const minReady = set.spec?.minReadySeconds ?? 0;
    const updateName = update.metadata?.name;
    const rolling = set.spec?.updateStrategy?.rollingUpdate;
    const updateMin = rolling?.partition ?? 0;
    const maxUnavailable = rolling ? statefulSetMaxUnavailable(rolling.maxUnavailable, replicas.length) : 1;
    const parallel = set.spec?.podManagementPolicy === 'Parallel';
    const outdated = (p: Pod) => podRevision(p) !== updateName && !isTerminating(p);

    let unavailable = 0;
    let unavailableNeedingUpdate = 0;
    for (const pod of replicas) {
      if (!isUnavailable(pod, minReady, now)) continue;
      unavailable++;
      if (parallel && outdated(pod)) unavailableNeedingUpdate++;
    }
    if (unavailable >= maxUnavailable && unavailableNeedingUpdate === 0) return;

    const remove = async (pod: Pod) => {
      try {
        await this.deps.podControl.deleteStatefulPod(set, pod);
      } catch (err) {
        if (!isNotFound(err)) throw err;
      }
      status.currentReplicas = (status.currentReplicas ?? 0) - 1;
    };
    if (parallel) {
      // Old pods that are unavailable anyway go first, so the budget is not spent on healthy ones
      // while broken ones wait below them.
      for (let t = replicas.length - 1; t >= updateMin; t--) {
        const pod = replicas[t]!;
        if (outdated(pod) && !isRunningAndAvailable(pod, minReady, now)) await remove(pod);
      }
      let budget = maxUnavailable - unavailable;
      for (let t = replicas.length - 1; t >= updateMin && budget > 0; t--) {
        const pod = replicas[t]!;
        if (outdated(pod) && isRunningAndAvailable(pod, minReady, now)) {
          await remove(pod);
          budget--;
        }
      }
      return;
    }
    let toDelete = maxUnavailable - unavailable;
    for (let t = replicas.length - 1; t >= updateMin && toDelete > 0; t--) {
      const pod = replicas[t]!;
      if (!outdated(pod)) continue;
      await remove(pod);
      toDelete--;
    }
  }

  /** Deletes the oldest revisions beyond revisionHistoryLimit that are neither current, update, nor any pod's. */
  private async truncateHistory(set: StatefulSet, pods: Pod[], revisions: ControllerRevision[], current?: ControllerRevision, update?: ControllerRevision): Promise<void> {
    const live = new Set<string>();
    if (current?.metadata?.name) live.add(current.metadata.name);
    if (update?.metadata?.name) live.add(update.metadata.name);
    for (const p of pods) live.add(podRevision(p));
    const history = revisions.filter((r) => !live.has(r.metadata?.name ?? ''));
    const limit = set.spec?.revisionHistoryLimit ?? 10;
    for (const r of history.slice(0, Math.max(0, history.length - limit))) await this.deps.history.delete(r);
  }
}

/** The set with the template a revision records (ApplyRevision). */
export function applyRevision(set: StatefulSet, revision: ControllerRevision): StatefulSet {
  const clone = structuredClone(set);
  clone.spec = { ...clone.spec!, template: templateFromRevision(revision) };
  return clone;
}

function countReplicas(pods: Pod[], minReady: number, now: number, current: ControllerRevision, update: ControllerRevision): Counts {
  const c: Counts = { replicas: 0, readyReplicas: 0, availableReplicas: 0, currentReplicas: 0, updatedReplicas: 0 };
  for (const pod of pods) {
    if (isCreated(pod)) c.replicas++;
    if (isRunningAndReady(pod)) {
      c.readyReplicas++;
      if (isRunningAndAvailable(pod, minReady, now)) c.availableReplicas++;
    }
    if (isCreated(pod) && !isTerminating(pod)) {
      const revision = podRevision(pod);
      if (revision === current.metadata?.name) c.currentReplicas++;
      if (revision === update.metadata?.name) c.updatedReplicas++;
    }
  }
  return c;
}

/**
 * Calls `fn` for each index: in order, stopping when it asks to (monotonic), or in slow-start
 * batches of 1, 2, 4… stopping after a batch with a failure. Resolves true when the pass must end here.
 */
async function runForAll(n: number, fn: (i: number) => Promise<boolean>, monotonic: boolean): Promise<boolean> {
  if (monotonic) {
    for (let i = 0; i < n; i++) if (await fn(i)) return true;
    return false;
  }
  let next = 0;
  for (let batch = Math.min(n, 1); batch > 0; batch = Math.min(2 * batch, n - next, maxBatchSize)) {
    const results = await Promise.allSettled(Array.from({ length: batch }, (_, k) => fn(next + k)));
    next += batch;
    const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed.length === 1) throw failed[0]!.reason;
    if (failed.length > 1) throw new Error(`[${failed.map((f) => (f.reason instanceof Error ? f.reason.message : String(f.reason))).join(', ')}]`);
  }
  return false;
}

/** A finished rolling update makes the update revision current. */
function completeRollingUpdate(set: StatefulSet, status: StatefulSetStatus): void {
  const replicas = replicasOf(set);
  if (
    set.spec?.updateStrategy?.type === 'RollingUpdate' &&
    status.updatedReplicas === replicas &&
    status.readyReplicas === replicas &&
    status.replicas === replicas
  ) {
    status.currentReplicas = status.updatedReplicas;
    status.currentRevision = status.updateRevision;
  }
}

/** Only these fields decide whether the status is written (collisionCount alone never is). */
function inconsistentStatus(set: StatefulSet, status: StatefulSetStatus): boolean {
  const old = set.status ?? { replicas: 0 };
  return (
    (status.observedGeneration ?? 0) > (old.observedGeneration ?? 0) ||
    status.replicas !== (old.replicas ?? 0) ||
    (status.currentReplicas ?? 0) !== (old.currentReplicas ?? 0) ||
    (status.readyReplicas ?? 0) !== (old.readyReplicas ?? 0) ||
    (status.updatedReplicas ?? 0) !== (old.updatedReplicas ?? 0) ||
    (status.currentRevision ?? '') !== (old.currentRevision ?? '') ||
    (status.availableReplicas ?? 0) !== (old.availableReplicas ?? 0) ||
    (status.updateRevision ?? '') !== (old.updateRevision ?? '')
  );
}

/** maxUnavailable (default 1) scaled to the replica count, rounded down but never below 1. */
function statefulSetMaxUnavailable(value: number | string | undefined, replicas: number): number {
  const n = scaledValue(value ?? 1, replicas, false);
  return Math.max(1, n);
}
