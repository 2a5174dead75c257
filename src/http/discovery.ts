// Discovery documents, built once from the catalogue and the extra groups (extra-groups.ts):
// the legacy forms (/api, /apis, /api/v1, /apis/<g>/<v>) and aggregated discovery
// (apidiscovery.k8s.io v2 and v2beta1), which kubectl 1.27+ asks for first and which needs its
// own Content-Type to be understood.
import { createHash } from 'node:crypto';
import type { Catalogue, ResourceInfo } from '../schema/catalogue.js';
import type { ExtraGroupVersion, ExtraResource } from './extra-groups.js';
import { parseAccept } from './media-types.js';

/** The extra group-versions discovery lists, and a number that changes whenever they do. */
export interface ExtraGroupSource {
  list(): readonly ExtraGroupVersion[];
  generation(): number;
}

export interface DiscoveryDocument {
  body: string;
  contentType: string;
  etag: string;
}

const aggregatedVersions = ['v2', 'v2beta1'] as const;
export type AggregatedVersion = (typeof aggregatedVersions)[number];

/** The aggregated discovery version a client's Accept header asks for, if any (in its order). */
export function wantsAggregated(accept: string | undefined): AggregatedVersion | undefined {
  for (const m of parseAccept(accept)) {
    if (m.params.as === 'APIGroupDiscoveryList' && m.params.g === 'apidiscovery.k8s.io') {
      if (m.params.v === 'v2' || m.params.v === 'v2beta1') return m.params.v;
    }
    if (m.type === 'application/json' && !m.params.as) return undefined;
    if (m.type === '*/*') return undefined;
  }
  return undefined;
}

function doc(body: unknown, contentType = 'application/json'): DiscoveryDocument {
  // With the newline Go's json.Encoder ends every API response with.
  const text = `${JSON.stringify(body)}\n`;
  return { body: text, contentType, etag: `"${createHash('sha256').update(text).digest('hex').slice(0, 32).toUpperCase()}"` };
}

export class Discovery {
  private readonly cache = new Map<string, DiscoveryDocument>();
  private builtFor = '';

  constructor(
    private readonly catalogue: Catalogue,
    private readonly serverAddress: () => string,
    private readonly extraSource: ExtraGroupSource = { list: () => [], generation: () => 0 },
  ) {}

  /** The extra group-versions as they are now (aggregated APIServices come and go). */
  private get extras(): readonly ExtraGroupVersion[] {
    return this.extraSource.list();
  }

  private memo(key: string, build: () => DiscoveryDocument): DiscoveryDocument {
    // CRDs change the served resources while the server runs: documents are rebuilt after that.
    const generation = `${this.catalogue.generation()}/${this.extraSource.generation()}`;
    if (generation !== this.builtFor) {
      this.cache.clear();
      this.builtFor = generation;
    }
    let d = this.cache.get(key);
    if (!d) {
      d = build();
      this.cache.set(key, d);
    }
    return d;
  }

  coreVersions(): DiscoveryDocument {
    // serverAddressByClientCIDRs depends on the listening address, known only after start.
    return doc({
      kind: 'APIVersions',
      versions: ['v1'],
      serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: this.serverAddress() }],
    });
  }

  groupList(): DiscoveryDocument {
    return this.memo('groups', () =>
      doc({
        kind: 'APIGroupList',
        apiVersion: 'v1',
        groups: [
          ...this.catalogue
            .groups()
            .filter((g) => g.group !== '')
            .map((g) => g.group),
          ...this.extraGroupNames(),
        ].map((g) => this.groupBody(g)),
      }),
    );
  }

  private extraGroupNames(): string[] {
    return [...new Set(this.extras.map((e) => e.group))].filter((g) => !this.catalogue.group(g));
  }

  /** A served group's versions, preferred first: the catalogue's, or an extra group's in the order given. */
  private versionsOf(group: string): { versions: string[]; preferredVersion: string } | undefined {
    const g = this.catalogue.group(group);
    if (g) return { versions: [...g.versions], preferredVersion: g.preferredVersion };
    const versions = this.extras.filter((e) => e.group === group).map((e) => e.version);
    return versions.length ? { versions, preferredVersion: versions[0] } : undefined;
  }

  private groupBody(group: string) {
    const g = this.versionsOf(group)!;
    return {
      name: group,
      versions: g.versions.map((v) => ({ groupVersion: `${group}/${v}`, version: v })),
      preferredVersion: { groupVersion: `${group}/${g.preferredVersion}`, version: g.preferredVersion },
    };
  }

  group(group: string): DiscoveryDocument | undefined {
    if (!this.versionsOf(group) || group === '') return undefined;
    return this.memo(`group/${group}`, () => doc({ kind: 'APIGroup', apiVersion: 'v1', ...this.groupBody(group) }));
  }

  private extraGroupVersion(group: string, version: string): ExtraGroupVersion | undefined {
    if (this.catalogue.group(group)) return undefined;
    return this.extras.find((e) => e.group === group && e.version === version);
  }

  resourceList(group: string, version: string): DiscoveryDocument | undefined {
    const extra = this.extraGroupVersion(group, version);
    if (extra) {
      return this.memo(`resources/${group}/${version}`, () =>
        doc({ kind: 'APIResourceList', apiVersion: 'v1', groupVersion: `${group}/${version}`, resources: extra.resources.map(extraResourceEntry) }),
      );
    }
    if (!this.catalogue.servesGroupVersion(group, version)) return undefined;
    return this.memo(`resources/${group}/${version}`, () => {
      const resources: Record<string, unknown>[] = [];
      for (const r of this.catalogue.resourcesOf(group, version)) {
        const entry: Record<string, unknown> = {
          name: r.resource,
          singularName: r.singular,
          namespaced: r.namespaced,
          kind: r.kind,
          verbs: r.verbs,
        };
        if (r.shortNames.length) entry.shortNames = r.shortNames;
        if (r.categories.length) entry.categories = r.categories;
        entry.storageVersionHash = storageVersionHash(r);
        resources.push(entry);
        for (const sub of [...r.subresources.values()].sort((a, b) => a.name.localeCompare(b.name))) {
          const s: Record<string, unknown> = { name: `${r.resource}/${sub.name}`, singularName: '', namespaced: r.namespaced };
          if (sub.kind.group !== group || sub.kind.version !== version) {
            s.group = sub.kind.group;
            s.version = sub.kind.version;
          }
          s.kind = sub.kind.kind;
          s.verbs = sub.verbs;
          resources.push(s);
        }
      }
      return doc({ kind: 'APIResourceList', apiVersion: 'v1', groupVersion: group ? `${group}/${version}` : version, resources });
    });
  }

  /** /api (core only) or /apis (all other groups) in aggregated form. */
  aggregated(prefix: 'api' | 'apis', version: AggregatedVersion): DiscoveryDocument {
    return this.memo(`aggregated/${prefix}/${version}`, () => {
      const groups = this.catalogue.groups().filter((g) => (prefix === 'api' ? g.group === '' : g.group !== ''));
      const items = groups.map((g) => ({
        metadata: { name: g.group, creationTimestamp: null },
        versions: g.versions.map((v) => ({
          version: v,
          resources: this.catalogue.resourcesOf(g.group, v).map((r) => aggregatedResource(r)),
          freshness: 'Current',
        })),
      }));
      if (prefix === 'apis') {
        for (const group of this.extraGroupNames()) {
          items.push({
            metadata: { name: group, creationTimestamp: null },
            versions: this.extras
              .filter((e) => e.group === group)
              .map((e) => ({ version: e.version, resources: e.resources.map(aggregatedExtraResource), freshness: e.stale ? 'Stale' : 'Current' })),
          });
        }
      }
      return doc(
        { kind: 'APIGroupDiscoveryList', apiVersion: `apidiscovery.k8s.io/${version}`, metadata: {}, items },
        `application/json;g=apidiscovery.k8s.io;v=${version};as=APIGroupDiscoveryList`,
      );
    });
  }
}

function aggregatedResource(r: ResourceInfo): Record<string, unknown> {
  const entry: Record<string, unknown> = {
    resource: r.resource,
    responseKind: { group: '', version: '', kind: r.kind },
    scope: r.namespaced ? 'Namespaced' : 'Cluster',
    singularResource: r.singular,
    verbs: r.verbs,
  };
  if (r.shortNames.length) entry.shortNames = r.shortNames;
  if (r.categories.length) entry.categories = r.categories;
  const subs = [...r.subresources.values()].sort((a, b) => a.name.localeCompare(b.name));
  if (subs.length) {
    entry.subresources = subs.map((s) => ({
      subresource: s.name,
      responseKind:
        s.kind.group === r.group && s.kind.version === r.version
          ? { group: '', version: '', kind: s.kind.kind }
          : { group: s.kind.group, version: s.kind.version, kind: s.kind.kind },
      verbs: s.verbs,
    }));
  }
  return entry;
}

// An aggregated server's resources carry no storageVersionHash: nothing of theirs is stored.
function extraResourceEntry(r: ExtraResource): Record<string, unknown> {
  const entry: Record<string, unknown> = { name: r.resource, singularName: r.singular, namespaced: r.namespaced, kind: r.kind, verbs: [...r.verbs] };
  if (r.shortNames?.length) entry.shortNames = [...r.shortNames];
  if (r.categories?.length) entry.categories = [...r.categories];
  return entry;
}

function aggregatedExtraResource(r: ExtraResource): Record<string, unknown> {
  const entry: Record<string, unknown> = {
    resource: r.resource,
    responseKind: { group: '', version: '', kind: r.kind },
    scope: r.namespaced ? 'Namespaced' : 'Cluster',
    singularResource: r.singular,
    verbs: [...r.verbs],
  };
  if (r.shortNames?.length) entry.shortNames = [...r.shortNames];
  if (r.categories?.length) entry.categories = [...r.categories];
  return entry;
}

// kube-apiserver publishes a hash of the storage version so that migrators notice changes.
function storageVersionHash(r: ResourceInfo): string {
  const gv = r.storage.group ? `${r.storage.group}/${r.storage.version}` : r.storage.version;
  return createHash('sha256').update(`${gv}/${r.storage.kind}`).digest('base64').slice(0, 11);
}
