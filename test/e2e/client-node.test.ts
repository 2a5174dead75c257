// The official JavaScript client (@kubernetes/client-node 1.x) against a real kubemu process over
// HTTPS with the generated kubeconfig: server-side apply, then managedFields read back.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { AppsV1Api, KubeConfig, KubernetesObjectApi, PatchStrategy, type KubernetesObject } from '@kubernetes/client-node';
import { removeDir, startKubemu, type KubemuProcess } from './harness.js';

let server: KubemuProcess;
before(async () => {
  server = await startKubemu();
});
after(async () => {
  assert.equal(await server.stop(), 0);
  removeDir(server.dataDir);
});

test('server-side apply with @kubernetes/client-node, managedFields read back', async () => {
  const kc = new KubeConfig();
  kc.loadFromFile(server.kubeconfig);
  const objects = KubernetesObjectApi.makeApiClient(kc);
  const deployment: KubernetesObject & { spec: unknown } = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'from-js', namespace: 'default' },
    spec: {
      replicas: 2,
      selector: { matchLabels: { app: 'from-js' } },
      template: { metadata: { labels: { app: 'from-js' } }, spec: { containers: [{ name: 'app', image: 'nginx:1.25' }] } },
    },
  };
  const applied = await objects.patch(deployment, undefined, undefined, 'js-operator', true, PatchStrategy.ServerSideApply);
  assert.equal(applied.metadata?.name, 'from-js');

  const apps = kc.makeApiClient(AppsV1Api);
  const read = await apps.readNamespacedDeployment({ name: 'from-js', namespace: 'default' });
  assert.equal(read.spec?.replicas, 2);
  const entry = read.metadata?.managedFields?.find((m) => m.manager === 'js-operator');
  assert.ok(entry, JSON.stringify(read.metadata?.managedFields));
  assert.equal(entry.operation, 'Apply');
  assert.equal(entry.apiVersion, 'apps/v1');
  assert.equal(entry.fieldsType, 'FieldsV1');
  assert.ok((entry.fieldsV1 as Record<string, Record<string, unknown>>)['f:spec']['f:replicas']);

  // A second manager changing the same field without force is refused with the conflict.
  await assert.rejects(
    objects.patch({ ...deployment, spec: { ...(deployment.spec as object), replicas: 5 } }, undefined, undefined, 'other-operator', false, PatchStrategy.ServerSideApply),
    (err: { code?: number; body?: unknown }) => err.code === 409 && /conflict with \\?"js-operator/.test(String(err.body)),
  );
});
