// Data and the revision counter survive a restart on the same LevelDB folder; resourceVersions
// only ever grow; a watch can resume from a resourceVersion handed out before the restart.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { kubectlFor, kubectlVersionsUnderTest, removeDir, startKubemu, tempDir } from './harness.js';
import { eventually } from './kubelet-stand-in.js';

const work = tempDir('kubemu-restart-');
after(() => removeDir(work));

test('objects, revisions and watch history survive a restart', async () => {
  const binary = kubectlVersionsUnderTest().at(-1)!;
  const first = await startKubemu({ dataDir: work });
  let k = kubectlFor(binary, first.kubeconfig, join(work, 'cache-a'));
  await k.ok(['create', 'namespace', 'keep']);
  await k.ok(['-n', 'keep', 'create', 'configmap', 'one', '--from-literal=a=1']);
  const rvBefore = Number(await k.ok(['-n', 'keep', 'get', 'cm', 'one', '-o', 'jsonpath={.metadata.resourceVersion}']));
  await k.ok(['-n', 'keep', 'create', 'configmap', 'two', '--from-literal=b=2']);
  assert.equal(await first.stop('SIGTERM'), 0);

  const second = await startKubemu({ dataDir: work });
  try {
    // A fresh cache dir: the port changed, so discovery must be fetched again.
    k = kubectlFor(binary, second.kubeconfig, join(work, 'cache-b'));
    assert.equal(await k.ok(['-n', 'keep', 'get', 'cm', 'one', '-o', 'jsonpath={.data.a}']), '1');
    assert.equal(await k.ok(['-n', 'keep', 'get', 'cm', 'two', '-o', 'jsonpath={.data.b}']), '2');
    await k.ok(['-n', 'keep', 'create', 'configmap', 'three']);
    const rvAfter = Number(await k.ok(['-n', 'keep', 'get', 'cm', 'three', '-o', 'jsonpath={.metadata.resourceVersion}']));
    assert.ok(rvAfter > rvBefore, `resourceVersion went from ${rvBefore} to ${rvAfter}`);
    // The watch resumes from before the restart and replays what happened since.
    const events = await k.ok(['get', '--raw', `/api/v1/namespaces/keep/configmaps?watch=1&resourceVersion=${rvBefore}&timeoutSeconds=1`]);
    const names = events
      .trim()
      .split('\n')
      .map((l) => (JSON.parse(l) as { type: string; object: { metadata: { name: string } } }))
      .map((e) => `${e.type} ${e.object.metadata.name}`);
    assert.deepEqual(names, ['ADDED two', 'ADDED three']);
    // The first start kept a digest of the spec: the restart built its catalogue from it, and the
    // whole spec, read on first need, still answers OpenAPI and explain.
    assert.match(first.stderr(), /"digest":false,[^\n]*"msg":"loaded the Kubernetes API schema"/);
    assert.match(second.stderr(), /"digest":true,[^\n]*"msg":"loaded the Kubernetes API schema"/);
    assert.match(await k.ok(['explain', 'configmap.data']), /FIELD: +data <map\[string\]string>/);
    assert.match(await k.ok(['api-resources', '--api-group=apps', '-o', 'name']), /^deployments\.apps$/m);
  } finally {
    assert.equal(await second.stop('SIGINT'), 0);
  }
});

test('a rollout interrupted by a restart finishes from what is stored', async () => {
  const binary = kubectlVersionsUnderTest().at(-1)!;
  const dataDir = join(work, 'rollout');
  const first = await startKubemu({ dataDir });
  let k = kubectlFor(binary, first.kubeconfig, join(work, 'cache-c'));
  await k.ok(['create', 'deployment', 'web', '--image=nginx:1.25', '--replicas=2']);
  await k.ok(['rollout', 'status', 'deployment/web', '--timeout=60s']);
  // A new image whose pods take 3 s to become ready: the rollout is still going when kubemu stops.
  const patch = { spec: { template: { spec: { containers: [{ name: 'nginx', image: 'nginx:1.26', readinessProbe: { httpGet: { path: '/', port: 80 }, initialDelaySeconds: 3 } }] } } } };
  await k.ok(['patch', 'deployment', 'web', '-p', JSON.stringify(patch)]);
  await eventually('the new ReplicaSet', async () => ((await k.ok(['get', 'rs', '-o', 'name'])).trim().split('\n').length === 2 ? true : undefined));
  assert.equal(await first.stop('SIGTERM'), 0);

  const second = await startKubemu({ dataDir });
  try {
    k = kubectlFor(binary, second.kubeconfig, join(work, 'cache-d'));
    const rolled = await k.run(['rollout', 'status', 'deployment/web', '--timeout=60s']);
    assert.equal(rolled.code, 0, rolled.stderr);
    assert.match(rolled.stdout, /successfully rolled out/);
    const sizes = await k.ok(['get', 'rs', '-o', 'jsonpath={range .items[*]}{.metadata.annotations.deployment\\.kubernetes\\.io/revision}={.spec.replicas} {end}']);
    assert.deepEqual(sizes.trim().split(' ').sort(), ['1=0', '2=2']);
    // The pods kept running across the restart: their kubelet picked them up from the store.
    const phases = await k.ok(['get', 'pods', '-o', 'jsonpath={range .items[*]}{.status.phase} {end}']);
    assert.deepEqual([...new Set(phases.trim().split(' '))], ['Running']);
  } finally {
    assert.equal(await second.stop('SIGINT'), 0);
  }
});
