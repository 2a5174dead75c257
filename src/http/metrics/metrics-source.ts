// NodeMetrics and PodMetrics as metrics-server would serve them at this moment, computed from
// the nodes and pods the registry holds. Like metrics-server, it knows only Running pods (its pod
// informer selects status.phase=Running) and only what the kubelets report: the running
// containers of pods on Ready nodes, and those nodes themselves.
import { notFound } from '../../apierrors/index.js';
import type { Node, Pod } from '../../machinery/api-types.js';
import type { Clock } from '../../machinery/clock.js';
import type { MetricsConfig } from '../../machinery/cluster-config.js';
import { formatQuantity, Scale } from '../../machinery/quantity.js';
import { parseCached, type CachedObject } from '../../registry/cached-objects.js';
import type { Registry } from '../../registry/registry.js';
import type { ListOptions } from '../../registry/request-options.js';
import type { ResourceStore } from '../../registry/store.js';
import type { Catalogue } from '../../schema/catalogue.js';
import { goDuration, metaTime, sampleOf } from './scrape-clock.js';
import { addUsage, containerUsage, nodeFacts, nodeUsage, noUsage, podFacts, type NodeFacts, type PodFacts, type Usage } from './usage-model.js';

export type ResourceList = { cpu: string; memory: string };

export interface MetricsMeta {
  name: string;
  namespace?: string;
  creationTimestamp: string;
  labels?: Record<string, string>;
}

export interface NodeMetrics {
  metadata: MetricsMeta;
  timestamp: string;
  window: string;
  usage: ResourceList;
}

export interface PodMetrics {
  metadata: MetricsMeta;
  timestamp: string;
  window: string;
  containers: { name: string; usage: ResourceList }[];
}

export interface MetricsSourceDeps {
  catalogue: Catalogue;
  registry: Registry;
  clock: Clock;
  config: MetricsConfig;
}

// What kubectl users see when metrics-server's listers miss an object: the typed node lister
// names its resource "node"; the pod metadata lister, "pods".
const nodeResource = { group: '', resource: 'node' };
const podResource = { group: '', resource: 'pods' };
const nodeMetricsResource = { group: 'metrics.k8s.io', resource: 'nodemetrics' };
const podMetricsResource = { group: 'metrics.k8s.io', resource: 'podmetrics' };

export class MetricsSource {
  // Facts are read once per stored version of an object (cached objects are immutable).
  private readonly podFactsMemo = new WeakMap<CachedObject, PodFacts | null>();
  private readonly nodeFactsMemo = new WeakMap<CachedObject, NodeFacts>();
  private stores?: { nodes: ResourceStore; pods: ResourceStore };

  constructor(private readonly deps: MetricsSourceDeps) {}

  private store(resource: 'nodes' | 'pods'): ResourceStore {
    if (!this.stores) {
      const info = (r: string) => {
        const found = this.deps.catalogue.lookup('', 'v1', r);
        if (!found) throw new Error(`the catalogue has no core/v1 ${r}`);
        return found;
      };
      this.stores = { nodes: this.deps.registry.store(info('nodes')), pods: this.deps.registry.store(info('pods')) };
    }
    return this.stores[resource];
  }

  /** Metrics of the matching nodes whose kubelets report, by name. */
  async listNodeMetrics(opts: ListOptions): Promise<NodeMetrics[]> {
    const nodes = (await this.store('nodes').list(undefined, { labelSelector: opts.labelSelector, fieldSelector: opts.fieldSelector })).items.map((n) => this.nodeFactsOf(n));
    const now = this.deps.clock.now();
    const byNode = this.runningPodsByNode();
    return nodes.filter((n) => n.reporting).map((n) => this.nodeMetricsOf(n, byNode.get(n.name) ?? [], now));
  }

  nodeMetrics(name: string): NodeMetrics {
    const cached = this.store('nodes').cachedObject(undefined, name);
    if (!cached) throw notFound(nodeResource, name);
    const node = this.nodeFactsOf(cached);
    if (!node.reporting) throw notFound(nodeMetricsResource, name);
    return this.nodeMetricsOf(node, this.runningPodsByNode().get(name) ?? [], this.deps.clock.now());
  }

  /** Metrics of the matching Running pods whose kubelets report them, by namespace and name. */
  async listPodMetrics(namespace: string | undefined, opts: ListOptions): Promise<PodMetrics[]> {
    const listed = await this.store('pods').list(namespace, { labelSelector: opts.labelSelector, fieldSelector: opts.fieldSelector });
    const nodes = this.reportingNodes();
    const now = this.deps.clock.now();
    const out: PodMetrics[] = [];
    for (const cached of listed.items) {
      const pod = this.runningPodFactsOf(cached);
      if (pod && nodes.has(pod.nodeName)) out.push(this.podMetricsOf(pod, now));
    }
    return out;
  }

  podMetrics(namespace: string, name: string): PodMetrics {
    const cached = this.store('pods').cachedObject(namespace, name);
    if (!cached || !isRunning(cached)) throw notFound(podResource, name);
    const pod = this.runningPodFactsOf(cached);
    const nodeCached = pod && this.store('nodes').cachedObject(undefined, pod.nodeName);
    if (!pod || !nodeCached || !this.nodeFactsOf(nodeCached).reporting) throw notFound(podMetricsResource, `${namespace}/${name}`);
    return this.podMetricsOf(pod, this.deps.clock.now());
  }

  private nodeMetricsOf(node: NodeFacts, pods: PodFacts[], now: number): NodeMetrics {
    const sample = sampleOf(node.name, now);
    let podsUsage = noUsage;
    for (const pod of pods) {
      for (const c of pod.containers) podsUsage = addUsage(podsUsage, containerUsage(pod, c, this.deps.config, sample.scrape));
    }
    return {
      metadata: meta(node.name, undefined, node.labels, now),
      timestamp: metaTime(sample.timestampMs),
      window: goDuration(sample.windowMs),
      usage: resourceList(nodeUsage(node, podsUsage, sample.scrape)),
    };
  }

  private podMetricsOf(pod: PodFacts, now: number): PodMetrics {
    // A pod's containers are measured by its node's kubelet, in the same sample.
    const sample = sampleOf(pod.nodeName, now);
    return {
      metadata: meta(pod.name, pod.namespace, pod.labels, now),
      timestamp: metaTime(sample.timestampMs),
      window: goDuration(sample.windowMs),
      containers: pod.containers.map((c) => ({ name: c.name, usage: resourceList(containerUsage(pod, c, this.deps.config, sample.scrape)) })),
    };
  }

  private reportingNodes(): Set<string> {
    return new Set(this.store('nodes').cachedAll().map((n) => this.nodeFactsOf(n)).filter((n) => n.reporting).map((n) => n.name));
  }

  private runningPodsByNode(): Map<string, PodFacts[]> {
    const byNode = new Map<string, PodFacts[]>();
    for (const cached of this.store('pods').cachedAll()) {
      const pod = this.runningPodFactsOf(cached);
      if (!pod) continue;
      let list = byNode.get(pod.nodeName);
      if (!list) byNode.set(pod.nodeName, (list = []));
      list.push(pod);
    }
    return byNode;
  }

  private runningPodFactsOf(cached: CachedObject): PodFacts | undefined {
    if (!isRunning(cached)) return undefined;
    let facts = this.podFactsMemo.get(cached);
    if (facts === undefined) {
      facts = podFacts(parseCached<Pod>(cached)) ?? null;
      this.podFactsMemo.set(cached, facts);
    }
    return facts ?? undefined;
  }

  private nodeFactsOf(cached: CachedObject): NodeFacts {
    let facts = this.nodeFactsMemo.get(cached);
    if (!facts) {
      facts = nodeFacts(parseCached<Node>(cached));
      this.nodeFactsMemo.set(cached, facts);
    }
    return facts;
  }
}

function isRunning(pod: CachedObject): boolean {
  return pod.fields['status.phase'] === 'Running';
}

// metrics-server stamps each answer as created now, and copies the labels (selectors match them).
function meta(name: string, namespace: string | undefined, labels: Record<string, string> | undefined, now: number): MetricsMeta {
  return {
    name,
    ...(namespace !== undefined ? { namespace } : {}),
    creationTimestamp: metaTime(now),
    ...(labels && Object.keys(labels).length ? { labels } : {}),
  };
}

// CPU in nanocores and memory in bytes, printed as metrics-server's quantities are ("12345678n", "52340Ki").
function resourceList(u: Usage): ResourceList {
  return {
    cpu: formatQuantity({ unscaled: BigInt(u.cpuNanoCores), scale: Scale.Nano, format: 'DecimalSI' }),
    memory: formatQuantity({ unscaled: BigInt(u.memoryBytes), scale: 0, format: 'BinarySI' }),
  };
}
