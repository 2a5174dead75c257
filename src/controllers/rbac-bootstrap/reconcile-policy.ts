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
  const next = structuredClone(existing);
  let changed = mergeMetadata(next, wanted);
  if (wanted.aggregationRule) {
    const selectors = ((next.aggregationRule ??= { clusterRoleSelectors: [] }).clusterRoleSelectors ??= []);
    for (const s of wanted.aggregationRule.clusterRoleSelectors ?? []) {
      if (!selectors.some((have) => JSON.stringify(have) === JSON.stringify(s))) {
        selectors.push(s);
        changed = true;
      }
    }
  } else {
    const rules = (next.rules ??= []);
    for (const r of wanted.rules ?? []) {
      if (!rules.some((have) => sameRule(have, r))) {
        rules.push(r);
        changed = true;
      }
    }
  }
  if (changed) {
    await roles.update(namespace, next);
    counts.updated++;
  }
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
  const next = structuredClone(existing);
  let changed = mergeMetadata(next, wanted);
  const subjects = (next.subjects ??= []);
  for (const s of wanted.subjects ?? []) {
    if (!subjects.some((h) => sameSubject(h, s))) {
      subjects.push(s);
      changed = true;
    }
  }
  if (changed) {
    await bindings.update(namespace, next);
    counts.updated++;
  }
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

function mergeMetadata(next: KubeObject, wanted: KubeObject): boolean {
  let changed = false;
  const meta = (next.metadata ??= {});
  for (const field of ['labels', 'annotations'] as const) {
    const have = (meta[field] ??= {}) as Record<string, string>;
    for (const [k, v] of Object.entries((wanted.metadata?.[field] ?? {}) as Record<string, string>)) {
      if (!(k in have)) {
        have[k] = v;
        changed = true;
      }
    }
  }
  return changed;
}

function sameRule(a: PolicyRule, b: PolicyRule): boolean {
  const key = (r: PolicyRule) => JSON.stringify([r.verbs ?? [], r.apiGroups ?? [], r.resources ?? [], r.resourceNames ?? [], r.nonResourceURLs ?? []]);
  return key(a) === key(b);
}

function sameSubject(a: { kind: string; name: string; namespace?: string }, b: { kind: string; name: string; namespace?: string }): boolean {
  return a.kind === b.kind && a.name === b.name && (a.namespace ?? '') === (b.namespace ?? '');
}
