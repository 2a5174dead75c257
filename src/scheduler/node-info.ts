// A node with the pods assigned to it and what they take (framework.NodeInfo): requested
// resources, the non-zero requests scoring counts, host ports in use, and which pods carry
// inter-pod affinity terms. Kept current by the scheduler cache from informer events.
import type { Node } from '../machinery/api-types.js';
import type { HostPort, PodInfo } from './pod-info.js';
import { nodeAllocatable, type Allocatable, type ResourceAmounts } from './pod-resources.js';

export class NodeInfo {
  /** Undefined while pods name a node the scheduler has not seen (yet): such entries are not listed. */
  node: Node | undefined;
  allocatable: Allocatable = { amounts: new Map(), pods: 0 };
  readonly pods = new Map<string, PodInfo>();
  readonly requested: ResourceAmounts = new Map();
  readonly nonZeroRequested = { cpu: 0, memory: 0 };
  usedPorts: HostPort[] = [];
  podsWithAffinity = 0;
  podsWithRequiredAntiAffinity = 0;
  /**
   * Bumped when a pod arrives or leaves or its labels, namespace or deletion mark change — what
   * label selectors count — but not on status updates: lets plugins keep per-node counts of
   * matching pods until it moves.
   */
  selectorGeneration = 0;

  constructor(
    readonly name: string,
    node?: Node,
  ) {
    if (node) this.setNode(node);
  }

  setNode(node: Node): void {
    this.node = node;
    this.allocatable = nodeAllocatable(node);
  }

  get labels(): Record<string, string> {
    return this.node?.metadata?.labels ?? {};
  }

  addPod(info: PodInfo): void {
    const previous = this.pods.get(info.key);
    if (previous) this.takeOut(previous);
    if (!previous || !sameSelectorFacts(previous, info)) this.selectorGeneration++;
    this.pods.set(info.key, info);
    for (const [name, v] of info.fit) this.requested.set(name, (this.requested.get(name) ?? 0) + v);
    this.nonZeroRequested.cpu += info.nonZero.cpu;
    this.nonZeroRequested.memory += info.nonZero.memory;
    if (info.hostPorts.length) this.usedPorts = [...this.usedPorts, ...info.hostPorts];
    if (hasAffinity(info)) this.podsWithAffinity++;
    if (info.requiredAntiAffinity.length) this.podsWithRequiredAntiAffinity++;
  }

  removePod(key: string): PodInfo | undefined {
    const info = this.pods.get(key);
    if (!info) return undefined;
    this.selectorGeneration++;
    this.takeOut(info);
    return info;
  }

  /** Takes the pod and what it requests off the node. */
  private takeOut(info: PodInfo): void {
    this.pods.delete(info.key);
    for (const [name, v] of info.fit) this.requested.set(name, (this.requested.get(name) ?? 0) - v);
    this.nonZeroRequested.cpu -= info.nonZero.cpu;
    this.nonZeroRequested.memory -= info.nonZero.memory;
    if (info.hostPorts.length) this.usedPorts = [...this.pods.values()].flatMap((p) => p.hostPorts);
    if (hasAffinity(info)) this.podsWithAffinity--;
    if (info.requiredAntiAffinity.length) this.podsWithRequiredAntiAffinity--;
  }

  /** A copy to simulate on (preemption removes pods from it, nominated pods are added to it). */
  clone(): NodeInfo {
    const copy = new NodeInfo(this.name, this.node);
    for (const info of this.pods.values()) copy.addPod(info);
    return copy;
  }
}

/** Whether the pod has any pod affinity or anti-affinity term (NodeInfo.PodsWithAffinity). */
export function hasAffinity(info: PodInfo): boolean {
  return info.requiredAffinity.length + info.requiredAntiAffinity.length + info.preferredAffinity.length + info.preferredAntiAffinity.length > 0;
}

/** Whether two versions of a pod look the same to a label selector counting pods. */
function sameSelectorFacts(a: PodInfo, b: PodInfo): boolean {
  const ma = a.pod.metadata;
  const mb = b.pod.metadata;
  if (ma?.namespace !== mb?.namespace || Boolean(ma?.deletionTimestamp) !== Boolean(mb?.deletionTimestamp)) return false;
  const la = ma?.labels ?? {};
  const lb = mb?.labels ?? {};
  const keys = Object.keys(la);
  return keys.length === Object.keys(lb).length && keys.every((k) => la[k] === lb[k]);
}
