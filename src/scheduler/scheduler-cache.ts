// The scheduler's view of nodes and the pods assigned to them (internal/cache): one NodeInfo per
// node, kept current from informer events. A node that goes away while pods still name it stays
// as an unlisted entry, so its pods are counted again if it comes back.
import type { Node, Pod } from '../machinery/api-types.js';
import { NodeInfo } from './node-info.js';
import { newPodInfo, podKey } from './pod-info.js';

export class SchedulerCache {
  private readonly infos = new Map<string, NodeInfo>();
  /** Assigned pod key → the node it is counted on. */
  private readonly podNodes = new Map<string, string>();

  private infoFor(name: string): NodeInfo {
    let info = this.infos.get(name);
    if (!info) this.infos.set(name, (info = new NodeInfo(name)));
    return info;
  }

  setNode(node: Node): void {
    this.infoFor(node.metadata?.name ?? '').setNode(node);
  }

  removeNode(node: Node): void {
    const name = node.metadata?.name ?? '';
    const info = this.infos.get(name);
    if (!info) return;
    if (info.pods.size === 0) this.infos.delete(name);
    else info.node = undefined;
  }

  /** Adds or replaces an assigned pod. */
  setPod(pod: Pod): void {
    const key = podKey(pod);
    const nodeName = pod.spec?.nodeName ?? '';
    const previous = this.podNodes.get(key);
    if (previous !== undefined && previous !== nodeName) this.removePod(pod);
    this.infoFor(nodeName).addPod(newPodInfo(pod));
    this.podNodes.set(key, nodeName);
  }

  /**
   * AssumePod: the pod counts on its node from the moment it is chosen, before the binding is
   * written, so the next scheduling cycle sees the node's resources taken. The informer's bound
   * pod later replaces it; a failed binding forgets it.
   */
  assumePod(pod: Pod, nodeName: string): void {
    this.setPod({ ...pod, spec: { ...pod.spec, nodeName } } as Pod);
  }

  forgetPod(pod: Pod): void {
    this.removePod(pod);
  }

  removePod(pod: Pod): void {
    const key = podKey(pod);
    const nodeName = this.podNodes.get(key);
    if (nodeName === undefined) return;
    this.podNodes.delete(key);
    const info = this.infos.get(nodeName);
    if (!info) return;
    info.removePod(key);
    if (!info.node && info.pods.size === 0) this.infos.delete(nodeName);
  }

  /** The nodes to schedule onto, in the order they were added. */
  nodes(): NodeInfo[] {
    return [...this.infos.values()].filter((i) => i.node !== undefined);
  }
}
