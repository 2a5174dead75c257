import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { EndpointSlice, Node, Pod, Service } from '../../machinery/api-types.js';
import { reconcileSlices, type SliceReconcileInput } from './slice-reconciler.js';

const service: Service = {
  metadata: { name: 'web', namespace: 'default', uid: 'svc-uid', labels: { app: 'web' }, creationTimestamp: '2026-01-01T00:00:00Z' },
  spec: { selector: { app: 'web' }, clusterIP: '10.96.0.10', ipFamilies: ['IPv4'], ports: [{ name: 'http', port: 80, targetPort: 8080 as unknown as string, protocol: 'TCP' }] },
};
const node: Node = { metadata: { name: 'n1', labels: { 'topology.kubernetes.io/zone': 'z1' } } };

function pod(i: number, ready = true): Pod {
  return {
    metadata: { name: `web-${i}`, namespace: 'default', uid: `uid-${i}`, labels: { app: 'web' } },
    spec: { nodeName: 'n1', containers: [{ name: 'c', image: 'x' }] },
    status: { phase: 'Running', podIP: `10.0.${Math.floor(i / 250)}.${i % 250}`, conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }] },
  };
}

const input = (pods: Pod[], existing: EndpointSlice[] = [], extra: Partial<SliceReconcileInput> = {}): SliceReconcileInput => ({
  service,
  pods,
  existing,
  node: (n) => (n === 'n1' ? node : undefined),
  ...extra,
});

/** What the API server would store: the planned slices, named. */
function apply(plan: ReturnType<typeof reconcileSlices>, existing: EndpointSlice[]): EndpointSlice[] {
  let n = 0;
  const out = new Map(existing.map((s) => [s.metadata!.name!, s]));
  for (const s of plan.delete) out.delete(s.metadata!.name!);
  for (const s of plan.update) out.set(s.metadata!.name!, s);
  for (const s of plan.create) {
    const name = `${s.metadata!.generateName}${String(n++).padStart(5, '0')}`;
    out.set(name, { ...s, metadata: { ...s.metadata, name } });
  }
  return [...out.values()];
}

test('250 endpoints fill three slices, 100 at most each, with the Service labels and owner', () => {
  const plan = reconcileSlices(input(Array.from({ length: 250 }, (_, i) => pod(i)), [], { triggerTime: Date.parse('2026-01-01T00:00:05Z') }));
  assert.deepEqual(plan.create.map((s) => s.endpoints!.length), [100, 100, 50]);
  const [first] = plan.create;
  assert.deepEqual(first!.metadata!.labels, { app: 'web', 'kubernetes.io/service-name': 'web', 'endpointslice.kubernetes.io/managed-by': 'endpointslice-controller.k8s.io' });
  assert.equal(first!.metadata!.generateName, 'web-');
  assert.deepEqual(first!.metadata!.annotations, { 'endpoints.kubernetes.io/last-change-trigger-time': '2026-01-01T00:00:05Z' });
  assert.deepEqual(first!.ports, [{ name: 'http', protocol: 'TCP', port: 8080 }]);
  assert.deepEqual(first!.endpoints![0], {
    addresses: ['10.0.0.0'],
    conditions: { ready: true, serving: true, terminating: false },
    targetRef: { kind: 'Pod', namespace: 'default', name: 'web-0', uid: 'uid-0' },
    nodeName: 'n1',
    zone: 'z1',
  });
});

test('one pod more, or one fewer, rewrites a single slice; unchanged input writes nothing', () => {
  const pods = Array.from({ length: 250 }, (_, i) => pod(i));
  const slices = apply(reconcileSlices(input(pods)), []);
  assert.deepEqual(reconcileSlices(input(pods, slices)), { create: [], update: [], delete: [], podsOnMissingNodes: [] });

  const more = reconcileSlices(input([...pods, pod(250)], slices));
  assert.deepEqual([more.create.length, more.update.length, more.delete.length], [0, 1, 0]);
  assert.equal(more.update[0]!.endpoints!.length, 51, 'the slice with room takes it');

  const fewer = reconcileSlices(input(pods.slice(1), slices));
  assert.deepEqual([fewer.create.length, fewer.update.length, fewer.delete.length], [0, 1, 0]);

  const unready = reconcileSlices(input([pod(0, false), ...pods.slice(1)], slices));
  assert.equal(unready.update.length, 1);
  assert.deepEqual(unready.update[0]!.endpoints!.find((e) => e.targetRef!.name === 'web-0')!.conditions, { ready: false, serving: false, terminating: false });
});

test('no endpoints: one placeholder slice, kept as it is; a pod on a missing node is left out and reported', () => {
  const plan = reconcileSlices(input([]));
  assert.deepEqual(plan.create.map((s) => [s.endpoints, s.ports, s.addressType]), [[[], [], 'IPv4']]);
  const placeholder = apply(plan, []);
  assert.deepEqual(reconcileSlices(input([], placeholder)), { create: [], update: [], delete: [], podsOnMissingNodes: [] });

  const lost: Pod = { ...pod(1), spec: { ...pod(1).spec!, nodeName: 'gone' } };
  const missing = reconcileSlices(input([lost], placeholder));
  assert.deepEqual(missing.podsOnMissingNodes, ['skipping Pod web-1 for Service default/web: Node gone Not Found']);
  assert.deepEqual([missing.create.length, missing.update.length, missing.delete.length], [0, 0, 0]);
});

test('slices of another owner (a Service of the same name, gone) are replaced by updates of them', () => {
  const stale = apply(reconcileSlices(input([pod(1)])), []).map((s) => ({ ...s, metadata: { ...s.metadata, ownerReferences: [{ apiVersion: 'v1', kind: 'Service', name: 'web', uid: 'old-uid' }] } }));
  const plan = reconcileSlices(input([pod(1)], stale));
  assert.deepEqual([plan.create.length, plan.update.length, plan.delete.length], [1, 0, 1], 'not recycled: owned by another Service');
});

test('trafficDistribution PreferClose gives ready endpoints a hint for their zone', () => {
  const svc: Service = { ...service, spec: { ...service.spec, trafficDistribution: 'PreferClose' } };
  const plan = reconcileSlices({ ...input([pod(1), pod(2, false)]), service: svc });
  assert.deepEqual(plan.create[0]!.endpoints!.map((e) => e.hints), [{ forZones: [{ name: 'z1' }] }, undefined]);
});
