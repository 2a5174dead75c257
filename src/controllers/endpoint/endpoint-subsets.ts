// The v1 Endpoints of a Service with a selector, as pkg/controller/endpoint computes them: each
// selected pod with an IP is an address (ready, or not ready unless publishNotReadyAddresses)
// per Service port its targetPort resolves on; the addresses are then repacked into the
// canonical subsets — one subset per distinct set of addresses (with their readiness), carrying
// every port those addresses share — and cut to 1,000 addresses, ready ones first.
import type { EndpointAddress, EndpointPort, EndpointSubset, Pod, Service } from '../../machinery/api-types.js';
import { isPodReady } from '../workload/pod-status.js';
import { findPort, isIPv6, podIPs, shouldPodBeInEndpoints, shouldSetHostname } from '../service-endpoints/pod-endpoints.js';

/** The most addresses an Endpoints object holds (beyond: truncated, and annotated so). */
export const maxEndpointsCapacity = 1000;

export function endpointSubsets(service: Service, pods: readonly Pod[]): EndpointSubset[] {
  const tolerateUnready = service.spec?.publishNotReadyAddresses === true;
  const ports = service.spec?.ports ?? [];
  const headless = service.spec?.clusterIP === 'None';
  const raw: EndpointSubset[] = [];
  for (const pod of pods) {
    if (!shouldPodBeInEndpoints(pod, tolerateUnready)) continue;
    const address = endpointAddress(service, pod);
    if (!address) continue;
    const isReady = tolerateUnready || isPodReady(pod);
    const add = (port: EndpointPort | undefined) => raw.push({ ...(isReady ? { addresses: [address] } : { notReadyAddresses: [address] }), ports: port ? [port] : [] });
    // A headless Service may have no ports: its addresses still count.
    if (ports.length === 0) {
      if (headless) add(undefined);
      continue;
    }
    for (const svcPort of ports) {
      const portNum = findPort(pod, svcPort);
      if (portNum === undefined) continue;
      // In the Go struct's field order: name (omitted when empty), port, protocol, appProtocol.
      const port = (svcPort.name ? { name: svcPort.name, port: portNum } : { port: portNum }) as EndpointPort;
      port.protocol = svcPort.protocol ?? 'TCP';
      if (svcPort.appProtocol) port.appProtocol = svcPort.appProtocol;
      add(port);
    }
  }
  return repackSubsets(raw);
}

/** podToEndpointAddressForService: the pod's IP of the Service's first family. */
function endpointAddress(service: Service, pod: Pod): EndpointAddress | undefined {
  const wantV6 = serviceWantsIPv6(service, pod);
  const ip = podIPs(pod).find((candidate) => isIPv6(candidate) === wantV6);
  if (!ip) return undefined;
  const address: EndpointAddress = { ip };
  if (shouldSetHostname(pod, service)) address.hostname = pod.spec!.hostname;
  address.nodeName = pod.spec?.nodeName ?? '';
  address.targetRef = { kind: 'Pod', namespace: pod.metadata?.namespace, name: pod.metadata?.name, uid: pod.metadata?.uid };
  return address;
}

function serviceWantsIPv6(service: Service, pod: Pod): boolean {
  const family = service.spec?.ipFamilies?.[0];
  if (family) return family === 'IPv6';
  const clusterIP = service.spec?.clusterIP;
  if (clusterIP && clusterIP !== 'None') return isIPv6(clusterIP);
  return isIPv6(pod.status?.podIP ?? '');
}

/**
 * RepackSubsets: addresses grouped by the ports they serve, then ports grouped by identical
 * address sets. An address that is not ready on a port in one subset stays not ready there.
 * Ordering (addresses by IP, then pod uid; ports and subsets in a stable order) makes equal
 * endpoints compare equal.
 */
export function repackSubsets(subsets: readonly EndpointSubset[]): EndpointSubset[] {
  const addressByKey = new Map<string, EndpointAddress>();
  const portKeys = new Map<string, EndpointPort | undefined>();
  const readyByPort = new Map<string, Map<string, boolean>>();
  const mapAddress = (address: EndpointAddress, portKey: string, ready: boolean) => {
    const key = `${address.ip}/${address.targetRef?.uid ?? ''}`;
    if (!addressByKey.has(key)) addressByKey.set(key, address);
    let set = readyByPort.get(portKey);
    if (!set) readyByPort.set(portKey, (set = new Map()));
    const was = set.get(key);
    if (was === undefined || was) set.set(key, ready);
  };
  for (const subset of subsets) {
    const ports: (EndpointPort | undefined)[] = subset.ports?.length ? subset.ports : [undefined];
    for (const port of ports) {
      const portKey = port ? JSON.stringify([port.name ?? '', port.port, port.protocol ?? 'TCP', port.appProtocol ?? '']) : '';
      portKeys.set(portKey, port);
      for (const a of subset.addresses ?? []) mapAddress(a, portKey, true);
      for (const a of subset.notReadyAddresses ?? []) mapAddress(a, portKey, false);
    }
  }
  // Ports sharing the same addresses (with the same readiness) form one subset.
  const groups = new Map<string, { set: Map<string, boolean>; ports: EndpointPort[] }>();
  for (const [portKey, set] of readyByPort) {
    const setKey = [...set].map(([k, r]) => `${k}=${r}`).sort().join(',');
    let group = groups.get(setKey);
    if (!group) groups.set(setKey, (group = { set, ports: [] }));
    const port = portKeys.get(portKey);
    if (port) group.ports.push(port);
  }
  const out: EndpointSubset[] = [];
  for (const { set, ports } of groups.values()) {
    const ready: EndpointAddress[] = [];
    const notReady: EndpointAddress[] = [];
    for (const [key, isReady] of set) (isReady ? ready : notReady).push(addressByKey.get(key)!);
    const subset: EndpointSubset = {};
    if (ready.length) subset.addresses = ready.sort(compareAddresses);
    if (notReady.length) subset.notReadyAddresses = notReady.sort(compareAddresses);
    if (ports.length) subset.ports = ports.sort(comparePorts);
    out.push(subset);
  }
  return out.sort((a, b) => compareAddresses(firstAddress(a), firstAddress(b)) || comparePorts(a.ports?.[0] ?? { port: 0 }, b.ports?.[0] ?? { port: 0 }));
}

function firstAddress(subset: EndpointSubset): EndpointAddress {
  return subset.addresses?.[0] ?? subset.notReadyAddresses?.[0] ?? { ip: '' };
}

function compareAddresses(a: EndpointAddress, b: EndpointAddress): number {
  if (a.ip !== b.ip) return a.ip < b.ip ? -1 : 1;
  const ua = a.targetRef?.uid ?? '';
  const ub = b.targetRef?.uid ?? '';
  return ua < ub ? -1 : ua > ub ? 1 : 0;
}

function comparePorts(a: EndpointPort, b: EndpointPort): number {
  const ka = `${a.name ?? ''}\u0000${String(a.port ?? 0).padStart(5, '0')}\u0000${a.protocol ?? ''}`;
  const kb = `${b.name ?? ''}\u0000${String(b.port ?? 0).padStart(5, '0')}\u0000${b.protocol ?? ''}`;
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}

/**
 * truncateEndpoints: over 1,000 addresses, each subset keeps its share (rounded up) of the room
 * left, ready addresses before not-ready ones. Returns whether anything was cut.
 */
export function truncateSubsets(subsets: EndpointSubset[], max = maxEndpointsCapacity): boolean {
  let totalReady = 0;
  let totalNotReady = 0;
  for (const s of subsets) {
    totalReady += s.addresses?.length ?? 0;
    totalNotReady += s.notReadyAddresses?.length ?? 0;
  }
  if (totalReady + totalNotReady <= max) return false;
  const truncateReady = totalReady > max;
  const room = truncateReady ? max : max - totalReady;
  const total = truncateReady ? totalReady : totalNotReady;
  let left = room;
  for (const s of subsets) {
    const inSubset = (truncateReady ? s.addresses?.length : s.notReadyAddresses?.length) ?? 0;
    const share = Math.min(Math.ceil((inSubset / total) * room), left);
    if (truncateReady) {
      s.addresses = s.addresses?.slice(0, share);
      delete s.notReadyAddresses;
      left -= s.addresses?.length ?? 0;
    } else {
      s.notReadyAddresses = s.notReadyAddresses?.slice(0, share);
      left -= s.notReadyAddresses?.length ?? 0;
    }
    if (s.addresses?.length === 0) delete s.addresses;
    if (s.notReadyAddresses?.length === 0) delete s.notReadyAddresses;
  }
  return true;
}

/** Equal subsets, whatever the resourceVersion of the pods they point at. */
export function subsetsEqual(a: readonly EndpointSubset[] | undefined, b: readonly EndpointSubset[] | undefined): boolean {
  return JSON.stringify(normalize(a)) === JSON.stringify(normalize(b));
}

function normalize(subsets: readonly EndpointSubset[] | undefined): unknown {
  return (subsets ?? []).map((s) => ({
    a: (s.addresses ?? []).map(addressKey),
    n: (s.notReadyAddresses ?? []).map(addressKey),
    p: (s.ports ?? []).map((p) => [p.name ?? '', p.port, p.protocol ?? 'TCP', p.appProtocol ?? '']),
  }));
}

function addressKey(a: EndpointAddress): unknown[] {
  const r = a.targetRef;
  return [a.ip, a.hostname ?? '', a.nodeName ?? null, r ? [r.kind ?? '', r.namespace ?? '', r.name ?? '', r.uid ?? '', r.apiVersion ?? '', r.fieldPath ?? ''] : null];
}
