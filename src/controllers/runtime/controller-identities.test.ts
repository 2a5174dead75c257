import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Definition, Deployment, ReplicaSet } from '../../machinery/api-types.js';

type ClusterRoleBinding = Definition<'io.k8s.api.rbac.v1.ClusterRoleBinding'>;
import { startTestCluster, type TestCluster } from '../../testing/test-cluster.js';
import type { Logger } from './logger.js';

// The controllers act as their kube-system service accounts: RBAC, not the code, decides what
// they may do. Take the deployment controller's binding away and it can do nothing.
let c: TestCluster;
const errors: string[] = [];
const log: Logger = { info: () => {}, error: (message, fields) => errors.push(`${message} ${JSON.stringify(fields ?? {})}`) };

before(async () => {
  c = await startTestCluster({ controllers: ['deployment'], log });
});
after(() => c.stop());

const bindings = () => c.client.resource<ClusterRoleBinding>('rbac.authorization.k8s.io', 'v1', 'clusterrolebindings');
const replicaSets = () => c.client.resource<ReplicaSet>('apps', 'v1', 'replicasets');

function deployment(name: string): Deployment {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name },
    spec: { replicas: 1, selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'web', image: 'nginx' }] } } },
  };
}

test('without its ClusterRoleBinding the deployment controller is refused and makes no ReplicaSet; with it back, it reconciles', async () => {
  const name = 'system:controller:deployment-controller';
  const binding = await bindings().get(undefined, name);
  assert.deepEqual(binding.subjects, [{ kind: 'ServiceAccount', name: 'deployment-controller', namespace: 'kube-system' }]);
  await bindings().delete(undefined, name);

  await c.client.resource<Deployment>('apps', 'v1', 'deployments').create('default', deployment('web'));
  await c.settle();
  assert.deepEqual((await replicaSets().list('default')).items, []);
  assert.ok(
    errors.some((e) => e.includes('User \\"system:serviceaccount:kube-system:deployment-controller\\" cannot create resource \\"replicasets\\" in API group \\"apps\\" in the namespace \\"default\\"')),
    errors.join('\n'),
  );

  await bindings().create(undefined, { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', metadata: { name }, roleRef: binding.roleRef, subjects: binding.subjects });
  // The refused key is retried with back-off.
  for (let i = 0; i < 20 && (await replicaSets().list('default')).items.length === 0; i++) await c.advance(10_000);
  assert.deepEqual((await replicaSets().list('default')).items.map((rs) => rs.metadata?.ownerReferences?.[0]?.name), ['web']);
});
