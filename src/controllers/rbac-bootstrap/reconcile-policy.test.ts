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

test('what a user added is kept while a removed label, subject or aggregation selector is put back', async () => {
  const bindingsClient = client.resource('rbac.authorization.k8s.io', 'v1', 'clusterrolebindings');
  type Role = { metadata: { labels: Record<string, string> }; rules: unknown[]; aggregationRule?: { clusterRoleSelectors: unknown[] } };
  const basic = (await clusterRolesClient().get(undefined, 'system:basic-user')) as Role;
  const extraRule = { apiGroups: ['example.com'], resources: ['widgets'], verbs: ['get'] };
  delete basic.metadata.labels['kubernetes.io/bootstrapping'];
  await clusterRolesClient().update(undefined, { ...basic, rules: [...basic.rules, extraRule] } as never);
  const admin = (await clusterRolesClient().get(undefined, 'admin')) as Role;
  const extraSelector = { matchLabels: { 'example.com/aggregate-to-admin': 'true' } };
  await clusterRolesClient().update(undefined, { ...admin, aggregationRule: { clusterRoleSelectors: [extraSelector] } } as never);
  type Binding = { subjects: { kind: string; name: string }[] };
  const discovery = (await bindingsClient.get(undefined, 'system:discovery')) as Binding;
  const extraSubject = { apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: 'jane' };
  await bindingsClient.update(undefined, { ...discovery, subjects: [extraSubject] } as never);

  assert.deepEqual(await reconcileBootstrapPolicy(client), { created: 0, updated: 3 });
  const basicAfter = (await clusterRolesClient().get(undefined, 'system:basic-user')) as Role;
  assert.equal(basicAfter.metadata.labels['kubernetes.io/bootstrapping'], 'rbac-defaults');
  assert.deepEqual(basicAfter.rules, [...basic.rules, extraRule]);
  const adminAfter = (await clusterRolesClient().get(undefined, 'admin')) as Role;
  assert.deepEqual(adminAfter.aggregationRule!.clusterRoleSelectors, [extraSelector, ...admin.aggregationRule!.clusterRoleSelectors]);
  const discoveryAfter = (await bindingsClient.get(undefined, 'system:discovery')) as Binding;
  assert.deepEqual(discoveryAfter.subjects, [extraSubject, ...discovery.subjects]);
  assert.deepEqual(await reconcileBootstrapPolicy(client), { created: 0, updated: 0 });
});
