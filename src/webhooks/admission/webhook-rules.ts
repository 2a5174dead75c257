// Which admission webhooks a request concerns (admissionregistration.k8s.io/v1 RuleWithOperations,
// namespaceSelector, objectSelector, matchPolicy), as the apiserver's webhook matcher decides it.
import type { KubeObject } from '../../machinery/object.js';
import { labelSelectorFromObject, matchesLabels } from '../../machinery/selectors/index.js';

/** metav1.LabelSelector as written in a configuration. */
export interface LabelSelectorObject {
  matchLabels?: Record<string, string>;
  matchExpressions?: { key: string; operator: string; values?: string[] }[];
}

export type AdmissionOperation = 'CREATE' | 'UPDATE' | 'DELETE' | 'CONNECT';

export interface RuleWithOperations {
  operations?: string[];
  apiGroups?: string[];
  apiVersions?: string[];
  resources?: string[];
  scope?: string;
}

export interface GroupVersionResource {
  group: string;
  version: string;
  resource: string;
}

export interface RuleTarget {
  operation: AdmissionOperation;
  resource: GroupVersionResource;
  subresource: string;
  namespaced: boolean;
}

const anyOf = (list: readonly string[] | undefined, value: string) => (list ?? []).some((v) => v === '*' || v === value);

/** One rule (rule.Matcher): operation, group, version, resource with subresource ("pods/status", "*\/status", "pods/*", "*"), scope. */
export function ruleMatches(rule: RuleWithOperations, target: RuleTarget): boolean {
  if (!anyOf(rule.operations, target.operation)) return false;
  if (!anyOf(rule.apiGroups, target.resource.group)) return false;
  if (!anyOf(rule.apiVersions, target.resource.version)) return false;
  const scope = rule.scope ?? '*';
  if (scope === 'Cluster' && target.namespaced) return false;
  if (scope === 'Namespaced' && !target.namespaced) return false;
  const wanted = target.subresource ? `${target.resource.resource}/${target.subresource}` : target.resource.resource;
  return (rule.resources ?? []).some((r) => {
    if (r === '*/*' || r === wanted) return true;
    const [res, sub = ''] = r.split('/', 2) as [string, string?];
    // "*" alone matches every resource but none of their subresources.
    if (res === '*') return sub === target.subresource || (sub === '*' && target.subresource !== '');
    if (res !== target.resource.resource) return false;
    return sub === '*' ? true : sub === target.subresource;
  });
}

/** A label selector as the API writes it; absent or empty selects everything. */
export function selectorMatches(selector: LabelSelectorObject | null | undefined, labels: Record<string, string> | undefined): boolean {
  if (!selector || (Object.keys(selector.matchLabels ?? {}).length === 0 && (selector.matchExpressions ?? []).length === 0)) return true;
  return matchesLabels(labelSelectorFromObject(selector), labels ?? {});
}

/** objectSelector: the new object's or the old object's labels (a delete has only the old one). */
export function objectSelectorMatches(selector: LabelSelectorObject | null | undefined, object: KubeObject | undefined, oldObject: KubeObject | undefined): boolean {
  return selectorMatches(selector, object?.metadata?.labels ?? {}) || (oldObject !== undefined && selectorMatches(selector, oldObject.metadata?.labels ?? {}));
}
