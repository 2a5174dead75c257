// What a pod asks of a node, as kube-scheduler adds it up (component-helpers resource.PodRequests):
// regular containers and sidecars (restartable init containers) run together, so they add up; an
// ordinary init container runs alone next to the sidecars started before it, so the pod needs the
// largest of those moments; pod-level requests replace the containers' cpu and memory; the
// RuntimeClass overhead comes on top. CPU is counted in millicores, everything else in units.
import type { Container, Node, Pod } from '../machinery/api-types.js';
import { milliValue, parseQuantity, value } from '../machinery/quantity.js';

/** Resource name → amount (cpu in millicores, memory and storage in bytes, the rest in units). */
export type ResourceAmounts = Map<string, number>;

/** Requests the scheduler assumes for a container that names no cpu or memory (schedutil defaults). */
export const defaultMilliCpuRequest = 100;
export const defaultMemoryRequest = 200 * 1024 * 1024;

type ResourceList = Record<string, string | number> | undefined;

function amount(name: string, quantity: string | number): number {
  try {
    const q = parseQuantity(quantity);
    return name === 'cpu' ? milliValue(q) : value(q);
  } catch {
    return 0;
  }
}

/** A resource list as amounts (an unparsable quantity counts as zero, as validation keeps them out). */
export function amountsOf(list: ResourceList): ResourceAmounts {
  const out: ResourceAmounts = new Map();
  for (const [name, quantity] of Object.entries(list ?? {})) out.set(name, amount(name, quantity));
  return out;
}

function add(into: ResourceAmounts, from: ResourceAmounts): void {
  for (const [name, v] of from) into.set(name, (into.get(name) ?? 0) + v);
}

function max(into: ResourceAmounts, from: ResourceAmounts): void {
  for (const [name, v] of from) into.set(name, Math.max(into.get(name) ?? 0, v));
}

function withDefaults(requests: ResourceAmounts, defaults: ResourceAmounts | undefined): ResourceAmounts {
  if (!defaults) return requests;
  const out = new Map(requests);
  for (const [name, v] of defaults) if (!out.has(name)) out.set(name, v);
  return out;
}

const podLevelResources = new Set(['cpu', 'memory']);

function podLevelRequests(pod: Pod): ResourceAmounts | undefined {
  const requests = (pod.spec as { resources?: { requests?: ResourceList } } | undefined)?.resources?.requests;
  if (!requests) return undefined;
  const out = new Map([...amountsOf(requests)].filter(([name]) => podLevelResources.has(name)));
  return out.size > 0 ? out : undefined;
}

function isSidecar(container: Container): boolean {
  return container.restartPolicy === 'Always';
}

/** resource.PodRequests; `missing` fills in container requests that are absent (the non-zero view). */
function podRequests(pod: Pod, missing?: ResourceAmounts): ResourceAmounts {
  const reqs: ResourceAmounts = new Map();
  for (const c of pod.spec?.containers ?? []) add(reqs, withDefaults(amountsOf(c.resources?.requests), missing));
  const sidecars: ResourceAmounts = new Map();
  const initPeak: ResourceAmounts = new Map();
  for (const c of pod.spec?.initContainers ?? []) {
    const own = withDefaults(amountsOf(c.resources?.requests), missing);
    if (isSidecar(c)) {
      add(reqs, own);
      add(sidecars, own);
      max(initPeak, sidecars);
    } else {
      const moment = new Map(own);
      add(moment, sidecars);
      max(initPeak, moment);
    }
  }
  max(reqs, initPeak);
  const podLevel = podLevelRequests(pod);
  if (podLevel) for (const [name, v] of podLevel) reqs.set(name, v);
  add(reqs, amountsOf(pod.spec?.overhead as ResourceList));
  return reqs;
}

/** What NodeResourcesFit checks against a node's free allocatable. */
export function podFitRequests(pod: Pod): ResourceAmounts {
  return podRequests(pod);
}

/**
 * The requests scoring counts (NodeInfo.NonZeroRequested, LeastAllocated): a container without a
 * cpu or memory request counts as asking for 100m and 200Mi, so best-effort pods still spread.
 */
export function podNonZeroRequests(pod: Pod): { cpu: number; memory: number } {
  const podLevel = podLevelRequests(pod);
  const missing: ResourceAmounts = new Map();
  if (!podLevel?.has('cpu')) missing.set('cpu', defaultMilliCpuRequest);
  if (!podLevel?.has('memory')) missing.set('memory', defaultMemoryRequest);
  const reqs = podRequests(pod, missing);
  return { cpu: reqs.get('cpu') ?? 0, memory: reqs.get('memory') ?? 0 };
}

/** v1helper.IsExtendedResourceName: a qualified name outside kubernetes.io that is not a quota "requests." name. */
export function isExtendedResourceName(name: string): boolean {
  if (!name.includes('/') || name.includes('kubernetes.io/')) return false;
  return !name.startsWith('requests.');
}

/** schedutil.IsScalarResourceName: extended resources, hugepages and attachable volumes. */
export function isScalarResourceName(name: string): boolean {
  return isExtendedResourceName(name) || name.startsWith('hugepages-') || name.startsWith('attachable-volumes-');
}

/** A node's allocatable resources, with the pod count apart. */
export interface Allocatable {
  amounts: ResourceAmounts;
  pods: number;
}

export function nodeAllocatable(node: Node): Allocatable {
  const amounts = amountsOf(node.status?.allocatable as ResourceList);
  const pods = amounts.get('pods') ?? 0;
  amounts.delete('pods');
  return { amounts, pods };
}
