import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { JsonObject, JsonValue } from '../machinery/object.js';
import { applyJsonPatch, applyMergePatch, applyStrategicMergePatch, PatchError } from '../machinery/patch/index.js';
import { createPatchSchemaResolver } from './patch-schema.js';
import { locateSpec } from './spec-files.js';

const definitions = (JSON.parse(readFileSync(locateSpec(), 'utf8')) as { definitions: Record<string, unknown> }).definitions;
const resolve = createPatchSchemaResolver(definitions);
const deploymentSchema = resolve('io.k8s.api.apps.v1.Deployment');

function deployment(): JsonObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'default', labels: { app: 'web', tier: 'front' }, finalizers: ['example.com/a'] },
    spec: {
      replicas: 1,
      selector: { matchLabels: { app: 'web' } },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } },
      template: {
        metadata: { labels: { app: 'web' } },
        spec: {
          containers: [
            {
              name: 'app',
              image: 'nginx:1.25',
              env: [{ name: 'MODE', value: 'prod' }, { name: 'LEVEL', value: 'info' }],
              ports: [{ containerPort: 80, name: 'http', protocol: 'TCP' }, { containerPort: 443, name: 'https', protocol: 'TCP' }],
            },
            { name: 'sidecar', image: 'busybox:1' },
          ],
          tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'web', effect: 'NoSchedule' }],
        },
      },
    },
  };
}

const smp = (original: JsonObject, patch: JsonObject) => applyStrategicMergePatch(original, patch, deploymentSchema);
const podSpec = (d: JsonObject) => ((d.spec as JsonObject).template as JsonObject).spec as JsonObject;
const containers = (d: JsonObject) => podSpec(d).containers as JsonObject[];
const container = (d: JsonObject, name: string) => containers(d).find((c) => c.name === name) as JsonObject;

test('the resolver reads patch metadata from the spec and memoizes nodes', () => {
  assert.ok(deploymentSchema);
  assert.equal(resolve('io.k8s.api.apps.v1.Deployment'), deploymentSchema);
  const podSpecNode = resolve('io.k8s.api.core.v1.PodSpec');
  const field = podSpecNode?.field('containers');
  assert.equal(field?.strategy, 'merge');
  assert.equal(field?.mergeKey, 'name');
  assert.equal(field, podSpecNode?.field('containers'));
  assert.equal(field?.schema, resolve('io.k8s.api.core.v1.Container'));
  assert.equal(field?.schema?.field('ports')?.mergeKey, 'containerPort');
  const volumes = podSpecNode?.field('volumes');
  assert.deepEqual([volumes?.strategy, volumes?.retainKeys, volumes?.mergeKey], ['merge', true, 'name']);
  const strategy = resolve('io.k8s.api.apps.v1.DeploymentSpec')?.field('strategy');
  assert.deepEqual([strategy?.strategy, strategy?.retainKeys], [undefined, true]);
  assert.equal(resolve('io.k8s.api.policy.v1.PodDisruptionBudgetSpec')?.field('selector')?.strategy, 'replace');
  assert.equal(podSpecNode?.field('tolerations')?.strategy, undefined);
  assert.equal(resolve('io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta')?.field('finalizers')?.strategy, 'merge');
  // Maps of objects resolve their values; free-form and unknown definitions have no node.
  const limits = resolve('io.k8s.api.core.v1.ResourceRequirements')?.field('limits');
  assert.ok(limits?.schema);
  assert.equal(limits.schema.field('cpu')?.strategy, undefined);
  assert.equal(limits.schema.field('cpu')?.schema, undefined);
  assert.equal(resolve('io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSONSchemaProps')?.field('properties')?.schema?.field('anything')?.schema, resolve('io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSONSchemaProps'));
  assert.equal(resolve('io.k8s.apimachinery.pkg.runtime.RawExtension'), undefined);
  assert.equal(resolve('no.such.Definition'), undefined);
  assert.equal(podSpecNode?.field('noSuchField'), undefined);
});

test('resolvers do not share state', () => {
  const other = createPatchSchemaResolver(definitions);
  assert.notEqual(other('io.k8s.api.apps.v1.Deployment'), deploymentSchema);
  assert.deepEqual(other('io.k8s.api.core.v1.PodSpec')?.field('containers')?.mergeKey, 'name');
});

test('containers merge by name, env by name, ports by containerPort', () => {
  const out = smp(deployment(), {
    spec: {
      template: {
        spec: {
          containers: [
            {
              name: 'app',
              image: 'nginx:1.26',
              env: [{ name: 'LEVEL', value: 'debug' }],
              ports: [{ containerPort: 443, name: 'tls' }],
            },
          ],
        },
      },
    },
  });
  const app = container(out, 'app');
  assert.equal(app.image, 'nginx:1.26');
  assert.deepEqual(app.env, [{ name: 'MODE', value: 'prod' }, { name: 'LEVEL', value: 'debug' }]);
  assert.deepEqual(app.ports, [{ containerPort: 80, name: 'http', protocol: 'TCP' }, { containerPort: 443, name: 'tls', protocol: 'TCP' }]);
  assert.deepEqual(container(out, 'sidecar'), { name: 'sidecar', image: 'busybox:1' });
  assert.deepEqual(containers(out).map((c) => c.name), ['app', 'sidecar']);
});

test('kubectl apply / set image patch with $setElementOrder/containers, verbatim from the wire', () => {
  const lastApplied = '{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"annotations":{},"name":"web","namespace":"default"}}';
  const wire = JSON.parse(
    `{"metadata":{"annotations":{"kubectl.kubernetes.io/last-applied-configuration":${JSON.stringify(lastApplied)}}},` +
      '"spec":{"replicas":2,"template":{"spec":{"$setElementOrder/containers":[{"name":"app"},{"name":"sidecar"}],"containers":[{"image":"nginx:1.26","name":"app"}]}}}}',
  ) as JsonObject;
  const out = smp(deployment(), wire);
  assert.equal((out.spec as JsonObject).replicas, 2);
  assert.deepEqual((out.metadata as JsonObject).annotations, { 'kubectl.kubernetes.io/last-applied-configuration': lastApplied });
  assert.deepEqual(containers(out).map((c) => [c.name, c.image]), [['app', 'nginx:1.26'], ['sidecar', 'busybox:1']]);
  assert.equal(JSON.stringify(out).includes('$setElementOrder'), false);

  // Reordering and adding through apply: the order list decides.
  const reordered = smp(deployment(), {
    spec: { template: { spec: { '$setElementOrder/containers': [{ name: 'sidecar' }, { name: 'app' }, { name: 'new' }], containers: [{ name: 'new', image: 'x' }] } } },
  });
  assert.deepEqual(containers(reordered).map((c) => c.name), ['sidecar', 'app', 'new']);
});

test('$patch: delete removes one container', () => {
  const out = smp(deployment(), { spec: { template: { spec: { containers: [{ name: 'sidecar', $patch: 'delete' }] } } } });
  assert.deepEqual(containers(out).map((c) => c.name), ['app']);
});

test('$retainKeys on spec.strategy: switching RollingUpdate to Recreate drops rollingUpdate', () => {
  const out = smp(deployment(), { spec: { strategy: { $retainKeys: ['type'], type: 'Recreate' } } });
  assert.deepEqual((out.spec as JsonObject).strategy, { type: 'Recreate' });
  // What kubectl apply sends when the old manifest had rollingUpdate: the directive plus an explicit null.
  const applied = smp(deployment(), { spec: { strategy: { $retainKeys: ['type'], rollingUpdate: null, type: 'Recreate' } } });
  assert.deepEqual((applied.spec as JsonObject).strategy, { type: 'Recreate' });
  // Without the directive, fields not mentioned survive.
  const plain = smp(deployment(), { spec: { strategy: { type: 'Recreate' } } });
  assert.deepEqual(Object.keys((plain.spec as JsonObject).strategy as JsonObject), ['type', 'rollingUpdate']);
});

test('tolerations have no merge key: the list is replaced', () => {
  const out = smp(deployment(), { spec: { template: { spec: { tolerations: [{ key: 'gpu', operator: 'Exists' }] } } } });
  assert.deepEqual(podSpec(out).tolerations, [{ key: 'gpu', operator: 'Exists' }]);
});

test('finalizers are a union; null deletes a label; rollout restart adds an annotation', () => {
  const out = smp(deployment(), {
    metadata: { finalizers: ['example.com/b', 'example.com/a'], labels: { tier: null } },
    spec: { template: { metadata: { annotations: { 'kubectl.kubernetes.io/restartedAt': '2025-01-01T00:00:00Z' } } } },
  });
  const metadata = out.metadata as JsonObject;
  assert.deepEqual(metadata.labels, { app: 'web' });
  assert.deepEqual([...(metadata.finalizers as string[])].sort(), ['example.com/a', 'example.com/b']);
  assert.deepEqual(((out.spec as JsonObject).template as JsonObject).metadata, {
    labels: { app: 'web' },
    annotations: { 'kubectl.kubernetes.io/restartedAt': '2025-01-01T00:00:00Z' },
  });
});

test('cordon / uncordon a Node', () => {
  const nodeSchema = resolve('io.k8s.api.core.v1.Node');
  const node = { metadata: { name: 'node1' }, spec: { podCIDR: '10.0.0.0/24' } };
  const cordoned = applyStrategicMergePatch(node, { spec: { unschedulable: true } }, nodeSchema);
  assert.deepEqual(cordoned.spec, { podCIDR: '10.0.0.0/24', unschedulable: true });
  assert.deepEqual(applyStrategicMergePatch(cordoned, { spec: { unschedulable: null } }, nodeSchema).spec, { podCIDR: '10.0.0.0/24' });
});

test('free-form fields (RawExtension) patch like a merge patch', () => {
  const revisionSchema = resolve('io.k8s.api.apps.v1.ControllerRevision');
  const revision = { metadata: { name: 'r' }, data: { spec: { template: { a: 1, list: [1, 2] } } }, revision: 1 };
  const out = applyStrategicMergePatch(revision, { data: { spec: { template: { b: 2, list: [3] } } } }, revisionSchema);
  assert.deepEqual(out.data, { spec: { template: { a: 1, list: [3], b: 2 } } });
});

test('strategic merge errors on a Deployment', () => {
  const status = (fn: () => unknown): [number, string, string] => {
    try {
      fn();
    } catch (err) {
      assert.ok(err instanceof PatchError);
      return [err.code, err.reason, err.message];
    }
    assert.fail('expected a PatchError');
  };
  assert.deepEqual(status(() => smp(deployment(), { spec: { template: { spec: { containers: [{ image: 'x' }] } } } })), [
    500,
    '',
    'map: map[image:x] does not contain declared merge key: name',
  ]);
  assert.deepEqual(status(() => smp(deployment(), { spec: { strategy: { $retainKeys: ['type'], rollingUpdate: {} } } })), [400, 'BadRequest', 'invalid patch format of retainKeys']);
});

test('merge patch and JSON patch on a Deployment, including their errors', () => {
  const merged = applyMergePatch(deployment(), { spec: { template: { spec: { containers: [{ name: 'only', image: 'x' }] } } } }) as JsonObject;
  assert.deepEqual(containers(merged), [{ name: 'only', image: 'x' }]);

  const patched = applyJsonPatch(deployment(), [
    { op: 'test', path: '/spec/template/spec/containers/0/name', value: 'app' },
    { op: 'replace', path: '/spec/template/spec/containers/0/image', value: 'nginx:1.27' },
    { op: 'add', path: '/spec/template/spec/containers/0/env/-', value: { name: 'NEW', value: '1' } },
    { op: 'remove', path: '/metadata/labels/tier' },
  ]) as JsonObject;
  assert.equal(container(patched, 'app').image, 'nginx:1.27');
  assert.deepEqual((container(patched, 'app').env as JsonValue[]).at(-1), { name: 'NEW', value: '1' });
  assert.deepEqual((patched.metadata as JsonObject).labels, { app: 'web' });

  assert.throws(() => applyJsonPatch(deployment(), [{ op: 'test', path: '/spec/replicas', value: 5 }]), (err: unknown) => err instanceof PatchError && err.code === 422 && err.reason === 'Invalid');
  assert.throws(() => applyJsonPatch(deployment(), { op: 'add' }), (err: unknown) => err instanceof PatchError && err.code === 400);
  assert.throws(() => applyMergePatch(deployment(), 'x'), (err: unknown) => err instanceof PatchError && err.code === 400);
});
