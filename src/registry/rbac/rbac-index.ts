// The RBAC objects, indexed for the authorizer: roles and cluster roles with their rules
// compiled, and bindings indexed by subject (a user name, a group name; a ServiceAccount subject
// is its user name system:serviceaccount:<ns>:<name>), cluster-wide and per namespace. A request
// then looks at the bindings of its user and groups only, never at every binding. The index
// follows the watch cache: it is filled from the cache at start and kept by a watch on each of
// the four resources, so it is never staler than a list would be.
import type { CachedObject } from '../../storage/watch-cache/types.js';
import { parseCached } from '../../storage/watch-cache/types.js';
import type { ResourceStore } from '../store.js';
import type { UserInfo } from './attributes.js';
import { compileRule, type CompiledRule, type PolicyRule } from './policy-rules.js';

export interface Subject {
  kind: string;
  name: string;
  namespace?: string;
  apiGroup?: string;
}

export interface RoleRef {
  kind: string;
  name: string;
  apiGroup?: string;
}

interface Binding {
  kind: 'ClusterRoleBinding' | 'RoleBinding';
  name: string;
  namespace: string | undefined;
  roleRef: RoleRef;
  subjects: Subject[];
  /** The subject keys it was indexed under (to unindex it). */
  keys: string[];
  /** The visit that last walked it: a binding reached through two of a user's keys is walked once. */
  visited: number;
  /** Its role's rules as of rolesVersion `rulesAt` (looked up by name once per change of any role). */
  rules: readonly CompiledRule[] | undefined;
  rulesAt: number;
}

/** Where a rule came from, as RBAC's reasons describe it. */
export interface RuleSource {
  binding: Binding;
  subject: Subject;
}

export type RuleVisitor = (source: RuleSource | undefined, rule: CompiledRule | undefined, error: string | undefined) => boolean;

type RbacResource = 'roles' | 'clusterroles' | 'rolebindings' | 'clusterrolebindings';

const rbacGroup = 'rbac.authorization.k8s.io';

export function subjectUserName(s: Subject): string | undefined {
  if (s.kind === 'User') return s.name;
  if (s.kind === 'ServiceAccount') return `system:serviceaccount:${s.namespace ?? ''}:${s.name}`;
  return undefined;
}

function subjectKey(s: Subject): string | undefined {
  if (s.kind === 'Group') return `g:${s.name}`;
  const user = subjectUserName(s);
  return user === undefined ? undefined : `u:${user}`;
}

export function describeSubject(s: Subject, bindingNamespace: string | undefined): string {
  if (s.kind === 'ServiceAccount' && s.namespace && s.namespace !== bindingNamespace) return `${s.kind} "${s.namespace}/${s.name}"`;
  return `${s.kind} "${s.name}"`;
}

export function describeSource(src: RuleSource): string {
  const b = src.binding;
  const name = b.kind === 'RoleBinding' ? `${b.name}/${b.namespace}` : b.name;
  return `${b.kind} "${name}" of ${b.roleRef.kind} "${b.roleRef.name}" to ${describeSubject(src.subject, b.namespace)}`;
}

export class RbacIndex {
  private readonly roles = new Map<string, CompiledRule[]>();
  private readonly clusterRoles = new Map<string, CompiledRule[]>();
  private readonly bindings = new Map<string, Binding>();
  private readonly clusterBySubject = new Map<string, Set<Binding>>();
  private readonly namespacedBySubject = new Map<string, Map<string, Set<Binding>>>();
  private readonly watchers: { stop(): void }[] = [];
  private stopped = false;
  private visits = 0;
  /** Bumped by every role and cluster role change: bindings' cached rules are then looked up again. */
  private rolesVersion = 0;
  /** A user's index keys, kept while the UserInfo lives (certificate and static-token users are reused across requests). */
  private readonly userKeys = new WeakMap<UserInfo, string[]>();

  constructor(private readonly store: (resource: RbacResource) => ResourceStore) {}

  /** Fills the index from the watch cache and follows it; call once the cache is started. */
  start(): void {
    for (const resource of ['clusterroles', 'roles', 'clusterrolebindings', 'rolebindings'] as const) this.follow(resource);
  }

  stop(): void {
    this.stopped = true;
    for (const w of this.watchers.splice(0)) w.stop();
  }

  private follow(resource: RbacResource): void {
    const keys = new Set<string>();
    const watcher = this.store(resource).watch(undefined, {}, {
      event: (type, object) => {
        if (type === 'DELETED') {
          keys.delete(object.key);
          this.remove(resource, object.key);
        } else {
          keys.add(object.key);
          this.put(resource, object);
        }
      },
      // Dropped by the cache: start over from its current state.
      close: () => {
        for (const key of keys) this.remove(resource, key);
        const at = this.watchers.indexOf(watcher);
        if (at >= 0) this.watchers.splice(at, 1);
        if (!this.stopped) queueMicrotask(() => this.follow(resource));
      },
    });
    this.watchers.push(watcher);
  }

  private put(resource: RbacResource, object: CachedObject): void {
    const obj = parseCached<{ metadata?: { name?: string; namespace?: string }; rules?: PolicyRule[] | null; roleRef?: RoleRef; subjects?: Subject[] | null }>(object);
    if (resource === 'roles' || resource === 'clusterroles') {
      this.rolesVersion++;
      const rules = (obj.rules ?? []).map(compileRule);
      (resource === 'roles' ? this.roles : this.clusterRoles).set(resource === 'roles' ? `${obj.metadata?.namespace}/${obj.metadata?.name}` : (obj.metadata?.name ?? ''), rules);
      return;
    }
    this.removeBinding(object.key);
    const subjects = obj.subjects ?? [];
    const binding: Binding = {
      kind: resource === 'rolebindings' ? 'RoleBinding' : 'ClusterRoleBinding',
      name: obj.metadata?.name ?? '',
      namespace: resource === 'rolebindings' ? obj.metadata?.namespace : undefined,
      roleRef: obj.roleRef ?? { kind: '', name: '' },
      subjects,
      keys: [...new Set(subjects.map(subjectKey).filter((k): k is string => k !== undefined))],
      visited: 0,
      rules: undefined,
      rulesAt: -1,
    };
    this.bindings.set(object.key, binding);
    for (const key of binding.keys) {
      if (binding.namespace === undefined) {
        let set = this.clusterBySubject.get(key);
        if (!set) this.clusterBySubject.set(key, (set = new Set()));
        set.add(binding);
      } else {
        let byNs = this.namespacedBySubject.get(key);
        if (!byNs) this.namespacedBySubject.set(key, (byNs = new Map()));
        let set = byNs.get(binding.namespace);
        if (!set) byNs.set(binding.namespace, (set = new Set()));
        set.add(binding);
      }
    }
  }

  private remove(resource: RbacResource, key: string): void {
    if (resource === 'roles' || resource === 'clusterroles') {
      this.rolesVersion++;
      // Storage keys end in [<namespace>/]<name>, which is how roles are indexed.
      const parts = key.split('/');
      if (resource === 'roles') this.roles.delete(`${parts.at(-2)}/${parts.at(-1)}`);
      else this.clusterRoles.delete(parts.at(-1) ?? '');
      return;
    }
    this.removeBinding(key);
  }

  private removeBinding(key: string): void {
    const old = this.bindings.get(key);
    if (!old) return;
    this.bindings.delete(key);
    for (const k of old.keys) {
      if (old.namespace === undefined) this.clusterBySubject.get(k)?.delete(old);
      else this.namespacedBySubject.get(k)?.get(old.namespace)?.delete(old);
    }
  }

  /** The rules of a cluster role (its aggregated rules included: they are written into it). */
  clusterRoleRules(name: string): readonly CompiledRule[] | undefined {
    return this.clusterRoles.get(name);
  }

  roleRules(namespace: string, name: string): readonly CompiledRule[] | undefined {
    return this.roles.get(`${namespace}/${name}`);
  }

  /**
   * Calls `visit` with every rule granted to `user` cluster-wide and, with a namespace, in it —
   * or with the error of a binding whose role is missing — until it returns false.
   */
  visitRules(user: UserInfo, namespace: string | undefined, visit: RuleVisitor): void {
    let keys = this.userKeys.get(user);
    if (!keys) this.userKeys.set(user, (keys = [`u:${user.username}`, ...user.groups.map((g) => `g:${g}`)]));
    const visit_ = ++this.visits;
    const walk = (binding: Binding): boolean => {
      if (binding.visited === visit_) return true;
      binding.visited = visit_;
      const subject = binding.subjects.find((s) => appliesTo(s, user));
      if (!subject) return true;
      const ref = binding.roleRef;
      if (binding.rulesAt !== this.rolesVersion) {
        binding.rules = ref.kind === 'ClusterRole' ? this.clusterRoles.get(ref.name) : ref.kind === 'Role' && binding.namespace ? this.roles.get(`${binding.namespace}/${ref.name}`) : undefined;
        binding.rulesAt = this.rolesVersion;
      }
      const rules = binding.rules;
      if (!rules) return visit(undefined, undefined, `${ref.kind === 'ClusterRole' ? 'clusterrole' : 'role'}.rbac.authorization.k8s.io "${ref.name}" not found`);
      const source = { binding, subject };
      for (const rule of rules) if (!visit(source, rule, undefined)) return false;
      return true;
    };
    for (const key of keys) {
      for (const b of this.clusterBySubject.get(key) ?? []) if (!walk(b)) return;
    }
    if (!namespace) return;
    for (const key of keys) {
      for (const b of this.namespacedBySubject.get(key)?.get(namespace) ?? []) if (!walk(b)) return;
    }
  }
}

function appliesTo(s: Subject, user: UserInfo): boolean {
  if (s.kind === 'Group') return user.groups.includes(s.name);
  return subjectUserName(s) === user.username;
}

export { rbacGroup };
