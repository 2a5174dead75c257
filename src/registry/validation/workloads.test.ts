import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fieldErrorString, type FieldError } from '../../apierrors/field-errors.js';
import type { JsonRecord } from './json-value.js';
import { sampleDeployment, samplePodTemplate } from './sample-objects.js';
import {
  validateControllerRevision,
  validateControllerRevisionUpdate,
  validateDaemonSet,
  validateDaemonSetUpdate,
  validateDeployment,
  validateDeploymentStatusUpdate,
  validateDeploymentUpdate,
  validateReplicaSet,
  validateReplicationController,
  validateStatefulSet,
  validateStatefulSetUpdate,
} from './workloads.js';

const render = (errs: FieldError[]) => errs.map(fieldErrorString);

function deploymentWith(edit: (spec: JsonRecord) => void): JsonRecord {
  const d = sampleDeployment();
  edit(d.spec as JsonRecord);
  return d;
}

function templateSpec(spec: JsonRecord): JsonRecord {
  return (spec.template as JsonRecord).spec as JsonRecord;
}

const deploymentCases: [string, JsonRecord, string[]][] = [
  ['a defaulted deployment is valid', sampleDeployment(), []],
  [
    // A missing selector converts to "match nothing", which no template matches.
    'selector required',
    deploymentWith((s) => delete s.selector),
    ['spec.selector: Required value', 'spec.template.metadata.labels: Invalid value: {"app":"web"}: `selector` does not match template `labels`'],
  ],
  ['empty selector', deploymentWith((s) => (s.selector = {})), ['spec.selector: Invalid value: {}: empty selector is invalid for deployment']],
  [
    'selector must match the template',
    deploymentWith((s) => (s.selector = { matchLabels: { app: 'api' } })),
    ['spec.template.metadata.labels: Invalid value: {"app":"web"}: `selector` does not match template `labels`'],
  ],
  ['replicas', deploymentWith((s) => (s.replicas = -1)), ['spec.replicas: Invalid value: -1: must be greater than or equal to 0']],
  [
    'pods must restart always',
    deploymentWith((s) => (templateSpec(s).restartPolicy = 'OnFailure')),
    ['spec.template.spec.restartPolicy: Unsupported value: "OnFailure": supported values: "Always"'],
  ],
  [
    'no activeDeadlineSeconds',
    deploymentWith((s) => (templateSpec(s).activeDeadlineSeconds = 30)),
    ['spec.template.spec.activeDeadlineSeconds: Forbidden: activeDeadlineSeconds in ReplicaSet is not Supported'],
  ],
  [
    'the pod template is validated',
    deploymentWith((s) => (templateSpec(s).containers = [])),
    ['spec.template.spec.containers: Required value'],
  ],
  [
    'Recreate takes no rollingUpdate',
    deploymentWith((s) => ((s.strategy as JsonRecord).type = 'Recreate')),
    ["spec.strategy.rollingUpdate: Forbidden: may not be specified when strategy `type` is 'Recreate'"],
  ],
  [
    'maxUnavailable and maxSurge may not both be zero',
    deploymentWith((s) => (s.strategy = { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: '0%' } })),
    ['spec.strategy.rollingUpdate.maxUnavailable: Invalid value: 0: may not be 0 when `maxSurge` is 0'],
  ],
  [
    'percentages',
    deploymentWith((s) => (s.strategy = { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '150%', maxSurge: '5' } })),
    [
      "spec.strategy.rollingUpdate.maxSurge: Invalid value: \"5\": a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')",
      'spec.strategy.rollingUpdate.maxUnavailable: Invalid value: "150%": must not be greater than 100%',
    ],
  ],
  [
    'unknown strategy',
    deploymentWith((s) => (s.strategy = { type: 'BlueGreen' })),
    ['spec.strategy: Unsupported value: {"type":"BlueGreen"}: supported values: "Recreate", "RollingUpdate"'],
  ],
  [
    'progress deadline after minReadySeconds',
    deploymentWith((s) => {
      s.minReadySeconds = 600;
      s.progressDeadlineSeconds = 600;
    }),
    ['spec.progressDeadlineSeconds: Invalid value: 600: must be greater than minReadySeconds'],
  ],
];

for (const [name, obj, want] of deploymentCases) {
  test(`deployment: ${name}`, () => assert.deepEqual(render(validateDeployment(obj)), want));
}

test('deployment update: the selector is immutable', () => {
  const old = sampleDeployment();
  const d = deploymentWith((s) => {
    s.selector = { matchLabels: { app: 'web', tier: 'front' } };
    (s.template as JsonRecord).metadata = { labels: { app: 'web', tier: 'front' } };
  });
  assert.deepEqual(render(validateDeploymentUpdate(d, old)), [
    'spec.selector: Invalid value: {"matchLabels":{"app":"web","tier":"front"}}: field is immutable',
  ]);
  assert.deepEqual(render(validateDeploymentUpdate(deploymentWith((s) => (s.replicas = 5)), old)), []);
});

test('deployment status update', () => {
  const old = sampleDeployment();
  const d = sampleDeployment();
  d.status = { replicas: 1, readyReplicas: 2, availableReplicas: 3, updatedReplicas: -1 };
  assert.deepEqual(render(validateDeploymentStatusUpdate(d, old)), [
    'status.updatedReplicas: Invalid value: -1: must be greater than or equal to 0',
    'status.readyReplicas: Invalid value: 2: cannot be greater than status.replicas',
    'status.availableReplicas: Invalid value: 3: cannot be greater than status.replicas',
    'status.availableReplicas: Invalid value: 3: cannot be greater than readyReplicas',
  ]);
});

test('replicaset: selector and template', () => {
  const spec = { replicas: 2, selector: { matchLabels: { app: 'web' } }, template: samplePodTemplate() };
  assert.deepEqual(render(validateReplicaSet({ spec })), []);
  assert.deepEqual(render(validateReplicaSet({ spec: { ...spec, selector: {} } })), [
    'spec.selector: Invalid value: {}: empty selector is invalid for deployment',
  ]);
});

function statefulSet(): JsonRecord {
  return {
    metadata: { name: 'db', namespace: 'default' },
    spec: {
      replicas: 3,
      serviceName: 'db',
      podManagementPolicy: 'OrderedReady',
      updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 0 } },
      revisionHistoryLimit: 10,
      selector: { matchLabels: { app: 'web' } },
      template: samplePodTemplate(),
      persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Retain', whenScaled: 'Retain' },
    },
  };
}

test('statefulset: valid', () => assert.deepEqual(render(validateStatefulSet(statefulSet())), []));

test('statefulset: policies and strategy', () => {
  const sts = statefulSet();
  const spec = sts.spec as JsonRecord;
  spec.podManagementPolicy = 'Random';
  spec.updateStrategy = { type: 'OnDelete', rollingUpdate: { partition: 1 } };
  spec.persistentVolumeClaimRetentionPolicy = { whenDeleted: 'Keep', whenScaled: 'Retain' };
  assert.deepEqual(render(validateStatefulSet(sts)), [
    "spec.podManagementPolicy: Invalid value: \"Random\": must be 'OrderedReady' or 'Parallel'",
    "spec.updateStrategy.rollingUpdate: Invalid value: {\"partition\":1}: only allowed for updateStrategy 'RollingUpdate'",
    'spec.persistentVolumeClaimRetentionPolicy.whenDeleted: Unsupported value: "Keep": supported values: "Retain", "Delete"',
  ]);
});

test('statefulset: only some spec fields may change', () => {
  const old = statefulSet();
  const scaled = statefulSet();
  (scaled.spec as JsonRecord).replicas = 5;
  assert.deepEqual(render(validateStatefulSetUpdate(scaled, old)), []);
  const renamed = statefulSet();
  (renamed.spec as JsonRecord).serviceName = 'other';
  assert.deepEqual(render(validateStatefulSetUpdate(renamed, old)), [
    "spec: Forbidden: updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden",
  ]);
});

function daemonSet(): JsonRecord {
  return {
    spec: {
      selector: { matchLabels: { app: 'web' } },
      template: samplePodTemplate(),
      updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } },
      revisionHistoryLimit: 10,
    },
  };
}

test('daemonset: valid', () => assert.deepEqual(render(validateDaemonSet(daemonSet())), []));

test('daemonset: rolling update limits', () => {
  const both = daemonSet();
  ((both.spec as JsonRecord).updateStrategy as JsonRecord).rollingUpdate = { maxUnavailable: 1, maxSurge: 1 };
  assert.deepEqual(render(validateDaemonSet(both)), [
    'spec.updateStrategy.rollingUpdate.maxSurge: Invalid value: 1: may not be set when maxUnavailable is non-zero',
  ]);
  const neither = daemonSet();
  ((neither.spec as JsonRecord).updateStrategy as JsonRecord).rollingUpdate = { maxUnavailable: 0, maxSurge: 0 };
  assert.deepEqual(render(validateDaemonSet(neither)), ['spec.updateStrategy.rollingUpdate.maxUnavailable: Required value: cannot be 0 when maxSurge is 0']);
});

test('daemonset update: selector immutable', () => {
  const ds = daemonSet();
  (ds.spec as JsonRecord).selector = { matchLabels: { app: 'web' }, matchExpressions: [{ key: 'tier', operator: 'DoesNotExist' }] };
  assert.deepEqual(render(validateDaemonSetUpdate(ds, daemonSet())), [
    'spec.selector: Invalid value: {"matchLabels":{"app":"web"},"matchExpressions":[{"key":"tier","operator":"DoesNotExist"}]}: field is immutable',
  ]);
});

test('replicationcontroller: map selector', () => {
  const rc = { spec: { replicas: 1, selector: { app: 'web' }, template: samplePodTemplate() } };
  assert.deepEqual(render(validateReplicationController(rc)), []);
  assert.deepEqual(render(validateReplicationController({ spec: { ...rc.spec, selector: { app: 'api' } } })), [
    'spec.template.metadata.labels: Invalid value: {"app":"web"}: `selector` does not match template `labels`',
  ]);
  assert.deepEqual(render(validateReplicationController({ spec: { replicas: 1 } })), ['spec.selector: Required value', 'spec.template: Required value']);
});

test('controllerrevision: data required and immutable', () => {
  assert.deepEqual(render(validateControllerRevision({ revision: -1 })), [
    'data: Required value: data is mandatory',
    'revision: Invalid value: -1: must be greater than or equal to 0',
  ]);
  assert.deepEqual(render(validateControllerRevisionUpdate({ data: { a: 2 }, revision: 1 }, { data: { a: 1 }, revision: 1 })), [
    'data: Invalid value: {"a":2}: field is immutable',
  ]);
});
