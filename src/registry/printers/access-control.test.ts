import { test } from 'node:test';
import assert from 'node:assert/strict';
import { certificateSigningRequestPrinter, clusterRoleBindingPrinter, roleBindingPrinter } from './access-control.js';

const now = new Date('2024-05-01T12:00:00Z');
const meta = (name: string) => ({ name, creationTimestamp: '2024-05-01T11:40:00Z' });

test('role bindings list their subjects by kind', () => {
  const binding = {
    metadata: meta('editors'),
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'edit' },
    subjects: [
      { kind: 'User', name: 'alice' },
      { kind: 'Group', name: 'devs' },
      { kind: 'ServiceAccount', namespace: 'ci', name: 'deployer' },
      { kind: 'User', name: 'bob' },
    ],
  };
  assert.deepEqual(roleBindingPrinter.cells(binding, now), ['editors', 'ClusterRole/edit', '20m', 'alice, bob', 'devs', 'ci/deployer']);
  assert.deepEqual(
    clusterRoleBindingPrinter.cells({ metadata: meta('cluster-admin'), roleRef: { kind: 'ClusterRole', name: 'cluster-admin' }, subjects: [{ kind: 'Group', name: 'system:masters' }] }, now),
    ['cluster-admin', 'ClusterRole/cluster-admin', '20m', '', 'system:masters', ''],
  );
});

test('certificate signing requests', () => {
  const pending = {
    metadata: meta('csr-alice'),
    spec: { signerName: 'kubernetes.io/kube-apiserver-client', username: 'kubernetes-admin', expirationSeconds: 86400, request: 'LS0t', usages: ['client auth'] },
  };
  assert.deepEqual(certificateSigningRequestPrinter.cells(pending, now), [
    'csr-alice', '20m', 'kubernetes.io/kube-apiserver-client', 'kubernetes-admin', '24h', 'Pending',
  ]);
  const cases: Array<[any, string]> = [
    [{ conditions: [{ type: 'Approved', status: 'True' }], certificate: 'LS0t' }, 'Approved,Issued'],
    [{ conditions: [{ type: 'Approved', status: 'True' }, { type: 'Failed', status: 'True' }] }, 'Approved,Failed'],
    [{ conditions: [{ type: 'Approved', status: 'True' }, { type: 'Denied', status: 'True' }] }, 'Denied'],
  ];
  for (const [status, expected] of cases) {
    assert.equal(certificateSigningRequestPrinter.cells({ ...pending, status }, now)[5], expected);
  }
  assert.deepEqual(certificateSigningRequestPrinter.cells({ metadata: meta('x'), spec: { username: 'u' } }, now).slice(2, 5), ['<none>', 'u', '<none>']);
});
