// What a process in a container sees, as a kubelet and container runtime set it up: its
// environment (env, envFrom, the downward API, resource fields, service links, what the runtime
// adds) and its files (the volumes mounted into it, plus the /etc files the kubelet manages).
// A read-only view built from the API objects at the moment it is asked for: exec reads it.
import type { LocalClient } from '../client/local-client.js';
import type { ConfigMap, Container, Node, Pod, Secret, Service } from '../machinery/api-types.js';
import { milliValue, parseQuantity, value as quantityValue } from '../machinery/quantity.js';

export interface DirEntry {
  name: string;
  kind: 'file' | 'dir';
  size: number;
  mode: number;
}

/** A path that is not there, or not what the caller wanted (the runtime's errno, as a code). */
export class FileAccessError extends Error {
  constructor(
    readonly code: 'ENOENT' | 'EISDIR' | 'ENOTDIR',
    readonly path: string,
  ) {
    super(`${path}: ${code === 'ENOENT' ? 'No such file or directory' : code === 'EISDIR' ? 'Is a directory' : 'Not a directory'}`);
    this.name = 'FileAccessError';
  }
}

/** A container that a real kubelet could not start: a missing ConfigMap, Secret or key it needs. */
export class ContainerConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ContainerConfigError';
  }
}

export interface ContainerView {
  pod: Pod;
  container: Container;
  hostname: string;
  /** Name → value, in the order `env` prints them. */
  environment: ReadonlyMap<string, string>;
  workingDir: string;
  readFile(path: string): Buffer;
  listDir(path: string): DirEntry[];
  /** What is at `path`, or undefined. */
  stat(path: string): DirEntry | undefined;
}

export interface ContainerViewOptions {
  /** The cluster's DNS domain (kubelet --cluster-domain). */
  clusterDomain?: string;
  /** The cluster DNS service address written to resolv.conf (kubelet --cluster-dns). */
  clusterDns?: string;
}

type FsNode = { kind: 'file'; content: Buffer; mode: number } | { kind: 'dir'; entries: Map<string, FsNode>; mode: number };

const defaultPath = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

export async function containerView(pod: Pod, containerName: string, client: LocalClient, options: ContainerViewOptions = {}): Promise<ContainerView> {
  const spec = pod.spec;
  const container = [...(spec?.initContainers ?? []), ...(spec?.containers ?? []), ...(spec?.ephemeralContainers ?? [])].find((c) => c.name === containerName) as
    | Container
    | undefined;
  if (!container) throw new ContainerConfigError(`container "${containerName}" not found in pod "${pod.metadata?.name ?? ''}"`);
  const sources = new ObjectSource(client, pod.metadata?.namespace ?? 'default');
  const clusterDomain = options.clusterDomain ?? 'cluster.local';
  const { hostname, fqdn } = podHostname(pod, clusterDomain);
  const environment = await resolveEnvironment(pod, container, sources, hostname);
  const root = await buildFileTree(pod, container, sources, { hostname, fqdn, clusterDomain, clusterDns: options.clusterDns ?? '10.96.0.10' });
  const workingDir = container.workingDir || '/';

  const find = (path: string): FsNode | undefined => {
    let node: FsNode = root;
    for (const part of splitPath(resolvePath(workingDir, path))) {
      if (node.kind !== 'dir') return undefined;
      const next = node.entries.get(part);
      if (!next) return undefined;
      node = next;
    }
    return node;
  };
  const entry = (name: string, node: FsNode): DirEntry => ({ name, kind: node.kind, size: node.kind === 'file' ? node.content.length : 4096, mode: node.mode });
  return {
    pod,
    container,
    hostname,
    environment,
    workingDir,
    readFile(path) {
      const node = find(path);
      if (!node) throw new FileAccessError(parentIsFile(path) ? 'ENOTDIR' : 'ENOENT', path);
      if (node.kind === 'dir') throw new FileAccessError('EISDIR', path);
      return node.content;
    },
    listDir(path) {
      const node = find(path);
      if (!node) throw new FileAccessError('ENOENT', path);
      if (node.kind !== 'dir') throw new FileAccessError('ENOTDIR', path);
      return [...node.entries].map(([name, n]) => entry(name, n)).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    },
    stat(path) {
      const node = find(path);
      const parts = splitPath(resolvePath(workingDir, path));
      return node ? entry(parts.at(-1) ?? '/', node) : undefined;
    },
  };

  function parentIsFile(path: string): boolean {
    const parts = splitPath(resolvePath(workingDir, path));
    for (let i = 1; i < parts.length; i++) {
      const n = find(`/${parts.slice(0, i).join('/')}`);
      if (n?.kind === 'file') return true;
    }
    return false;
  }
}

/** An absolute, normalised path. */
export function resolvePath(cwd: string, path: string): string {
  const parts = path.startsWith('/') ? [] : splitPath(cwd);
  for (const p of path.split('/')) {
    if (p === '' || p === '.') continue;
    if (p === '..') parts.pop();
    else parts.push(p);
  }
  return `/${parts.join('/')}`;
}

function splitPath(path: string): string[] {
  return path.split('/').filter((p) => p !== '' && p !== '.');
}

/** The kubelet's GeneratePodHostNameAndDomain. */
export function podHostname(pod: Pod, clusterDomain = 'cluster.local'): { hostname: string; fqdn?: string } {
  let hostname = (pod.spec?.hostname || pod.metadata?.name || '').slice(0, 63).replace(/[-.]+$/, '');
  const subdomain = pod.spec?.subdomain;
  const fqdn = subdomain ? `${hostname}.${subdomain}.${pod.metadata?.namespace ?? 'default'}.svc.${clusterDomain}` : undefined;
  if (pod.spec?.setHostnameAsFQDN && fqdn) hostname = fqdn;
  return { hostname, fqdn };
}

/** ConfigMaps, Secrets, Services and the Node, each read once per view. */
class ObjectSource {
  private readonly cache = new Map<string, Promise<unknown>>();
  constructor(
    private readonly client: LocalClient,
    readonly namespace: string,
  ) {}

  configMap(name: string): Promise<ConfigMap | undefined> {
    return this.once(`cm/${name}`, () => this.client.resource<ConfigMap>('', 'v1', 'configmaps').find(this.namespace, name));
  }
  secret(name: string): Promise<Secret | undefined> {
    return this.once(`secret/${name}`, () => this.client.resource<Secret>('', 'v1', 'secrets').find(this.namespace, name));
  }
  node(name: string | undefined): Promise<Node | undefined> {
    if (!name) return Promise.resolve(undefined);
    return this.once(`node/${name}`, () => this.client.resource<Node>('', 'v1', 'nodes').find(undefined, name));
  }
  /** The kubelet's token manager: a token bound to the pod, from the service account's token subresource. */
  token(pod: Pod, projection: { audience?: string; expirationSeconds?: number }): Promise<string> {
    const sa = pod.spec?.serviceAccountName ?? 'default';
    return this.once(`token/${sa}/${projection.audience ?? ''}/${projection.expirationSeconds ?? ''}`, async () => {
      try {
        const issued = await this.client.resource('', 'v1', 'serviceaccounts').createToken(this.namespace, sa, {
          apiVersion: 'authentication.k8s.io/v1',
          kind: 'TokenRequest',
          spec: {
            audiences: projection.audience ? [projection.audience] : [],
            expirationSeconds: projection.expirationSeconds ?? 3600,
            boundObjectRef: { apiVersion: 'v1', kind: 'Pod', name: pod.metadata?.name, uid: pod.metadata?.uid },
          },
        });
        return (issued.status as { token: string }).token;
      } catch (err) {
        throw new ContainerConfigError(`failed to fetch token: ${err instanceof Error ? err.message : String(err)}`);
      }
    });
  }
  async services(namespace: string): Promise<Service[]> {
    return this.once(`svc/${namespace}`, async () => (await this.client.resource<Service>('', 'v1', 'services').list(namespace)).items);
  }
  private once<T>(key: string, load: () => Promise<T>): Promise<T> {
    let p = this.cache.get(key) as Promise<T> | undefined;
    if (!p) this.cache.set(key, (p = load()));
    return p;
  }
}

// ---- environment ----

async function resolveEnvironment(pod: Pod, container: Container, sources: ObjectSource, hostname: string): Promise<Map<string, string>> {
  const ns = sources.namespace;
  const declared = new Map<string, string>();
  const serviceEnv = await serviceEnvironment(pod, sources);

  for (const from of container.envFrom ?? []) {
    const prefix = from.prefix ?? '';
    if (from.configMapRef) {
      const cm = await sources.configMap(from.configMapRef.name ?? '');
      if (!cm) {
        if (from.configMapRef.optional) continue;
        throw new ContainerConfigError(`configmap "${from.configMapRef.name ?? ''}" not found`);
      }
      for (const [k, v] of Object.entries(cm.data ?? {})) if (validEnvName(prefix + k)) declared.set(prefix + k, v);
    }
    if (from.secretRef) {
      const secret = await sources.secret(from.secretRef.name ?? '');
      if (!secret) {
        if (from.secretRef.optional) continue;
        throw new ContainerConfigError(`secret "${from.secretRef.name ?? ''}" not found`);
      }
      for (const [k, v] of Object.entries(secret.data ?? {})) if (validEnvName(prefix + k)) declared.set(prefix + k, Buffer.from(v, 'base64').toString('utf8'));
    }
  }

  // $(VAR) refers to what is defined so far (envFrom, earlier env) or to a service variable.
  const lookup = (name: string) => declared.get(name) ?? serviceEnv.get(name);
  for (const env of container.env ?? []) {
    let value: string | undefined;
    if (env.valueFrom) {
      const from = env.valueFrom;
      if (from.fieldRef) value = podFieldValue(pod, from.fieldRef.fieldPath);
      else if (from.resourceFieldRef) value = await resourceFieldValue(pod, container, from.resourceFieldRef, sources);
      else if (from.configMapKeyRef) {
        const ref = from.configMapKeyRef;
        const cm = await sources.configMap(ref.name ?? '');
        if (!cm) {
          if (ref.optional) continue;
          throw new ContainerConfigError(`configmap "${ref.name ?? ''}" not found`);
        }
        value = cm.data?.[ref.key];
        if (value === undefined) {
          if (ref.optional) continue;
          throw new ContainerConfigError(`couldn't find key ${ref.key} in ConfigMap ${ns}/${ref.name ?? ''}`);
        }
      } else if (from.secretKeyRef) {
        const ref = from.secretKeyRef;
        const secret = await sources.secret(ref.name ?? '');
        if (!secret) {
          if (ref.optional) continue;
          throw new ContainerConfigError(`secret "${ref.name ?? ''}" not found`);
        }
        const raw = secret.data?.[ref.key];
        if (raw === undefined) {
          if (ref.optional) continue;
          throw new ContainerConfigError(`couldn't find key ${ref.key} in Secret ${ns}/${ref.name ?? ''}`);
        }
        value = Buffer.from(raw, 'base64').toString('utf8');
      }
    } else {
      value = expandVariables(env.value ?? '', lookup);
    }
    declared.set(env.name, value ?? '');
  }

  // The runtime's own: the image's PATH, the hostname, then the pod's, then the service links.
  const environment = new Map<string, string>();
  environment.set('PATH', declared.get('PATH') ?? defaultPath);
  environment.set('HOSTNAME', hostname);
  for (const [k, v] of declared) environment.set(k, v);
  for (const [k, v] of serviceEnv) if (!environment.has(k)) environment.set(k, v);
  if (!environment.has('HOME')) environment.set('HOME', '/root');
  return environment;
}

/** Keys envFrom may turn into variables (the relaxed rule: printable ASCII without '='). */
function validEnvName(name: string): boolean {
  return name.length > 0 && /^[\x20-\x7e]+$/.test(name) && !name.includes('=') && !/^[0-9]/.test(name);
}

/** Kubernetes' $(VAR) expansion: $$ escapes, unknown references stay as written. */
export function expandVariables(input: string, lookup: (name: string) => string | undefined): string {
  let out = '';
  for (let i = 0; i < input.length; i++) {
    const c = input[i];
    if (c !== '$' || i + 1 >= input.length) {
      out += c;
      continue;
    }
    const next = input[i + 1];
    if (next === '$') {
      out += '$';
      i++;
    } else if (next === '(') {
      const close = input.indexOf(')', i + 2);
      if (close < 0) {
        out += input.slice(i);
        break;
      }
      const name = input.slice(i + 2, close);
      const value = name ? lookup(name) : undefined;
      out += value ?? `$(${name})`;
      i = close;
    } else {
      out += c;
    }
  }
  return out;
}

/** The downward API's pod fields (podFieldSelectorRuntimeValue). */
export function podFieldValue(pod: Pod, fieldPath: string): string {
  const labelOrAnnotation = /^metadata\.(labels|annotations)\['(.*)'\]$/.exec(fieldPath);
  if (labelOrAnnotation) {
    const map = labelOrAnnotation[1] === 'labels' ? pod.metadata?.labels : pod.metadata?.annotations;
    return map?.[labelOrAnnotation[2]] ?? '';
  }
  switch (fieldPath) {
    case 'metadata.name':
      return pod.metadata?.name ?? '';
    case 'metadata.namespace':
      return pod.metadata?.namespace ?? '';
    case 'metadata.uid':
      return pod.metadata?.uid ?? '';
    case 'metadata.labels':
      return formatMap(pod.metadata?.labels);
    case 'metadata.annotations':
      return formatMap(pod.metadata?.annotations);
    case 'spec.nodeName':
      return pod.spec?.nodeName ?? '';
    case 'spec.serviceAccountName':
      return pod.spec?.serviceAccountName ?? '';
    case 'status.hostIP':
      return pod.status?.hostIP ?? '';
    case 'status.hostIPs':
      return (pod.status?.hostIPs ?? []).map((i) => i.ip).join(',');
    case 'status.podIP':
      return pod.status?.podIP ?? '';
    case 'status.podIPs':
      return (pod.status?.podIPs ?? []).map((i) => i.ip).join(',');
  }
  return '';
}

/** labels and annotations as the downward API volume writes them: key="value", sorted, one a line. */
function formatMap(map: Record<string, string> | undefined): string {
  return Object.keys(map ?? {})
    .sort()
    .map((k) => `${k}=${JSON.stringify(map![k])}`)
    .join('\n');
}

async function resourceFieldValue(
  pod: Pod,
  container: Container,
  ref: { containerName?: string; resource: string; divisor?: string | number },
  sources: ObjectSource,
): Promise<string> {
  const target = ref.containerName ? ([...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? [])].find((c) => c.name === ref.containerName) ?? container) : container;
  const [kind, resource] = ref.resource.split('.') as ['limits' | 'requests', string];
  let raw = (kind === 'limits' ? target.resources?.limits : target.resources?.requests)?.[resource];
  // An unset limit is the node's allocatable (an unset request: the limit, as defaulting would have it).
  if (raw === undefined && kind === 'requests') raw = target.resources?.limits?.[resource];
  if (raw === undefined && kind === 'limits') raw = (await sources.node(pod.spec?.nodeName))?.status?.allocatable?.[resource];
  const quantity = parseQuantity(raw ?? 0);
  const divisor = parseQuantity(ref.divisor ?? 1);
  if (resource === 'cpu') return String(Math.ceil(milliValue(quantity) / Math.max(1, milliValue(divisor))));
  return String(Math.ceil(quantityValue(quantity) / Math.max(1, quantityValue(divisor))));
}

/** Service links (envvars.FromServices): default/kubernetes always, the namespace's own when enableServiceLinks. */
async function serviceEnvironment(pod: Pod, sources: ObjectSource): Promise<Map<string, string>> {
  const ns = sources.namespace;
  const chosen = new Map<string, Service>();
  for (const svc of await sources.services('default')) if (svc.metadata?.name === 'kubernetes') chosen.set('kubernetes', svc);
  if (pod.spec?.enableServiceLinks !== false) {
    for (const svc of await sources.services(ns)) if (!chosen.has(svc.metadata?.name ?? '') || ns === 'default') chosen.set(svc.metadata?.name ?? '', svc);
  }
  const env = new Map<string, string>();
  const names = [...chosen.keys()].sort();
  for (const name of names) {
    const svc = chosen.get(name)!;
    const ip = svc.spec?.clusterIP;
    const ports = svc.spec?.ports ?? [];
    if (!ip || ip === 'None' || ports.length === 0) continue;
    const prefix = name.toUpperCase().replace(/-/g, '_');
    env.set(`${prefix}_SERVICE_HOST`, ip);
    env.set(`${prefix}_SERVICE_PORT`, String(ports[0].port));
    for (const p of ports) if (p.name) env.set(`${prefix}_SERVICE_PORT_${p.name.toUpperCase().replace(/-/g, '_')}`, String(p.port));
    ports.forEach((p, i) => {
      const protocol = (p.protocol ?? 'TCP').toLowerCase();
      const hostPort = ip.includes(':') ? `[${ip}]:${p.port}` : `${ip}:${p.port}`;
      if (i === 0) env.set(`${prefix}_PORT`, `${protocol}://${hostPort}`);
      const portPrefix = `${prefix}_PORT_${p.port}_${protocol.toUpperCase()}`;
      env.set(portPrefix, `${protocol}://${hostPort}`);
      env.set(`${portPrefix}_PROTO`, protocol);
      env.set(`${portPrefix}_PORT`, String(p.port));
      env.set(`${portPrefix}_ADDR`, ip);
    });
  }
  return env;
}

// ---- files ----

interface HostFacts {
  hostname: string;
  fqdn?: string;
  clusterDomain: string;
  clusterDns: string;
}

function dir(mode = 0o755): FsNode & { kind: 'dir' } {
  return { kind: 'dir', entries: new Map(), mode };
}

function file(content: string | Buffer, mode = 0o644): FsNode {
  return { kind: 'file', content: typeof content === 'string' ? Buffer.from(content) : content, mode };
}

/** Puts `node` at `path` under `root`, making directories on the way (a mount hides what was there). */
function place(root: FsNode & { kind: 'dir' }, path: string, node: FsNode): void {
  const parts = splitPath(path);
  if (parts.length === 0) return;
  let at = root;
  for (const part of parts.slice(0, -1)) {
    const existing = at.entries.get(part);
    if (existing?.kind === 'dir') {
      at = existing;
      continue;
    }
    const created = dir();
    at.entries.set(part, created);
    at = created;
  }
  at.entries.set(parts.at(-1)!, node);
}

async function buildFileTree(pod: Pod, container: Container, sources: ObjectSource, host: HostFacts): Promise<FsNode & { kind: 'dir' }> {
  const root = dir();
  for (const d of ['bin', 'dev', 'home', 'proc', 'root', 'sys', 'tmp', 'usr', 'var']) root.entries.set(d, dir(d === 'tmp' ? 0o1777 : d === 'root' ? 0o700 : 0o755));
  place(root, '/etc/hostname', file(`${host.hostname}\n`));
  place(root, '/etc/hosts', file(hostsFile(pod, host)));
  place(root, '/etc/resolv.conf', file(resolvConf(pod, sources.namespace, host)));

  const volumes = new Map((pod.spec?.volumes ?? []).map((v) => [v.name, v]));
  for (const mount of container.volumeMounts ?? []) {
    const volume = volumes.get(mount.name);
    if (!volume) continue;
    let node: FsNode = await volumeContents(pod, container, volume as VolumeSpec, sources);
    if (mount.subPath) {
      let sub: FsNode | undefined = node;
      for (const part of splitPath(mount.subPath)) sub = sub?.kind === 'dir' ? sub.entries.get(part) : undefined;
      // The kubelet creates a missing subPath as a directory.
      node = sub ?? dir();
    }
    place(root, mount.mountPath, node);
  }
  return root;
}

function hostsFile(pod: Pod, host: HostFacts): string {
  const lines = [
    '# Kubernetes-managed hosts file.',
    '127.0.0.1\tlocalhost',
    '::1\tlocalhost ip6-localhost ip6-loopback',
    'fe00::0\tip6-localnet',
    'fe00::0\tip6-mcastprefix',
    'fe00::1\tip6-allnodes',
    'fe00::2\tip6-allrouters',
  ];
  const ip = pod.status?.podIP;
  const shortName = podHostname(pod, host.clusterDomain).hostname;
  if (ip) lines.push(host.fqdn ? `${ip}\t${host.fqdn}\t${shortName}` : `${ip}\t${shortName}`);
  const aliases = pod.spec?.hostAliases ?? [];
  if (aliases.length) {
    lines.push('', '# Entries added by HostAliases.');
    for (const a of aliases) lines.push(`${a.ip}\t${(a.hostnames ?? []).join('\t')}`);
  }
  return `${lines.join('\n')}\n`;
}

function resolvConf(pod: Pod, namespace: string, host: HostFacts): string {
  const policy = pod.spec?.dnsPolicy ?? 'ClusterFirst';
  const config = pod.spec?.dnsConfig;
  let nameservers: string[] = [];
  let searches: string[] = [];
  let options: string[] = [];
  if (policy === 'ClusterFirst' || policy === 'ClusterFirstWithHostNet') {
    nameservers = [host.clusterDns];
    searches = [`${namespace}.svc.${host.clusterDomain}`, `svc.${host.clusterDomain}`, host.clusterDomain];
    options = ['ndots:5'];
  } else if (policy === 'Default') {
    nameservers = ['8.8.8.8'];
  }
  nameservers.push(...(config?.nameservers ?? []));
  searches.push(...(config?.searches ?? []));
  options.push(...(config?.options ?? []).map((o) => (o.value !== undefined ? `${o.name}:${o.value}` : (o.name ?? ''))));
  const lines = [];
  if (searches.length) lines.push(`search ${searches.join(' ')}`);
  for (const n of nameservers) lines.push(`nameserver ${n}`);
  if (options.length) lines.push(`options ${options.join(' ')}`);
  return `${lines.join('\n')}\n`;
}

type KeyToPath = { key: string; path: string; mode?: number };
type DownwardItem = { path: string; mode?: number; fieldRef?: { fieldPath: string }; resourceFieldRef?: { containerName?: string; resource: string; divisor?: string | number } };
type VolumeSpec = {
  name: string;
  configMap?: { name?: string; items?: KeyToPath[]; optional?: boolean; defaultMode?: number };
  secret?: { secretName?: string; items?: KeyToPath[]; optional?: boolean; defaultMode?: number };
  downwardAPI?: { items?: DownwardItem[]; defaultMode?: number };
  projected?: {
    defaultMode?: number;
    sources?: {
      configMap?: { name?: string; items?: KeyToPath[]; optional?: boolean };
      secret?: { name?: string; items?: KeyToPath[]; optional?: boolean };
      downwardAPI?: { items?: DownwardItem[] };
      serviceAccountToken?: { path: string; audience?: string; expirationSeconds?: number };
    }[];
  };
};

async function volumeContents(pod: Pod, container: Container, volume: VolumeSpec, sources: ObjectSource): Promise<FsNode> {
  const out = dir(0o1777);
  if (volume.configMap) {
    await addConfigMap(out, volume.configMap, volume.configMap.defaultMode ?? 0o644, sources);
  } else if (volume.secret) {
    await addSecret(out, { ...volume.secret, name: volume.secret.secretName }, volume.secret.defaultMode ?? 0o644, sources);
  } else if (volume.downwardAPI) {
    await addDownward(out, pod, container, volume.downwardAPI.items ?? [], volume.downwardAPI.defaultMode ?? 0o644, sources);
  } else if (volume.projected) {
    const mode = volume.projected.defaultMode ?? 0o644;
    for (const source of volume.projected.sources ?? []) {
      if (source.configMap) await addConfigMap(out, source.configMap, mode, sources);
      if (source.secret) await addSecret(out, source.secret, mode, sources);
      if (source.downwardAPI) await addDownward(out, pod, container, source.downwardAPI.items ?? [], mode, sources);
      if (source.serviceAccountToken) place(out, source.serviceAccountToken.path, file(await sources.token(pod, source.serviceAccountToken), mode));
    }
  }
  // emptyDir, hostPath, persistentVolumeClaim and the rest: an empty directory here.
  return out;
}

async function addConfigMap(out: FsNode & { kind: 'dir' }, ref: { name?: string; items?: KeyToPath[]; optional?: boolean }, mode: number, sources: ObjectSource): Promise<void> {
  const cm = await sources.configMap(ref.name ?? '');
  if (!cm) {
    if (ref.optional) return;
    throw new ContainerConfigError(`configmap "${ref.name ?? ''}" not found`);
  }
  const data = new Map<string, Buffer>();
  for (const [k, v] of Object.entries(cm.data ?? {})) data.set(k, Buffer.from(v));
  for (const [k, v] of Object.entries(cm.binaryData ?? {})) data.set(k, Buffer.from(v, 'base64'));
  addKeys(out, data, ref.items, mode, ref.optional, 'configmap references non-existent config key');
}

async function addSecret(out: FsNode & { kind: 'dir' }, ref: { name?: string; items?: KeyToPath[]; optional?: boolean }, mode: number, sources: ObjectSource): Promise<void> {
  const secret = await sources.secret(ref.name ?? '');
  if (!secret) {
    if (ref.optional) return;
    throw new ContainerConfigError(`secret "${ref.name ?? ''}" not found`);
  }
  const data = new Map<string, Buffer>();
  for (const [k, v] of Object.entries(secret.data ?? {})) data.set(k, Buffer.from(v, 'base64'));
  addKeys(out, data, ref.items, mode, ref.optional, 'references non-existent secret key');
}

function addKeys(out: FsNode & { kind: 'dir' }, data: Map<string, Buffer>, items: KeyToPath[] | undefined, mode: number, optional: boolean | undefined, missing: string): void {
  if (!items?.length) {
    for (const [k, v] of data) place(out, k, file(v, mode));
    return;
  }
  for (const item of items) {
    const v = data.get(item.key);
    if (v === undefined) {
      if (optional) continue;
      throw new ContainerConfigError(`${missing}: ${item.key}`);
    }
    place(out, item.path, file(v, item.mode ?? mode));
  }
}

async function addDownward(out: FsNode & { kind: 'dir' }, pod: Pod, container: Container, items: DownwardItem[], mode: number, sources: ObjectSource): Promise<void> {
  for (const item of items) {
    let value = '';
    if (item.fieldRef) value = podFieldValue(pod, item.fieldRef.fieldPath);
    else if (item.resourceFieldRef) value = await resourceFieldValue(pod, container, item.resourceFieldRef, sources);
    place(out, item.path, file(value, item.mode ?? mode));
  }
}
