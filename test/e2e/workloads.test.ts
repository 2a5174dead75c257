// A live cluster with the real kubectl (1.27, 1.30 and the newest): Deployments make ReplicaSets
// make Pods, which the scheduler binds and the fake kubelets run; scale, set image, rollout
// status/history/undo/pause/resume/restart end on their own; delete with each cascade mode.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { kubectlFor, kubectlVersionsUnderTest, removeDir, startKubemu, tempDir, type Kubectl, type KubemuProcess } from './harness.js';
import { eventually, KubeletStandIn, pause } from './kubelet-stand-in.js';

let server: KubemuProcess;
let work: string;
let kubelet: KubeletStandIn;

const versions = kubectlVersionsUnderTest();

before(async () => {
  server = await startKubemu();
  work = tempDir('kubemu-workloads-');
  kubelet = new KubeletStandIn(kubectlFor(versions[versions.length - 1]!, server.kubeconfig, work));
});

after(async () => {
  const code = await server.stop();
  assert.equal(code, 0, `kubemu exited with ${code} on SIGTERM:\n${server.stderr()}`);
  removeDir(server.dataDir);
  removeDir(work);
});

for (const binary of versions) {
  describe(`workloads with kubectl ${binary.version}`, () => {
    let k: Kubectl;
    const ns = `wl-${binary.version.replace('.', '')}`;

    before(async () => {
      k = kubectlFor(binary, server.kubeconfig, work);
      await k.ok(['create', 'namespace', ns]);
    });

    test('create deployment → a ReplicaSet and 3 Pods it owns; rollout status ends once they are ready', async () => {
      assert.match(await k.ok(['-n', ns, 'create', 'deployment', 'web', '--image=nginx:1.25', '--replicas=3']), /deployment.apps\/web created/);
      const pods = await eventually('3 pods', async () => {
        const p = await kubelet.pods(ns, 'app=web');
        return p.length === 3 ? p : undefined;
      });
      const rsName = pods[0]!.metadata.ownerReferences![0]!.name;
      assert.match(rsName, /^web-[a-z0-9]{6,10}$/);
      for (const p of pods) {
        assert.equal(p.metadata.ownerReferences![0]!.kind, 'ReplicaSet');
        assert.equal(p.metadata.labels!['pod-template-hash'], rsName.slice('web-'.length));
      }
      const rollout = await k.run(['-n', ns, 'rollout', 'status', 'deployment/web', '--timeout=60s']);
      assert.equal(rollout.code, 0, rollout.stderr);
      assert.match(rollout.stdout, /deployment "web" successfully rolled out/);
      // Scheduled onto the workers (the control-plane node is tainted), Running with pod IPs.
      const wide = await k.ok(['-n', ns, 'get', 'pods', '-l', 'app=web', '-o', 'wide', '--no-headers']);
      const rows = wide.trim().split('\n');
      assert.equal(rows.length, 3);
      for (const row of rows) assert.match(row, /^web-\S+\s+1\/1\s+Running\s+0\s+\S+\s+10\.244\.\d+\.\d+\s+kubemu-worker2?\s/);
      const table = await k.ok(['-n', ns, 'get', 'deploy', 'web']);
      assert.match(table, /^web\s+3\/3\s+3\s+3\s+/m);
      const rsTable = await k.ok(['-n', ns, 'get', 'rs']);
      assert.match(rsTable, new RegExp(`^${rsName}\\s+3\\s+3\\s+3\\s+`, 'm'));
      const described = await k.ok(['-n', ns, 'describe', 'deploy', 'web']);
      assert.match(described, /^Replicas:\s+3 desired \| 3 updated \| 3 total \| 3 available \| 0 unavailable$/m);
      assert.match(described, new RegExp(`^NewReplicaSet:\\s+${rsName} \\(3/3 replicas created\\)$`, 'm'));
      assert.match(described, /Available\s+True\s+MinimumReplicasAvailable/);
      assert.match(described, /Progressing\s+True\s+NewReplicaSetAvailable/);
      assert.match(described, new RegExp(`ScalingReplicaSet\\s+\\S+\\s+deployment-controller\\s+Scaled up replica set ${rsName} to 3`));
      const rsDescribed = await k.ok(['-n', ns, 'describe', 'rs', rsName]);
      assert.match(rsDescribed, /SuccessfulCreate\s+\S+\s+replicaset-controller\s+Created pod: web-/);
    });

    test('scale to 5 and back to 3', async () => {
      await k.ok(['-n', ns, 'scale', 'deployment', 'web', '--replicas=5']);
      await eventually('5 pods', async () => ((await kubelet.pods(ns, 'app=web')).filter((p) => !p.metadata.deletionTimestamp).length === 5 ? true : undefined));
      await k.run(['-n', ns, 'rollout', 'status', 'deployment/web', '--timeout=60s']);
      await k.ok(['-n', ns, 'scale', 'deployment', 'web', '--replicas=3']);
      await eventually('3 pods', async () => ((await kubelet.pods(ns, 'app=web')).length === 3 ? true : undefined));
      assert.match(await k.ok(['-n', ns, 'get', 'deploy', 'web']), /^web\s+3\/3\s+3\s+3\s+/m);
      // The subresources print as on a real cluster: the scale as a Scale, the status as the resource.
      assert.match(await k.ok(['-n', ns, 'get', 'deploy', 'web', '--subresource=scale']), /^NAME\s+DESIRED\s+AVAILABLE\s+AGE\nweb\s+3\s+3\s+\S+\n$/);
      assert.match(await k.ok(['-n', ns, 'get', 'deploy', 'web', '--subresource=status']), /^NAME\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+AGE\nweb\s+3\/3\s+3\s+3\s+\S+\n$/);
    });

    test('set image rolls to a new ReplicaSet with history; rollout undo goes back', async () => {
      await k.ok(['-n', ns, 'set', 'image', 'deployment/web', 'nginx=nginx:1.26']);
      const rolled = await k.run(['-n', ns, 'rollout', 'status', 'deployment/web', '--timeout=60s']);
      assert.equal(rolled.code, 0, rolled.stderr);
      assert.match(rolled.stdout, /successfully rolled out/);
      const rs = await k.ok(['-n', ns, 'get', 'rs', '-o', 'jsonpath={range .items[*]}{.metadata.annotations.deployment\\.kubernetes\\.io/revision}={.spec.replicas} {end}']);
      assert.deepEqual(rs.trim().split(' ').sort(), ['1=0', '2=3']);
      const history = await k.ok(['-n', ns, 'rollout', 'history', 'deployment/web']);
      assert.match(history, /^REVISION\s+CHANGE-CAUSE$/m);
      assert.match(history, /^1\s+<none>$/m);
      assert.match(history, /^2\s+<none>$/m);
      const revision2 = await k.ok(['-n', ns, 'rollout', 'history', 'deployment/web', '--revision=2']);
      assert.match(revision2, /Image:\s+nginx:1\.26/);

      assert.match(await k.ok(['-n', ns, 'rollout', 'undo', 'deployment/web']), /deployment.apps\/web rolled back/);
      const back = await k.run(['-n', ns, 'rollout', 'status', 'deployment/web', '--timeout=60s']);
      assert.equal(back.code, 0, back.stderr);
      assert.equal(await k.ok(['-n', ns, 'get', 'deploy', 'web', '-o', 'jsonpath={.spec.template.spec.containers[0].image}']), 'nginx:1.25');
      const after = await k.ok(['-n', ns, 'rollout', 'history', 'deployment/web']);
      assert.match(after, /^2\s+<none>$/m);
      assert.match(after, /^3\s+<none>$/m);
      assert.doesNotMatch(after, /^1\s+<none>$/m, 'revision 1 became 3');
    });

    test('rollout pause, resume and restart', async () => {
      await k.ok(['-n', ns, 'rollout', 'pause', 'deployment/web']);
      await k.ok(['-n', ns, 'set', 'image', 'deployment/web', 'nginx=nginx:1.27']);
      await pause(300);
      const whilePaused = await k.ok(['-n', ns, 'get', 'rs', '-o', 'name']);
      assert.equal(whilePaused.trim().split('\n').length, 2, 'no new ReplicaSet while paused');
      await k.ok(['-n', ns, 'rollout', 'resume', 'deployment/web']);
      const resumed = await k.run(['-n', ns, 'rollout', 'status', 'deployment/web', '--timeout=60s']);
      assert.equal(resumed.code, 0, resumed.stderr);
      assert.match(await k.ok(['-n', ns, 'rollout', 'restart', 'deployment/web']), /deployment.apps\/web restarted/);
      const restarted = await k.run(['-n', ns, 'rollout', 'status', 'deployment/web', '--timeout=60s']);
      assert.equal(restarted.code, 0, restarted.stderr);
      const template = await k.ok(['-n', ns, 'get', 'deploy', 'web', '-o', 'jsonpath={.spec.template.metadata.annotations}']);
      assert.match(template, /kubectl.kubernetes.io\/restartedAt/);
    });

    test('delete --cascade=background, foreground and orphan', async () => {
      for (const name of ['bg', 'fg', 'or']) await k.ok(['-n', ns, 'create', 'deployment', name, '--image=nginx', '--replicas=2']);
      for (const name of ['bg', 'fg', 'or']) await eventually(`pods of ${name}`, async () => ((await kubelet.pods(ns, `app=${name}`)).length === 2 ? true : undefined));

      await k.ok(['-n', ns, 'delete', 'deployment', 'bg']);
      await eventually('background cascade', async () => ((await kubelet.pods(ns, 'app=bg')).length === 0 ? true : undefined));
      assert.equal((await k.ok(['-n', ns, 'get', 'rs', '-l', 'app=bg', '-o', 'name'])).trim(), '');

      // Foreground: kubectl waits until the Deployment is gone, which happens only after its pods.
      await k.ok(['-n', ns, 'delete', 'deployment', 'fg', '--cascade=foreground']);
      assert.equal((await kubelet.pods(ns, 'app=fg')).length, 0);
      assert.equal((await k.ok(['-n', ns, 'get', 'rs', '-l', 'app=fg', '-o', 'name'])).trim(), '');

      await k.ok(['-n', ns, 'delete', 'deployment', 'or', '--cascade=orphan']);
      const rs = await eventually('an orphaned ReplicaSet', async () => {
        const items = (JSON.parse(await k.ok(['-n', ns, 'get', 'rs', '-l', 'app=or', '-o', 'json'])) as { items: { metadata: { ownerReferences?: unknown[] } }[] }).items;
        return items.length === 1 && !items[0]!.metadata.ownerReferences ? items : undefined;
      });
      assert.equal(rs.length, 1);
      assert.equal((await kubelet.pods(ns, 'app=or')).length, 2, 'its pods stay');
    });

    test('pods deleted by hand come back; an orphan pod matching a ReplicaSet is adopted', async () => {
      const before = await kubelet.pods(ns, 'app=web');
      await k.ok(['-n', ns, 'delete', 'pod', before[0]!.metadata.name]);
      await eventually('a replacement pod', async () => {
        const now = await kubelet.pods(ns, 'app=web');
        return now.length === 3 && !now.some((p) => p.metadata.name === before[0]!.metadata.name) ? true : undefined;
      });
    });
  });
}

describe('--controllers and --controller-module', () => {
  test('only the chosen controllers run, and a user module runs beside them', async () => {
    const dir = tempDir('kubemu-module-');
    const { writeFileSync } = await import('node:fs');
    const modulePath = `${dir}/stamp.mjs`;
    writeFileSync(
      modulePath,
      `// Labels every ConfigMap it sees with the number of keys it holds.
export default {
  name: 'configmap-stamper',
  start(ctx) {
    const configmaps = ctx.client.resource('', 'v1', 'configmaps');
    const informer = ctx.informers.forResource('', 'v1', 'configmaps');
    const loop = ctx.reconcileLoop(async (key) => {
      const [namespace, name] = key.split('/');
      const cm = informer.getByName(namespace, name);
      if (!cm) return;
      const keys = String(Object.keys(cm.data ?? {}).length);
      if (cm.metadata.labels?.['example.com/keys'] === keys) return;
      await configmaps.patch(namespace, name, 'merge', { metadata: { labels: { 'example.com/keys': keys } } });
    });
    informer.addHandler({ onAdd: (cm) => loop.enqueue(cm.metadata.namespace + '/' + cm.metadata.name), onUpdate: (_o, cm) => loop.enqueue(cm.metadata.namespace + '/' + cm.metadata.name) });
    return loop;
  },
};
`,
    );
    const custom = await startKubemu({ extraArgs: ['--controllers', 'namespace,configmap-stamper', '--controller-module', modulePath] });
    try {
      const k = kubectlFor(versions[versions.length - 1]!, custom.kubeconfig, dir);
      await k.ok(['create', 'configmap', 'c', '--from-literal=a=1', '--from-literal=b=2']);
      const label = await eventually('the module to label the ConfigMap', async () => {
        const v = await k.ok(['get', 'cm', 'c', '-o', 'jsonpath={.metadata.labels.example\\.com/keys}']);
        return v === '2' ? v : undefined;
      });
      assert.equal(label, '2');
      const managers = await k.ok(['get', 'cm', 'c', '-o', 'jsonpath={.metadata.managedFields[*].manager}', '--show-managed-fields']);
      assert.match(managers, /kube-controller-manager/);
      // The deployment controller is not among the chosen ones: no ReplicaSet appears.
      await k.ok(['create', 'deployment', 'idle', '--image=nginx']);
      await pause(500);
      assert.equal((await k.ok(['get', 'rs', '-o', 'name'])).trim(), '');
      assert.match(custom.stderr(), /"controllers":\["namespace","configmap-stamper","kubelet"\]/);
    } finally {
      await custom.stop();
      removeDir(custom.dataDir);
      removeDir(dir);
    }
  });
});
