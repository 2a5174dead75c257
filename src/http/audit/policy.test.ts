import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AuditPolicyError, evaluatePolicy, parseAuditPolicy, type AuditAttributes } from './policy.js';

const policy = parseAuditPolicy({
  apiVersion: 'audit.k8s.io/v1',
  kind: 'Policy',
  omitStages: ['RequestReceived'],
  rules: [
    { level: 'None', users: ['system:kube-proxy'], verbs: ['watch'] },
    { level: 'None', nonResourceURLs: ['/healthz*', '/version'] },
    { level: 'Metadata', resources: [{ group: '', resources: ['secrets', 'configmaps'] }], namespaces: ['kube-system'] },
    { level: 'RequestResponse', resources: [{ group: '', resources: ['pods/log', 'pods/status'] }] },
    { level: 'Request', resources: [{ group: 'apps', resources: ['*/scale'] }], omitStages: ['ResponseStarted'] },
    { level: 'Request', resources: [{ group: '', resources: ['configmaps'], resourceNames: ['controller-leader'] }] },
    { level: 'Metadata', userGroups: ['system:serviceaccounts'] },
    { level: 'RequestResponse', resources: [{ group: 'rbac.authorization.k8s.io' }] },
  ],
});

const admin = { username: 'admin', groups: ['system:masters', 'system:authenticated'] };
const at = (attrs: Partial<AuditAttributes>): AuditAttributes => ({ user: admin, verb: 'get', path: '/api', ...attrs });
const level = (attrs: Partial<AuditAttributes>) => evaluatePolicy(policy, at(attrs)).level;

test('the first matching rule decides the level; nothing matching is None', () => {
  assert.equal(level({ user: { username: 'system:kube-proxy', groups: [] }, verb: 'watch', resource: { group: '', resource: 'endpoints' } }), 'None');
  assert.equal(level({ path: '/healthz/etcd' }), 'None');
  assert.equal(level({ path: '/version' }), 'None');
  assert.equal(level({ path: '/versions' }), 'None', 'no rule for this URL');
  assert.equal(level({ resource: { group: '', resource: 'secrets', namespace: 'kube-system' } }), 'Metadata');
  assert.equal(level({ resource: { group: '', resource: 'secrets', namespace: 'default' } }), 'None');
  assert.equal(level({ resource: { group: '', resource: 'pods', subresource: 'log', namespace: 'default' } }), 'RequestResponse');
  assert.equal(level({ resource: { group: '', resource: 'pods', namespace: 'default' } }), 'None', 'pods/log does not match pods');
  assert.equal(level({ resource: { group: 'apps', resource: 'deployments', subresource: 'scale' } }), 'Request');
  assert.equal(level({ resource: { group: 'apps', resource: 'deployments' } }), 'None');
  assert.equal(level({ resource: { group: '', resource: 'configmaps', namespace: 'default', name: 'controller-leader' } }), 'Request');
  assert.equal(level({ resource: { group: '', resource: 'configmaps', namespace: 'default', name: 'other' } }), 'None');
  assert.equal(level({ user: { username: 'system:serviceaccount:a:b', groups: ['system:serviceaccounts'] }, path: '/apis' }), 'Metadata');
  assert.equal(level({ resource: { group: 'rbac.authorization.k8s.io', resource: 'roles' } }), 'RequestResponse');
});

test('omitted stages: the policy-wide ones and the rule’s own', () => {
  const scale = evaluatePolicy(policy, at({ resource: { group: 'apps', resource: 'deployments', subresource: 'scale' } }));
  assert.deepEqual([...scale.omitStages].sort(), ['RequestReceived', 'ResponseStarted']);
  const log = evaluatePolicy(policy, at({ resource: { group: '', resource: 'pods', subresource: 'log' } }));
  assert.deepEqual([...log.omitStages], ['RequestReceived']);
});

test('omitManagedFields: the rule’s own setting, else the policy’s', () => {
  const p = parseAuditPolicy({
    apiVersion: 'audit.k8s.io/v1',
    kind: 'Policy',
    omitManagedFields: true,
    rules: [{ level: 'Request', verbs: ['create'], omitManagedFields: false }, { level: 'Request' }],
  });
  assert.equal(evaluatePolicy(p, at({ verb: 'create' })).omitManagedFields, false);
  assert.equal(evaluatePolicy(p, at({ verb: 'update' })).omitManagedFields, true);
  assert.equal(evaluatePolicy(policy, at({})).omitManagedFields, false);
});

test('"resource/*" matches every subresource, "*" everything of the group', () => {
  const p = parseAuditPolicy({ apiVersion: 'audit.k8s.io/v1', kind: 'Policy', rules: [{ level: 'Request', resources: [{ group: '', resources: ['pods/*'] }] }] });
  assert.equal(evaluatePolicy(p, at({ resource: { group: '', resource: 'pods', subresource: 'exec' } })).level, 'Request');
  assert.equal(evaluatePolicy(p, at({ resource: { group: '', resource: 'pods' } })).level, 'None');
  const all = parseAuditPolicy({ apiVersion: 'audit.k8s.io/v1', kind: 'Policy', rules: [{ level: 'Request', resources: [{ group: '', resources: ['*'] }] }] });
  assert.equal(evaluatePolicy(all, at({ resource: { group: '', resource: 'pods', subresource: 'exec' } })).level, 'Request');
});

test('a policy that is not one is refused with what is wrong', () => {
  const refuse = (doc: unknown, message: RegExp) => assert.throws(() => parseAuditPolicy(doc), (err: unknown) => err instanceof AuditPolicyError && message.test(err.message));
  refuse({ apiVersion: 'audit.k8s.io/v1beta1', kind: 'Policy', rules: [{ level: 'None' }] }, /apiVersion must be audit.k8s.io\/v1/);
  refuse({ apiVersion: 'audit.k8s.io/v1', kind: 'Policy', rules: [{ level: 'Everything' }] }, /rules\[0\]\.level: Unsupported value: "Everything"/);
  refuse({ apiVersion: 'audit.k8s.io/v1', kind: 'Policy', rules: [{ level: 'None', omitStages: ['Later'] }] }, /omitStages: Unsupported value: "Later"/);
  refuse({ apiVersion: 'audit.k8s.io/v1', kind: 'Policy', rules: [{ level: 'None', nonResourceURLs: ['/x'], namespaces: ['a'] }] }, /both regular resources and non-resource URLs/);
  refuse('level: None', /is not an audit.k8s.io\/v1 Policy/);
  refuse({ apiVersion: 'audit.k8s.io/v1', kind: 'Policy', rules: [{ level: 'None', namespace: ['a'] }] }, /rules\[0\]: unknown field "namespace"/);
  refuse({ apiVersion: 'audit.k8s.io/v1', kind: 'Policy', rules: [{ level: 'None', resources: [{ group: '', resource: ['pods'] }] }] }, /resources\[0\]: unknown field "resource"/);
  refuse({ apiVersion: 'audit.k8s.io/v1', kind: 'Policy', omitManagedFields: 'yes', rules: [{ level: 'None' }] }, /omitManagedFields must be true or false/);
});
