// Jobs and CronJobs with the real kubectl (the newest installed) against a real `kubemu serve`:
// the Job controller makes a Job's pods, the scheduler and fake kubelets run them to completion,
// and `kubectl wait`, `logs` and `describe` see the Job complete or fail. Schedules need a real minute to
// come round, so CronJob timing is covered by the unit tests on the fake clock; here kubectl's
// client-side `create job --from=cronjob/...` is checked.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { kubectlFor, kubectlVersionsUnderTest, removeDir, startKubemu, tempDir, type Kubectl, type KubemuProcess } from './harness.js';

let server: KubemuProcess;
let work: string;
let k: Kubectl;
const ns = 'e2e-jobs';

before(async () => {
  server = await startKubemu();
  work = tempDir('kubemu-jobs-');
  k = kubectlFor(kubectlVersionsUnderTest().at(-1)!, server.kubeconfig, work);
  await k.ok(['create', 'namespace', ns]);
});

after(async () => {
  const code = await server.stop();
  assert.equal(code, 0, `kubemu exited with ${code} on SIGTERM:\n${server.stderr()}`);
  removeDir(server.dataDir);
  removeDir(work);
});

/** Polls kubectl until `check` accepts its output (controllers work asynchronously). */
async function eventually(args: string[], check: (out: string) => boolean, timeoutMs = 10_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  for (;;) {
    last = await k.ok(args);
    if (check(last)) return last;
    if (Date.now() > deadline) throw new Error(`kubectl ${args.join(' ')} never gave the expected output; last:\n${last}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const podNamesOf = (job: string) => eventually(['-n', ns, 'get', 'pods', '-l', `batch.kubernetes.io/job-name=${job}`, '-o', 'jsonpath={.items[*].metadata.name}'], (out) => out.trim() !== '');

describe('Jobs with kubectl', () => {
  test('create job → its pod runs and succeeds → kubectl wait --for=condition=complete → logs and events', async () => {
    assert.match(await k.ok(['-n', ns, 'create', 'job', 'hello', '--image=busybox', '--', 'echo', 'hi']), /job.batch\/hello created/);
    const pods = (await podNamesOf('hello')).trim().split(/\s+/);
    assert.equal(pods.length, 1);
    assert.match(pods[0]!, /^hello-[a-z0-9]{5}$/);

    const waited = await k.run(['-n', ns, 'wait', '--for=condition=complete', 'job/hello', '--timeout=30s']);
    assert.equal(waited.code, 0, waited.stderr);
    assert.match(waited.stdout, /job.batch\/hello condition met/);
    assert.equal(await k.ok(['-n', ns, 'logs', 'job/hello']), 'hi\n');

    assert.match(await k.ok(['-n', ns, 'get', 'job', 'hello']), /^hello\s+Complete\s+1\/1\s+/m);
    assert.match(await k.ok(['-n', ns, 'get', 'pod', pods[0]!]), new RegExp(`^${pods[0]}\\s+0/1\\s+Completed\\s+0\\s+`, 'm'));
    const described = await eventually(['-n', ns, 'describe', 'job', 'hello'], (out) => /Completed/.test(out));
    assert.match(described, /^Pods Statuses:\s+0 Active \(0 Ready\) \/ 1 Succeeded \/ 0 Failed$/m);
    assert.match(described, new RegExp(`Normal\\s+SuccessfulCreate\\s+\\S+\\s+job-controller\\s+Created pod: ${pods[0]}`));
    assert.match(described, /Normal\s+Completed\s+\S+\s+job-controller\s+Job completed/);
    const status = JSON.parse(await k.ok(['-n', ns, 'get', 'job', 'hello', '-o', 'jsonpath={.status}'])) as Record<string, unknown>;
    assert.equal(status.succeeded, 1);
    assert.deepEqual(
      (status.conditions as { type: string; reason: string }[]).map((c) => `${c.type}/${c.reason}`),
      ['SuccessCriteriaMet/CompletionsReached', 'Complete/CompletionsReached'],
    );
    // The counted pod keeps no finalizer.
    assert.equal(await k.ok(['-n', ns, 'get', 'pod', pods[0]!, '-o', 'jsonpath={.metadata.finalizers}']), '');
  });

  test('a Job whose pods fail reaches its backoff limit', async () => {
    await k.ok(['-n', ns, 'apply', '-f', '-'], {
      input: `apiVersion: batch/v1
kind: Job
metadata: {name: failing, namespace: ${ns}}
spec:
  backoffLimit: 1
  template:
    spec:
      restartPolicy: Never
      containers: [{name: c, image: busybox, command: ["sh", "-c", "echo trying; exit 2"]}]
`,
    });
    const waited = await k.run(['-n', ns, 'wait', '--for=condition=failed', 'job/failing', '--timeout=60s']);
    assert.equal(waited.code, 0, waited.stderr);
    const described = await k.ok(['-n', ns, 'describe', 'job', 'failing']);
    assert.match(described, /Warning\s+BackoffLimitExceeded\s+\S+\s+job-controller\s+Job has reached the specified backoff limit/);
  });

  test('kubectl create job --from=cronjob runs the CronJob\'s template, owned by the CronJob', async () => {
    await k.ok(['-n', ns, 'create', 'cronjob', 'nightly', '--image=busybox', '--schedule=0 3 * * *', '--', 'echo', 'hi']);
    assert.match(await k.ok(['-n', ns, 'create', 'job', 'nightly-manual', '--from=cronjob/nightly']), /job.batch\/nightly-manual created/);
    const job = JSON.parse(await k.ok(['-n', ns, 'get', 'job', 'nightly-manual', '-o', 'json'])) as {
      metadata: { annotations: Record<string, string>; ownerReferences: { kind: string; name: string; controller: boolean }[] };
    };
    assert.equal(job.metadata.annotations['cronjob.kubernetes.io/instantiate'], 'manual');
    assert.deepEqual(job.metadata.ownerReferences.map((r) => `${r.kind}/${r.name}/${r.controller}`), ['CronJob/nightly/true']);
    assert.equal((await podNamesOf('nightly-manual')).trim().split(/\s+/).length, 1);
    // The CronJob controller did not start it, and says so.
    const events = await eventually(['-n', ns, 'get', 'events', '--field-selector', 'involvedObject.name=nightly', '-o', 'jsonpath={.items[*].reason}'], (out) =>
      out.includes('UnexpectedJob'),
    );
    assert.match(events, /UnexpectedJob/);
    assert.match(await k.ok(['-n', ns, 'get', 'cronjob', 'nightly']), /^nightly\s+0 3 \* \* \*\s+/m);
  });

  test('a bad schedule is refused with the validation message', async () => {
    const r = await k.run(['-n', ns, 'create', 'cronjob', 'bad', '--image=busybox', '--schedule=61 * * * *']);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /spec\.schedule: Invalid value: "61 \* \* \* \*": end of range \(61\) above maximum \(59\): 61/);
    const tz = await k.run(['-n', ns, 'create', 'cronjob', 'bad-tz', '--image=busybox', '--schedule=TZ=UTC 0 3 * * *']);
    assert.match(tz.stderr, /cannot use TZ or CRON_TZ in schedule, use timeZone field instead/);
  });
});
