import assert from 'node:assert/strict';
import { after, afterEach, before, describe, test } from 'node:test';
import type { CronJob, Event, Job, Pod } from '../../machinery/api-types.js';
import { startTestCluster, type TestCluster } from '../../testing/test-cluster.js';
import { markPodFinished } from '../../testing/pod-status.js';

let c: TestCluster;

before(async () => {
  c = await startTestCluster({ controllers: ['job', 'cronjob'] });
});
after(async () => {
  await c.stop();
});
// A CronJob left behind would keep creating jobs while later tests move the clock.
afterEach(async () => {
  for (const cj of (await cronJobs().list('default')).items) await cronJobs().delete('default', cj.metadata!.name!);
  await c.settle();
});

const cronJobs = () => c.client.resource<CronJob>('batch', 'v1', 'cronjobs');
const jobs = () => c.client.resource<Job>('batch', 'v1', 'jobs');
const pods = () => c.client.resource<Pod>('', 'v1', 'pods');
const minute = 60_000;
const hour = 60 * minute;
const delta = 100; // the controller looks 100 ms after each scheduled time

function cronJob(name: string, schedule: string, spec: Partial<CronJob['spec']> = {}): CronJob {
  return {
    apiVersion: 'batch/v1',
    kind: 'CronJob',
    metadata: { name },
    spec: {
      schedule,
      jobTemplate: {
        metadata: { labels: { app: name }, annotations: { team: 'batch' } },
        spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'busybox' }] } } },
      },
      ...spec,
    },
  };
}

/** Moves the clock to the next multiple of `period` (an hour, a day) so schedule times are round. */
async function alignTo(period: number): Promise<number> {
  const now = c.clock.now();
  await c.advance(period - (now % period));
  return c.clock.now();
}

async function jobsOf(cj: CronJob): Promise<Job[]> {
  const all = (await jobs().list('default')).items.filter((j) => j.metadata?.ownerReferences?.some((r) => r.uid === cj.metadata?.uid));
  return all.sort((a, b) => (a.metadata!.name! < b.metadata!.name! ? -1 : 1));
}

async function eventsOf(name: string, reason?: string): Promise<Event[]> {
  return (await c.client.resource<Event>('', 'v1', 'events').list('default')).items.filter(
    (e) => e.involvedObject?.name === name && (!reason || e.reason === reason),
  );
}

/** Plays the kubelet: the job's pods finish, and the job controller completes or fails the job. */
async function finishJob(job: Job, phase: 'Succeeded' | 'Failed'): Promise<void> {
  const own = (await pods().list('default')).items.filter((p) => p.metadata?.ownerReferences?.some((r) => r.uid === job.metadata?.uid));
  assert.ok(own.length > 0, `job ${job.metadata?.name} has pods`);
  for (const p of own) await markPodFinished(c.client, p, phase, c.clock.now());
  await c.settle();
}

const jobName = (cj: string, at: number) => `${cj}-${Math.floor(at / minute)}`;

describe('CronJob controller', () => {
  test('creates a job exactly at each scheduled time, from the template', async () => {
    const t0 = await alignTo(hour);
    const cj = await cronJobs().create('default', cronJob('every5', '*/5 * * * *'));
    await c.settle();
    await c.advance(5 * minute - 1);
    assert.equal((await jobsOf(cj)).length, 0, 'nothing before the schedule');
    await c.advance(1 + delta);
    const [job] = await jobsOf(cj);
    assert.equal(job?.metadata!.name, jobName('every5', t0 + 5 * minute));
    assert.equal(job!.metadata!.labels!.app, 'every5');
    assert.equal(job!.metadata!.annotations!.team, 'batch');
    assert.equal(job!.metadata!.annotations!['batch.kubernetes.io/cronjob-scheduled-timestamp'], new Date(t0 + 5 * minute).toISOString().replace('.000', ''));
    assert.deepEqual(job!.metadata!.ownerReferences, [
      { apiVersion: 'batch/v1', kind: 'CronJob', name: 'every5', uid: cj.metadata!.uid, controller: true, blockOwnerDeletion: true },
    ]);
    let status = (await cronJobs().get('default', 'every5')).status!;
    assert.equal(status.lastScheduleTime, new Date(t0 + 5 * minute).toISOString().replace('.000', ''));
    // The reference carries the resourceVersion the job was created with.
    assert.deepEqual({ ...status.active![0], resourceVersion: undefined }, {
      kind: 'Job',
      namespace: 'default',
      name: job!.metadata!.name,
      uid: job!.metadata!.uid,
      apiVersion: 'batch/v1',
      resourceVersion: undefined,
    });
    assert.equal((await eventsOf('every5', 'SuccessfulCreate'))[0]?.message, `Created job ${job!.metadata!.name}`);
    // The Job controller runs it.
    assert.equal((await pods().list('default')).items.filter((p) => p.metadata?.labels?.['job-name'] === job!.metadata!.name).length, 1);

    await finishJob(job!, 'Succeeded');
    status = (await cronJobs().get('default', 'every5')).status!;
    assert.equal(status.active, undefined);
    assert.equal(status.lastSuccessfulTime, (await jobs().get('default', job!.metadata!.name!)).status!.completionTime);
    assert.equal((await eventsOf('every5', 'SawCompletedJob'))[0]?.message, `Saw completed job: ${job!.metadata!.name}, condition: Complete`);

    await c.advance(5 * minute);
    assert.deepEqual((await jobsOf(cj)).map((j) => j.metadata!.name), [jobName('every5', t0 + 5 * minute), jobName('every5', t0 + 10 * minute)]);
  });

  test('spec.timeZone: the schedule is read in that zone', async () => {
    const midnightUtc = await alignTo(24 * hour); // 09:00 in Tokyo
    const cj = await cronJobs().create('default', cronJob('tokyo', '0 9 * * *', { timeZone: 'Asia/Tokyo' }));
    await c.settle();
    await c.advance(24 * hour - 1);
    assert.equal((await jobsOf(cj)).length, 0);
    await c.advance(1 + delta);
    const [job] = await jobsOf(cj);
    assert.equal(job?.metadata!.name, jobName('tokyo', midnightUtc + 24 * hour));
    const expectedDay = new Date(midnightUtc + 24 * hour).toISOString().slice(0, 10);
    assert.equal(job!.metadata!.annotations!['batch.kubernetes.io/cronjob-scheduled-timestamp'], `${expectedDay}T09:00:00+09:00`);
  });

  test('@every counts from the creation time', async () => {
    const t0 = await alignTo(hour);
    const cj = await cronJobs().create('default', cronJob('every90', '@every 90s'));
    await c.settle();
    await c.advance(90_000 + delta);
    assert.deepEqual((await jobsOf(cj)).map((j) => j.metadata!.name), [jobName('every90', t0 + 90_000)]);
  });

  test('concurrencyPolicy Forbid skips a run while the last one is active', async () => {
    const t0 = await alignTo(hour);
    const cj = await cronJobs().create('default', cronJob('forbid', '* * * * *', { concurrencyPolicy: 'Forbid' }));
    await c.settle();
    await c.advance(minute + delta);
    const [first] = await jobsOf(cj);
    assert.ok(first);
    await c.advance(minute);
    assert.equal((await jobsOf(cj)).length, 1);
    assert.equal(
      (await eventsOf('forbid', 'JobAlreadyActive'))[0]?.message,
      'Not starting job because prior execution is running and concurrency policy is Forbid',
    );
    // As upstream: the skipped time was never recorded as run, so it starts once the first job is done.
    await finishJob(first!, 'Succeeded');
    assert.deepEqual((await jobsOf(cj)).map((j) => j.metadata!.name), [jobName('forbid', t0 + minute), jobName('forbid', t0 + 2 * minute)]);
  });

  test('concurrencyPolicy Replace deletes the active job and starts the new one', async () => {
    const t0 = await alignTo(hour);
    const cj = await cronJobs().create('default', cronJob('replace', '* * * * *', { concurrencyPolicy: 'Replace' }));
    await c.settle();
    await c.advance(minute + delta);
    const [first] = await jobsOf(cj);
    await c.advance(minute);
    const left = await jobsOf(cj);
    assert.deepEqual(left.map((j) => j.metadata!.name), [jobName('replace', t0 + 2 * minute)]);
    assert.equal((await eventsOf('replace', 'SuccessfulDelete'))[0]?.message, `Deleted job ${first!.metadata!.name}`);
    const status = (await cronJobs().get('default', 'replace')).status!;
    assert.deepEqual(status.active!.map((a) => a.name), [left[0]!.metadata!.name]);
  });

  test('history limits keep the newest finished jobs', async () => {
    await alignTo(hour);
    const cj = await cronJobs().create('default', cronJob('history', '* * * * *', { successfulJobsHistoryLimit: 1, failedJobsHistoryLimit: 1 }));
    await c.settle();
    const names: string[] = [];
    for (let i = 0; i < 3; i++) {
      await c.advance(minute + delta - (i === 0 ? 0 : delta));
      const newest = (await jobsOf(cj)).at(-1)!;
      names.push(newest.metadata!.name!);
      await finishJob(newest, 'Succeeded');
    }
    assert.deepEqual((await jobsOf(cj)).map((j) => j.metadata!.name), [names[2]]);
    assert.deepEqual((await eventsOf('history', 'SuccessfulDelete')).map((e) => e.message).sort(), [`Deleted job ${names[0]}`, `Deleted job ${names[1]}`]);
  });

  test('missed times: more than 100 are reported, and only the latest one runs', async () => {
    const t0 = await alignTo(hour);
    const cj = await cronJobs().create('default', cronJob('late', '* * * * *', { suspend: true }));
    await c.settle();
    await c.advance(200 * minute);
    assert.equal((await jobsOf(cj)).length, 0, 'a suspended CronJob starts nothing');
    await cronJobs().mutate('default', 'late', (x) => ({ ...x, spec: { ...x.spec, suspend: false } }));
    await c.settle();
    assert.deepEqual((await jobsOf(cj)).map((j) => j.metadata!.name), [jobName('late', t0 + 200 * minute)]);
    assert.equal(
      (await eventsOf('late', 'TooManyMissedTimes'))[0]?.message,
      'too many missed start times. Set or decrease .spec.startingDeadlineSeconds or check clock skew',
    );
  });

  test('startingDeadlineSeconds: a time missed by more than the deadline is skipped', async () => {
    const t0 = await alignTo(hour);
    const cj = await cronJobs().create('default', cronJob('deadline', '0 * * * *', { suspend: true, startingDeadlineSeconds: 10 }));
    await c.settle();
    await c.advance(90 * minute);
    await cronJobs().mutate('default', 'deadline', (x) => ({ ...x, spec: { ...x.spec, suspend: false } }));
    await c.settle();
    assert.equal((await jobsOf(cj)).length, 0, 'the 01:00 run is 30 minutes late: too late to start');
    assert.equal((await eventsOf('deadline', 'TooManyMissedTimes')).length, 0);
    await c.advance(30 * minute + delta);
    assert.deepEqual((await jobsOf(cj)).map((j) => j.metadata!.name), [jobName('deadline', t0 + 2 * hour)]);

    // Within the deadline, a late controller still starts the run.
    const other = await cronJobs().create('default', cronJob('in-time', '0 * * * *', { startingDeadlineSeconds: 300 }));
    await c.settle();
    await c.advance(hour + 2 * minute); // the timer fires, but the clock is already 2 minutes past the hour
    assert.equal((await jobsOf(other)).length, 1);
  });

  test('a job the controller did not create is reported', async () => {
    await alignTo(hour);
    const cj = await cronJobs().create('default', cronJob('adopt', '0 0 1 1 *'));
    await c.settle();
    // What `kubectl create job --from=cronjob/adopt manual` sends.
    await jobs().create('default', {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: {
        name: 'manual',
        annotations: { 'cronjob.kubernetes.io/instantiate': 'manual' },
        ownerReferences: [{ apiVersion: 'batch/v1', kind: 'CronJob', name: 'adopt', uid: cj.metadata!.uid!, controller: true }],
      },
      spec: structuredClone(cj.spec.jobTemplate.spec)!,
    });
    await c.settle();
    assert.equal((await eventsOf('adopt', 'UnexpectedJob'))[0]?.message, 'Saw a job that the controller did not create or forgot: manual');
    assert.equal((await pods().list('default')).items.filter((p) => p.metadata?.labels?.['job-name'] === 'manual').length, 1, 'the Job controller runs it');
    await jobs().delete('default', 'manual');
  });
});
