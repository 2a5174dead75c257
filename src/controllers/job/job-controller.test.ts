import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Event, Job, Pod } from '../../machinery/api-types.js';
import { startTestCluster, type TestCluster } from '../../testing/test-cluster.js';
import { markPodFinished, markPodReady } from '../../testing/pod-status.js';

let c: TestCluster;

before(async () => {
  c = await startTestCluster({ controllers: ['job'] });
});
after(async () => {
  await c.stop();
});

const jobs = () => c.client.resource<Job>('batch', 'v1', 'jobs');
const podClient = () => c.client.resource<Pod>('', 'v1', 'pods');
const tracking = 'batch.kubernetes.io/job-tracking';

function job(name: string, spec: Partial<NonNullable<Job['spec']>> = {}): Job {
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name },
    spec: {
      template: { spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'busybox' }] } },
      ...spec,
    },
  };
}

async function podsOf(j: Job): Promise<Pod[]> {
  const all = (await podClient().list('default')).items.filter((p) => p.metadata?.ownerReferences?.some((r) => r.uid === j.metadata?.uid));
  return all.sort((a, b) => (a.metadata!.name! < b.metadata!.name! ? -1 : 1));
}

const activeOf = (pods: Pod[]) => pods.filter((p) => !p.status?.phase || p.status.phase === 'Pending' || p.status.phase === 'Running');

async function eventsOf(name: string): Promise<Event[]> {
  return (await c.client.resource<Event>('', 'v1', 'events').list('default')).items.filter((e) => e.involvedObject?.name === name);
}

async function finish(pod: Pod, phase: 'Succeeded' | 'Failed', exitCode?: number): Promise<void> {
  await markPodFinished(c.client, pod, phase, c.clock.now(), exitCode);
  await c.settle();
}

const conditionSummary = (j: Job) => (j.status?.conditions ?? []).map((x) => `${x.type}=${x.status}/${x.reason ?? ''}: ${x.message ?? ''}`);

describe('Job controller', () => {
  test('runs completions pods, parallelism at a time, and completes', async () => {
    const created = await jobs().create('default', job('batch', { completions: 3, parallelism: 2 }));
    await c.settle();
    let pods = await podsOf(created);
    assert.equal(pods.length, 2);
    for (const p of pods) {
      assert.match(p.metadata!.name!, /^batch-[a-z0-9]{5}$/);
      assert.deepEqual(p.metadata!.finalizers, [tracking]);
      assert.equal(p.metadata!.labels!['batch.kubernetes.io/job-name'], 'batch');
      assert.deepEqual(p.metadata!.ownerReferences, [
        { apiVersion: 'batch/v1', kind: 'Job', name: 'batch', uid: created.metadata!.uid, controller: true, blockOwnerDeletion: true },
      ]);
    }
    let status = (await jobs().get('default', 'batch')).status!;
    assert.deepEqual(status, { startTime: '2026-01-01T00:00:00Z', active: 2, terminating: 0, uncountedTerminatedPods: {}, ready: 0 });

    await markPodReady(c.client, pods[0]!, c.clock.now());
    await c.settle();
    assert.equal((await jobs().get('default', 'batch')).status!.ready, 1);

    await c.advance(5000);
    await finish(pods[0]!, 'Succeeded');
    pods = await podsOf(created);
    assert.equal(pods.length, 3, 'a third pod replaces the finished one');
    assert.deepEqual((await podClient().get('default', pods.find((p) => p.status?.phase === 'Succeeded')!.metadata!.name!)).metadata!.finalizers, undefined);
    status = (await jobs().get('default', 'batch')).status!;
    assert.equal(status.succeeded, 1);
    assert.equal(status.active, 2);

    for (const p of activeOf(pods)) await finish(p, 'Succeeded');
    const done = await jobs().get('default', 'batch');
    assert.deepEqual(conditionSummary(done), [
      'SuccessCriteriaMet=True/CompletionsReached: Reached expected number of succeeded pods',
      'Complete=True/CompletionsReached: Reached expected number of succeeded pods',
    ]);
    assert.equal(done.status!.completionTime, '2026-01-01T00:00:05Z');
    assert.equal(done.status!.succeeded, 3);
    assert.equal(done.status!.active, undefined);
    assert.deepEqual(done.status!.uncountedTerminatedPods, {});
    assert.equal((await podsOf(created)).length, 3, 'no pod beyond completions');

    const events = await eventsOf('batch');
    assert.equal(events.filter((e) => e.reason === 'SuccessfulCreate').length, 3);
    assert.match(events.find((e) => e.reason === 'SuccessfulCreate')!.message!, /^Created pod: batch-/);
    const completed = events.find((e) => e.reason === 'Completed')!;
    assert.equal(completed.message, 'Job completed');
    assert.equal(completed.source?.component, 'job-controller');
  });

  test('without completions, the first success ends the job once the others stop', async () => {
    const created = await jobs().create('default', job('work-queue', { parallelism: 2 }));
    // The API server defaults completions to 1 only when parallelism is unset too.
    assert.equal(created.spec!.completions, undefined);
    await c.settle();
    const pods = await podsOf(created);
    assert.equal(pods.length, 2);
    await finish(pods[0]!, 'Succeeded');
    assert.equal((await podsOf(created)).length, 2, 'nothing new starts after a success');
    assert.equal(conditionSummary(await jobs().get('default', 'work-queue')).length, 0);
    await finish(pods[1]!, 'Succeeded');
    assert.ok(conditionSummary(await jobs().get('default', 'work-queue')).includes('Complete=True/CompletionsReached: Reached expected number of succeeded pods'));
  });

  test('Indexed: one pod per index, named, labelled and counted by index', async () => {
    const created = await jobs().create('default', job('idx', { completions: 3, parallelism: 3, completionMode: 'Indexed' }));
    await c.settle();
    const pods = await podsOf(created);
    assert.equal(pods.length, 3);
    for (const [i, p] of pods.entries()) {
      assert.match(p.metadata!.name!, new RegExp(`^idx-${i}-[a-z0-9]{5}$`));
      assert.equal(p.metadata!.annotations!['batch.kubernetes.io/job-completion-index'], String(i));
      assert.equal(p.metadata!.labels!['batch.kubernetes.io/job-completion-index'], String(i));
      assert.equal(p.spec!.hostname, `idx-${i}`);
      assert.deepEqual(p.spec!.containers[0]!.env, [
        { name: 'JOB_COMPLETION_INDEX', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: "metadata.labels['batch.kubernetes.io/job-completion-index']" } } },
      ]);
    }
    await finish(pods[0]!, 'Succeeded');
    await finish(pods[2]!, 'Succeeded');
    let status = (await jobs().get('default', 'idx')).status!;
    assert.equal(status.completedIndexes, '0,2');
    assert.equal(status.succeeded, 2);
    await finish(pods[1]!, 'Succeeded');
    status = (await jobs().get('default', 'idx')).status!;
    assert.equal(status.completedIndexes, '0-2');
    assert.ok(status.conditions!.some((x) => x.type === 'Complete'));
  });

  test('a failed index is replaced by a pod of the same index after the back-off', async () => {
    const created = await jobs().create('default', job('idx-retry', { completions: 2, parallelism: 2, completionMode: 'Indexed' }));
    await c.settle();
    const [first] = await podsOf(created);
    await finish(first!, 'Failed');
    let pods = await podsOf(created);
    assert.equal(pods.length, 2, 'no replacement during the back-off');
    await c.advance(10_000);
    pods = await podsOf(created);
    const index0 = pods.filter((p) => p.metadata!.annotations!['batch.kubernetes.io/job-completion-index'] === '0');
    assert.equal(index0.length, 2);
    assert.equal((await jobs().get('default', 'idx-retry')).status!.failed, 1);
  });

  test('backoffLimit: pods fail, are replaced after 10 s then 20 s, and the job fails', async () => {
    const created = await jobs().create('default', job('flaky', { backoffLimit: 2 }));
    await c.settle();
    const start = c.clock.now();
    for (let attempt = 0; attempt < 3; attempt++) {
      const running = activeOf(await podsOf(created));
      assert.equal(running.length, 1, `attempt ${attempt} has one pod`);
      await finish(running[0]!, 'Failed');
      if (attempt === 2) break;
      const wait = 10_000 * 2 ** attempt;
      await c.advance(wait - 1000);
      assert.equal(activeOf(await podsOf(created)).length, 0, 'still backing off');
      assert.equal((await jobs().get('default', 'flaky')).status!.active, undefined);
      await c.advance(1000);
    }
    assert.equal(c.clock.now() - start, 30_000);
    const failed = await jobs().get('default', 'flaky');
    assert.deepEqual(conditionSummary(failed), [
      'FailureTarget=True/BackoffLimitExceeded: Job has reached the specified backoff limit',
      'Failed=True/BackoffLimitExceeded: Job has reached the specified backoff limit',
    ]);
    assert.equal(failed.status!.failed, 3);
    assert.equal(failed.status!.completionTime, undefined);
    assert.equal((await podsOf(created)).length, 3);
    const warning = (await eventsOf('flaky')).find((e) => e.reason === 'BackoffLimitExceeded')!;
    assert.equal(warning.type, 'Warning');
    assert.equal(warning.message, 'Job has reached the specified backoff limit');
  });

  test('activeDeadlineSeconds: active pods are deleted and the job fails on the clock', async () => {
    const created = await jobs().create('default', job('deadline', { activeDeadlineSeconds: 30, parallelism: 2, completions: 4 }));
    await c.settle();
    assert.equal((await podsOf(created)).length, 2);
    await c.advance(29_000);
    assert.equal((await jobs().get('default', 'deadline')).status!.conditions, undefined);
    await c.advance(1000);
    const failed = await jobs().get('default', 'deadline');
    assert.deepEqual(conditionSummary(failed), [
      'FailureTarget=True/DeadlineExceeded: Job was active longer than specified deadline',
      'Failed=True/DeadlineExceeded: Job was active longer than specified deadline',
    ]);
    assert.equal(failed.status!.failed, 2, 'pods still running when the job failed count as failed');
    assert.equal(failed.status!.terminating, 0);
    assert.equal((await podsOf(created)).length, 0, 'the deleted pods went once their finalizers were removed');
    const events = await eventsOf('deadline');
    assert.equal(events.filter((e) => e.reason === 'SuccessfulDelete').length, 2);
    assert.equal(events.find((e) => e.reason === 'DeadlineExceeded')?.message, 'Job was active longer than specified deadline');
  });

  test('suspend and resume', async () => {
    const created = await jobs().create('default', job('paused', { suspend: true, parallelism: 2, completions: 2, activeDeadlineSeconds: 100 }));
    await c.settle();
    assert.equal((await podsOf(created)).length, 0);
    let j = await jobs().get('default', 'paused');
    assert.deepEqual(conditionSummary(j), ['Suspended=True/JobSuspended: Job suspended']);
    assert.equal(j.status!.startTime, undefined);

    await c.advance(200_000); // a suspended job's deadline does not run
    await jobs().mutate('default', 'paused', (x) => ({ ...x, spec: { ...x.spec!, suspend: false } }));
    await c.settle();
    assert.equal((await podsOf(created)).length, 2);
    j = await jobs().get('default', 'paused');
    assert.deepEqual(conditionSummary(j), ['Suspended=False/JobResumed: Job resumed']);
    assert.equal(j.status!.startTime, new Date(c.clock.now()).toISOString().replace('.000', ''));

    await jobs().mutate('default', 'paused', (x) => ({ ...x, spec: { ...x.spec!, suspend: true } }));
    await c.settle();
    assert.equal((await podsOf(created)).length, 0, 'suspending deletes the active pods');
    j = await jobs().get('default', 'paused');
    assert.equal(j.status!.failed, undefined, 'pods deleted by suspension are not failures');
    assert.deepEqual(conditionSummary(j), ['Suspended=True/JobSuspended: Job suspended']);
    const reasons = (await eventsOf('paused')).map((e) => e.reason);
    for (const r of ['Suspended', 'Resumed', 'SuccessfulCreate', 'SuccessfulDelete']) assert.ok(reasons.includes(r), r);
  });

  test('podFailurePolicy: FailJob on an exit code fails the job at once', async () => {
    const created = await jobs().create(
      'default',
      job('pfp-fail', { podFailurePolicy: { rules: [{ action: 'FailJob', onExitCodes: { operator: 'In', values: [42] } }] } }),
    );
    await c.settle();
    const [pod] = await podsOf(created);
    await finish(pod!, 'Failed', 42);
    const j = await jobs().get('default', 'pfp-fail');
    const message = `Container c for pod default/${pod!.metadata!.name} failed with exit code 42 matching FailJob rule at index 0`;
    assert.deepEqual(conditionSummary(j), [`FailureTarget=True/PodFailurePolicy: ${message}`, `Failed=True/PodFailurePolicy: ${message}`]);
    assert.equal(j.status!.failed, 1);
    assert.equal((await eventsOf('pfp-fail')).find((e) => e.reason === 'PodFailurePolicy')?.message, message);
  });

  test('podFailurePolicy: Ignore does not count the failure; Count does', async () => {
    const created = await jobs().create(
      'default',
      job('pfp-ignore', {
        backoffLimit: 0,
        podFailurePolicy: {
          rules: [
            { action: 'Ignore', onPodConditions: [{ type: 'DisruptionTarget', status: 'True' }] },
            { action: 'Count', onExitCodes: { operator: 'NotIn', values: [0] } },
          ],
        },
      }),
    );
    assert.equal(created.spec!.podReplacementPolicy, 'Failed');
    await c.settle();
    const [pod] = await podsOf(created);
    await podClient().mutate('default', pod!.metadata!.name!, (p) => ({
      ...p,
      status: { ...p.status, phase: 'Failed', conditions: [{ type: 'DisruptionTarget', status: 'True', reason: 'PreemptionByScheduler' }] },
    }), 'status');
    await c.settle();
    let j = await jobs().get('default', 'pfp-ignore');
    assert.equal(j.status!.failed, undefined, 'an ignored failure is not counted');
    assert.equal(j.status!.conditions, undefined);
    await c.advance(10_000);
    const replacement = activeOf(await podsOf(created));
    assert.equal(replacement.length, 1, 'the pod is replaced');
    await finish(replacement[0]!, 'Failed', 3);
    j = await jobs().get('default', 'pfp-ignore');
    assert.equal(j.status!.failed, 1);
    assert.ok(conditionSummary(j).includes('Failed=True/BackoffLimitExceeded: Job has reached the specified backoff limit'));
  });

  test('backoffLimitPerIndex: an index that fails too often fails the job once the others finish', async () => {
    const created = await jobs().create('default', job('per-index', { completions: 2, parallelism: 2, completionMode: 'Indexed', backoffLimitPerIndex: 0 }));
    assert.equal(created.spec!.backoffLimit, 2147483647);
    await c.settle();
    const pods = await podsOf(created);
    assert.equal(pods[0]!.metadata!.annotations!['batch.kubernetes.io/job-index-failure-count'], '0');
    await finish(pods[0]!, 'Failed');
    let j = await jobs().get('default', 'per-index');
    assert.equal(j.status!.failedIndexes, '0');
    assert.equal(j.status!.conditions, undefined);
    await c.advance(10_000);
    assert.equal((await podsOf(created)).length, 2, 'a failed index is not retried');
    await finish(pods[1]!, 'Succeeded');
    j = await jobs().get('default', 'per-index');
    assert.equal(j.status!.completedIndexes, '1');
    assert.deepEqual(conditionSummary(j), ['FailureTarget=True/FailedIndexes: Job has failed indexes', 'Failed=True/FailedIndexes: Job has failed indexes']);
  });

  test('successPolicy: the job succeeds when the named indexes do, and the rest are stopped', async () => {
    const created = await jobs().create(
      'default',
      job('leader', { completions: 3, parallelism: 3, completionMode: 'Indexed', successPolicy: { rules: [{ succeededIndexes: '0' }] } }),
    );
    await c.settle();
    const pods = await podsOf(created);
    await finish(pods[0]!, 'Succeeded');
    const j = await jobs().get('default', 'leader');
    assert.deepEqual(conditionSummary(j), ['SuccessCriteriaMet=True/SuccessPolicy: Matched rules at index 0', 'Complete=True/SuccessPolicy: Matched rules at index 0']);
    assert.equal(j.status!.completedIndexes, '0');
    assert.equal(j.status!.failed, undefined, 'the pods stopped on success are not failures');
    assert.equal(activeOf(await podsOf(created)).length, 0);
  });

  test('a deleted job leaves no finalizer on its pods', async () => {
    const created = await jobs().create('default', job('gone', { parallelism: 2, completions: 2 }));
    await c.settle();
    const before = await podsOf(created);
    assert.equal(before.length, 2);
    await jobs().delete('default', 'gone', { propagationPolicy: 'Orphan' });
    await c.settle();
    for (const p of before) {
      const left = await podClient().find('default', p.metadata!.name!);
      assert.ok(!left || !left.metadata!.finalizers?.includes(tracking), `${p.metadata!.name} still has the tracking finalizer`);
    }
  });

  test('a job managed by another controller is left alone', async () => {
    const created = await jobs().create('default', job('external', { managedBy: 'example.com/kueue' }));
    await c.settle();
    assert.equal((await podsOf(created)).length, 0);
    assert.deepEqual((await jobs().get('default', 'external')).status, {});
  });
});
