// Which evaluator measures which resource (pkg/quota/v1/evaluator/core/registry.go and
// install/registry.go): pods, services and claims have their own; configmaps, secrets,
// replicationcontrollers and resourcequotas are object counts that keep their pre-count/ names;
// every other namespaced resource is an object count ("count/deployments.apps"). A few are never
// quota'd: virtual resources nothing stores, and events.
import { objectCountEvaluator, type QuotaEvaluator } from './evaluator.js';
import { persistentVolumeClaimEvaluator } from './persistent-volume-claims.js';
import { podEvaluator } from './pods.js';
import { serviceEvaluator } from './services.js';

const legacyCounts = ['configmaps', 'resourcequotas', 'replicationcontrollers', 'secrets'];

export const coreEvaluators: readonly QuotaEvaluator[] = [
  podEvaluator,
  serviceEvaluator,
  persistentVolumeClaimEvaluator,
  ...legacyCounts.map((resource) => objectCountEvaluator('', resource, resource)),
];

const ignoredResources = new Set([
  'bindings',
  'componentstatuses',
  'tokenreviews.authentication.k8s.io',
  'selfsubjectreviews.authentication.k8s.io',
  'subjectaccessreviews.authorization.k8s.io',
  'selfsubjectaccessreviews.authorization.k8s.io',
  'localsubjectaccessreviews.authorization.k8s.io',
  'selfsubjectrulesreviews.authorization.k8s.io',
  'events',
  'events.events.k8s.io',
]);

function groupResource(group: string, resource: string): string {
  return group ? `${resource}.${group}` : resource;
}

/** The evaluator for writes of a resource; undefined for the resources quota ignores. */
export function evaluatorFor(group: string, resource: string): QuotaEvaluator | undefined {
  if (ignoredResources.has(groupResource(group, resource))) return undefined;
  return coreEvaluators.find((e) => e.group === group && e.resource === resource) ?? objectCountEvaluator(group, resource);
}

/** The resource a "count/<resource>.<group>" name counts, if it is one. */
export function countedResource(name: string): { group: string; resource: string } | undefined {
  if (!name.startsWith('count/')) return undefined;
  const rest = name.slice('count/'.length);
  const dot = rest.indexOf('.');
  return dot < 0 ? { group: '', resource: rest } : { group: rest.slice(dot + 1), resource: rest.slice(0, dot) };
}

/**
 * The evaluators measuring what a quota limits: the core ones it names, and an object count for
 * each other resource it names as count/… (the controller knows every quotable resource; the
 * ones no quota names need no evaluator).
 */
export function evaluatorsForQuota(hardNames: readonly string[]): QuotaEvaluator[] {
  const out = coreEvaluators.filter((e) => e.matchingResources(hardNames).length > 0);
  for (const name of hardNames) {
    const counted = countedResource(name);
    if (!counted || out.some((e) => e.matchingResources([name]).length > 0)) continue;
    const evaluator = evaluatorFor(counted.group, counted.resource);
    if (evaluator) out.push(evaluator);
  }
  return out;
}
