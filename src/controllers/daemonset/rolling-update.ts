// Which old daemon pods to delete, or which nodes get a surge pod, in one pass of a RollingUpdate
// (pkg/controller/daemon/update.go's rollingUpdate). Without maxSurge, old pods are deleted while
// fewer than maxUnavailable nodes lack an available pod (old unavailable pods always go); the main
// loop then creates their replacements. With maxSurge, a new pod is started beside an old one (at
// most maxSurge at once, immediately where the old one is unavailable) and the old one is deleted
// once the new one is available.
import type { DaemonSet, Node, Pod } from '../../machinery/api-types.js';
import { scaledValue } from '../workload/int-or-percent.js';
import { isPodAvailable } from '../workload/pod-status.js';
import { isPodUpdated, templateGeneration } from './daemon-pods.js';
import { nodeShouldRunDaemonPod } from './node-eligibility.js';

export interface RollingUpdatePlan {
  podsToDelete: string[];
  nodesToCreate: string[];
}

/** util.SurgeCount */
export function surgeCount(ds: DaemonSet, numberToSchedule: number): number {
  const strategy = ds.spec?.updateStrategy;
  if (strategy?.type !== 'RollingUpdate' || !strategy.rollingUpdate) return 0;
  return scaledValue(strategy.rollingUpdate.maxSurge, numberToSchedule, true);
}

/** util.UnavailableCount */
function unavailableCount(ds: DaemonSet, numberToSchedule: number): number {
  const strategy = ds.spec?.updateStrategy;
  if (strategy?.type !== 'RollingUpdate' || !strategy.rollingUpdate) return 0;
  return scaledValue(strategy.rollingUpdate.maxUnavailable, numberToSchedule, true);
}

export function allowsSurge(ds: DaemonSet): boolean {
  try {
    return surgeCount(ds, 1) > 0;
  } catch {
    return false;
  }
}

/** At most one updated and one old pod (not being deleted) on a node; undefined when there are more. */
function updatedAndOldPods(pods: Pod[], hash: string, generation: number | undefined): { newPod?: Pod; oldPod?: Pod } | undefined {
  let newPod: Pod | undefined;
  let oldPod: Pod | undefined;
  for (const pod of pods) {
    if (pod.metadata?.deletionTimestamp) continue;
    if (isPodUpdated(pod, hash, generation)) {
      if (newPod) return undefined;
      newPod = pod;
    } else {
      if (oldPod) return undefined;
      oldPod = pod;
    }
  }
  return { newPod, oldPod };
}

export function planRollingUpdate(ds: DaemonSet, nodes: Node[], podsByNode: Map<string, Pod[]>, hash: string, now: number): RollingUpdatePlan {
  const minReady = ds.spec?.minReadySeconds ?? 0;
  const available = (p: Pod) => isPodAvailable(p, minReady, now);
  const generation = templateGeneration(ds);
  const byName = new Map(nodes.map((n) => [n.metadata?.name ?? '', n]));
  const shouldRun = (nodeName: string) => {
    const node = byName.get(nodeName);
    return node !== undefined && nodeShouldRunDaemonPod(node, ds).shouldRun;
  };

  // updatedDesiredNodeCounts: nodes that should run a pod but have none count as well.
  const entries = new Map(podsByNode);
  let desired = 0;
  for (const node of nodes) {
    const name = node.metadata?.name ?? '';
    if (!nodeShouldRunDaemonPod(node, ds).shouldRun) continue;
    desired++;
    if (!entries.has(name)) entries.set(name, []);
  }
  let maxUnavailable = unavailableCount(ds, desired);
  const maxSurge = surgeCount(ds, desired);
  // An impossible configuration (both zero) falls back to accepting one unavailable node.
  if (desired > 0 && maxUnavailable === 0 && maxSurge === 0) maxUnavailable = 1;
  const nodeNames = [...entries.keys()].sort();

  if (maxSurge === 0) {
    let numUnavailable = 0;
    const replacements: string[] = [];
    const candidates: string[] = [];
    for (const nodeName of nodeNames) {
      const found = updatedAndOldPods(entries.get(nodeName)!, hash, generation);
      if (!found) {
        numUnavailable++; // excess pods: the main loop prunes them first
        continue;
      }
      const { newPod, oldPod } = found;
      if ((!oldPod && !newPod) || (oldPod && newPod)) numUnavailable++;
      else if (newPod) {
        if (!available(newPod)) numUnavailable++;
      } else if (oldPod) {
        if (!available(oldPod)) {
          replacements.push(oldPod.metadata?.name ?? '');
          numUnavailable++;
        } else if (numUnavailable < maxUnavailable) candidates.push(oldPod.metadata?.name ?? '');
      }
    }
    const remaining = Math.min(Math.max(0, maxUnavailable - numUnavailable), candidates.length);
    return { podsToDelete: [...replacements, ...candidates.slice(0, remaining)], nodesToCreate: [] };
  }

  const podsToDelete: string[] = [];
  const shouldNotRunPodsToDelete: string[] = [];
  const candidateNewNodes: string[] = [];
  const allowedNewNodes: string[] = [];
  let numSurge = 0;
  let numAvailable = 0;
  for (const nodeName of nodeNames) {
    const found = updatedAndOldPods(entries.get(nodeName)!, hash, generation);
    if (!found) {
      numSurge++;
      continue;
    }
    const { newPod, oldPod } = found;
    if (oldPod ? available(oldPod) : newPod && available(newPod)) numAvailable++;
    if (!oldPod) continue; // the main loop creates what is missing
    if (!newPod) {
      if (!available(oldPod)) {
        if (!shouldRun(nodeName)) podsToDelete.push(oldPod.metadata?.name ?? '');
        else allowedNewNodes.push(nodeName);
      } else if (!shouldRun(nodeName)) shouldNotRunPodsToDelete.push(oldPod.metadata?.name ?? '');
      else if (numSurge < maxSurge) candidateNewNodes.push(nodeName);
      continue;
    }
    // Already surged here: wait for the new pod, then retire the old one.
    if (!available(newPod)) numSurge++;
    else podsToDelete.push(oldPod.metadata?.name ?? '');
  }
  // With surge the owner expects full availability: pods leaving a node that no longer fits go
  // only as pods elsewhere become available.
  const deletable = Math.min(numAvailable - desired, shouldNotRunPodsToDelete.length);
  if (deletable > 0) podsToDelete.push(...shouldNotRunPodsToDelete.slice(0, deletable));
  const remainingSurge = Math.min(Math.max(0, maxSurge - numSurge), candidateNewNodes.length);
  return { podsToDelete, nodesToCreate: [...allowedNewNodes, ...candidateNewNodes.slice(0, remainingSurge)] };
}
