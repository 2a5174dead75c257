import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import type { ControllerRevision, DaemonSet, Event, Node, Pod } from '../../machinery/api-types.js';
import { markPodFinished, markPodReady } from '../../testing/pod-status.js';
import { startTestCluster, type TestCluster } from '../../testing/test-cluster.js';
import { targetNodeName } from './daemon-pods.js';

let c: TestCluster;

before(async () => {
  c = await startTestCluster({ controllers: ['daemonset'] });
});
after(async () => {
  await c.stop();
});

const daemonSets = () => c.client.resource<DaemonSet>('apps', 'v1', 'daemonsets');
const pods = () => c.client.resource<Pod>('', 'v1', 'pods');
const nodes = () => c.client.resource<Node>('', 'v1', 'nodes');
const revisions = () => c.client.resource<ControllerRevision>('apps', 'v1', 'controllerrevisions');

type Taint = NonNullable<NonNullable<Node['spec']>['taints']>[number];

async function addNode(name: string, labels: Record<string, string> = {}, taints?: Taint[]): Promise<Node> {
  return nodes().create(undefined, {
    metadata: { name, labels: { 'kubernetes.io/hostname': name, ...labels } },
    spec: taints ? { taints } : {},
    status: { conditions: [{ type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status' }] },
  });
}

function daemonSet(name: string, spec: Partial<NonNullable<DaemonSet['spec']>> = {}): DaemonSet {
  return {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name },
    spec: {
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'agent', image: 'agent:1' }] } },
      ...spec,
    },
  };
}

async function podsOf(ds: string): Promise<Pod[]> {
  return (await pods().list('default', { labelSelector: `app=${ds}` })).items;
}

async function podsByNode(ds: string): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  for (const p of await podsOf(ds)) (out[targetNodeName(p) ?? '?'] ??= []).push(p.spec!.containers[0]!.image!);
  return out;
}

async function readyAll(ds: string): Promise<void> {
  for (const p of await podsOf(ds)) if (p.status?.phase !== 'Running') await markPodReady(c.client, p, c.clock.now());
  await c.settle();
}

async function events(ds: string): Promise<Event[]> {
  return (await c.client.resource<Event>('', 'v1', 'events').list('default')).items.filter((e) => e.involvedObject?.name === ds);
}

describe('DaemonSet controller', () => {
  beforeEach(async () => {
    for (const n of (await nodes().list()).items) await nodes().delete(undefined, n.metadata!.name!);
    await c.settle();
  });

  test('one pod per node, pinned by node affinity and left for the scheduler to bind', async () => {
    await addNode('node-a');
    await addNode('node-b');
    const ds = await daemonSets().create('default', daemonSet('agent'));
    await c.settle();
    const list = await podsOf('agent');
    assert.equal(list.length, 2);
    const revs = (await revisions().list('default')).items.filter((r) => r.metadata?.ownerReferences?.[0]?.uid === ds.metadata!.uid);
    assert.equal(revs.length, 1);
    const hash = revs[0]!.metadata!.labels!['controller-revision-hash']!;
    assert.equal(revs[0]!.metadata!.name, `agent-${hash}`);
    assert.equal(revs[0]!.revision, 1);

    for (const p of list) {
      assert.match(p.metadata!.name!, /^agent-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
      assert.equal(p.spec!.nodeName, undefined);
      assert.deepEqual(p.metadata!.labels, { app: 'agent', 'controller-revision-hash': hash, 'pod-template-generation': '1' });
      assert.deepEqual(p.metadata!.ownerReferences, [{ apiVersion: 'apps/v1', kind: 'DaemonSet', name: 'agent', uid: ds.metadata!.uid, controller: true, blockOwnerDeletion: true }]);
      const node = targetNodeName(p)!;
      assert.deepEqual(p.spec!.affinity, {
        nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: [node] }] }] } },
      });
      assert.deepEqual(
        p.spec!.tolerations!.map((t) => `${t.key}:${t.effect}`),
        [
          'node.kubernetes.io/not-ready:NoExecute',
          'node.kubernetes.io/unreachable:NoExecute',
          'node.kubernetes.io/disk-pressure:NoSchedule',
          'node.kubernetes.io/memory-pressure:NoSchedule',
          'node.kubernetes.io/pid-pressure:NoSchedule',
          'node.kubernetes.io/unschedulable:NoSchedule',
        ],
      );
    }
    assert.deepEqual(list.map((p) => targetNodeName(p)).sort(), ['node-a', 'node-b']);
    let status = (await daemonSets().get('default', 'agent')).status!;
    assert.deepEqual(status, {
      currentNumberScheduled: 2,
      numberMisscheduled: 0,
      desiredNumberScheduled: 2,
      numberReady: 0,
      observedGeneration: 1,
      updatedNumberScheduled: 2,
      numberUnavailable: 2,
    });
    const created = (await events('agent')).filter((e) => e.reason === 'SuccessfulCreate');
    assert.equal(created.length, 2);
    assert.match(created[0]!.message!, /^Created pod: agent-/);
    assert.equal(created[0]!.source?.component, 'daemonset-controller');

    await readyAll('agent');
    status = (await daemonSets().get('default', 'agent')).status!;
    assert.equal(status.numberReady, 2);
    assert.equal(status.numberAvailable, 2);
    assert.equal(status.numberUnavailable, undefined);

    // A new node gets a pod; a removed node's pod goes.
    await addNode('node-c');
    await c.settle();
    assert.deepEqual(Object.keys(await podsByNode('agent')).sort(), ['node-a', 'node-b', 'node-c']);
    const onB = (await podsOf('agent')).find((p) => targetNodeName(p) === 'node-b')!;
    await nodes().delete(undefined, 'node-b');
    await c.settle();
    assert.deepEqual(Object.keys(await podsByNode('agent')).sort(), ['node-a', 'node-c']);
    assert.ok((await events('agent')).some((e) => e.reason === 'SuccessfulDelete' && e.message === `Deleted pod: ${onB.metadata!.name}`));
    assert.equal((await daemonSets().get('default', 'agent')).status!.desiredNumberScheduled, 2);
    await daemonSets().delete('default', 'agent');
    await pods().deleteCollection('default', { labelSelector: 'app=agent' });
  });

  test('nodeSelector, affinity and taints decide which nodes run a pod', async () => {
    await addNode('gpu-1', { gpu: 'yes' });
    await addNode('gpu-2', { gpu: 'yes' }, [{ key: 'dedicated', value: 'ml', effect: 'NoSchedule' }]);
    await addNode('cpu-1', {}, [{ key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' }]);
    await addNode('gpu-3', { gpu: 'yes' }, [{ key: 'node.kubernetes.io/disk-pressure', effect: 'NoSchedule' }]);
    await daemonSets().create('default', daemonSet('gpu', { template: { metadata: { labels: { app: 'gpu' } }, spec: { nodeSelector: { gpu: 'yes' }, containers: [{ name: 'x', image: 'x' }] } } }));
    await daemonSets().create('default', daemonSet('all'));
    await c.settle();
    assert.deepEqual(Object.keys(await podsByNode('gpu')).sort(), ['gpu-1', 'gpu-3'], 'untolerated NoSchedule keeps gpu-2 out');
    assert.deepEqual(Object.keys(await podsByNode('all')).sort(), ['cpu-1', 'gpu-1', 'gpu-3'], 'unschedulable and disk-pressure are tolerated');

    // NoSchedule added later keeps a running pod; NoExecute evicts it.
    await nodes().patch(undefined, 'gpu-1', 'merge', { spec: { taints: [{ key: 'maintenance', effect: 'NoSchedule' }] } });
    await c.settle();
    assert.ok((await podsByNode('gpu'))['gpu-1']);
    let status = (await daemonSets().get('default', 'gpu')).status!;
    assert.equal(status.desiredNumberScheduled, 1);
    assert.equal(status.numberMisscheduled, 1);
    await nodes().patch(undefined, 'gpu-1', 'merge', { spec: { taints: [{ key: 'maintenance', effect: 'NoExecute' }] } });
    await c.settle();
    assert.equal((await podsByNode('gpu'))['gpu-1'], undefined);
    // Relabelling a node away from the selector removes its pod too.
    await nodes().patch(undefined, 'gpu-3', 'merge', { metadata: { labels: { gpu: null } } });
    await c.settle();
    assert.deepEqual(await podsByNode('gpu'), {});
    status = (await daemonSets().get('default', 'gpu')).status!;
    assert.deepEqual(status, { currentNumberScheduled: 0, numberMisscheduled: 0, desiredNumberScheduled: 0, numberReady: 0, observedGeneration: 1 });

    // Required node affinity works like the selector.
    await daemonSets().create('default', {
      ...daemonSet('aff'),
      spec: {
        ...daemonSet('aff').spec!,
        template: {
          metadata: { labels: { app: 'aff' } },
          spec: {
            containers: [{ name: 'x', image: 'x' }],
            affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: ['cpu-1'] }] }] } } },
          },
        },
      },
    });
    await c.settle();
    const aff = await podsOf('aff');
    assert.equal(aff.length, 1);
    assert.deepEqual(aff[0]!.spec!.affinity!.nodeAffinity!.requiredDuringSchedulingIgnoredDuringExecution!.nodeSelectorTerms, [
      { matchFields: [{ key: 'metadata.name', operator: 'In', values: ['cpu-1'] }] },
    ]);
    for (const name of ['gpu', 'all', 'aff']) {
      await daemonSets().delete('default', name);
      await pods().deleteCollection('default', { labelSelector: `app=${name}` });
    }
  });

  test('RollingUpdate replaces one node at a time within maxUnavailable; revisions are kept', async () => {
    for (const n of ['n1', 'n2', 'n3']) await addNode(n);
    await daemonSets().create('default', daemonSet('roll'));
    await c.settle();
    await readyAll('roll');
    await daemonSets().patch('default', 'roll', 'strategic', { spec: { template: { spec: { containers: [{ name: 'agent', image: 'agent:2' }] } } } });
    await c.settle();
    const images = async () => Object.values(await podsByNode('roll')).flat().sort();
    assert.deepEqual(await images(), ['agent:1', 'agent:1', 'agent:2'], 'one old pod replaced');
    await c.settle();
    assert.deepEqual(await images(), ['agent:1', 'agent:1', 'agent:2'], 'the next waits for the new pod to be available');
    for (let i = 0; i < 3; i++) await readyAll('roll');
    assert.deepEqual(await images(), ['agent:2', 'agent:2', 'agent:2']);
    const status = (await daemonSets().get('default', 'roll')).status!;
    assert.equal(status.updatedNumberScheduled, 3);
    assert.equal(status.numberAvailable, 3);
    assert.equal(status.observedGeneration, 2);
    const revs = (await revisions().list('default')).items.filter((r) => r.metadata?.name?.startsWith('roll-'));
    assert.deepEqual(revs.map((r) => r.revision).sort(), [1, 2]);
    const newHash = revs.find((r) => r.revision === 2)!.metadata!.labels!['controller-revision-hash'];
    for (const p of await podsOf('roll')) {
      assert.equal(p.metadata!.labels!['controller-revision-hash'], newHash);
      assert.equal(p.metadata!.labels!['pod-template-generation'], '2');
    }

    // Rolling back reuses the first revision, now numbered 3.
    await daemonSets().patch('default', 'roll', 'strategic', { spec: { template: { spec: { containers: [{ name: 'agent', image: 'agent:1' }] } } } });
    await c.settle();
    const back = (await revisions().list('default')).items.filter((r) => r.metadata?.name?.startsWith('roll-'));
    assert.equal(back.length, 2);
    assert.deepEqual(back.map((r) => r.revision).sort(), [2, 3]);
    await daemonSets().delete('default', 'roll');
    await pods().deleteCollection('default', { labelSelector: 'app=roll' });
  });

  test('maxSurge starts the new pod beside the old one, which goes once the new one is available', async () => {
    for (const n of ['s1', 's2']) await addNode(n);
    await daemonSets().create('default', daemonSet('surge', { updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '50%', maxUnavailable: '0%' } } }));
    await c.settle();
    await readyAll('surge');
    await daemonSets().patch('default', 'surge', 'strategic', { spec: { template: { spec: { containers: [{ name: 'agent', image: 'agent:2' }] } } } });
    await c.settle();
    const byNode = await podsByNode('surge');
    const surged = Object.entries(byNode).filter(([, images]) => images.length === 2);
    assert.equal(surged.length, 1, JSON.stringify(byNode));
    assert.deepEqual(surged[0]![1].sort(), ['agent:1', 'agent:2']);
    for (let i = 0; i < 3; i++) await readyAll('surge');
    assert.deepEqual(await podsByNode('surge'), { s1: ['agent:2'], s2: ['agent:2'] });
    await daemonSets().delete('default', 'surge');
    await pods().deleteCollection('default', { labelSelector: 'app=surge' });
  });

  test('OnDelete keeps old pods until they are deleted; a failed pod is replaced', async () => {
    await addNode('o1');
    await daemonSets().create('default', daemonSet('od', { updateStrategy: { type: 'OnDelete' } }));
    await c.settle();
    await daemonSets().patch('default', 'od', 'strategic', { spec: { template: { spec: { containers: [{ name: 'agent', image: 'agent:2' }] } } } });
    await c.settle();
    assert.deepEqual(await podsByNode('od'), { o1: ['agent:1'] });
    assert.equal((await daemonSets().get('default', 'od')).status!.updatedNumberScheduled, undefined);
    const [old] = await podsOf('od');
    await markPodFinished(c.client, old!, 'Failed', c.clock.now());
    await c.settle();
    assert.deepEqual(await podsByNode('od'), { o1: ['agent:2'] });
    const failed = (await events('od')).find((e) => e.reason === 'FailedDaemonPod');
    assert.equal(failed?.message, `Found failed daemon pod default/${old!.metadata!.name} on node o1, will try to kill it`);
    assert.equal(failed?.type, 'Warning');
  });
});
