// The TTL-after-finished controller (pkg/controller/ttlafterfinished): a Job with
// spec.ttlSecondsAfterFinished is deleted, with its pods (Foreground propagation), that many
// seconds after its Complete or Failed condition turned True. The key is looked at again when the
// TTL runs out, on the injected clock; before deleting, a fresh read confirms the TTL still says so.
import { isNotFound } from '../../client/local-client.js';
import type { Job } from '../../machinery/api-types.js';
import type { ControllerContext, ControllerDefinition, ReconcileResult, RunningController } from '../runtime/controller.js';
import { objectKey, splitKey } from '../runtime/informer.js';
import { isJobFinished, jobFinishTime } from '../job/job-conditions.js';

export const ttlAfterFinishedController: ControllerDefinition = {
  name: 'ttl-after-finished',
  start: startTtlAfterFinishedController,
};

function needsCleanup(job: Job): boolean {
  return job.spec?.ttlSecondsAfterFinished !== undefined && isJobFinished(job);
}

function startTtlAfterFinishedController(ctx: ControllerContext): RunningController {
  const jobs = ctx.informers.forResource<Job>('batch', 'v1', 'jobs');
  const jobClient = ctx.client.resource<Job>('batch', 'v1', 'jobs');
  const loop = ctx.reconcileLoop((key) => processJob(key));

  const consider = (job: Job) => {
    if (!job.metadata?.deletionTimestamp && needsCleanup(job)) loop.enqueue(objectKey(job));
  };
  jobs.addHandler({ onAdd: consider, onUpdate: (_old, job) => consider(job) });

  /** Milliseconds until the TTL expires (0 or less: expired), or undefined when there is nothing to clean. */
  function timeLeft(job: Job): number | undefined {
    if (job.metadata?.deletionTimestamp || !needsCleanup(job)) return undefined;
    const finishedAt = jobFinishTime(job);
    if (finishedAt === undefined) throw new Error(`unable to find the time when the Job ${job.metadata?.namespace}/${job.metadata?.name} finished`);
    const now = ctx.clock.now();
    if (finishedAt > now) {
      ctx.log.info('found a Job finished in the future; clock skew? cleanup is deferred', { job: objectKey(job) });
    }
    return finishedAt + job.spec!.ttlSecondsAfterFinished! * 1000 - now;
  }

  async function processJob(key: string): Promise<ReconcileResult | void> {
    const { namespace, name } = splitKey(key);
    const cached = jobs.getByName(namespace, name);
    if (!cached) return;
    const left = timeLeft(cached);
    if (left === undefined) return;
    if (left > 0) return { requeueAfterMs: left };

    // The cache may be stale (the TTL changed): decide on a fresh read.
    const fresh = await jobClient.find(namespace, name);
    if (!fresh) return;
    const freshLeft = timeLeft(fresh);
    if (freshLeft === undefined) return;
    if (freshLeft > 0) return { requeueAfterMs: freshLeft };
    try {
      await jobClient.delete(namespace, name, {
        propagationPolicy: 'Foreground',
        preconditions: { uid: fresh.metadata?.uid, resourceVersion: fresh.metadata?.resourceVersion },
      });
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }

  return { stop: () => loop.stop() };
}
