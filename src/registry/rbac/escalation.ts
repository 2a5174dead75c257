// Privilege-escalation prevention on RBAC writes (kube-apiserver's policybased role and binding
// storage): a user may write a role only with rules they already hold, unless they may
// `escalate` roles; and may bind a role only when they hold all of its rules, unless they may
// `bind` it. system:masters may do both. The refusal lists the rules not held, compacted and
// worded as rbacv1helpers.CompactString writes them.
import { badRequest, forbidden, type ApiError } from '../../apierrors/index.js';
import type { KubeObject } from '../../machinery/object.js';
import type { UserInfo } from './attributes.js';
import { systemMasters } from './attributes.js';
import type { Authorizer } from './authorizer.js';
import type { PolicyRule } from './policy-rules.js';
import type { RbacIndex, RoleRef } from './rbac-index.js';
import { rbacGroup } from './rbac-index.js';

type Atom = { apiGroup: string; resource: string; verb: string; name?: string } | { url: string; verb: string };

export interface EscalationCheck {
  resource: 'roles' | 'clusterroles' | 'rolebindings' | 'clusterrolebindings';
  operation: 'CREATE' | 'UPDATE';
  object: KubeObject;
  user: UserInfo;
}

export function checkEscalation(authorizer: Authorizer, index: RbacIndex, check: EscalationCheck): void {
  const { resource, object, user } = check;
  if (user.groups.includes(systemMasters)) return;
  const namespace = object.metadata?.namespace || undefined;
  const name = object.metadata?.name ?? '';
  const gr = { group: rbacGroup, resource };
  if (resource === 'roles' || resource === 'clusterroles') {
    const escalate = authorizer.authorize({
      user,
      resourceRequest: true,
      resource: { verb: 'escalate', apiGroup: rbacGroup, resource, namespace, name: check.operation === 'UPDATE' ? name : undefined },
    });
    if (escalate.allowed) return;
    if (resource === 'clusterroles' && object.aggregationRule) {
      // An aggregation rule can gather anything: it takes every permission.
      const missing = uncovered(authorizer.heldRules(user, undefined).rules, [{ apiGroups: ['*'], resources: ['*'], verbs: ['*'] }, { nonResourceURLs: ['*'], verbs: ['*'] }]);
      if (missing.length) throw forbidden(gr, name, 'must have cluster-admin privileges to use the aggregationRule');
    }
    confirmNoEscalation(authorizer, user, namespace, (object.rules as PolicyRule[] | undefined) ?? [], gr, name);
    return;
  }
  const ref = (object.roleRef ?? {}) as RoleRef;
  const refResource = ref.kind === 'ClusterRole' ? 'clusterroles' : 'roles';
  const bind = authorizer.authorize({ user, resourceRequest: true, resource: { verb: 'bind', apiGroup: rbacGroup, resource: refResource, namespace, name: ref.name } });
  if (bind.allowed) return;
  const rules = ref.kind === 'ClusterRole' ? index.clusterRoleRules(ref.name) : namespace ? index.roleRules(namespace, ref.name) : undefined;
  if (!rules) throw badRequest(`${refResource}.rbac.authorization.k8s.io "${ref.name}" not found`);
  confirmNoEscalation(authorizer, user, namespace, rules.map((r) => r.rule), gr, name);
}

function confirmNoEscalation(authorizer: Authorizer, user: UserInfo, namespace: string | undefined, wanted: PolicyRule[], gr: { group: string; resource: string }, name: string): void {
  const held = authorizer.heldRules(user, namespace);
  const missing = uncovered(held.rules, wanted);
  if (!missing.length) return;
  const groups = `[${user.groups.map((g) => JSON.stringify(g)).join(' ')}]`;
  let msg = `user "${user.username}" (groups=${groups}) is attempting to grant RBAC permissions not currently held:\n${compact(missing).join('\n')}`;
  if (held.errors.length) msg += `; resolution errors: [${held.errors.join(', ')}]`;
  throw forbidden(gr, name, msg) as ApiError;
}

/** The single-verb, single-resource pieces of `wanted` no held rule covers. */
function uncovered(held: PolicyRule[], wanted: PolicyRule[]): Atom[] {
  const missing: Atom[] = [];
  for (const rule of wanted) {
    for (const atom of breakdown(rule)) if (!held.some((h) => covers(h, atom))) missing.push(atom);
  }
  return missing;
}

function breakdown(rule: PolicyRule): Atom[] {
  const atoms: Atom[] = [];
  for (const verb of rule.verbs ?? []) {
    for (const url of rule.nonResourceURLs ?? []) atoms.push({ url, verb });
    for (const apiGroup of rule.apiGroups ?? []) {
      for (const resource of rule.resources ?? []) {
        if (rule.resourceNames?.length) for (const name of rule.resourceNames) atoms.push({ apiGroup, resource, verb, name });
        else atoms.push({ apiGroup, resource, verb });
      }
    }
  }
  return atoms;
}

function covers(owner: PolicyRule, atom: Atom): boolean {
  const has = (list: string[] | undefined, v: string) => !!list && (list.includes('*') || list.includes(v));
  if (!has(owner.verbs, atom.verb)) return false;
  if ('url' in atom) {
    return (owner.nonResourceURLs ?? []).some((u) => u === '*' || u === atom.url || (u.endsWith('*') && atom.url.startsWith(u.slice(0, -1))));
  }
  if (!has(owner.apiGroups, atom.apiGroup)) return false;
  const resources = owner.resources ?? [];
  const slash = atom.resource.indexOf('/');
  if (!resources.includes('*') && !resources.includes(atom.resource) && !(slash > 0 && resources.includes(`*/${atom.resource.slice(slash + 1)}`))) return false;
  if (!owner.resourceNames?.length) return true;
  return atom.name !== undefined && owner.resourceNames.includes(atom.name);
}

/** CompactRules then CompactString: rules of one group and resource without names merge their verbs. */
function compact(atoms: Atom[]): string[] {
  const q = (list: string[]) => `[${list.map((s) => JSON.stringify(s)).join(' ')}]`;
  const merged = new Map<string, { parts: string[]; verbs: string[] }>();
  const out: { parts: string[]; verbs: string[] }[] = [];
  for (const a of atoms) {
    if ('url' in a) {
      out.push({ parts: [`NonResourceURLs:${q([a.url])}`], verbs: [a.verb] });
      continue;
    }
    const parts = [`APIGroups:${q([a.apiGroup])}`, `Resources:${q([a.resource])}`];
    if (a.name !== undefined) {
      out.push({ parts: [...parts, `ResourceNames:${q([a.name])}`], verbs: [a.verb] });
      continue;
    }
    const key = `${a.apiGroup}\0${a.resource}`;
    const m = merged.get(key);
    if (m) {
      if (!m.verbs.includes(a.verb)) m.verbs.push(a.verb);
    } else {
      const entry = { parts, verbs: [a.verb] };
      merged.set(key, entry);
      out.push(entry);
    }
  }
  return out.map((r) => `{${[...r.parts, `Verbs:${q(r.verbs)}`].join(', ')}}`).sort();
}
