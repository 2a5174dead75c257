import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fieldErrorString, type FieldError } from '../../apierrors/field-errors.js';
import { validateCronJob, validateCronJobUpdate, validateJob, validateJobStatusUpdate, validateJobUpdate } from './batch.js';
import { cronScheduleError, goDurationError } from './cron-schedule.js';
import type { JsonRecord } from './json-value.js';
import { sampleCronJob, sampleJob } from './sample-objects.js';

const render = (errs: FieldError[]) => errs.map(fieldErrorString);

function jobWith(edit: (spec: JsonRecord, job: JsonRecord) => void): JsonRecord {
  const job = sampleJob();
  edit(job.spec as JsonRecord, job);
  return job;
}

function podSpec(spec: JsonRecord): JsonRecord {
  return (spec.template as JsonRecord).spec as JsonRecord;
}

const jobCases: [string, JsonRecord, string[]][] = [
  ['a defaulted job is valid', sampleJob(), []],
  [
    'restartPolicy Always is not allowed',
    jobWith((s) => (podSpec(s).restartPolicy = 'Always')),
    ['spec.template.spec.restartPolicy: Required value: valid values: "OnFailure", "Never"'],
  ],
  [
    'restartPolicy must be OnFailure or Never',
    jobWith((s) => (podSpec(s).restartPolicy = 'Sometimes')),
    [
      'spec.template.spec.restartPolicy: Unsupported value: "Sometimes": supported values: "Always", "OnFailure", "Never"',
      'spec.template.spec.restartPolicy: Unsupported value: "Sometimes": supported values: "OnFailure", "Never"',
    ],
  ],
  [
    'counters are non-negative',
    jobWith((s) => {
      s.parallelism = -1;
      s.backoffLimit = -1;
      s.activeDeadlineSeconds = -1;
    }),
    [
      'spec.parallelism: Invalid value: -1: must be greater than or equal to 0',
      'spec.activeDeadlineSeconds: Invalid value: -1: must be greater than or equal to 0',
      'spec.backoffLimit: Invalid value: -1: must be greater than or equal to 0',
    ],
  ],
  [
    'the generated selector must match the template',
    jobWith((s) => ((s.template as JsonRecord).metadata = { labels: { app: 'pi' } })),
    [
      "spec.template.metadata.labels[controller-uid]: Required value: must be '3c9d2a52-0000-4000-8000-000000000002'",
      "spec.template.metadata.labels[job-name]: Required value: must be 'pi'",
      "spec.template.metadata.labels[batch.kubernetes.io/controller-uid]: Required value: must be '3c9d2a52-0000-4000-8000-000000000002'",
      "spec.template.metadata.labels[batch.kubernetes.io/job-name]: Required value: must be 'pi'",
      'spec.template.metadata.labels: Invalid value: {"app":"pi"}: `selector` does not match template `labels`',
    ],
  ],
  [
    'indexed jobs need completions',
    jobWith((s) => {
      s.completionMode = 'Indexed';
      delete s.completions;
    }),
    ['spec.completions: Required value: when completion mode is Indexed'],
  ],
  [
    'indexed pod hostnames must be DNS labels',
    jobWith((s, job) => {
      s.completionMode = 'Indexed';
      s.completions = 10;
      const name = 'a'.repeat(62);
      (job.metadata as JsonRecord).name = name;
      const labels = ((s.template as JsonRecord).metadata as JsonRecord).labels as JsonRecord;
      labels['job-name'] = labels['batch.kubernetes.io/job-name'] = name;
    }),
    [`metadata.name: Invalid value: "${'a'.repeat(62)}": will not able to create pod with invalid DNS label: ${'a'.repeat(62)}-9`],
  ],
];

for (const [name, job, want] of jobCases) {
  test(`job: ${name}`, () => assert.deepEqual(render(validateJob(job)), want));
}

test('job update: template and selector are immutable, parallelism is not', () => {
  const old = sampleJob();
  assert.deepEqual(render(validateJobUpdate(jobWith((s) => (s.parallelism = 3)), old)), []);
  const changed = jobWith((s) => (podSpec(s).containers as JsonRecord[])[0].image = 'busybox');
  const errs = validateJobUpdate(changed, old);
  assert.deepEqual(
    errs.map((e) => [e.type, e.field, e.detail]),
    [['FieldValueInvalid', 'spec.template', 'field is immutable']],
  );
  assert.deepEqual(render(validateJobUpdate(jobWith((s) => (s.completions = 3)), old)), ['spec.completions: Invalid value: 3: field is immutable']);
});

test('job status update: counters are non-negative', () => {
  const job = sampleJob();
  job.status = { active: -1, succeeded: 0 };
  assert.deepEqual(render(validateJobStatusUpdate(job)), ['status.active: Invalid value: -1: must be greater than or equal to 0']);
});

function cronJobWith(edit: (spec: JsonRecord, cj: JsonRecord) => void): JsonRecord {
  const cj = sampleCronJob();
  edit(cj.spec as JsonRecord, cj);
  return cj;
}

const cronCases: [string, JsonRecord, string[]][] = [
  ['a defaulted cronjob is valid', sampleCronJob(), []],
  ['descriptor', cronJobWith((s) => (s.schedule = '@hourly')), []],
  ['schedule required', cronJobWith((s) => (s.schedule = '')), ['spec.schedule: Required value']],
  [
    'wrong number of fields',
    cronJobWith((s) => (s.schedule = '* * * *')),
    ['spec.schedule: Invalid value: "* * * *": expected exactly 5 fields, found 4: [* * * *]'],
  ],
  [
    'minute out of range',
    cronJobWith((s) => (s.schedule = '60 * * * *')),
    ['spec.schedule: Invalid value: "60 * * * *": end of range (60) above maximum (59): 60'],
  ],
  [
    'TZ in the schedule',
    cronJobWith((s) => (s.schedule = 'TZ=UTC 0 3 * * *')),
    ['spec.schedule: Invalid value: "TZ=UTC 0 3 * * *": cannot use TZ or CRON_TZ in schedule, use timeZone field instead'],
  ],
  ['time zone ok', cronJobWith((s) => (s.timeZone = 'Europe/Paris')), []],
  [
    'unknown time zone',
    cronJobWith((s) => (s.timeZone = 'Mars/Olympus')),
    ['spec.timeZone: Invalid value: "Mars/Olympus": unknown time zone Mars/Olympus'],
  ],
  ['empty time zone', cronJobWith((s) => (s.timeZone = '')), ['spec.timeZone: Invalid value: "": timeZone must be nil or non-empty string']],
  [
    'concurrencyPolicy',
    cronJobWith((s) => (s.concurrencyPolicy = 'Sometimes')),
    ['spec.concurrencyPolicy: Unsupported value: "Sometimes": supported values: "Allow", "Forbid", "Replace"'],
  ],
  [
    'job template restartPolicy',
    cronJobWith((s) => ((((s.jobTemplate as JsonRecord).spec as JsonRecord).template as JsonRecord).spec as JsonRecord).restartPolicy = 'Always'),
    ['spec.jobTemplate.spec.template.spec.restartPolicy: Required value: valid values: "OnFailure", "Never"'],
  ],
  [
    'name at most 52 characters',
    cronJobWith((_, cj) => ((cj.metadata as JsonRecord).name = 'n'.repeat(53))),
    [`metadata.name: Invalid value: "${'n'.repeat(53)}": must be no more than 52 characters`],
  ],
];

for (const [name, cj, want] of cronCases) {
  test(`cronjob: ${name}`, () => assert.deepEqual(render(validateCronJob(cj)), want));
}

test('cronjob update: an existing TZ prefix may stay', () => {
  const old = cronJobWith((s) => (s.schedule = 'TZ=UTC 0 3 * * *'));
  assert.deepEqual(render(validateCronJobUpdate(cronJobWith((s) => (s.schedule = 'TZ=UTC 0 4 * * *')), old)), []);
});

const scheduleCases: [string, string | undefined][] = [
  ['*/15 9-17 * * mon-fri', undefined],
  ['0 0 1 jan *', undefined],
  ['@every 1h30m', undefined],
  ['@every 90', 'failed to parse duration @every 90: time: missing unit in duration "90"'],
  ['@reboot', 'unrecognized descriptor: @reboot'],
  ['0 0 0 * *', 'beginning of range (0) below minimum (1): 0'],
  ['5-1 * * * *', 'beginning of range (5) beyond end of range (1): 5-1'],
  ['*/0 * * * *', 'step of range should be a positive number: */0'],
  ['x * * * *', 'failed to parse int from x: strconv.Atoi: parsing "x": invalid syntax'],
  ['1-2-3 * * * *', 'too many hyphens: 1-2-3'],
  ['', 'empty spec string'],
];

for (const [spec, want] of scheduleCases) {
  test(`cron schedule ${JSON.stringify(spec)}`, () => assert.equal(cronScheduleError(spec), want));
}

test('Go durations', () => {
  assert.equal(goDurationError('1h'), undefined);
  assert.equal(goDurationError('1.5s'), undefined);
  assert.equal(goDurationError('1d'), 'time: unknown unit "d" in duration "1d"');
  assert.equal(goDurationError(''), 'time: invalid duration ""');
});
