import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { PersistentVolumeClaim, Pod, ResourceQuota, Service } from '../api-types.js';
import { objectCountEvaluator, quotaMatches, scopeRequirements } from './evaluator.js';
import { persistentVolumeClaimEvaluator } from './persistent-volume-claims.js';
import { podEvaluator } from './pods.js';
import { countedResource, evaluatorFor, evaluatorsForQuota } from './registry.js';
import { addLists, lessThanOrEqual, prettyPrint, resourceList, resourceListJson, subtractNonNegative } from './resource-list.js';
import { serviceEvaluator } from './services.js';
import { calculateUsage } from './usage.js';

const now = Date.parse('2026-01-01T00:00:00Z');
const json = (l: Map<string, unknown>) => resourceListJson(l as never);

function pod(spec: Partial<NonNullable<Pod['spec']>>, extra: Partial<Pod> = {}): Pod {
  return { metadata: { name: 'p', namespace: 'ns' }, spec: { containers: [], ...spec }, ...extra } as Pod;
}

test('a pod is charged its containers, sidecars, the peak of its init containers and the overhead', () => {
  const p = pod({
    containers: [
      { name: 'app', resources: { requests: { cpu: '250m', memory: '64Mi' }, limits: { cpu: '500m', memory: '128Mi' } } },
      { name: 'log', resources: { requests: { cpu: '250m', memory: '64Mi' } } },
    ],
    initContainers: [
      { name: 'sidecar', restartPolicy: 'Always', resources: { requests: { cpu: '100m' } } },
      { name: 'migrate', resources: { requests: { cpu: '2', memory: '1Gi' } } },
    ],
    overhead: { cpu: '10m' },
  });
  assert.deepEqual(json(podEvaluator.usage(p, now)), {
    'count/pods': '1',
    cpu: '2110m',
    'limits.cpu': '510m',
    'limits.memory': '128Mi',
    memory: '1Gi',
    pods: '1',
    'requests.cpu': '2110m',
    'requests.memory': '1Gi',
  });
});

test('terminal pods, and pods deleting past their grace period, count as objects only', () => {
  const container = { name: 'c', resources: { requests: { cpu: '1' } } };
  assert.deepEqual(json(podEvaluator.usage(pod({ containers: [container] }, { status: { phase: 'Succeeded' } }), now)), { 'count/pods': '1' });
  const deleting = (at: string) => pod({ containers: [container] }, { metadata: { name: 'p', deletionTimestamp: at, deletionGracePeriodSeconds: 30 } });
  assert.deepEqual(json(podEvaluator.usage(deleting('2025-12-31T23:59:00Z'), now)), { 'count/pods': '1' });
  assert.equal(json(podEvaluator.usage(deleting('2025-12-31T23:59:50Z'), now))['requests.cpu'], '1');
});

test('hugepages and extended resources are charged as requests.<name>', () => {
  const p = pod({ containers: [{ name: 'c', resources: { requests: { 'hugepages-2Mi': '4Mi', 'nvidia.com/gpu': '2' }, limits: { 'hugepages-2Mi': '4Mi', 'nvidia.com/gpu': '2' } } }] });
  const usage = json(podEvaluator.usage(p, now));
  assert.equal(usage['hugepages-2Mi'], '4Mi');
  assert.equal(usage['requests.hugepages-2Mi'], '4Mi');
  assert.equal(usage['requests.nvidia.com/gpu'], '2');
  assert.equal(usage['nvidia.com/gpu'], undefined);
  assert.deepEqual(podEvaluator.matchingResources(['requests.nvidia.com/gpu', 'nvidia.com/gpu', 'hugepages-2Mi', 'services', 'count/pods']), ['requests.nvidia.com/gpu', 'hugepages-2Mi', 'count/pods']);
});

test('quotas on cpu or memory require every container to name them, in the real message', () => {
  const p = pod({
    containers: [{ name: 'web', resources: { requests: { cpu: '1' } } }, { name: 'agent' }],
    initContainers: [{ name: 'init', resources: { requests: { memory: '1Gi' } } }],
  });
  assert.equal(
    podEvaluator.constraints(['requests.cpu', 'requests.memory', 'pods', 'requests.ephemeral-storage'], p),
    'must specify requests.cpu for: agent,init; requests.memory for: agent,web',
  );
  assert.equal(podEvaluator.constraints(['pods', 'count/pods'], p), undefined);
});

test('pod scopes: Terminating, BestEffort, PriorityClass selectors and cross-namespace affinity', () => {
  const quota = (spec: ResourceQuota['spec']): ResourceQuota => ({ spec, status: { hard: { pods: '10' } } });
  const best = pod({ containers: [{ name: 'c' }] }, { status: { qosClass: 'BestEffort' } });
  const high = pod({ containers: [{ name: 'c' }], priorityClassName: 'high', activeDeadlineSeconds: 60 }, { status: { qosClass: 'Burstable' } });
  assert.equal(quotaMatches(podEvaluator, quota({ scopes: ['BestEffort'] }), best), true);
  assert.equal(quotaMatches(podEvaluator, quota({ scopes: ['BestEffort'] }), high), false);
  assert.equal(quotaMatches(podEvaluator, quota({ scopes: ['Terminating', 'NotBestEffort'] }), high), true);
  const inHigh = quota({ scopeSelector: { matchExpressions: [{ scopeName: 'PriorityClass', operator: 'In', values: ['high', 'critical'] }] } });
  assert.equal(quotaMatches(podEvaluator, inHigh, high), true);
  assert.equal(quotaMatches(podEvaluator, inHigh, best), false);
  const notHigh = quota({ scopeSelector: { matchExpressions: [{ scopeName: 'PriorityClass', operator: 'NotIn', values: ['high'] }] } });
  assert.deepEqual([quotaMatches(podEvaluator, notHigh, high), quotaMatches(podEvaluator, notHigh, best)], [false, true]);
  const anyClass = quota({ scopeSelector: { matchExpressions: [{ scopeName: 'PriorityClass', operator: 'Exists' }] } });
  assert.deepEqual([quotaMatches(podEvaluator, anyClass, high), quotaMatches(podEvaluator, anyClass, best)], [true, false]);
  const crossNs = pod({ containers: [{ name: 'c' }], affinity: { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ topologyKey: 'zone', namespaces: ['other'] }] } } });
  assert.equal(quotaMatches(podEvaluator, quota({ scopes: ['CrossNamespacePodAffinity'] }), crossNs), true);
  assert.deepEqual(scopeRequirements(quota({ scopes: ['Terminating'], scopeSelector: { matchExpressions: [{ scopeName: 'PriorityClass', operator: 'Exists' }] } })), [
    { scopeName: 'Terminating', operator: 'Exists' },
    { scopeName: 'PriorityClass', operator: 'Exists' },
  ]);
  // A quota matches only when status.hard names something pods are charged under.
  assert.equal(quotaMatches(podEvaluator, { spec: { hard: { pods: '1' } }, status: {} }, best), false);
});

test('services count node ports by intent and load balancers once', () => {
  const svc = (spec: Service['spec']): Service => ({ metadata: { name: 's' }, spec });
  const ports = [{ port: 80 }, { port: 443, nodePort: 30443 }];
  assert.deepEqual(json(serviceEvaluator.usage(svc({ type: 'ClusterIP', ports }), now)), {
    'count/services': '1',
    services: '1',
    'services.loadbalancers': '0',
    'services.nodeports': '0',
  });
  assert.equal(json(serviceEvaluator.usage(svc({ type: 'NodePort', ports }), now))['services.nodeports'], '2');
  const lb = json(serviceEvaluator.usage(svc({ type: 'LoadBalancer', ports, allocateLoadBalancerNodePorts: false }), now));
  assert.deepEqual([lb['services.loadbalancers'], lb['services.nodeports']], ['1', '1']);
  assert.equal(serviceEvaluator.handles('UPDATE'), true);
});

test('claims are charged their storage in whole bytes, per class too, or what they were expanded to', () => {
  const claim: PersistentVolumeClaim = { metadata: { name: 'c' }, spec: { storageClassName: 'gold', resources: { requests: { storage: '1500m' } } } };
  assert.deepEqual(json(persistentVolumeClaimEvaluator.usage(claim, now)), {
    'count/persistentvolumeclaims': '1',
    'gold.storageclass.storage.k8s.io/persistentvolumeclaims': '1',
    'gold.storageclass.storage.k8s.io/requests.storage': '2',
    persistentvolumeclaims: '1',
    'requests.storage': '2',
  });
  const expanded: PersistentVolumeClaim = { metadata: { name: 'c', annotations: { 'volume.beta.kubernetes.io/storage-class': 'silver' } }, spec: { storageClassName: 'gold', resources: { requests: { storage: '1Gi' } } }, status: { allocatedResources: { storage: '2Gi' } } };
  const usage = json(persistentVolumeClaimEvaluator.usage(expanded, now));
  assert.equal(usage['requests.storage'], '2Gi');
  assert.equal(usage['silver.storageclass.storage.k8s.io/requests.storage'], '2Gi');
  assert.deepEqual(persistentVolumeClaimEvaluator.matchingResources(['gold.storageclass.storage.k8s.io/requests.storage', 'requests.storage', 'pods']), [
    'gold.storageclass.storage.k8s.io/requests.storage',
    'requests.storage',
  ]);
});

test('every other resource is an object count; the four legacy kinds keep their old names; events are never counted', () => {
  assert.deepEqual(json(evaluatorFor('apps', 'deployments')!.usage({}, now)), { 'count/deployments.apps': '1' });
  assert.deepEqual(json(evaluatorFor('', 'configmaps')!.usage({}, now)), { configmaps: '1', 'count/configmaps': '1' });
  assert.equal(evaluatorFor('', 'events'), undefined);
  assert.equal(evaluatorFor('events.k8s.io', 'events'), undefined);
  assert.equal(evaluatorFor('apps', 'deployments')!.handles('UPDATE'), false);
  assert.deepEqual(countedResource('count/widgets.example.com'), { group: 'example.com', resource: 'widgets' });
  assert.deepEqual(evaluatorsForQuota(['pods', 'count/deployments.apps', 'count/pods', 'secrets']).map((e) => `${e.resource}.${e.group}`), [
    'pods.',
    'secrets.',
    'deployments.apps',
  ]);
});

test('usage adds up the objects under the quota scopes; limited resources nothing uses show zero', () => {
  const quota: ResourceQuota = { spec: { hard: { pods: '5', 'requests.cpu': '2', 'count/deployments.apps': '3' }, scopes: ['NotTerminating'] } };
  const pods = [
    pod({ containers: [{ name: 'a', resources: { requests: { cpu: '500m' } } }] }),
    pod({ containers: [{ name: 'b', resources: { requests: { cpu: '500m' } } }] }),
    pod({ containers: [{ name: 'job', resources: { requests: { cpu: '1' } } }], activeDeadlineSeconds: 30 }),
  ];
  const deployments = objectCountEvaluator('apps', 'deployments');
  const usage = calculateUsage(quota, [podEvaluator, deployments], (e) => (e === podEvaluator ? pods : [{}, {}]), now);
  // A scoped quota counts nothing of kinds that have no scopes.
  assert.deepEqual(json(usage), { 'count/deployments.apps': '0', pods: '2', 'requests.cpu': '1' });
});

test('resource list arithmetic keeps Go quantity formats', () => {
  const a = resourceList({ memory: '1Gi', cpu: '500m' });
  assert.deepEqual(resourceListJson(addLists(a, resourceList({ memory: '512Mi', cpu: '1.5' }))), { cpu: '2', memory: '1536Mi' });
  assert.deepEqual(resourceListJson(subtractNonNegative(a, resourceList({ cpu: '1', pods: '1' }))), { cpu: '0', memory: '1Gi', pods: '0' });
  assert.deepEqual(lessThanOrEqual(resourceList({ cpu: '2', pods: '1' }), resourceList({ cpu: '1500m' })), { allowed: false, exceeded: ['cpu'] });
  assert.equal(prettyPrint(resourceList({ pods: '1', 'requests.cpu': '0.5' })), 'pods=1,requests.cpu=500m');
});
