// The simulated load. Nothing runs in kubemu's containers, so usage is derived from what the pods
// ask for: a running container uses a share of its requests (cluster config `metrics`), a node
// uses its pods' sum plus what the system on it needs. Figures stray from the model by stable
// per-container amounts and move a little from one scrape to the next (jitter.ts), as real ones do.
import type { Container, Node, Pod } from '../../machinery/api-types.js';
import type { MetricsConfig } from '../../machinery/cluster-config.js';
import { milliValue, parseQuantity, value } from '../../machinery/quantity.js';
import { jitterFactor } from './jitter.js';

export interface Usage {
  cpuNanoCores: number;
  memoryBytes: number;
}

const Mi = 1024 * 1024;
const Gi = 1024 * Mi;
const pageBytes = 4096;

/**
 * A container that requests nothing is modelled as idle (a shell's sleep, an idle web server):
 * about 2m of CPU and 8Mi of memory, whatever the configured shares.
 */
const idleContainer = { cpuMilli: 2, memoryBytes: 8 * Mi };

export type NodeRole = 'worker' | 'control-plane';

/**
 * What a node uses besides its pods: the OS, kubelet, container runtime, kube-proxy and CNI; on a
 * control-plane node also kube-apiserver, etcd, the controller manager and the scheduler, static
 * pods that kubemu has no Pod objects for.
 */
const systemUsage: Readonly<Record<NodeRole, { cpuMilli: number; memoryBytes: number }>> = {
  worker: { cpuMilli: 100, memoryBytes: 1 * Gi },
  'control-plane': { cpuMilli: 250, memoryBytes: 1.5 * Gi },
};

// How far figures stray from the model: for good per container (workloads differ) and per scrape
// (load moves). Memory, a working set, moves much less than CPU.
const spread = { cpu: { stable: 0.15, scrape: 0.05 }, memory: { stable: 0.1, scrape: 0.01 } };

export interface ContainerFacts {
  name: string;
  /** Its CPU request (its limit when it requests nothing: the API server defaults one to the other). */
  cpuMilli?: number;
  memoryBytes?: number;
}

/** What the model needs of a pod, read once per stored version of it. */
export interface PodFacts {
  namespace: string;
  name: string;
  uid: string;
  nodeName: string;
  labels?: Record<string, string>;
  /** The containers a kubelet reports: the running ones, restartable init containers (sidecars) first. */
  containers: ContainerFacts[];
}

export interface NodeFacts {
  name: string;
  uid: string;
  labels?: Record<string, string>;
  /** Only a Ready node's kubelet answers metrics-server's scrapes. */
  reporting: boolean;
  role: NodeRole;
  capacity: { cpuMilli?: number; memoryBytes?: number };
}

/** The pod as its kubelet would report it; undefined when the kubelet reports no container of it. */
export function podFacts(pod: Pod): PodFacts | undefined {
  const running = new Set<string>();
  for (const s of [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])]) {
    if (s.state?.running) running.add(s.name);
  }
  const spec = pod.spec;
  if (!spec?.nodeName || running.size === 0) return undefined;
  const containers = [...(spec.initContainers ?? []).filter((c) => c.restartPolicy === 'Always'), ...spec.containers]
    .filter((c) => running.has(c.name))
    .map(containerFacts);
  if (containers.length === 0) return undefined;
  const meta = pod.metadata ?? {};
  return { namespace: meta.namespace ?? '', name: meta.name ?? '', uid: meta.uid ?? '', nodeName: spec.nodeName, labels: meta.labels, containers };
}

function containerFacts(c: Container): ContainerFacts {
  const cpu = c.resources?.requests?.cpu ?? c.resources?.limits?.cpu;
  const memory = c.resources?.requests?.memory ?? c.resources?.limits?.memory;
  const facts: ContainerFacts = { name: c.name };
  const cpuMilli = quantityOf(cpu, milliValue);
  const memoryBytes = quantityOf(memory, value);
  if (cpuMilli !== undefined) facts.cpuMilli = cpuMilli;
  if (memoryBytes !== undefined) facts.memoryBytes = memoryBytes;
  return facts;
}

export function nodeFacts(node: Node): NodeFacts {
  const meta = node.metadata ?? {};
  const ready = node.status?.conditions?.find((c) => c.type === 'Ready');
  const capacity = node.status?.capacity ?? {};
  return {
    name: meta.name ?? '',
    uid: meta.uid ?? '',
    labels: meta.labels,
    reporting: ready?.status === 'True',
    role: meta.labels?.['node-role.kubernetes.io/control-plane'] !== undefined ? 'control-plane' : 'worker',
    capacity: { cpuMilli: quantityOf(capacity.cpu, milliValue), memoryBytes: quantityOf(capacity.memory, value) },
  };
}

export function containerUsage(pod: PodFacts, container: ContainerFacts, config: MetricsConfig, scrape: number): Usage {
  const cpuMilli = container.cpuMilli !== undefined ? container.cpuMilli * config.cpuUsageOfRequest : idleContainer.cpuMilli;
  const memoryBytes = container.memoryBytes !== undefined ? container.memoryBytes * config.memoryUsageOfRequest : idleContainer.memoryBytes;
  const id = [pod.uid, container.name];
  return {
    cpuNanoCores: Math.round(cpuMilli * 1e6 * jitterFactor(spread.cpu.stable, ...id, 'cpu') * jitterFactor(spread.cpu.scrape, ...id, 'cpu', scrape)),
    memoryBytes: pages(memoryBytes * jitterFactor(spread.memory.stable, ...id, 'memory') * jitterFactor(spread.memory.scrape, ...id, 'memory', scrape)),
  };
}

/** The node's own usage plus its pods', never beyond its capacity. */
export function nodeUsage(node: NodeFacts, pods: Usage, scrape: number): Usage {
  const system = systemUsage[node.role];
  const id = [node.uid, node.name];
  const cpu = Math.round(system.cpuMilli * 1e6 * jitterFactor(spread.cpu.stable, ...id, 'cpu') * jitterFactor(spread.cpu.scrape, ...id, 'cpu', scrape)) + pods.cpuNanoCores;
  const memory = pages(system.memoryBytes * jitterFactor(spread.memory.stable, ...id, 'memory') * jitterFactor(spread.memory.scrape, ...id, 'memory', scrape)) + pods.memoryBytes;
  return {
    cpuNanoCores: node.capacity.cpuMilli !== undefined ? Math.min(cpu, node.capacity.cpuMilli * 1e6) : cpu,
    memoryBytes: node.capacity.memoryBytes !== undefined ? Math.min(memory, node.capacity.memoryBytes) : memory,
  };
}

export function addUsage(a: Usage, b: Usage): Usage {
  return { cpuNanoCores: a.cpuNanoCores + b.cpuNanoCores, memoryBytes: a.memoryBytes + b.memoryBytes };
}

export const noUsage: Usage = Object.freeze({ cpuNanoCores: 0, memoryBytes: 0 });

// A working set is made of whole memory pages.
function pages(bytes: number): number {
  return Math.round(bytes / pageBytes) * pageBytes;
}

function quantityOf(text: string | undefined, read: (q: ReturnType<typeof parseQuantity>) => number): number | undefined {
  if (text === undefined) return undefined;
  try {
    return read(parseQuantity(text));
  } catch {
    // Stored objects were validated; an unreadable value counts as absent rather than failing `top`.
    return undefined;
  }
}
