// The simulated cluster's shape and behaviour: node pools (what `kubemu serve --nodes N` makes, or
// what `--config kubemu.yaml` describes), how fast fake kubelets start containers, which images
// fail to pull, node lifecycle timings and the metrics load model. Parsed once by the CLI,
// validated here with messages that name the field; everything else reads the result.

import { parseIPv4Range } from './ip-range.js';

export interface Taint {
  key: string;
  value?: string;
  effect: 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute';
}

export interface NodePoolConfig {
  /** Pool name; nodes are named `<namePrefix><n>` (n from 1; a pool of one node has no number). */
  name: string;
  namePrefix: string;
  count: number;
  /** cpu, memory, pods, ephemeral-storage (Kubernetes quantities), and any extended resource. */
  capacity: Record<string, string>;
  /** Defaults to capacity (as kind nodes report it). */
  allocatable: Record<string, string>;
  labels: Record<string, string>;
  taints: Taint[];
  /** Carries node-role.kubernetes.io/control-plane. */
  controlPlane: boolean;
}

export interface KubeletConfig {
  /** How long a scheduled pod takes to get its sandbox and start its containers. */
  containerStartMs: number;
  /** A random extra delay of up to this much, per transition. */
  jitterMs: number;
  /** Images matching any of these globs (`*` any text) fail to pull: ErrImagePull, then ImagePullBackOff. */
  failingImages: string[];
  /** The node Lease is renewed this often (kubelet: 10 s); leaseDurationSeconds is 40. */
  leaseRenewMs: number;
  /** Node status is written this often when nothing changed (kubelet's nodeStatusReportFrequency: 5 min). */
  nodeStatusReportMs: number;
}

export interface NodeLifecycleConfig {
  /** A node whose Lease is not renewed for this long becomes Ready=Unknown (kube-controller-manager: 40 s). */
  nodeMonitorGracePeriodSeconds: number;
  /** The not-ready and unreachable tolerations DefaultTolerationSeconds admission gives pods (300 s). */
  defaultTolerationSeconds: number;
}

export interface MetricsConfig {
  /** Share of its CPU request a running container uses (its limit if it has no request: 0.1 of a core). */
  cpuUsageOfRequest: number;
  /** Share of its memory request a running container uses. */
  memoryUsageOfRequest: number;
}

export interface LoadBalancerConfig {
  /**
   * Where LoadBalancer Services get their ingress IP: "first-last" or a CIDR of IPv4 addresses,
   * on kind's docker network as MetalLB's kind guide and cloud-provider-kind hand them out.
   */
  ipRange: string;
}

export interface ClusterConfig {
  nodePools: NodePoolConfig[];
  kubelet: KubeletConfig;
  nodeLifecycle: NodeLifecycleConfig;
  metrics: MetricsConfig;
  loadBalancer: LoadBalancerConfig;
}

export class ClusterConfigError extends Error {}

export const defaultNodeCapacity: Readonly<Record<string, string>> = Object.freeze({
  cpu: '8',
  memory: '32Gi',
  pods: '110',
  'ephemeral-storage': '100Gi',
});

const defaultKubelet: KubeletConfig = { containerStartMs: 300, jitterMs: 200, failingImages: [], leaseRenewMs: 10_000, nodeStatusReportMs: 300_000 };
const defaultLifecycle: NodeLifecycleConfig = { nodeMonitorGracePeriodSeconds: 40, defaultTolerationSeconds: 300 };
const defaultMetrics: MetricsConfig = { cpuUsageOfRequest: 0.3, memoryUsageOfRequest: 0.5 };
const defaultLoadBalancer: LoadBalancerConfig = { ipRange: '172.18.255.200-172.18.255.250' };

const controlPlaneTaint: Taint = { key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' };

/**
 * kind's layout for N nodes: one control-plane node (tainted NoSchedule when there are workers,
 * so workloads land on workers) and N-1 workers.
 */
export function defaultNodePools(nodes: number): NodePoolConfig[] {
  if (nodes <= 0) return [];
  const capacity = { ...defaultNodeCapacity };
  const controlPlane: NodePoolConfig = {
    name: 'control-plane',
    namePrefix: 'kubemu-control-plane',
    count: 1,
    capacity,
    allocatable: { ...capacity },
    labels: {},
    taints: nodes > 1 ? [controlPlaneTaint] : [],
    controlPlane: true,
  };
  if (nodes === 1) return [controlPlane];
  return [controlPlane, { name: 'worker', namePrefix: 'kubemu-worker', count: nodes - 1, capacity, allocatable: { ...capacity }, labels: {}, taints: [], controlPlane: false }];
}

export function defaultClusterConfig(nodes = 3): ClusterConfig {
  return {
    nodePools: defaultNodePools(nodes),
    kubelet: { ...defaultKubelet },
    nodeLifecycle: { ...defaultLifecycle },
    metrics: { ...defaultMetrics },
    loadBalancer: { ...defaultLoadBalancer },
  };
}

/** Node names of a pool: kind's style, `kubemu-worker`, `kubemu-worker2`, … */
export function nodeNames(pool: NodePoolConfig): string[] {
  return Array.from({ length: pool.count }, (_, i) => (i === 0 ? pool.namePrefix : `${pool.namePrefix}${i + 1}`));
}

/**
 * A parsed `--config` document:
 *
 *   apiVersion: kubemu.dev/v1alpha1
 *   kind: ClusterConfig
 *   nodePools: [{ name, count, namePrefix?, capacity?, allocatable?, labels?, taints?, controlPlane? }]
 *   kubelet: { containerStartMs?, jitterMs?, failingImages?, leaseRenewMs?, nodeStatusReportMs? }
 *   nodeLifecycle: { nodeMonitorGracePeriodSeconds?, defaultTolerationSeconds? }
 *   metrics: { cpuUsageOfRequest?, memoryUsageOfRequest? }
 *   loadBalancer: { ipRange? }
 *
 * `nodes` (the --nodes flag) applies when the document has no nodePools.
 */
export function parseClusterConfig(doc: unknown, nodes = 3): ClusterConfig {
  const config = defaultClusterConfig(nodes);
  if (doc === undefined || doc === null) return config;
  const root = object(doc, '');
  known(root, '', ['apiVersion', 'kind', 'nodePools', 'kubelet', 'nodeLifecycle', 'metrics', 'loadBalancer']);
  if (root.apiVersion !== undefined && root.apiVersion !== 'kubemu.dev/v1alpha1') fail('apiVersion', `must be kubemu.dev/v1alpha1, got ${JSON.stringify(root.apiVersion)}`);
  if (root.kind !== undefined && root.kind !== 'ClusterConfig') fail('kind', `must be ClusterConfig, got ${JSON.stringify(root.kind)}`);
  if (root.nodePools !== undefined) {
    if (!Array.isArray(root.nodePools)) fail('nodePools', 'must be a list');
    const names = new Set<string>();
    config.nodePools = root.nodePools.map((raw, i) => {
      const pool = nodePool(raw, `nodePools[${i}]`);
      for (const n of nodeNames(pool)) {
        if (names.has(n)) fail(`nodePools[${i}]`, `node name ${n} is used twice`);
        names.add(n);
      }
      return pool;
    });
  }
  if (root.kubelet !== undefined) {
    const k = object(root.kubelet, 'kubelet');
    known(k, 'kubelet', Object.keys(defaultKubelet));
    config.kubelet = {
      containerStartMs: nonNegative(k.containerStartMs, 'kubelet.containerStartMs', defaultKubelet.containerStartMs),
      jitterMs: nonNegative(k.jitterMs, 'kubelet.jitterMs', defaultKubelet.jitterMs),
      failingImages: stringList(k.failingImages, 'kubelet.failingImages'),
      leaseRenewMs: positive(k.leaseRenewMs, 'kubelet.leaseRenewMs', defaultKubelet.leaseRenewMs),
      nodeStatusReportMs: positive(k.nodeStatusReportMs, 'kubelet.nodeStatusReportMs', defaultKubelet.nodeStatusReportMs),
    };
  }
  if (root.nodeLifecycle !== undefined) {
    const l = object(root.nodeLifecycle, 'nodeLifecycle');
    known(l, 'nodeLifecycle', Object.keys(defaultLifecycle));
    config.nodeLifecycle = {
      nodeMonitorGracePeriodSeconds: positive(l.nodeMonitorGracePeriodSeconds, 'nodeLifecycle.nodeMonitorGracePeriodSeconds', defaultLifecycle.nodeMonitorGracePeriodSeconds),
      defaultTolerationSeconds: nonNegative(l.defaultTolerationSeconds, 'nodeLifecycle.defaultTolerationSeconds', defaultLifecycle.defaultTolerationSeconds),
    };
  }
  if (root.metrics !== undefined) {
    const m = object(root.metrics, 'metrics');
    known(m, 'metrics', Object.keys(defaultMetrics));
    config.metrics = {
      cpuUsageOfRequest: nonNegative(m.cpuUsageOfRequest, 'metrics.cpuUsageOfRequest', defaultMetrics.cpuUsageOfRequest),
      memoryUsageOfRequest: nonNegative(m.memoryUsageOfRequest, 'metrics.memoryUsageOfRequest', defaultMetrics.memoryUsageOfRequest),
    };
  }
  if (root.loadBalancer !== undefined) {
    const lb = object(root.loadBalancer, 'loadBalancer');
    known(lb, 'loadBalancer', Object.keys(defaultLoadBalancer));
    if (lb.ipRange !== undefined) {
      if (typeof lb.ipRange !== 'string') fail('loadBalancer.ipRange', 'must be a string');
      const range = parseIPv4Range(lb.ipRange);
      if (range instanceof Error) fail('loadBalancer.ipRange', range.message);
      config.loadBalancer = { ipRange: lb.ipRange };
    }
  }
  return config;
}

function nodePool(raw: unknown, path: string): NodePoolConfig {
  const p = object(raw, path);
  known(p, path, ['name', 'namePrefix', 'count', 'capacity', 'allocatable', 'labels', 'taints', 'controlPlane']);
  if (typeof p.name !== 'string' || !/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(p.name)) fail(`${path}.name`, 'must be a lowercase DNS label');
  const count = p.count === undefined ? 1 : p.count;
  if (!Number.isInteger(count) || (count as number) < 0 || (count as number) > 10_000) fail(`${path}.count`, 'must be a whole number from 0 to 10000');
  const namePrefix = p.namePrefix === undefined ? `kubemu-${p.name}` : p.namePrefix;
  if (typeof namePrefix !== 'string' || !/^[a-z0-9]([-.a-z0-9]*[a-z0-9])?$/.test(namePrefix) || namePrefix.length > 240) fail(`${path}.namePrefix`, 'must be a DNS subdomain');
  const capacity = { ...defaultNodeCapacity, ...stringMap(p.capacity, `${path}.capacity`) };
  const taints = p.taints === undefined ? [] : (Array.isArray(p.taints) ? p.taints : fail(`${path}.taints`, 'must be a list')).map((t, i) => taint(t, `${path}.taints[${i}]`));
  if (p.controlPlane !== undefined && typeof p.controlPlane !== 'boolean') fail(`${path}.controlPlane`, 'must be true or false');
  return {
    name: p.name,
    namePrefix,
    count: count as number,
    capacity,
    allocatable: { ...capacity, ...stringMap(p.allocatable, `${path}.allocatable`) },
    labels: stringMap(p.labels, `${path}.labels`),
    taints,
    controlPlane: p.controlPlane === true,
  };
}

function taint(raw: unknown, path: string): Taint {
  const t = object(raw, path);
  known(t, path, ['key', 'value', 'effect']);
  if (typeof t.key !== 'string' || t.key === '') fail(`${path}.key`, 'must be a non-empty string');
  if (t.value !== undefined && typeof t.value !== 'string') fail(`${path}.value`, 'must be a string');
  if (t.effect !== 'NoSchedule' && t.effect !== 'PreferNoSchedule' && t.effect !== 'NoExecute') fail(`${path}.effect`, 'must be NoSchedule, PreferNoSchedule or NoExecute');
  return t.value === undefined ? { key: t.key, effect: t.effect } : { key: t.key, value: t.value, effect: t.effect };
}

function fail(path: string, message: string): never {
  throw new ClusterConfigError(`${path}: ${message}`);
}

function object(raw: unknown, path: string): Record<string, unknown> {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) fail(path || 'the document', 'must be a mapping');
  return raw as Record<string, unknown>;
}

function known(obj: Record<string, unknown>, path: string, fields: string[]): void {
  for (const k of Object.keys(obj)) if (!fields.includes(k)) fail(path ? `${path}.${k}` : k, `unknown field (known: ${fields.join(', ')})`);
}

function stringMap(raw: unknown, path: string): Record<string, string> {
  if (raw === undefined) return {};
  const m = object(raw, path);
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(m)) {
    if (typeof v !== 'string' && typeof v !== 'number') fail(`${path}.${k}`, 'must be a string');
    out[k] = String(v);
  }
  return out;
}

function stringList(raw: unknown, path: string): string[] {
  if (raw === undefined) return [];
  if (!Array.isArray(raw) || raw.some((v) => typeof v !== 'string')) fail(path, 'must be a list of strings');
  return raw as string[];
}

function nonNegative(raw: unknown, path: string, fallback: number): number {
  if (raw === undefined) return fallback;
  if (typeof raw !== 'number' || !Number.isFinite(raw) || raw < 0) fail(path, 'must be a number ≥ 0');
  return raw;
}

function positive(raw: unknown, path: string, fallback: number): number {
  if (raw === undefined) return fallback;
  if (typeof raw !== 'number' || !Number.isFinite(raw) || raw <= 0) fail(path, 'must be a number > 0');
  return raw;
}
