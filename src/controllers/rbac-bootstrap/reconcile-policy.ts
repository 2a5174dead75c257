// kube-apiserver's rbac/bootstrap-roles post-start hook: the bootstrap policy's cluster roles, the
// kube-system and kube-public roles, and their bindings are made when missing, and reconciled when present unless annotated
// rbac.authorization.kubernetes.io/autoupdate: "false" — missing rules, labels, annotations,
// aggregation selectors and subjects are added, nothing a user added is taken away; a binding
// whose roleRef changed is made again (roleRef cannot be updated).
import { isAlreadyExists, isNotFound, type LocalClient, type ResourceClient } from '../../client/local-client.js';
import type { KubeObject } from '../../machinery/object.js';
import type { PolicyRule } from '../../machinery/api-types.js';
import { clusterRoleBindings, clusterRoles, namespacedRoleBindings, namespacedRoles, type BootstrapBinding, type BootstrapClusterRole } from './bootstrap-policy.js';

const autoupdate = 'rbac.authorization.kubernetes.io/autoupdate';
const bootstrapLabels = { 'kubernetes.io/bootstrapping': 'rbac-defaults' };
const group = 'rbac.authorization.k8s.io';

interface RoleObject extends KubeObject {
  rules?: PolicyRule[] | null;
  aggregationRule?: { clusterRoleSelectors?: { matchLabels?: Record<string, string> }[] };
}

interface BindingObject extends KubeObject {
  roleRef?: { apiGroup: string; kind: string; name: string };
  subjects?: { kind: string; name: string; namespace?: string; apiGroup?: string }[] | null;
}

export async function reconcileBootstrapPolicy(client: LocalClient): Promise<{ created: number; updated: number }> {
  const counts = { created: 0, updated: 0 };
  // Each object is its own: they are reconciled side by side (a first start writes ~100 of them).
  const roles = client.resource<RoleObject>(group, 'v1', 'clusterroles');
  const nsRoles = client.resource<RoleObject>(group, 'v1', 'roles');
  const bindings = client.resource<BindingObject>(group, 'v1', 'clusterrolebindings');
  const nsBindings = client.resource<BindingObject>(group, 'v1', 'rolebindings');
  await Promise.all([
    ...clusterRoles.map((role) => reconcileRole(roles, undefined, roleObject(role), counts)),
    ...namespacedRoles.map((role) => reconcileRole(nsRoles, role.namespace, roleObject(role, role.namespace), counts)),
    ...clusterRoleBindings.map((binding) => reconcileBinding(bindings, undefined, bindingObject(binding), counts)),
    ...namespacedRoleBindings.map((binding) => reconcileBinding(nsBindings, binding.namespace, bindingObject(binding, binding.namespace), counts)),
  ]);
  return counts;
}

type Counts = { created: number; updated: number };

async function reconcileRole(roles: ResourceClient<RoleObject>, namespace: string | undefined, wanted: RoleObject, counts: Counts): Promise<void> {
  const name = wanted.metadata!.name!;
  const existing = await roles.find(namespace, name);
  if (!existing) return createIgnoringRace(() => roles.create(namespace, wanted), counts);
  if (existing.metadata?.annotations?.[autoupdate] === 'false') return;
  // What is missing is found first, by key, and the object copied only when something is: a
  // restart finds every role complete, and comparing each wanted rule with every rule held (and
  // copying each role) was most of this hook's ~10 ms there.
  const missingMetadata = lacksMetadata(existing, wanted);
  let missingSelectors: NonNullable<NonNullable<RoleObject['aggregationRule']>['clusterRoleSelectors']> = [];
  let missingRules: PolicyRule[] = [];
  if (wanted.aggregationRule) {
    missingSelectors = missingItems(existing.aggregationRule?.clusterRoleSelectors ?? [], wanted.aggregationRule.clusterRoleSelectors ?? [], (s) => JSON.stringify(s));
  } else {
    missingRules = missingItems(existing.rules ?? [], wanted.rules ?? [], ruleKey);
  }
  if (!missingMetadata && missingSelectors.length === 0 && missingRules.length === 0) return;
  const next = structuredClone(existing);
  mergeMetadata(next, wanted);
  if (wanted.aggregationRule) ((next.aggregationRule ??= { clusterRoleSelectors: [] }).clusterRoleSelectors ??= []).push(...missingSelectors);
  else (next.rules ??= []).push(...missingRules);
  await roles.update(namespace, next);
  counts.updated++;
}

/** The wanted items whose key none of `have` (nor an earlier wanted item) has, in order. */
function missingItems<T>(have: readonly T[], wanted: readonly T[], key: (item: T) => string): T[] {
  const keys = new Set(have.map(key));
  const missing: T[] = [];
  for (const item of wanted) {
    const k = key(item);
    if (keys.has(k)) continue;
    keys.add(k);
    missing.push(item);
  }
  return missing;
}

async function reconcileBinding(bindings: ResourceClient<BindingObject>, namespace: string | undefined, wanted: BindingObject, counts: Counts): Promise<void> {
  const name = wanted.metadata!.name!;
  const existing = await bindings.find(namespace, name);
  if (!existing) return createIgnoringRace(() => bindings.create(namespace, wanted), counts);
  if (existing.metadata?.annotations?.[autoupdate] === 'false') return;
  if (existing.roleRef?.kind !== wanted.roleRef!.kind || existing.roleRef.name !== wanted.roleRef!.name) {
    // roleRef is immutable: the binding is made again, with the subjects it had.
    const subjects = [...(existing.subjects ?? [])];
    for (const s of wanted.subjects ?? []) if (!subjects.some((h) => sameSubject(h, s))) subjects.push(s);
    try {
      await bindings.delete(namespace, name);
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
    return createIgnoringRace(() => bindings.create(namespace, { ...wanted, subjects }), counts);
  }
  const missingSubjects = missingItems(existing.subjects ?? [], wanted.subjects ?? [], subjectKey);
  if (!lacksMetadata(existing, wanted) && missingSubjects.length === 0) return;
  const next = structuredClone(existing);
  mergeMetadata(next, wanted);
  (next.subjects ??= []).push(...missingSubjects);
  await bindings.update(namespace, next);
  counts.updated++;
}

async function createIgnoringRace(create: () => Promise<unknown>, counts: Counts): Promise<void> {
  try {
    await create();
    counts.created++;
  } catch (err) {
    if (!isAlreadyExists(err)) throw err;
  }
}

function roleObject(role: BootstrapClusterRole, namespace?: string): RoleObject {
  const obj: RoleObject = {
    apiVersion: `${group}/v1`,
    kind: namespace === undefined ? 'ClusterRole' : 'Role',
    metadata: { name: role.name, ...(namespace === undefined ? {} : { namespace }), labels: { ...bootstrapLabels, ...role.labels }, annotations: { [autoupdate]: 'true' } },
    rules: role.rules,
  };
  if (role.aggregateFrom) obj.aggregationRule = { clusterRoleSelectors: [{ matchLabels: { [`rbac.authorization.k8s.io/aggregate-to-${role.aggregateFrom}`]: 'true' } }] };
  return obj;
}

function bindingObject(b: BootstrapBinding, namespace?: string): BindingObject {
  return {
    apiVersion: `${group}/v1`,
    kind: namespace === undefined ? 'ClusterRoleBinding' : 'RoleBinding',
    metadata: { name: b.name, ...(namespace === undefined ? {} : { namespace }), labels: { ...bootstrapLabels }, annotations: { [autoupdate]: 'true' } },
    roleRef: { apiGroup: group, kind: namespace === undefined ? 'ClusterRole' : 'Role', name: b.role },
    subjects: b.subjects.map((s) => (s.kind === 'ServiceAccount' ? { kind: s.kind, name: s.name, namespace: s.namespace } : { apiGroup: group, kind: s.kind, name: s.name })),
  };
}

/** True when `existing` lacks a label or annotation key `wanted` has (mergeMetadata would add it). */
function lacksMetadata(existing: KubeObject, wanted: KubeObject): boolean {
  for (const field of ['labels', 'annotations'] as const) {
    const have = (existing.metadata?.[field] ?? {}) as Record<string, string>;
    for (const k of Object.keys((wanted.metadata?.[field] ?? {}) as Record<string, string>)) if (!(k in have)) return true;
  }
  return false;
}

function mergeMetadata(next: KubeObject, wanted: KubeObject): void {
  const meta = (next.metadata ??= {});
  for (const field of ['labels', 'annotations'] as const) {
    const have = (meta[field] ??= {}) as Record<string, string>;
    for (const [k, v] of Object.entries((wanted.metadata?.[field] ?? {}) as Record<string, string>)) {
      if (!(k in have)) have[k] = v;
    }
  }
}

/** Rules with the same verbs, groups, resources, names and URLs (in the same order) are the same rule. */
function ruleKey(r: PolicyRule): string {
  return JSON.stringify([r.verbs ?? [], r.apiGroups ?? [], r.resources ?? [], r.resourceNames ?? [], r.nonResourceURLs ?? []]);
}

function sameSubject(a: { kind: string; name: string; namespace?: string }, b: { kind: string; name: string; namespace?: string }): boolean {
  return a.kind === b.kind && a.name === b.name && (a.namespace ?? '') === (b.namespace ?? '');
}

function subjectKey(s: { kind: string; name: string; namespace?: string }): string {
  return JSON.stringify([s.kind, s.name, s.namespace ?? '']);
}
