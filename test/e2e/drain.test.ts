// kubectl cordon, uncordon and drain with the real kubectl against `kubemu serve` and its fake
// kubelets: drain evicts through pods/eviction, is held back by a PodDisruptionBudget (kubectl
// retries every 5 s, printing the 429 it got), skips DaemonSet pods, deletes an unmanaged pod with
// an emptyDir, and ends once the kubelet has removed the evicted pods.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { kubectlFor, kubectlVersionsUnderTest, removeDir, startKubemu, tempDir, type Kubectl, type KubemuProcess } from './harness.js';
import { eventually, pause } from './kubelet-stand-in.js';

let server: KubemuProcess;
let work: string;
let k: Kubectl;
const newest = kubectlVersionsUnderTest().at(-1)!;
const ns = 'drain';
const worker = 'kubemu-worker';

before(async () => {
  server = await startKubemu({ extraArgs: ['--nodes', '3'] });
  work = tempDir('kubemu-drain-');
  k = kubectlFor(newest, server.kubeconfig, work);
  await eventually('three Ready nodes', async () => {
    const out = await k.ok(['get', 'nodes', '--no-headers']);
    const ready = out.split('\n').filter((l) => /\sReady\s/.test(l));
    return ready.length === 3 ? true : undefined;
  }, 30_000);
});

after(async () => {
  const code = await server.stop();
  assert.equal(code, 0, `kubemu exited with ${code} on SIGTERM:\n${server.stderr()}`);
  removeDir(server.dataDir);
  removeDir(work);
});

/** A kubectl command left running, its output readable as it comes. */
function startKubectl(args: string[]): { stdout: () => string; stderr: () => string; exit: Promise<number | null> } {
  const child = spawn(newest.path, ['--kubeconfig', server.kubeconfig, '--cache-dir', join(work, 'cache-drain'), ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  return { stdout: () => out, stderr: () => err, exit: new Promise((resolve) => child.once('exit', (code) => resolve(code))) };
}

const workload = `apiVersion: apps/v1
kind: ReplicaSet
metadata:
  name: web
  namespace: ${ns}
spec:
  replicas: 2
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      nodeName: ${worker}
      terminationGracePeriodSeconds: 5
      containers:
      - name: nginx
        image: nginx:1.25
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: web
  namespace: ${ns}
spec:
  minAvailable: 2
  selector:
    matchLabels:
      app: web
---
apiVersion: v1
kind: Pod
metadata:
  name: lonely
  namespace: ${ns}
spec:
  nodeName: ${worker}
  terminationGracePeriodSeconds: 5
  containers:
  - name: nginx
    image: nginx:1.25
    volumeMounts:
    - name: scratch
      mountPath: /scratch
  volumes:
  - name: scratch
    emptyDir: {}
---
apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: agent
  namespace: ${ns}
spec:
  selector:
    matchLabels:
      app: agent
  template:
    metadata:
      labels:
        app: agent
    spec:
      containers:
      - name: agent
        image: registry.k8s.io/pause:3.10
`;

interface PodItem {
  metadata: { name: string; deletionTimestamp?: string };
  spec: { nodeName?: string; affinity?: { nodeAffinity?: { requiredDuringSchedulingIgnoredDuringExecution?: { nodeSelectorTerms: { matchFields?: { values: string[] }[] }[] } } } };
  status: { phase: string; conditions?: { type: string; status: string }[] };
}

async function podsOf(selector?: string): Promise<PodItem[]> {
  return (JSON.parse(await k.ok(['-n', ns, 'get', 'pods', '-o', 'json', ...(selector ? ['-l', selector] : [])])) as { items: PodItem[] }).items;
}

// Plays the scheduler for the DaemonSet's pods, should kube-scheduler not have bound them yet:
// each goes to the node its affinity names.
async function bindDaemonPods(): Promise<void> {
  for (const p of await podsOf('app=agent')) {
    if (p.spec.nodeName) continue;
    const node = p.spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms[0]?.matchFields?.[0]?.values[0];
    if (!node) continue;
    const binding = JSON.stringify({ apiVersion: 'v1', kind: 'Binding', metadata: { name: p.metadata.name }, target: { kind: 'Node', name: node } });
    await k.run(['create', '--raw', `/api/v1/namespaces/${ns}/pods/${p.metadata.name}/binding`, '-f', '-'], { input: binding });
  }
}

describe(`cordon, uncordon and drain with kubectl ${newest.version}`, () => {
  test('cordon marks the node unschedulable (and the node lifecycle controller taints it); uncordon undoes both', async () => {
    assert.equal((await k.ok(['cordon', 'kubemu-worker2'])).trim(), 'node/kubemu-worker2 cordoned');
    assert.match(await k.ok(['get', 'node', 'kubemu-worker2', '--no-headers']), /^kubemu-worker2\s+Ready,SchedulingDisabled\s/);
    await eventually('the unschedulable taint', async () => {
      const taints = await k.ok(['get', 'node', 'kubemu-worker2', '-o', 'jsonpath={.spec.taints[*].key}={.spec.taints[*].effect}']);
      return taints.includes('node.kubernetes.io/unschedulable=NoSchedule') ? true : undefined;
    });
    assert.equal((await k.ok(['cordon', 'kubemu-worker2'])).trim(), 'node/kubemu-worker2 already cordoned');
    assert.equal((await k.ok(['uncordon', 'kubemu-worker2'])).trim(), 'node/kubemu-worker2 uncordoned');
    await eventually('no taints', async () => ((await k.ok(['get', 'node', 'kubemu-worker2', '-o', 'jsonpath={.spec.taints}'])).trim() === '' ? true : undefined));
    assert.match(await k.ok(['get', 'node', 'kubemu-worker2', '--no-headers']), /^kubemu-worker2\s+Ready\s/);
  });

  test('drain waits on the disruption budget, retrying its evictions, and finishes once the budget allows them', async () => {
    await k.ok(['create', 'namespace', ns]);
    await k.ok(['apply', '-f', '-'], { input: workload });
    await eventually('running pods and a budget that allows nothing', async () => {
      await bindDaemonPods();
      const pods = await podsOf();
      const running = pods.filter((p) => p.status.phase === 'Running' && p.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'));
      const pdb = await k.ok(['-n', ns, 'get', 'pdb', 'web', '--no-headers']);
      return running.filter((p) => p.spec.nodeName === worker).length >= 4 && /^web\s+2\s+N\/A\s+0\s/.test(pdb) ? true : undefined;
    }, 30_000);
    const webPods = (await podsOf('app=web')).map((p) => p.metadata.name).sort();

    const drain = startKubectl(['drain', worker, '--ignore-daemonsets', '--delete-emptydir-data', '--force', '--timeout=120s']);
    const blocked = await eventually('an eviction refused by the budget', async () => {
      const m = /error when evicting pods\/"(web-[a-z0-9]+)" -n "drain" \(will retry after 5s\): (.*)/.exec(drain.stderr());
      return m ?? undefined;
    }, 30_000);
    assert.ok(webPods.includes(blocked[1]!));
    assert.equal(blocked[2], "Cannot evict pod as it would violate the pod's disruption budget.");
    assert.match(drain.stdout(), /^node\/kubemu-worker cordoned$/m);
    assert.match(drain.stderr(), /Warning: .*deleting Pods that declare no controller: drain\/lonely/);
    assert.match(drain.stderr(), /ignoring DaemonSet-managed Pods: .*drain\/agent-[a-z0-9]+/);
    // The unmanaged pod had no budget to wait for.
    await eventually('lonely evicted', async () => (/^pod\/lonely evicted$/m.test(drain.stdout()) ? true : undefined), 30_000).catch(async (err: unknown) => {
      throw new Error(`${String(err)}\n${drain.stdout()}\n${drain.stderr()}\n${await k.ok(['-n', ns, 'get', 'pods', '-o', 'yaml'])}`);
    });
    // Still refused a few seconds later: kubectl keeps retrying.
    await pause(6_000);
    assert.ok((drain.stderr().match(/will retry after 5s/g) ?? []).length >= 3, drain.stderr());
    assert.equal(await Promise.race([drain.exit.then(() => 'exited'), pause(100).then(() => 'running')]), 'running');

    await k.ok(['-n', ns, 'patch', 'pdb', 'web', '--type=merge', '-p', '{"spec":{"minAvailable":0}}']);
    const code = await drain.exit;
    assert.equal(code, 0, `${drain.stdout()}\n${drain.stderr()}`);
    for (const name of webPods) assert.match(drain.stdout(), new RegExp(`^evicting pod drain/${name}$`, 'm'));
    for (const name of webPods) assert.match(drain.stdout(), new RegExp(`^pod/${name} evicted$`, 'm'));
    assert.match(drain.stdout(), /^node\/kubemu-worker drained$/m);

    const left = await podsOf();
    for (const name of [...webPods, 'lonely']) assert.equal(left.find((p) => p.metadata.name === name), undefined, `${name} is gone`);
    assert.ok(left.some((p) => p.metadata.name.startsWith('agent-') && p.spec.nodeName === worker), 'the DaemonSet pod stays');
    assert.match(await k.ok(['get', 'node', worker, '--no-headers']), /^kubemu-worker\s+Ready,SchedulingDisabled\s/);
    const events = await k.ok(['-n', ns, 'get', 'events', '--field-selector', 'reason=Killing', '-o', 'custom-columns=OBJ:.involvedObject.name', '--no-headers']);
    for (const name of webPods) assert.match(events, new RegExp(`^${name}$`, 'm'));
  });
});
