// The EndpointSlice mirroring reconciler (pkg/controller/endpointslicemirroring, 1.36) as a pure
// function: hand-made Endpoints of a selector-less Service become EndpointSlices — one per subset
// port set and address type, up to 1,000 addresses per subset, ready addresses with
// conditions.ready true and not-ready ones false — labelled kubernetes.io/service-name and
// managed-by endpointslicemirroring-controller.k8s.io and owned by the Endpoints.
import type { EndpointAddress, EndpointPort, Endpoints, EndpointSlice, SliceEndpoint, SlicePort } from '../../machinery/api-types.js';
import { annotationTriggerTime, labelManagedBy, labelServiceName } from '../service-endpoints/pod-endpoints.js';

export const mirroringControllerName = 'endpointslicemirroring-controller.k8s.io';
export const maxEndpointsPerSubset = 1000;

type AddressType = 'IPv4' | 'IPv6';

export interface MirrorPlan {
  create: EndpointSlice[];
  update: EndpointSlice[];
  delete: EndpointSlice[];
  invalidAddresses: number;
  /** Addresses not mirrored: invalid ones and those beyond 1,000 in a subset. */
  skippedAddresses: number;
}

export function mirrorEndpoints(endpoints: Endpoints, existing: readonly EndpointSlice[], max = maxEndpointsPerSubset): MirrorPlan {
  const desired = new Map<string, Map<string, SliceEndpoint>>();
  const portsByKey = new Map<string, SlicePort[]>();
  let invalidAddresses = 0;
  let skippedAddresses = 0;

  for (const subset of endpoints.subsets ?? []) {
    const ports = sliceports(subset.ports ?? []);
    for (const type of ['IPv4', 'IPv6'] as const) portsByKey.set(mirrorKey(ports, type), ports);
    const total = (subset.addresses?.length ?? 0) + (subset.notReadyAddresses?.length ?? 0);
    let added = 0;
    const add = (address: EndpointAddress, ready: boolean) => {
      if (added >= max) return;
      const converted = addressToEndpoint(address, ready);
      if (!converted) {
        invalidAddresses++;
        return;
      }
      const key = mirrorKey(ports, converted.type);
      if (!desired.has(key)) desired.set(key, new Map());
      desired.get(key)!.set(endpointKey(converted.endpoint), converted.endpoint);
      added++;
    };
    for (const a of subset.addresses ?? []) add(a, true);
    for (const a of subset.notReadyAddresses ?? []) add(a, false);
    skippedAddresses += total - added;
  }

  const existingByKey = new Map<string, EndpointSlice[]>();
  for (const slice of existing) {
    const key = mirrorKey(slice.ports ?? [], slice.addressType as AddressType);
    existingByKey.set(key, [...(existingByKey.get(key) ?? []), slice]);
  }

  const create: EndpointSlice[] = [];
  const update: EndpointSlice[] = [];
  const del: EndpointSlice[] = [];
  for (const [key, wanted] of desired) {
    const current = existingByKey.get(key) ?? [];
    if (wanted.size === 0) {
      del.push(...current);
      continue;
    }
    if (current.length > 0) {
      del.push(...current.slice(1));
      if (!changes(current[0]!, wanted)) continue;
    }
    const type: AddressType = key.startsWith('IPv6') ? 'IPv6' : 'IPv4';
    const slice = newMirroredSlice(endpoints, portsByKey.get(key) ?? [], type, current[0]);
    for (const endpoint of wanted.values()) {
      if (slice.endpoints.length >= max) break;
      slice.endpoints.push(endpoint);
    }
    (current.length > 0 ? update : create).push(slice);
  }
  for (const [key, slices] of existingByKey) if (!desired.has(key)) del.push(...slices);

  // recycleSlices: a create and a delete of the same address type become one update.
  for (let i = del.length - 1; i >= 0; i--) {
    const index = create.findIndex((s) => s.addressType === del[i]!.addressType);
    if (index < 0) continue;
    const [recycled] = create.splice(index, 1);
    recycled!.metadata = { ...recycled!.metadata, name: del[i]!.metadata?.name };
    delete recycled!.metadata.generateName;
    update.push(recycled!);
    del.splice(i, 1);
  }
  if (endpoints.metadata?.deletionTimestamp) create.length = 0;
  return { create, update, delete: del, invalidAddresses, skippedAddresses };
}

function sliceports(ports: readonly EndpointPort[]): SlicePort[] {
  return ports.map((p) => {
    const out: SlicePort = { name: p.name ?? '', protocol: p.protocol ?? 'TCP', port: p.port };
    if (p.appProtocol) out.appProtocol = p.appProtocol;
    return out;
  });
}

function mirrorKey(ports: readonly SlicePort[], type: AddressType): string {
  const sorted = ports.map((p) => JSON.stringify([p.name ?? '', p.protocol ?? 'TCP', p.port ?? 0, p.appProtocol ?? ''])).sort();
  return `${type}/${sorted.join(',')}`;
}

const ipv4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

/** The address as an endpoint and its type; undefined when it is not an IP address. */
function addressToEndpoint(address: EndpointAddress, ready: boolean): { endpoint: SliceEndpoint; type: AddressType } | undefined {
  const ip = address.ip ?? '';
  let type: AddressType;
  if (ipv4.test(ip)) type = 'IPv4';
  else if (ip.includes(':') && /^[0-9a-fA-F:.]+$/.test(ip)) type = 'IPv6';
  else return undefined;
  const endpoint: SliceEndpoint = { addresses: [type === 'IPv6' ? ip.toLowerCase() : ip], conditions: { ready } };
  if (address.hostname) endpoint.hostname = address.hostname;
  if (address.targetRef) endpoint.targetRef = structuredClone(address.targetRef);
  if (address.nodeName !== undefined) endpoint.nodeName = address.nodeName;
  return { endpoint, type };
}

function endpointKey(e: SliceEndpoint): string {
  return JSON.stringify([[...(e.addresses ?? [])].sort(), e.hostname ?? '', e.targetRef?.namespace ?? '', e.targetRef?.name ?? '']);
}

/** totalChanges: any endpoint to add, remove or update in the slice. */
function changes(slice: EndpointSlice, wanted: Map<string, SliceEndpoint>): boolean {
  let matches = 0;
  for (const e of slice.endpoints ?? []) {
    const want = wanted.get(endpointKey(e));
    if (!want) return true;
    matches++;
    if (
      (want.nodeName ?? null) !== (e.nodeName ?? null) ||
      (want.zone ?? null) !== (e.zone ?? null) ||
      (want.conditions?.ready ?? null) !== (e.conditions?.ready ?? null) ||
      (want.conditions?.serving ?? null) !== (e.conditions?.serving ?? null) ||
      (want.conditions?.terminating ?? null) !== (e.conditions?.terminating ?? null) ||
      JSON.stringify(refKey(want)) !== JSON.stringify(refKey(e))
    ) {
      return true;
    }
  }
  return wanted.size !== matches;
}

function refKey(e: SliceEndpoint): unknown {
  const r = e.targetRef;
  return r ? [r.kind ?? '', r.namespace ?? '', r.name ?? '', r.uid ?? '', r.apiVersion ?? '', r.fieldPath ?? ''] : null;
}

/** newEndpointSlice: the Endpoints' labels and annotations (but the trigger time and kubectl's last-applied), owned by it. */
function newMirroredSlice(endpoints: Endpoints, ports: SlicePort[], type: AddressType, replacing: EndpointSlice | undefined): EndpointSlice & { endpoints: SliceEndpoint[] } {
  const name = endpoints.metadata?.name ?? '';
  const labels: Record<string, string> = { ...endpoints.metadata?.labels, [labelServiceName]: name, [labelManagedBy]: mirroringControllerName };
  const annotations: Record<string, string> = {};
  for (const [k, v] of Object.entries(endpoints.metadata?.annotations ?? {})) {
    if (k !== annotationTriggerTime && k !== 'kubectl.kubernetes.io/last-applied-configuration') annotations[k] = v;
  }
  return {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: {
      ...(replacing ? { name: replacing.metadata?.name, resourceVersion: replacing.metadata?.resourceVersion } : { generateName: `${name}-` }),
      namespace: endpoints.metadata?.namespace,
      labels,
      ...(Object.keys(annotations).length ? { annotations } : {}),
      ownerReferences: [{ apiVersion: 'v1', kind: 'Endpoints', name, uid: endpoints.metadata?.uid ?? '', controller: true, blockOwnerDeletion: true }],
    },
    addressType: type,
    endpoints: [],
    ports: structuredClone(ports),
  };
}
