// The EndpointSlice reconciler of k8s.io/endpointslice (1.36), as a pure function: from a
// Service, the pods it selects and its existing slices, which slices to create, update and
// delete. Slices hold at most 100 endpoints each, one address type and one set of resolved ports
// each (pods resolving a named targetPort differently land in different slices). Existing slices
// are kept and filled before new ones are made, so that a pod coming or going rewrites one slice,
// not all of them; a Service with no endpoints keeps one empty placeholder slice.
import type { EndpointSlice, Node, Pod, Service, SliceEndpoint, SlicePort } from '../../machinery/api-types.js';
import { isPodReady } from '../workload/pod-status.js';
import {
  annotationTriggerTime,
  findPort,
  isIPv6,
  isServiceIPSet,
  labelHeadless,
  labelManagedBy,
  labelServiceName,
  podIPs,
  shouldPodBeInEndpoints,
  shouldSetHostname,
} from '../service-endpoints/pod-endpoints.js';
import { rfc3339Nano } from '../../machinery/rfc3339.js';

export const endpointSliceControllerName = 'endpointslice-controller.k8s.io';
export const defaultMaxEndpointsPerSlice = 100;

type AddressType = 'IPv4' | 'IPv6';

export interface SliceReconcileInput {
  service: Service;
  /** The pods the Service selects. */
  pods: readonly Pod[];
  /** The slices this controller manages for the Service, none of them being deleted. */
  existing: readonly EndpointSlice[];
  node(name: string): Node | undefined;
  /** When the change these slices reflect happened (the last-change-trigger-time annotation). */
  triggerTime?: number;
  maxEndpointsPerSlice?: number;
}

export interface SlicePlan {
  create: EndpointSlice[];
  update: EndpointSlice[];
  delete: EndpointSlice[];
  /** Pods left out because their node does not exist (the Service is synced again later). */
  podsOnMissingNodes: string[];
}

export function reconcileSlices(input: SliceReconcileInput): SlicePlan {
  const plan: SlicePlan = { create: [], update: [], delete: [], podsOnMissingNodes: [] };
  const supported = addressTypesOf(input.service);
  const byType = new Map<AddressType, EndpointSlice[]>();
  for (const slice of input.existing) {
    const type = slice.addressType as AddressType;
    if (!supported.includes(type)) plan.delete.push(slice);
    else byType.set(type, [...(byType.get(type) ?? []), slice]);
  }
  for (const type of supported) {
    const part = reconcileAddressType(input, type, byType.get(type) ?? []);
    plan.create.push(...part.create);
    plan.update.push(...part.update);
    plan.delete.push(...part.delete);
    for (const p of part.podsOnMissingNodes) if (!plan.podsOnMissingNodes.includes(p)) plan.podsOnMissingNodes.push(p);
  }
  return plan;
}

/** getAddressTypesForService: the Service's IP families (both for a headless Service without any). */
function addressTypesOf(service: Service): AddressType[] {
  const families = service.spec?.ipFamilies ?? [];
  const types = new Set<AddressType>();
  for (const f of families) if (f === 'IPv4' || f === 'IPv6') types.add(f);
  if (types.size) return [...types];
  const clusterIP = service.spec?.clusterIP;
  if (clusterIP && clusterIP !== 'None') return [isIPv6(clusterIP) ? 'IPv6' : 'IPv4'];
  return ['IPv4', 'IPv6'];
}

interface EndpointMeta {
  ports: SlicePort[];
  addressType: AddressType;
}

function reconcileAddressType(input: SliceReconcileInput, addressType: AddressType, existing: EndpointSlice[]): SlicePlan {
  const { service } = input;
  const max = input.maxEndpointsPerSlice ?? defaultMaxEndpointsPerSlice;
  const toCreate: EndpointSlice[] = [];
  const toUpdate: EndpointSlice[] = [];
  const toDelete: EndpointSlice[] = [];
  const podsOnMissingNodes: string[] = [];

  const existingByPorts = new Map<string, EndpointSlice[]>();
  for (const slice of existing) {
    if (!ownedBy(slice, service)) {
      toDelete.push(slice);
      continue;
    }
    const key = portsKey(slice.ports ?? []);
    existingByPorts.set(key, [...(existingByPorts.get(key) ?? []), slice]);
  }

  const desiredByPorts = new Map<string, Map<string, SliceEndpoint>>();
  const metaByPorts = new Map<string, EndpointMeta>();
  for (const pod of input.pods) {
    if (!shouldPodBeInEndpoints(pod, true)) continue;
    const ports = endpointPorts(service, pod);
    const key = portsKey(ports);
    if (!desiredByPorts.has(key)) desiredByPorts.set(key, new Map());
    if (!metaByPorts.has(key)) metaByPorts.set(key, { ports, addressType });
    const nodeName = pod.spec?.nodeName ?? '';
    const node = input.node(nodeName);
    // A pod whose node is gone is left out (the pod garbage collector removes it soon), unless
    // the Service publishes every address anyway.
    if (!node && service.spec?.publishNotReadyAddresses !== true) {
      podsOnMissingNodes.push(`skipping Pod ${pod.metadata?.name} for Service ${service.metadata?.namespace}/${service.metadata?.name}: Node ${nodeName} Not Found`);
      continue;
    }
    const endpoint = podToEndpoint(pod, node, service, addressType);
    if (endpoint.addresses.length > 0) desiredByPorts.get(key)!.set(endpointKey(endpoint), endpoint);
  }

  for (const [key, desired] of desiredByPorts) {
    const part = reconcilePortMapping(service, existingByPorts.get(key) ?? [], desired, metaByPorts.get(key)!, max);
    toCreate.push(...part.create);
    toUpdate.push(...part.update);
    toDelete.push(...part.delete);
  }
  for (const [key, slices] of existingByPorts) if (!desiredByPorts.has(key)) toDelete.push(...slices);

  // A Service with no endpoints still gets one slice, empty.
  if (existing.length === toDelete.length && toCreate.length === 0) {
    const placeholder = newSlice(service, { ports: [], addressType });
    if (toDelete.length === 1 && isSamePlaceholder(toDelete[0]!, placeholder)) toDelete.length = 0;
    else toCreate.push(placeholder);
  }

  const unchanged = existing.filter((s) => !toUpdate.some((u) => u.metadata?.name === s.metadata?.name) && !toDelete.includes(s));
  reconcileHints(service, toCreate, toUpdate, unchanged);
  return { ...finalize(service, toCreate, toUpdate, toDelete, input.triggerTime), podsOnMissingNodes };
}

/**
 * reconcileByPortMapping: (1) keep the still-desired endpoints of each existing slice, updated
 * where they changed, deleting slices left empty; (2) fill the slices already being updated;
 * (3) put what is left into the unchanged slice that ends up fullest, or into new slices.
 */
function reconcilePortMapping(
  service: Service,
  existing: readonly EndpointSlice[],
  desired: Map<string, SliceEndpoint>,
  meta: EndpointMeta,
  max: number,
): { create: EndpointSlice[]; update: EndpointSlice[]; delete: EndpointSlice[] } {
  const byName = new Map<string, EndpointSlice>();
  const unchanged = new Set<string>();
  const toUpdate = new Set<string>();
  const toDelete = new Set<string>();

  for (const slice of existing) {
    const name = slice.metadata?.name ?? '';
    byName.set(name, slice);
    const kept: SliceEndpoint[] = [];
    let endpointUpdated = false;
    for (const endpoint of slice.endpoints ?? []) {
      const key = endpointKey(endpoint);
      const want = desired.get(key);
      if (!want) continue;
      kept.push(want);
      if (!endpointsEqualBeyondKey(want, endpoint)) endpointUpdated = true;
      desired.delete(key);
    }
    const { labels, changed: labelsChanged } = sliceLabels(slice, service);
    if (endpointUpdated || kept.length !== (slice.endpoints ?? []).length) {
      if (kept.length === 0) toDelete.add(name);
      else {
        const copy = structuredClone(slice);
        copy.endpoints = kept;
        copy.metadata = { ...copy.metadata, labels };
        byName.set(name, copy);
        toUpdate.add(name);
      }
    } else if (labelsChanged) {
      const copy = structuredClone(slice);
      copy.metadata = { ...copy.metadata, labels };
      byName.set(name, copy);
      toUpdate.add(name);
    } else unchanged.add(name);
  }

  const pop = (): SliceEndpoint => {
    const [key, endpoint] = desired.entries().next().value as [string, SliceEndpoint];
    desired.delete(key);
    return endpoint;
  };

  if (desired.size > 0 && toUpdate.size > 0) {
    const slices = [...toUpdate].map((n) => byName.get(n)!).sort((a, b) => (b.endpoints?.length ?? 0) - (a.endpoints?.length ?? 0));
    for (const slice of slices) while (desired.size > 0 && (slice.endpoints ??= []).length < max) slice.endpoints.push(pop());
  }

  const toCreate: EndpointSlice[] = [];
  while (desired.size > 0) {
    let fill: EndpointSlice | undefined;
    if (desired.size < max && unchanged.size > 0) {
      const candidate = sliceToFill([...unchanged].map((n) => byName.get(n)!), desired.size, max);
      if (candidate) {
        fill = structuredClone(candidate);
        byName.set(candidate.metadata?.name ?? '', fill);
      }
    }
    fill ??= newSlice(service, meta);
    const endpoints = (fill.endpoints ??= []);
    while (desired.size > 0 && endpoints.length < max) endpoints.push(pop());
    const name = fill.metadata?.name;
    if (name) {
      toUpdate.add(name);
      unchanged.delete(name);
    } else toCreate.push(fill);
  }
  return { create: toCreate, update: [...toUpdate].map((n) => byName.get(n)!), delete: [...toDelete].map((n) => byName.get(n)!) };
}

/** getSliceToFill: the slice that would be closest to full with `count` more endpoints. */
function sliceToFill(slices: readonly EndpointSlice[], count: number, max: number): EndpointSlice | undefined {
  let closest = max;
  let found: EndpointSlice | undefined;
  for (const slice of slices) {
    const diff = max - (count + (slice.endpoints?.length ?? 0));
    if (diff >= 0 && diff < closest) {
      closest = diff;
      found = slice;
      if (diff === 0) break;
    }
  }
  return found;
}

/**
 * Creates and deletes at once become updates of the slices that would be deleted (fewer writes,
 * stable names). Nothing is created for a Service being deleted. Written slices carry the
 * trigger time.
 */
function finalize(service: Service, create: EndpointSlice[], update: EndpointSlice[], del: EndpointSlice[], triggerTime: number | undefined): SlicePlan {
  for (let i = 0; i < del.length && create.length > 0; ) {
    const old = del[i]!;
    const slice = create[create.length - 1]!;
    if (old.addressType === slice.addressType && ownedBy(old, service)) {
      slice.metadata = { ...slice.metadata, name: old.metadata?.name, resourceVersion: old.metadata?.resourceVersion };
      delete slice.metadata.generateName;
      create.pop();
      update.push(slice);
      del.splice(i, 1);
    } else i++;
  }
  if (service.metadata?.deletionTimestamp) create = [];
  for (const slice of [...create, ...update]) {
    const annotations = { ...slice.metadata?.annotations };
    if (triggerTime !== undefined) annotations[annotationTriggerTime] = rfc3339Nano(triggerTime);
    else delete annotations[annotationTriggerTime];
    slice.metadata = { ...slice.metadata, annotations };
    if (Object.keys(annotations).length === 0) delete slice.metadata.annotations;
  }
  return { create, update, delete: del, podsOnMissingNodes: [] };
}

export function newSlice(service: Service, meta: EndpointMeta): EndpointSlice {
  const name = service.metadata?.name ?? '';
  return {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: {
      // The dash only when the name stays a valid DNS subdomain (253 characters at most).
      generateName: name.length + 1 <= 253 - 5 ? `${name}-` : name,
      namespace: service.metadata?.namespace,
      labels: sliceLabels({}, service).labels,
      ownerReferences: [{ apiVersion: 'v1', kind: 'Service', name, uid: service.metadata?.uid ?? '', controller: true, blockOwnerDeletion: true }],
    },
    addressType: meta.addressType,
    endpoints: [],
    ports: structuredClone(meta.ports),
  };
}

/**
 * setEndpointSliceLabels: the Service's labels, except the three reserved ones the controller
 * sets itself. `changed` when the slice's own non-reserved labels differ from the Service's.
 */
function sliceLabels(slice: { metadata?: EndpointSlice['metadata'] }, service: Service): { labels: Record<string, string>; changed: boolean } {
  const reserved = (k: string) => k === labelServiceName || k === labelManagedBy || k === labelHeadless;
  const own: Record<string, string> = {};
  for (const [k, v] of Object.entries(slice.metadata?.labels ?? {})) if (!reserved(k)) own[k] = v;
  const labels: Record<string, string> = {};
  for (const [k, v] of Object.entries(service.metadata?.labels ?? {})) if (!reserved(k)) labels[k] = v;
  const changed = Object.keys(own).length !== Object.keys(labels).length || Object.keys(own).some((k) => own[k] !== labels[k]);
  if (!isServiceIPSet(service)) labels[labelHeadless] = '';
  labels[labelServiceName] = service.metadata?.name ?? '';
  labels[labelManagedBy] = endpointSliceControllerName;
  return { labels, changed };
}

function ownedBy(slice: EndpointSlice, service: Service): boolean {
  return (slice.metadata?.ownerReferences ?? []).some((o) => o.uid === service.metadata?.uid && o.kind === 'Service' && o.apiVersion === 'v1');
}

/** The empty slice compared on what matters: namespace, labels, owners, ports, type, endpoints. */
function isSamePlaceholder(slice: EndpointSlice, placeholder: EndpointSlice): boolean {
  const labelsEqual = (a: Record<string, string> = {}, b: Record<string, string> = {}) =>
    Object.keys(a).length === Object.keys(b).length && Object.keys(a).every((k) => a[k] === b[k]);
  const owners = (s: EndpointSlice) => JSON.stringify((s.metadata?.ownerReferences ?? []).map((o) => [o.apiVersion, o.kind, o.name, o.uid, o.controller ?? null, o.blockOwnerDeletion ?? null]));
  return (
    slice.metadata?.namespace === placeholder.metadata?.namespace &&
    labelsEqual(slice.metadata?.labels, placeholder.metadata?.labels) &&
    owners(slice) === owners(placeholder) &&
    slice.addressType === placeholder.addressType &&
    (slice.endpoints ?? []).length === 0 &&
    (slice.ports ?? []).length === 0
  );
}

/** getEndpointPorts: one port per Service port whose targetPort this pod resolves. */
function endpointPorts(service: Service, pod: Pod): SlicePort[] {
  const ports: SlicePort[] = [];
  if ((service.spec?.ports ?? []).length === 0 && service.spec?.clusterIP === 'None') return ports;
  for (const svcPort of service.spec?.ports ?? []) {
    const port = findPort(pod, svcPort);
    if (port === undefined) continue;
    const out: SlicePort = { name: svcPort.name ?? '', protocol: svcPort.protocol ?? 'TCP', port };
    if (svcPort.appProtocol) out.appProtocol = svcPort.appProtocol;
    ports.push(out);
  }
  return ports;
}

function portsKey(ports: readonly SlicePort[]): string {
  return ports
    .map((p) => JSON.stringify([p.name ?? '', p.protocol ?? 'TCP', p.port ?? 0, p.appProtocol ?? '']))
    .sort()
    .join(',');
}

function podToEndpoint(pod: Pod, node: Node | undefined, service: Service, addressType: AddressType): SliceEndpoint & { addresses: string[] } {
  const serving = isPodReady(pod);
  const terminating = !!pod.metadata?.deletionTimestamp;
  // A terminating pod is never "ready", unless the Service publishes not-ready addresses.
  const ready = service.spec?.publishNotReadyAddresses === true || (serving && !terminating);
  const endpoint: SliceEndpoint & { addresses: string[] } = {
    addresses: podIPs(pod).filter((ip) => isIPv6(ip) === (addressType === 'IPv6')),
    conditions: { ready, serving, terminating },
  };
  if (shouldSetHostname(pod, service)) endpoint.hostname = pod.spec!.hostname;
  endpoint.targetRef = { kind: 'Pod', namespace: pod.metadata?.namespace, name: pod.metadata?.name, uid: pod.metadata?.uid };
  if (pod.spec?.nodeName) endpoint.nodeName = pod.spec.nodeName;
  const zone = node?.metadata?.labels?.['topology.kubernetes.io/zone'];
  if (zone) endpoint.zone = zone;
  return endpoint;
}

/** The endpoint's identity within a slice: its addresses, hostname and pod. */
function endpointKey(e: SliceEndpoint): string {
  return JSON.stringify([[...(e.addresses ?? [])].sort(), e.hostname ?? '', e.targetRef?.namespace ?? '', e.targetRef?.name ?? '']);
}

/** EndpointsEqualBeyondHash: node, zone, conditions and pod reference (not its resourceVersion). */
function endpointsEqualBeyondKey(a: SliceEndpoint, b: SliceEndpoint): boolean {
  const ref = (e: SliceEndpoint) => {
    const r = e.targetRef;
    return r ? JSON.stringify([r.kind ?? '', r.namespace ?? '', r.name ?? '', r.uid ?? '', r.apiVersion ?? '', r.fieldPath ?? '']) : '';
  };
  return (
    (a.nodeName ?? null) === (b.nodeName ?? null) &&
    (a.zone ?? null) === (b.zone ?? null) &&
    (a.conditions?.ready ?? null) === (b.conditions?.ready ?? null) &&
    (a.conditions?.serving ?? null) === (b.conditions?.serving ?? null) &&
    (a.conditions?.terminating ?? null) === (b.conditions?.terminating ?? null) &&
    ref(a) === ref(b)
  );
}

const closeTrafficDistributions = new Set(['PreferClose', 'PreferSameZone', 'PreferSameNode']);

/**
 * trafficdist.ReconcileHints: with spec.trafficDistribution PreferClose/PreferSameZone, ready
 * endpoints get a hint for their zone (PreferSameNode: and for their node); otherwise hints go.
 * Unchanged slices whose hints are wrong are updated too.
 */
function reconcileHints(service: Service, toCreate: EndpointSlice[], toUpdate: EndpointSlice[], unchanged: EndpointSlice[]): void {
  const distribution = service.spec?.trafficDistribution;
  const close = distribution !== undefined && closeTrafficDistributions.has(distribution);
  const nodeHints = distribution === 'PreferSameNode';
  const wanted = (e: SliceEndpoint) => {
    const forZones = e.zone ? [{ name: e.zone }] : undefined;
    const forNodes = e.nodeName && nodeHints ? [{ name: e.nodeName }] : undefined;
    return forZones || forNodes ? { ...(forZones ? { forZones } : {}), ...(forNodes ? { forNodes } : {}) } : undefined;
  };
  const needsUpdate = (slice: EndpointSlice) =>
    (slice.endpoints ?? []).some((e) => {
      if (!close) return e.hints !== undefined;
      if (e.conditions?.ready !== true) return false;
      return JSON.stringify(e.hints ?? null) !== JSON.stringify(wanted(e) ?? null);
    });
  for (const slice of unchanged) if (needsUpdate(slice)) toUpdate.push(structuredClone(slice));
  for (const slice of [...toCreate, ...toUpdate]) {
    for (const e of slice.endpoints ?? []) {
      if (!close) delete e.hints;
      else if (e.conditions?.ready === true) {
        const hints = wanted(e);
        if (hints) e.hints = hints;
        else delete e.hints;
      }
    }
  }
}
