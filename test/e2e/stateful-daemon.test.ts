// StatefulSets (with claims bound by the fake provisioner) and DaemonSets through the real kubectl
// (the newest: the kubelet stand-in patches pod status, which 1.27 cannot) against a real
// `kubemu serve`. There is no kubelet yet, so the test plays it: pods are marked Running and Ready.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { kubectlFor, kubectlVersionsUnderTest, removeDir, startKubemu, tempDir, type Kubectl, type KubemuProcess } from './harness.js';
import { KubeletStandIn } from './kubelet-stand-in.js';

let server: KubemuProcess;
let work: string;
let k: Kubectl;
let kubelet: KubeletStandIn;

before(async () => {
  // The test brings its own Nodes and plays their kubelet: no simulated nodes of kubemu's.
  server = await startKubemu({ extraArgs: ['--nodes', '0'] });
  work = tempDir('kubemu-stateful-');
  k = kubectlFor(kubectlVersionsUnderTest().at(-1)!, server.kubeconfig, work);
  kubelet = new KubeletStandIn(k);
});

after(async () => {
  const code = await server.stop();
  assert.equal(code, 0, `kubemu exited with ${code} on SIGTERM:\n${server.stderr()}`);
  removeDir(server.dataDir);
  removeDir(work);
});

/** The images of the StatefulSet's pods, by ordinal. */
async function images(ns = 'stateful'): Promise<string[]> {
  const pods = await kubelet.pods(ns, 'app=web');
  return pods.sort((a, b) => (a.metadata.name < b.metadata.name ? -1 : 1)).map((p) => (p.spec as { containers: { image: string }[] }).containers[0]!.image);
}

const statefulManifest = (ns: string) => `apiVersion: v1
kind: Service
metadata:
  name: nginx
  namespace: ${ns}
spec:
  clusterIP: None
  selector:
    app: web
  ports:
  - port: 80
    name: web
---
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: web
  namespace: ${ns}
spec:
  serviceName: nginx
  replicas: 3
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
      - name: nginx
        image: nginx:1.25
        ports:
        - containerPort: 80
          name: web
        volumeMounts:
        - name: www
          mountPath: /usr/share/nginx/html
  volumeClaimTemplates:
  - metadata:
      name: www
    spec:
      accessModes: [ReadWriteOnce]
      resources:
        requests:
          storage: 1Gi
`;

const daemonManifest = (ns: string) => `apiVersion: v1
kind: Node
metadata:
  name: ${ns}-node-a
  labels:
    kubernetes.io/hostname: ${ns}-node-a
status:
  conditions:
  - type: Ready
    status: "True"
---
apiVersion: v1
kind: Node
metadata:
  name: ${ns}-node-b
  labels:
    kubernetes.io/hostname: ${ns}-node-b
status:
  conditions:
  - type: Ready
    status: "True"
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
        image: agent:1
`;

describe(`StatefulSet and DaemonSet with kubectl ${kubectlVersionsUnderTest().at(-1)!.version}`, () => {
  const ns = 'stateful';

  test('a StatefulSet of 3 comes up in order with bound claims; rollout status, history and undo', async () => {
    await k.ok(['create', 'namespace', ns]);
    const applied = await k.ok(['apply', '-f', '-'], { input: statefulManifest(ns) });
    assert.match(applied, /service\/nginx created/);
    assert.match(applied, /statefulset.apps\/web created/);

    const rollout = await kubelet.whileReadying(ns, k.run(['-n', ns, 'rollout', 'status', 'statefulset/web', '--timeout=30s']));
    assert.equal(rollout.code, 0, rollout.stderr);
    assert.match(rollout.stdout, /Waiting for \d pods to be ready\.\.\./);
    assert.match(rollout.stdout, /partitioned roll out complete: 3 new pods have been updated\.\.\./);
    const pods = await kubelet.pods(ns, 'app=web');
    assert.deepEqual(pods.map((p) => p.metadata.name).sort(), ['web-0', 'web-1', 'web-2']);
    const web1 = pods.find((p) => p.metadata.name === 'web-1')!;
    assert.equal(web1.spec.hostname, 'web-1');
    assert.equal(web1.spec.subdomain, 'nginx');
    assert.equal(web1.metadata.labels!['statefulset.kubernetes.io/pod-name'], 'web-1');

    const pvcs = await k.ok(['-n', ns, 'get', 'pvc']);
    for (const i of [0, 1, 2]) assert.match(pvcs, new RegExp(`^www-web-${i}\\s+Bound\\s+pvc-[0-9a-f-]{36}\\s+1Gi\\s+RWO\\s`, 'm'));
    const sts = await k.ok(['-n', ns, 'get', 'sts']);
    assert.match(sts, /^NAME\s+READY\s+AGE$/m);
    assert.match(sts, /^web\s+3\/3\s+\S+$/m);

    // A new image rolls from web-2 down; history records both templates; undo brings the first back.
    await k.ok(['-n', ns, 'set', 'image', 'statefulset/web', 'nginx=nginx:1.26']);
    const rolled = await kubelet.whileReadying(ns, k.run(['-n', ns, 'rollout', 'status', 'statefulset/web', '--timeout=30s']));
    assert.match(rolled.stdout, /partitioned roll out complete: 3 new pods have been updated/, rolled.stderr);
    assert.deepEqual(await images(), ['nginx:1.26', 'nginx:1.26', 'nginx:1.26']);
    const history = await k.ok(['-n', ns, 'rollout', 'history', 'statefulset/web']);
    assert.match(history, /^REVISION\s+CHANGE-CAUSE$/m);
    assert.match(history, /^1\s+<none>$/m);
    assert.match(history, /^2\s+<none>$/m);
    const rev1 = await k.ok(['-n', ns, 'rollout', 'history', 'statefulset/web', '--revision=1']);
    assert.match(rev1, /Image:\s+nginx:1\.25/);
    assert.match(await k.ok(['-n', ns, 'rollout', 'undo', 'statefulset/web']), /statefulset.apps\/web rolled back/);
    const undone = await kubelet.whileReadying(ns, k.run(['-n', ns, 'rollout', 'status', 'statefulset/web', '--timeout=30s']));
    assert.equal(undone.code, 0, undone.stderr);
    assert.deepEqual(await images(), ['nginx:1.25', 'nginx:1.25', 'nginx:1.25']);
    const after = await k.ok(['-n', ns, 'rollout', 'history', 'statefulset/web']);
    assert.match(after, /^2\s+<none>$/m);
    assert.match(after, /^3\s+<none>$/m);
    assert.doesNotMatch(after, /^1\s/m);
    const events = await k.ok(['-n', ns, 'get', 'events', '--field-selector', 'involvedObject.name=web', '-o', 'custom-columns=REASON:.reason,MESSAGE:.message']);
    assert.match(events, /SuccessfulCreate\s+create Claim www-web-0 Pod web-0 in StatefulSet web success/);
    assert.match(events, /SuccessfulDelete\s+delete Pod web-2 in StatefulSet web successful/);
  });

  test('a DaemonSet runs one pod per node, pinned by node affinity; rollout status ends when they are ready', async () => {
    await k.ok(['apply', '-f', '-'], { input: daemonManifest(ns) });
    const rollout = await kubelet.whileReadying(ns, k.run(['-n', ns, 'rollout', 'status', 'daemonset/agent', '--timeout=30s']));
    assert.equal(rollout.code, 0, rollout.stderr);
    assert.match(rollout.stdout, /Waiting for daemon set/);
    assert.match(rollout.stdout, /daemon set "agent" successfully rolled out/);
    const pods = await kubelet.pods(ns, 'app=agent');
    const nodesOf = pods.map((p) => JSON.stringify(p.spec.affinity)).sort();
    assert.deepEqual(nodesOf, [`${ns}-node-a`, `${ns}-node-b`].map((n) =>
      JSON.stringify({ nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: [n] }] }] } } }),
    ));
    for (const p of pods) {
      assert.equal(p.spec.nodeName, undefined);
      assert.ok(p.metadata.labels!['controller-revision-hash']);
    }
    const ds = await k.ok(['-n', ns, 'get', 'ds', 'agent']);
    assert.match(ds, /^agent\s+2\s+2\s+2\s+2\s+2\s+<none>\s+\S+$/m);
    assert.match(await k.ok(['-n', ns, 'rollout', 'history', 'daemonset/agent']), /^1\s+<none>$/m);
  });
});
