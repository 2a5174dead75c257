import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Definition, Event, Node, Pod } from '../../machinery/api-types.js';
import { defaultClusterConfig } from '../../machinery/cluster-config.js';
import { markPodReady } from '../../testing/pod-status.js';
import { startTestCluster, type TestCluster } from '../../testing/test-cluster.js';

type Lease = Definition<'io.k8s.api.coordination.v1.Lease'>;

const time = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
const microTime = (ms: number) => new Date(ms).toISOString().replace(/Z$/, '000Z');

/** What fake kubelets do for the controller to watch: a Ready node and a renewed Lease. */
class Kubelets {
  constructor(private readonly c: TestCluster) {}
  nodes = () => this.c.client.resource<Node>('', 'v1', 'nodes');
  leases = () => this.c.client.resource<Lease>('coordination.k8s.io', 'v1', 'leases');
  pods = () => this.c.client.resource<Pod>('', 'v1', 'pods');

  async register(name: string, labels: Record<string, string> = {}): Promise<void> {
    const at = time(this.c.clock.now());
    const condition = (type: string, status: string, reason: string) => ({ type, status, lastHeartbeatTime: at, lastTransitionTime: at, reason, message: `kubelet says ${reason}` });
    await this.nodes().create(undefined, {
      metadata: { name, labels: { 'kubernetes.io/hostname': name, ...labels } },
      status: {
        conditions: [
          condition('MemoryPressure', 'False', 'KubeletHasSufficientMemory'),
          condition('DiskPressure', 'False', 'KubeletHasNoDiskPressure'),
          condition('PIDPressure', 'False', 'KubeletHasSufficientPID'),
          condition('Ready', 'True', 'KubeletReady'),
        ],
      },
    });
    await this.leases().create('kube-node-lease', {
      metadata: { name },
      spec: { holderIdentity: name, leaseDurationSeconds: 40, renewTime: microTime(this.c.clock.now()) },
    });
  }

  async renew(name: string): Promise<void> {
    await this.leases().mutate('kube-node-lease', name, (l) => ({ ...l, spec: { ...l.spec, renewTime: microTime(this.c.clock.now()) } }));
  }

  /** Moves the clock in 10 s steps (the kubelet's renew interval), renewing the given nodes' Leases. */
  async advance(ms: number, renewing: string[]): Promise<void> {
    for (let left = ms; left > 0; left -= 10_000) {
      await this.c.advance(Math.min(10_000, left));
      for (const n of renewing) await this.renew(n);
      await this.c.settle();
    }
  }

  async postReady(name: string): Promise<void> {
    const at = time(this.c.clock.now());
    await this.nodes().mutate(undefined, name, (n) => ({
      ...n,
      status: {
        ...n.status,
        conditions: (n.status?.conditions ?? []).map((c) => ({ ...c, status: c.type === 'Ready' ? 'True' : 'False', reason: 'KubeletPosted', message: '', lastHeartbeatTime: at, lastTransitionTime: at })),
      },
    }), 'status');
  }

  async bindPod(name: string, node: string, extra: Partial<NonNullable<Pod['spec']>> = {}): Promise<Pod> {
    const pod = await this.pods().create('default', { metadata: { name, labels: { app: name } }, spec: { nodeName: node, containers: [{ name: 'c', image: 'nginx' }], ...extra } });
    return markPodReady(this.c.client, pod, this.c.clock.now());
  }
}

async function events(c: TestCluster, name: string): Promise<Event[]> {
  return (await c.client.resource<Event>('', 'v1', 'events').list(undefined)).items.filter((e) => e.involvedObject?.name === name);
}

function taintsOf(node: Node): { key: string; effect: string }[] {
  return (node.spec?.taints ?? []).map((t) => ({ key: t.key, effect: t.effect }));
}

describe('node lifecycle and taint-based eviction', () => {
  let c: TestCluster;
  let k: Kubelets;
  before(async () => {
    c = await startTestCluster({ controllers: ['nodelifecycle', 'taint-eviction-controller'], cluster: defaultClusterConfig(0) });
    k = new Kubelets(c);
    await k.register('node-a');
    await k.register('node-b');
    await c.settle();
  });
  after(async () => {
    await c.stop();
  });

  test('registers nodes, as events on them', async () => {
    const registered = (await events(c, 'node-a')).find((e) => e.reason === 'RegisteredNode')!;
    assert.equal(registered.message, 'Node node-a event: Registered Node node-a in Controller');
    assert.equal(registered.source?.component, 'node-controller');
    assert.equal(registered.metadata?.namespace, 'default');
    assert.deepEqual(registered.involvedObject, { kind: 'Node', name: 'node-a', uid: (await k.nodes().get(undefined, 'node-a')).metadata!.uid, apiVersion: 'v1' });
  });

  test('a node whose Lease stops is Unknown after 40 s, tainted unreachable, its pods not ready, then evicted as they tolerate', async () => {
    const plain = await k.bindPod('plain', 'node-b');
    assert.deepEqual(plain.spec!.tolerations, [
      { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
      { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
    ]);
    await k.bindPod('brief', 'node-b', { tolerations: [{ key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 60 }] });
    await k.bindPod('forever', 'node-b', { tolerations: [{ operator: 'Exists' }] });
    await k.bindPod('elsewhere', 'node-a');
    await c.settle();

    await k.advance(40_000, ['node-a']);
    let b = await k.nodes().get(undefined, 'node-b');
    assert.equal(b.status!.conditions!.find((x) => x.type === 'Ready')!.status, 'True', 'not yet: 40 s is the limit, not past it');
    await k.advance(1_000, ['node-a']);
    const unknownAt = c.clock.now();

    b = await k.nodes().get(undefined, 'node-b');
    for (const type of ['Ready', 'MemoryPressure', 'DiskPressure', 'PIDPressure']) {
      const cond = b.status!.conditions!.find((x) => x.type === type)!;
      assert.equal(cond.status, 'Unknown', type);
      assert.equal(cond.reason, 'NodeStatusUnknown');
      assert.equal(cond.message, 'Kubelet stopped posting node status.');
      assert.equal(cond.lastTransitionTime, time(unknownAt));
    }
    assert.deepEqual(taintsOf(b), [
      { key: 'node.kubernetes.io/unreachable', effect: 'NoSchedule' },
      { key: 'node.kubernetes.io/unreachable', effect: 'NoExecute' },
    ]);
    for (const t of b.spec!.taints!) assert.equal(t.timeAdded, time(unknownAt));
    assert.equal((await k.nodes().get(undefined, 'node-a')).spec?.taints, undefined, 'the node still heard from is untouched');

    const p = await k.pods().get('default', 'plain');
    assert.equal(p.status!.conditions!.find((x) => x.type === 'Ready')!.status, 'False');
    assert.equal((await k.pods().get('default', 'elsewhere')).status!.conditions!.find((x) => x.type === 'Ready')!.status, 'True');
    assert.ok((await events(c, 'plain')).some((e) => e.reason === 'NodeNotReady' && e.message === 'Node is not ready' && e.type === 'Warning'));
    assert.ok((await events(c, 'node-b')).some((e) => e.reason === 'NodeNotReady' && e.message === 'Node node-b status is now: NodeNotReady'));

    // tolerationSeconds count from when the taint was seen.
    await k.advance(59_000, ['node-a']);
    assert.equal((await k.pods().get('default', 'brief')).metadata!.deletionTimestamp, undefined);
    await k.advance(2_000, ['node-a']);
    const brief = await k.pods().get('default', 'brief');
    assert.ok(brief.metadata!.deletionTimestamp, 'deleted (gracefully: the kubelet that would finish it is gone)');
    assert.deepEqual(
      brief.status!.conditions!.find((x) => x.type === 'DisruptionTarget'),
      { type: 'DisruptionTarget', status: 'True', lastProbeTime: null, lastTransitionTime: time(c.clock.now()), reason: 'DeletionByTaintManager', message: 'Taint manager: deleting due to NoExecute taint' },
    );
    const marking = (await events(c, 'brief')).find((e) => e.reason === 'TaintManagerEviction')!;
    assert.equal(marking.message, 'Marking for deletion Pod default/brief');
    assert.equal(marking.source?.component, 'taint-eviction-controller');

    await k.advance(240_000, ['node-a']);
    assert.ok((await k.pods().get('default', 'plain')).metadata!.deletionTimestamp, 'the default 300 s are up');
    assert.equal((await k.pods().get('default', 'forever')).metadata!.deletionTimestamp, undefined, 'tolerates everything, forever');
  });

  test('a node heard from again loses the taints, and pending evictions are cancelled', async () => {
    await k.bindPod('survivor', 'node-b');
    await c.settle();
    await k.advance(30_000, ['node-a']);
    await k.renew('node-b');
    await k.postReady('node-b');
    await c.settle();
    const b = await k.nodes().get(undefined, 'node-b');
    assert.equal(b.spec?.taints, undefined);
    assert.equal(b.status!.conditions!.find((x) => x.type === 'Ready')!.status, 'True');
    assert.ok((await events(c, 'survivor')).some((e) => e.reason === 'TaintManagerEviction' && e.message === 'Cancelling deletion of Pod default/survivor'));
    await k.advance(300_000, ['node-a', 'node-b']);
    assert.equal((await k.pods().get('default', 'survivor')).metadata!.deletionTimestamp, undefined);
  });

  test('Ready=False posted by the kubelet taints not-ready; cordoning taints unschedulable', async () => {
    await k.nodes().mutate(undefined, 'node-b', (n) => ({
      ...n,
      status: { ...n.status, conditions: n.status!.conditions!.map((x) => (x.type === 'Ready' ? { ...x, status: 'False', reason: 'KubeletNotReady' } : x)) },
    }), 'status');
    await c.settle();
    assert.deepEqual(taintsOf(await k.nodes().get(undefined, 'node-b')), [
      { key: 'node.kubernetes.io/not-ready', effect: 'NoSchedule' },
      { key: 'node.kubernetes.io/not-ready', effect: 'NoExecute' },
    ]);
    await k.postReady('node-b');
    await k.nodes().mutate(undefined, 'node-b', (n) => ({ ...n, spec: { ...n.spec, unschedulable: true } }));
    await c.settle();
    assert.deepEqual(taintsOf(await k.nodes().get(undefined, 'node-b')), [{ key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' }]);
    await k.nodes().mutate(undefined, 'node-b', (n) => ({ ...n, spec: { ...n.spec, unschedulable: false } }));
    await c.settle();
    assert.equal((await k.nodes().get(undefined, 'node-b')).spec?.taints, undefined);
  });

  test('a deleted node is removed from the controller', async () => {
    await k.register('node-c', { 'kubernetes.io/os': 'linux' });
    await c.settle();
    assert.equal((await k.nodes().get(undefined, 'node-c')).metadata!.labels!['beta.kubernetes.io/os'], 'linux');
    await k.nodes().delete(undefined, 'node-c');
    await c.settle();
    assert.ok((await events(c, 'node-c')).some((e) => e.reason === 'RemovingNode' && e.message === 'Node node-c event: Removing Node node-c from Controller'));
  });
});

describe('node lifecycle when every node is down', () => {
  let c: TestCluster;
  let k: Kubelets;
  before(async () => {
    const cluster = defaultClusterConfig(0);
    cluster.nodeLifecycle.nodeMonitorGracePeriodSeconds = 20;
    c = await startTestCluster({ controllers: ['nodelifecycle', 'taint-eviction-controller'], cluster });
    k = new Kubelets(c);
    await k.register('solo');
    await c.settle();
  });
  after(async () => {
    await c.stop();
  });

  test('the configured grace period applies, and no pod is evicted: the controller suspects itself', async () => {
    await k.bindPod('web', 'solo', { tolerations: [{ key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 1 }] });
    await k.advance(21_000, []);
    const solo = await k.nodes().get(undefined, 'solo');
    assert.equal(solo.status!.conditions!.find((x) => x.type === 'Ready')!.status, 'Unknown');
    assert.deepEqual(taintsOf(solo), [{ key: 'node.kubernetes.io/unreachable', effect: 'NoSchedule' }]);
    await k.advance(60_000, []);
    assert.equal((await k.pods().get('default', 'web')).metadata!.deletionTimestamp, undefined);
  });
});
