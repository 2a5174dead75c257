import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import { after, before, test } from 'node:test';
import { LocalClient } from '../client/local-client.js';
import { createTestApp, type TestApp } from '../testing/test-app.js';
import { setRequestUser } from './authentication.js';
import { authorizeRequest, requestAttributes } from './authorization.js';
import { parseRequestInfo } from './request-info.js';

let app: TestApp;

before(async () => {
  app = await createTestApp();
  const rbac = (resource: string) => new LocalClient(app.registry, app.catalogue, { userAgent: 'test' }).resource('rbac.authorization.k8s.io', 'v1', resource);
  await rbac('roles').create('default', {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'Role',
    metadata: { name: 'exec-get', namespace: 'default' },
    rules: [
      { apiGroups: [''], resources: ['pods/exec'], verbs: ['get'] },
      { apiGroups: [''], resources: ['configmaps'], verbs: ['list'], resourceNames: ['x'] },
    ],
  } as never);
  await rbac('rolebindings').create('default', {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'RoleBinding',
    metadata: { name: 'exec-get', namespace: 'default' },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'exec-get' },
    subjects: [{ kind: 'User', name: 'erin' }],
  } as never);
});

after(() => app.stop());

function judge(method: string, path: string, headers: Record<string, string> = {}): void {
  const req = { method, headers, socket: {} } as unknown as IncomingMessage;
  setRequestUser(req, { username: 'erin', groups: ['system:authenticated'] });
  const url = new URL(path, 'https://kubemu');
  authorizeRequest(app.registry.authorizer, requestAttributes(req, parseRequestInfo(method, url.pathname, url.searchParams.has('watch')), url.pathname, url.searchParams), req);
}

test('a WebSocket exec (a GET) also needs create on pods/exec', () => {
  judge('GET', '/api/v1/namespaces/default/pods/web/exec?command=ls');
  assert.throws(
    () => judge('GET', '/api/v1/namespaces/default/pods/web/exec?command=ls', { upgrade: 'websocket' }),
    /pods "web" is forbidden: User "erin" cannot create resource "pods\/exec" in API group "" in the namespace "default"/,
  );
});

test('a list narrowed to one name by fieldSelector is judged as naming it', () => {
  judge('GET', '/api/v1/namespaces/default/configmaps?fieldSelector=metadata.name%3Dx');
  assert.throws(() => judge('GET', '/api/v1/namespaces/default/configmaps'), /configmaps is forbidden: User "erin" cannot list resource "configmaps"/);
  assert.throws(() => judge('GET', '/api/v1/namespaces/default/configmaps?fieldSelector=metadata.name%3Dy'), /configmaps "y" is forbidden: User "erin" cannot list resource "configmaps"/);
});

test('impersonation: each part needs the impersonate verb; groups without a user are a bad request', async () => {
  const { impersonate } = await import('./impersonation.js');
  const { requestUser } = await import('./authentication.js');
  const asAdmin = (headers: Record<string, string>) => {
    const req = { method: 'GET', headers, socket: {} } as unknown as IncomingMessage;
    setRequestUser(req, { username: 'root', groups: ['system:masters', 'system:authenticated'] });
    impersonate(req, app.registry.authorizer);
    return requestUser(req);
  };
  assert.deepEqual(asAdmin({ 'impersonate-user': 'system:serviceaccount:ci:bot' }), { username: 'system:serviceaccount:ci:bot', groups: ['system:serviceaccounts', 'system:serviceaccounts:ci', 'system:authenticated'] });
  assert.deepEqual(asAdmin({ 'impersonate-user': 'bob', 'impersonate-uid': 'u1', 'impersonate-extra-scope%2Fa': 'x' }), { username: 'bob', uid: 'u1', groups: ['system:authenticated'], extra: { 'scope/a': ['x'] } });
  assert.throws(() => asAdmin({ 'impersonate-group': 'dev' }), /without impersonating a user/);
  const erin = { method: 'GET', headers: { 'impersonate-user': 'erin', 'impersonate-group': 'system:masters' }, socket: {} } as unknown as IncomingMessage;
  setRequestUser(erin, { username: 'erin', groups: ['system:authenticated'] });
  assert.throws(() => impersonate(erin, app.registry.authorizer), /users "erin" is forbidden: User "erin" cannot impersonate resource "users" in API group "" at the cluster scope/);
});
