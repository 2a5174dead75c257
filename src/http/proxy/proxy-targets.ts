// Where a proxy subresource request goes (kube-apiserver's ResourceLocation for services, pods and
// nodes): the name may carry a scheme and a port, "[scheme:]name[:port]". A Service's port number
// is looked up among its ports; an address is picked at random from its Endpoints' ready
// addresses on that port, each checked against its pod. A pod's port defaults to its first
// container's first port. A node's port defaults to its kubelet's. The errors are the real ones:
// `no endpoints available for service "web"` (503), `pods "x" not found`, `address not allowed`.
import type { Duplex } from 'node:stream';
import { ApiError, badRequest, notFound, serviceUnavailable } from '../../apierrors/index.js';
import type { Endpoints, Node, Pod, Service } from '../../machinery/api-types.js';
import type { NodeConnections } from '../../machinery/node-connection.js';
import type { Registry } from '../../registry/registry.js';
import type { Catalogue } from '../../schema/catalogue.js';

export interface ProxyTargetDeps {
  catalogue: Catalogue;
  registry: Registry;
  nodeConnections?: NodeConnections;
  /** Picks among endpoints (Math.random by default). */
  random?: () => number;
}

export interface ProxyTarget {
  /** "http" or "https" (what the client asked for, or what the backend speaks). */
  scheme: string;
  /** host:port as the API server would dial it (error messages and the Host header name it). */
  hostPort: string;
  /** Opens the connection; rejects when nothing answers there. */
  connect(signal: AbortSignal): Promise<Duplex>;
  /** Set when the backend cannot speak the scheme asked for (an https request to a plain HTTP port). */
  schemeMismatch?: boolean;
}

/** utilnet.SplitSchemeNamePort: "name", "name:port" or "scheme:name:port", scheme http or https. */
export function splitSchemeNamePort(id: string): { scheme: string; name: string; port: string } | undefined {
  const parts = id.split(':');
  let scheme = '';
  let name: string;
  let port = '';
  if (parts.length === 1) name = parts[0]!;
  else if (parts.length === 2) [name, port] = parts as [string, string];
  else if (parts.length === 3) [scheme, name, port] = parts as [string, string, string];
  else return undefined;
  if (name === '' || (scheme !== '' && scheme !== 'http' && scheme !== 'https')) return undefined;
  return { scheme, name, port };
}

const quote = (s: string) => JSON.stringify(s);

async function getObject<T>(deps: ProxyTargetDeps, resource: string, namespace: string | undefined, name: string): Promise<T> {
  const info = deps.catalogue.lookup('', 'v1', resource)!;
  return (await deps.registry.store(info).get(namespace, name)).copy() as T;
}

async function findObject<T>(deps: ProxyTargetDeps, resource: string, namespace: string | undefined, name: string): Promise<T | undefined> {
  try {
    return await getObject<T>(deps, resource, namespace, name);
  } catch (err) {
    if (err instanceof ApiError && err.code === 404) return undefined;
    throw err;
  }
}

const joinHostPort = (host: string, port: number | string) => (host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`);

function refused(): Promise<never> {
  return Promise.reject(new Error('connection refused'));
}

function podConnection(deps: ProxyTargetDeps, namespace: string, pod: string, port: number): (signal: AbortSignal) => Promise<Duplex> {
  const connections = deps.nodeConnections;
  return connections ? (signal) => connections.portForward(namespace, pod, port, signal) : refused;
}

export async function serviceTarget(deps: ProxyTargetDeps, namespace: string, id: string): Promise<ProxyTarget> {
  const split = splitSchemeNamePort(id);
  if (!split) throw badRequest(`invalid service request ${quote(id)}`);
  const { scheme, name } = split;
  let portName = split.port;
  if (/^[+-]?\d+$/.test(portName)) {
    const svc = await getObject<Service>(deps, 'services', namespace, name);
    const number = Number(portName);
    const declared = (svc.spec?.ports ?? []).find((p) => p.port === number);
    if (!declared) throw serviceUnavailable(`no service port ${number} found for service ${quote(name)}`);
    portName = declared.name ?? '';
  }
  const endpoints = await getObject<Endpoints>(deps, 'endpoints', namespace, name);
  const subsets = endpoints.subsets ?? [];
  if (subsets.length === 0) throw serviceUnavailable(`no endpoints available for service ${quote(name)}`);
  const random = deps.random ?? Math.random;
  const subsetSeed = Math.floor(random() * subsets.length);
  for (let s = 0; s < subsets.length; s++) {
    const subset = subsets[(subsetSeed + s) % subsets.length]!;
    const addresses = subset.addresses ?? [];
    if (addresses.length === 0) continue;
    for (const port of subset.ports ?? []) {
      if ((port.name ?? '') !== portName) continue;
      const addressSeed = Math.floor(random() * addresses.length);
      for (let t = 0; t < addresses.length; t++) {
        const address = addresses[(addressSeed + t) % addresses.length]!;
        // Only an address whose pod is still there at that IP (isValidAddress).
        const ref = address.targetRef;
        if (!ref || ref.namespace !== namespace || !ref.name) continue;
        const pod = await findObject<Pod>(deps, 'pods', namespace, ref.name);
        if (!pod || !(pod.status?.podIPs ?? []).some((p) => p.ip === address.ip)) continue;
        return {
          scheme: scheme || 'http',
          hostPort: joinHostPort(address.ip, port.port),
          connect: podConnection(deps, namespace, ref.name, port.port),
          schemeMismatch: scheme === 'https',
        };
      }
    }
  }
  throw serviceUnavailable(`no endpoints available for service ${quote(id)}`);
}

export async function podTarget(deps: ProxyTargetDeps, namespace: string, id: string): Promise<ProxyTarget> {
  const split = splitSchemeNamePort(id);
  if (!split) throw badRequest(`invalid pod request ${quote(id)}`);
  const pod = await getObject<Pod>(deps, 'pods', namespace, split.name);
  let port = split.port;
  if (port === '') {
    const first = (pod.spec?.containers ?? []).find((c) => (c.ports ?? []).length > 0);
    if (first) port = String(first.ports![0]!.containerPort);
  }
  const ip = pod.status?.podIPs?.[0]?.ip ?? '';
  if (!isGlobalUnicast(ip)) throw badRequest('address not allowed');
  const scheme = split.scheme || 'http';
  if (port === '') port = scheme === 'https' ? '443' : '80';
  const hostPort = joinHostPort(ip, port);
  if (!/^\d+$/.test(port)) {
    return { scheme, hostPort, connect: () => Promise.reject(new Error(`lookup tcp/${port}: unknown port`)) };
  }
  return { scheme, hostPort, connect: podConnection(deps, namespace, split.name, Number(port)), schemeMismatch: scheme === 'https' };
}

export async function nodeTarget(deps: ProxyTargetDeps, id: string): Promise<ProxyTarget> {
  const split = splitSchemeNamePort(id);
  if (!split) throw badRequest(`invalid node request ${quote(id)}`);
  const node = await findObject<Node>(deps, 'nodes', undefined, split.name);
  if (!node) throw notFound({ group: '', resource: 'nodes' }, split.name);
  const addresses = node.status?.addresses ?? [];
  const host = addresses.find((a) => a.type === 'InternalIP')?.address ?? addresses[0]?.address ?? split.name;
  const kubeletPort = node.status?.daemonEndpoints?.kubeletEndpoint?.Port || 10250;
  const connections = deps.nodeConnections;
  const dial = (port: number) => (connections ? (signal: AbortSignal) => connections.dialNode(split.name, port, signal) : refused);
  if (split.port === '' || split.port === String(kubeletPort)) {
    // The kubelet's own port, over the API server's kubelet client (HTTPS, whatever was asked).
    return { scheme: 'https', hostPort: joinHostPort(host, kubeletPort), connect: dial(kubeletPort) };
  }
  const scheme = split.scheme || 'http';
  if (!/^\d+$/.test(split.port)) return { scheme, hostPort: joinHostPort(host, split.port), connect: () => Promise.reject(new Error(`lookup tcp/${split.port}: unknown port`)) };
  return { scheme, hostPort: joinHostPort(host, split.port), connect: dial(Number(split.port)) };
}

/** net.IP.IsGlobalUnicast for the addresses pods get: not unspecified, loopback, link-local, multicast or broadcast. */
function isGlobalUnicast(ip: string): boolean {
  const v4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(ip);
  if (v4) {
    const [a, b] = [Number(v4[1]), Number(v4[2])];
    if ([a, b, Number(v4[3]), Number(v4[4])].some((n) => n > 255)) return false;
    if (ip === '0.0.0.0' || ip === '255.255.255.255' || a === 127 || (a === 169 && b === 254) || (a >= 224 && a <= 239)) return false;
    return true;
  }
  if (!ip.includes(':')) return false;
  const lower = ip.toLowerCase();
  return lower !== '::' && lower !== '::1' && !lower.startsWith('fe8') && !lower.startsWith('fe9') && !lower.startsWith('fea') && !lower.startsWith('feb') && !lower.startsWith('ff');
}
