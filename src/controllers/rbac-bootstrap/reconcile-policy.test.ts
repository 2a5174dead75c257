import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { LocalClient } from '../../client/local-client.js';
import { createTestApp, type TestApp } from '../../testing/test-app.js';
import { clusterRoleBindings, clusterRoles, namespacedRoleBindings, namespacedRoles } from './bootstrap-policy.js';
import { reconcileBootstrapPolicy } from './reconcile-policy.js';

let app: TestApp;
let client: LocalClient;
const clusterRolesClient = () => client.resource('rbac.authorization.k8s.io', 'v1', 'clusterroles');

before(async () => {
  app = await createTestApp();
  client = new LocalClient(app.registry, app.catalogue, { userAgent: 'kube-apiserver' });
});
after(() => app.stop());

test('the first start makes the whole policy; the next changes nothing', async () => {
  const total = clusterRoles.length + clusterRoleBindings.length + namespacedRoles.length + namespacedRoleBindings.length;
  assert.deepEqual(await reconcileBootstrapPolicy(client), { created: total, updated: 0 });
  assert.deepEqual(await reconcileBootstrapPolicy(client), { created: 0, updated: 0 });
  const reader = await client.resource('rbac.authorization.k8s.io', 'v1', 'roles').get('kube-system', 'extension-apiserver-authentication-reader');
  assert.deepEqual((reader as { rules: unknown }).rules, [{ apiGroups: [''], resources: ['configmaps'], resourceNames: ['extension-apiserver-authentication'], verbs: ['get', 'list', 'watch'] }]);
});

test('a deleted role comes back, a removed rule is added again, autoupdate "false" is left alone', async () => {
  await clusterRolesClient().delete(undefined, 'system:discovery');
  const basic = (await clusterRolesClient().get(undefined, 'system:basic-user')) as { rules: unknown[] };
  await clusterRolesClient().update(undefined, { ...basic, rules: basic.rules.slice(1) } as never);
  const monitoring = (await clusterRolesClient().get(undefined, 'system:monitoring')) as { metadata: { annotations: Record<string, string> }; rules: unknown[] };
  monitoring.metadata.annotations['rbac.authorization.kubernetes.io/autoupdate'] = 'false';
  await clusterRolesClient().update(undefined, { ...monitoring, rules: [] } as never);

  assert.deepEqual(await reconcileBootstrapPolicy(client), { created: 1, updated: 1 });
  assert.ok(await clusterRolesClient().find(undefined, 'system:discovery'));
  assert.equal(((await clusterRolesClient().get(undefined, 'system:basic-user')) as { rules: unknown[] }).rules.length, basic.rules.length);
  assert.deepEqual(((await clusterRolesClient().get(undefined, 'system:monitoring')) as { rules: unknown[] | null }).rules ?? [], []);
});
