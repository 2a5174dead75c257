// InterPodAffinity: required pod affinity needs, in the node's topology domain, a pod matching all
// of the pod's affinity terms (or none anywhere, when the pod matches its own terms: the first of
// a group); required anti-affinity forbids domains holding a matching pod, both ways (existing
// pods' anti-affinity against the incoming pod counts too). Preferred terms, and existing pods'
// terms about the incoming pod, score domains by weight.
import type { Node, Pod } from '../../machinery/api-types.js';
import { unresolvable, unschedulable, maxNodeScore, type ClusterView, type Plugin } from '../framework.js';
import { hasAffinity, type NodeInfo } from '../node-info.js';
import { newPodInfo, termMatches, type AffinityTerm, type PodInfo } from '../pod-info.js';

export const errReasonExistingAntiAffinityRulesNotMatch = "node(s) didn't satisfy existing pods anti-affinity rules";
export const errReasonAffinityRulesNotMatch = "node(s) didn't match pod affinity rules";
export const errReasonAntiAffinityRulesNotMatch = "node(s) didn't match pod anti-affinity rules";

/** A topology pair as a map key. */
function pair(key: string, value: string): string {
  return `${key}\u0000${value}`;
}

function increment(counts: Map<string, number>, node: Node, key: string, by: number): void {
  const value = node.metadata?.labels?.[key];
  if (value === undefined) return;
  const p = pair(key, value);
  const n = (counts.get(p) ?? 0) + by;
  if (n === 0) counts.delete(p);
  else counts.set(p, n);
}

interface FilterState {
  existingAntiAffinity: Map<string, number>;
  affinity: Map<string, number>;
  antiAffinity: Map<string, number>;
}

type TopologyScore = Map<string, Map<string, number>>;

export function interPodAffinity(view: ClusterView): Plugin {
  const nsLabels = (pod: Pod) => view.namespaceLabels(pod.metadata?.namespace ?? '');
  /** podMatchesAllAffinityTerms: false for no terms. */
  const matchesAll = (terms: readonly AffinityTerm[], pod: Pod) => terms.length > 0 && terms.every((t) => termMatches(t, pod, nsLabels(pod)));

  function addScore(scores: TopologyScore, term: AffinityTerm, weight: number, target: Pod, node: Node): void {
    const labels = node.metadata?.labels ?? {};
    if (Object.keys(labels).length === 0 || !termMatches(term, target, nsLabels(target))) return;
    const value = labels[term.topologyKey];
    if (value === undefined) return;
    let byValue = scores.get(term.topologyKey);
    if (!byValue) scores.set(term.topologyKey, (byValue = new Map()));
    byValue.set(value, (byValue.get(value) ?? 0) + weight);
  }

  function scoreExistingPod(scores: TopologyScore, incoming: PodInfo, existing: PodInfo, node: Node): void {
    for (const t of incoming.preferredAffinity) addScore(scores, t, t.weight, existing.pod, node);
    for (const t of incoming.preferredAntiAffinity) addScore(scores, t, -t.weight, existing.pod, node);
    // An existing pod's required affinity to the incoming pod counts with the hard-affinity weight (1).
    for (const t of existing.requiredAffinity) addScore(scores, t, 1, incoming.pod, node);
    for (const t of existing.preferredAffinity) addScore(scores, t, t.weight, incoming.pod, node);
    for (const t of existing.preferredAntiAffinity) addScore(scores, t, -t.weight, incoming.pod, node);
  }

  return {
    name: 'InterPodAffinity',
    weight: 2,
    preFilter(state) {
      const incoming = state.pod;
      const existingAntiAffinity = new Map<string, number>();
      const affinity = new Map<string, number>();
      const antiAffinity = new Map<string, number>();
      const own = nsLabels(incoming.pod);
      for (const node of state.nodes) {
        if (!node.node) continue;
        if (node.podsWithRequiredAntiAffinity > 0) {
          for (const existing of node.pods.values()) {
            for (const t of existing.requiredAntiAffinity) if (termMatches(t, incoming.pod, own)) increment(existingAntiAffinity, node.node, t.topologyKey, 1);
          }
        }
        if (incoming.requiredAffinity.length === 0 && incoming.requiredAntiAffinity.length === 0) continue;
        for (const existing of node.pods.values()) {
          if (matchesAll(incoming.requiredAffinity, existing.pod)) for (const t of incoming.requiredAffinity) increment(affinity, node.node, t.topologyKey, 1);
          for (const t of incoming.requiredAntiAffinity) if (termMatches(t, existing.pod, nsLabels(existing.pod))) increment(antiAffinity, node.node, t.topologyKey, 1);
        }
      }
      if (existingAntiAffinity.size === 0 && incoming.requiredAffinity.length === 0 && incoming.requiredAntiAffinity.length === 0) {
        return { status: { code: 'Skip', reasons: [] } };
      }
      state.write('InterPodAffinity/filter', { existingAntiAffinity, affinity, antiAffinity } satisfies FilterState);
    },
    filter(state, node: NodeInfo) {
      const s = state.read<FilterState>('InterPodAffinity/filter');
      if (!s) return;
      const labels = node.labels;
      const incoming = state.pod;
      let podsExist = true;
      for (const t of incoming.requiredAffinity) {
        const value = labels[t.topologyKey];
        if (value === undefined) return unresolvable(errReasonAffinityRulesNotMatch);
        if ((s.affinity.get(pair(t.topologyKey, value)) ?? 0) <= 0) podsExist = false;
      }
      // No pod anywhere matches yet: a pod that matches its own terms may start the group.
      if (!podsExist && !(s.affinity.size === 0 && matchesAll(incoming.requiredAffinity, incoming.pod))) return unresolvable(errReasonAffinityRulesNotMatch);
      for (const t of incoming.requiredAntiAffinity) {
        const value = labels[t.topologyKey];
        if (value !== undefined && (s.antiAffinity.get(pair(t.topologyKey, value)) ?? 0) > 0) return unschedulable(errReasonAntiAffinityRulesNotMatch);
      }
      for (const [key, value] of Object.entries(labels)) {
        if ((s.existingAntiAffinity.get(pair(key, value)) ?? 0) > 0) return unschedulable(errReasonExistingAntiAffinityRulesNotMatch);
      }
    },
    preScore(state) {
      const incoming = state.pod;
      const hasConstraints = incoming.preferredAffinity.length + incoming.preferredAntiAffinity.length > 0;
      const scores: TopologyScore = new Map();
      for (const node of state.nodes) {
        if (!node.node || (!hasConstraints && node.podsWithAffinity === 0)) continue;
        for (const existing of node.pods.values()) {
          if (!hasConstraints && !hasAffinity(existing)) continue;
          scoreExistingPod(scores, incoming, existing, node.node);
        }
      }
      if (scores.size === 0) return 'skip';
      state.write('InterPodAffinity/score', scores);
    },
    score(state, node) {
      const scores = state.read<TopologyScore>('InterPodAffinity/score')!;
      let score = 0;
      for (const [key, byValue] of scores) {
        const value = node.labels[key];
        if (value !== undefined) score += byValue.get(value) ?? 0;
      }
      return score;
    },
    normalizeScore(_state, scores) {
      const max = Math.max(0, ...scores.map((s) => s.score));
      const min = Math.min(0, ...scores.map((s) => s.score));
      const diff = max - min;
      for (const s of scores) s.score = diff > 0 ? Math.trunc((maxNodeScore * (s.score - min)) / diff) : 0;
    },
    isSchedulableAfter(event, info) {
      const pod = info.pod;
      switch (event.type) {
        case 'AssignedPodAdd':
          return matchesAll(info.requiredAffinity, event.pod);
        case 'AssignedPodUpdate':
          if (!event.changes.labels) return false;
          return (
            (!matchesAll(info.requiredAffinity, event.oldPod) && matchesAll(info.requiredAffinity, event.pod)) ||
            (matchesAll(info.requiredAntiAffinity, event.oldPod) && !matchesAll(info.requiredAntiAffinity, event.pod))
          );
        case 'AssignedPodDelete':
          return matchesAll(info.requiredAntiAffinity, event.pod) || newPodInfo(event.pod).requiredAntiAffinity.some((t) => termMatches(t, pod, nsLabels(pod)));
        case 'NodeAdd':
        case 'NodeUpdate': {
          if (event.type === 'NodeUpdate' && !event.changes.labels) return false;
          const labels = event.node.metadata?.labels ?? {};
          return [...info.requiredAffinity, ...info.requiredAntiAffinity].some((t) => Object.hasOwn(labels, t.topologyKey));
        }
        default:
          return false;
      }
    },
  };
}
