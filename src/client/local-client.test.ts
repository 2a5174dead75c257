import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { isApiError } from '../apierrors/index.js';
import { createTestApp, type TestApp } from '../testing/test-app.js';
import { LocalClient } from './local-client.js';

// A client with a user is judged as that user's HTTP request would be; one without is the API
// server's own machinery.
let app: TestApp;
let admin: LocalClient;
let robot: LocalClient;
const robotUser = { username: 'system:serviceaccount:kube-system:robot', groups: ['system:serviceaccounts', 'system:serviceaccounts:kube-system', 'system:authenticated'] };

before(async () => {
  app = await createTestApp();
  await app.registry.pipeline.ready();
  admin = new LocalClient(app.registry, app.catalogue, { userAgent: 'kube-apiserver' });
  robot = admin.as({ userAgent: 'robot', user: robotUser });
});
after(() => app.stop());

async function refusal(call: Promise<unknown>): Promise<string> {
  try {
    await call;
  } catch (err) {
    assert.ok(isApiError(err), String(err));
    assert.equal(err.code, 403);
    assert.equal(err.status.reason, 'Forbidden');
    return err.message;
  }
  assert.fail('the call was allowed');
}

const who = 'User "system:serviceaccount:kube-system:robot"';

test('without a rule every verb is refused with the 403 an HTTP request gets, subresources named as RBAC names them', async () => {
  const pods = robot.resource('', 'v1', 'pods');
  assert.equal(await refusal(pods.list('default')), `pods is forbidden: ${who} cannot list resource "pods" in API group "" in the namespace "default"`);
  assert.equal(await refusal(pods.get('default', 'web')), `pods "web" is forbidden: ${who} cannot get resource "pods" in API group "" in the namespace "default"`);
  assert.throws(
    () => pods.watch('default', {}, { event() {}, close() {} }),
    (err: Error) => err.message === `pods is forbidden: ${who} cannot watch resource "pods" in API group "" in the namespace "default"`,
  );
  assert.match(await refusal(pods.create('default', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web' } })), /cannot create resource "pods" in API group ""/);
  assert.match(await refusal(pods.bind('default', 'web', 'node-1')), /pods "web" is forbidden: .* cannot create resource "pods\/binding"/);
  assert.match(await refusal(pods.evict('default', 'web')), /cannot create resource "pods\/eviction"/);
  assert.match(await refusal(pods.patch('default', 'web', 'merge', { status: {} }, { subresource: 'status' })), /cannot patch resource "pods\/status"/);
  assert.match(await refusal(pods.mutate('default', 'web', (p) => p, 'status')), /cannot update resource "pods\/status"/);
  assert.match(await refusal(pods.delete('default', 'web')), /cannot delete resource "pods"/);
  assert.match(await refusal(pods.deleteCollection('default')), /cannot deletecollection resource "pods"/);
  assert.match(await refusal(robot.resource('', 'v1', 'serviceaccounts').createToken('default', 'robot', { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', spec: {} })), /cannot create resource "serviceaccounts\/token"/);
  assert.match(await refusal(robot.resource('', 'v1', 'nodes').list()), /cannot list resource "nodes" in API group "" at the cluster scope/);
  // The API server's own client is never refused.
  assert.deepEqual((await admin.resource('', 'v1', 'pods').list('default')).items, []);
});

test('a role lets the user do what it grants and no more; writes carry the user into the escalation check', async () => {
  await admin.resource('rbac.authorization.k8s.io', 'v1', 'roles').create('default', {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'Role',
    metadata: { name: 'robot' },
    rules: [
      { apiGroups: [''], resources: ['configmaps'], verbs: ['get', 'list', 'create'] },
      { apiGroups: ['rbac.authorization.k8s.io'], resources: ['roles'], verbs: ['create'] },
    ],
  });
  await admin.resource('rbac.authorization.k8s.io', 'v1', 'rolebindings').create('default', {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'RoleBinding',
    metadata: { name: 'robot' },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'robot' },
    subjects: [{ kind: 'ServiceAccount', name: 'robot', namespace: 'kube-system' }],
  });
  const configMaps = robot.resource('', 'v1', 'configmaps');
  await configMaps.create('default', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings' } });
  assert.deepEqual((await configMaps.list('default')).items.map((c) => c.metadata?.name), ['settings']);
  assert.match(await refusal(configMaps.list('kube-system')), /cannot list resource "configmaps" in API group "" in the namespace "kube-system"/);
  assert.match(await refusal(configMaps.delete('default', 'settings')), /cannot delete resource "configmaps"/);
  // Allowed to create Roles, but not one granting more than it holds: the store judged the write as robot.
  const escalation = await refusal(
    robot.resource('rbac.authorization.k8s.io', 'v1', 'roles').create('default', {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'Role',
      metadata: { name: 'more' },
      rules: [{ apiGroups: [''], resources: ['secrets'], verbs: ['get'] }],
    }),
  );
  assert.match(escalation, /user "system:serviceaccount:kube-system:robot" .* is attempting to grant RBAC permissions not currently held/);
});

test('a list or watch narrowed to one name by metadata.name is judged for that name, as over HTTP', async () => {
  await admin.resource('rbac.authorization.k8s.io', 'v1', 'roles').create('kube-public', {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'Role',
    metadata: { name: 'one-configmap' },
    rules: [{ apiGroups: [''], resources: ['configmaps'], resourceNames: ['cluster-info'], verbs: ['list', 'watch'] }],
  });
  await admin.resource('rbac.authorization.k8s.io', 'v1', 'rolebindings').create('kube-public', {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'RoleBinding',
    metadata: { name: 'robot' },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'one-configmap' },
    subjects: [{ kind: 'ServiceAccount', name: 'robot', namespace: 'kube-system' }],
  });
  const configMaps = robot.resource('', 'v1', 'configmaps');
  await configMaps.list('kube-public', { fieldSelector: 'metadata.name=cluster-info' });
  configMaps.watch('kube-public', { fieldSelector: 'metadata.name=cluster-info' }, { event() {}, close() {} }).stop();
  assert.match(await refusal(configMaps.list('kube-public')), /cannot list resource "configmaps" in API group "" in the namespace "kube-public"/);
  assert.match(await refusal(configMaps.list('kube-public', { fieldSelector: 'metadata.name=other' })), /configmaps "other" is forbidden/);
});
