// kube-scheduler in `kubemu serve` with its three simulated nodes (kind's layout: a tainted
// control-plane node and two workers), seen through the newest real kubectl: a Deployment's pods
// land on the workers, spread evenly, with Scheduled events; a pod that fits nowhere stays Pending
// with the FailedScheduling message and PodScheduled condition a real cluster shows.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { kubectlFor, kubectlVersionsUnderTest, removeDir, startKubemu, tempDir, type Kubectl, type KubemuProcess } from './harness.js';
import { eventually } from './kubelet-stand-in.js';

let server: KubemuProcess;
let work: string;
let k: Kubectl;
const ns = 'sched';

interface PodList {
  items: { metadata: { name: string }; spec: { nodeName?: string }; status: { phase: string; conditions?: { type: string; status: string; reason?: string; message?: string }[] } }[];
}

before(async () => {
  server = await startKubemu();
  work = tempDir('kubemu-scheduler-');
  k = kubectlFor(kubectlVersionsUnderTest().at(-1)!, server.kubeconfig, work);
  await eventually('three Ready nodes', async () => {
    const out = await k.ok(['get', 'nodes', '--no-headers']);
    return out.split('\n').filter((l) => /\sReady\s/.test(l)).length === 3 ? true : undefined;
  }, 30_000);
  await k.ok(['create', 'namespace', ns]);
});

after(async () => {
  const code = await server.stop();
  assert.equal(code, 0, `kubemu exited with ${code} on SIGTERM:\n${server.stderr()}`);
  removeDir(server.dataDir);
  removeDir(work);
});

describe(`scheduler with kubectl ${kubectlVersionsUnderTest().at(-1)!.version}`, () => {
  test("a Deployment's pods are bound to the workers, two each, never to the tainted control-plane node", async () => {
    await k.ok(['-n', ns, 'create', 'deployment', 'web', '--image=nginx', '--replicas=4']);
    const pods = await eventually('four bound pods', async () => {
      const list = JSON.parse(await k.ok(['-n', ns, 'get', 'pods', '-l', 'app=web', '-o', 'json'])) as PodList;
      return list.items.length === 4 && list.items.every((p) => p.spec.nodeName) ? list.items : undefined;
    });
    const perNode: Record<string, number> = {};
    for (const p of pods) perNode[p.spec.nodeName!] = (perNode[p.spec.nodeName!] ?? 0) + 1;
    assert.deepEqual(perNode, { 'kubemu-worker': 2, 'kubemu-worker2': 2 });
    const wide = await k.ok(['-n', ns, 'get', 'pods', '-o', 'wide']);
    assert.match(wide, /^web-\S+\s+\S+\s+\S+\s+\d+\s+\S+\s+\S+\s+kubemu-worker2?\s+<none>\s+<none>$/m);
    const events = await k.ok(['-n', ns, 'get', 'events', '--field-selector', 'reason=Scheduled', '-o', 'jsonpath={range .items[*]}{.message}{"\\n"}{end}']);
    const scheduled = events.split('\n').filter(Boolean);
    assert.equal(scheduled.length, 4);
    for (const line of scheduled) assert.match(line, /^Successfully assigned sched\/web-[a-z0-9]+-[a-z0-9]{5} to kubemu-worker2?$/);
  });

  test('a pod asking for more cpu than any node has stays Pending, and describe says why', async () => {
    const manifest = `apiVersion: v1
kind: Pod
metadata:
  name: huge
  namespace: ${ns}
spec:
  containers:
  - name: app
    image: nginx
    resources:
      requests:
        cpu: "64"
`;
    await k.ok(['apply', '-f', '-'], { input: manifest });
    const message =
      '0/3 nodes are available: 1 node(s) had untolerated taint(s), 2 Insufficient cpu. no new claims to deallocate, preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.';
    const condition = await eventually('the PodScheduled condition', async () => {
      const pod = JSON.parse(await k.ok(['-n', ns, 'get', 'pod', 'huge', '-o', 'json'])) as PodList['items'][number];
      return pod.status.conditions?.find((c) => c.type === 'PodScheduled');
    });
    assert.deepEqual({ status: condition.status, reason: condition.reason, message: condition.message }, { status: 'False', reason: 'Unschedulable', message });
    const described = await k.ok(['-n', ns, 'describe', 'pod', 'huge']);
    assert.match(described, /^Node:\s+<none>$/m);
    assert.match(described, /^Status:\s+Pending$/m);
    assert.ok(described.includes(`Warning  FailedScheduling`), described);
    assert.ok(described.includes(`default-scheduler  ${message}`), described);
    const table = await k.ok(['-n', ns, 'get', 'pod', 'huge']);
    assert.match(table, /^huge\s+0\/1\s+Pending\s+0\s+\S+$/m);
  });
});
