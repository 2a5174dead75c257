// rbac.authorization.k8s.io/v1 defaults: k8s.io/kubernetes pkg/apis/rbac/v1/defaults.go (1.36).
import { isEmptyString, structField, type DefaultsTable, type JsonMap } from './types.js';

const rbacGroup = 'rbac.authorization.k8s.io';

function roleRefGroup(binding: JsonMap): void {
  const roleRef = structField(binding, 'roleRef');
  if (isEmptyString(roleRef['apiGroup'])) roleRef['apiGroup'] = rbacGroup;
}

function subject(s: JsonMap): void {
  if (!isEmptyString(s['apiGroup'])) return;
  // ServiceAccounts live in the core group ("" stays ""); users and groups are RBAC names.
  if (s['kind'] === 'User' || s['kind'] === 'Group') s['apiGroup'] = rbacGroup;
}

export const rbacV1Defaults: DefaultsTable = {
  'io.k8s.api.rbac.v1.RoleBinding': { apply: roleRefGroup },
  'io.k8s.api.rbac.v1.ClusterRoleBinding': { apply: roleRefGroup },
  'io.k8s.api.rbac.v1.Subject': { apply: subject },
};
