// One pass of the Job controller over one Job (pkg/controller/job syncJob): claim the job's pods,
// count the ones that finished since the last pass, decide whether the job has failed (backoff
// limit, active deadline, pod failure policy, failed indexes) or succeeded (completions, success
// policy), create or delete pods to keep `parallelism` running, and record it all in status.
//
// Finished pods are counted through the batch.kubernetes.io/job-tracking finalizer: a pod keeps it
// until its outcome is in status, first as a uid in status.uncountedTerminatedPods, then, once the
// finalizer is off, in the succeeded/failed counters. The verdict is written in two steps too:
// SuccessCriteriaMet or FailureTarget as soon as it is known, Complete or Failed once no pod is
// left uncounted or terminating.
import type { ResourceClient } from '../../client/local-client.js';
import { isNotFound } from '../../client/local-client.js';
import { isApiError } from '../../apierrors/index.js';
import type { Job, Pod } from '../../machinery/api-types.js';
import type { Clock } from '../../machinery/clock.js';
import { matchesLabels, type LabelSelector } from '../../machinery/selectors/index.js';
import type { EventRecorder } from '../runtime/event-recorder.js';
import type { ReconcileResult } from '../runtime/controller.js';
import { claimObjects, controllerRefOf, newControllerRef } from '../workload/controller-ref.js';
import { isPodActive, isPodReady, isPodTerminating } from '../workload/pod-status.js';
import { podFromTemplate, podNamePrefix } from '../workload/pod-template.js';
import { slowStartBatch } from '../workload/slow-start.js';
import { compareActivePods } from '../workload/pod-ranking.js';
import {
  addCompletionIndexEnv,
  byCompletionIndex,
  completionIndexOf,
  indexAbsoluteFailureCount,
  indexFailureCount,
  indexFailureCountAnnotation,
  indexIgnoredFailureCount,
  indexIgnoredFailureCountAnnotation,
  indexesOf,
  podGenerateNameWithIndex,
  setCompletionIndex,
  validCompletionIndex,
} from './completion-index.js';
import { IndexIntervals } from './index-intervals.js';
import { ensureConditionStatus, findCondition, formatTime, newCondition, type JobCondition } from './job-conditions.js';
import { BackoffStore, finishedTime, remainingBackoffMs, remainingIndexBackoffMs, type BackoffRecord } from './pod-backoff.js';
import { matchPodFailurePolicy } from './pod-failure-policy.js';
import { matchSuccessPolicy } from './success-policy.js';

export const jobTrackingFinalizer = 'batch.kubernetes.io/job-tracking';
/** spec.managedBy of the jobs this controller runs (unset means the same). */
export const jobControllerManager = 'kubernetes.io/job-controller';

/** Keeps status.uncountedTerminatedPods under about 20 KB; the rest waits for the next pass. */
const maxUncountedPods = 500;
const maxPodCreateDeletePerSync = 500;
/** Upstream never requeues a job sooner than its one-second batching period. */
const minRequeueMs = 1000;

type JobStatus = NonNullable<Job['status']>;

export interface JobSyncDeps {
  jobClient: ResourceClient<Job>;
  podClient: ResourceClient<Pod>;
  recorder: EventRecorder;
  clock: Clock;
  backoff: BackoffStore;
  /** The job's pods as cached (every pod of its namespace, to adopt and release from). */
  /** The pods a job's claim looks at: its own and its namespace's orphans. */
  claimCandidates(job: Job): Pod[];
  /** The compiled selector, or null when it cannot be compiled. */
  selectorOf(job: Job): LabelSelector | null;
}

interface SyncContext {
  key: string;
  job: Job;
  pods: Pod[];
  activePods: Pod[];
  finishedCondition?: JobCondition;
  succeeded: number;
  failed: number;
  prevSucceededIndexes: IndexIntervals;
  succeededIndexes: IndexIntervals;
  /** Set when the job has backoffLimitPerIndex. */
  failedIndexes?: IndexIntervals;
  newBackoffRecord: BackoffRecord;
  uncounted: { succeeded: Set<string>; failed: Set<string> };
  /** Per index, the failed pod kept until its replacement carries the index's failure count. */
  podsWithDelayedDeletionPerIndex: Map<number, Pod>;
  terminating: number;
  ready: number;
  requeueAfterMs?: number;
}

export function managedByExternalController(job: Job): boolean {
  const by = job.spec?.managedBy;
  return by !== undefined && by !== jobControllerManager;
}

export function hasTrackingFinalizer(pod: Pod): boolean {
  return !!pod.metadata?.finalizers?.includes(jobTrackingFinalizer);
}

/** The strategic merge patch that takes the tracking finalizer off a pod. */
export const removeTrackingFinalizerPatch = { metadata: { '$deleteFromPrimitiveList/finalizers': [jobTrackingFinalizer] } };

const isIndexed = (job: Job) => job.spec?.completionMode === 'Indexed';
const hasBackoffLimitPerIndex = (job: Job) => job.spec?.backoffLimitPerIndex !== undefined;
const isSuspended = (job: Job) => job.spec?.suspend === true;
const completionsOf = (job: Job) => job.spec?.completions ?? 0;

/** With podReplacementPolicy Failed (implied by a pod failure policy), a pod counts only once Failed. */
function onlyReplaceFailedPods(job: Job): boolean {
  return job.spec?.podReplacementPolicy === 'Failed' || job.spec?.podFailurePolicy !== undefined;
}

/** Failed, or (unless only Failed counts) deleted before it could finish. */
function isPodFailed(pod: Pod, job: Job): boolean {
  if (pod.status?.phase === 'Failed') return true;
  if (onlyReplaceFailedPods(job)) return false;
  return !!pod.metadata?.deletionTimestamp && pod.status?.phase !== 'Succeeded';
}

function isSuccessCriteriaMet(c: JobCondition | undefined): boolean {
  return c?.type === 'SuccessCriteriaMet' && c.status === 'True';
}

export class JobSyncer {
  constructor(private readonly deps: JobSyncDeps) {}

  private now(): number {
    return this.deps.clock.now();
  }

  async sync(key: string, shared: Job): Promise<ReconcileResult | void> {
    const job = structuredClone(shared);
    const status: JobStatus = (job.status ??= {});
    status.uncountedTerminatedPods ??= {};
    const pods = await this.podsForJob(job);
    const activePods = pods.filter(isPodActive);
    const ctx: SyncContext = {
      key,
      job,
      pods,
      activePods,
      succeeded: 0,
      failed: 0,
      prevSucceededIndexes: IndexIntervals.empty,
      succeededIndexes: IndexIntervals.empty,
      newBackoffRecord: { failuresAfterLastSuccess: 0 },
      uncounted: {
        succeeded: new Set(status.uncountedTerminatedPods.succeeded ?? []),
        failed: new Set(status.uncountedTerminatedPods.failed ?? []),
      },
      podsWithDelayedDeletionPerIndex: new Map(),
      terminating: pods.filter(isPodTerminating).length,
      ready: activePods.filter(isPodReady).length,
    };
    let active = activePods.length;
    const newSucceeded = this.validPods(ctx, ctx.uncounted.succeeded, (p) => p.status?.phase === 'Succeeded');
    const newFailed = this.validPods(ctx, ctx.uncounted.failed, (p) => isPodFailed(p, job));
    const newFailedCounted = newFailed.filter((p) => matchPodFailurePolicy(job.spec?.podFailurePolicy, p).countFailed).length;
    ctx.succeeded = (status.succeeded ?? 0) + newSucceeded.length + ctx.uncounted.succeeded.size;
    ctx.failed = (status.failed ?? 0) + newFailedCounted + ctx.uncounted.failed.size;

    // A suspended job has not started: activeDeadlineSeconds counts from the start.
    if (!status.startTime && !isSuspended(job)) status.startTime = formatTime(this.now());
    ctx.newBackoffRecord = this.deps.backoff.next(key, newSucceeded, newFailed);

    // Once SuccessCriteriaMet is recorded the verdict stands; the pod failure policy is not looked at again.
    const criteriaMet = findCondition(status.conditions, 'SuccessCriteriaMet');
    if (criteriaMet?.status === 'True') ctx.finishedCondition = criteriaMet;
    if (!ctx.finishedCondition) {
      const target = findCondition(status.conditions, 'FailureTarget');
      if (target?.status === 'True') ctx.finishedCondition = newCondition('Failed', 'True', target.reason ?? '', target.message ?? '', this.now());
      else {
        const message = this.failJobMessage(job, pods);
        if (message) ctx.finishedCondition = newCondition('FailureTarget', 'True', 'PodFailurePolicy', message, this.now());
      }
    }
    if (!ctx.finishedCondition) {
      if (ctx.failed > (job.spec?.backoffLimit ?? 6) || pastBackoffLimitOnFailure(job, pods)) {
        ctx.finishedCondition = this.failure('BackoffLimitExceeded', 'Job has reached the specified backoff limit');
      } else if (this.pastActiveDeadline(job)) {
        ctx.finishedCondition = this.failure('DeadlineExceeded', 'Job was active longer than specified deadline');
      } else if (job.spec?.activeDeadlineSeconds !== undefined && !isSuspended(job)) {
        const elapsed = this.now() - Date.parse(status.startTime!);
        this.requeue(ctx, job.spec.activeDeadlineSeconds * 1000 - elapsed, 0);
      }
    }

    if (isIndexed(job)) {
      const completions = completionsOf(job);
      ctx.prevSucceededIndexes = IndexIntervals.parse(status.completedIndexes, completions);
      const newIndexes = pods
        .filter((p) => p.status?.phase === 'Succeeded' && hasTrackingFinalizer(p))
        .map((p) => validCompletionIndex(p, completions))
        .filter((ix): ix is number => ix !== undefined);
      ctx.succeededIndexes = ctx.prevSucceededIndexes.withIndexes([...new Set(newIndexes)].sort((a, b) => a - b));
      ctx.succeeded = ctx.succeededIndexes.total();
      if (hasBackoffLimitPerIndex(job)) {
        ctx.failedIndexes = this.failedIndexes(job, pods);
        if (!ctx.finishedCondition) {
          const maxFailed = job.spec?.maxFailedIndexes;
          if (maxFailed !== undefined && ctx.failedIndexes.total() > maxFailed) {
            ctx.finishedCondition = this.failure('MaxFailedIndexesExceeded', 'Job has exceeded the specified maximal number of failed indexes');
          } else if (ctx.failedIndexes.total() > 0 && ctx.failedIndexes.total() + ctx.succeededIndexes.total() >= completions) {
            ctx.finishedCondition = this.failure('FailedIndexes', 'Job has failed indexes');
          }
        }
        ctx.podsWithDelayedDeletionPerIndex = this.podsWithDelayedDeletionPerIndex(ctx);
      }
      if (!ctx.finishedCondition) {
        const message = matchSuccessPolicy(job.spec?.successPolicy, completions, ctx.succeededIndexes);
        if (message) ctx.finishedCondition = newCondition('SuccessCriteriaMet', 'True', 'SuccessPolicy', message, this.now());
      }
    }

    let suspendConditionChanged = false;
    let manageError: unknown;
    if (ctx.finishedCondition) {
      // The verdict is in: active pods go (keeping their finalizers, so they are counted).
      const removed = await this.deleteActivePods(job, ctx.activePods);
      // Not finished while a pod could not be deleted.
      if (removed.deleted !== active) ctx.finishedCondition = undefined;
      active -= removed.deleted;
      ctx.terminating += removed.deleted;
      ctx.ready -= removed.deletedReady;
      manageError = removed.error;
    } else {
      let managed = false;
      if (!job.metadata?.deletionTimestamp) {
        const result = await this.manageJob(job, ctx);
        active = result.active;
        manageError = result.error;
        managed = true;
      }
      const completions = job.spec?.completions;
      // Without completions, any success ends the job once the others have stopped.
      const complete = completions === undefined ? ctx.succeeded > 0 && active === 0 : ctx.succeeded >= completions && active === 0;
      if (complete) {
        ctx.finishedCondition = newCondition('SuccessCriteriaMet', 'True', 'CompletionsReached', 'Reached expected number of succeeded pods', this.now());
      } else if (managed) {
        const conditions = (status.conditions ??= []);
        if (isSuspended(job)) {
          if (ensureConditionStatus(conditions, 'Suspended', 'True', 'JobSuspended', 'Job suspended', this.now())) {
            suspendConditionChanged = true;
            this.deps.recorder.event(job, 'Normal', 'Suspended', 'Job suspended');
          }
        } else if (ensureConditionStatus(conditions, 'Suspended', 'False', 'JobResumed', 'Job resumed', this.now())) {
          suspendConditionChanged = true;
          this.deps.recorder.event(job, 'Normal', 'Resumed', 'Job resumed');
          // activeDeadlineSeconds counts the time the job is continuously active.
          status.startTime = formatTime(this.now());
        }
      }
    }

    const needsStatusUpdate =
      suspendConditionChanged || active !== (status.active ?? 0) || status.ready !== ctx.ready || status.terminating !== ctx.terminating;
    status.active = active;
    status.ready = ctx.ready;
    status.terminating = ctx.terminating;
    await this.trackStatusAndRemoveFinalizers(ctx, needsStatusUpdate);
    if (manageError !== undefined) throw manageError;
    return ctx.requeueAfterMs !== undefined ? { requeueAfterMs: ctx.requeueAfterMs } : undefined;
  }

  // With delayed terminal conditions (JobManagedBy and JobPodReplacementPolicy are GA), a failure
  // is first a FailureTarget.
  private failure(reason: string, message: string): JobCondition {
    return newCondition('FailureTarget', 'True', reason, message, this.now());
  }

  private requeue(ctx: SyncContext, ms: number, minimum = minRequeueMs): void {
    const delay = Math.max(ms, minimum);
    if (ctx.requeueAfterMs === undefined || delay < ctx.requeueAfterMs) ctx.requeueAfterMs = delay;
  }

  private pastActiveDeadline(job: Job): boolean {
    const deadline = job.spec?.activeDeadlineSeconds;
    const start = job.status?.startTime;
    if (deadline === undefined || !start || isSuspended(job)) return false;
    return this.now() - Date.parse(start) >= deadline * 1000;
  }

  private failJobMessage(job: Job, pods: readonly Pod[]): string | undefined {
    if (!job.spec?.podFailurePolicy) return undefined;
    for (const p of pods) {
      if (!isPodFailed(p, job)) continue;
      const message = matchPodFailurePolicy(job.spec.podFailurePolicy, p).failJobMessage;
      if (message) return message;
    }
    return undefined;
  }

  /** Pods still to be counted: with the finalizer, not yet in `uncounted`, with a valid index when indexed. */
  private validPods(ctx: SyncContext, uncounted: ReadonlySet<string> | undefined, filter: (p: Pod) => boolean): Pod[] {
    const completions = completionsOf(ctx.job);
    return ctx.pods.filter((p) => {
      if (!hasTrackingFinalizer(p) || uncounted?.has(p.metadata?.uid ?? '')) return false;
      if (isIndexed(ctx.job) && validCompletionIndex(p, completions) === undefined) return false;
      return filter(p);
    });
  }

  private failedIndexes(job: Job, pods: readonly Pod[]): IndexIntervals {
    const completions = completionsOf(job);
    const previous = job.status?.failedIndexes !== undefined ? IndexIntervals.parse(job.status.failedIndexes, completions) : IndexIntervals.empty;
    const failed = new Set<number>();
    for (const p of pods) {
      const ix = validCompletionIndex(p, completions);
      if (ix !== undefined && hasTrackingFinalizer(p) && isIndexFailed(job, p)) failed.add(ix);
    }
    return previous.withIndexes([...failed].sort((a, b) => a - b));
  }

  private podsWithDelayedDeletionPerIndex(ctx: SyncContext): Map<number, Pod> {
    const activeIndexes = new Set(indexesOf(ctx.activePods));
    const kept = new Map<number, Pod>();
    for (const p of this.validPods(ctx, undefined, (p) => isPodFailed(p, ctx.job))) {
      const ix = completionIndexOf(p)!;
      if (ctx.succeededIndexes.has(ix) || ctx.failedIndexes?.has(ix) || activeIndexes.has(ix)) continue;
      const last = kept.get(ix);
      if (!last || (indexAbsoluteFailureCount(last) <= indexAbsoluteFailureCount(p) && finishedTime(p) >= finishedTime(last))) kept.set(ix, p);
    }
    return kept;
  }

  // ---------- the job's pods ----------

  /** The job's pods after adopting matching orphans (with the tracking finalizer) and releasing strays. */
  private async podsForJob(job: Job): Promise<Pod[]> {
    const selector = this.deps.selectorOf(job);
    if (!selector) throw new Error(`couldn't convert Job selector of ${job.metadata?.namespace}/${job.metadata?.name}`);
    const namespace = job.metadata?.namespace ?? '';
    const all = this.deps.claimCandidates(job);
    const before = new Map(all.map((p) => [p.metadata?.uid, p]));
    const claimed = await claimObjects(all, {
      owner: job,
      ownerApiVersion: 'batch/v1',
      ownerKind: 'Job',
      client: this.deps.podClient,
      matches: (p) => matchesLabels(selector, p.metadata?.labels),
      recheckOwner: () => this.deps.jobClient.find(namespace, job.metadata?.name ?? ''),
    });
    const result: Pod[] = [];
    for (const pod of claimed) {
      const adopted = !controllerRefOf(before.get(pod.metadata?.uid) ?? pod);
      if (adopted && !hasTrackingFinalizer(pod)) {
        try {
          result.push(await this.deps.podClient.patch(namespace, pod.metadata?.name ?? '', 'strategic', { metadata: { finalizers: [jobTrackingFinalizer], uid: pod.metadata?.uid } }));
        } catch (err) {
          if (!isNotFound(err)) throw err;
        }
      } else result.push(pod);
    }
    return result;
  }

  private deleteActivePods(job: Job, pods: readonly Pod[]): Promise<{ deleted: number; deletedReady: number; error?: unknown }> {
    return this.deletePods(job, pods, false);
  }

  /** Pods the job no longer wants: the finalizer comes off first, so they are never counted. */
  private deleteJobPods(job: Job, pods: readonly Pod[]): Promise<{ deleted: number; deletedReady: number; error?: unknown }> {
    return this.deletePods(job, pods, true);
  }

  private async deletePods(job: Job, pods: readonly Pod[], finalizerFirst: boolean): Promise<{ deleted: number; deletedReady: number; error?: unknown }> {
    let deleted = 0;
    let deletedReady = 0;
    let error: unknown;
    await Promise.all(
      pods.map(async (pod) => {
        if (finalizerFirst) {
          try {
            if (hasTrackingFinalizer(pod)) await this.deps.podClient.patch(pod.metadata?.namespace, pod.metadata?.name ?? '', 'strategic', removeTrackingFinalizerPatch);
          } catch (err) {
            if (!isNotFound(err)) error ??= new Error(`removing completion finalizer: ${err instanceof Error ? err.message : String(err)}`);
            else deleted++;
            return;
          }
        }
        try {
          await this.deletePod(job, pod);
          deleted++;
        } catch (err) {
          if (isNotFound(err)) deleted++;
          else error ??= err;
        }
        if (isPodReady(pod)) deletedReady++;
      }),
    );
    return { deleted, deletedReady, error };
  }

  private async deletePod(job: Job, pod: Pod): Promise<void> {
    const name = pod.metadata?.name ?? '';
    try {
      await this.deps.podClient.delete(job.metadata?.namespace, name);
    } catch (err) {
      if (!isNotFound(err)) this.deps.recorder.event(job, 'Warning', 'FailedDelete', `Error deleting: ${errorText(err)}`);
      throw err;
    }
    this.deps.recorder.event(job, 'Normal', 'SuccessfulDelete', `Deleted pod: ${name}`);
  }

  // ---------- keeping parallelism pods running ----------

  private async manageJob(job: Job, ctx: SyncContext): Promise<{ active: number; error?: unknown }> {
    let active = ctx.activePods.length;
    const parallelism = job.spec?.parallelism ?? 1;

    if (isSuspended(job)) {
      const removed = await this.deleteJobPods(job, activePodsForRemoval(job, ctx.activePods, active));
      ctx.terminating += removed.deleted;
      ctx.ready -= removed.deletedReady;
      return { active: active - removed.deleted, error: removed.error };
    }

    let wantActive: number;
    const completions = job.spec?.completions;
    if (completions === undefined) {
      // Once a pod has succeeded, whatever still runs is left to finish.
      wantActive = ctx.succeeded > 0 ? active : parallelism;
    } else {
      wantActive = Math.max(0, Math.min(completions - ctx.succeeded, parallelism));
    }

    const toDelete = activePodsForRemoval(job, ctx.activePods, Math.max(0, active - wantActive)).slice(0, maxPodCreateDeletePerSync);
    if (toDelete.length > 0) {
      // A pass either deletes or creates, deletion first (an Indexed Job may need both).
      const removed = await this.deleteJobPods(job, toDelete);
      ctx.terminating += removed.deleted;
      ctx.ready -= removed.deletedReady;
      return { active: active - removed.deleted, error: removed.error };
    }

    const terminating = onlyReplaceFailedPods(job) ? ctx.terminating : 0;
    let diff = wantActive - terminating - active;
    if (diff <= 0) return { active };

    if (!hasBackoffLimitPerIndex(job)) {
      const remaining = remainingBackoffMs(ctx.newBackoffRecord, this.now());
      if (remaining > 0) {
        this.requeue(ctx, remaining);
        // Upstream reports no active pods while it waits out the back-off.
        return { active: 0 };
      }
    }
    diff = Math.min(diff, maxPodCreateDeletePerSync);

    let indexes: number[] = [];
    if (isIndexed(job)) {
      indexes = firstPendingIndexes(ctx, diff, completionsOf(job));
      if (hasBackoffLimitPerIndex(job)) {
        const ready: number[] = [];
        let minRemaining: number | undefined;
        for (const ix of indexes) {
          const lastFailed = ctx.podsWithDelayedDeletionPerIndex.get(ix);
          const remaining = remainingIndexBackoffMs(lastFailed, lastFailed ? indexAbsoluteFailureCount(lastFailed) : 0, this.now());
          if (remaining === 0) ready.push(ix);
          else if (minRemaining === undefined || remaining < minRemaining) minRemaining = remaining;
        }
        if (ready.length === 0 && minRemaining !== undefined) {
          this.requeue(ctx, minRemaining);
          return { active: 0 };
        }
        indexes = ready;
      }
      diff = indexes.length;
    }

    const template = structuredClone(job.spec!.template);
    if (isIndexed(job)) addCompletionIndexEnv(template);
    const meta = (template.metadata ??= {});
    if (!meta.finalizers?.includes(jobTrackingFinalizer)) meta.finalizers = [...(meta.finalizers ?? []), jobTrackingFinalizer];
    const ref = newControllerRef(job, 'batch/v1', 'Job');
    const jobName = job.metadata?.name ?? '';
    const pending = [...indexes];
    let created = 0;
    const result = await slowStartBatch(diff, 1, async () => {
      const index = pending.shift();
      let podTemplate = template;
      let generateName = podNamePrefix(jobName);
      if (index !== undefined) {
        podTemplate = structuredClone(template);
        setCompletionIndex(podTemplate, jobName, index);
        generateName = podGenerateNameWithIndex(jobName, index);
        if (hasBackoffLimitPerIndex(job)) addIndexFailureCounts(podTemplate, job, ctx.podsWithDelayedDeletionPerIndex.get(index));
      }
      try {
        const pod = await this.deps.podClient.create(job.metadata?.namespace, podFromTemplate(podTemplate, generateName, ref));
        this.deps.recorder.event(job, 'Normal', 'SuccessfulCreate', `Created pod: ${pod.metadata?.name}`);
        created++;
      } catch (err) {
        // A namespace being deleted refuses every pod; that is not the job's failure.
        if (isApiError(err) && err.status.details?.causes?.some((c) => c.reason === 'NamespaceTerminating')) {
          created++;
          return;
        }
        this.deps.recorder.event(job, 'Warning', 'FailedCreate', `Error creating: ${errorText(err)}`);
        throw err;
      }
    });
    return { active: active + created, error: result.error };
  }

  // ---------- counting finished pods ----------

  private async trackStatusAndRemoveFinalizers(ctx: SyncContext, needsFlush: boolean): Promise<void> {
    const job = ctx.job;
    const indexed = isIndexed(job);
    const completions = completionsOf(job);
    const uncountedStatus = job.status!.uncountedTerminatedPods!;
    const pods = indexed ? [...ctx.pods].sort(byCompletionIndex) : ctx.pods;
    const withFinalizer = new Set(pods.filter(hasTrackingFinalizer).map((p) => p.metadata?.uid ?? ''));
    if (countUncountedWithoutFinalizers(job.status!, withFinalizer)) needsFlush = true;

    const toRemoveFinalizer: Pod[] = [];
    const newSucceededIndexes: number[] = [];
    let reachedMaxUncounted = false;
    for (const pod of pods) {
      if (!hasTrackingFinalizer(pod)) continue; // counted in an earlier pass
      const uid = pod.metadata?.uid ?? '';
      const failed = isPodFailed(pod, job);
      if (!this.canRemoveFinalizer(ctx, pod, failed)) continue;
      toRemoveFinalizer.push(pod);
      if (pod.status?.phase === 'Succeeded' && !ctx.uncounted.failed.has(uid)) {
        if (indexed) {
          // The index is enough to never count a success twice.
          const ix = validCompletionIndex(pod, completions);
          if (ix !== undefined && !ctx.prevSucceededIndexes.has(ix)) {
            newSucceededIndexes.push(ix);
            needsFlush = true;
          }
        } else if (!ctx.uncounted.succeeded.has(uid)) {
          needsFlush = true;
          (uncountedStatus.succeeded ??= []).push(uid);
        }
      } else if (failed || (ctx.finishedCondition && !isSuccessCriteriaMet(ctx.finishedCondition))) {
        // Once the job has failed, every pod that did not succeed counts as failed.
        const ix = completionIndexOf(pod);
        if (!ctx.uncounted.failed.has(uid) && (!indexed || (ix !== undefined && ix < completions))) {
          if (matchPodFailurePolicy(job.spec?.podFailurePolicy, pod).countFailed) {
            needsFlush = true;
            (uncountedStatus.failed ??= []).push(uid);
          }
        }
      }
      if (newSucceededIndexes.length + (uncountedStatus.succeeded?.length ?? 0) + (uncountedStatus.failed?.length ?? 0) >= maxUncountedPods) {
        reachedMaxUncounted = true;
        break;
      }
    }
    if (indexed) {
      ctx.succeededIndexes = ctx.succeededIndexes.withIndexes(newSucceededIndexes);
      const completed = ctx.succeededIndexes.toString();
      if (completed !== (job.status!.completedIndexes ?? '')) needsFlush = true;
      job.status!.succeeded = ctx.succeededIndexes.total();
      job.status!.completedIndexes = completed;
      const failedIndexes = ctx.failedIndexes?.toString();
      if (failedIndexes !== job.status!.failedIndexes) {
        job.status!.failedIndexes = failedIndexes;
        needsFlush = true;
      }
    }
    const conditions = (job.status!.conditions ??= []);
    if (ctx.finishedCondition?.type === 'FailureTarget') {
      // Recorded before the finalizers go, so the reason survives a restart; Failed comes after.
      conditions.push(ctx.finishedCondition);
      needsFlush = true;
      ctx.finishedCondition = newCondition('Failed', 'True', ctx.finishedCondition.reason ?? '', ctx.finishedCondition.message ?? '', this.now());
    }
    if (isSuccessCriteriaMet(ctx.finishedCondition)) {
      if (!conditions.some(isSuccessCriteriaMet)) {
        conditions.push(ctx.finishedCondition!);
        needsFlush = true;
      }
      ctx.finishedCondition = newCondition('Complete', 'True', ctx.finishedCondition!.reason ?? '', ctx.finishedCondition!.message ?? '', this.now());
    }

    needsFlush = await this.flushAndRemoveFinalizers(ctx, toRemoveFinalizer, withFinalizer, needsFlush);
    const finished = !reachedMaxUncounted && this.enactJobFinished(ctx);
    if (finished) needsFlush = true;
    if (needsFlush) {
      ctx.job = await this.updateStatus(ctx.job);
      if (finished) this.recordJobFinished(ctx.job, ctx.finishedCondition!);
    }
  }

  private canRemoveFinalizer(ctx: SyncContext, pod: Pod, failed: boolean): boolean {
    if (ctx.job.metadata?.deletionTimestamp || ctx.finishedCondition || pod.status?.phase === 'Succeeded') return true;
    if (!failed) return false;
    if (hasBackoffLimitPerIndex(ctx.job)) {
      // Kept until the index's replacement pod carries the failure count forward.
      const ix = completionIndexOf(pod);
      if (ix !== undefined && ctx.podsWithDelayedDeletionPerIndex.get(ix)?.metadata?.uid === pod.metadata?.uid) return false;
    }
    return true;
  }

  /**
   * Writes the newly finished pods' uids to status, then takes their finalizers off, then moves
   * the uids whose finalizer is gone into the counters. Returns whether status still needs writing.
   */
  private async flushAndRemoveFinalizers(ctx: SyncContext, pods: readonly Pod[], withFinalizer: Set<string>, needsFlush: boolean): Promise<boolean> {
    if (needsFlush) {
      ctx.job = await this.updateStatus(ctx.job);
      this.deps.backoff.update(ctx.key, ctx.newBackoffRecord);
      needsFlush = false;
    }
    let removeError: unknown;
    await Promise.all(
      pods.map(async (pod) => {
        try {
          await this.deps.podClient.patch(pod.metadata?.namespace, pod.metadata?.name ?? '', 'strategic', removeTrackingFinalizerPatch);
        } catch (err) {
          if (!isNotFound(err)) {
            removeError ??= err;
            return;
          }
        }
        withFinalizer.delete(pod.metadata?.uid ?? '');
      }),
    );
    if (countUncountedWithoutFinalizers(ctx.job.status!, withFinalizer)) needsFlush = true;
    if (removeError !== undefined) {
      // Keep what was counted before reporting the failure.
      if (needsFlush) ctx.job = await this.updateStatus(ctx.job);
      throw removeError;
    }
    return needsFlush;
  }

  private enactJobFinished(ctx: SyncContext): boolean {
    const finished = ctx.finishedCondition;
    if (!finished) return false;
    const uncounted = ctx.job.status!.uncountedTerminatedPods;
    if ((uncounted?.succeeded?.length ?? 0) + (uncounted?.failed?.length ?? 0) > 0) return false;
    if (ctx.terminating > 0) return false;
    const status = ctx.job.status!;
    ensureConditionStatus((status.conditions ??= []), finished.type, finished.status as 'True', finished.reason ?? '', finished.message ?? '', this.now());
    if (finished.type === 'Complete') status.completionTime = finished.lastTransitionTime;
    return true;
  }

  private recordJobFinished(job: Job, condition: JobCondition): void {
    if (condition.type === 'Complete') {
      const completions = job.spec?.completions;
      if (completions !== undefined && (job.status?.succeeded ?? 0) > completions) {
        this.deps.recorder.event(job, 'Warning', 'TooManySucceededPods', 'Too many succeeded pods running after completion count reached');
      }
      this.deps.recorder.event(job, 'Normal', 'Completed', 'Job completed');
    } else {
      this.deps.recorder.event(job, 'Warning', condition.reason ?? '', condition.message ?? '');
    }
  }

  private async updateStatus(job: Job): Promise<Job> {
    const written = await this.deps.jobClient.updateStatus(job.metadata?.namespace, structuredClone({ ...job, status: wireStatus(job.status ?? {}) }));
    const status = (written.status ??= {});
    status.uncountedTerminatedPods ??= {};
    return written;
  }
}

/** The uids whose finalizer is gone move from uncountedTerminatedPods to the counters. */
function countUncountedWithoutFinalizers(status: JobStatus, withFinalizer: ReadonlySet<string>): boolean {
  const uncounted = (status.uncountedTerminatedPods ??= {});
  let updated = false;
  const succeeded = (uncounted.succeeded ?? []).filter((uid) => withFinalizer.has(uid));
  if (succeeded.length !== (uncounted.succeeded?.length ?? 0)) {
    updated = true;
    status.succeeded = (status.succeeded ?? 0) + (uncounted.succeeded!.length - succeeded.length);
    uncounted.succeeded = succeeded;
  }
  const failed = (uncounted.failed ?? []).filter((uid) => withFinalizer.has(uid));
  if (failed.length !== (uncounted.failed?.length ?? 0)) {
    updated = true;
    status.failed = (status.failed ?? 0) + (uncounted.failed!.length - failed.length);
    uncounted.failed = failed;
  }
  return updated;
}

/** JobStatus as Go serializes it: the omitempty counters and lists only when set. */
function wireStatus(s: JobStatus): JobStatus {
  const out: JobStatus = {};
  if (s.conditions?.length) out.conditions = s.conditions;
  if (s.startTime) out.startTime = s.startTime;
  if (s.completionTime) out.completionTime = s.completionTime;
  if (s.active) out.active = s.active;
  if (s.succeeded) out.succeeded = s.succeeded;
  if (s.failed) out.failed = s.failed;
  if (s.terminating !== undefined) out.terminating = s.terminating;
  if (s.completedIndexes) out.completedIndexes = s.completedIndexes;
  if (s.failedIndexes !== undefined) out.failedIndexes = s.failedIndexes;
  const u = s.uncountedTerminatedPods ?? {};
  out.uncountedTerminatedPods = {};
  if (u.succeeded?.length) out.uncountedTerminatedPods.succeeded = u.succeeded;
  if (u.failed?.length) out.uncountedTerminatedPods.failed = u.failed;
  if (s.ready !== undefined) out.ready = s.ready;
  return out;
}

/** For restartPolicy OnFailure: container restarts of running pods, against backoffLimit. */
function pastBackoffLimitOnFailure(job: Job, pods: readonly Pod[]): boolean {
  if (job.spec?.template?.spec?.restartPolicy !== 'OnFailure') return false;
  let restarts = 0;
  for (const p of pods) {
    if (p.status?.phase !== 'Running' && p.status?.phase !== 'Pending') continue;
    for (const c of [...(p.status?.initContainerStatuses ?? []), ...(p.status?.containerStatuses ?? [])]) restarts += c.restartCount ?? 0;
  }
  const limit = job.spec?.backoffLimit ?? 6;
  return limit === 0 ? restarts > 0 : restarts >= limit;
}

/** With backoffLimitPerIndex: the index has used up its failures (or a FailIndex rule matched). */
function isIndexFailed(job: Job, pod: Pod): boolean {
  let counted = false;
  if (isPodFailed(pod, job)) {
    if (job.spec?.podFailurePolicy) {
      const match = matchPodFailurePolicy(job.spec.podFailurePolicy, pod);
      if (match.action === 'FailIndex') return true;
      counted = match.countFailed;
    } else counted = true;
  }
  return counted && indexFailureCount(pod) >= (job.spec?.backoffLimitPerIndex ?? 0);
}

/** The replacement of a failed pod inherits its index's failure counts, plus this failure. */
function addIndexFailureCounts(template: NonNullable<Job['spec']>['template'], job: Job, replaced: Pod | undefined): void {
  let failures = 0;
  let ignored = 0;
  if (replaced) {
    failures = indexFailureCount(replaced);
    ignored = indexIgnoredFailureCount(replaced);
    if (matchPodFailurePolicy(job.spec?.podFailurePolicy, replaced).countFailed) failures++;
    else ignored++;
  }
  const annotations = ((template.metadata ??= {}).annotations ??= {});
  annotations[indexFailureCountAnnotation] = String(failures);
  if (ignored > 0) annotations[indexIgnoredFailureCountAnnotation] = String(ignored);
}

/**
 * Active pods to delete: for an Indexed Job every pod without a valid index and all but one per
 * repeated index, then, until there are `atLeast`, the ones first in ActivePods order.
 */
function activePodsForRemoval(job: Job, pods: readonly Pod[], atLeast: number): Pod[] {
  const remove: Pod[] = [];
  let left: Pod[] = [...pods];
  if (isIndexed(job)) {
    left = [];
    const completions = completionsOf(job);
    const groups = new Map<number | undefined, Pod[]>();
    for (const p of [...pods].sort(byCompletionIndex)) {
      const ix = completionIndexOf(p);
      const key = ix === undefined || ix >= completions ? undefined : ix;
      groups.set(key, [...(groups.get(key) ?? []), p]);
    }
    for (const [ix, group] of groups) {
      if (ix === undefined || group.length === 1) {
        (ix === undefined ? remove : left).push(...group);
        continue;
      }
      const sorted = [...group].sort(compareActivePods);
      remove.push(...sorted.slice(0, -1));
      left.push(sorted[sorted.length - 1]!);
    }
  }
  if (remove.length < atLeast) remove.push(...left.sort(compareActivePods).slice(0, atLeast - remove.length));
  return remove;
}

/** The lowest `count` indexes below `completions` that no pod covers and that are not done or failed. */
function firstPendingIndexes(ctx: SyncContext, count: number, completions: number): number[] {
  if (count === 0) return [];
  let covered = ctx.succeededIndexes.withIndexes(indexesOf(ctx.activePods));
  if (onlyReplaceFailedPods(ctx.job)) covered = covered.withIndexes(indexesOf(ctx.pods.filter(isPodTerminating)));
  if (ctx.failedIndexes) covered = covered.merge(ctx.failedIndexes);
  const result: number[] = [];
  let candidate = 0;
  for (const iv of covered.intervals) {
    for (; candidate < completions && result.length < count && candidate < iv.first; candidate++) result.push(candidate);
    if (candidate < iv.last + 1) candidate = iv.last + 1;
  }
  for (; candidate < completions && result.length < count; candidate++) result.push(candidate);
  return result;
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
