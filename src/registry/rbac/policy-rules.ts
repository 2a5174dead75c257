// PolicyRule matching as the RBAC authorizer does it (plugin/pkg/auth/authorizer/rbac's
// RuleAllows): a verb, API group, resource (or "resource/subresource", or "*/subresource"),
// resource name and non-resource URL each match exactly or through "*"; a URL rule ending in "*"
// matches by prefix. Rules are compiled once, when their role is indexed, into sets.
import type { NonResourceAttributes, ResourceAttributes } from './attributes.js';

export interface PolicyRule {
  verbs?: string[];
  apiGroups?: string[];
  resources?: string[];
  resourceNames?: string[];
  nonResourceURLs?: string[];
}

export interface CompiledRule {
  readonly rule: PolicyRule;
  readonly allVerbs: boolean;
  readonly verbs: ReadonlySet<string>;
  readonly allGroups: boolean;
  readonly groups: ReadonlySet<string>;
  readonly allResources: boolean;
  readonly resources: ReadonlySet<string>;
  readonly names: ReadonlySet<string> | undefined;
  readonly urls: readonly string[];
}

const all = '*';

export function compileRule(rule: PolicyRule): CompiledRule {
  const verbs = rule.verbs ?? [];
  const groups = rule.apiGroups ?? [];
  const resources = rule.resources ?? [];
  return {
    rule,
    allVerbs: verbs.includes(all),
    verbs: new Set(verbs),
    allGroups: groups.includes(all),
    groups: new Set(groups),
    allResources: resources.includes(all),
    resources: new Set(resources),
    names: rule.resourceNames?.length ? new Set(rule.resourceNames) : undefined,
    urls: rule.nonResourceURLs ?? [],
  };
}

export function resourceRuleAllows(r: CompiledRule, a: ResourceAttributes): boolean {
  if (!r.allVerbs && !r.verbs.has(a.verb)) return false;
  if (!r.allGroups && !r.groups.has(a.apiGroup)) return false;
  if (!resourceMatches(r, a.resource, a.subresource)) return false;
  // A rule naming objects never covers a request that names none (a list, a create).
  return r.names === undefined || (a.name !== undefined && a.name !== '' && r.names.has(a.name));
}

function resourceMatches(r: CompiledRule, resource: string, subresource: string | undefined): boolean {
  if (r.allResources) return true;
  if (!subresource) return r.resources.has(resource);
  return r.resources.has(`${resource}/${subresource}`) || r.resources.has(`*/${subresource}`);
}

export function nonResourceRuleAllows(r: CompiledRule, a: NonResourceAttributes): boolean {
  if (!r.allVerbs && !r.verbs.has(a.verb)) return false;
  for (const url of r.urls) {
    if (url === all || url === a.path) return true;
    if (url.endsWith(all) && a.path.startsWith(url.slice(0, -1))) return true;
  }
  return false;
}
