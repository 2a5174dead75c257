// Valid, already-defaulted objects for the validation tests: validation runs after defaulting,
// so these carry every field the defaulters would have filled in. Each call returns a fresh copy.
import type { JsonRecord } from './json-value.js';

export function sampleContainer(name = 'app'): JsonRecord {
  return {
    name,
    image: 'nginx:1.27',
    imagePullPolicy: 'IfNotPresent',
    terminationMessagePath: '/dev/termination-log',
    terminationMessagePolicy: 'File',
    resources: {},
  };
}

export function samplePodSpec(): JsonRecord {
  return {
    containers: [sampleContainer()],
    restartPolicy: 'Always',
    terminationGracePeriodSeconds: 30,
    dnsPolicy: 'ClusterFirst',
    securityContext: {},
    schedulerName: 'default-scheduler',
    enableServiceLinks: true,
    preemptionPolicy: 'PreemptLowerPriority',
    priority: 0,
  };
}

export function samplePod(): JsonRecord {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'web', namespace: 'default', uid: 'f0a7b7c4-0000-4000-8000-000000000001', resourceVersion: '10' },
    spec: samplePodSpec(),
  };
}

export function samplePodTemplate(labels: JsonRecord = { app: 'web' }): JsonRecord {
  return { metadata: { labels }, spec: samplePodSpec() };
}

export function sampleDeployment(): JsonRecord {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'default', resourceVersion: '10' },
    spec: {
      replicas: 1,
      selector: { matchLabels: { app: 'web' } },
      template: samplePodTemplate(),
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '25%', maxSurge: '25%' } },
      revisionHistoryLimit: 10,
      progressDeadlineSeconds: 600,
    },
  };
}

export function sampleJob(): JsonRecord {
  const uid = '3c9d2a52-0000-4000-8000-000000000002';
  const template = samplePodTemplate({ 'batch.kubernetes.io/controller-uid': uid, 'batch.kubernetes.io/job-name': 'pi', 'controller-uid': uid, 'job-name': 'pi' });
  (template.spec as JsonRecord).restartPolicy = 'Never';
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name: 'pi', namespace: 'default', uid, resourceVersion: '10' },
    spec: {
      parallelism: 1,
      completions: 1,
      backoffLimit: 6,
      completionMode: 'NonIndexed',
      suspend: false,
      manualSelector: false,
      podReplacementPolicy: 'TerminatingOrFailed',
      selector: { matchLabels: { 'batch.kubernetes.io/controller-uid': uid } },
      template,
    },
  };
}

export function sampleCronJob(): JsonRecord {
  const template = samplePodTemplate({});
  (template.spec as JsonRecord).restartPolicy = 'OnFailure';
  return {
    apiVersion: 'batch/v1',
    kind: 'CronJob',
    metadata: { name: 'nightly', namespace: 'default', resourceVersion: '10' },
    spec: {
      schedule: '0 3 * * *',
      concurrencyPolicy: 'Allow',
      suspend: false,
      successfulJobsHistoryLimit: 3,
      failedJobsHistoryLimit: 1,
      jobTemplate: { spec: { backoffLimit: 6, completionMode: 'NonIndexed', suspend: false, podReplacementPolicy: 'TerminatingOrFailed', template } },
    },
  };
}

export function sampleService(): JsonRecord {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'web', namespace: 'default', resourceVersion: '10' },
    spec: {
      type: 'ClusterIP',
      selector: { app: 'web' },
      ports: [{ name: 'http', protocol: 'TCP', port: 80, targetPort: 8080 }],
      clusterIP: '10.96.0.10',
      clusterIPs: ['10.96.0.10'],
      ipFamilies: ['IPv4'],
      ipFamilyPolicy: 'SingleStack',
      sessionAffinity: 'None',
      internalTrafficPolicy: 'Cluster',
    },
  };
}
