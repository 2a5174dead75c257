// kwok Stage documents in `--config`: they replace the built-in container simulation, so a kwok
// user's profile runs unchanged. Seen through the newest real kubectl: a Deployment's pods become
// Running and Ready with IPs from the node's podCIDR (the rollout completes), a Job's pod
// succeeds, stage events show up, deletion goes through the delete stage, exec works on a
// staged pod; a Stage kubemu cannot run stops the server at start with the field named.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { kubectlFor, kubectlVersionsUnderTest, mainScript, removeDir, startKubemu, tempDir, type Kubectl, type KubemuProcess } from './harness.js';
import { eventually } from './kubelet-stand-in.js';

const profile = `apiVersion: kubemu.dev/v1alpha1
kind: ClusterConfig
nodePools:
- name: worker
  count: 2
---
apiVersion: kwok.x-k8s.io/v1alpha1
kind: Stage
metadata:
  name: pod-ready
spec:
  resourceRef:
    apiGroup: v1
    kind: Pod
  selector:
    matchExpressions:
    - key: '.metadata.deletionTimestamp'
      operator: 'DoesNotExist'
    - key: '.status.podIP'
      operator: 'DoesNotExist'
  delay:
    durationMilliseconds: 200
    jitterDurationMilliseconds: 400
  next:
    event:
      type: Normal
      reason: StagedReady
      message: the pod-ready stage ran
    # As kwok's own profiles do; the pod-delete stage takes it away again.
    finalizers:
      add:
      - value: kwok.x-k8s.io/fake
    statusTemplate: |
      {{ $now := Now }}
      conditions:
      - lastTransitionTime: {{ $now | Quote }}
        status: "True"
        type: Initialized
      - lastTransitionTime: {{ $now | Quote }}
        status: "True"
        type: Ready
      - lastTransitionTime: {{ $now | Quote }}
        status: "True"
        type: ContainersReady
      containerStatuses:
      {{ range .spec.containers }}
      - image: {{ .image | Quote }}
        name: {{ .name | Quote }}
        ready: true
        restartCount: 0
        started: true
        state:
          running:
            startedAt: {{ $now | Quote }}
      {{ end }}
      hostIP: {{ NodeIPWith .spec.nodeName | Quote }}
      podIP: {{ PodIPWith .spec.nodeName ( or .spec.hostNetwork false ) ( or .metadata.uid "" ) ( or .metadata.name "" ) ( or .metadata.namespace "" ) | Quote }}
      phase: Running
      startTime: {{ $now | Quote }}
---
apiVersion: kwok.x-k8s.io/v1alpha1
kind: Stage
metadata:
  name: pod-complete
spec:
  resourceRef:
    apiGroup: v1
    kind: Pod
  selector:
    matchExpressions:
    - key: '.metadata.deletionTimestamp'
      operator: 'DoesNotExist'
    - key: '.status.phase'
      operator: 'In'
      values: ['Running']
    - key: '.metadata.ownerReferences.[].kind'
      operator: 'In'
      values: ['Job']
  delay:
    durationMilliseconds: 300
  next:
    statusTemplate: |
      {{ $now := Now }}
      containerStatuses:
      {{ range .spec.containers }}
      - image: {{ .image | Quote }}
        name: {{ .name | Quote }}
        ready: false
        restartCount: 0
        started: false
        state:
          terminated:
            exitCode: 0
            finishedAt: {{ $now | Quote }}
            reason: Completed
            startedAt: {{ $now | Quote }}
      {{ end }}
      phase: Succeeded
---
apiVersion: kwok.x-k8s.io/v1alpha1
kind: Stage
metadata:
  name: pod-delete
spec:
  resourceRef:
    apiGroup: v1
    kind: Pod
  selector:
    matchExpressions:
    - key: '.metadata.deletionTimestamp'
      operator: 'Exists'
  next:
    finalizers:
      empty: true
    delete: true
`;

let server: KubemuProcess;
let work: string;
let k: Kubectl;
const ns = 'staged';

interface PodList {
  items: { metadata: { name: string; finalizers?: string[] }; spec: { nodeName?: string }; status: { phase: string; podIP?: string; hostIP?: string; conditions?: { type: string; status: string }[] } }[];
}

before(async () => {
  work = tempDir('kubemu-stages-');
  writeFileSync(join(work, 'kwok.yaml'), profile);
  server = await startKubemu({ extraArgs: ['--config', join(work, 'kwok.yaml')] });
  k = kubectlFor(kubectlVersionsUnderTest().at(-1)!, server.kubeconfig, work);
  await k.ok(['create', 'namespace', ns]);
});

after(async () => {
  const code = await server.stop();
  assert.equal(code, 0, `kubemu exited with ${code} on SIGTERM:\n${server.stderr()}`);
  removeDir(server.dataDir);
  removeDir(work);
});

describe(`kwok Stages with kubectl ${kubectlVersionsUnderTest().at(-1)!.version}`, () => {
  test("a Deployment's pods are made Running and Ready by the pod-ready stage, with pod IPs from their node", async () => {
    await k.ok(['-n', ns, 'create', 'deployment', 'web', '--image=nginx', '--replicas=3']);
    await k.ok(['-n', ns, 'rollout', 'status', 'deployment/web', '--timeout=30s']);
    const pods = (JSON.parse(await k.ok(['-n', ns, 'get', 'pods', '-l', 'app=web', '-o', 'json'])) as PodList).items;
    assert.equal(pods.length, 3);
    const nodes = JSON.parse(await k.ok(['get', 'nodes', '-o', 'json'])) as { items: { metadata: { name: string }; spec: { podCIDR: string }; status: { addresses: { type: string; address: string }[] } }[] };
    const ips = new Set<string>();
    for (const p of pods) {
      assert.equal(p.status.phase, 'Running');
      assert.deepEqual(p.metadata.finalizers, ['kwok.x-k8s.io/fake'], 'the stage (as kwok\'s controller, not the node) added its finalizer');
      assert.equal(p.status.conditions?.find((c) => c.type === 'Ready')?.status, 'True');
      const node = nodes.items.find((n) => n.metadata.name === p.spec.nodeName)!;
      assert.equal(p.status.hostIP, node.status.addresses.find((a) => a.type === 'InternalIP')!.address);
      assert.ok(p.status.podIP!.startsWith(node.spec.podCIDR.replace(/0\/24$/, '')), `${p.status.podIP} in ${node.spec.podCIDR}`);
      ips.add(p.status.podIP!);
    }
    assert.equal(ips.size, 3, 'every pod has its own IP');
    const events = await k.ok(['-n', ns, 'get', 'events', '--field-selector', 'reason=StagedReady', '-o', 'jsonpath={range .items[*]}{.source.component}/{.message}{"\\n"}{end}']);
    assert.deepEqual(events.trim().split('\n'), Array(3).fill('kubelet/the pod-ready stage ran'));
    // A staged container has no simulated process, but the shell answers from its spec.
    const env = await k.ok(['-n', ns, 'exec', pods[0]!.metadata.name, '--', 'env']);
    assert.match(env, new RegExp(`^HOSTNAME=${pods[0]!.metadata.name}$`, 'm'));
    assert.equal(await k.ok(['-n', ns, 'logs', pods[0]!.metadata.name]), '');
  });

  test("a Job's pod goes on to the pod-complete stage and the Job completes", async () => {
    await k.ok(['-n', ns, 'create', 'job', 'once', '--image=busybox', '--', 'true']);
    await k.ok(['-n', ns, 'wait', '--for=condition=Complete', 'job/once', '--timeout=30s']);
    const pods = (JSON.parse(await k.ok(['-n', ns, 'get', 'pods', '-l', 'job-name=once', '-o', 'json'])) as PodList).items;
    assert.deepEqual(pods.map((p) => p.status.phase), ['Succeeded']);
  });

  test('deleting the Deployment: the pod-delete stage removes its pods', async () => {
    await k.ok(['-n', ns, 'delete', 'deployment', 'web', '--wait=true']);
    await eventually('the pods gone', async () => ((JSON.parse(await k.ok(['-n', ns, 'get', 'pods', '-l', 'app=web', '-o', 'json'])) as PodList).items.length === 0 ? true : undefined));
  });
});

test('a Stage kubemu cannot run stops the server at start, naming the stage and field', async () => {
  const dir = tempDir('kubemu-stages-bad-');
  try {
    writeFileSync(join(dir, 'bad.yaml'), 'apiVersion: kwok.x-k8s.io/v1alpha1\nkind: Stage\nmetadata:\n  name: node-heartbeat\nspec:\n  resourceRef:\n    kind: Node\n  next: {}\n');
    const result = await new Promise<{ code: number; stderr: string }>((resolve) => {
      execFile(process.execPath, [mainScript, 'serve', '--port', '0', '--data-dir', join(dir, 'data'), '--kubeconfig', join(dir, 'kubeconfig'), '--config', join(dir, 'bad.yaml')], (error, _out, stderr) =>
        resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stderr }),
      );
    });
    assert.notEqual(result.code, 0);
    assert.match(result.stderr, /Stage node-heartbeat: spec\.resourceRef: v1 Node: kubemu runs Stages for Pods/);
  } finally {
    removeDir(dir);
  }
});
