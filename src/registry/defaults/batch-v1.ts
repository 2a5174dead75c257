// batch/v1 defaults: k8s.io/kubernetes pkg/apis/batch/v1/defaults.go as of 1.36
// (JobPodReplacementPolicy and JobBackoffLimitPerIndex are GA). A CronJob's job template is a
// JobTemplateSpec, not a Job: it gets the pod template defaults but none of SetDefaults_Job.
import { isEmptyMap, isEmptyString, isNil, objectAt, structField, type DefaultsTable, type JsonMap } from './types.js';

const batch = 'io.k8s.api.batch.v1.';

const maxInt32 = 2147483647;

function job(obj: JsonMap): void {
  const spec = structField(obj, 'spec');
  // A non-parallel job may leave both unset: both become 1.
  if (isNil(spec['completions']) && isNil(spec['parallelism'])) {
    spec['completions'] = 1;
    spec['parallelism'] = 1;
  }
  if (isNil(spec['parallelism'])) spec['parallelism'] = 1;
  if (isNil(spec['backoffLimit'])) spec['backoffLimit'] = isNil(spec['backoffLimitPerIndex']) ? 6 : maxInt32;
  const template = objectAt(spec, 'template');
  const templateMeta = template && objectAt(template, 'metadata');
  const labels = templateMeta && objectAt(templateMeta, 'labels');
  if (labels && Object.keys(labels).length > 0) {
    const metadata = structField(obj, 'metadata');
    if (isEmptyMap(metadata['labels'])) metadata['labels'] = { ...labels };
  }
  if (isNil(spec['completionMode'])) spec['completionMode'] = 'NonIndexed';
  if (isNil(spec['suspend'])) spec['suspend'] = false;
  if (isNil(spec['podReplacementPolicy'])) {
    spec['podReplacementPolicy'] = isNil(spec['podFailurePolicy']) ? 'TerminatingOrFailed' : 'Failed';
  }
  if (isNil(spec['manualSelector'])) spec['manualSelector'] = false;
}

function cronJob(obj: JsonMap): void {
  const spec = structField(obj, 'spec');
  if (isEmptyString(spec['concurrencyPolicy'])) spec['concurrencyPolicy'] = 'Allow';
  if (isNil(spec['suspend'])) spec['suspend'] = false;
  if (isNil(spec['successfulJobsHistoryLimit'])) spec['successfulJobsHistoryLimit'] = 3;
  if (isNil(spec['failedJobsHistoryLimit'])) spec['failedJobsHistoryLimit'] = 1;
}

export const batchV1Defaults: DefaultsTable = {
  [`${batch}Job`]: { apply: job, valueStructs: ['spec'] },
  [`${batch}JobSpec`]: { valueStructs: ['template'] },
  [`${batch}CronJob`]: { apply: cronJob, valueStructs: ['spec'] },
  [`${batch}CronJobSpec`]: { valueStructs: ['jobTemplate'] },
  [`${batch}JobTemplateSpec`]: { valueStructs: ['spec'] },
  [`${batch}PodFailurePolicyOnPodConditionsPattern`]: {
    apply: (pattern) => {
      if (isEmptyString(pattern['status'])) pattern['status'] = 'True';
    },
  },
};
