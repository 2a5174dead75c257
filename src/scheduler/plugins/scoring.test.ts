// The score plugins against hand-built nodes, with the numbers kube-scheduler's formulas give.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Node, Pod } from '../../machinery/api-types.js';
import { everythingLabelSelector, labelSelectorFromSet, type LabelSelector } from '../../machinery/selectors/index.js';
import { CycleState, runScore, type ClusterView, type Plugin } from '../framework.js';
import { NodeInfo } from '../node-info.js';
import { newPodInfo } from '../pod-info.js';
import { interPodAffinity } from './inter-pod-affinity.js';
import { nodeAffinity } from './node-affinity.js';
import { nodeResourcesBalancedAllocation, nodeResourcesFit } from './node-resources.js';
import { podTopologySpread } from './pod-topology-spread.js';
import { taintToleration } from './taint-toleration.js';

function node(name: string, labels: Record<string, string> = {}, spec: Node['spec'] = {}, cpu = '8', memory = '32Gi'): NodeInfo {
  return new NodeInfo(name, { metadata: { name, labels: { 'kubernetes.io/hostname': name, ...labels } }, spec, status: { allocatable: { cpu, memory, pods: '110' } } });
}

function pod(name: string, spec: Partial<NonNullable<Pod['spec']>> = {}, requests?: Record<string, string>, labels?: Record<string, string>): Pod {
  return {
    metadata: { namespace: 'default', name, ...(labels ? { labels } : {}) },
    spec: { containers: [{ name: 'c', image: 'x', ...(requests ? { resources: { requests } } : {}) }], ...spec },
  };
}

function place(n: NodeInfo, ...pods: Pod[]): NodeInfo {
  for (const p of pods) n.addPod(newPodInfo({ ...p, spec: { ...p.spec!, nodeName: n.name } }));
  return n;
}

/** One plugin's normalized scores (before its weight), by node. */
function scores(plugin: Plugin, incoming: Pod, nodes: NodeInfo[]): Record<string, number> {
  const unweighted = { ...plugin, weight: 1 } as Plugin;
  const state = new CycleState(newPodInfo(incoming), nodes);
  return Object.fromEntries(runScore([unweighted], state, nodes));
}

const view = (selector: LabelSelector = everythingLabelSelector): ClusterView => ({ namespaceLabels: () => ({}), defaultSpreadSelector: () => selector });

describe('score plugins', () => {
  test('LeastAllocated averages the free share of cpu and memory, counting 100m/200Mi for containers without requests', () => {
    const busy = place(node('busy'), pod('a', {}, { cpu: '4', memory: '8Gi' }));
    const empty = node('empty');
    // busy: cpu (8000-4100)*100/8000 = 48, memory (32-8-0.195)Gi → 74; empty: 98 and 99.
    assert.deepEqual(scores(nodeResourcesFit, pod('p'), [busy, empty]), { busy: 61, empty: 98 });
  });

  test('BalancedAllocation prefers nodes whose cpu and memory shares would be alike, and skips best-effort pods', () => {
    const cpuHeavy = place(node('cpu-heavy'), pod('a', {}, { cpu: '6' }));
    const even = place(node('even'), pod('b', {}, { cpu: '2', memory: '8Gi' }));
    // cpu-heavy: |7/8 - 1/32| / 2 = 0.421875 → 57; even: |3/8 - 9/32| / 2 = 0.046875 → 95.
    assert.deepEqual(scores(nodeResourcesBalancedAllocation, pod('p', {}, { cpu: '1', memory: '1Gi' }), [cpuHeavy, even]), { 'cpu-heavy': 57, even: 95 });
    assert.deepEqual(scores(nodeResourcesBalancedAllocation, pod('p'), [cpuHeavy, even]), { 'cpu-heavy': 0, even: 0 });
  });

  test('TaintToleration scores nodes with fewer untolerated PreferNoSchedule taints higher', () => {
    const soft = (key: string) => ({ key, effect: 'PreferNoSchedule' });
    const nodes = [node('clean'), node('one', {}, { taints: [soft('a')] }), node('two', {}, { taints: [soft('a'), soft('b')] })];
    assert.deepEqual(scores(taintToleration, pod('p'), nodes), { clean: 100, one: 50, two: 0 });
    assert.deepEqual(scores(taintToleration, pod('p', { tolerations: [{ key: 'a', operator: 'Exists' }] }), nodes), { clean: 100, one: 100, two: 0 });
  });

  test('NodeAffinity scales the matched preferred weights to 0–100', () => {
    const preferring = pod('p', {
      affinity: {
        nodeAffinity: {
          preferredDuringSchedulingIgnoredDuringExecution: [
            { weight: 80, preference: { matchExpressions: [{ key: 'disk', operator: 'In', values: ['ssd'] }] } },
            { weight: 20, preference: { matchExpressions: [{ key: 'zone', operator: 'In', values: ['a'] }] } },
          ],
        },
      },
    });
    const nodes = [node('ssd-a', { disk: 'ssd', zone: 'a' }), node('ssd', { disk: 'ssd' }), node('a', { zone: 'a' }), node('none')];
    assert.deepEqual(scores(nodeAffinity, preferring, nodes), { 'ssd-a': 100, ssd: 80, a: 20, none: 0 });
  });

  test('PodTopologySpread (system defaults for a ReplicaSet pod) favours nodes with fewer of its pods', () => {
    const app = { app: 'web' };
    const nodes = [place(node('n1'), pod('a', {}, undefined, app), pod('b', {}, undefined, app)), place(node('n2'), pod('c', {}, undefined, app)), node('n3')];
    // hostname: count × ln(3 + 2) + (3 − 1) → 5.2 → 5, 3.6 → 4, 2; normalized 100 × (5 + 2 − s) / 5.
    assert.deepEqual(scores(podTopologySpread(view(labelSelectorFromSet(app))), pod('p', {}, undefined, app), nodes), { n1: 40, n2: 60, n3: 100 });
    // Without a selector (no Service or controller) there is nothing to spread.
    assert.deepEqual(scores(podTopologySpread(view()), pod('p', {}, undefined, app), nodes), { n1: 0, n2: 0, n3: 0 });
  });

  test('InterPodAffinity: preferred affinity and anti-affinity by topology domain, min–max normalized', () => {
    const incoming = pod('p', {
      affinity: {
        podAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 10, podAffinityTerm: { labelSelector: { matchLabels: { app: 'cache' } }, topologyKey: 'zone' } }] },
        podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 5, podAffinityTerm: { labelSelector: { matchLabels: { app: 'web' } }, topologyKey: 'kubernetes.io/hostname' } }] },
      },
    });
    const nodes = [
      place(node('a1', { zone: 'a' }), pod('cache', {}, undefined, { app: 'cache' })),
      place(node('a2', { zone: 'a' }), pod('web', {}, undefined, { app: 'web' })),
      node('b1', { zone: 'b' }),
    ];
    // a1: +10, a2: +10 −5, b1: 0 → 100, 50, 0.
    assert.deepEqual(scores(interPodAffinity(view()), incoming, nodes), { a1: 100, a2: 50, b1: 0 });
  });
});
