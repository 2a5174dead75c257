// ResourceQuota and LimitRange through the newest real kubectl: quotas refuse what would go over
// them with kube-apiserver's messages, `kubectl get quota` follows pods as they come and go, a
// ReplicaSet over quota says why it is short, LimitRange defaults land on pods that name no
// resources (with the kubernetes.io/limit-ranger annotation) and its maximum refuses the rest.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { kubectlFor, kubectlVersionsUnderTest, removeDir, startKubemu, tempDir, type Kubectl, type KubemuProcess } from './harness.js';
import { eventually } from './kubelet-stand-in.js';

let server: KubemuProcess;
let work: string;
let k: Kubectl;
const newest = kubectlVersionsUnderTest().at(-1)!;

before(async () => {
  server = await startKubemu();
  work = tempDir('kubemu-quota-');
  k = kubectlFor(newest, server.kubeconfig, work);
});

after(async () => {
  await server.stop();
  removeDir(server.dataDir);
  removeDir(work);
});

/** `kubectl run` of a pod with cpu requests (or none). */
function runPod(ns: string, name: string, cpu?: string) {
  const resources = cpu ? { requests: { cpu } } : {};
  const overrides = JSON.stringify({ spec: { containers: [{ name, image: 'nginx', resources }] } });
  return k.run(['-n', ns, 'run', name, '--image=nginx', '--restart=Never', `--overrides=${overrides}`]);
}

/** The quota's row once `kubectl get quota` shows what is expected. */
function quotaRow(ns: string, name: string, request: string): Promise<string> {
  return eventually(`quota ${name} to show ${request}`, async () => {
    const out = await k.ok(['-n', ns, 'get', 'quota', name, '--no-headers']);
    return out.includes(request) ? out : undefined;
  });
}

describe(`resource quotas and limit ranges with kubectl ${newest.version}`, () => {
  test('a quota on pods and requests.cpu refuses what would go over it, and get quota follows pods coming and going', async () => {
    await k.ok(['create', 'namespace', 'quota-a']);
    await k.ok(['-n', 'quota-a', 'create', 'quota', 'compute', '--hard=pods=2,requests.cpu=1']);
    // The controller counts the new quota before admission enforces it.
    await quotaRow('quota-a', 'compute', 'pods: 0/2, requests.cpu: 0/1');
    const headers = (await k.ok(['-n', 'quota-a', 'get', 'quota'])).split('\n')[0]!;
    assert.match(headers, /^NAME\s+AGE\s+REQUEST\s+LIMIT$/);

    await k.ok(['-n', 'quota-a', 'run', 'one', '--image=nginx', '--restart=Never', `--overrides=${JSON.stringify({ spec: { containers: [{ name: 'one', image: 'nginx', resources: { requests: { cpu: '600m' } } }] } })}`]);
    await quotaRow('quota-a', 'compute', 'pods: 1/2, requests.cpu: 600m/1');

    const cpu = await runPod('quota-a', 'two', '500m');
    assert.equal(cpu.code, 1);
    assert.equal(
      cpu.stderr.trim(),
      'Error from server (Forbidden): pods "two" is forbidden: exceeded quota: compute, requested: requests.cpu=500m, used: requests.cpu=600m, limited: requests.cpu=1',
    );
    const bare = await runPod('quota-a', 'bare');
    assert.equal(bare.stderr.trim(), 'Error from server (Forbidden): pods "bare" is forbidden: failed quota: compute: must specify requests.cpu for: bare');

    assert.equal((await runPod('quota-a', 'two', '400m')).code, 0);
    await quotaRow('quota-a', 'compute', 'pods: 2/2, requests.cpu: 1/1');
    const third = await runPod('quota-a', 'three', '1m');
    assert.equal(
      third.stderr.trim(),
      'Error from server (Forbidden): pods "three" is forbidden: exceeded quota: compute, requested: pods=1,requests.cpu=1m, used: pods=2,requests.cpu=1, limited: pods=2,requests.cpu=1',
    );
    // Nothing of a refused pod is left behind.
    assert.equal((await k.run(['-n', 'quota-a', 'get', 'pod', 'three'])).code, 1);

    await k.ok(['-n', 'quota-a', 'delete', 'pod', 'one', '--wait=true']);
    await quotaRow('quota-a', 'compute', 'pods: 1/2, requests.cpu: 400m/1');
    const described = await k.ok(['-n', 'quota-a', 'describe', 'quota', 'compute']);
    assert.match(described, /^Name:\s+compute$/m);
    assert.match(described, /^Resource\s+Used\s+Hard$/m);
    assert.match(described, /^pods\s+1\s+2$/m);
    assert.match(described, /^requests\.cpu\s+400m\s+1$/m);
  });

  test('a ReplicaSet over its pods quota reports the refusal and catches up when the quota grows', async () => {
    await k.ok(['create', 'namespace', 'quota-b']);
    await k.ok(['-n', 'quota-b', 'create', 'quota', 'pods', '--hard=pods=2']);
    await quotaRow('quota-b', 'pods', 'pods: 0/2');
    await k.ok(['-n', 'quota-b', 'create', 'deployment', 'web', '--image=nginx', '--replicas=3']);
    const message = await eventually('the ReplicaFailure condition', async () => {
      const rs = JSON.parse(await k.ok(['-n', 'quota-b', 'get', 'rs', '-o', 'json'])) as { items: { status?: { conditions?: { type: string; message: string }[] } }[] };
      return rs.items[0]?.status?.conditions?.find((c) => c.type === 'ReplicaFailure')?.message;
    });
    assert.match(message, /^pods "web-[a-z0-9]+-[a-z0-9]{5}" is forbidden: exceeded quota: pods, requested: pods=1, used: pods=2, limited: pods=2$/);
    await quotaRow('quota-b', 'pods', 'pods: 2/2');
    await k.ok(['-n', 'quota-b', 'patch', 'quota', 'pods', '-p', '{"spec":{"hard":{"pods":"3"}}}']);
    await eventually(
      'the third pod',
      async () => {
        const out = await k.ok(['-n', 'quota-b', 'get', 'pods', '--no-headers']);
        return out.trim().split('\n').length === 3 ? out : undefined;
      },
      90_000,
    );
    await quotaRow('quota-b', 'pods', 'pods: 3/3');
  });

  test('LimitRange defaults land on a pod without resources, with the annotation; its maximum refuses with the real message', async () => {
    await k.ok(['create', 'namespace', 'limits']);
    await k.ok(['-n', 'limits', 'create', '-f', '-'], {
      input: [
        'apiVersion: v1',
        'kind: LimitRange',
        'metadata: {name: container-limits}',
        'spec:',
        '  limits:',
        '  - type: Container',
        '    default: {cpu: 500m, memory: 256Mi}',
        '    defaultRequest: {cpu: 100m, memory: 128Mi}',
        '    max: {cpu: "1"}',
        '',
      ].join('\n'),
    });
    await k.ok(['-n', 'limits', 'run', 'plain', '--image=nginx', '--restart=Never']);
    const pod = JSON.parse(await k.ok(['-n', 'limits', 'get', 'pod', 'plain', '-o', 'json'])) as {
      metadata: { annotations: Record<string, string> };
      spec: { containers: { resources: unknown }[] };
    };
    assert.deepEqual(pod.spec.containers[0]!.resources, { limits: { cpu: '500m', memory: '256Mi' }, requests: { cpu: '100m', memory: '128Mi' } });
    assert.equal(pod.metadata.annotations['kubernetes.io/limit-ranger'], 'LimitRanger plugin set: cpu, memory request for container plain; cpu, memory limit for container plain');

    const greedy = await k.run(['-n', 'limits', 'run', 'greedy', '--image=nginx', '--restart=Never', `--overrides=${JSON.stringify({ spec: { containers: [{ name: 'greedy', image: 'nginx', resources: { limits: { cpu: '2' } } }] } })}`]);
    assert.equal(greedy.stderr.trim(), 'Error from server (Forbidden): pods "greedy" is forbidden: maximum cpu usage per Container is 1, but limit is 2');

    const described = await k.ok(['-n', 'limits', 'describe', 'limitrange', 'container-limits']);
    assert.match(described, /^Type\s+Resource\s+Min\s+Max\s+Default Request\s+Default Limit\s+Max Limit\/Request Ratio$/m);
    assert.match(described, /^Container\s+cpu\s+-\s+1\s+100m\s+500m\s+-$/m);
    assert.match(described, /^Container\s+memory\s+-\s+-\s+128Mi\s+256Mi\s+-$/m);
    assert.match(await k.ok(['-n', 'limits', 'get', 'limitranges']), /^NAME\s+CREATED AT\ncontainer-limits\s+\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/m);
  });
});
