// The CronJob controller (pkg/controller/cronjob, v2): at each scheduled time, create a Job from
// the jobTemplate named <cronjob>-<scheduled time in minutes since the epoch>, honouring suspend,
// startingDeadlineSeconds and concurrencyPolicy (Allow, Forbid, Replace); keep status.active,
// lastScheduleTime and lastSuccessfulTime; delete the oldest finished Jobs beyond the history
// limits. Each CronJob is looked at again at its next scheduled time, on the injected clock.
import { isAlreadyExists, isNotFound } from '../../client/local-client.js';
import { isApiError } from '../../apierrors/index.js';
import type { CronJob, Job, OwnerReference } from '../../machinery/api-types.js';
import type { ControllerContext, ControllerDefinition, ReconcileResult, RunningController } from '../runtime/controller.js';
import type { EventRecorder } from '../runtime/event-recorder.js';
import { objectKey, splitKey } from '../runtime/informer.js';
import { controllerRefOf, newControllerRef } from '../workload/controller-ref.js';
import { finishedConditionType, formatTime, isJobFinished, isJobSucceeded } from '../job/job-conditions.js';
import { CronScheduleError, parseCronSchedule, type CronSchedule } from './cron-schedule.js';
import { mostRecentScheduleTime, nextScheduleDelayMs } from './schedule-times.js';
import { formatRfc3339In, isKnownTimeZone } from './time-zones.js';
import { objectReference } from '../../machinery/object-reference.js';

export const cronJobController: ControllerDefinition = {
  name: 'cronjob',
  start: startCronJobController,
};

export const scheduledTimestampAnnotation = 'batch.kubernetes.io/cronjob-scheduled-timestamp';

type CronJobStatus = NonNullable<CronJob['status']>;

/** <cronjob>-<minutes since the epoch>: one name per scheduled time, so a time never runs twice. */
export function jobNameFor(cronJobName: string, scheduledTime: number): string {
  return `${cronJobName}-${Math.floor(scheduledTime / 60_000)}`;
}

/** The schedule the parser sees: spec.timeZone becomes a TZ= prefix. */
function formatSchedule(cj: CronJob, recorder: EventRecorder | undefined): string {
  const schedule = cj.spec?.schedule ?? '';
  if (schedule.includes('TZ')) {
    recorder?.event(
      cj,
      'Warning',
      'UnsupportedSchedule',
      `CRON_TZ or TZ used in schedule ${JSON.stringify(schedule)} is not officially supported, see https://kubernetes.io/docs/concepts/workloads/controllers/cron-jobs/ for more details`,
    );
    return schedule;
  }
  const zone = cj.spec?.timeZone;
  if (zone !== undefined && isKnownTimeZone(zone)) return `TZ=${zone} ${schedule}`;
  return schedule;
}

function startCronJobController(ctx: ControllerContext): RunningController {
  const cronJobs = ctx.informers.forResource<CronJob>('batch', 'v1', 'cronjobs');
  const jobs = ctx.informers.forResource<Job>('batch', 'v1', 'jobs');
  const cronJobClient = ctx.client.resource<CronJob>('batch', 'v1', 'cronjobs');
  const jobClient = ctx.client.resource<Job>('batch', 'v1', 'jobs');
  const recorder = ctx.recorder('cronjob-controller');
  const now = () => ctx.clock.now();

  const loop = ctx.reconcileLoop((key) => sync(key));

  const resolveRef = (namespace: string | undefined, ref: OwnerReference): CronJob | undefined => {
    if (ref.kind !== 'CronJob') return undefined;
    const cj = cronJobs.getByName(namespace, ref.name);
    return cj && cj.metadata?.uid === ref.uid ? cj : undefined;
  };
  const enqueue = (cj: CronJob | undefined) => cj && loop.enqueue(objectKey(cj));
  const enqueueOwner = (job: Job) => {
    const ref = controllerRefOf(job);
    if (ref) enqueue(resolveRef(job.metadata?.namespace, ref));
  };

  jobs.addHandler({
    onAdd: enqueueOwner,
    onUpdate(old, job) {
      if (old.metadata?.resourceVersion === job.metadata?.resourceVersion) return;
      const oldRef = controllerRefOf(old);
      if (oldRef && JSON.stringify(oldRef) !== JSON.stringify(controllerRefOf(job))) enqueue(resolveRef(old.metadata?.namespace, oldRef));
      enqueueOwner(job);
    },
    onDelete: enqueueOwner,
  });

  cronJobs.addHandler({
    onAdd: (cj) => enqueue(cj),
    onUpdate(old, cj) {
      // A new schedule is looked at when it next comes due; any other change at once.
      if (old.spec?.schedule !== cj.spec?.schedule || old.spec?.timeZone !== cj.spec?.timeZone) {
        let schedule: CronSchedule;
        try {
          schedule = parseCronSchedule(formatSchedule(cj, undefined));
        } catch {
          recorder.event(cj, 'Warning', 'UnParseableCronJobSchedule', `unparseable schedule for cronjob: ${cj.spec?.schedule}`);
          return;
        }
        const delay = nextScheduleDelayMs(cj, now(), schedule);
        if (delay !== undefined) loop.enqueueAfter(objectKey(cj), delay);
        return;
      }
      enqueue(cj);
    },
    onDelete: (cj) => enqueue(cj),
  });

  async function sync(key: string): Promise<ReconcileResult | void> {
    const { namespace, name } = splitKey(key);
    const shared = cronJobs.getByName(namespace, name);
    if (!shared) return;
    // Every job naming a controller of this name, even one whose labels no longer match.
    const children = jobs.list(namespace ?? '').filter((j) => controllerRefOf(j)?.name === name);
    let cj = structuredClone(shared);
    cj.status ??= {};
    const cleanedUp = await cleanupFinishedJobs(cj, children);
    const result = await syncCronJob(cj, children);
    cj = result.cronJob;
    if (cleanedUp || result.updateStatus) {
      await cronJobClient.updateStatus(namespace, { ...cj, status: wireStatus(cj.status ?? {}) });
    }
    if (result.requeueAfterMs !== undefined) return { requeueAfterMs: Math.max(0, result.requeueAfterMs) };
    if (result.error !== undefined) throw result.error;
  }

  interface SyncResult {
    cronJob: CronJob;
    updateStatus: boolean;
    requeueAfterMs?: number;
    error?: unknown;
  }

  async function syncCronJob(cronJob: CronJob, children: readonly Job[]): Promise<SyncResult> {
    let cj = cronJob;
    const current = now();
    let updateStatus = false;
    const done = (extra: Partial<SyncResult> = {}): SyncResult => ({ cronJob: cj, updateStatus, ...extra });
    const status = () => (cj.status ??= {});

    const childUids = new Set<string>();
    for (const job of children) {
      const uid = job.metadata?.uid ?? '';
      childUids.add(uid);
      const found = inActiveList(cj, uid);
      if (!found && !isJobFinished(job)) {
        // Perhaps our status is older than our jobs: a fresh read may list it.
        let fresh: CronJob;
        try {
          fresh = await cronJobClient.get(cj.metadata?.namespace, cj.metadata?.name ?? '');
        } catch (err) {
          return done({ error: err });
        }
        if (inActiveList(fresh, uid)) {
          cj = fresh;
          continue;
        }
        recorder.event(cj, 'Warning', 'UnexpectedJob', `Saw a job that the controller did not create or forgot: ${job.metadata?.name}`);
      } else if (found && isJobFinished(job)) {
        removeFromActiveList(cj, uid);
        recorder.event(cj, 'Normal', 'SawCompletedJob', `Saw completed job: ${job.metadata?.name}, condition: ${finishedConditionType(job)}`);
        updateStatus = true;
      } else if (isJobSucceeded(job)) {
        // A job need not be active to tell when the last success was.
        const completed = job.status?.completionTime;
        const last = status().lastSuccessfulTime;
        if (completed && (!last || Date.parse(completed) > Date.parse(last))) {
          status().lastSuccessfulTime = completed;
          updateStatus = true;
        }
      }
    }

    // An active job that is gone would keep the CronJob "active" forever.
    for (const ref of [...(status().active ?? [])]) {
      if (childUids.has(ref.uid ?? '')) continue;
      try {
        await jobClient.get(ref.namespace, ref.name ?? '');
      } catch (err) {
        if (!isNotFound(err)) return done({ error: err });
        recorder.event(cj, 'Normal', 'MissingJob', `Active job went missing: ${ref.name}`);
        removeFromActiveList(cj, ref.uid ?? '');
        updateStatus = true;
      }
    }

    if (cj.metadata?.deletionTimestamp) return done();

    const zone = cj.spec?.timeZone;
    if (zone !== undefined && !isKnownTimeZone(zone)) {
      recorder.event(cj, 'Warning', 'UnknownTimeZone', `invalid timeZone: ${JSON.stringify(zone)}: unknown time zone ${zone}`);
      return done();
    }
    if (cj.spec?.suspend) return done();

    let schedule: CronSchedule;
    try {
      schedule = parseCronSchedule(formatSchedule(cj, recorder));
    } catch (err) {
      const message = err instanceof CronScheduleError ? err.message : String(err);
      recorder.event(cj, 'Warning', 'UnparseableSchedule', `unparseable schedule: ${JSON.stringify(cj.spec?.schedule)} : ${message}`);
      return done();
    }
    const requeue = () => done({ requeueAfterMs: nextScheduleDelayMs(cj, current, schedule) });

    const recent = mostRecentScheduleTime(cj, current, schedule, true);
    if (recent.error) {
      recorder.event(cj, 'Warning', 'InvalidSchedule', `invalid schedule: ${cj.spec?.schedule} : ${recent.error}`);
      return done();
    }
    const scheduledTime = recent.mostRecent;
    if (scheduledTime === undefined || scheduledTime > current) return requeue();
    if (recent.missed === 'many') {
      recorder.event(cj, 'Warning', 'TooManyMissedTimes', 'too many missed start times. Set or decrease .spec.startingDeadlineSeconds or check clock skew');
    }

    const deadline = cj.spec?.startingDeadlineSeconds;
    if (deadline !== undefined && scheduledTime + deadline * 1000 < current) {
      recorder.event(cj, 'Warning', 'MissSchedule', `Missed scheduled time to start a job: ${rfc1123z(scheduledTime)}`);
      return requeue();
    }
    const jobName = jobNameFor(cj.metadata?.name ?? '', scheduledTime);
    const lastSchedule = status().lastScheduleTime;
    if ((status().active ?? []).some((a) => a.name === jobName && a.namespace === cj.metadata?.namespace) || (lastSchedule && Date.parse(lastSchedule) === scheduledTime)) {
      return requeue(); // this time was handled already
    }
    if (cj.spec?.concurrencyPolicy === 'Forbid' && (status().active?.length ?? 0) > 0) {
      recorder.event(cj, 'Normal', 'JobAlreadyActive', 'Not starting job because prior execution is running and concurrency policy is Forbid');
      return requeue();
    }
    if (cj.spec?.concurrencyPolicy === 'Replace') {
      for (const ref of [...(status().active ?? [])]) {
        let job: Job;
        try {
          job = await jobClient.get(ref.namespace, ref.name ?? '');
        } catch (err) {
          recorder.event(cj, 'Warning', 'FailedGet', `Get job: ${errorText(err)}`);
          return done({ error: err });
        }
        if (!(await deleteJob(cj, job))) return done({ error: new Error(`could not replace job ${job.metadata?.namespace}/${job.metadata?.name}`) });
        updateStatus = true;
      }
    }

    const request = jobFromTemplate(cj, scheduledTime);
    let created: Job;
    try {
      created = await jobClient.create(cj.metadata?.namespace, request);
      recorder.event(cj, 'Normal', 'SuccessfulCreate', `Created job ${created.metadata?.name}`);
    } catch (err) {
      if (isApiError(err) && err.status.details?.causes?.some((c) => c.reason === 'NamespaceTerminating')) return done({ error: err });
      if (!isAlreadyExists(err)) {
        recorder.event(cj, 'Warning', 'FailedCreate', `Error creating job: ${errorText(err)}`);
        return done({ error: err });
      }
      // Created earlier without the status update that should have followed: record it now,
      // unless someone else made it.
      try {
        created = await jobClient.get(cj.metadata?.namespace, request.metadata!.name!);
      } catch (getErr) {
        return done({ error: getErr });
      }
      const ref = controllerRefOf(created);
      if (ref?.uid !== cj.metadata?.uid || inActiveList(cj, created.metadata?.uid ?? '')) return done();
    }
    (status().active ??= []).push(objectReference(created, { kind: 'Job', apiVersion: 'batch/v1' }));
    status().lastScheduleTime = formatTime(scheduledTime);
    updateStatus = true;
    return requeue();
  }

  /** Deletes the oldest finished jobs beyond successfulJobsHistoryLimit and failedJobsHistoryLimit. */
  async function cleanupFinishedJobs(cj: CronJob, children: readonly Job[]): Promise<boolean> {
    const successfulLimit = cj.spec?.successfulJobsHistoryLimit;
    const failedLimit = cj.spec?.failedJobsHistoryLimit;
    if (successfulLimit === undefined && failedLimit === undefined) return false;
    const successful = children.filter((j) => finishedConditionType(j) === 'Complete');
    const failed = children.filter((j) => finishedConditionType(j) === 'Failed');
    let updated = false;
    if (successfulLimit !== undefined && (await removeOldestJobs(cj, successful, successfulLimit))) updated = true;
    if (failedLimit !== undefined && (await removeOldestJobs(cj, failed, failedLimit))) updated = true;
    return updated;
  }

  async function removeOldestJobs(cj: CronJob, finished: readonly Job[], keep: number): Promise<boolean> {
    const surplus = finished.length - keep;
    if (surplus <= 0) return false;
    let updated = false;
    for (const job of [...finished].sort(byStartTime).slice(0, surplus)) {
      if (await deleteJob(cj, job)) updated = true;
    }
    return updated;
  }

  /** Deletes the job (its pods go with it, in the background) and drops it from status.active. */
  async function deleteJob(cj: CronJob, job: Job): Promise<boolean> {
    try {
      await jobClient.delete(job.metadata?.namespace, job.metadata?.name ?? '', { propagationPolicy: 'Background' });
    } catch (err) {
      recorder.event(cj, 'Warning', 'FailedDelete', `Deleted job: ${errorText(err)}`);
      ctx.log.error('could not delete a job of a cronjob', { job: `${job.metadata?.namespace}/${job.metadata?.name}`, err: errorText(err) });
      return false;
    }
    removeFromActiveList(cj, job.metadata?.uid ?? '');
    recorder.event(cj, 'Normal', 'SuccessfulDelete', `Deleted job ${job.metadata?.name}`);
    return true;
  }

  return { stop: () => loop.stop() };
}

/** The Job for one scheduled time: the template's labels, annotations and spec, owned by the CronJob. */
export function jobFromTemplate(cj: CronJob, scheduledTime: number): Job {
  const template = cj.spec?.jobTemplate;
  const annotations: Record<string, string> = { ...template?.metadata?.annotations };
  annotations[scheduledTimestampAnnotation] = formatRfc3339In(scheduledTime, cj.spec?.timeZone ?? 'UTC');
  const metadata: NonNullable<Job['metadata']> = { name: jobNameFor(cj.metadata?.name ?? '', scheduledTime) };
  if (template?.metadata?.labels && Object.keys(template.metadata.labels).length > 0) metadata.labels = { ...template.metadata.labels };
  metadata.annotations = annotations;
  metadata.ownerReferences = [newControllerRef(cj, 'batch/v1', 'CronJob')];
  return { apiVersion: 'batch/v1', kind: 'Job', metadata, spec: structuredClone(template?.spec) as Job['spec'] };
}

function inActiveList(cj: CronJob, uid: string): boolean {
  return !!cj.status?.active?.some((a) => a.uid === uid);
}

function removeFromActiveList(cj: CronJob, uid: string): void {
  if (!cj.status) return;
  cj.status.active = (cj.status.active ?? []).filter((a) => a.uid !== uid);
}

/** Oldest start first, jobs that never started last, names breaking ties. */
function byStartTime(a: Job, b: Job): number {
  const sa = a.status?.startTime;
  const sb = b.status?.startTime;
  if (!sa || !sb) {
    if (sa === sb) return (a.metadata?.name ?? '') < (b.metadata?.name ?? '') ? -1 : 1;
    return sa ? -1 : 1;
  }
  const diff = Date.parse(sa) - Date.parse(sb);
  if (diff !== 0) return diff;
  return (a.metadata?.name ?? '') < (b.metadata?.name ?? '') ? -1 : 1;
}

/** CronJobStatus as Go serializes it: an empty active list is left out. */
function wireStatus(s: CronJobStatus): CronJobStatus {
  const out: CronJobStatus = {};
  if (s.active?.length) out.active = s.active;
  if (s.lastScheduleTime) out.lastScheduleTime = s.lastScheduleTime;
  if (s.lastSuccessfulTime) out.lastSuccessfulTime = s.lastSuccessfulTime;
  return out;
}

const weekdays = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** Go's time.RFC1123Z of a UTC time: "Thu, 01 Jan 2026 00:05:00 +0000". */
function rfc1123z(ms: number): string {
  const d = new Date(ms);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${weekdays[d.getUTCDay()]}, ${two(d.getUTCDate())} ${months[d.getUTCMonth()]} ${d.getUTCFullYear()} ${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())} +0000`;
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
