// What quota needs to know of a kind (k8s.io/apiserver/pkg/quota/v1 Evaluator and its generic
// helpers): which quota resource names it is charged under, which operations change its usage,
// whether an object falls under a quota's scopes, and how much one object uses. Admission charges
// one object's usage against status.used; the resourcequota controller adds up every object's.
import type { ResourceQuota, ScopedResourceSelectorRequirement } from '../api-types.js';
import type { KubeObject } from '../object.js';
import { count, type ResourceList } from './resource-list.js';

export type QuotaOperation = 'CREATE' | 'UPDATE';

export interface QuotaEvaluator {
  /** The resource it measures, as quota names it: "pods", "deployments.apps". */
  readonly group: string;
  readonly resource: string;
  /** Whether a write with this operation can change the object's usage. */
  handles(operation: QuotaOperation): boolean;
  /** The names among `names` this kind is charged under. */
  matchingResources(names: readonly string[]): string[];
  /** Whether the object falls under one scope requirement (kinds without scopes: never). */
  matchesScope(requirement: ScopedResourceSelectorRequirement, obj: KubeObject): boolean;
  /** Why the object cannot be charged for the quota's `required` resources ("must specify …"), if it cannot. */
  constraints(required: readonly string[], obj: KubeObject): string | undefined;
  /** What the object uses, at `now` (ms). */
  usage(obj: KubeObject, now: number): ResourceList;
}

/** generic.ObjectCountQuotaResourceNameFor: "count/pods", "count/deployments.apps". */
export function objectCountName(group: string, resource: string): string {
  return group ? `count/${resource}.${group}` : `count/${resource}`;
}

/** The quota's scopes as selector requirements: each of spec.scopes as Exists, then spec.scopeSelector's. */
export function scopeRequirements(quota: ResourceQuota): ScopedResourceSelectorRequirement[] {
  const out: ScopedResourceSelectorRequirement[] = (quota.spec?.scopes ?? []).map((scopeName) => ({ scopeName, operator: 'Exists' }));
  out.push(...(quota.spec?.scopeSelector?.matchExpressions ?? []));
  return out;
}

/** The names of a resource list object, in its order. */
export function resourceNames(list: Readonly<Record<string, unknown>> | undefined): string[] {
  return Object.keys(list ?? {});
}

/**
 * generic.Matches: the quota limits something this kind is charged under (by status.hard, which
 * the controller copies from spec.hard), and the object falls under every one of its scopes.
 */
export function quotaMatches(evaluator: QuotaEvaluator, quota: ResourceQuota, obj: KubeObject): boolean {
  if (evaluator.matchingResources(resourceNames(quota.status?.hard)).length === 0) return false;
  return scopeRequirements(quota).every((r) => evaluator.matchesScope(r, obj));
}

/**
 * A scope requirement read as a label selector over a one-label set ({PriorityClass: "high"}),
 * as ScopedResourceSelectorRequirementsAsSelector builds it; `value` is undefined when the object
 * has no such label.
 */
export function scopeValueMatches(requirement: ScopedResourceSelectorRequirement, value: string | undefined): boolean {
  const values = requirement.values ?? [];
  switch (requirement.operator) {
    case 'In':
      return value !== undefined && values.includes(value);
    case 'NotIn':
      return value === undefined || !values.includes(value);
    case 'Exists':
      return value !== undefined;
    case 'DoesNotExist':
      return value === undefined;
    default:
      return false;
  }
}

/**
 * generic.NewObjectCountEvaluator: one of the object counts a create adds (count/<resource>, and
 * the legacy name for the four kinds that had one before count/ existed).
 */
export function objectCountEvaluator(group: string, resource: string, alias?: string): QuotaEvaluator {
  const names = alias ? [objectCountName(group, resource), alias] : [objectCountName(group, resource)];
  return {
    group,
    resource,
    handles: (operation) => operation === 'CREATE',
    matchingResources: (input) => input.filter((n) => names.includes(n)),
    matchesScope: () => false,
    constraints: () => undefined,
    usage: () => new Map(names.map((n) => [n, count(1)])),
  };
}
