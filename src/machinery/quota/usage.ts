// A quota's usage recalculated from the objects of its namespace (quota.CalculateUsage with
// generic.CalculateUsageStats): for each evaluator charged under something the quota limits, the
// usage of every object under all of the quota's scopes, added up; a limited resource nothing
// uses shows as zero.
import type { ResourceQuota } from '../api-types.js';
import type { KubeObject } from '../object.js';
import { resourceNames, scopeRequirements, type QuotaEvaluator } from './evaluator.js';
import { addLists, mask, zeroQuantity, type ResourceList } from './resource-list.js';

export function calculateUsage(
  quota: ResourceQuota,
  evaluators: readonly QuotaEvaluator[],
  objectsOf: (evaluator: QuotaEvaluator) => readonly KubeObject[],
  now: number,
): ResourceList {
  const hard = resourceNames(quota.spec?.hard);
  const scopes = scopeRequirements(quota);
  let total: ResourceList = new Map();
  for (const evaluator of evaluators) {
    const names = evaluator.matchingResources(hard);
    if (names.length === 0) continue;
    let used: ResourceList = new Map(names.map((n) => [n, zeroQuantity]));
    for (const obj of objectsOf(evaluator)) {
      if (!scopes.every((s) => evaluator.matchesScope(s, obj))) continue;
      used = addLists(used, evaluator.usage(obj, now));
    }
    total = addLists(total, mask(used, names));
  }
  return total;
}
