import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fieldErrorString, type FieldError } from '../../apierrors/field-errors.js';
import {
  validateClusterRole,
  validateClusterRoleBinding,
  validateClusterRoleBindingUpdate,
  validateRole,
  validateRoleBinding,
  validateRoleBindingUpdate,
} from './rbac.js';

const render = (errs: FieldError[]) => errs.map(fieldErrorString);

test('role: rules', () => {
  assert.deepEqual(render(validateRole({ rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get', 'list'] }] })), []);
  assert.deepEqual(render(validateRole({ rules: [{ apiGroups: [], resources: [], verbs: [] }] })), [
    'rules[0].verbs: Required value: verbs must contain at least one value',
    'rules[0].apiGroups: Required value: resource rules must supply at least one api group',
    'rules[0].resources: Required value: resource rules must supply at least one resource',
  ]);
  assert.deepEqual(render(validateRole({ rules: [{ nonResourceURLs: ['/healthz'], verbs: ['get'] }] })), [
    'rules[0].nonResourceURLs: Invalid value: ["/healthz"]: namespaced rules cannot apply to non-resource URLs',
  ]);
});

test('clusterrole: non-resource URLs and aggregation', () => {
  assert.deepEqual(render(validateClusterRole({ rules: [{ nonResourceURLs: ['/metrics'], verbs: ['get'] }] })), []);
  assert.deepEqual(render(validateClusterRole({ rules: [{ nonResourceURLs: ['/metrics'], resources: ['pods'], verbs: ['get'] }] })), [
    'rules[0].nonResourceURLs: Invalid value: ["/metrics"]: rules cannot apply to both regular resources and non-resource URLs',
  ]);
  assert.deepEqual(render(validateClusterRole({ aggregationRule: { clusterRoleSelectors: [] } })), [
    'aggregationRule.clusterRoleSelectors: Required value: at least one clusterRoleSelector required if aggregationRule is non-nil',
  ]);
});

const binding = {
  roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'reader' },
  subjects: [
    { kind: 'ServiceAccount', name: 'default', namespace: 'default' },
    { kind: 'User', apiGroup: 'rbac.authorization.k8s.io', name: 'jane' },
    { kind: 'Group', apiGroup: 'rbac.authorization.k8s.io', name: 'system:masters' },
  ],
};

test('rolebinding: roleRef and subjects', () => {
  assert.deepEqual(render(validateRoleBinding(binding)), []);
  assert.deepEqual(
    render(
      validateRoleBinding({
        roleRef: { apiGroup: 'rbac', kind: 'Deployment', name: '' },
        subjects: [{ kind: 'Robot', name: 'r2' }, { kind: 'User', name: '' }, { kind: 'ServiceAccount', apiGroup: 'v1', name: 'Bad_SA' }],
      }),
    ),
    [
      'roleRef.apiGroup: Unsupported value: "rbac": supported values: "rbac.authorization.k8s.io"',
      'roleRef.kind: Unsupported value: "Deployment": supported values: "Role", "ClusterRole"',
      'roleRef.name: Required value',
      'subjects[0].kind: Unsupported value: "Robot": supported values: "ServiceAccount", "User", "Group"',
      'subjects[1].name: Required value',
      'subjects[1].apiGroup: Unsupported value: "": supported values: "rbac.authorization.k8s.io"',
      "subjects[2].name: Invalid value: \"Bad_SA\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
      'subjects[2].apiGroup: Unsupported value: "v1": supported values: ""',
    ],
  );
});

test('clusterrolebinding: only ClusterRoles, service accounts need a namespace', () => {
  const crb = { roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'x' }, subjects: [{ kind: 'ServiceAccount', name: 'default' }] };
  assert.deepEqual(render(validateClusterRoleBinding(crb)), [
    'roleRef.kind: Unsupported value: "Role": supported values: "ClusterRole"',
    'subjects[0].namespace: Required value',
  ]);
});

test('bindings: roleRef is immutable', () => {
  const changed = { ...binding, roleRef: { ...binding.roleRef, name: 'writer' } };
  assert.deepEqual(render(validateRoleBindingUpdate(changed, binding)), [
    'roleRef: Invalid value: {"apiGroup":"rbac.authorization.k8s.io","kind":"Role","name":"writer"}: cannot change roleRef',
  ]);
  const crb = { roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'view' }, subjects: [] };
  assert.deepEqual(render(validateClusterRoleBindingUpdate({ ...crb, subjects: [{ kind: 'Group', apiGroup: 'rbac.authorization.k8s.io', name: 'devs' }] }, crb)), []);
});
