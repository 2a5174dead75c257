// A CronJob creating Jobs on schedule, seen with the real kubectl. Schedules need real minutes to
// come round, so this one test runs the server in this process on a clock the test moves (the
// server's own code, storage and HTTPS, only time is injected) and drives it with kubectl.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { FakeClock } from '../../src/machinery/clock.js';
import { startServer, type RunningServer } from '../../src/server.js';
import { kubectlFor, kubectlVersionsUnderTest, removeDir, tempDir, type Kubectl } from './harness.js';

let server: RunningServer;
let work: string;
let k: Kubectl;
const clock = new FakeClock(Date.parse('2026-12-06T10:00:30Z'));

before(async () => {
  work = tempDir('kubemu-cron-');
  server = await startServer({ port: 0, dataDir: join(work, 'data'), kubeconfigPath: join(work, 'kubeconfig'), clock, advertiseAddress: '192.0.2.10' });
  k = kubectlFor(kubectlVersionsUnderTest().at(-1)!, join(work, 'kubeconfig'), work);
});

after(async () => {
  await server.stop();
  removeDir(work);
});

const settle = async () => {
  for (let i = 0; i < 50 && !server.controllers.idle(); i++) await new Promise((r) => setTimeout(r, 10));
  await new Promise((r) => setTimeout(r, 50));
};

test('a CronJob creates a Job at each scheduled minute', async () => {
  writeFileSync(
    join(work, 'cron.yaml'),
    `apiVersion: batch/v1
kind: CronJob
metadata:
  name: tick
spec:
  schedule: "* * * * *"
  successfulJobsHistoryLimit: 2
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: Never
          containers:
          - name: tick
            image: busybox
            command: ["date"]
`,
  );
  await k.ok(['apply', '-f', join(work, 'cron.yaml')]);
  await settle();
  assert.equal((await k.ok(['get', 'jobs', '-o', 'name'])).trim(), '', 'nothing before the first minute');

  clock.advance(30_500); // just after 10:01:00 (the controller looks again 100 ms after the scheduled time)
  await settle();
  const first = (await k.ok(['get', 'jobs', '-o', 'name'])).trim();
  // Jobs are named after the scheduled time in minutes since the epoch.
  assert.equal(first, `job.batch/tick-${Date.parse('2026-12-06T10:01:00Z') / 60_000}`);
  const cron = await k.ok(['get', 'cronjob', 'tick']);
  assert.match(cron, /^tick\s+\* \* \* \* \*\s+<none>\s+False\s+1\s+/m);
  const described = await k.ok(['describe', 'cronjob', 'tick']);
  assert.match(described, /SuccessfulCreate\s+\S+\s+cronjob-controller\s+Created job tick-\d+/);

  clock.advance(60_000);
  await settle();
  clock.advance(60_000);
  await settle();
  const names = (await k.ok(['get', 'jobs', '-o', 'jsonpath={.items[*].metadata.name}'])).trim().split(' ');
  assert.equal(names.length, 3, 'one job per minute (none finished, so none cleaned up)');
  assert.equal(await k.ok(['get', 'cronjob', 'tick', '-o', 'jsonpath={.status.lastScheduleTime}']), '2026-12-06T10:03:00Z');
});
