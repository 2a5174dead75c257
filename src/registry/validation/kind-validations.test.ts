import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fieldErrorString, type FieldError } from '../../apierrors/field-errors.js';
import { kindValidations, nameValidators } from './index.js';
import { sampleCronJob, sampleDeployment, sampleJob, samplePod, sampleService } from './sample-objects.js';

const render = (errs: FieldError[]) => errs.map(fieldErrorString);

function kind(key: string) {
  const kv = kindValidations.get(key);
  assert.ok(kv, `no validation for ${key}`);
  return kv;
}

test('every kind the brief names has rules', () => {
  for (const key of [
    'Pod',
    'PodTemplate',
    'ReplicationController',
    'Service',
    'ConfigMap',
    'Secret',
    'Namespace',
    'ServiceAccount',
    'Node',
    'PersistentVolumeClaim',
    'PersistentVolume',
    'Event',
    'ResourceQuota',
    'Deployment.apps',
    'ReplicaSet.apps',
    'StatefulSet.apps',
    'DaemonSet.apps',
    'ControllerRevision.apps',
    'Job.batch',
    'CronJob.batch',
    'Role.rbac.authorization.k8s.io',
    'ClusterRole.rbac.authorization.k8s.io',
    'RoleBinding.rbac.authorization.k8s.io',
    'ClusterRoleBinding.rbac.authorization.k8s.io',
    'Ingress.networking.k8s.io',
    'IngressClass.networking.k8s.io',
    'NetworkPolicy.networking.k8s.io',
    'HorizontalPodAutoscaler.autoscaling',
    'PodDisruptionBudget.policy',
    'Lease.coordination.k8s.io',
    'PriorityClass.scheduling.k8s.io',
    'StorageClass.storage.k8s.io',
  ]) {
    kind(key);
  }
});

test('name rules per kind', () => {
  const cases: [string, string, number][] = [
    // [kind, name, number of problems]
    ['Service', '1web', 1],
    ['Service', 'web', 0],
    ['Namespace', 'a.b', 1],
    ['StatefulSet.apps', 'a.b', 1],
    ['ConfigMap', 'a.b', 0],
    ['Role.rbac.authorization.k8s.io', 'system:aggregate-to-view', 0],
    ['ClusterRoleBinding.rbac.authorization.k8s.io', 'Upper:Case', 0],
    ['PodDisruptionBudget.policy', 'Anything_Goes', 0],
  ];
  for (const [k, name, count] of cases) {
    const validateName = kind(k).validateName ?? nameValidators.dnsSubdomain;
    assert.equal(validateName(name, false).length, count, `${k} ${name}`);
  }
});

test('defaulted sample objects pass create, update and status rules', () => {
  const samples: [string, Record<string, unknown>][] = [
    ['Pod', samplePod()],
    ['Deployment.apps', sampleDeployment()],
    ['Job.batch', sampleJob()],
    ['CronJob.batch', sampleCronJob()],
    ['Service', sampleService()],
  ];
  for (const [k, obj] of samples) {
    const kv = kind(k);
    assert.deepEqual(render(kv.validate?.(obj) ?? []), [], `${k} create`);
    assert.deepEqual(render(kv.validateUpdate?.(obj, obj) ?? []), [], `${k} update`);
    assert.deepEqual(render(kv.validateStatusUpdate?.(obj, obj) ?? []), [], `${k} status`);
  }
});

test('built-in kinds get the standard-finalizer rule on create, update and status', () => {
  const obj = { metadata: { name: 'cm', finalizers: ['kubernetes', 'example.com/keep', 'keep'] }, data: {} };
  const want = ['metadata.finalizers[2]: Invalid value: "keep": name is neither a standard finalizer name nor is it fully qualified'];
  const kv = kind('ConfigMap');
  assert.deepEqual(render(kv.validate!(obj)), want);
  assert.deepEqual(render(kv.validateUpdate!(obj, obj)), want);
  assert.deepEqual(render(kv.validateStatusUpdate!(obj, obj)), want);
  // Metadata-only kinds too.
  assert.deepEqual(render(kind('ServiceAccount').validate!(obj)), want);
});

test('kinds validated with apimachinery rules only skip the finalizer rule', () => {
  for (const k of ['Lease.coordination.k8s.io', 'PodDisruptionBudget.policy', 'Event']) {
    const obj = { metadata: { name: 'x', namespace: 'default', finalizers: ['keep'] }, spec: {}, involvedObject: { namespace: 'default' } };
    assert.deepEqual(render(kind(k).validate!(obj)), [], k);
  }
});

test('updates fall back to the create rules when a kind has no update rules', () => {
  const role = { metadata: { name: 'r' }, rules: [{ apiGroups: [''], resources: ['pods'], verbs: [] }] };
  assert.deepEqual(render(kind('Role.rbac.authorization.k8s.io').validateUpdate!(role, role)), [
    'rules[0].verbs: Required value: verbs must contain at least one value',
  ]);
});

test('status updates run only status rules', () => {
  const deployment = sampleDeployment();
  const broken = { ...deployment, spec: { ...(deployment.spec as object), replicas: -1 }, status: { observedGeneration: -1 } };
  assert.deepEqual(render(kind('Deployment.apps').validateStatusUpdate!(broken, deployment)), [
    'status.observedGeneration: Invalid value: -1: must be greater than or equal to 0',
  ]);
});

test('namespace updates ignore spec.finalizers', () => {
  const ns = { metadata: { name: 'team' }, spec: { finalizers: ['custom'] } };
  assert.deepEqual(render(kind('Namespace').validateUpdate!(ns, ns)), []);
  assert.equal(kind('Namespace').validate!(ns).length, 1);
});
