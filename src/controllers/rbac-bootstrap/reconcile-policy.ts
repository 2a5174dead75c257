// kube-apiserver's rbac/bootstrap-roles post-start hook: the bootstrap policy's cluster roles and
// bindings are made when missing, and reconciled when present unless annotated
// rbac.authorization.kubernetes.io/autoupdate: "false" — missing rules, labels, annotations,
// aggregation selectors and subjects are added, nothing a user added is taken away; a binding
// whose roleRef changed is made again (roleRef cannot be updated).
import { isAlreadyExists, isNotFound, type LocalClient } from '../../client/local-client.js';
import type { KubeObject } from '../../machinery/object.js';
import type { PolicyRule } from '../../registry/rbac/policy-rules.js';
import { clusterRoleBindings, clusterRoles, type BootstrapBinding, type BootstrapClusterRole } from './bootstrap-policy.js';

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
  const roles = client.resource<RoleObject>(group, 'v1', 'clusterroles');
  for (const role of clusterRoles) {
    const wanted = roleObject(role);
    const existing = await roles.find(undefined, role.name);
    if (!existing) {
      await createIgnoringRace(() => roles.create(undefined, wanted), counts);
      continue;
    }
    if (existing.metadata?.annotations?.[autoupdate] === 'false') continue;
    const next = structuredClone(existing);
    let changed = mergeMetadata(next, wanted);
    if (wanted.aggregationRule) {
      const selectors = (next.aggregationRule ??= { clusterRoleSelectors: [] }).clusterRoleSelectors ??= [];
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
      await roles.update(undefined, next);
      counts.updated++;
    }
  }
  const bindings = client.resource<BindingObject>(group, 'v1', 'clusterrolebindings');
  for (const binding of clusterRoleBindings) {
    const wanted = bindingObject(binding);
    const existing = await bindings.find(undefined, binding.name);
    if (!existing) {
      await createIgnoringRace(() => bindings.create(undefined, wanted), counts);
      continue;
    }
    if (existing.metadata?.annotations?.[autoupdate] === 'false') continue;
    if (existing.roleRef?.kind !== 'ClusterRole' || existing.roleRef.name !== binding.role) {
      // roleRef is immutable: the binding is made again, with the subjects it had.
      const subjects = [...(existing.subjects ?? [])];
      for (const s of wanted.subjects ?? []) if (!subjects.some((h) => sameSubject(h, s))) subjects.push(s);
      try {
        await bindings.delete(undefined, binding.name);
      } catch (err) {
        if (!isNotFound(err)) throw err;
      }
      await createIgnoringRace(() => bindings.create(undefined, { ...wanted, subjects }), counts);
      continue;
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
      await bindings.update(undefined, next);
      counts.updated++;
    }
  }
  return counts;
}

async function createIgnoringRace(create: () => Promise<unknown>, counts: { created: number }): Promise<void> {
  try {
    await create();
    counts.created++;
  } catch (err) {
    if (!isAlreadyExists(err)) throw err;
  }
}

function roleObject(role: BootstrapClusterRole): RoleObject {
  const obj: RoleObject = {
    apiVersion: `${group}/v1`,
    kind: 'ClusterRole',
    metadata: { name: role.name, labels: { ...bootstrapLabels, ...role.labels }, annotations: { [autoupdate]: 'true' } },
    rules: role.rules,
  };
  if (role.aggregateFrom) obj.aggregationRule = { clusterRoleSelectors: [{ matchLabels: { [`rbac.authorization.k8s.io/aggregate-to-${role.aggregateFrom}`]: 'true' } }] };
  return obj;
}

function bindingObject(b: BootstrapBinding): BindingObject {
  return {
    apiVersion: `${group}/v1`,
    kind: 'ClusterRoleBinding',
    metadata: { name: b.name, labels: { ...bootstrapLabels }, annotations: { [autoupdate]: 'true' } },
    roleRef: { apiGroup: group, kind: 'ClusterRole', name: b.role },
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
