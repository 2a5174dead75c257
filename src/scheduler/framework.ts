// The scheduling framework as kube-scheduler runs a profile (pkg/scheduler/framework/runtime): an
// ordered list of plugins, each taking part in the extension points it implements — PreFilter
// (once per pod: precompute, narrow the nodes, or reject), Filter (per node: the first plugin that
// says no decides the node's reason), PreScore/Score/NormalizeScore (weighted sum, 0–100 per
// plugin) — and telling the queue which cluster events could undo its rejections.
import type { Pod } from '../machinery/api-types.js';
import type { LabelSelector } from '../machinery/selectors/index.js';
import type { ClusterEvent } from './cluster-events.js';
import type { NodeInfo } from './node-info.js';
import type { PodInfo } from './pod-info.js';

export type Code = 'Success' | 'Error' | 'Unschedulable' | 'UnschedulableAndUnresolvable' | 'Skip';

/** fwk.Status: a code, the reasons shown to users, and the plugin that returned it. */
export interface Status {
  code: Code;
  reasons: string[];
  plugin?: string;
}

export const maxNodeScore = 100;

export function unschedulable(...reasons: string[]): Status {
  return { code: 'Unschedulable', reasons };
}

/** No amount of preempting pods on the node would help (the preemption message says so). */
export function unresolvable(...reasons: string[]): Status {
  return { code: 'UnschedulableAndUnresolvable', reasons };
}

export function errorStatus(message: string): Status {
  return { code: 'Error', reasons: [message] };
}

export function isRejected(s: Status): boolean {
  return s.code === 'Unschedulable' || s.code === 'UnschedulableAndUnresolvable';
}

/** Status.Message: the reasons joined with ", ". */
export function statusMessage(s: Status): string {
  return s.reasons.join(', ');
}

/** Per-pod state of one scheduling attempt, shared by the extension points (framework.CycleState). */
export class CycleState {
  private readonly data = new Map<string, unknown>();
  readonly skipFilter = new Set<string>();
  readonly skipScore = new Set<string>();

  constructor(
    readonly pod: PodInfo,
    /** Every node of the snapshot (plugins that count pods cluster-wide read all of them). */
    readonly nodes: readonly NodeInfo[],
  ) {}

  read<T>(key: string): T | undefined {
    return this.data.get(key) as T | undefined;
  }

  write(key: string, value: unknown): void {
    this.data.set(key, value);
  }
}

/** What PreFilter decided: nothing (all nodes), a subset of node names, a skip, or a rejection. */
export interface PreFilterOutcome {
  status?: Status;
  nodeNames?: ReadonlySet<string>;
}

export interface NodeScore {
  node: NodeInfo;
  score: number;
}

export interface Plugin {
  readonly name: string;
  /** Score weight in the default profile; plugins without one do not score. */
  readonly weight?: number;
  preFilter?(state: CycleState): PreFilterOutcome | void;
  filter?(state: CycleState, node: NodeInfo): Status | void;
  /** Return 'skip' when this plugin has nothing to score for the pod. */
  preScore?(state: CycleState, feasible: readonly NodeInfo[]): 'skip' | void;
  score?(state: CycleState, node: NodeInfo): number;
  normalizeScore?(state: CycleState, scores: NodeScore[]): void;
  /**
   * QueueingHint: whether the event may make a pod this plugin rejected schedulable. Plugins
   * without one never requeue the pods they reject (the periodic flush still does).
   */
  isSchedulableAfter?(event: ClusterEvent, pod: PodInfo): boolean;
}

export interface PreFilterResult {
  /** A rejection (the cycle stops) or undefined. */
  status?: Status;
  /** Nodes left to consider, when PreFilter plugins narrowed them. */
  nodeNames?: ReadonlySet<string>;
  /** The plugins that narrowed the node set (they count as rejecting the pod if it fails). */
  pluginsWithNodes: Set<string>;
}

/** framework.RunPreFilterPlugins. */
export function runPreFilter(plugins: readonly Plugin[], state: CycleState): PreFilterResult {
  let nodeNames: Set<string> | undefined;
  const pluginsWithNodes = new Set<string>();
  let rejection: Status | undefined;
  for (const pl of plugins) {
    if (!pl.preFilter) continue;
    const out = pl.preFilter(state) ?? {};
    const s = out.status;
    if (s && s.code === 'Skip') {
      state.skipFilter.add(pl.name);
      continue;
    }
    if (s && s.code !== 'Success') {
      const withPlugin = { ...s, plugin: pl.name };
      // An unresolvable rejection ends PreFilter; a resolvable one lets the others run (preemption may need them).
      if (s.code === 'UnschedulableAndUnresolvable') return { status: withPlugin, pluginsWithNodes: new Set() };
      if (s.code === 'Unschedulable') {
        rejection = withPlugin;
        continue;
      }
      return { status: { code: 'Error', reasons: [`running PreFilter plugin "${pl.name}": ${statusMessage(s)}`], plugin: pl.name }, pluginsWithNodes: new Set() };
    }
    if (out.nodeNames) {
      pluginsWithNodes.add(pl.name);
      nodeNames = nodeNames ? new Set([...nodeNames].filter((n) => out.nodeNames!.has(n))) : new Set(out.nodeNames);
      if (nodeNames.size === 0) {
        const names = [...pluginsWithNodes].sort();
        const msg = names.length === 1 ? `node(s) didn't satisfy plugin ${names[0]}` : `node(s) didn't satisfy plugin(s) [${names.join(' ')}] simultaneously`;
        return { status: { ...unresolvable(msg), plugin: pl.name }, nodeNames, pluginsWithNodes };
      }
    }
  }
  return { status: rejection, nodeNames, pluginsWithNodes };
}

/** framework.RunFilterPlugins: the first plugin that does not pass the node decides. */
export function runFilter(plugins: readonly Plugin[], state: CycleState, node: NodeInfo): Status | undefined {
  for (const pl of plugins) {
    if (!pl.filter || state.skipFilter.has(pl.name)) continue;
    const s = pl.filter(state, node);
    if (!s || s.code === 'Success') continue;
    if (!isRejected(s)) return { code: 'Error', reasons: [`running "${pl.name}" filter plugin: ${statusMessage(s)}`], plugin: pl.name };
    return { ...s, plugin: pl.name };
  }
  return undefined;
}

/** framework.RunPreScorePlugins + RunScorePlugins: every node's weighted total. */
export function runScore(plugins: readonly Plugin[], state: CycleState, feasible: readonly NodeInfo[]): Map<string, number> {
  const totals = new Map<string, number>(feasible.map((n) => [n.name, 0]));
  for (const pl of plugins) {
    if (!pl.score || pl.weight === undefined) continue;
    if (pl.preScore?.(state, feasible) === 'skip') continue;
    const scores: NodeScore[] = feasible.map((node) => ({ node, score: pl.score!(state, node) }));
    pl.normalizeScore?.(state, scores);
    for (const s of scores) totals.set(s.node.name, totals.get(s.node.name)! + s.score * pl.weight);
  }
  return totals;
}

/** helper.DefaultNormalizeScore: scale to 0–maxNodeScore by the highest score, optionally reversed. */
export function defaultNormalizeScore(scores: NodeScore[], reverse: boolean): void {
  const highest = Math.max(0, ...scores.map((s) => s.score));
  if (highest === 0) {
    if (reverse) for (const s of scores) s.score = maxNodeScore;
    return;
  }
  for (const s of scores) {
    const scaled = Math.trunc((maxNodeScore * s.score) / highest);
    s.score = reverse ? maxNodeScore - scaled : scaled;
  }
}

/** What plugins read of the cluster beyond nodes and pods (listers in kube-scheduler). */
export interface ClusterView {
  /** A namespace's labels (pod affinity namespaceSelectors), undefined when it is not known. */
  namespaceLabels(namespace: string): Record<string, string> | undefined;
  /**
   * helper.DefaultSelector: the pod's Services' selectors merged with its controlling
   * ReplicationController's, ReplicaSet's or StatefulSet's, the default spreading selector.
   */
  defaultSpreadSelector(pod: Pod): LabelSelector;
}
