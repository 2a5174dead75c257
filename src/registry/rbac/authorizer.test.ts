// The authorizer over a live registry (memory backend): decisions, RBAC's reasons, the 403
// messages for each kind of request, and escalation checks on role writes.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { LocalClient } from '../../client/local-client.js';
import { createTestApp, type TestApp } from '../../testing/test-app.js';
import { forbiddenError, parseAuthorizationModes } from './authorizer.js';
import { checkEscalation } from './escalation.js';
import type { AuthorizationAttributes } from './attributes.js';

let app: TestApp;
const alice = { username: 'alice', groups: ['dev', 'system:authenticated'] };
const rbac = (resource: string) => new LocalClient(app.registry, app.catalogue, { userAgent: 'test' }).resource('rbac.authorization.k8s.io', 'v1', resource);

before(async () => {
  app = await createTestApp();
  await rbac('roles').create('default', { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name: 'reader', namespace: 'default' }, rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get', 'list'] }] } as never);
  await rbac('rolebindings').create('default', {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'RoleBinding',
    metadata: { name: 'readers', namespace: 'default' },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'reader' },
    subjects: [{ kind: 'Group', name: 'dev' }],
  } as never);
  await rbac('clusterrolebindings').create(undefined, {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRoleBinding',
    metadata: { name: 'dangling' },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'missing' },
    subjects: [{ kind: 'User', name: 'alice' }],
  } as never);
});

after(() => app.stop());

const attrs = (resource: Partial<{ verb: string; resource: string; namespace: string; name: string; subresource: string; apiGroup: string }>): AuthorizationAttributes => ({
  user: alice,
  resourceRequest: true,
  resource: { verb: 'list', apiGroup: '', resource: 'pods', ...resource },
});

test('a RoleBinding to a group allows in its namespace only, and says which binding allowed', () => {
  const allowed = app.registry.authorizer.authorize(attrs({ namespace: 'default' }));
  assert.deepEqual(allowed, { allowed: true, reason: 'RBAC: allowed by RoleBinding "readers/default" of Role "reader" to Group "dev"' });
  const denied = app.registry.authorizer.authorize(attrs({ namespace: 'other' }));
  assert.equal(denied.allowed, false);
  // A binding to a missing role is an evaluation error in the reason.
  assert.equal(denied.reason, 'RBAC: clusterrole.rbac.authorization.k8s.io "missing" not found');
  assert.equal(app.registry.authorizer.authorize({ user: { username: 'x', groups: ['system:masters'] }, resourceRequest: true, resource: { verb: 'delete', apiGroup: '', resource: 'nodes' } }).allowed, true);
});

test('the index follows deletes', async () => {
  await rbac('rolebindings').delete('default', 'readers');
  assert.equal(app.registry.authorizer.authorize(attrs({ namespace: 'default' })).allowed, false);
  await rbac('rolebindings').create('default', {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'RoleBinding',
    metadata: { name: 'readers', namespace: 'default' },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'reader' },
    subjects: [{ kind: 'User', name: 'alice' }],
  } as never);
  assert.equal(app.registry.authorizer.authorize(attrs({ namespace: 'default' })).allowed, true);
});

test("kube-apiserver's 403 messages: namespaced, cluster-scoped, named, subresource, non-resource", () => {
  const msg = (a: AuthorizationAttributes) => forbiddenError(a, '').message;
  assert.equal(msg(attrs({ namespace: 'default' })), 'pods is forbidden: User "alice" cannot list resource "pods" in API group "" in the namespace "default"');
  assert.equal(msg(attrs({ resource: 'nodes' })), 'nodes is forbidden: User "alice" cannot list resource "nodes" in API group "" at the cluster scope');
  assert.equal(
    msg(attrs({ verb: 'get', apiGroup: 'apps', resource: 'deployments', namespace: 'ns', name: 'web', subresource: 'scale' })),
    'deployments.apps "web" is forbidden: User "alice" cannot get resource "deployments/scale" in API group "apps" in the namespace "ns"',
  );
  assert.equal(msg({ user: alice, resourceRequest: false, nonResource: { verb: 'get', path: '/metrics' } }), 'forbidden: User "alice" cannot get path "/metrics"');
});

test('role writes: rules not held are refused with the compacted list, held ones pass', () => {
  const role = (rules: unknown[]) => ({ metadata: { name: 'mine', namespace: 'default' }, rules }) as never;
  assert.throws(
    () => checkEscalation(app.registry.authorizer, app.registry.rbac, { resource: 'roles', operation: 'CREATE', object: role([{ apiGroups: [''], resources: ['pods', 'secrets'], verbs: ['get', 'delete'] }]), user: alice }),
    (err: Error) =>
      err.message ===
      'roles.rbac.authorization.k8s.io "mine" is forbidden: user "alice" (groups=["dev" "system:authenticated"]) is attempting to grant RBAC permissions not currently held:\n' +
        '{APIGroups:[""], Resources:["pods"], Verbs:["delete"]}\n{APIGroups:[""], Resources:["secrets"], Verbs:["get" "delete"]}; resolution errors: [clusterrole.rbac.authorization.k8s.io "missing" not found]',
  );
  checkEscalation(app.registry.authorizer, app.registry.rbac, { resource: 'roles', operation: 'CREATE', object: role([{ apiGroups: [''], resources: ['pods'], verbs: ['get'] }]), user: alice });
});

test('--authorization-mode: supported modes kept in order, Node left out, unknown ones refused', () => {
  assert.deepEqual(parseAuthorizationModes('Node,RBAC'), { modes: ['RBAC'], skipped: ['Node'] });
  assert.deepEqual(parseAuthorizationModes('AlwaysAllow'), { modes: ['AlwaysAllow'], skipped: [] });
  assert.throws(() => parseAuthorizationModes('Node'), /names no mode kubemu supports/);
  assert.throws(() => parseAuthorizationModes('RBAC,Magic'), /unknown authorization mode "Magic"/);
});

test('bindings: a role whose rules the writer lacks cannot be bound, unless they may bind it', async () => {
  const binding = { metadata: { name: 'b', namespace: 'default' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'secret-reader' }, subjects: [] } as never;
  await rbac('clusterroles').create(undefined, { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'secret-reader' }, rules: [{ apiGroups: [''], resources: ['secrets'], verbs: ['get'] }] } as never);
  assert.throws(
    () => checkEscalation(app.registry.authorizer, app.registry.rbac, { resource: 'rolebindings', operation: 'CREATE', object: binding, user: alice }),
    /^ApiError: rolebindings\.rbac\.authorization\.k8s\.io "b" is forbidden: user "alice" .* is attempting to grant RBAC permissions not currently held:\n\{APIGroups:\[""\], Resources:\["secrets"\], Verbs:\["get"\]\}/,
  );
  await rbac('roles').create('default', { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name: 'binder', namespace: 'default' }, rules: [{ apiGroups: ['rbac.authorization.k8s.io'], resources: ['clusterroles'], verbs: ['bind'], resourceNames: ['secret-reader'] }] } as never);
  await rbac('rolebindings').create('default', {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'RoleBinding',
    metadata: { name: 'binders', namespace: 'default' },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'binder' },
    subjects: [{ kind: 'User', name: 'alice' }],
  } as never);
  checkEscalation(app.registry.authorizer, app.registry.rbac, { resource: 'rolebindings', operation: 'CREATE', object: binding, user: alice });
});
