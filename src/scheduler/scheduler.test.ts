import assert from 'node:assert/strict';
import { afterEach, describe, test } from 'node:test';
import type { Deployment, Node, Pod } from '../machinery/api-types.js';
import type { TestCluster } from '../testing/test-cluster.js';
import {
  addNodes,
  controlPlaneTaint,
  createPod,
  failedScheduling,
  getPod,
  podEvents,
  schedulerCluster,
  testNode,
  testPod,
} from './scheduler-fixtures.case.js';

let c: TestCluster;
afterEach(async () => {
  await c?.stop();
});

const kindLayout = () => [
  testNode('kubemu-control-plane', { taints: [controlPlaneTaint], labels: { 'node-role.kubernetes.io/control-plane': '' } }),
  testNode('kubemu-worker'),
  testNode('kubemu-worker2'),
];

describe('scheduler: binding', () => {
  test('binds a pending pod to a node, with a Scheduled event from default-scheduler', async () => {
    c = await schedulerCluster();
    await addNodes(c, testNode('n1'));
    await createPod(c, testPod('web'));
    await c.settle();
    const pod = await getPod(c, 'web');
    assert.equal(pod.spec!.nodeName, 'n1');
    const events = await podEvents(c, 'web');
    assert.deepEqual(
      events.map((e) => [e.type, e.reason, e.message, e.source?.component]),
      [['Normal', 'Scheduled', 'Successfully assigned default/web to n1', 'default-scheduler']],
    );
    // As kube-apiserver's BindingREST, the binding records no managedFields entry.
    assert.deepEqual(pod.metadata!.managedFields!.map((m) => m.manager), ['test']);
  });

  test('leaves pods of another schedulerName, and pods naming a node, alone', async () => {
    c = await schedulerCluster();
    await addNodes(c, testNode('n1'));
    await createPod(c, testPod('custom', { schedulerName: 'my-scheduler' }));
    await createPod(c, testPod('pinned', { nodeName: 'elsewhere' }));
    await c.settle();
    assert.equal((await getPod(c, 'custom')).spec!.nodeName, undefined);
    assert.equal((await getPod(c, 'pinned')).spec!.nodeName, 'elsewhere');
    assert.deepEqual(await podEvents(c, 'custom'), []);
    assert.deepEqual(await podEvents(c, 'pinned'), []);
  });

  test('a control-plane node tainted NoSchedule gets no pods; pods tolerating the taint may go there', async () => {
    c = await schedulerCluster();
    await addNodes(c, ...kindLayout());
    for (let i = 0; i < 6; i++) await createPod(c, testPod(`p${i}`));
    const tolerating = testPod('tolerant', {
      tolerations: [{ key: 'node-role.kubernetes.io/control-plane', operator: 'Exists', effect: 'NoSchedule' }],
      nodeSelector: { 'node-role.kubernetes.io/control-plane': '' },
    });
    await createPod(c, tolerating);
    await c.settle();
    for (let i = 0; i < 6; i++) assert.match((await getPod(c, `p${i}`)).spec!.nodeName!, /^kubemu-worker2?$/);
    assert.equal((await getPod(c, 'tolerant')).spec!.nodeName, 'kubemu-control-plane');
  });

  test('scoring prefers the least allocated node', async () => {
    c = await schedulerCluster();
    await addNodes(c, testNode('busy'), testNode('idle'));
    const hog = testPod('hog', { nodeName: 'busy' }, { cpu: '6', memory: '24Gi' });
    await createPod(c, hog);
    for (let i = 0; i < 3; i++) await createPod(c, testPod(`small${i}`, {}, { cpu: '500m', memory: '1Gi' }));
    await c.settle();
    for (let i = 0; i < 3; i++) assert.equal((await getPod(c, `small${i}`)).spec!.nodeName, 'idle');
  });

  test("a Deployment's pods spread across the workers", async () => {
    c = await schedulerCluster(['deployment', 'replicaset']);
    await addNodes(c, ...kindLayout());
    const deployments = c.client.resource<Deployment>('apps', 'v1', 'deployments');
    await deployments.create('default', {
      metadata: { name: 'web' },
      spec: {
        replicas: 6,
        selector: { matchLabels: { app: 'web' } },
        template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'nginx' }] } },
      },
    });
    await c.settle();
    const pods = (await c.client.resource<Pod>('', 'v1', 'pods').list('default', { labelSelector: 'app=web' })).items;
    assert.equal(pods.length, 6);
    const perNode = new Map<string, number>();
    for (const p of pods) perNode.set(p.spec!.nodeName!, (perNode.get(p.spec!.nodeName!) ?? 0) + 1);
    assert.deepEqual(Object.fromEntries(perNode), { 'kubemu-worker': 3, 'kubemu-worker2': 3 });
  });

  test('a DaemonSet-style pod pinned by matchFields metadata.name goes to its node, or says why not', async () => {
    c = await schedulerCluster();
    await addNodes(c, ...kindLayout());
    const pinnedTo = (node: string): Partial<NonNullable<Pod['spec']>> => ({
      affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: [node] }] }] } } },
      tolerations: [{ operator: 'Exists' }],
    });
    await createPod(c, testPod('ds-cp', pinnedTo('kubemu-control-plane')));
    await createPod(c, testPod('ds-big', pinnedTo('kubemu-worker2'), { cpu: '9' }));
    await c.settle();
    assert.equal((await getPod(c, 'ds-cp')).spec!.nodeName, 'kubemu-control-plane');
    assert.equal(
      await failedScheduling(c, 'ds-big'),
      '0/3 nodes are available: 1 Insufficient cpu, 2 node(s) didn\'t satisfy plugin(s) [NodeAffinity]. no new claims to deallocate, preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.',
    );
  });
});

describe('scheduler: unschedulable pods', () => {
  test('an unschedulable pod gets PodScheduled=False and a FailedScheduling event with the real message, then runs when a node with room appears', async () => {
    c = await schedulerCluster();
    await addNodes(c, ...kindLayout());
    await createPod(c, testPod('fill1', {}, { cpu: '4' }));
    await createPod(c, testPod('fill2', {}, { cpu: '4' }));
    await c.settle();
    assert.notEqual((await getPod(c, 'fill1')).spec!.nodeName, (await getPod(c, 'fill2')).spec!.nodeName);

    await createPod(c, testPod('big', {}, { cpu: '5' }));
    await c.settle();
    const message =
      '0/3 nodes are available: 1 node(s) had untolerated taint(s), 2 Insufficient cpu. no new claims to deallocate, preemption: 0/3 nodes are available: 1 Preemption is not helpful for scheduling, 2 No preemption victims found for incoming pod.';
    const pending = await getPod(c, 'big');
    assert.equal(pending.spec!.nodeName, undefined);
    const condition = pending.status!.conditions!.find((x) => x.type === 'PodScheduled');
    // lastProbeTime is a metav1.Time value: Go writes null for its zero.
    assert.deepEqual(condition, {
      type: 'PodScheduled',
      observedGeneration: 1,
      status: 'False',
      lastProbeTime: null,
      lastTransitionTime: '2026-01-01T00:00:00Z',
      reason: 'Unschedulable',
      message,
    });
    const failed = (await podEvents(c, 'big')).filter((e) => e.reason === 'FailedScheduling');
    assert.deepEqual(
      failed.map((e) => [e.type, e.message, e.source?.component, e.count]),
      [['Warning', message, 'default-scheduler', 1]],
    );
    const statusEntry = pending.metadata!.managedFields!.find((m) => m.subresource === 'status');
    assert.equal(statusEntry?.manager, 'kube-scheduler');

    // Nothing changes: no retry (no polling) until five minutes have passed.
    await c.advance(60_000);
    assert.equal((await podEvents(c, 'big')).filter((e) => e.reason === 'FailedScheduling')[0]!.count, 1);

    await addNodes(c, testNode('kubemu-worker3'));
    await c.settle();
    const bound = await getPod(c, 'big');
    assert.equal(bound.spec!.nodeName, 'kubemu-worker3');
    const scheduled = (await podEvents(c, 'big')).filter((e) => e.reason === 'Scheduled');
    assert.equal(scheduled[0]!.message, 'Successfully assigned default/big to kubemu-worker3');
  });

  test('a pod that fits nowhere is tried again every five minutes, and when a pod that held its room goes away', async () => {
    c = await schedulerCluster();
    await addNodes(c, testNode('n1', { cpu: '2' }));
    await createPod(c, testPod('holder', {}, { cpu: '2' }));
    await c.settle();
    await createPod(c, testPod('waiter', {}, { cpu: '1' }));
    await c.settle();
    const countOf = async () => (await podEvents(c, 'waiter')).find((e) => e.reason === 'FailedScheduling')?.count;
    assert.equal(await countOf(), 1);
    await c.advance(5 * 60_000 + 30_000);
    assert.equal(await countOf(), 2, 'the periodic flush retried it once');
    await c.client.resource<Pod>('', 'v1', 'pods').delete('default', 'holder', { gracePeriodSeconds: 0 });
    await c.settle();
    assert.equal((await getPod(c, 'waiter')).spec!.nodeName, 'n1');
  });

  test('with no nodes at all the scheduler says so, retrying with back-off, and schedules once a node registers', async () => {
    c = await schedulerCluster();
    await createPod(c, testPod('early'));
    await c.settle();
    const pending = await getPod(c, 'early');
    const condition = pending.status!.conditions!.find((x) => x.type === 'PodScheduled')!;
    assert.equal(condition.reason, 'Unschedulable');
    assert.equal(condition.message, 'no nodes available to schedule pods');
    assert.equal(await failedScheduling(c, 'early'), 'no nodes available to schedule pods');
    await c.advance(3000);
    const count = (await podEvents(c, 'early')).find((e) => e.reason === 'FailedScheduling')!.count!;
    assert.ok(count >= 2, `retried after back-off (count ${count})`);
    await addNodes(c, testNode('late'));
    await c.advance(10_000);
    assert.equal((await getPod(c, 'early')).spec!.nodeName, 'late');
  });

  test('a gated pod waits for its scheduling gates to be removed', async () => {
    c = await schedulerCluster();
    await addNodes(c, testNode('n1'));
    await createPod(c, testPod('gated', { schedulingGates: [{ name: 'example.com/wait' }] }));
    await c.settle();
    assert.equal((await getPod(c, 'gated')).spec!.nodeName, undefined);
    assert.deepEqual((await podEvents(c, 'gated')).filter((e) => e.reason === 'FailedScheduling'), []);
    await c.client.resource<Pod>('', 'v1', 'pods').mutate('default', 'gated', (p) => ({ ...p, spec: { ...p.spec!, schedulingGates: [] } }));
    await c.settle();
    assert.equal((await getPod(c, 'gated')).spec!.nodeName, 'n1');
  });

  test('a pod whose toleration is added is retried at once', async () => {
    c = await schedulerCluster();
    await addNodes(c, testNode('tainted', { taints: [{ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }] }));
    await createPod(c, testPod('needs-toleration'));
    await c.settle();
    assert.equal(
      await failedScheduling(c, 'needs-toleration'),
      '0/1 nodes are available: 1 node(s) had untolerated taint(s). no new claims to deallocate, preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling.',
    );
    await c.client
      .resource<Pod>('', 'v1', 'pods')
      .mutate('default', 'needs-toleration', (p) => ({ ...p, spec: { ...p.spec!, tolerations: [...(p.spec!.tolerations ?? []), { key: 'dedicated', operator: 'Equal', value: 'gpu', effect: 'NoSchedule' }] } }));
    await c.settle();
    assert.equal((await getPod(c, 'needs-toleration')).spec!.nodeName, 'tainted');
  });
});

describe('scheduler: filter messages', () => {
  async function messageFor(nodes: Node[], existing: Pod[], pod: Pod): Promise<string | undefined> {
    c = await schedulerCluster();
    await addNodes(c, ...nodes);
    for (const p of existing) await createPod(c, p);
    await c.settle();
    await createPod(c, pod);
    await c.settle();
    assert.equal((await getPod(c, pod.metadata!.name!)).spec!.nodeName, undefined);
    return failedScheduling(c, pod.metadata!.name!);
  }
  const tail = (n: number, unhelpful: number) =>
    `no new claims to deallocate, preemption: 0/${n} nodes are available: ${[
      unhelpful ? `${unhelpful} Preemption is not helpful for scheduling` : '',
      n - unhelpful ? `${n - unhelpful} No preemption victims found for incoming pod` : '',
    ]
      .filter(Boolean)
      .join(', ')}.`;

  test('NodeUnschedulable: a cordoned node', async () => {
    const msg = await messageFor([testNode('n1', { unschedulable: true })], [], testPod('p'));
    assert.equal(msg, `0/1 nodes are available: 1 node(s) were unschedulable. ${tail(1, 1)}`);
  });

  test('NodeResourcesFit: cpu, memory and the pod count; preemption could help unless the request exceeds the node', async () => {
    const full = await messageFor(
      [testNode('n1', { cpu: '2', memory: '4Gi', pods: '2' })],
      [testPod('a', { nodeName: 'n1' }, { cpu: '1500m', memory: '3Gi' }), testPod('b', { nodeName: 'n1' })],
      testPod('p', {}, { cpu: '1', memory: '2Gi' }),
    );
    assert.equal(full, `0/1 nodes are available: 1 Insufficient cpu, 1 Insufficient memory, 1 Too many pods. ${tail(1, 0)}`);
    await c.stop();
    const tooBig = await messageFor([testNode('n1', { cpu: '1' }), testNode('n2', { cpu: '2' })], [], testPod('p', {}, { cpu: '4' }));
    assert.equal(tooBig, `0/2 nodes are available: 2 Insufficient cpu. ${tail(2, 2)}`);
  });

  test('NodeResourcesFit: an extended resource no node has', async () => {
    const gpu: Pod = { ...testPod('p'), spec: { containers: [{ name: 'c', image: 'cuda', resources: { requests: { 'example.com/gpu': '1' }, limits: { 'example.com/gpu': '1' } } }] } };
    const msg = await messageFor([testNode('n1')], [], gpu);
    assert.equal(msg, `0/1 nodes are available: 1 Insufficient example.com/gpu. ${tail(1, 1)}`);
  });

  test('NodeAffinity: nodeSelector and required node affinity', async () => {
    const msg = await messageFor([testNode('n1'), testNode('n2', { labels: { disk: 'hdd' } })], [], testPod('p', { nodeSelector: { disk: 'ssd' } }));
    assert.equal(msg, `0/2 nodes are available: 2 node(s) didn't match Pod's node affinity/selector. ${tail(2, 2)}`);
  });

  test('NodePorts: a host port already taken', async () => {
    const withPort = (name: string, spec: Partial<NonNullable<Pod['spec']>> = {}): Pod => ({
      ...testPod(name, spec),
      spec: { ...spec, containers: [{ name: 'c', image: 'nginx', ports: [{ containerPort: 80, hostPort: 8080 }] }] },
    });
    const msg = await messageFor([testNode('n1')], [withPort('first', { nodeName: 'n1' })], withPort('second'));
    assert.equal(msg, `0/1 nodes are available: 1 node(s) didn't have free ports for the requested pod ports. ${tail(1, 0)}`);
  });

  test('InterPodAffinity: anti-affinity, affinity and existing pods\' anti-affinity', async () => {
    const nodes = [testNode('n1'), testNode('n2')];
    const app = (name: string, node: string) => testPod(name, { nodeName: node }, undefined, { app: 'db' });
    const anti = testPod('anti', {
      affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: { app: 'db' } }, topologyKey: 'kubernetes.io/hostname' }] } },
    });
    assert.equal(await messageFor(nodes, [app('db1', 'n1'), app('db2', 'n2')], anti), `0/2 nodes are available: 2 node(s) didn't match pod anti-affinity rules. ${tail(2, 0)}`);
    await c.stop();

    const affine = testPod('affine', {
      affinity: { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: { app: 'cache' } }, topologyKey: 'zone' }] } },
    });
    assert.equal(
      await messageFor([testNode('n1', { labels: { zone: 'a' } }), testNode('n2')], [testPod('cache', { nodeName: 'n1' }, undefined, { app: 'cache' })], { ...affine, spec: { ...affine.spec!, nodeSelector: { 'kubernetes.io/hostname': 'n2' } } }),
      `0/2 nodes are available: 1 node(s) didn't match Pod's node affinity/selector, 1 node(s) didn't match pod affinity rules. ${tail(2, 2)}`,
    );
    await c.stop();

    const loner = testPod('loner', {
      nodeName: 'n1',
      affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: { app: 'web' } }, topologyKey: 'kubernetes.io/hostname' }] } },
    });
    assert.equal(
      await messageFor([testNode('n1')], [loner], testPod('web', {}, undefined, { app: 'web' })),
      `0/1 nodes are available: 1 node(s) didn't satisfy existing pods anti-affinity rules. ${tail(1, 0)}`,
    );
  });

  test('PodTopologySpread: maxSkew and a missing topology label', async () => {
    const spread = testPod(
      'spread',
      { topologySpreadConstraints: [{ maxSkew: 1, topologyKey: 'zone', whenUnsatisfiable: 'DoNotSchedule', labelSelector: { matchLabels: { app: 'web' } } }] },
      { cpu: '100m' },
      { app: 'web' },
    );
    const nodes = [testNode('a', { labels: { zone: 'a' } }), testNode('b', { labels: { zone: 'b' }, cpu: '1' }), testNode('c')];
    const existing = [testPod('w1', { nodeName: 'a' }, undefined, { app: 'web' }), testPod('fill', { nodeName: 'b' }, { cpu: '1' })];
    assert.equal(
      await messageFor(nodes, existing, spread),
      `0/3 nodes are available: 1 Insufficient cpu, 1 node(s) didn't match pod topology spread constraints, 1 node(s) didn't match pod topology spread constraints (missing required label). ${tail(3, 1)}`,
    );
  });

  test('preemption: with lower-priority pods on the node, what would still reject the pod after evicting them is its reason', async () => {
    const portPod = (name: string, priority: number, requests?: Record<string, string>, nodeName?: string): Pod => ({
      ...testPod(name),
      spec: { priority, ...(nodeName ? { nodeName } : {}), containers: [{ name: 'c', image: 'x', ports: [{ containerPort: 80, hostPort: 8080 }], ...(requests ? { resources: { requests } } : {}) }] },
    });
    const msg = await messageFor(
      [testNode('n1', { cpu: '2' })],
      [portPod('important', 100, undefined, 'n1'), testPod('filler', { nodeName: 'n1', priority: 0 }, { cpu: '1' })],
      portPod('incoming', 50, { cpu: '1500m' }),
    );
    assert.equal(
      msg,
      "0/1 nodes are available: 1 node(s) didn't have free ports for the requested pod ports. no new claims to deallocate, preemption: 0/1 nodes are available: 1 node(s) didn't have free ports for the requested pod ports.",
    );
  });

  test('preemptionPolicy Never: the pod may not preempt', async () => {
    const msg = await messageFor([testNode('n1', { cpu: '1' })], [], testPod('p', { preemptionPolicy: 'Never' }, { cpu: '2' }));
    assert.equal(msg, '0/1 nodes are available: 1 Insufficient cpu. no new claims to deallocate, preemption: not eligible due to preemptionPolicy=Never.');
  });
});
