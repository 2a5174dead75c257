// Printers for service networking: services, endpoints, endpoint slices, ingresses, ingress
// classes, network policies, service CIDRs and IP addresses.
import {
  ageColumn, column, definePrinter, listWithMore, nameColumn, objectAge, objectName, sortedUnique, wideColumn,
} from './columns.js';
import { formatLabels, formatLabelSelector } from './label-selectors.js';
import type { TablePrinter } from './types.js';

/**
 * Load-balancer ingress points, IPs preferred over hostnames, unique and sorted. The server renders
 * tables in wide mode, so the 16-character clipping of client-side printing never applies.
 */
function loadBalancerAddresses(status: any): string {
  const addresses: string[] = [];
  for (const ingress of status?.ingress ?? []) {
    if (ingress?.ip) addresses.push(ingress.ip);
    else if (ingress?.hostname) addresses.push(ingress.hostname);
  }
  return sortedUnique(addresses).join(',');
}

function serviceExternalIP(service: any): string {
  const externalIPs: string[] = service.spec?.externalIPs ?? [];
  switch (service.spec?.type ?? 'ClusterIP') {
    case 'ClusterIP':
    case 'NodePort':
      return externalIPs.length > 0 ? externalIPs.join(',') : '<none>';
    case 'LoadBalancer': {
      const lb = loadBalancerAddresses(service.status?.loadBalancer);
      if (externalIPs.length > 0) return (lb === '' ? externalIPs : [...lb.split(','), ...externalIPs]).join(',');
      return lb === '' ? '<pending>' : lb;
    }
    case 'ExternalName':
      return service.spec?.externalName ?? '';
    default:
      return '<unknown>';
  }
}

/** "80/TCP,443:30443/TCP": port, node port when allocated, protocol (TCP by default). */
function servicePorts(ports: any[] | undefined): string {
  if (!ports || ports.length === 0) return '<none>';
  let text = '';
  for (let i = 0; i < ports.length; i++) {
    const port = ports[i] ?? {};
    if (i > 0) text += ',';
    const protocol = port.protocol ?? 'TCP';
    text += port.nodePort > 0 ? `${port.port}:${port.nodePort}/${protocol}` : `${port.port}/${protocol}`;
  }
  return text;
}

export const servicePrinter: TablePrinter = definePrinter(
  [
    nameColumn,
    column('Type', 'string', 'How the service is exposed: ClusterIP, NodePort, LoadBalancer or ExternalName.'),
    column('Cluster-IP', 'string', 'The IP address of the service, usually assigned randomly (spec.clusterIPs[0]).'),
    column('External-IP', 'string', 'IP addresses or hostnames the service is reachable on from outside the cluster.'),
    column('Port(s)', 'string', 'The ports exposed by this service.'),
    ageColumn,
    wideColumn('Selector', 'string', 'Route service traffic to pods with labels matching this selector.'),
  ],
  (obj, now) => {
    const spec = obj.spec ?? {};
    // Older writers set only clusterIP; the API server mirrors it into clusterIPs.
    const clusterIP: string = spec.clusterIPs?.[0] ?? (spec.clusterIP || '<none>');
    return [
      objectName(obj),
      spec.type ?? 'ClusterIP',
      clusterIP,
      serviceExternalIP(obj),
      servicePorts(spec.ports),
      objectAge(obj, now),
      formatLabels(spec.selector),
    ];
  },
);

/** Up to three "ip:port" endpoints (bare IPs for port-less subsets), then "+ N more...". */
function endpointsCell(subsets: any[] | undefined): string {
  if (!subsets || subsets.length === 0) return '<none>';
  const max = 3;
  const list: string[] = [];
  let count = 0;
  for (const subset of subsets) {
    const addresses: any[] = subset?.addresses ?? [];
    const ports: any[] = subset?.ports ?? [];
    if (ports.length === 0) {
      count += addresses.length;
      for (const address of addresses) {
        if (list.length === max) break;
        list.push(address?.ip ?? '');
      }
      continue;
    }
    for (const port of ports) {
      count += addresses.length;
      for (const address of addresses) {
        if (list.length === max) break;
        list.push(joinHostPort(address?.ip ?? '', port?.port ?? 0));
      }
    }
  }
  return listWithMore(list, count, max, '');
}

/** Go's net.JoinHostPort: IPv6 literals get brackets. */
function joinHostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

export const endpointsPrinter: TablePrinter = definePrinter(
  [
    nameColumn,
    column('Endpoints', 'string', 'The set of addresses and ports that comprise the service.'),
    ageColumn,
  ],
  (obj, now) => [objectName(obj), endpointsCell(obj.subsets), objectAge(obj, now)],
);

function endpointSlicePorts(ports: any[] | undefined): string {
  const max = 3;
  const list: string[] = [];
  const all = ports ?? [];
  for (const port of all) {
    if (list.length === max) break;
    if (port?.port !== undefined && port.port !== null) list.push(String(port.port));
    else if (port?.name !== undefined && port.name !== null) list.push(port.name);
    else list.push('*');
  }
  return listWithMore(list, all.length, max, '<unset>');
}

function endpointSliceAddresses(endpoints: any[] | undefined): string {
  const max = 3;
  const list: string[] = [];
  let count = 0;
  for (const endpoint of endpoints ?? []) {
    for (const address of endpoint?.addresses ?? []) {
      if (list.length < max) list.push(address);
      count++;
    }
  }
  return listWithMore(list, count, max, '<unset>');
}

export const endpointSlicePrinter: TablePrinter = definePrinter(
  [
    nameColumn,
    column('AddressType', 'string', 'The type of address carried by this slice: IPv4, IPv6 or FQDN.'),
    column('Ports', 'string', 'Network ports exposed by each endpoint in this slice.'),
    column('Endpoints', 'string', 'Addresses of the endpoints in this slice.'),
    ageColumn,
  ],
  (obj, now) => [
    objectName(obj), obj.addressType ?? '', endpointSlicePorts(obj.ports), endpointSliceAddresses(obj.endpoints),
    objectAge(obj, now),
  ],
);

/** Up to three rule hosts, then "+ N more..." (counted over all rules); "*" when none names a host. */
function ingressHosts(rules: any[] | undefined): string {
  const max = 3;
  const list: string[] = [];
  const all = rules ?? [];
  let more = false;
  for (const rule of all) {
    // "More" means a rule remains once three hosts are listed, whether or not it names a host.
    if (list.length === max) {
      more = true;
      break;
    }
    if (rule?.host) list.push(rule.host);
  }
  if (list.length === 0) return '*';
  return more ? `${list.join(',')} + ${all.length - max} more...` : list.join(',');
}

export const ingressPrinter: TablePrinter = definePrinter(
  [
    nameColumn,
    column('Class', 'string', 'The name of the IngressClass resource that should be used for additional configuration'),
    column('Hosts', 'string', 'Hosts that incoming requests are matched against before the ingress rule'),
    column('Address', 'string', 'Address is a list containing ingress points for the load-balancer'),
    column('Ports', 'string', 'Ports of TLS configurations that open'),
    ageColumn,
  ],
  (obj, now) => [
    objectName(obj),
    obj.spec?.ingressClassName ?? '<none>',
    ingressHosts(obj.spec?.rules),
    loadBalancerAddresses(obj.status?.loadBalancer),
    (obj.spec?.tls ?? []).length > 0 ? '80, 443' : '80',
    objectAge(obj, now),
  ],
);

export const ingressClassPrinter: TablePrinter = definePrinter(
  [
    nameColumn,
    column('Controller', 'string', 'Controller that is responsible for handling this class'),
    column('Parameters', 'string', 'A reference to a resource with additional parameters'),
    ageColumn,
  ],
  (obj, now) => {
    const parameters = obj.spec?.parameters;
    let parametersCell = '<none>';
    if (parameters) {
      parametersCell = parameters.kind ?? '';
      if (parameters.apiGroup !== undefined && parameters.apiGroup !== null) parametersCell += `.${parameters.apiGroup}`;
      parametersCell += `/${parameters.name ?? ''}`;
    }
    return [objectName(obj), obj.spec?.controller ?? '', parametersCell, objectAge(obj, now)];
  },
);

export const networkPolicyPrinter: TablePrinter = definePrinter(
  [
    nameColumn,
    column('Pod-Selector', 'string', 'Selects the pods to which this policy applies; empty selects all pods in the namespace.'),
    ageColumn,
  ],
  // podSelector is a required struct, so an absent one reads as the empty (select-all) selector.
  (obj, now) => [objectName(obj), formatLabelSelector(obj.spec?.podSelector ?? {}), objectAge(obj, now)],
);

export const serviceCIDRPrinter: TablePrinter = definePrinter(
  [
    nameColumn,
    column('CIDRs', 'string', 'The IP blocks, in CIDR notation, from which service cluster IPs are allocated.'),
    ageColumn,
  ],
  (obj, now) => [objectName(obj), (obj.spec?.cidrs ?? []).join(','), objectAge(obj, now)],
);

// The real printer appends an age cell beyond its two columns; kubectl never shows it, and a row
// here always has exactly one cell per column.
export const ipAddressPrinter: TablePrinter = definePrinter(
  [
    nameColumn,
    column('ParentRef', 'string', 'The object this IP address is allocated to.'),
  ],
  (obj, _now) => {
    const parent = obj.spec?.parentRef;
    let parentCell = '<none>';
    if (parent) {
      const groupResource = parent.group ? `${parent.resource ?? ''}.${parent.group}` : parent.resource ?? '';
      parentCell = groupResource.toLowerCase();
      if (parent.namespace) parentCell += `/${parent.namespace}`;
      parentCell += `/${parent.name ?? ''}`;
    }
    return [objectName(obj), parentCell];
  },
);
