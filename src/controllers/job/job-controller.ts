// The Job controller (pkg/controller/job): runs each Job's pods to completion, as job-sync.ts
// describes. Pod events wake the pod's Job; a Job that finished or went away has its pods'
// tracking finalizers removed by a second loop over orphaned pods, so nothing blocks their deletion.
import type { Job, Pod } from '../../machinery/api-types.js';
import { labelSelectorFromObject } from '../../machinery/selectors/index.js';
import { isNotFound } from '../../client/local-client.js';
import type { ControllerContext, ControllerDefinition, RunningController } from '../runtime/controller.js';
import { objectKey, splitKey } from '../runtime/informer.js';
import { controllerRefOf } from '../workload/controller-ref.js';
import { claimCandidates, controllerUidIndex, indexOrphanPods, indexPodsByController } from '../workload/pod-indexes.js';
import { controllerLookup } from '../workload/owned-objects.js';
import { isJobFinished } from './job-conditions.js';
import { hasTrackingFinalizer, JobSyncer, managedByExternalController, removeTrackingFinalizerPatch } from './job-sync.js';
import { BackoffStore } from './pod-backoff.js';

export const jobController: ControllerDefinition = {
  name: 'job',
  start: startJobController,
};

function startJobController(ctx: ControllerContext): RunningController {
  const jobs = ctx.informers.forResource<Job>('batch', 'v1', 'jobs');
  const pods = ctx.informers.forResource<Pod>('', 'v1', 'pods');
  indexPodsByController(pods);
  indexOrphanPods(pods);
  const jobClient = ctx.client.resource<Job>('batch', 'v1', 'jobs');
  const podClient = ctx.client.resource<Pod>('', 'v1', 'pods');
  const recorder = ctx.recorder('job-controller');
  const backoff = new BackoffStore();
  const lookup = controllerLookup(jobs, 'Job', (job) => labelSelectorFromObject(job.spec?.selector));
  const selectorOf = lookup.selectorOf;

  const syncer = new JobSyncer({
    jobClient,
    podClient,
    recorder,
    clock: ctx.clock,
    backoff,
    claimCandidates: (job) => claimCandidates(pods, job.metadata?.uid, job.metadata?.namespace),
    selectorOf,
  });

  const loop = ctx.reconcileLoop(async (key) => {
    const { namespace, name } = splitKey(key);
    const job = jobs.getByName(namespace, name);
    if (!job) {
      backoff.remove(key);
      return;
    }
    if (managedByExternalController(job)) return;
    // A finished job is never looked at again.
    if (isJobFinished(job)) {
      backoff.remove(key);
      return;
    }
    const mode = job.spec?.completionMode;
    if (mode !== undefined && mode !== 'NonIndexed' && mode !== 'Indexed') {
      recorder.event(job, 'Warning', 'UnknownCompletionMode', 'Skipped Job sync because completion mode is unknown');
      return;
    }
    return syncer.sync(key, job);
  });

  const orphans = ctx.reconcileLoop((key) => syncOrphanPod(key), { workers: 1, name: 'orphan-pods' });

  const enqueueJob = (job: Job | undefined) => job && loop.enqueue(objectKey(job));
  const enqueueOrphan = (pod: Pod) => orphans.enqueue(objectKey(pod));

  // A pod being deleted (or gone) wakes its job; one whose job is gone or done only needs its finalizer off.
  const podDeleted = (pod: Pod) => {
    const ref = controllerRefOf(pod);
    if (!ref) {
      if (hasTrackingFinalizer(pod)) enqueueOrphan(pod);
      return;
    }
    const job = lookup.controllerOf(pod);
    if (!job || isJobFinished(job)) {
      if (hasTrackingFinalizer(pod)) enqueueOrphan(pod);
      return;
    }
    enqueueJob(job);
  };

  // The job will not remove these finalizers any more.
  const cleanupPodFinalizers = (job: Job) => {
    for (const pod of pods.byIndex(controllerUidIndex, job.metadata?.uid ?? '')) {
      if (hasTrackingFinalizer(pod)) enqueueOrphan(pod);
    }
  };

  pods.addHandler({
    onAdd(pod) {
      if (pod.metadata?.deletionTimestamp) return podDeleted(pod);
      const ref = controllerRefOf(pod);
      if (ref) return enqueueJob(lookup.controllerOf(pod));
      if (hasTrackingFinalizer(pod)) enqueueOrphan(pod);
      for (const job of lookup.selecting(pod)) enqueueJob(job);
    },
    onUpdate(old, pod) {
      if (old.metadata?.resourceVersion === pod.metadata?.resourceVersion) return;
      if (pod.metadata?.deletionTimestamp) return podDeleted(pod);
      const oldRef = controllerRefOf(old);
      const ref = controllerRefOf(pod);
      const refChanged = JSON.stringify(oldRef) !== JSON.stringify(ref);
      if (refChanged && oldRef) enqueueJob(lookup.controllerOf(old));
      if (ref) return enqueueJob(lookup.controllerOf(pod));
      if (hasTrackingFinalizer(pod)) enqueueOrphan(pod);
      const labelsChanged = JSON.stringify(old.metadata?.labels ?? {}) !== JSON.stringify(pod.metadata?.labels ?? {});
      if (labelsChanged || refChanged) for (const job of lookup.selecting(pod)) enqueueJob(job);
    },
    onDelete: podDeleted,
  });

  jobs.addHandler({
    onAdd: (job) => enqueueJob(job),
    onUpdate(_old, job) {
      enqueueJob(job);
      if (isJobFinished(job)) cleanupPodFinalizers(job);
    },
    onDelete(job) {
      enqueueJob(job);
      cleanupPodFinalizers(job);
    },
  });

  async function syncOrphanPod(key: string): Promise<void> {
    const { namespace, name } = splitKey(key);
    const pod = pods.getByName(namespace, name);
    if (!pod || !hasTrackingFinalizer(pod)) return;
    const ref = controllerRefOf(pod);
    if (ref) {
      // Another kind's pod: its finalizers are not ours to touch.
      if (ref.kind !== 'Job' || ref.apiVersion !== 'batch/v1') return;
      const job = lookup.controllerOf(pod);
      if (job && managedByExternalController(job)) return;
      // Adopted meanwhile by a running job: that job counts it.
      if (job && !isJobFinished(job)) return;
    }
    try {
      await podClient.patch(namespace, name, 'strategic', removeTrackingFinalizerPatch);
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }

  return {
    stop() {
      loop.stop();
      orphans.stop();
    },
  };
}
