// PodTopologySpread: DoNotSchedule constraints keep the count of matching pods in any topology
// domain within maxSkew of the least populated eligible domain (nodes missing the topology label
// are out); ScheduleAnyway constraints — or, for pods of a Service, ReplicaSet, StatefulSet or
// ReplicationController without constraints, the system defaults (hostname maxSkew 3, zone
// maxSkew 5) — score less crowded domains higher. Node inclusion policies: node affinity Honor,
// taints Ignore unless the constraint says otherwise.
import type { Node, Pod } from '../../machinery/api-types.js';
import { toleratesTaint } from '../../machinery/taints.js';
import { isLabelSelectorEmpty, labelSelectorFromObject, labelSelectorToString, matchesLabels, nothingLabelSelector, type LabelSelector } from '../../machinery/selectors/index.js';
import { maxNodeScore, unresolvable, unschedulable, type ClusterView, type NodeScore, type Plugin } from '../framework.js';
import type { NodeInfo } from '../node-info.js';
import { matchesRequiredNodeAffinity } from '../../machinery/node-affinity.js';

type SpreadConstraint = NonNullable<NonNullable<Pod['spec']>['topologySpreadConstraints']>[number];

export const errReasonConstraintsNotMatch = "node(s) didn't match pod topology spread constraints";
export const errReasonNodeLabelNotMatch = `${errReasonConstraintsNotMatch} (missing required label)`;

const hostnameLabel = 'kubernetes.io/hostname';
const zoneLabel = 'topology.kubernetes.io/zone';

interface Constraint {
  maxSkew: number;
  topologyKey: string;
  selector: LabelSelector;
  minDomains: number;
  honorNodeAffinity: boolean;
  honorTaints: boolean;
}

/** matchLabelKeys adds the pod's own values of those labels to the selector. */
function constraintSelector(c: SpreadConstraint, podLabels: Record<string, string>): LabelSelector {
  if (c.labelSelector == null) return nothingLabelSelector;
  const extra = (c.matchLabelKeys ?? []).filter((k) => k in podLabels).map((k) => ({ key: k, operator: 'In', values: [podLabels[k]!] }));
  try {
    return labelSelectorFromObject(extra.length ? { ...c.labelSelector, matchExpressions: [...(c.labelSelector.matchExpressions ?? []), ...extra] } : c.labelSelector);
  } catch {
    return nothingLabelSelector;
  }
}

function explicitConstraints(pod: Pod, action: 'DoNotSchedule' | 'ScheduleAnyway'): Constraint[] {
  const labels = pod.metadata?.labels ?? {};
  return (pod.spec?.topologySpreadConstraints ?? [])
    .filter((c) => c.whenUnsatisfiable === action)
    .map((c) => ({
      maxSkew: c.maxSkew,
      topologyKey: c.topologyKey,
      selector: constraintSelector(c, labels),
      minDomains: c.minDomains ?? 1,
      honorNodeAffinity: (c.nodeAffinityPolicy ?? 'Honor') === 'Honor',
      honorTaints: (c.nodeTaintsPolicy ?? 'Ignore') === 'Honor',
    }));
}

function defaultConstraints(pod: Pod, view: ClusterView): Constraint[] {
  const selector = view.defaultSpreadSelector(pod);
  if (isLabelSelectorEmpty(selector) || selector.requirements === null) return [];
  const base = { selector, minDomains: 1, honorNodeAffinity: true, honorTaints: false };
  return [
    { ...base, topologyKey: hostnameLabel, maxSkew: 3 },
    { ...base, topologyKey: zoneLabel, maxSkew: 5 },
  ];
}

function hasAllKeys(labels: Record<string, string>, constraints: readonly Constraint[]): boolean {
  return constraints.every((c) => Object.hasOwn(labels, c.topologyKey));
}

function untoleratedTaint(node: Node, pod: Pod): boolean {
  const tolerations = pod.spec?.tolerations ?? [];
  return (node.spec?.taints ?? []).some((t) => (t.effect === 'NoSchedule' || t.effect === 'NoExecute') && !tolerations.some((tol) => toleratesTaint(tol, t)));
}

function included(c: Constraint, pod: Pod, node: Node): boolean {
  if (c.honorNodeAffinity && !matchesRequiredNodeAffinity(pod, node)) return false;
  if (c.honorTaints && untoleratedTaint(node, pod)) return false;
  return true;
}

/** countPodsMatchSelector: pods of the namespace matching the selector, not counting terminating ones. */
function countMatching(node: NodeInfo, selector: LabelSelector, namespace: string): number {
  if (isLabelSelectorEmpty(selector)) return 0;
  // Every pod a Deployment schedules asks the same question of every node: remember the answer
  // until the node's pods change.
  // A selector object belongs to one pod's cycle, so to one namespace.
  let key = selectorKeys.get(selector);
  if (key === undefined) selectorKeys.set(selector, (key = `${namespace}\u0000${labelSelectorToString(selector)}`));
  let counts = matchCounts.get(node);
  if (!counts || counts.generation !== node.selectorGeneration) matchCounts.set(node, (counts = { generation: node.selectorGeneration, byKey: new Map() }));
  const known = counts.byKey.get(key);
  if (known !== undefined) return known;
  let n = 0;
  for (const { pod } of node.pods.values()) {
    if (pod.metadata?.deletionTimestamp || pod.metadata?.namespace !== namespace) continue;
    if (matchesLabels(selector, pod.metadata?.labels)) n++;
  }
  counts.byKey.set(key, n);
  return n;
}

const matchCounts = new WeakMap<NodeInfo, { generation: number; byKey: Map<string, number> }>();
/** A cycle's constraint asks every node: its selector is spelled out once, not once per node. */
const selectorKeys = new WeakMap<LabelSelector, string>();

interface FilterState {
  constraints: Constraint[];
  /** Per constraint: topology value → matching pods in that domain. */
  counts: Map<string, number>[];
}

interface ScoreState {
  constraints: Constraint[];
  ignored: Set<string>;
  counts: Map<string, number>[];
  weights: number[];
}

export function podTopologySpread(view: ClusterView): Plugin {
  return {
    name: 'PodTopologySpread',
    weight: 2,
    preFilter(state) {
      const pod = state.pod.pod;
      const constraints = explicitConstraints(pod, 'DoNotSchedule');
      if (constraints.length === 0) return { status: { code: 'Skip', reasons: [] } };
      const counts = constraints.map(() => new Map<string, number>());
      const namespace = pod.metadata?.namespace ?? '';
      for (const node of state.nodes) {
        if (!node.node || !hasAllKeys(node.labels, constraints)) continue;
        constraints.forEach((c, i) => {
          if (!included(c, pod, node.node!)) return;
          const value = node.labels[c.topologyKey]!;
          counts[i]!.set(value, (counts[i]!.get(value) ?? 0) + countMatching(node, c.selector, namespace));
        });
      }
      state.write('PodTopologySpread/filter', { constraints, counts } satisfies FilterState);
    },
    filter(state, node) {
      const s = state.read<FilterState>('PodTopologySpread/filter');
      if (!s) return;
      const podLabels = state.pod.pod.metadata?.labels;
      for (const [i, c] of s.constraints.entries()) {
        const value = node.labels[c.topologyKey];
        if (value === undefined) return unresolvable(errReasonNodeLabelNotMatch);
        const domains = s.counts[i]!;
        // Fewer eligible domains than minDomains: the global minimum counts as zero.
        const minMatch = domains.size < c.minDomains ? 0 : Math.min(...domains.values());
        const selfMatch = matchesLabels(c.selector, podLabels) ? 1 : 0;
        if ((domains.get(value) ?? 0) + selfMatch - minMatch > c.maxSkew) return unschedulable(errReasonConstraintsNotMatch);
      }
    },
    preScore(state, feasible) {
      const pod = state.pod.pod;
      const explicit = (pod.spec?.topologySpreadConstraints?.length ?? 0) > 0;
      const constraints = explicit ? explicitConstraints(pod, 'ScheduleAnyway') : defaultConstraints(pod, view);
      if (constraints.length === 0) return 'skip';
      // System defaults tolerate nodes without a zone label; explicit constraints need every key.
      const requireAll = explicit;
      const ignored = new Set<string>();
      const counts = constraints.map(() => new Map<string, number>());
      for (const node of feasible) {
        if (requireAll && !hasAllKeys(node.labels, constraints)) {
          ignored.add(node.name);
          continue;
        }
        constraints.forEach((c, i) => {
          if (c.topologyKey === hostnameLabel) return;
          const value = node.labels[c.topologyKey] ?? '';
          if (!counts[i]!.has(value)) counts[i]!.set(value, 0);
        });
      }
      const weights = constraints.map((c, i) => Math.log((c.topologyKey === hostnameLabel ? feasible.length - ignored.size : counts[i]!.size) + 2));
      const namespace = pod.metadata?.namespace ?? '';
      for (const node of state.nodes) {
        if (!node.node || (requireAll && !hasAllKeys(node.labels, constraints))) continue;
        constraints.forEach((c, i) => {
          if (!included(c, pod, node.node!)) return;
          const value = node.labels[c.topologyKey] ?? '';
          const current = counts[i]!.get(value);
          if (current === undefined) return;
          counts[i]!.set(value, current + countMatching(node, c.selector, namespace));
        });
      }
      state.write('PodTopologySpread/score', { constraints, ignored, counts, weights } satisfies ScoreState);
    },
    score(state, node) {
      const s = state.read<ScoreState>('PodTopologySpread/score')!;
      if (s.ignored.has(node.name)) return 0;
      const namespace = state.pod.pod.metadata?.namespace ?? '';
      let score = 0;
      s.constraints.forEach((c, i) => {
        const value = node.labels[c.topologyKey];
        if (value === undefined) return;
        const count = c.topologyKey === hostnameLabel ? countMatching(node, c.selector, namespace) : (s.counts[i]!.get(value) ?? 0);
        // maxSkew-1 waters down small differences between domains.
        score += count * s.weights[i]! + (c.maxSkew - 1);
      });
      return Math.round(score);
    },
    normalizeScore(state, scores: NodeScore[]) {
      const s = state.read<ScoreState>('PodTopologySpread/score')!;
      const counted = scores.filter((x) => !s.ignored.has(x.node.name));
      const min = Math.min(...counted.map((x) => x.score));
      const max = Math.max(0, ...counted.map((x) => x.score));
      for (const x of scores) {
        if (s.ignored.has(x.node.name)) x.score = 0;
        else if (max === 0) x.score = maxNodeScore;
        else x.score = Math.trunc((maxNodeScore * (max + min - x.score)) / max);
      }
    },
    isSchedulableAfter(event, info) {
      const pod = info.pod;
      const constraints = explicitConstraints(pod, 'DoNotSchedule');
      const namespace = pod.metadata?.namespace;
      switch (event.type) {
        case 'AssignedPodAdd':
        case 'AssignedPodDelete':
          return event.pod.metadata?.namespace === namespace && constraints.some((c) => matchesLabels(c.selector, event.pod.metadata?.labels));
        case 'AssignedPodUpdate':
          return event.changes.labels && constraints.some((c) => matchesLabels(c.selector, event.oldPod.metadata?.labels) !== matchesLabels(c.selector, event.pod.metadata?.labels));
        case 'TargetPodUpdate':
          return event.changes.labels;
        case 'NodeAdd':
          return hasAllKeys(event.node.metadata?.labels ?? {}, constraints);
        case 'NodeDelete':
          return hasAllKeys(event.node.metadata?.labels ?? {}, constraints);
        case 'NodeUpdate': {
          if (!event.changes.labels && !event.changes.taints) return false;
          const before = event.oldNode.metadata?.labels ?? {};
          const after = event.node.metadata?.labels ?? {};
          if (!hasAllKeys(after, constraints)) return false;
          return !hasAllKeys(before, constraints) || event.changes.taints || constraints.some((c) => before[c.topologyKey] !== after[c.topologyKey]);
        }
        default:
          return false;
      }
    },
  };
}
