import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Pod, ResourceQuota, Service } from '../../machinery/api-types.js';
import { evaluatorFor } from '../../machinery/quota/registry.js';
import { resourceListJson } from '../../machinery/quota/resource-list.js';
import { checkRequest, QuotaRefusal } from './quota-check.js';

const now = Date.parse('2026-01-01T00:00:00Z');
const pods = evaluatorFor('', 'pods')!;
const services = evaluatorFor('', 'services')!;

function quota(name: string, hard: Record<string, string>, used: Record<string, string> | undefined, spec: Partial<NonNullable<ResourceQuota['spec']>> = {}): ResourceQuota {
  return { metadata: { name, namespace: 'team', resourceVersion: '7' }, spec: { hard, ...spec }, status: used ? { hard, used } : { hard } };
}

function pod(cpu?: string, extra: Partial<NonNullable<Pod['spec']>> = {}): Pod {
  const resources = cpu ? { requests: { cpu, memory: '64Mi' } } : undefined;
  return { metadata: { name: 'web', namespace: 'team' }, spec: { containers: [{ name: 'nginx', resources }], ...extra } };
}

function refusal(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof QuotaRefusal, String(err));
    return err.message;
  }
  assert.fail('expected a refusal');
}

test('a create is charged to every quota limiting what it uses', () => {
  const charges = checkRequest(
    [quota('compute', { pods: '4', 'requests.cpu': '2' }, { pods: '1', 'requests.cpu': '500m' }), quota('objects', { 'count/pods': '10', services: '2' }, { 'count/pods': '3', services: '0' })],
    { operation: 'CREATE', object: pod('250m') },
    pods,
    now,
  );
  assert.deepEqual(
    charges.map((c) => [c.quota.metadata!.name, resourceListJson(c.used), resourceListJson(c.delta)]),
    [
      ['compute', { pods: '2', 'requests.cpu': '750m' }, { pods: '1', 'requests.cpu': '250m' }],
      ['objects', { 'count/pods': '4', services: '0' }, { 'count/pods': '1' }],
    ],
  );
});

test('going over a quota is refused with the resources exceeded only, in kube-apiserver words', () => {
  const full = quota('compute', { pods: '2', 'requests.cpu': '1', 'requests.memory': '1Gi' }, { pods: '2', 'requests.cpu': '1', 'requests.memory': '128Mi' });
  assert.equal(
    refusal(() => checkRequest([full], { operation: 'CREATE', object: pod('500m') }, pods, now)),
    'exceeded quota: compute, requested: pods=1,requests.cpu=500m, used: pods=2,requests.cpu=1, limited: pods=2,requests.cpu=1',
  );
});

test('a pod naming no cpu request fails a quota on requests.cpu; an uncounted quota refuses until counted', () => {
  assert.equal(
    refusal(() => checkRequest([quota('compute', { 'requests.cpu': '1' }, { 'requests.cpu': '0' })], { operation: 'CREATE', object: pod() }, pods, now)),
    'failed quota: compute: must specify requests.cpu for: nginx',
  );
  assert.equal(
    refusal(() => checkRequest([quota('fresh', { pods: '3', 'count/pods': '3', services: '1' }, { pods: '0' })], { operation: 'CREATE', object: pod('1') }, pods, now)),
    'status unknown for quota: fresh, resources: count/pods,pods',
  );
  // Not yet taken over by the controller (no status.hard): not enforced at all.
  assert.deepEqual(checkRequest([{ metadata: { name: 'new' }, spec: { hard: { pods: '0' } } }], { operation: 'CREATE', object: pod('1') }, pods, now), []);
});

test('scoped quotas charge only pods under their scope', () => {
  const high = quota('high', { pods: '1' }, { pods: '1' }, { scopeSelector: { matchExpressions: [{ scopeName: 'PriorityClass', operator: 'In', values: ['high'] }] } });
  assert.deepEqual(checkRequest([high], { operation: 'CREATE', object: pod('1', { priorityClassName: 'low' }) }, pods, now), []);
  assert.match(refusal(() => checkRequest([high], { operation: 'CREATE', object: pod('1', { priorityClassName: 'high' }) }, pods, now)), /^exceeded quota: high, requested: pods=1, used: pods=1, limited: pods=1$/);
});

test('an update is charged only what it adds: a Service turned LoadBalancer takes a load balancer and its node ports', () => {
  const q = quota('svc', { services: '5', 'services.loadbalancers': '1', 'services.nodeports': '2' }, { services: '1', 'services.loadbalancers': '0', 'services.nodeports': '0' });
  const old: Service = { metadata: { name: 's', namespace: 'team', resourceVersion: '3' }, spec: { type: 'ClusterIP', ports: [{ port: 80 }] } };
  const next: Service = { ...old, spec: { type: 'LoadBalancer', ports: [{ port: 80 }] } };
  const [charge] = checkRequest([q], { operation: 'UPDATE', object: next, oldObject: old }, services, now);
  assert.deepEqual(resourceListJson(charge!.delta), { 'services.loadbalancers': '1', 'services.nodeports': '1' });
  assert.deepEqual(resourceListJson(charge!.used), { services: '1', 'services.loadbalancers': '1', 'services.nodeports': '1' });
  // Changing nothing quota counts charges nothing.
  assert.deepEqual(checkRequest([q], { operation: 'UPDATE', object: { ...old, metadata: { ...old.metadata, labels: { a: 'b' } } }, oldObject: old }, services, now), []);
  // Pods are charged on create only.
  assert.deepEqual(checkRequest([quota('compute', { pods: '0' }, { pods: '0' })], { operation: 'UPDATE', object: pod('1'), oldObject: pod('1') }, pods, now), []);
});
