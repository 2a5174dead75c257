// The resource metrics API (metrics.k8s.io/v1beta1) that metrics-server serves through API
// aggregation on a real cluster, answered by kubemu's API server itself: `kubectl top nodes`,
// `kubectl top pods` and `kubectl get nodemetrics/podmetrics`. Like metrics-server it offers get
// and list only (no watch), label selectors and metadata.name/metadata.namespace field
// selectors, JSON, YAML, Table and metadata-only answers; kubectl's protobuf-first Accept header
// gets JSON, which it reads as well. There is no OpenAPI for the group.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ApiError, methodNotAllowed, resourceNotFound } from '../../apierrors/index.js';
import type { Clock } from '../../machinery/clock.js';
import { defaultClusterConfig, type MetricsConfig } from '../../machinery/cluster-config.js';
import type { Registry } from '../../registry/registry.js';
import type { ListOptions } from '../../registry/request-options.js';
import type { Catalogue } from '../../schema/catalogue.js';
import type { ProtobufCodec } from '../../schema/protobuf/index.js';
import type { ExtraGroupVersion, ExtraResource } from '../extra-groups.js';
import { negotiateOutput } from '../media-types.js';
import { parseBool, parseListOptions, type Query } from '../query.js';
import type { ResourceRequestInfo } from '../request-info.js';
import { loadYamlOutput, sendValue, type ResponseContext } from '../responses.js';
import { parseIncludeObject, partialObjectMetadata } from '../table.js';
import { MetricsSource, type NodeMetrics, type PodMetrics } from './metrics-source.js';
import { metricsTable } from './table.js';

export interface MetricsApiDeps {
  catalogue: Catalogue;
  registry: Registry;
  clock: Clock;
  protobuf: () => ProtobufCodec;
  /** The load model (cluster config `metrics`); defaults to the cluster config's defaults. */
  config?: MetricsConfig;
}

const group = 'metrics.k8s.io';
const version = 'v1beta1';
const apiVersion = `${group}/${version}`;

interface MetricsResource extends ExtraResource {
  get(source: MetricsSource, namespace: string | undefined, name: string): NodeMetrics | PodMetrics;
  list(source: MetricsSource, namespace: string | undefined, opts: ListOptions): Promise<(NodeMetrics | PodMetrics)[]>;
}

// What metrics-server registers: nodes and pods, get and list, no singular name.
const resources: readonly MetricsResource[] = [
  {
    resource: 'nodes',
    singular: '',
    kind: 'NodeMetrics',
    namespaced: false,
    verbs: ['get', 'list'],
    get: (source, _ns, name) => source.nodeMetrics(name),
    list: (source, _ns, opts) => source.listNodeMetrics(opts),
  },
  {
    resource: 'pods',
    singular: '',
    kind: 'PodMetrics',
    namespaced: true,
    verbs: ['get', 'list'],
    get: (source, ns, name) => source.podMetrics(ns!, name),
    list: (source, ns, opts) => source.listPodMetrics(ns, opts),
  },
];

// metrics-server filters on ObjectMeta's fields only.
const selectableFields: ReadonlySet<string> = new Set(['metadata.name', 'metadata.namespace']);

export function createMetricsApi(deps: MetricsApiDeps): ExtraGroupVersion {
  const source = new MetricsSource({
    catalogue: deps.catalogue,
    registry: deps.registry,
    clock: deps.clock,
    config: deps.config ?? defaultClusterConfig(0).metrics,
  });
  return {
    group,
    version,
    resources: resources.map(({ resource, singular, kind, namespaced, verbs }) => ({ resource, singular, kind, namespaced, verbs })),
    handle: (req, res, ri, query) => serve(req, res, ri, query, source, deps),
  };
}

async function serve(
  req: IncomingMessage,
  res: ServerResponse,
  ri: ResourceRequestInfo,
  query: Query,
  source: MetricsSource,
  deps: MetricsApiDeps,
): Promise<void> {
  const r = resources.find((x) => x.resource === ri.resource);
  if (!r || ri.subresource !== undefined) throw resourceNotFound();
  if (!r.namespaced && ri.namespace !== undefined) throw resourceNotFound();
  if (r.namespaced && ri.namespace === undefined && ri.name !== undefined) throw resourceNotFound();
  if (ri.verb === 'watch') throw watchNotSupported(r.resource);
  if (ri.verb !== 'get' && ri.verb !== 'list') throw methodNotAllowed();

  if (req.headers.accept?.includes('yaml')) await loadYamlOutput();
  const format = negotiateOutput(req.headers.accept, { transforms: true, yaml: true, protobuf: false });
  const includeObject = parseIncludeObject(query.get('includeObject'));
  const ctx: ResponseContext = {
    format,
    includeObject,
    now: new Date(deps.clock.now()),
    protobuf: deps.protobuf,
    pretty: parseBool(query, 'pretty') === true,
  };
  const tableOpts = { includeObject, asVersion: format.asVersion, kind: r.kind, apiVersion };

  if (ri.verb === 'get') {
    const obj = { kind: r.kind, apiVersion, ...r.get(source, ri.namespace, ri.name!) };
    if (format.as === 'Table') return sendValue(res, 200, metricsTable([obj], tableOpts), ctx);
    if (format.as) return sendValue(res, 200, partialObjectMetadata({ metadata: obj.metadata }, format.asVersion), ctx);
    return sendValue(res, 200, obj, ctx);
  }
  // limit, continue and resourceVersion are accepted and ignored: metrics-server always answers everything it has.
  const items = await r.list(source, ri.namespace, parseListOptions(query, selectableFields));
  if (format.as === 'Table') return sendValue(res, 200, metricsTable(items, tableOpts), ctx);
  if (format.as) {
    const v = format.asVersion ?? 'v1';
    return sendValue(res, 200, { kind: 'PartialObjectMetadataList', apiVersion: `meta.k8s.io/${v}`, metadata: {}, items: items.map((i) => partialObjectMetadata({ metadata: i.metadata }, v)) }, ctx);
  }
  return sendValue(res, 200, { kind: `${r.kind}List`, apiVersion, metadata: {}, items }, ctx);
}

// The generic API server's answer when a storage cannot watch (errors.NewMethodNotSupported).
function watchNotSupported(resource: string): ApiError {
  return new ApiError(405, 'MethodNotAllowed', `watch is not supported on resources of kind "${resource}.${group}"`, { group, kind: resource });
}
