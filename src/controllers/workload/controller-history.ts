// ControllerRevisions: the recorded history of a StatefulSet's or DaemonSet's pod template
// (pkg/controller/history plus the revision helpers of the two controllers). A revision's data is
// a strategic merge patch that restores the template ({"spec":{"template":{"$patch":"replace",…}}}),
// serialized as Go does it (keys sorted, zero-valued structs present), because revision names are
// hashes of those bytes: a template hashed here gets the name a real cluster gives it.
import type { ResourceClient } from '../../client/local-client.js';
import { isAlreadyExists, isNotFound } from '../../client/local-client.js';
import type { ControllerRevision, OwnerReference, PodTemplateSpec } from '../../machinery/api-types.js';
import type { JsonObject, JsonValue, KubeObject } from '../../machinery/object.js';
import { matchesLabels, type LabelSelector } from '../../machinery/selectors/index.js';
import type { Informer } from '../runtime/informer.js';
import { controllerRefOf, newControllerRef } from './controller-ref.js';

/** The label holding a revision's hash (history.ControllerRevisionHashLabel). */
export const controllerRevisionHashLabel = 'controller.kubernetes.io/hash';

// ---------- Go's JSON and hashes ----------

/**
 * JSON as Go's encoding/json writes a map[string]interface{}: keys sorted, and <, >, & and the
 * line/paragraph separators escaped (json.Marshal's HTML-safe default).
 */
export function goJson(value: unknown): string {
  return JSON.stringify(sortKeys(value)).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) {
    const v = (value as Record<string, unknown>)[key];
    if (v !== undefined) out[key] = sortKeys(v);
  }
  return out;
}

const fnvOffset = 0x811c9dc5;
const fnvPrime = 0x01000193;

/** hash/fnv New32: FNV-1 (multiply, then xor). */
function fnv1(bytes: Uint8Array, hash = fnvOffset): number {
  for (const b of bytes) hash = (Math.imul(hash, fnvPrime) ^ b) >>> 0;
  return hash;
}

// rand.SafeEncodeString's alphabet: no vowels, no 0/1/3, so hashes never spell words.
const safeAlphabet = 'bcdfghjklmnpqrstvwxz2456789';

export function safeEncodeString(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) out += safeAlphabet[s.charCodeAt(i) % safeAlphabet.length];
  return out;
}

const utf8 = new TextEncoder();

/** history.HashControllerRevision: FNV-1 of the data's bytes, then of the collision count in decimal. */
export function hashControllerRevision(data: unknown, probe: number | undefined): string {
  let hash = fnv1(utf8.encode(goJson(data)));
  if (probe !== undefined) hash = fnv1(utf8.encode(String(probe)), hash);
  return safeEncodeString(String(hash));
}

// ---------- revision data ----------

/** history.ControllerRevisionName: the parent's name (at most 223 characters), a dash and the hash. */
export function controllerRevisionName(prefix: string, hash: string): string {
  return `${prefix.slice(0, 223)}-${hash}`;
}

/**
 * The template as Go marshals a PodTemplateSpec: struct-typed fields without pointers are always
 * written, so metadata carries "creationTimestamp": null and every container "resources": {}.
 */
function goTemplate(template: PodTemplateSpec | undefined): JsonObject {
  const t = structuredClone((template ?? {}) as JsonObject);
  const metadata = (t.metadata && typeof t.metadata === 'object' && !Array.isArray(t.metadata) ? t.metadata : {}) as JsonObject;
  if (!('creationTimestamp' in metadata)) metadata.creationTimestamp = null;
  t.metadata = metadata;
  const spec = (t.spec && typeof t.spec === 'object' && !Array.isArray(t.spec) ? t.spec : {}) as JsonObject;
  for (const list of ['initContainers', 'containers', 'ephemeralContainers']) {
    const containers = spec[list];
    if (!Array.isArray(containers)) continue;
    for (const c of containers) if (c && typeof c === 'object' && !Array.isArray(c) && !('resources' in c)) c.resources = {};
  }
  if (!Array.isArray(spec.containers)) spec.containers = null;
  t.spec = spec;
  return t;
}

/** The StatefulSet's and DaemonSet's getPatch: a patch that puts `template` back in place. */
export function templateRevisionData(template: PodTemplateSpec | undefined): JsonObject {
  return { spec: { template: { ...goTemplate(template), $patch: 'replace' } } };
}

/**
 * The template a revision restores (ApplyRevision): its data merged over the owner with a
 * strategic merge patch replaces spec.template outright, and a null in a patch removes the field.
 */
export function templateFromRevision(revision: ControllerRevision): PodTemplateSpec {
  const data = revision.data as { spec?: { template?: JsonObject } } | undefined;
  const { $patch: _directive, ...template } = data?.spec?.template ?? {};
  return withoutNulls(template) as PodTemplateSpec;
}

function withoutNulls(value: JsonValue): JsonValue {
  if (Array.isArray(value)) return value.map(withoutNulls);
  if (value === null || typeof value !== 'object') return value;
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(value)) if (v !== null) out[k] = withoutNulls(v);
  return out;
}

export interface OwnerKind {
  apiVersion: string;
  kind: string;
}

/** history.NewControllerRevision: named and labelled by the hash of its data and collision count. */
export function newControllerRevision(
  parent: KubeObject,
  ownerKind: OwnerKind,
  templateLabels: Record<string, string> | undefined,
  data: JsonObject,
  revision: number,
  collisionCount: number,
): ControllerRevision {
  const hash = hashControllerRevision(data, collisionCount);
  return {
    apiVersion: 'apps/v1',
    kind: 'ControllerRevision',
    metadata: {
      name: controllerRevisionName(parent.metadata?.name ?? '', hash),
      namespace: parent.metadata?.namespace,
      labels: { ...templateLabels, [controllerRevisionHashLabel]: hash },
      ownerReferences: [newControllerRef(parent, ownerKind.apiVersion, ownerKind.kind)],
    },
    // RawExtension is typed as an empty object; any JSON is what it holds.
    data: data as ControllerRevision['data'],
    revision,
  };
}

function creationTime(r: ControllerRevision): number {
  const t = Date.parse(r.metadata?.creationTimestamp ?? '');
  return Number.isNaN(t) ? 0 : t;
}

/** history.SortControllerRevisions: by revision, ties broken by creation time, then name. */
export function sortControllerRevisions(revisions: readonly ControllerRevision[]): ControllerRevision[] {
  return [...revisions].sort((a, b) => {
    if (a.revision !== b.revision) return a.revision - b.revision;
    const byTime = creationTime(a) - creationTime(b);
    if (byTime !== 0) return byTime;
    const [na, nb] = [a.metadata?.name ?? '', b.metadata?.name ?? ''];
    return na < nb ? -1 : na > nb ? 1 : 0;
  });
}

/** history.EqualRevision: the hash labels differ, or else the data bytes decide. */
export function equalRevision(a: ControllerRevision | undefined, b: ControllerRevision | undefined): boolean {
  if (!a || !b) return a === b;
  const ha = a.metadata?.labels?.[controllerRevisionHashLabel];
  const hb = b.metadata?.labels?.[controllerRevisionHashLabel];
  if (ha !== undefined && hb !== undefined && /^\d+$/.test(ha) && /^\d+$/.test(hb) && ha !== hb) return false;
  return goJson(a.data) === goJson(b.data);
}

export function findEqualRevisions(revisions: readonly ControllerRevision[], needle: ControllerRevision): ControllerRevision[] {
  return revisions.filter((r) => equalRevision(r, needle));
}

/** The highest revision number among `revisions`, 0 for none. */
export function maxRevision(revisions: readonly ControllerRevision[]): number {
  return revisions.reduce((max, r) => Math.max(max, r.revision), 0);
}

// ---------- reading and writing history ----------

/** history.Interface over the in-process client and the shared ControllerRevision informer. */
export class ControllerHistory {
  constructor(
    private readonly client: ResourceClient<ControllerRevision>,
    private readonly informer: Informer<ControllerRevision>,
  ) {}

  /** The revisions in the parent's namespace matching `selector` that the parent controls, or nobody does. */
  list(parent: KubeObject, selector: LabelSelector): ControllerRevision[] {
    return this.informer.list(parent.metadata?.namespace ?? '').filter((r) => {
      if (!matchesLabels(selector, r.metadata?.labels)) return false;
      const ref = controllerRefOf(r);
      return !ref || ref.uid === parent.metadata?.uid;
    });
  }

  /**
   * Creates the revision, renaming it after a hash that includes a growing collision count while
   * its name is taken by a revision with other data. Returns the count it ended with.
   */
  async create(parent: KubeObject, revision: ControllerRevision, collisionCount: number): Promise<{ revision: ControllerRevision; collisionCount: number }> {
    const namespace = parent.metadata?.namespace;
    for (let count = collisionCount; ; count++) {
      const name = controllerRevisionName(parent.metadata?.name ?? '', hashControllerRevision(revision.data, count));
      const clone: ControllerRevision = { ...revision, metadata: { ...revision.metadata, name, namespace } };
      try {
        return { revision: await this.client.create(namespace, clone), collisionCount: count };
      } catch (err) {
        if (!isAlreadyExists(err)) throw err;
        const existing = await this.client.get(namespace, name);
        if (goJson(existing.data) === goJson(revision.data)) return { revision: existing, collisionCount: count };
      }
    }
  }

  /** Gives the revision a new number (a rollback to an older template makes it the newest again). */
  async updateRevision(revision: ControllerRevision, newRevision: number): Promise<ControllerRevision> {
    if (revision.revision === newRevision) return revision;
    return this.client.mutate(revision.metadata?.namespace, revision.metadata?.name ?? '', (current) => ({ ...current, revision: newRevision }));
  }

  async delete(revision: ControllerRevision): Promise<void> {
    try {
      await this.client.delete(revision.metadata?.namespace, revision.metadata?.name ?? '', { preconditions: { uid: revision.metadata?.uid } });
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }

  /** Makes the parent the controller of an orphaned revision; the revision's uid guards the write. */
  async adopt(parent: KubeObject, ownerKind: OwnerKind, revision: ControllerRevision): Promise<ControllerRevision> {
    const owner = controllerRefOf(revision);
    if (owner) throw new Error(`attempt to adopt revision owned by ${describeRef(owner)}`);
    return this.client.patch(revision.metadata?.namespace, revision.metadata?.name ?? '', 'strategic', {
      metadata: { ownerReferences: [newControllerRef(parent, ownerKind.apiVersion, ownerKind.kind)], uid: revision.metadata?.uid },
    });
  }
}

function describeRef(ref: OwnerReference): string {
  return `${ref.kind}/${ref.name} (${ref.uid})`;
}
