// A pod as the scheduler reads it, parsed once: its requests, host ports and inter-pod affinity
// terms (framework.PodInfo). Assigned pods in the cache and the pod being scheduled share the form.
import type { LabelSelector as LabelSelectorObject, Pod } from '../machinery/api-types.js';
import { labelSelectorFromObject, matchesLabels, nothingLabelSelector, type LabelSelector } from '../machinery/selectors/index.js';
import { podFitRequests, podNonZeroRequests, type ResourceAmounts } from './pod-resources.js';

type PodAffinityTerm = NonNullable<NonNullable<NonNullable<Pod['spec']>['affinity']>['podAffinity']>['requiredDuringSchedulingIgnoredDuringExecution'] extends
  | (infer T)[]
  | undefined
  ? T
  : never;

/** A pod (anti-)affinity term with its namespaces resolved and selectors compiled. */
export interface AffinityTerm {
  namespaces: ReadonlySet<string>;
  namespaceSelector: LabelSelector;
  selector: LabelSelector;
  topologyKey: string;
}

export interface WeightedAffinityTerm extends AffinityTerm {
  weight: number;
}

export interface HostPort {
  hostIP: string;
  protocol: string;
  port: number;
}

export interface PodInfo {
  pod: Pod;
  /** "namespace/name". */
  key: string;
  fit: ResourceAmounts;
  nonZero: { cpu: number; memory: number };
  hostPorts: HostPort[];
  requiredAffinity: AffinityTerm[];
  requiredAntiAffinity: AffinityTerm[];
  preferredAffinity: WeightedAffinityTerm[];
  preferredAntiAffinity: WeightedAffinityTerm[];
}

export function podKey(pod: Pod): string {
  return `${pod.metadata?.namespace ?? ''}/${pod.metadata?.name ?? ''}`;
}

export function podPriority(pod: Pod): number {
  return pod.spec?.priority ?? 0;
}

/**
 * matchLabelKeys and mismatchLabelKeys read the pod's own label values into the selector, as
 * kube-apiserver merges them at creation (doing it again here is harmless).
 */
function termSelector(pod: Pod, term: PodAffinityTerm): LabelSelector {
  const labels = pod.metadata?.labels ?? {};
  const base: LabelSelectorObject | undefined = term.labelSelector;
  const extra = [
    ...(term.matchLabelKeys ?? []).filter((k) => k in labels).map((k) => ({ key: k, operator: 'In', values: [labels[k]!] })),
    ...(term.mismatchLabelKeys ?? []).filter((k) => k in labels).map((k) => ({ key: k, operator: 'NotIn', values: [labels[k]!] })),
  ];
  try {
    if (extra.length === 0 || base == null) return labelSelectorFromObject(base);
    return labelSelectorFromObject({ ...base, matchExpressions: [...(base.matchExpressions ?? []), ...extra] });
  } catch {
    // An invalid selector matches nothing rather than stopping the scheduler.
    return nothingLabelSelector;
  }
}

function affinityTerm(pod: Pod, term: PodAffinityTerm): AffinityTerm {
  const namespaces = term.namespaces?.length || term.namespaceSelector != null ? term.namespaces ?? [] : [pod.metadata?.namespace ?? ''];
  let namespaceSelector: LabelSelector;
  try {
    namespaceSelector = labelSelectorFromObject(term.namespaceSelector);
  } catch {
    namespaceSelector = nothingLabelSelector;
  }
  return { namespaces: new Set(namespaces), namespaceSelector, selector: termSelector(pod, term), topologyKey: term.topologyKey };
}

export function newPodInfo(pod: Pod): PodInfo {
  const affinity = pod.spec?.affinity;
  const weighted = (terms: { weight: number; podAffinityTerm: PodAffinityTerm }[] | undefined) =>
    (terms ?? []).map((t) => ({ ...affinityTerm(pod, t.podAffinityTerm), weight: t.weight }));
  return {
    pod,
    key: podKey(pod),
    fit: podFitRequests(pod),
    nonZero: podNonZeroRequests(pod),
    hostPorts: hostPortsOf(pod),
    requiredAffinity: (affinity?.podAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? []).map((t) => affinityTerm(pod, t)),
    requiredAntiAffinity: (affinity?.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? []).map((t) => affinityTerm(pod, t)),
    preferredAffinity: weighted(affinity?.podAffinity?.preferredDuringSchedulingIgnoredDuringExecution),
    preferredAntiAffinity: weighted(affinity?.podAntiAffinity?.preferredDuringSchedulingIgnoredDuringExecution),
  };
}

/** AffinityTerm.Matches: the pod is in one of the term's namespaces and carries matching labels. */
export function termMatches(term: AffinityTerm, pod: Pod, namespaceLabels: Record<string, string> | undefined): boolean {
  const ns = pod.metadata?.namespace ?? '';
  if (!term.namespaces.has(ns) && !matchesLabels(term.namespaceSelector, namespaceLabels)) return false;
  return matchesLabels(term.selector, pod.metadata?.labels);
}

/** The ports a pod takes on its node's addresses (containers and sidecars naming a hostPort). */
function hostPortsOf(pod: Pod): HostPort[] {
  const containers = [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? []).filter((c) => c.restartPolicy === 'Always')];
  const out: HostPort[] = [];
  for (const c of containers) {
    for (const p of c.ports ?? []) {
      if (!p.hostPort || p.hostPort <= 0) continue;
      out.push({ hostIP: p.hostIP || '0.0.0.0', protocol: p.protocol || 'TCP', port: p.hostPort });
    }
  }
  return out;
}

/** HostPortInfo.CheckConflict: the same protocol and port on the same address or on 0.0.0.0 (either side). */
export function hostPortConflicts(used: readonly HostPort[], wanted: HostPort): boolean {
  return used.some(
    (u) => u.port === wanted.port && u.protocol === wanted.protocol && (u.hostIP === wanted.hostIP || u.hostIP === '0.0.0.0' || wanted.hostIP === '0.0.0.0'),
  );
}
