// The Node a fake kubelet registers and the status it reports: labels a kind node carries (plus
// topology zones), capacity and allocatable from its pool, addresses, nodeInfo of a containerd
// node, the pressure conditions and Ready, the images it has pulled.
import { createHash } from 'node:crypto';
import { release } from 'node:os';
import type { Node } from '../machinery/api-types.js';
import type { NodePoolConfig } from '../machinery/cluster-config.js';
import { imageID, rfc3339 } from './kubelet-status.js';

type NodeStatus = NonNullable<Node['status']>;
type NodeCondition = NonNullable<NodeStatus['conditions']>[number];

export interface SimulatedNode {
  name: string;
  pool: NodePoolConfig;
  /** Position among all nodes of the cluster: picks its address, pod CIDR and zone. */
  index: number;
  internalIP: string;
  podCIDR: string;
}

export const kubeletVersion = 'v1.36.0';
const zones = ['a', 'b', 'c'];

export function simulatedNodes(pools: readonly NodePoolConfig[], names: (pool: NodePoolConfig) => string[]): SimulatedNode[] {
  const out: SimulatedNode[] = [];
  for (const pool of pools) {
    for (const name of names(pool)) {
      const index = out.length;
      // kind's addressing: nodes on 172.18.0.0/16, pods on 10.244.<n>.0/24.
      out.push({ name, pool, index, internalIP: `172.18.${Math.floor((index + 2) / 256)}.${(index + 2) % 256}`, podCIDR: `10.244.${index}.0/24` });
    }
  }
  return out;
}

export function nodeLabels(node: SimulatedNode): Record<string, string> {
  const labels: Record<string, string> = {
    'beta.kubernetes.io/arch': 'amd64',
    'beta.kubernetes.io/os': 'linux',
    'kubernetes.io/arch': 'amd64',
    'kubernetes.io/hostname': node.name,
    'kubernetes.io/os': 'linux',
    'topology.kubernetes.io/region': 'kubemu',
    'topology.kubernetes.io/zone': `kubemu-${zones[node.index % zones.length]}`,
  };
  if (node.pool.controlPlane) {
    labels['node-role.kubernetes.io/control-plane'] = '';
    labels['node.kubernetes.io/exclude-from-external-load-balancers'] = '';
  }
  return { ...labels, ...node.pool.labels };
}

/** The Node object as the kubelet registers it. */
export function nodeForRegistration(node: SimulatedNode, now: number): Node {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name: node.name,
      labels: nodeLabels(node),
      annotations: {
        'node.alpha.kubernetes.io/ttl': '0',
        'volumes.kubernetes.io/controller-managed-attach-detach': 'true',
      },
    },
    spec: {
      podCIDR: node.podCIDR,
      podCIDRs: [node.podCIDR],
      providerID: `kubemu://kubemu/${node.name}`,
      ...(node.pool.taints.length ? { taints: node.pool.taints.map((t) => ({ ...t })) } : {}),
    },
    status: nodeStatus(node, undefined, now, []),
  };
}

const conditionTexts: Record<string, { reason: string; message: string; status: string }> = {
  MemoryPressure: { status: 'False', reason: 'KubeletHasSufficientMemory', message: 'kubelet has sufficient memory available' },
  DiskPressure: { status: 'False', reason: 'KubeletHasNoDiskPressure', message: 'kubelet has no disk pressure' },
  PIDPressure: { status: 'False', reason: 'KubeletHasSufficientPID', message: 'kubelet has sufficient PID available' },
  Ready: { status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status' },
};

/** The status a running kubelet reports; transition times survive from `previous`. */
export function nodeStatus(node: SimulatedNode, previous: NodeStatus | undefined, now: number, images: readonly { name: string; size: number }[]): NodeStatus {
  const conditions: NodeCondition[] = Object.entries(conditionTexts).map(([type, c]) => {
    const old = previous?.conditions?.find((x) => x.type === type);
    return {
      type,
      status: c.status,
      lastHeartbeatTime: rfc3339(now),
      lastTransitionTime: old && old.status === c.status ? old.lastTransitionTime : rfc3339(now),
      reason: c.reason,
      message: c.message,
    };
  });
  const id = (what: string) => createHash('sha256').update(`${what}/${node.name}`).digest('hex');
  return {
    capacity: { ...node.pool.capacity },
    allocatable: { ...node.pool.allocatable },
    conditions,
    addresses: [
      { type: 'InternalIP', address: node.internalIP },
      { type: 'Hostname', address: node.name },
    ],
    daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
    nodeInfo: {
      machineID: id('machine').slice(0, 32),
      systemUUID: uuid(id('system')),
      bootID: uuid(id('boot')),
      kernelVersion: release(),
      osImage: 'Debian GNU/Linux 12 (bookworm)',
      containerRuntimeVersion: 'containerd://2.1.4',
      kubeletVersion,
      kubeProxyVersion: '',
      operatingSystem: 'linux',
      architecture: 'amd64',
      swap: { capacity: 0 },
    } as NonNullable<NodeStatus['nodeInfo']>,
    images: images.map((i) => ({ names: [imageID(i.name), i.name], sizeBytes: i.size })),
    features: { supplementalGroupsPolicy: true },
    runtimeHandlers: [
      { name: 'runc', features: { recursiveReadOnlyMounts: true, userNamespaces: true } },
      { name: '', features: { recursiveReadOnlyMounts: true, userNamespaces: true } },
    ],
  } as NodeStatus;
}

function uuid(hex: string): string {
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}
