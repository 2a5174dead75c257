import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  controllerRevisionPrinter, cronJobPrinter, daemonSetPrinter, deploymentPrinter, jobPrinter, podDisruptionBudgetPrinter,
  podTemplatePrinter, replicaSetPrinter, replicationControllerPrinter, statefulSetPrinter,
} from './workloads.js';

const now = new Date('2024-05-01T12:00:00Z');
const ago = (minutes: number) => new Date(now.getTime() - minutes * 60_000).toISOString();
const meta = (name: string, minutes = 90, extra: any = {}) => ({ name, namespace: 'default', creationTimestamp: ago(minutes), ...extra });

const template = {
  metadata: { labels: { app: 'web' } },
  spec: { containers: [{ name: 'nginx', image: 'nginx:1.27' }, { name: 'exporter', image: 'prom/nginx-exporter:1.1' }] },
};

test('deployment with 2 of 3 replicas ready', () => {
  const deployment = {
    apiVersion: 'apps/v1', kind: 'Deployment', metadata: meta('web'),
    spec: { replicas: 3, selector: { matchLabels: { app: 'web' } }, template },
    status: { replicas: 3, updatedReplicas: 3, readyReplicas: 2, availableReplicas: 2 },
  };
  assert.deepEqual(deploymentPrinter.cells(deployment, now), [
    'web', '2/3', 3, 2, '90m', 'nginx,exporter', 'nginx:1.27,prom/nginx-exporter:1.1', 'app=web',
  ]);
});

test('fresh deployment without status counts zeros; an invalid selector shows <invalid>', () => {
  const deployment = {
    metadata: meta('api', 0.1),
    spec: { replicas: 1, selector: { matchExpressions: [{ key: 'app', operator: 'In', values: [] }] }, template },
  };
  assert.deepEqual(deploymentPrinter.cells(deployment, now).slice(0, 5), ['api', '0/1', 0, 0, '6s']);
  assert.equal(deploymentPrinter.cells(deployment, now)[7], '<invalid>');
});

test('replica set, replication controller, stateful set, daemon set', () => {
  const selector = { matchLabels: { app: 'web', 'pod-template-hash': '5d4f8c' } };
  assert.deepEqual(
    replicaSetPrinter.cells({ metadata: meta('web-5d4f8c'), spec: { replicas: 3, selector, template }, status: { replicas: 3, readyReplicas: 2 } }, now),
    ['web-5d4f8c', 3, 3, 2, '90m', 'nginx,exporter', 'nginx:1.27,prom/nginx-exporter:1.1', 'app=web,pod-template-hash=5d4f8c'],
  );
  assert.deepEqual(
    replicationControllerPrinter.cells({ metadata: meta('legacy'), spec: { replicas: 2, selector: { app: 'legacy' } }, status: { replicas: 2 } }, now),
    ['legacy', 2, 2, 0, '90m', '', '', 'app=legacy'],
  );
  assert.deepEqual(
    statefulSetPrinter.cells({ metadata: meta('db'), spec: { replicas: 3, template }, status: { readyReplicas: 1 } }, now),
    ['db', '1/3', '90m', 'nginx,exporter', 'nginx:1.27,prom/nginx-exporter:1.1'],
  );
  const daemonSet = {
    metadata: meta('node-exporter', 3 * 24 * 60),
    spec: {
      selector: { matchLabels: { app: 'node-exporter' } },
      template: { spec: { nodeSelector: { 'kubernetes.io/os': 'linux' }, containers: [{ name: 'exporter', image: 'prom/node-exporter:1.8' }] } },
    },
    status: { desiredNumberScheduled: 3, currentNumberScheduled: 3, numberReady: 2, updatedNumberScheduled: 3, numberAvailable: 2 },
  };
  assert.deepEqual(daemonSetPrinter.cells(daemonSet, now), [
    'node-exporter', 3, 3, 2, 3, 2, 'kubernetes.io/os=linux', '3d', 'exporter', 'prom/node-exporter:1.8', 'app=node-exporter',
  ]);
});

test('pod template and controller revision', () => {
  assert.deepEqual(podTemplatePrinter.cells({ metadata: meta('tpl'), template }, now), [
    'tpl', 'nginx,exporter', 'nginx:1.27,prom/nginx-exporter:1.1', 'app=web',
  ]);
  const revision = {
    metadata: meta('web-7c9d', 30, {
      ownerReferences: [{ apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'web', uid: 'u1', controller: true }],
    }),
    revision: 4,
  };
  assert.deepEqual(controllerRevisionPrinter.cells(revision, now), ['web-7c9d', 'statefulset.apps/web', 4, '30m']);
  assert.deepEqual(controllerRevisionPrinter.cells({ metadata: meta('orphan', 30), revision: 1 }, now), ['orphan', '<none>', 1, '30m']);
});

test('completed job: status, completions and duration', () => {
  const job = {
    metadata: meta('backup', 60),
    spec: { completions: 1, parallelism: 1, selector: { matchLabels: { 'batch.kubernetes.io/controller-uid': 'abc' } }, template },
    status: {
      startTime: ago(60), completionTime: ago(60 - 35 / 60), succeeded: 1,
      conditions: [{ type: 'SuccessCriteriaMet', status: 'True' }, { type: 'Complete', status: 'True' }],
    },
  };
  assert.deepEqual(jobPrinter.cells(job, now), [
    'backup', 'Complete', '1/1', '35s', '60m', 'nginx,exporter', 'nginx:1.27,prom/nginx-exporter:1.1',
    'batch.kubernetes.io/controller-uid=abc',
  ]);
});

test('job status and completions variants', () => {
  const cases: Array<[any, string, string, string]> = [
    [{ spec: { completions: 5, parallelism: 2 }, status: { startTime: ago(3), succeeded: 2, active: 2 } }, 'Running', '2/5', '3m'],
    [{ spec: { parallelism: 3 }, status: { startTime: ago(10), succeeded: 1 } }, 'Running', '1/1 of 3', '10m'],
    [{ spec: { parallelism: 1 }, status: {} }, 'Running', '0/1', ''],
    [{ spec: { completions: 1, suspend: true }, status: { conditions: [{ type: 'Suspended', status: 'True' }] } }, 'Suspended', '0/1', ''],
    [{ spec: { completions: 1 }, status: { startTime: ago(4), completionTime: ago(2), failed: 7, conditions: [
      { type: 'FailureTarget', status: 'True' }, { type: 'Failed', status: 'True', reason: 'BackoffLimitExceeded' },
    ] } }, 'Failed', '0/1', '2m'],
    [{ spec: { completions: 1 }, status: { conditions: [{ type: 'FailureTarget', status: 'True' }] } }, 'FailureTarget', '0/1', ''],
    [{ spec: { completions: 1 }, status: { conditions: [{ type: 'Complete', status: 'False' }] } }, 'Running', '0/1', ''],
  ];
  for (const [job, status, completions, duration] of cases) {
    const cells = jobPrinter.cells({ metadata: meta('j', 10), ...job }, now);
    assert.deepEqual(cells.slice(1, 4), [status, completions, duration], JSON.stringify(job));
  }
  const deleting = { metadata: meta('j', 10, { deletionTimestamp: ago(0) }), spec: { completions: 1 }, status: {} };
  assert.equal(jobPrinter.cells(deleting, now)[1], 'Terminating');
});

test('cron job', () => {
  const cronJob = {
    metadata: meta('nightly', 3 * 24 * 60),
    spec: {
      schedule: '0 3 * * *',
      timeZone: 'Europe/Berlin',
      suspend: false,
      jobTemplate: { spec: { template } },
    },
    status: { active: [{ name: 'nightly-28571234' }], lastScheduleTime: ago(9 * 60) },
  };
  assert.deepEqual(cronJobPrinter.cells(cronJob, now), [
    'nightly', '0 3 * * *', 'Europe/Berlin', 'False', 1, '9h', '3d', 'nginx,exporter', 'nginx:1.27,prom/nginx-exporter:1.1', '<none>',
  ]);
  const fresh = { metadata: meta('hourly', 5), spec: { schedule: '@hourly', suspend: true, jobTemplate: { spec: { template } } } };
  assert.deepEqual(cronJobPrinter.cells(fresh, now).slice(1, 6), ['@hourly', '<none>', 'True', 0, '<none>']);
});

test('pod disruption budget', () => {
  assert.deepEqual(
    podDisruptionBudgetPrinter.cells({ metadata: meta('web-pdb'), spec: { minAvailable: 2 }, status: { disruptionsAllowed: 1 } }, now),
    ['web-pdb', '2', 'N/A', 1, '90m'],
  );
  assert.deepEqual(
    podDisruptionBudgetPrinter.cells({ metadata: meta('db-pdb'), spec: { maxUnavailable: '25%' }, status: {} }, now),
    ['db-pdb', 'N/A', '25%', 0, '90m'],
  );
});
