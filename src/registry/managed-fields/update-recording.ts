// How a non-apply write is recorded in the managers, as the real server's layers around
// structured merge do it: the writer takes the fields it changed (computed under a stand-in
// name, then folded into its entry, whose time moves only when it took something); fields the
// server sets are owned by nobody; and past ten update managers the oldest are folded into one
// "ancient-changes" entry per version.
import { type FieldSet, difference, fromPaths, isEmpty, union } from './field-set.js';
import { type IdentifierOf, type Managed, managerIdentifier } from './managed-fields-codec.js';
import { fieldElement } from './path-element.js';
import { withoutFields } from './structured-merge.js';
import { compare, type SkipTree } from './typed-compare.js';
import { fieldsChangedFrom } from './created-fields.js';
import type { CreatedFieldsCache } from './created-fields-cache.js';
import type { TypeNode } from './type-schema.js';

const unknownManager = 'unknown';
const ancientChanges = 'ancient-changes';
/** Stands for the writer while its changes are computed (never a real identifier). */
const currentOperation = 'current-operation';

/** Metadata fields the server sets: nobody owns them, whatever the write. */
const serverMetadata = ['name', 'namespace', 'creationTimestamp', 'selfLink', 'uid', 'clusterName', 'generation', 'managedFields', 'resourceVersion'];

/** What is stripped from a writer's fields (`.metadata` itself only as a member). */
export const neverOwned: FieldSet = fromPaths(
  [['apiVersion'], ['kind'], ['metadata'], ...serverMetadata.map((f) => ['metadata', f])].map((path) => path.map(fieldElement)),
);

/** Leaves nobody can own need no comparing either. */
export const neverCompared: SkipTree = {
  apiVersion: true,
  kind: true,
  metadata: Object.fromEntries(serverMetadata.map((f) => [f, true] as const)),
};

/** `base` with one more field path skipped (an endpoint's reset fields). */
export function withSkipped(base: SkipTree, path: readonly string[]): SkipTree {
  const [head, ...rest] = path;
  if (head === undefined) return base;
  const current = base[head];
  if (current === true) return base;
  return { ...base, [head]: rest.length === 0 ? true : withSkipped(current ?? {}, rest) };
}

export interface Writer {
  readonly manager: string;
  readonly apiVersion: string;
  readonly subresource: string;
  /** RFC 3339 to the second. */
  readonly time: string;
}

/** The managers after `writer` turned `before` into `after`. */
export function recordUpdate(
  managed: Managed,
  type: TypeNode,
  before: unknown,
  after: unknown,
  skip: SkipTree,
  writer: Writer,
  maxUpdateManagers: number,
  identify: IdentifierOf = managerIdentifier,
  createdFields?: CreatedFieldsCache,
): Managed {
  let result: Managed;
  let taken: FieldSet;
  // With no managers yet (a create), nobody loses anything and the removed fields do not matter.
  let created: FieldSet | undefined;
  if (managed.size === 0) {
    const compute = () => ownedOnCreate(type, before, after, skip);
    created = createdFields !== undefined && typeof before === 'object' && before !== null ? createdFields.fieldsOf(before, skip, after, compute) : compute();
  }
  if (created !== undefined) {
    result = new Map();
    taken = created;
  } else {
    const { changed, removed } = compare(type, before, after, skip);
    result = withoutFields(managed, union(changed, removed), currentOperation);
    taken = difference(difference(changed, removed), neverOwned);
  }
  if (!isEmpty(taken)) {
    const manager = writer.manager === '' ? unknownManager : writer.manager;
    const id = identify(manager, 'Update', writer.apiVersion, writer.subresource);
    const previous = result.get(id);
    result.set(id, {
      manager,
      operation: 'Update',
      apiVersion: writer.apiVersion,
      subresource: writer.subresource,
      set: previous === undefined ? taken : union(taken, previous.set),
      // Scale writes go through a Scale object and come back without a time, as on a real server.
      time: writer.subresource === 'scale' ? undefined : writer.time,
    });
  }
  return capUpdateManagers(result, maxUpdateManagers);
}

/** What the writer of an object compared with `before`, which holds no list items, owns; undefined when `before` does hold some. */
function ownedOnCreate(type: TypeNode, before: unknown, after: unknown, skip: SkipTree): FieldSet | undefined {
  const created = fieldsChangedFrom(type, before, after, skip);
  return created === undefined ? undefined : difference(created, neverOwned);
}

/** Folds the oldest update managers into one "ancient-changes" entry per version. */
function capUpdateManagers(managed: Managed, max: number): Managed {
  const updaters: string[] = [];
  for (const [id, record] of managed) if (record.operation === 'Update') updaters.push(id);
  if (updaters.length <= max) return managed;
  const seconds = new Map<string, number>();
  for (const id of updaters) {
    const time = managed.get(id)!.time;
    const millis = time === undefined ? NaN : Date.parse(time);
    seconds.set(id, Number.isNaN(millis) ? 0 : Math.floor(millis / 1000));
  }
  updaters.sort((a, b) => seconds.get(a)! - seconds.get(b)! || (a < b ? -1 : a > b ? 1 : 0));
  const result: Managed = new Map(managed);
  const firstOfVersion = new Map<string, string>();
  let length = updaters.length;
  for (let i = 0; i < updaters.length && length > max; i++) {
    const id = updaters[i]!;
    const record = result.get(id);
    if (record === undefined) continue;
    const bucketId = managerIdentifier(ancientChanges, 'Update', record.apiVersion, '');
    const first = firstOfVersion.get(record.apiVersion);
    if (first === undefined) {
      // The oldest of a version only moves into the bucket once a second one joins it.
      firstOfVersion.set(record.apiVersion, id);
      continue;
    }
    if (!result.has(bucketId)) {
      const moved = result.get(first)!;
      result.delete(first);
      result.set(bucketId, { ...moved, manager: ancientChanges, subresource: '', source: undefined });
    }
    const bucket = result.get(bucketId)!;
    result.set(bucketId, {
      manager: ancientChanges,
      operation: 'Update',
      apiVersion: record.apiVersion,
      subresource: '',
      set: union(record.set, bucket.set),
      time: record.time,
    });
    result.delete(id);
    length--;
  }
  return result;
}
