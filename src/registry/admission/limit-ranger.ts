// kube-apiserver's LimitRanger admission plugin, in its two halves. Mutating, on pod create: every
// container (init containers too) that names no request or limit for a resource gets the
// namespace's LimitRange default (type Container: `defaultRequest`, `default`), and the pod is
// annotated kubernetes.io/limit-ranger with what was set. Validating: pods on create against each
// LimitRange's min, max and maxLimitRequestRatio per Container and per Pod (the containers'
// totals), claims on create and update against PersistentVolumeClaim min and max of storage (a
// request an update leaves as it was is not judged again). The first LimitRange a write breaks
// refuses it with all of that LimitRange's complaints.
import type { Container, LimitRange, LimitRangeItem, PersistentVolumeClaim, Pod } from '../../machinery/api-types.js';
import { compareQuantities, formatQuantity, type Quantity } from '../../machinery/quantity.js';
import { containerLimits, containerRequests, podLimits, podRequests } from '../../machinery/quota/pod-resources.js';
import { resourceList, type ResourceList } from '../../machinery/quota/resource-list.js';
import { aggregateText } from '../../machinery/selectors/error-text.js';

export const limitRangerAnnotation = 'kubernetes.io/limit-ranger';

// ---------- defaults ----------

/** The Container defaults of one LimitRange (later items of the same resource win, as in a map). */
function containerDefaults(limitRange: LimitRange): { requests: Record<string, string>; limits: Record<string, string> } {
  const requests: Record<string, string> = {};
  const limits: Record<string, string> = {};
  for (const item of limitRange.spec?.limits ?? []) {
    if (item.type !== 'Container') continue;
    Object.assign(requests, item.defaultRequest ?? {});
    Object.assign(limits, item.default ?? {});
  }
  return { requests, limits };
}

function mergeContainer(container: Container, defaults: ReturnType<typeof containerDefaults>, prefix: string, notes: string[]): void {
  const resources = (container.resources ??= {});
  const limits = (resources.limits ??= {});
  const requests = (resources.requests ??= {});
  const setLimits = Object.keys(defaults.limits).filter((name) => !(name in limits));
  const setRequests = Object.keys(defaults.requests).filter((name) => !(name in requests));
  for (const name of setLimits) limits[name] = defaults.limits[name]!;
  for (const name of setRequests) requests[name] = defaults.requests[name]!;
  if (setRequests.length) notes.push(`${setRequests.sort().join(', ')} request for ${prefix} ${container.name}`);
  if (setLimits.length) notes.push(`${setLimits.sort().join(', ')} limit for ${prefix} ${container.name}`);
}

/** PodMutateLimitFunc for each LimitRange in turn; the annotation tells what the last one that set anything set. */
export function applyPodDefaults(pod: Pod, limitRanges: readonly LimitRange[]): void {
  for (const limitRange of limitRanges) {
    const defaults = containerDefaults(limitRange);
    const notes: string[] = [];
    for (const c of pod.spec?.containers ?? []) mergeContainer(c, defaults, 'container', notes);
    for (const c of pod.spec?.initContainers ?? []) mergeContainer(c, defaults, 'init container', notes);
    if (notes.length === 0) continue;
    const meta = (pod.metadata ??= {});
    meta.annotations = { ...meta.annotations, [limitRangerAnnotation]: `LimitRanger plugin set: ${notes.join('; ')}` };
  }
}

// ---------- constraints ----------

function minConstraint(limitType: string, name: string, enforced: Quantity, requests: ResourceList, limits: ResourceList): string | undefined {
  const request = requests.get(name);
  const limit = limits.get(name);
  const min = formatQuantity(enforced);
  if (!request) return `minimum ${name} usage per ${limitType} is ${min}.  No request is specified`;
  if (compareQuantities(enforced, request) > 0) return `minimum ${name} usage per ${limitType} is ${min}, but request is ${formatQuantity(request)}`;
  if (limit && compareQuantities(enforced, limit) > 0) return `minimum ${name} usage per ${limitType} is ${min}, but limit is ${formatQuantity(limit)}`;
  return undefined;
}

function maxConstraint(limitType: string, name: string, enforced: Quantity, requests: ResourceList, limits: ResourceList): string | undefined {
  const request = requests.get(name);
  const limit = limits.get(name);
  const max = formatQuantity(enforced);
  if (!limit) return `maximum ${name} usage per ${limitType} is ${max}.  No limit is specified`;
  if (compareQuantities(limit, enforced) > 0) return `maximum ${name} usage per ${limitType} is ${max}, but limit is ${formatQuantity(limit)}`;
  if (request && compareQuantities(request, enforced) > 0) return `maximum ${name} usage per ${limitType} is ${max}, but request is ${formatQuantity(request)}`;
  return undefined;
}

/** For kinds with requests only (claims): the request is what must stay under the maximum. */
function maxRequestConstraint(limitType: string, name: string, enforced: Quantity, requests: ResourceList): string | undefined {
  const request = requests.get(name);
  const max = formatQuantity(enforced);
  if (!request) return `maximum ${name} usage per ${limitType} is ${max}.  No request is specified`;
  if (compareQuantities(request, enforced) > 0) return `maximum ${name} usage per ${limitType} is ${max}, but request is ${formatQuantity(request)}`;
  return undefined;
}

function magnitude(q: Quantity): Quantity {
  return q.unscaled < 0n ? { ...q, unscaled: -q.unscaled, text: undefined } : q;
}

/** limit > request × ratio, exactly. */
function exceedsRatio(limit: Quantity, request: Quantity, ratio: Quantity): boolean {
  const r = magnitude(request);
  const allowed: Quantity = { unscaled: r.unscaled * ratio.unscaled, scale: r.scale + ratio.scale, format: 'DecimalSI' };
  return compareQuantities(magnitude(limit), allowed) > 0;
}

/** limit / request to six decimals, rounding half to even (inf.Dec QuoRound), as the message shows it. */
export function ratioText(limit: Quantity, request: Quantity): string {
  const l = magnitude(limit);
  const r = magnitude(request);
  // (l.u × 10^l.s) / (r.u × 10^r.s) × 10^6, as a fraction of integers.
  const shift = l.scale - r.scale + 6;
  let num = l.unscaled;
  let den = r.unscaled;
  if (shift >= 0) num *= 10n ** BigInt(shift);
  else den *= 10n ** BigInt(-shift);
  let q = num / den;
  const rem = num - q * den;
  if (rem * 2n > den || (rem * 2n === den && q % 2n === 1n)) q += 1n;
  const digits = q.toString().padStart(7, '0');
  return `${digits.slice(0, -6)}.${digits.slice(-6)}`;
}

function ratioConstraint(limitType: string, name: string, enforced: Quantity, requests: ResourceList, limits: ResourceList): string | undefined {
  const request = requests.get(name);
  const limit = limits.get(name);
  const ratio = formatQuantity(enforced);
  if (!request || request.unscaled === 0n) return `${name} max limit to request ratio per ${limitType} is ${ratio}, but no request is specified or request is 0`;
  if (!limit || limit.unscaled === 0n) return `${name} max limit to request ratio per ${limitType} is ${ratio}, but no limit is specified or limit is 0`;
  if (exceedsRatio(limit, request, enforced)) {
    return `${name} max limit to request ratio per ${limitType} is ${ratio}, but provided ratio is ${ratioText(limit, request)}`;
  }
  return undefined;
}

function checkItem(item: LimitRangeItem, requests: ResourceList, limits: ResourceList, errs: string[]): void {
  const push = (e: string | undefined) => e && errs.push(e);
  for (const [name, q] of resourceList(item.min)) push(minConstraint(item.type, name, q, requests, limits));
  for (const [name, q] of resourceList(item.max)) push(maxConstraint(item.type, name, q, requests, limits));
  for (const [name, q] of resourceList(item.maxLimitRequestRatio)) push(ratioConstraint(item.type, name, q, requests, limits));
}

/** PodValidateLimitFunc on create: what the pod breaks of one LimitRange, as one message, or undefined. */
export function podLimitViolation(pod: Pod, limitRange: LimitRange): string | undefined {
  const errs: string[] = [];
  for (const item of limitRange.spec?.limits ?? []) {
    if (item.type === 'Container') {
      for (const c of [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? [])]) checkItem(item, containerRequests(c), containerLimits(c), errs);
    } else if (item.type === 'Pod') {
      const opts = { overhead: false, podLevelHugePages: false };
      checkItem(item, podRequests(pod, opts), podLimits(pod, opts), errs);
    }
  }
  return errs.length ? aggregateText(errs) : undefined;
}

/** PersistentVolumeClaimValidateLimitFunc: storage requests against min and max; on an update, only a changed request. */
export function claimLimitViolation(claim: PersistentVolumeClaim, old: PersistentVolumeClaim | undefined, limitRange: LimitRange): string | undefined {
  const requests = resourceList(claim.spec?.resources?.requests);
  const oldRequests = resourceList(old?.spec?.resources?.requests);
  const unchanged = (name: string) => {
    const now = requests.get(name);
    const before = oldRequests.get(name);
    return !!now && !!before && compareQuantities(now, before) === 0;
  };
  const errs: string[] = [];
  for (const item of limitRange.spec?.limits ?? []) {
    if (item.type !== 'PersistentVolumeClaim') continue;
    for (const [name, q] of resourceList(item.min)) {
      if (unchanged(name)) continue;
      const e = minConstraint(item.type, name, q, requests, new Map());
      if (e) errs.push(e);
    }
    for (const [name, q] of resourceList(item.max)) {
      if (unchanged(name)) continue;
      const e = maxRequestConstraint(item.type, name, q, requests);
      if (e) errs.push(e);
    }
  }
  return errs.length ? aggregateText(errs) : undefined;
}
