import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Event, Lease, Node, Pod } from '../machinery/api-types.js';
import { defaultClusterConfig } from '../machinery/cluster-config.js';
import { startTestCluster, type TestCluster } from '../testing/test-cluster.js';

let c: TestCluster;

before(async () => {
  const cluster = defaultClusterConfig(3);
  cluster.kubelet = { ...cluster.kubelet, containerStartMs: 500, jitterMs: 0, failingImages: ['*:does-not-exist'] };
  c = await startTestCluster({ controllers: [], cluster });
});
after(async () => {
  await c.stop();
});

const pods = () => c.client.resource<Pod>('', 'v1', 'pods');
const nodes = () => c.client.resource<Node>('', 'v1', 'nodes');

async function runPod(name: string, spec: Partial<NonNullable<Pod['spec']>>, node = 'kubemu-worker'): Promise<Pod> {
  return pods().create('default', { metadata: { name }, spec: { nodeName: node, containers: [{ name: 'app', image: 'nginx' }], ...spec } as Pod['spec'] });
}

async function eventsOf(name: string): Promise<string[]> {
  const all = (await c.client.resource<Event>('', 'v1', 'events').list('default')).items;
  return all
    .filter((e) => e.involvedObject?.name === name && e.involvedObject.kind === 'Pod')
    .sort((a, b) => (a.metadata!.name! < b.metadata!.name! ? -1 : 1))
    .map((e) => `${e.reason}: ${e.message}`);
}

async function logsOf(name: string, container = 'app', previous = false): Promise<string> {
  const stream = await c.kubelets!.connections.logs('default', name, { container, previous }, new AbortController().signal);
  let text = '';
  for await (const chunk of stream) text += String(chunk);
  return text;
}

const cond = (p: Pod, type: string) => p.status?.conditions?.find((x) => x.type === type)?.status;

describe('fake kubelets', () => {
  test('nodes register as kind lays them out, Ready, with leases renewed every 10 s', async () => {
    const list = (await nodes().list()).items.sort((a, b) => (a.metadata!.name! < b.metadata!.name! ? -1 : 1));
    assert.deepEqual(list.map((n) => n.metadata!.name), ['kubemu-control-plane', 'kubemu-worker', 'kubemu-worker2']);
    const [cp, w1] = list;
    assert.equal(cp!.metadata!.labels!['node-role.kubernetes.io/control-plane'], '');
    assert.deepEqual(cp!.spec!.taints, [{ key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' }]);
    assert.equal(w1!.spec!.taints, undefined);
    assert.equal(w1!.metadata!.labels!['kubernetes.io/hostname'], 'kubemu-worker');
    assert.match(w1!.metadata!.labels!['topology.kubernetes.io/zone']!, /^kubemu-[abc]$/);
    assert.equal(w1!.spec!.podCIDR, '10.244.1.0/24');
    assert.equal(w1!.status!.nodeInfo!.kubeletVersion, 'v1.36.0');
    assert.match(w1!.status!.nodeInfo!.containerRuntimeVersion, /^containerd:\/\//);
    assert.deepEqual(w1!.status!.conditions!.map((x) => `${x.type}=${x.status}`), ['MemoryPressure=False', 'DiskPressure=False', 'PIDPressure=False', 'Ready=True']);
    assert.equal(w1!.status!.allocatable!.cpu, '8');
    const leases = c.client.resource<Lease>('coordination.k8s.io', 'v1', 'leases');
    const before = (await leases.get('kube-node-lease', 'kubemu-worker')).spec!.renewTime;
    assert.equal((await leases.get('kube-node-lease', 'kubemu-worker')).spec!.leaseDurationSeconds, 40);
    await c.advance(10_000);
    const afterRenew = (await leases.get('kube-node-lease', 'kubemu-worker')).spec!.renewTime;
    assert.notEqual(afterRenew, before);
  });

  test('a pod bound to a node runs: IP from the node CIDR, Running and Ready, with the kubelet events', async () => {
    await runPod('web', {});
    await c.settle();
    let pod = await pods().get('default', 'web');
    assert.equal(pod.status!.phase, 'Pending');
    assert.equal(pod.status!.containerStatuses![0]!.state!.waiting!.reason, 'ContainerCreating');
    await c.advance(500);
    pod = await pods().get('default', 'web');
    assert.equal(pod.status!.phase, 'Running');
    assert.equal(pod.status!.podIP, '10.244.1.2');
    assert.equal(pod.status!.hostIP, '172.18.0.3');
    assert.equal(cond(pod, 'Ready'), 'True');
    const cs = pod.status!.containerStatuses![0]!;
    assert.equal(cs.image, 'docker.io/library/nginx:latest');
    assert.match(cs.containerID!, /^containerd:\/\/[0-9a-f]{64}$/);
    assert.equal(cs.started, true);
    assert.deepEqual((await eventsOf('web')).map((e) => e.split(':')[0]), ['Pulling', 'Pulled', 'Created', 'Started']);
    const entry = pod.metadata!.managedFields!.find((m) => m.subresource === 'status' && m.manager === 'kubelet');
    assert.ok(entry, 'status written by the kubelet');
  });

  test('init containers run one by one before the app; logs show what commands print', async () => {
    await runPod('init', {
      restartPolicy: 'Never',
      initContainers: [
        { name: 'first', image: 'busybox', command: ['sh', '-c', 'echo preparing; sleep 2'] },
        { name: 'second', image: 'busybox', command: ['echo', 'ready'] },
      ],
      containers: [{ name: 'app', image: 'busybox', command: ['sh', '-c', 'echo hello; sleep 5; echo bye'] }],
    });
    await c.advance(500);
    let pod = await pods().get('default', 'init');
    assert.equal(pod.status!.phase, 'Pending');
    assert.equal(cond(pod, 'Initialized'), 'False');
    assert.equal(pod.status!.initContainerStatuses![0]!.state!.running !== undefined, true);
    assert.equal(pod.status!.containerStatuses![0]!.state!.waiting!.reason, 'PodInitializing');
    await c.advance(2000);
    pod = await pods().get('default', 'init');
    assert.equal(cond(pod, 'Initialized'), 'True');
    assert.equal(pod.status!.phase, 'Running');
    assert.equal(await logsOf('init', 'first'), 'preparing\n');
    assert.equal(await logsOf('init'), 'hello\n');
    await c.advance(5000);
    pod = await pods().get('default', 'init');
    assert.equal(pod.status!.phase, 'Succeeded');
    assert.equal(pod.status!.containerStatuses![0]!.state!.terminated!.reason, 'Completed');
    assert.equal(await logsOf('init'), 'hello\nbye\n');
  });

  test('a missing ConfigMap keeps the pod ContainerCreating with FailedMount until it exists', async () => {
    await runPod('mounts', { volumes: [{ name: 'config', configMap: { name: 'app-config' } }] });
    await c.advance(1000);
    let pod = await pods().get('default', 'mounts');
    assert.equal(pod.status!.phase, 'Pending');
    assert.ok((await eventsOf('mounts')).includes('FailedMount: MountVolume.SetUp failed for volume "config" : configmap "app-config" not found'));
    await c.client.resource('', 'v1', 'configmaps').create('default', { metadata: { name: 'app-config' }, data: { a: '1' } });
    await c.advance(500);
    pod = await pods().get('default', 'mounts');
    assert.equal(pod.status!.phase, 'Running');
  });

  test('a container that keeps failing goes into CrashLoopBackOff, restarting after 0, 10, 20 s', async () => {
    await runPod('crash', { containers: [{ name: 'app', image: 'busybox', command: ['sh', '-c', 'echo oops; exit 1'] }] });
    await c.advance(500);
    let cs = (await pods().get('default', 'crash')).status!.containerStatuses![0]!;
    assert.equal(cs.restartCount, 1, 'the first restart is immediate');
    assert.equal(cs.state!.waiting!.reason, 'CrashLoopBackOff');
    assert.equal(cs.lastState!.terminated!.exitCode, 1);
    await c.advance(10_000);
    cs = (await pods().get('default', 'crash')).status!.containerStatuses![0]!;
    assert.equal(cs.restartCount, 2);
    await c.advance(10_000);
    assert.equal((await pods().get('default', 'crash')).status!.containerStatuses![0]!.restartCount, 2, 'now 20 s');
    await c.advance(10_000);
    assert.equal((await pods().get('default', 'crash')).status!.containerStatuses![0]!.restartCount, 3);
    assert.equal(await logsOf('crash', 'app', true), 'oops\n');
    assert.ok((await eventsOf('crash')).some((e) => e.startsWith('BackOff: Back-off restarting failed container app in pod crash_default(')));
  });

  test('an image that cannot be pulled: ErrImagePull, then ImagePullBackOff', async () => {
    await runPod('badimage', { containers: [{ name: 'app', image: 'example.com/app:does-not-exist' }] });
    await c.advance(500);
    let cs = (await pods().get('default', 'badimage')).status!.containerStatuses![0]!;
    assert.equal(cs.state!.waiting!.reason, 'ErrImagePull');
    await c.advance(1000);
    cs = (await pods().get('default', 'badimage')).status!.containerStatuses![0]!;
    assert.equal(cs.state!.waiting!.reason, 'ImagePullBackOff');
    assert.ok((await eventsOf('badimage')).includes('Failed: Error: ImagePullBackOff'));
  });

  test('pod annotations override the start delay and the images that fail, for that pod only', async () => {
    await pods().create('default', {
      metadata: { name: 'slow', annotations: { 'kubemu.dev/start-delay-ms': '3000', 'kubemu.dev/failing-images': 'registry.local/*' } },
      spec: { nodeName: 'kubemu-worker', containers: [{ name: 'app', image: 'nginx' }, { name: 'side', image: 'registry.local/tool:1' }] },
    });
    await pods().create('default', { metadata: { name: 'bad-delay', annotations: { 'kubemu.dev/start-delay-ms': 'soon' } }, spec: { nodeName: 'kubemu-worker', containers: [{ name: 'app', image: 'registry.local/tool:1' }] } });
    await c.advance(500);
    assert.equal((await pods().get('default', 'slow')).status!.containerStatuses?.[0]?.state?.waiting?.reason ?? 'ContainerCreating', 'ContainerCreating');
    const fallback = await pods().get('default', 'bad-delay');
    assert.equal(fallback.status!.phase, 'Running', 'the failing-images annotation of another pod does not apply here');
    assert.ok((await eventsOf('bad-delay')).some((e) => e.startsWith('InvalidAnnotation: annotation kubemu.dev/start-delay-ms: "soon" is not a whole number')));
    await c.advance(2500);
    const slow = await pods().get('default', 'slow');
    const byName = Object.fromEntries(slow.status!.containerStatuses!.map((s) => [s.name, s]));
    assert.ok(byName.app!.state!.running, 'nginx starts after the annotated delay');
    assert.equal(byName.side!.state!.waiting!.reason, 'ErrImagePull');
  });

  test('a readiness probe makes the container Ready after its initial delay', async () => {
    await runPod('probe', { containers: [{ name: 'app', image: 'nginx', readinessProbe: { httpGet: { path: '/', port: 80 as unknown as string }, initialDelaySeconds: 5 } }] });
    await c.advance(500);
    let pod = await pods().get('default', 'probe');
    assert.equal(pod.status!.phase, 'Running');
    assert.equal(cond(pod, 'Ready'), 'False');
    await c.advance(5000);
    pod = await pods().get('default', 'probe');
    assert.equal(cond(pod, 'Ready'), 'True');
  });

  test('graceful deletion: a server stops at once, a sleeping shell only when its grace period ends', async () => {
    await runPod('server', {});
    await runPod('sleeper', { terminationGracePeriodSeconds: 5, containers: [{ name: 'app', image: 'busybox', command: ['sleep', '3600'] }] });
    await c.advance(500);
    await pods().delete('default', 'server');
    await pods().delete('default', 'sleeper');
    await c.advance(200);
    assert.equal(await pods().find('default', 'server'), undefined);
    const sleeper = await pods().get('default', 'sleeper');
    assert.ok(sleeper.metadata!.deletionTimestamp);
    await c.advance(5000);
    assert.equal(await pods().find('default', 'sleeper'), undefined);
    assert.ok((await eventsOf('sleeper')).includes('Killing: Stopping container app'));
  });
});
