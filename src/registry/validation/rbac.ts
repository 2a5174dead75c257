// Roles, ClusterRoles and their bindings (pkg/apis/rbac/validation).
import type { FieldError } from '../../apierrors/field-errors.js';
import { field } from '../../apierrors/field-errors.js';
import { child, index } from './field-path.js';
import { isValidPathSegmentName } from './formats.js';
import { list, record, recordOrEmpty, str } from './json-value.js';
import { labelSelectorAsSelector, pushLabelSelector } from './labels.js';
import { nameValidators } from './name-validators.js';
import { semanticEqual } from './semantic-equal.js';

const RBAC_GROUP = 'rbac.authorization.k8s.io';

function pushPolicyRules(errs: FieldError[], rules: unknown, namespaced: boolean): void {
  const items = list(rules);
  for (let i = 0; i < items.length; i++) {
    const rule = recordOrEmpty(items[i]);
    const p = index('rules', i);
    if (list(rule.verbs).length === 0) errs.push(field.required(child(p, 'verbs'), 'verbs must contain at least one value'));
    const urls = list(rule.nonResourceURLs);
    if (urls.length > 0) {
      if (namespaced) errs.push(field.invalid(child(p, 'nonResourceURLs'), urls, 'namespaced rules cannot apply to non-resource URLs'));
      if (list(rule.apiGroups).length > 0 || list(rule.resources).length > 0 || list(rule.resourceNames).length > 0) {
        errs.push(field.invalid(child(p, 'nonResourceURLs'), urls, 'rules cannot apply to both regular resources and non-resource URLs'));
      }
      continue;
    }
    if (list(rule.apiGroups).length === 0) errs.push(field.required(child(p, 'apiGroups'), 'resource rules must supply at least one api group'));
    if (list(rule.resources).length === 0) errs.push(field.required(child(p, 'resources'), 'resource rules must supply at least one resource'));
  }
}

export function validateRole(obj: unknown): FieldError[] {
  const errs: FieldError[] = [];
  pushPolicyRules(errs, recordOrEmpty(obj).rules, true);
  return errs;
}

export function validateClusterRole(obj: unknown): FieldError[] {
  const role = recordOrEmpty(obj);
  const errs: FieldError[] = [];
  pushPolicyRules(errs, role.rules, false);
  const aggregation = record(role.aggregationRule);
  if (aggregation) {
    const selectors = list(aggregation.clusterRoleSelectors);
    if (selectors.length === 0) {
      errs.push(field.required('aggregationRule.clusterRoleSelectors', 'at least one clusterRoleSelector required if aggregationRule is non-nil'));
    }
    for (let i = 0; i < selectors.length; i++) {
      const p = index('aggregationRule.clusterRoleSelectors', i);
      pushLabelSelector(errs, selectors[i], p);
      if (!labelSelectorAsSelector(selectors[i])) errs.push(field.invalid(p, selectors[i], 'invalid label selector.'));
    }
  }
  return errs;
}

function pushSubjects(errs: FieldError[], subjects: unknown, namespacedBinding: boolean): void {
  const items = list(subjects);
  for (let i = 0; i < items.length; i++) {
    const s = recordOrEmpty(items[i]);
    const p = index('subjects', i);
    const name = str(s.name);
    const apiGroup = str(s.apiGroup);
    if (name === '') errs.push(field.required(child(p, 'name'), ''));
    switch (str(s.kind)) {
      case 'ServiceAccount':
        if (name !== '') for (const msg of nameValidators.dnsSubdomain(name, false)) errs.push(field.invalid(child(p, 'name'), name, msg));
        if (apiGroup !== '') errs.push(field.notSupported(child(p, 'apiGroup'), apiGroup, ['']));
        if (!namespacedBinding && str(s.namespace) === '') errs.push(field.required(child(p, 'namespace'), ''));
        break;
      case 'User':
      case 'Group':
        if (apiGroup !== RBAC_GROUP) errs.push(field.notSupported(child(p, 'apiGroup'), apiGroup, [RBAC_GROUP]));
        break;
      default:
        errs.push(field.notSupported(child(p, 'kind'), str(s.kind), ['ServiceAccount', 'User', 'Group']));
    }
  }
}

function pushBinding(errs: FieldError[], binding: Record<string, unknown>, allowedKinds: string[], namespaced: boolean): void {
  const ref = recordOrEmpty(binding.roleRef);
  const apiGroup = str(ref.apiGroup);
  if (apiGroup !== RBAC_GROUP) errs.push(field.notSupported('roleRef.apiGroup', apiGroup, [RBAC_GROUP]));
  const kind = str(ref.kind);
  if (!allowedKinds.includes(kind)) errs.push(field.notSupported('roleRef.kind', kind, allowedKinds));
  const name = str(ref.name);
  if (name === '') errs.push(field.required('roleRef.name', ''));
  else for (const msg of isValidPathSegmentName(name)) errs.push(field.invalid('roleRef.name', name, msg));
  pushSubjects(errs, binding.subjects, namespaced);
}

export function validateRoleBinding(obj: unknown): FieldError[] {
  const errs: FieldError[] = [];
  pushBinding(errs, recordOrEmpty(obj), ['Role', 'ClusterRole'], true);
  return errs;
}

export function validateClusterRoleBinding(obj: unknown): FieldError[] {
  const errs: FieldError[] = [];
  pushBinding(errs, recordOrEmpty(obj), ['ClusterRole'], false);
  return errs;
}

function pushRoleRefUnchanged(errs: FieldError[], obj: unknown, old: unknown): void {
  const ref = recordOrEmpty(obj).roleRef;
  if (!semanticEqual(ref, recordOrEmpty(old).roleRef)) errs.push(field.invalid('roleRef', ref ?? null, 'cannot change roleRef'));
}

export function validateRoleBindingUpdate(obj: unknown, old: unknown): FieldError[] {
  const errs = validateRoleBinding(obj);
  pushRoleRefUnchanged(errs, obj, old);
  return errs;
}

export function validateClusterRoleBindingUpdate(obj: unknown, old: unknown): FieldError[] {
  const errs = validateClusterRoleBinding(obj);
  pushRoleRefUnchanged(errs, obj, old);
  return errs;
}
