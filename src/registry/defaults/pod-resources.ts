// Pod-level resource defaults (SetDefaults_Pod with the PodLevelResources gate, on in 1.36): when a
// pod sets spec.resources, its missing requests and limits are derived from the containers'.
// Sums and maxima follow k8s.io/component-helpers/resource (AggregateContainerRequests/Limits):
// regular and restartable (sidecar) init containers add up, other init containers take the max.
import { isPlainObject } from '../../machinery/object.js';
import { addQuantities, compareQuantities, formatQuantity, parseQuantity, type Quantity } from '../../machinery/quantity.js';
import { objectAt, objectsAt, type JsonMap } from './types.js';

type ResourceList = Map<string, Quantity>;
type Kind = 'requests' | 'limits';

const hugePagesPrefix = 'hugepages-';

function isSupportedPodLevelResource(name: string): boolean {
  return name === 'cpu' || name === 'memory' || name.startsWith(hugePagesPrefix);
}

/** Native, non-hugepage resources may be overcommitted; requests below limits are meaningful. */
function isOvercommitAllowed(name: string): boolean {
  const native = !name.includes('/') || name.includes('kubernetes.io/');
  return native && !name.startsWith(hugePagesPrefix);
}

function containerList(container: JsonMap, kind: Kind): ResourceList {
  const list: ResourceList = new Map();
  const resources = objectAt(container, 'resources');
  const values = resources && objectAt(resources, kind);
  if (!values) return list;
  for (const [name, raw] of Object.entries(values)) {
    if (typeof raw === 'string' || typeof raw === 'number') list.set(name, parseQuantity(raw));
  }
  return list;
}

function add(into: ResourceList, from: ResourceList): void {
  for (const [name, q] of from) {
    const current = into.get(name);
    into.set(name, current ? addQuantities(current, q) : q);
  }
}

function max(into: ResourceList, from: ResourceList): void {
  for (const [name, q] of from) {
    const current = into.get(name);
    if (!current || compareQuantities(q, current) > 0) into.set(name, q);
  }
}

function aggregate(spec: JsonMap, kind: Kind): ResourceList {
  const total: ResourceList = new Map();
  for (const c of objectsAt(spec, 'containers')) add(total, containerList(c, kind));
  const sidecars: ResourceList = new Map();
  const initMax: ResourceList = new Map();
  for (const c of objectsAt(spec, 'initContainers')) {
    const own = containerList(c, kind);
    let effective: ResourceList;
    if (c['restartPolicy'] === 'Always') {
      add(total, own);
      add(sidecars, own);
      effective = sidecars;
    } else {
      effective = new Map(own);
      add(effective, sidecars);
    }
    max(initMax, effective);
  }
  max(total, initMax);
  return total;
}

function allContainersHaveLimit(spec: JsonMap, name: string): boolean {
  for (const key of ['containers', 'initContainers']) {
    for (const c of objectsAt(spec, key)) {
      const limits = objectAt(c, 'resources') && objectAt(objectAt(c, 'resources')!, 'limits');
      if (!limits || !(name in limits)) return false;
    }
  }
  return true;
}

function hasEntries(v: unknown): v is JsonMap {
  return isPlainObject(v) && Object.keys(v).length > 0;
}

function hugePageLimits(spec: JsonMap, resources: JsonMap): void {
  const limits = objectAt(resources, 'limits');
  const requests = objectAt(resources, 'requests');
  if (!hasEntries(limits) && !hasEntries(requests)) return;
  const podLimits: JsonMap = limits ? limits : {};
  for (const [name, q] of aggregate(spec, 'limits')) {
    if (!name.startsWith(hugePagesPrefix)) continue;
    // A pod-level hugepage request means the user chose the pod-level value themselves.
    if (requests && name in requests) continue;
    if (!(name in podLimits)) podLimits[name] = formatQuantity(q);
  }
  if (Object.keys(podLimits).length > 0) resources['limits'] = podLimits;
}

function podRequests(spec: JsonMap, resources: JsonMap): void {
  const limits = objectAt(resources, 'limits');
  if (!hasEntries(limits)) return;
  const podRequests: JsonMap = objectAt(resources, 'requests') ?? {};
  for (const [name, q] of aggregate(spec, 'requests')) {
    if (!(name in podRequests) && isSupportedPodLevelResource(name) && isOvercommitAllowed(name)) {
      podRequests[name] = formatQuantity(q);
    }
  }
  for (const [name, raw] of Object.entries(limits)) {
    if (!(name in podRequests) && isSupportedPodLevelResource(name)) podRequests[name] = raw;
  }
  if (Object.keys(podRequests).length > 0) resources['requests'] = podRequests;
}

function supportedKeys(v: JsonMap | undefined): boolean {
  return v !== undefined && Object.keys(v).some(isSupportedPodLevelResource);
}

function podLimits(spec: JsonMap, resources: JsonMap): void {
  if (supportedKeys(objectAt(resources, 'limits'))) return;
  if (!supportedKeys(objectAt(resources, 'requests'))) return;
  const podLimits: JsonMap = objectAt(resources, 'limits') ?? {};
  for (const [name, q] of aggregate(spec, 'limits')) {
    if (name in podLimits || !isSupportedPodLevelResource(name) || !isOvercommitAllowed(name)) continue;
    if (!allContainersHaveLimit(spec, name)) continue;
    podLimits[name] = formatQuantity(q);
  }
  if (Object.keys(podLimits).length > 0) resources['limits'] = podLimits;
}

/** Fills spec.resources of a pod from its containers; a no-op when the pod sets none. */
export function defaultPodLevelResources(spec: JsonMap): void {
  const resources = objectAt(spec, 'resources');
  if (!resources) return;
  hugePageLimits(spec, resources);
  podRequests(spec, resources);
  podLimits(spec, resources);
}
