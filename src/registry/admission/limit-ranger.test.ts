import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { LimitRange, PersistentVolumeClaim, Pod } from '../../machinery/api-types.js';
import { parseQuantity } from '../../machinery/quantity.js';
import { applyPodDefaults, claimLimitViolation, podLimitViolation, ratioText } from './limit-ranger.js';

function limitRange(limits: NonNullable<LimitRange['spec']>['limits']): LimitRange {
  return { metadata: { name: 'limits', namespace: 'team' }, spec: { limits } };
}

function pod(containers: NonNullable<Pod['spec']>['containers'], initContainers?: NonNullable<Pod['spec']>['initContainers']): Pod {
  return { metadata: { name: 'web', namespace: 'team' }, spec: { containers, initContainers } };
}

test('containers without requests or limits get the defaults, and the pod says so in its annotation', () => {
  const p = pod([{ name: 'nginx' }, { name: 'sidecar', resources: { limits: { cpu: '200m' }, requests: { cpu: '200m' } } }], [{ name: 'init' }]);
  applyPodDefaults(p, [limitRange([{ type: 'Container', default: { cpu: '500m', memory: '256Mi' }, defaultRequest: { cpu: '100m', memory: '128Mi' } }])]);
  assert.deepEqual(p.spec!.containers[0]!.resources, { limits: { cpu: '500m', memory: '256Mi' }, requests: { cpu: '100m', memory: '128Mi' } });
  assert.deepEqual(p.spec!.containers[1]!.resources, { limits: { cpu: '200m', memory: '256Mi' }, requests: { cpu: '200m', memory: '128Mi' } });
  assert.equal(
    p.metadata!.annotations!['kubernetes.io/limit-ranger'],
    'LimitRanger plugin set: cpu, memory request for container nginx; cpu, memory limit for container nginx; memory request for container sidecar; memory limit for container sidecar; cpu, memory request for init container init; cpu, memory limit for init container init',
  );
  const untouched = pod([{ name: 'c' }]);
  applyPodDefaults(untouched, [limitRange([{ type: 'Pod', max: { cpu: '2' } }])]);
  assert.equal(untouched.metadata!.annotations, undefined);
});

test('container min and max are enforced on requests and limits, with the real messages', () => {
  const lr = limitRange([{ type: 'Container', max: { cpu: '1', memory: '1Gi' }, min: { cpu: '100m' } }]);
  assert.equal(
    podLimitViolation(pod([{ name: 'c', resources: { limits: { cpu: '2', memory: '512Mi' }, requests: { cpu: '500m', memory: '512Mi' } } }]), lr),
    'maximum cpu usage per Container is 1, but limit is 2',
  );
  assert.equal(
    podLimitViolation(pod([{ name: 'c', resources: { limits: { cpu: '500m' }, requests: { cpu: '50m' } } }]), lr),
    '[minimum cpu usage per Container is 100m, but request is 50m, maximum memory usage per Container is 1Gi.  No limit is specified]',
  );
  assert.equal(podLimitViolation(pod([{ name: 'c', resources: { limits: { cpu: '1', memory: '1Gi' }, requests: { cpu: '100m', memory: '1Gi' } } }]), lr), undefined);
});

test('the limit to request ratio is checked exactly and shown to six decimals', () => {
  const lr = limitRange([{ type: 'Container', maxLimitRequestRatio: { cpu: '2' } }]);
  assert.equal(
    podLimitViolation(pod([{ name: 'c', resources: { limits: { cpu: '1' }, requests: { cpu: '300m' } } }]), lr),
    'cpu max limit to request ratio per Container is 2, but provided ratio is 3.333333',
  );
  assert.equal(podLimitViolation(pod([{ name: 'c', resources: { limits: { cpu: '600m' }, requests: { cpu: '300m' } } }]), lr), undefined);
  assert.equal(podLimitViolation(pod([{ name: 'c', resources: { limits: { cpu: '1' } } }]), lr), 'cpu max limit to request ratio per Container is 2, but no request is specified or request is 0');
  assert.equal(ratioText(parseQuantity('2'), parseQuantity('3')), '0.666667');
  assert.equal(ratioText(parseQuantity('1Gi'), parseQuantity('128Mi')), '8.000000');
});

test('Pod limits apply to the containers together', () => {
  const lr = limitRange([{ type: 'Pod', max: { memory: '1Gi' } }]);
  const two = pod([
    { name: 'a', resources: { limits: { memory: '768Mi' }, requests: { memory: '512Mi' } } },
    { name: 'b', resources: { limits: { memory: '512Mi' }, requests: { memory: '256Mi' } } },
  ]);
  assert.equal(podLimitViolation(two, lr), 'maximum memory usage per Pod is 1Gi, but limit is 1280Mi');
});

test('claims are held to storage min and max; an update that keeps the request is not judged again', () => {
  const lr = limitRange([{ type: 'PersistentVolumeClaim', min: { storage: '1Gi' }, max: { storage: '10Gi' } }]);
  const claim = (storage: string): PersistentVolumeClaim => ({ metadata: { name: 'data' }, spec: { resources: { requests: { storage } } } });
  assert.equal(claimLimitViolation(claim('20Gi'), undefined, lr), 'maximum storage usage per PersistentVolumeClaim is 10Gi, but request is 20Gi');
  assert.equal(claimLimitViolation(claim('500Mi'), undefined, lr), 'minimum storage usage per PersistentVolumeClaim is 1Gi, but request is 500Mi');
  assert.equal(claimLimitViolation(claim('20Gi'), claim('20Gi'), lr), undefined);
  assert.equal(claimLimitViolation(claim('30Gi'), claim('20Gi'), lr), 'maximum storage usage per PersistentVolumeClaim is 10Gi, but request is 30Gi');
});
