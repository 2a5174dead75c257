// API groups served beside the catalogue's, as kube-apiserver serves the groups of aggregated
// APIServices (metrics-server's metrics.k8s.io) next to its own. The OpenAPI spec the catalogue
// is built from does not describe them, so each one brings its discovery entries and answers its
// own resource requests; discovery lists them after the built-in groups, where their low group
// priority puts them on a real cluster.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Query } from './query.js';
import type { ResourceRequestInfo } from './request-info.js';

export interface ExtraResource {
  /** Plural, lower case: "pods". */
  resource: string;
  /** As published; "" lets clients fall back to the lower-cased kind (what metrics-server does). */
  singular: string;
  kind: string;
  namespaced: boolean;
  verbs: readonly string[];
  shortNames?: readonly string[];
  categories?: readonly string[];
}

export interface ExtraGroupVersion {
  group: string;
  version: string;
  resources: readonly ExtraResource[];
  /** Its server did not answer the last check: the resources are the last ones it reported. */
  stale?: boolean;
  /** Answers every resource request under /apis/<group>/<version>/. */
  handle(req: IncomingMessage, res: ServerResponse, ri: ResourceRequestInfo, query: Query): Promise<void>;
}

/** The extra group-version a resource request is addressed to, if any. */
export function extraGroupVersionFor(extras: readonly ExtraGroupVersion[], ri: ResourceRequestInfo): ExtraGroupVersion | undefined {
  if (ri.prefix !== 'apis') return undefined;
  return extras.find((e) => e.group === ri.group && e.version === ri.version);
}
