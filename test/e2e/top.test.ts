// `kubectl top` with the real kubectl (1.27, 1.30 and the newest) against a real `kubemu serve`,
// which serves metrics.k8s.io itself. The test makes its own nodes (two Ready, one whose kubelet
// is gone) and plays their kubelets, marking pods Running with running containers through the
// status subresource; `--nodes 0` keeps kubemu's own fake nodes out of the picture. The load
// model's shares come from --config (0.5 of CPU requests, 0.25 of memory requests), so the figures
// can be checked against the requests, within the model's jitter.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { kubectlFor, kubectlVersionsUnderTest, removeDir, startKubemu, tempDir, type Kubectl, type KubemuProcess } from './harness.js';

let server: KubemuProcess;
let work: string;
const ns = 'top';
const versions = kubectlVersionsUnderTest();

const config = `apiVersion: kubemu.dev/v1alpha1
kind: ClusterConfig
metrics:
  cpuUsageOfRequest: 0.5
  memoryUsageOfRequest: 0.25
# The test's nodes renew no Lease: keep the node lifecycle controller from declaring them lost.
nodeLifecycle:
  nodeMonitorGracePeriodSeconds: 3600
`;

const node = (name: string, cpu: string, memory: string, ready: boolean, labels: Record<string, string>) => ({
  apiVersion: 'v1',
  kind: 'Node',
  metadata: { name, labels: { 'kubernetes.io/hostname': name, ...labels } },
  status: {
    capacity: { cpu, memory, pods: '110' },
    allocatable: { cpu, memory, pods: '110' },
    conditions: [
      ready
        ? { type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status' }
        : { type: 'Ready', status: 'Unknown', reason: 'NodeStatusUnknown', message: 'Kubelet stopped posting node status.' },
    ],
  },
});

interface ContainerSpec {
  name: string;
  cpu?: string;
  memory?: string;
}

const pod = (name: string, nodeName: string, labels: Record<string, string>, containers: ContainerSpec[]) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: ns, labels },
  spec: {
    nodeName,
    containers: containers.map((c) => ({
      name: c.name,
      image: 'registry.k8s.io/pause:3.10',
      ...(c.cpu ? { resources: { requests: { cpu: c.cpu, memory: c.memory } } } : {}),
    })),
  },
});

const pods = [
  pod('web-1', 'worker-a', { app: 'web' }, [{ name: 'app', cpu: '200m', memory: '256Mi' }, { name: 'log' }]),
  pod('web-2', 'worker-b', { app: 'web' }, [{ name: 'app', cpu: '200m', memory: '256Mi' }]),
  pod('db', 'worker-a', { app: 'db' }, [{ name: 'db', cpu: '1', memory: '2Gi' }]),
  pod('stranded', 'lost', { app: 'web' }, [{ name: 'app', cpu: '200m', memory: '256Mi' }]),
];

// What the model gives with the configured shares, as kubectl prints it (millicores rounded up,
// whole Mi rounded down), over the whole range of the jitter: ±15% ±5% CPU, ±10% ±1% memory.
const expected = {
  app: { cpu: [81, 121], memory: [57, 71] }, // 100m, 64Mi
  log: { cpu: [2, 3], memory: [7, 8] }, // no requests: idle, ~2m and 8Mi
  db: { cpu: [404, 604], memory: [456, 568] }, // 500m, 512Mi
  // ~100m and 1Gi for the node itself, plus its pods
  'worker-a': { cpu: [567, 848], memory: [1432, 1787] },
  'worker-b': { cpu: [162, 242], memory: [969, 1209] },
} as const;
const allocatableMilli: Record<string, number> = { 'worker-a': 4000, 'worker-b': 2000 };
const allocatableMi: Record<string, number> = { 'worker-a': 16384, 'worker-b': 8192 };

before(async () => {
  work = tempDir('kubemu-top-');
  const configPath = join(work, 'kubemu.yaml');
  writeFileSync(configPath, config);
  server = await startKubemu({ extraArgs: ['--nodes', '0', '--config', configPath] });
  // The newest kubectl plays the kubelets (patch --subresource needs 1.24+).
  const k = kubectlFor(versions.at(-1)!, server.kubeconfig, work);
  await k.ok(['create', 'namespace', ns]);
  const manifest = [
    node('worker-a', '4', '16Gi', true, { pool: 'a' }),
    node('worker-b', '2', '8Gi', true, { pool: 'b' }),
    node('lost', '2', '8Gi', false, { pool: 'b' }),
    ...pods,
    pod('pending', 'worker-a', { app: 'web' }, [{ name: 'app', cpu: '200m', memory: '256Mi' }]),
  ];
  await k.ok(['create', '-f', '-'], { input: JSON.stringify({ apiVersion: 'v1', kind: 'List', items: manifest }) });
  for (const p of pods) {
    const status = {
      status: {
        phase: 'Running',
        containerStatuses: p.spec.containers.map((c) => ({
          name: c.name,
          image: c.image,
          imageID: '',
          ready: true,
          restartCount: 0,
          started: true,
          state: { running: { startedAt: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z') } },
        })),
      },
    };
    await k.ok(['-n', ns, 'patch', 'pod', p.metadata.name, '--subresource=status', '--type=merge', '-p', JSON.stringify(status)]);
  }
});

after(async () => {
  const code = await server.stop();
  assert.equal(code, 0, `kubemu exited with ${code} on SIGTERM:\n${server.stderr()}`);
  removeDir(server.dataDir);
  removeDir(work);
});

/** The output's rows as whitespace-separated cells, header first. */
const rows = (out: string) =>
  out
    .trim()
    .split('\n')
    .map((l) => l.trim().split(/\s+/));

function inRange(what: string, cell: string, unit: 'm' | 'Mi', [low, high]: readonly number[]): number {
  const m = new RegExp(`^(\\d+)${unit}$`).exec(cell);
  assert.ok(m, `${what}: ${cell} is not in ${unit}`);
  const n = Number(m[1]);
  assert.ok(n >= low! && n <= high!, `${what}: ${cell} is outside ${low}–${high}${unit}`);
  return n;
}

for (const binary of versions) {
  describe(`kubectl ${binary.version} top`, () => {
    let k: Kubectl;
    // kubectl 1.32 put the percent headers in parentheses.
    const percent = Number(binary.version.split('.')[1]) >= 32 ? ['CPU(%)', 'MEMORY(%)'] : ['CPU%', 'MEMORY%'];

    before(() => {
      k = kubectlFor(binary, server.kubeconfig, work);
    });

    test('top nodes: usage and share of allocatable per Ready node, <unknown> for a node whose kubelet is gone', async () => {
      const out = rows(await k.ok(['top', 'nodes']));
      assert.deepEqual(out[0], ['NAME', 'CPU(cores)', percent[0], 'MEMORY(bytes)', percent[1]]);
      const byName = new Map(out.slice(1).map((r) => [r[0]!, r]));
      assert.deepEqual([...byName.keys()].sort(), ['lost', 'worker-a', 'worker-b']);
      for (const name of ['worker-a', 'worker-b'] as const) {
        const [, cpu, cpuPct, memory, memPct] = byName.get(name)!;
        const m = inRange(`${name} cpu`, cpu!, 'm', expected[name].cpu);
        const mi = inRange(`${name} memory`, memory!, 'Mi', expected[name].memory);
        assert.equal(cpuPct, `${Math.floor((m * 100) / allocatableMilli[name]!)}%`);
        const pct = Number(memPct!.replace('%', ''));
        assert.ok(Math.abs(pct - (mi * 100) / allocatableMi[name]!) < 1, `${name} memory ${memPct} of ${mi}Mi`);
      }
      assert.deepEqual(byName.get('lost'), ['lost', '<unknown>', '<unknown>', '<unknown>', '<unknown>']);

      const one = rows(await k.ok(['top', 'node', 'worker-b', '--no-headers']));
      assert.equal(one.length, 1);
      assert.equal(one[0]![0], 'worker-b');
      const pool = rows(await k.ok(['top', 'nodes', '-l', 'pool=a', '--no-headers']));
      assert.deepEqual(pool.map((r) => r[0]), ['worker-a']);
      const sorted = rows(await k.ok(['top', 'nodes', '--sort-by=cpu', '--no-headers']));
      assert.deepEqual(sorted.map((r) => r[0]).slice(0, 2), ['worker-a', 'worker-b']);
      const lost = await k.run(['top', 'node', 'lost']);
      assert.notEqual(lost.code, 0);
      assert.match(lost.stderr, /Error from server \(NotFound\): nodemetrics\.metrics\.k8s\.io "lost" not found/);
      const missing = await k.run(['top', 'node', 'nope']);
      assert.match(missing.stderr, /Error from server \(NotFound\): node "nope" not found/);
    });

    test('top pods: Running pods on reporting nodes, sorted, by label, per container, all namespaces', async () => {
      const out = rows(await k.ok(['-n', ns, 'top', 'pods']));
      assert.deepEqual(out[0], ['NAME', 'CPU(cores)', 'MEMORY(bytes)']);
      const byName = new Map(out.slice(1).map((r) => [r[0]!, r]));
      assert.deepEqual([...byName.keys()].sort(), ['db', 'web-1', 'web-2'], 'not the Pending pod, not the one on the lost node');
      inRange('db cpu', byName.get('db')![1]!, 'm', expected.db.cpu);
      inRange('db memory', byName.get('db')![2]!, 'Mi', expected.db.memory);
      inRange('web-2 cpu', byName.get('web-2')![1]!, 'm', expected.app.cpu);
      inRange('web-2 memory', byName.get('web-2')![2]!, 'Mi', expected.app.memory);
      // web-1 = app + an idle log container
      inRange('web-1 cpu', byName.get('web-1')![1]!, 'm', [expected.app.cpu[0] + expected.log.cpu[0] - 1, expected.app.cpu[1] + expected.log.cpu[1]]);

      const byCpu = rows(await k.ok(['-n', ns, 'top', 'pods', '--sort-by=cpu', '--no-headers']));
      assert.equal(byCpu[0]![0], 'db');
      const byMemory = rows(await k.ok(['-n', ns, 'top', 'pods', '--sort-by=memory', '--no-headers']));
      assert.equal(byMemory[0]![0], 'db');
      const web = rows(await k.ok(['-n', ns, 'top', 'pods', '-l', 'app=web', '--no-headers']));
      assert.deepEqual(web.map((r) => r[0]).sort(), ['web-1', 'web-2']);

      const containers = rows(await k.ok(['-n', ns, 'top', 'pods', '--containers']));
      assert.deepEqual(containers[0], ['POD', 'NAME', 'CPU(cores)', 'MEMORY(bytes)']);
      const c = new Map(containers.slice(1).map((r) => [`${r[0]}/${r[1]}`, r]));
      assert.deepEqual([...c.keys()].sort(), ['db/db', 'web-1/app', 'web-1/log', 'web-2/app']);
      inRange('web-1 log cpu', c.get('web-1/log')![2]!, 'm', expected.log.cpu);
      inRange('web-1 log memory', c.get('web-1/log')![3]!, 'Mi', expected.log.memory);
      inRange('web-1 app memory', c.get('web-1/app')![3]!, 'Mi', expected.app.memory);

      const sum = rows(await k.ok(['-n', ns, 'top', 'pods', '--sum']));
      assert.deepEqual(sum.at(-2), ['________', '________']);
      assert.match(sum.at(-1)!.join(' '), /^\d+m \d+Mi$/);

      const all = rows(await k.ok(['top', 'pods', '-A']));
      assert.deepEqual(all[0], ['NAMESPACE', 'NAME', 'CPU(cores)', 'MEMORY(bytes)']);
      assert.deepEqual(all.slice(1).map((r) => `${r[0]}/${r[1]}`).sort(), ['top/db', 'top/web-1', 'top/web-2']);
    });

    test('top pod by name, and what kubectl says when there are no metrics', async () => {
      const one = rows(await k.ok(['-n', ns, 'top', 'pod', 'db']));
      assert.equal(one.length, 2);
      assert.equal(one[1]![0], 'db');
      const pending = await k.run(['-n', ns, 'top', 'pod', 'pending']);
      assert.match(pending.stderr, /Error from server \(NotFound\): pods "pending" not found/);
      const stranded = await k.run(['-n', ns, 'top', 'pod', 'stranded']);
      assert.match(stranded.stderr, /Error from server \(NotFound\): podmetrics\.metrics\.k8s\.io "top\/stranded" not found/);
      const none = await k.run(['-n', 'kube-public', 'top', 'pods']);
      assert.equal(none.code, 0);
      assert.match(none.stderr, /No resources found in kube-public namespace\./);
    });

    test('get nodemetrics/podmetrics print metrics-server\'s table; api-resources lists the group', async () => {
      const nodes = rows(await k.ok(['get', 'nodemetrics']));
      assert.deepEqual(nodes[0], ['NAME', 'CPU', 'MEMORY', 'WINDOW']);
      assert.deepEqual(nodes.slice(1).map((r) => r[0]), ['worker-a', 'worker-b']);
      assert.match(nodes[1]![1]!, /^\d+[num]?$/);
      assert.match(nodes[1]![2]!, /^\d+(Ki|Mi)$/);
      assert.match(nodes[1]![3]!, /^(10|20)s$/);
      const podMetrics = rows(await k.ok(['get', 'podmetrics', '-A']));
      assert.deepEqual(podMetrics[0], ['NAMESPACE', 'NAME', 'CPU', 'MEMORY', 'WINDOW']);
      assert.deepEqual(podMetrics.slice(1).map((r) => `${r[0]}/${r[1]}`), ['top/db', 'top/web-1', 'top/web-2']);
      const yaml = await k.ok(['-n', ns, 'get', 'pods.metrics.k8s.io', 'web-1', '-o', 'yaml']);
      assert.match(yaml, /^kind: PodMetrics$/m);
      assert.match(yaml, /^- name: log\n {2}usage:\n {4}cpu: \d+[num]?\n {4}memory: \d+(Ki|Mi)$/m);
      const resources = await k.ok(['api-resources', '--api-group=metrics.k8s.io']);
      assert.match(resources, /^nodes\s+metrics\.k8s\.io\/v1beta1\s+false\s+NodeMetrics$/m);
      assert.match(resources, /^pods\s+metrics\.k8s\.io\/v1beta1\s+true\s+PodMetrics$/m);
    });
  });
}

// The same commands on the cluster kubemu simulates by default: its fake kubelets register kind's
// three nodes and run a Deployment's pods. The pods are pinned to a node with spec.nodeName so
// that no scheduler is needed.
describe("top on kubemu's own nodes and kubelets", () => {
  let cluster: KubemuProcess;
  let clusterWork: string;

  before(async () => {
    clusterWork = tempDir('kubemu-top-kubelets-');
    cluster = await startKubemu();
    const k = kubectlFor(versions.at(-1)!, cluster.kubeconfig, clusterWork);
    const deployment = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', namespace: 'default' },
      spec: {
        replicas: 2,
        selector: { matchLabels: { app: 'web' } },
        template: {
          metadata: { labels: { app: 'web' } },
          spec: { nodeName: 'kubemu-worker', containers: [{ name: 'nginx', image: 'nginx:1.27', resources: { requests: { cpu: '250m', memory: '128Mi' } } }] },
        },
      },
    };
    await k.ok(['create', '-f', '-'], { input: JSON.stringify(deployment) });
    await k.ok(['rollout', 'status', 'deployment/web', '--timeout=60s']);
  });

  after(async () => {
    const code = await cluster.stop();
    assert.equal(code, 0, `kubemu exited with ${code} on SIGTERM:\n${cluster.stderr()}`);
    removeDir(cluster.dataDir);
    removeDir(clusterWork);
  });

  for (const binary of versions) {
    test(`kubectl ${binary.version}: every node reports; the Deployment's pods use ~0.3 of their CPU and ~0.5 of their memory requests`, async () => {
      const k = kubectlFor(binary, cluster.kubeconfig, clusterWork);
      const nodes = rows(await k.ok(['top', 'nodes', '--no-headers']));
      assert.deepEqual(nodes.map((r) => r[0]).sort(), ['kubemu-control-plane', 'kubemu-worker', 'kubemu-worker2']);
      for (const r of nodes) assert.match(r.slice(1).join(' '), /^\d+m \d+% \d+Mi \d+%$/);
      const pods = rows(await k.ok(['top', 'pods', '-l', 'app=web', '--no-headers']));
      assert.equal(pods.length, 2);
      let podCpu = 0;
      for (const [name, cpu, memory] of pods) {
        // 0.3 × 250m = 75m; 0.5 × 128Mi = 64Mi (the default shares), within the jitter
        podCpu += inRange(`${name} cpu`, cpu!, 'm', [61, 91]);
        inRange(`${name} memory`, memory!, 'Mi', [57, 71]);
      }
      const worker = Number(/^(\d+)m$/.exec(nodes.find((r) => r[0] === 'kubemu-worker')![1]!)![1]);
      const idle = Number(/^(\d+)m$/.exec(nodes.find((r) => r[0] === 'kubemu-worker2')![1]!)![1]);
      assert.ok(worker >= podCpu, `kubemu-worker (${worker}m) carries its pods (${podCpu}m)`);
      assert.ok(idle < worker, 'the worker without pods is the quieter one');
    });
  }
});
