// Quota for pods (pkg/quota/v1/evaluator/core/pods.go): a pod is charged count/pods always, and
// pods, cpu, memory, ephemeral storage, hugepages and extended resources (its requests and limits)
// while it is not terminal nor stuck deleting past its grace period. Scopes: Terminating (an
// activeDeadlineSeconds), BestEffort (its QoS class), PriorityClass (selectable by value) and
// CrossNamespacePodAffinity. Quotas on cpu or memory require every container to name them, a
// backward-compatibility rule upstream keeps and says it regrets.
import type { Container, Pod, PodSpec, ScopedResourceSelectorRequirement } from '../api-types.js';
import type { KubeObject } from '../object.js';
import { objectCountName, scopeValueMatches, type QuotaEvaluator } from './evaluator.js';
import { podLimits, podRequests, containerLimits, containerRequests } from './pod-resources.js';
import { addLists, count, type ResourceList } from './resource-list.js';

const podCountName = objectCountName('', 'pods');

const podResources = new Set([
  podCountName,
  'cpu',
  'memory',
  'ephemeral-storage',
  'requests.cpu',
  'requests.memory',
  'requests.ephemeral-storage',
  'limits.cpu',
  'limits.memory',
  'limits.ephemeral-storage',
  'pods',
]);
const podResourcePrefixes = ['hugepages-', 'requests.hugepages-'];

// Only these make a container without them unchargeable; no other resource was ever added.
const validationSet = new Set(['cpu', 'memory', 'requests.cpu', 'requests.memory', 'limits.cpu', 'limits.memory']);

/** helper.IsNativeResource: no domain, or a kubernetes.io one. */
function isNativeResource(name: string): boolean {
  return !name.includes('/') || name.includes('kubernetes.io/');
}

/** Extended resources are quota'd only as "requests.<name>" (they cannot be overcommitted). */
function isExtendedResourceNameForQuota(name: string): boolean {
  return !isNativeResource(name) && name.startsWith('requests.');
}

/** helper.IsExtendedResourceName: a domain-qualified, non-kubernetes.io name that is not itself a quota name. */
function isExtendedResourceName(name: string): boolean {
  return !isNativeResource(name) && !name.startsWith('requests.');
}

/** What one set of requests and limits is charged (podComputeUsageHelper). */
function computeUsage(requests: ResourceList, limits: ResourceList): ResourceList {
  const out: ResourceList = new Map([['pods', count(1)]]);
  for (const name of ['cpu', 'memory', 'ephemeral-storage']) {
    const request = requests.get(name);
    if (request) {
      out.set(name, request);
      out.set(`requests.${name}`, request);
    }
    const limit = limits.get(name);
    if (limit) out.set(`limits.${name}`, limit);
  }
  for (const [name, request] of requests) {
    if (name.startsWith('hugepages-')) {
      out.set(name, request);
      out.set(`requests.${name}`, request);
    }
    if (isExtendedResourceName(name)) out.set(`requests.${name}`, request);
  }
  return out;
}

/** QuotaV1Pod: terminal pods, and pods still there past their deletion grace period, are not charged compute. */
export function podChargesCompute(pod: Pod, now: number): boolean {
  const phase = pod.status?.phase;
  if (phase === 'Failed' || phase === 'Succeeded') return false;
  const deletion = pod.metadata?.deletionTimestamp;
  const grace = pod.metadata?.deletionGracePeriodSeconds;
  if (deletion && grace !== undefined && now > Date.parse(deletion) + grace * 1000) return false;
  return true;
}

function isTerminating(pod: Pod): boolean {
  const deadline = pod.spec?.activeDeadlineSeconds;
  return deadline !== undefined && deadline !== null && deadline >= 0;
}

/** The pod's QoS class as the API server recorded it, else whether it names any cpu or memory at all. */
function isBestEffort(pod: Pod): boolean {
  const recorded = pod.status?.qosClass;
  if (recorded) return recorded === 'BestEffort';
  const spec = pod.spec as (PodSpec & { resources?: Container['resources'] }) | undefined;
  const lists = [...(spec?.initContainers ?? []), ...(spec?.containers ?? [])].flatMap((c) => [containerRequests(c), containerLimits(c)]);
  const podLevel = spec?.resources;
  const named = (l: ResourceList) => ['cpu', 'memory'].some((n) => (l.get(n)?.unscaled ?? 0n) > 0n);
  return !lists.some(named) && !['cpu', 'memory'].some((n) => podLevel?.requests?.[n] !== undefined || podLevel?.limits?.[n] !== undefined);
}

function crossNamespaceTerm(term: { namespaces?: string[]; namespaceSelector?: unknown } | undefined): boolean {
  return !!term && ((term.namespaces?.length ?? 0) > 0 || (term.namespaceSelector !== undefined && term.namespaceSelector !== null));
}

function usesCrossNamespacePodAffinity(pod: Pod): boolean {
  const affinity = pod.spec?.affinity;
  for (const a of [affinity?.podAffinity, affinity?.podAntiAffinity]) {
    if (!a) continue;
    if ((a.requiredDuringSchedulingIgnoredDuringExecution ?? []).some(crossNamespaceTerm)) return true;
    if ((a.preferredDuringSchedulingIgnoredDuringExecution ?? []).some((w) => crossNamespaceTerm(w.podAffinityTerm))) return true;
  }
  return false;
}

export function podMatchesScope(requirement: ScopedResourceSelectorRequirement, pod: Pod): boolean {
  switch (requirement.scopeName) {
    case 'Terminating':
      return isTerminating(pod);
    case 'NotTerminating':
      return !isTerminating(pod);
    case 'BestEffort':
      return isBestEffort(pod);
    case 'NotBestEffort':
      return !isBestEffort(pod);
    case 'PriorityClass':
      return scopeValueMatches(requirement, pod.spec?.priorityClassName || undefined);
    case 'CrossNamespacePodAffinity':
      return usesCrossNamespacePodAffinity(pod);
    default:
      return false;
  }
}

export const podEvaluator: QuotaEvaluator = {
  group: '',
  resource: 'pods',
  // Containers' resources cannot change on an update of the pod itself (only through pods/resize).
  handles: (operation) => operation === 'CREATE',
  matchingResources: (input) =>
    input.filter((name) => podResources.has(name) || podResourcePrefixes.some((p) => name.startsWith(p)) || isExtendedResourceNameForQuota(name)),
  matchesScope: (requirement, obj) => podMatchesScope(requirement, obj as Pod),
  constraints(required, obj) {
    const pod = obj as Pod;
    const requiredSet = required.filter((name) => validationSet.has(name));
    if (requiredSet.length === 0) return undefined;
    const missing = new Map<string, Set<string>>();
    for (const c of [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? [])]) {
      const has = computeUsage(containerRequests(c), containerLimits(c));
      for (const name of requiredSet) {
        if (has.has(name)) continue;
        let names = missing.get(name);
        if (!names) missing.set(name, (names = new Set()));
        names.add(c.name);
      }
    }
    if (missing.size === 0) return undefined;
    const parts = [...missing.keys()].sort().map((name) => `${name} for: ${[...missing.get(name)!].sort().join(',')}`);
    return `must specify ${parts.join('; ')}`;
  },
  usage(obj, now) {
    const pod = obj as Pod;
    const result: ResourceList = new Map([[podCountName, count(1)]]);
    if (!podChargesCompute(pod, now)) return result;
    const opts = { overhead: true, podLevelHugePages: true };
    return addLists(result, computeUsage(podRequests(pod, opts), podLimits(pod, opts)));
  },
};
