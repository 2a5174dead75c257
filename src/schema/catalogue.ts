// The kind catalogue: every group/version/resource/kind kubemu serves, derived from the OpenAPI
// spec's paths (actions, group-version-kinds, scope) plus the small table in resource-names.ts.
import { apiVersionOf, type GroupVersionKind } from '../machinery/object.js';
import { refName, type SwaggerDocument, type SwaggerOperation } from './openapi-spec.js';
import type { CustomResourceSettings } from './custom-resources.js';
import { categories, deprecatedResources, groupOrder, preferredVersions, shortNames } from './resource-names.js';

export type Verb = 'get' | 'list' | 'watch' | 'create' | 'update' | 'patch' | 'delete' | 'deletecollection';

export interface SubresourceInfo {
  name: string;
  kind: GroupVersionKind;
  verbs: string[];
  /** True for streaming/connect subresources (exec, attach, portforward, proxy, log). */
  connect: boolean;
}

export interface StorageIdentity {
  /** The group and resource whose storage holds this resource's objects. */
  group: string;
  resource: string;
  /** The version objects are stored in (others are converted on the way in and out). */
  version: string;
  kind: string;
}

export interface ResourceInfo {
  group: string;
  version: string;
  /** Plural, lower case: "deployments". */
  resource: string;
  kind: string;
  listKind: string;
  singular: string;
  namespaced: boolean;
  verbs: Verb[];
  shortNames: readonly string[];
  categories: readonly string[];
  /** "deployments.apps" or "pods". */
  qualified: string;
  apiVersion: string;
  /** OpenAPI definition of the object, e.g. io.k8s.api.apps.v1.Deployment. */
  definitionName?: string;
  /** The warning every request for a deprecated resource gets ("v1 Endpoints is deprecated in v1.33+; …"). */
  deprecationWarning?: string;
  subresources: Map<string, SubresourceInfo>;
  storage: StorageIdentity;
  /** Set for resources a CustomResourceDefinition defines: their schema, columns and scale paths. */
  custom?: CustomResourceSettings;
}

export interface GroupVersions {
  group: string;
  /** Served versions, preferred first. */
  versions: string[];
  preferredVersion: string;
}

export interface CatalogueOptions {
  /** Serve alpha/beta versions too (off by default, as on a real 1.36 cluster). */
  includeAlphaBeta?: boolean;
}

const verbOrder: Verb[] = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];
const connectMethodVerbs: Record<string, string> = { get: 'get', post: 'create', put: 'update', patch: 'patch', delete: 'delete' };
const gaVersion = /^v\d+$/;

/** Resources served under another group or version's storage (same objects, converted). */
const sharedStorage: Record<string, { group: string; resource: string; version: string; kind: string }> = {
  'events.events.k8s.io': { group: '', resource: 'events', version: 'v1', kind: 'Event' },
};

interface PathParts {
  group: string;
  version: string;
  namespaced: boolean;
  resource: string;
  named: boolean;
  subresource?: string;
  watchPath?: boolean;
}

// /api/v1/namespaces/{namespace}/pods/{name}/status → parts; watch/ and proxy paths are skipped.
function parsePath(path: string): PathParts | undefined {
  const segs = path.split('/').filter(Boolean);
  let group: string;
  let rest: string[];
  if (segs[0] === 'api') {
    group = '';
    rest = segs.slice(1);
  } else if (segs[0] === 'apis') {
    group = segs[1] ?? '';
    rest = segs.slice(2);
  } else return undefined;
  const version = rest[0];
  if (!version) return undefined;
  rest = rest.slice(1);
  // Deprecated /watch/ paths only tell us the resource supports watch.
  const watchPath = rest[0] === 'watch';
  if (watchPath) rest = rest.slice(1);
  let namespaced = false;
  if (rest[0] === 'namespaces' && rest[1] === '{namespace}' && rest.length > 2) {
    namespaced = true;
    rest = rest.slice(2);
  }
  const resource = rest[0];
  if (!resource || resource.startsWith('{')) return undefined;
  if (rest.length === 1) return { group, version, namespaced, resource, named: false, watchPath };
  if (rest[1] !== '{name}') return undefined;
  if (rest.length === 2) return { group, version, namespaced, resource, named: true, watchPath };
  if (watchPath) return undefined;
  if (rest.length === 3) return { group, version, namespaced, resource, named: true, subresource: rest[2] };
  return undefined; // proxy/{path}
}

const methods = ['get', 'put', 'post', 'delete', 'patch'] as const;

export class Catalogue {
  private readonly listeners = new Set<() => void>();
  private readonly resources = new Map<string, ResourceInfo>(); // "group/version/resource"
  private readonly byKindKey = new Map<string, ResourceInfo>(); // "group/version/Kind"
  private groupList: GroupVersions[] = [];
  /** Resources a CRD added, by the CRD's name. */
  private readonly customByDefinition = new Map<string, ResourceInfo[]>();
  /** Bumped by every change of the served resources (discovery documents are rebuilt after one). */
  private changes = 0;

  constructor(readonly spec: SwaggerDocument, options: CatalogueOptions = {}) {
    const served = (version: string) => options.includeAlphaBeta || gaVersion.test(version);
    const pending = new Map<string, { parts: PathParts; ops: [string, SwaggerOperation][] }[]>();

    for (const [path, item] of Object.entries(spec.paths)) {
      const parts = parsePath(path);
      if (!parts || !served(parts.version)) continue;
      const ops: [string, SwaggerOperation][] = [];
      for (const m of methods) {
        const op = item[m];
        if (op) ops.push([m, op]);
      }
      const key = `${parts.group}/${parts.version}/${parts.resource}`;
      const list = pending.get(key) ?? [];
      list.push({ parts, ops });
      pending.set(key, list);
    }

    for (const [key, entries] of pending) {
      const info = this.buildResource(entries);
      if (info) {
        this.resources.set(key, info);
        this.byKindKey.set(`${info.group}/${info.version}/${info.kind}`, info);
      }
    }

    this.rebuildGroups();
    this.assignStorage();
  }

  private rebuildGroups(): void {
    const groups = new Map<string, Set<string>>();
    for (const info of this.resources.values()) {
      const set = groups.get(info.group) ?? new Set<string>();
      set.add(info.version);
      groups.set(info.group, set);
    }
    this.groupList = [...groups.entries()]
      .map(([group, versions]) => {
        const sorted = [...versions].sort(compareVersions);
        const preferred = preferredVersions[group] && versions.has(preferredVersions[group]) ? preferredVersions[group] : sorted[0];
        return { group, versions: [preferred, ...sorted.filter((v) => v !== preferred)], preferredVersion: preferred };
      })
      .sort((a, b) => groupRank(a.group) - groupRank(b.group) || a.group.localeCompare(b.group));
  }

  /**
   * Serves the resources of a CustomResourceDefinition (every served version), replacing what
   * that CRD served before. Their storage identity is given, so assignStorage does not apply.
   */
  setCustomResources(definitionName: string, infos: ResourceInfo[]): void {
    this.dropCustom(definitionName);
    for (const info of infos) {
      this.resources.set(`${info.group}/${info.version}/${info.resource}`, info);
      this.byKindKey.set(`${info.group}/${info.version}/${info.kind}`, info);
    }
    this.customByDefinition.set(definitionName, infos);
    this.rebuildGroups();
    this.changed();
  }

  /** Stops serving what a CustomResourceDefinition defined. */
  removeCustomResources(definitionName: string): void {
    if (!this.dropCustom(definitionName)) return;
    this.rebuildGroups();
    this.changed();
  }

  /**
   * Calls `listener` after the served resources change (a CRD came, changed or went), as the
   * garbage collector's periodic discovery resync would notice; returns the unsubscribe.
   */
  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private changed(): void {
    this.changes++;
    for (const listener of [...this.listeners]) listener();
  }

  private dropCustom(definitionName: string): boolean {
    const old = this.customByDefinition.get(definitionName);
    if (!old) return false;
    for (const info of old) {
      const key = `${info.group}/${info.version}/${info.resource}`;
      if (this.resources.get(key) === info) this.resources.delete(key);
      const kindKey = `${info.group}/${info.version}/${info.kind}`;
      if (this.byKindKey.get(kindKey) === info) this.byKindKey.delete(kindKey);
    }
    this.customByDefinition.delete(definitionName);
    return true;
  }

  /** The resources a CustomResourceDefinition serves now. */
  customResourcesOf(definitionName: string): readonly ResourceInfo[] {
    return this.customByDefinition.get(definitionName) ?? [];
  }

  /** A number that changes whenever the served resources do. */
  generation(): number {
    return this.changes;
  }

  private buildResource(entries: { parts: PathParts; ops: [string, SwaggerOperation][] }[]): ResourceInfo | undefined {
    const verbs = new Set<Verb>();
    let kind: GroupVersionKind | undefined;
    let definitionName: string | undefined;
    let listKind: string | undefined;
    let namespaced = false;
    const subresources = new Map<string, SubresourceInfo>();
    const { group, version, resource } = entries[0].parts;

    for (const { parts, ops } of entries) {
      if (parts.subresource) {
        const sub = subresources.get(parts.subresource) ?? {
          name: parts.subresource,
          kind: { group: '', version: '', kind: '' },
          verbs: [],
          connect: false,
        };
        for (const [method, op] of ops) {
          const action = op['x-kubernetes-action'];
          const gvk = op['x-kubernetes-group-version-kind'];
          if (gvk && !sub.kind.kind) sub.kind = { ...gvk };
          if (action === 'connect') {
            sub.connect = true;
            const v = connectMethodVerbs[method];
            if (v && !sub.verbs.includes(v)) sub.verbs.push(v);
          } else {
            const v = actionVerb(action);
            if (v && !sub.verbs.includes(v)) sub.verbs.push(v);
          }
        }
        // Code-unit order, which is alphabetical for these lower-case verbs: localeCompare's first
        // call sets up ICU's collator, ~8 ms of every start.
        sub.verbs.sort();
        subresources.set(parts.subresource, sub);
        continue;
      }
      if (parts.namespaced) namespaced = true;
      for (const [, op] of ops) {
        const action = op['x-kubernetes-action'];
        const gvk = op['x-kubernetes-group-version-kind'];
        const v = actionVerb(action);
        if (v) verbs.add(v);
        if (action === 'list') {
          const ref = responseRef(op);
          if (ref) listKind = refName(ref).split('.').pop();
        }
        if (gvk && !kind) kind = { ...gvk };
        if ((action === 'get' || action === 'post' || action === 'put') && !definitionName) {
          const ref = responseRef(op);
          if (ref) definitionName = refName(ref);
        }
      }
      // Namespace-scoped resources also appear cluster-wide for list/watch (/api/v1/pods): that path is not namespaced
      // but the resource is.
    }
    if (!kind) return undefined;
    const qualified = group ? `${resource}.${group}` : resource;
    return {
      group,
      version,
      resource,
      kind: kind.kind,
      listKind: listKind ?? `${kind.kind}List`,
      singular: kind.kind.toLowerCase(),
      namespaced,
      verbs: verbOrder.filter((v) => verbs.has(v)),
      shortNames: shortNames[qualified] ?? [],
      categories: categories[qualified] ?? [],
      qualified,
      apiVersion: apiVersionOf(group, version),
      definitionName,
      deprecationWarning: deprecationWarning(apiVersionOf(group, version), resource, kind.kind),
      subresources,
      storage: { group, resource, version, kind: kind.kind },
    };
  }

  // A resource served in several versions is stored once, in its group's preferred version.
  private assignStorage(): void {
    for (const info of this.resources.values()) {
      if (info.custom) continue;
      const shared = sharedStorage[info.qualified];
      if (shared && this.lookup(shared.group, shared.version, shared.resource)) {
        info.storage = { ...shared };
        continue;
      }
      const gv = this.groupList.find((g) => g.group === info.group);
      if (!gv) continue;
      for (const version of gv.versions) {
        const candidate = this.lookup(info.group, version, info.resource);
        if (candidate) {
          info.storage = { group: info.group, resource: info.resource, version, kind: candidate.kind };
          break;
        }
      }
    }
  }

  groups(): readonly GroupVersions[] {
    return this.groupList;
  }

  group(name: string): GroupVersions | undefined {
    return this.groupList.find((g) => g.group === name);
  }

  /** Resources of one group-version, sorted by name as discovery lists them. */
  resourcesOf(group: string, version: string): ResourceInfo[] {
    return [...this.resources.values()]
      .filter((r) => r.group === group && r.version === version)
      .sort((a, b) => a.resource.localeCompare(b.resource));
  }

  all(): ResourceInfo[] {
    return [...this.resources.values()];
  }

  lookup(group: string, version: string, resource: string): ResourceInfo | undefined {
    return this.resources.get(`${group}/${version}/${resource}`);
  }

  byKind(group: string, version: string, kind: string): ResourceInfo | undefined {
    return this.byKindKey.get(`${group}/${version}/${kind}`);
  }

  servesGroupVersion(group: string, version: string): boolean {
    return this.group(group)?.versions.includes(version) ?? false;
  }
}

function actionVerb(action: string | undefined): Verb | undefined {
  switch (action) {
    case 'get':
      return 'get';
    case 'list':
      return 'list';
    case 'post':
      return 'create';
    case 'put':
      return 'update';
    case 'patch':
      return 'patch';
    case 'delete':
      return 'delete';
    case 'deletecollection':
      return 'deletecollection';
    case 'watch':
    case 'watchlist':
      return 'watch';
    default:
      return undefined;
  }
}

function responseRef(op: SwaggerOperation): string | undefined {
  const responses = op.responses as Record<string, { schema?: { $ref?: string } }> | undefined;
  return responses?.['200']?.schema?.$ref ?? responses?.['201']?.schema?.$ref;
}

function groupRank(group: string): number {
  if (group === '') return -1;
  const i = groupOrder.indexOf(group);
  return i < 0 ? groupOrder.length : i;
}

/** Kubernetes version priority: GA > beta > alpha, then higher numbers first (v2 before v1, v1beta2 before v1beta1). */
export function compareVersions(a: string, b: string): number {
  const parse = (v: string) => {
    const m = /^v(\d+)(?:(alpha|beta)(\d+))?$/.exec(v);
    if (!m) return { ok: false, major: 0, stage: 0, minor: 0 };
    return { ok: true, major: Number(m[1]), stage: m[2] === 'alpha' ? 0 : m[2] === 'beta' ? 1 : 2, minor: Number(m[3] ?? 0) };
  };
  const pa = parse(a);
  const pb = parse(b);
  if (pa.ok !== pb.ok) return pa.ok ? -1 : 1;
  if (!pa.ok) return a.localeCompare(b);
  return pb.stage - pa.stage || pb.major - pa.major || pb.minor - pa.minor;
}

function deprecationWarning(apiVersion: string, resource: string, kind: string): string | undefined {
  const deprecated = deprecatedResources[`${apiVersion}/${resource}`];
  if (!deprecated) return undefined;
  const replacement = deprecated.replacement ? `; use ${deprecated.replacement}` : '';
  return `${apiVersion} ${kind} is deprecated in v${deprecated.since}+${replacement}`;
}
