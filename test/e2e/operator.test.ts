// The workflow CI users run kubemu for: their operator (here a small one written with
// @kubernetes/client-node, test/e2e/website-operator.ts) against a live cluster. The CRD comes
// from kubectl, the operator turns each custom resource into a Deployment whose Pods the
// scheduler and fake kubelets run, reports readiness in the resource's status, follows
// `kubectl scale` on the resource, and garbage collection removes what it made.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { KubeConfig } from '@kubernetes/client-node';
import { kubectlFor, kubectlVersionsUnderTest, removeDir, startKubemu, tempDir, type Kubectl, type KubemuProcess } from './harness.js';
import { eventually } from './kubelet-stand-in.js';
import { WebsiteOperator } from './website-operator.js';

const websiteCrd = `
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: websites.demo.kubemu.dev
spec:
  group: demo.kubemu.dev
  scope: Namespaced
  names: {plural: websites, singular: website, kind: Website, shortNames: [ws]}
  versions:
  - name: v1
    served: true
    storage: true
    schema:
      openAPIV3Schema:
        type: object
        properties:
          spec:
            type: object
            required: [image]
            properties:
              image: {type: string}
              replicas: {type: integer, minimum: 0, default: 1}
          status:
            type: object
            properties:
              readyReplicas: {type: integer}
              phase: {type: string}
              deployment: {type: string}
              selector: {type: string}
              observedGeneration: {type: integer}
    subresources:
      status: {}
      scale: {specReplicasPath: .spec.replicas, statusReplicasPath: .status.readyReplicas, labelSelectorPath: .status.selector}
    additionalPrinterColumns:
    - {name: Image, type: string, jsonPath: .spec.image}
    - {name: Ready, type: integer, jsonPath: .status.readyReplicas}
    - {name: Phase, type: string, jsonPath: .status.phase}
`;

let server: KubemuProcess;
let work: string;
let k: Kubectl;
let operator: WebsiteOperator;

before(async () => {
  server = await startKubemu();
  work = tempDir('kubemu-operator-');
  const versions = kubectlVersionsUnderTest();
  k = kubectlFor(versions[versions.length - 1]!, server.kubeconfig, work);
  writeFileSync(join(work, 'crd.yaml'), websiteCrd);
  await k.ok(['apply', '-f', join(work, 'crd.yaml')]);
  await k.ok(['wait', '--for=condition=Established', 'crd/websites.demo.kubemu.dev', '--timeout=10s']);
  const kc = new KubeConfig();
  kc.loadFromFile(server.kubeconfig);
  operator = new WebsiteOperator(kc);
  await operator.start();
});

after(async () => {
  await operator?.stop();
  const code = await server.stop();
  assert.equal(code, 0, `kubemu exited with ${code} on SIGTERM:\n${server.stderr()}`);
  removeDir(server.dataDir);
  removeDir(work);
});

async function website(name: string): Promise<{ status?: Record<string, unknown>; spec: Record<string, unknown> }> {
  return JSON.parse(await k.ok(['get', 'website', name, '-o', 'json'])) as { status?: Record<string, unknown>; spec: Record<string, unknown> };
}

test('a Website becomes a running Deployment, its status follows, kubectl scale reaches the Pods, deleting it removes them', async () => {
  writeFileSync(
    join(work, 'site.yaml'),
    `apiVersion: demo.kubemu.dev/v1\nkind: Website\nmetadata: {name: blog, namespace: default}\nspec: {image: "nginx:1.25", replicas: 2}\n`,
  );
  assert.match(await k.ok(['apply', '-f', join(work, 'site.yaml')]), /website.demo.kubemu.dev\/blog created/);

  const ready = await eventually('the Website reports 2 ready replicas', async () => {
    const w = await website('blog');
    return w.status?.phase === 'Ready' && w.status.readyReplicas === 2 ? w : undefined;
  }, 30_000);
  assert.equal(ready.status!.deployment, 'blog-web');

  const deployment = JSON.parse(await k.ok(['get', 'deployment', 'blog-web', '-o', 'json', '--show-managed-fields'])) as {
    metadata: { ownerReferences: { kind: string; name: string; controller: boolean }[]; managedFields: { manager: string; operation: string }[] };
  };
  assert.deepEqual(
    deployment.metadata.ownerReferences.map((r) => [r.kind, r.name, r.controller]),
    [['Website', 'blog', true]],
  );
  assert.ok(deployment.metadata.managedFields.some((m) => m.manager === 'website-operator' && m.operation === 'Apply'));
  const pods = await k.ok(['get', 'pods', '-l', 'app.kubernetes.io/name=blog', '--no-headers']);
  assert.equal(pods.trim().split('\n').filter((l) => /\bRunning\b/.test(l)).length, 2, pods);

  // The resource's own printer columns show what the operator wrote (no AGE: a CRD that names
  // its columns gets only those, as on a real cluster).
  assert.match(await k.ok(['get', 'ws', 'blog']), /^NAME\s+IMAGE\s+READY\s+PHASE\nblog\s+nginx:1\.25\s+2\s+Ready\n$/);

  // kubectl scale goes through the custom resource's scale subresource; the operator carries it
  // to the Deployment, and the scale subresource then reads the ready count back.
  assert.match(await k.ok(['scale', 'website/blog', '--replicas=3']), /website.demo.kubemu.dev\/blog scaled/);
  await eventually('three ready replicas after scale', async () => {
    const w = await website('blog');
    return w.status?.readyReplicas === 3 && w.status.phase === 'Ready' ? w : undefined;
  }, 30_000);
  const scale = JSON.parse(await k.ok(['get', '--raw', '/apis/demo.kubemu.dev/v1/namespaces/default/websites/blog/scale'])) as {
    spec: { replicas: number };
    status: { replicas: number; selector: string };
  };
  assert.deepEqual([scale.spec.replicas, scale.status.replicas, scale.status.selector], [3, 3, 'app.kubernetes.io/name=blog']);

  // A change to the resource the operator does not own stays the user's; the spec drives it.
  await k.ok(['patch', 'website', 'blog', '--type=merge', '-p', '{"spec":{"image":"nginx:1.27"}}']);
  await eventually('the Deployment takes the new image', async () => {
    const image = await k.ok(['get', 'deployment', 'blog-web', '-o', 'jsonpath={.spec.template.spec.containers[0].image}']);
    return image === 'nginx:1.27' ? image : undefined;
  });

  // Deleting the Website: the garbage collector takes the Deployment, its ReplicaSets and Pods.
  await k.ok(['delete', 'website', 'blog', '--wait=true']);
  await eventually('the Deployment and its Pods are gone', async () => {
    const left = await k.ok(['get', 'deployments,replicasets,pods', '-l', 'app.kubernetes.io/name=blog', '-o', 'name']);
    return left.trim() === '' ? true : undefined;
  }, 30_000);
  assert.deepEqual(operator.errors, []);
});

test('deleting a namespace deletes the custom resources in it, and what the operator made for them', async () => {
  await k.ok(['create', 'namespace', 'shop']);
  writeFileSync(
    join(work, 'shop.yaml'),
    `apiVersion: demo.kubemu.dev/v1\nkind: Website\nmetadata: {name: store, namespace: shop}\nspec: {image: "nginx:1.25", replicas: 1}\n`,
  );
  await k.ok(['apply', '-f', join(work, 'shop.yaml')]);
  await eventually('the shop Website is ready', async () => {
    const w = JSON.parse(await k.ok(['-n', 'shop', 'get', 'website', 'store', '-o', 'json'])) as { status?: { phase?: string } };
    return w.status?.phase === 'Ready' ? w : undefined;
  }, 30_000);
  await k.ok(['delete', 'namespace', 'shop', '--wait=true', '--timeout=30s']);
  assert.match((await k.run(['get', 'namespace', 'shop'])).stderr, /namespaces "shop" not found/);
  assert.equal((await k.ok(['get', 'websites', '-A', '-o', 'name'])).trim(), '');
  assert.deepEqual(operator.errors.filter((e) => !/shop\//.test(e)), []);
});
