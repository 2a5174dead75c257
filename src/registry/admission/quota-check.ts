// Whether one write fits the quotas of its namespace, and what it adds to each (CheckRequest of
// the ResourceQuota admission plugin). Quotas are read as their status says: status.hard is what
// the controller has taken over from spec.hard, status.used what is charged so far. A quota that
// limits something the object uses but has not been counted yet refuses the write, as does one
// the object would overflow; the messages are kube-apiserver's.
import type { ResourceQuota } from '../../machinery/api-types.js';
import type { KubeObject } from '../../machinery/object.js';
import { quotaMatches, resourceNames, type QuotaEvaluator, type QuotaOperation } from '../../machinery/quota/evaluator.js';
import {
  addLists,
  lessThanOrEqual,
  mask,
  negativeNames,
  prettyPrint,
  removeZeros,
  resourceList,
  subtractNonNegative,
  type ResourceList,
} from '../../machinery/quota/resource-list.js';

export interface QuotaRequest {
  operation: QuotaOperation;
  object: KubeObject;
  /** The stored object, on an update. */
  oldObject?: KubeObject;
}

/** What one write adds to one quota. */
export interface QuotaCharge {
  quota: ResourceQuota;
  /** status.used with the write counted. */
  used: ResourceList;
  /** What was added, by name (masked to what the quota limits). */
  delta: ResourceList;
}

/** A refusal; the plugin makes it a 403 for the object. */
export class QuotaRefusal extends Error {}

/** The charges a write makes (none when no quota limits what it changes), or a QuotaRefusal. */
export function checkRequest(quotas: readonly ResourceQuota[], request: QuotaRequest, evaluator: QuotaEvaluator, now: number): QuotaCharge[] {
  if (!evaluator.handles(request.operation)) return [];
  const { object } = request;
  const interesting: ResourceQuota[] = [];
  for (const quota of quotas) {
    if (!quotaMatches(evaluator, quota, object)) continue;
    const name = quota.metadata?.name ?? '';
    const restricted = evaluator.matchingResources(resourceNames(quota.status?.hard));
    const unmet = evaluator.constraints(restricted, object);
    if (unmet) throw new QuotaRefusal(`failed quota: ${name}: ${unmet}`);
    const used = quota.status?.used ?? {};
    if (restricted.some((r) => !(r in used))) {
      throw new QuotaRefusal(`status unknown for quota: ${name}, resources: ${[...new Set(restricted)].sort().join(',')}`);
    }
    interesting.push(quota);
  }
  if (interesting.length === 0) return [];

  const usage = evaluator.usage(object, now);
  const negative = negativeNames(usage);
  if (negative.length) throw new QuotaRefusal(`quota usage is negative for resource(s): ${negative.join(',')}`);

  // An update is charged what it adds, to quotas the object was already under; a quota it only now
  // falls under is charged all of it.
  const previous = request.operation === 'UPDATE' && request.oldObject?.metadata?.resourceVersion ? request.oldObject : undefined;
  const increase = previous ? subtractNonNegative(usage, evaluator.usage(previous, now)) : usage;

  const charges: QuotaCharge[] = [];
  for (const quota of interesting) {
    const delta = removeZeros(previous && quotaMatches(evaluator, quota, previous) ? increase : usage);
    if (delta.size === 0) continue;
    const hard = resourceList(quota.status?.hard);
    const used = resourceList(quota.status?.used);
    const requested = mask(delta, hard.keys());
    if (requested.size === 0) continue;
    const newUsed = addLists(used, requested);
    const { allowed, exceeded } = lessThanOrEqual(mask(newUsed, requested.keys()), hard);
    if (!allowed) {
      throw new QuotaRefusal(
        `exceeded quota: ${quota.metadata?.name ?? ''}, requested: ${prettyPrint(mask(requested, exceeded))}, ` +
          `used: ${prettyPrint(mask(used, exceeded))}, limited: ${prettyPrint(mask(hard, exceeded))}`,
      );
    }
    charges.push({ quota, used: newUsed, delta: requested });
  }
  return charges;
}
