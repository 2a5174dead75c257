// Resource names and requirements (requests/limits) for containers, pods and quotas, as
// pkg/apis/core/validation and core/helper define them.
import type { FieldError } from '../../apierrors/field-errors.js';
import { field } from '../../apierrors/field-errors.js';
import { child, index, key } from './field-path.js';
import { isDNS1123Label, isQualifiedName } from './formats.js';
import { list, record, recordOrEmpty, str } from './json-value.js';
import { IS_NEGATIVE } from './object-meta.js';
import { compareQuantities, quantityMilli, quantityText } from './quantities.js';

const HUGEPAGES_PREFIX = 'hugepages-';

const standardResources = new Set([
  'cpu', 'memory', 'ephemeral-storage',
  'requests.cpu', 'requests.memory', 'requests.ephemeral-storage',
  'limits.cpu', 'limits.memory', 'limits.ephemeral-storage',
  'pods', 'resourcequotas', 'services', 'replicationcontrollers', 'secrets', 'configmaps',
  'persistentvolumeclaims', 'storage', 'requests.storage', 'services.nodeports', 'services.loadbalancers',
]);
const standardContainerResources = new Set(['cpu', 'memory', 'ephemeral-storage']);
const integerResources = new Set([
  'pods', 'resourcequotas', 'services', 'replicationcontrollers', 'secrets', 'configmaps',
  'persistentvolumeclaims', 'services.nodeports', 'services.loadbalancers',
]);

export function isHugePageResourceName(name: string): boolean {
  return name.startsWith(HUGEPAGES_PREFIX);
}

function isQuotaHugePageResourceName(name: string): boolean {
  return name.startsWith(HUGEPAGES_PREFIX) || name.startsWith('requests.hugepages-');
}

export function isStandardResourceName(name: string): boolean {
  return standardResources.has(name) || isQuotaHugePageResourceName(name);
}

/** Unprefixed names and anything under *kubernetes.io/ belong to Kubernetes itself. */
export function isNativeResource(name: string): boolean {
  return !name.includes('/') || name.includes('kubernetes.io/');
}

export function isExtendedResourceName(name: string): boolean {
  if (isNativeResource(name) || name.startsWith('requests.')) return false;
  return isQualifiedName(`requests.${name}`).length === 0;
}

/** Requests may be lower than limits only for native resources other than hugepages. */
export function isOvercommitAllowed(name: string): boolean {
  return isNativeResource(name) && !isHugePageResourceName(name);
}

export function isIntegerResourceName(name: string): boolean {
  return integerResources.has(name) || isExtendedResourceName(name);
}

export type ResourceNameCheck = (errs: FieldError[], name: string, path: string) => void;

/** Returns false when it reported a problem that makes further checks pointless. */
function pushResourceName(errs: FieldError[], name: string, path: string): boolean {
  const msgs = isQualifiedName(name);
  for (const msg of msgs) errs.push(field.invalid(path, name, msg));
  if (msgs.length > 0) return false;
  if (!name.includes('/') && !isStandardResourceName(name)) {
    errs.push(field.invalid(path, name, 'must be a standard resource type or fully qualified'));
    return false;
  }
  return true;
}

export const pushContainerResourceName: ResourceNameCheck = (errs, name, path) => {
  pushResourceName(errs, name, path);
  if (!name.includes('/')) {
    if (!standardContainerResources.has(name) && !isHugePageResourceName(name)) {
      errs.push(field.invalid(path, name, 'must be a standard resource for containers'));
    }
  } else if (!isNativeResource(name) && !isExtendedResourceName(name)) {
    errs.push(field.invalid(path, name, "doesn't follow extended resource name standard"));
  }
};

const podLevelResources = ['cpu', 'memory'];

export const pushPodResourceName: ResourceNameCheck = (errs, name, path) => {
  if (!pushResourceName(errs, name, path)) return;
  if (!podLevelResources.includes(name) && !isHugePageResourceName(name)) {
    errs.push(field.notSupported(path, name, podLevelResources));
  }
};

export function pushQuotaResourceName(errs: FieldError[], name: string, path: string): void {
  pushResourceName(errs, name, path);
  if (!name.includes('/') && !standardQuotaResources.has(name) && !isQuotaHugePageResourceName(name)) {
    errs.push(field.invalid(path, name, 'must be a standard resource for quota'));
  }
}

const standardQuotaResources = new Set([
  'cpu', 'memory', 'ephemeral-storage',
  'requests.cpu', 'requests.memory', 'requests.storage', 'requests.ephemeral-storage',
  'limits.cpu', 'limits.memory', 'limits.ephemeral-storage',
  'pods', 'resourcequotas', 'services', 'replicationcontrollers', 'secrets', 'persistentvolumeclaims',
  'configmaps', 'services.nodeports', 'services.loadbalancers',
]);

/** Non-negative, and whole for countable resources. */
export function pushResourceQuantityValue(errs: FieldError[], resource: string, value: unknown, path: string): void {
  const milli = quantityMilli(value);
  if (milli === undefined) return;
  if (milli < 0n) errs.push(field.invalid(path, quantityText(value), IS_NEGATIVE));
  if (isIntegerResourceName(resource) && milli % 1000n !== 0n) errs.push(field.invalid(path, value, 'must be an integer'));
}

function hugePageValueError(name: string, value: unknown): string | undefined {
  const page = quantityMilli(name.slice(HUGEPAGES_PREFIX.length));
  const milli = quantityMilli(value);
  if (page === undefined || milli === undefined) return undefined;
  if (page > 0n && milli >= 0n && milli % page === 0n) return undefined;
  return `${quantityText(value)} is not positive integer multiple of ${name}`;
}

/**
 * requests ≤ limits, names, quantities and hugepages rules for one ResourceRequirements.
 * `claimNames` are the pod's resourceClaims names, for the `claims` references.
 */
export function pushResourceRequirements(
  errs: FieldError[],
  requirements: unknown,
  path: string,
  checkName: ResourceNameCheck,
  claimNames: ReadonlySet<string>,
): void {
  const req = recordOrEmpty(requirements);
  const limPath = child(path, 'limits');
  const reqPath = child(path, 'requests');
  const limits = record(req.limits);
  const requests = record(req.requests);
  let limCpuMem = false;
  let reqCpuMem = false;
  let limHuge = false;
  let reqHuge = false;
  if (limits) {
    for (const name in limits) {
      const q = limits[name];
      const p = key(limPath, name);
      checkName(errs, name, p);
      pushResourceQuantityValue(errs, name, q, p);
      if (isHugePageResourceName(name)) {
        limHuge = true;
        const msg = hugePageValueError(name, q);
        if (msg) errs.push(field.invalid(p, quantityText(q), msg));
      }
      if (name === 'cpu' || name === 'memory') limCpuMem = true;
    }
  }
  if (requests) {
    for (const name in requests) {
      const q = requests[name];
      const p = key(reqPath, name);
      checkName(errs, name, p);
      pushResourceQuantityValue(errs, name, q, p);
      if (limits && Object.prototype.hasOwnProperty.call(limits, name)) {
        const limit = limits[name];
        const cmp = compareQuantities(q, limit);
        if (cmp !== undefined && cmp !== 0 && !isOvercommitAllowed(name)) {
          errs.push(field.invalid(reqPath, quantityText(q), `must be equal to ${name} limit of ${quantityText(limit)}`));
        } else if (cmp !== undefined && cmp > 0) {
          errs.push(field.invalid(reqPath, quantityText(q), `must be less than or equal to ${name} limit of ${quantityText(limit)}`));
        }
      } else if (!isOvercommitAllowed(name)) {
        errs.push(field.required(limPath, 'Limit must be set for non overcommitable resources'));
      }
      if (isHugePageResourceName(name)) {
        reqHuge = true;
        const msg = hugePageValueError(name, q);
        if (msg) errs.push(field.invalid(p, quantityText(q), msg));
      }
      if (name === 'cpu' || name === 'memory') reqCpuMem = true;
    }
  }
  if (!limCpuMem && !reqCpuMem && (reqHuge || limHuge)) errs.push(field.forbidden(path, 'HugePages require cpu or memory'));
  pushResourceClaimReferences(errs, req.claims, child(path, 'claims'), claimNames);
}

function pushResourceClaimReferences(errs: FieldError[], claims: unknown, path: string, podClaims: ReadonlySet<string>): void {
  const items = list(claims);
  const seen = new Set<string>();
  for (let i = 0; i < items.length; i++) {
    const c = recordOrEmpty(items[i]);
    const name = str(c.name);
    const p = index(path, i);
    if (name === '') {
      errs.push(field.required(p, ''));
      continue;
    }
    if (seen.has(name)) {
      errs.push(field.duplicate(p, name));
    } else {
      let k = name;
      const request = str(c.request);
      if (request !== '') {
        for (const msg of isDNS1123Label(request)) errs.push(field.invalid(child(p, 'request'), request, msg));
        k += `/${request}`;
      }
      if (seen.has(k)) errs.push(field.duplicate(p, k));
      else if (request === '') {
        for (const s of seen) if (s.startsWith(`${name}/`)) errs.push(field.duplicate(p, name));
      }
      seen.add(k);
    }
    if (!podClaims.has(name)) {
      const names = [...podClaims].sort();
      errs.push({
        type: 'FieldValueNotFound',
        field: p,
        badValue: name,
        detail: `must be one of the names in pod.spec.resourceClaims${names.length === 0 ? ' which is empty' : `: ${names.join(', ')}`}`,
      });
    }
  }
}
