// The field manager a kube-apiserver runs on every write, as one object per server: it keeps
// metadata.managedFields up to date on updates (the writer owns what it changed) and performs
// server-side apply (merge, prune, conflicts). It reproduces the layers the real server stacks
// around structured merge: managedFields decoding (a client's entries are taken when valid and
// ignored when not; `[]` clears), no tracking for objects that have none until their first
// apply ("before-first-apply"), at most ten update managers ("ancient-changes"), the
// last-applied annotation of client-side apply, fields nobody owns (apiVersion, kind, name,
// uid, resourceVersion, …), and the entry time, which only moves when the object does.
import { createGoForms, type GoForms } from '../../schema/go-form/index.js';
import { ApplyConflictError, ApplyError, type ConflictOwner } from './errors.js';
import { type FieldSet, difference, fromPaths, has, isEmpty, paths, recursiveDifference } from './field-set.js';
import { isObject, jsonEqual, type JsonMap } from './json-value.js';
import {
  type Managed,
  type ManagedFieldsEntry,
  type ManagerRecord,
  decodeManagedFields,
  encodeManagedFields,
  formatTime,
  isResetManagedFields,
  cachedManagerIdentifiers,
} from './managed-fields-codec.js';
import { fieldElement, pathToString } from './path-element.js';
import {
  fieldsVouchedByLastApplied,
  hasLastApplied,
  lastAppliedManager,
  lastAppliedValue,
  setLastApplied,
} from './last-applied.js';
import { prune, reassign } from './structured-merge.js';
import { compare, type SkipTree } from './typed-compare.js';
import { neverCompared, neverOwned, recordUpdate, withSkipped } from './update-recording.js';
import { toFieldSet } from './typed-field-set.js';
import { merge } from './typed-merge.js';
import { validateApplied, validationMessage } from './typed-validate.js';
import { createTypeResolver, type TypeNode } from './type-schema.js';
import { CreatedFieldsCache } from './created-fields-cache.js';
import { createZeroObjects } from './zero-object.js';

export type Obj = Record<string, unknown>;

export interface UpdateArgs {
  /** OpenAPI definition of the kind, e.g. `io.k8s.api.apps.v1.Deployment`. */
  definitionName: string;
  /** The stored object; undefined on create. Never modified. */
  live: Obj | undefined;
  /** The object about to be stored; its metadata.managedFields is set (or removed). */
  next: Obj;
  manager: string;
  /** The version both objects are in, e.g. `apps/v1`. */
  apiVersion: string;
  subresource?: string;
  /** RFC 3339, to the second. */
  time: string;
  /** Field paths this endpoint resets and nobody may own. */
  ignoredFields?: readonly (readonly string[])[];
}

export interface ApplyArgs {
  definitionName: string;
  /** The stored object; undefined when the apply creates it. Never modified. */
  live: Obj | undefined;
  /** The parsed apply body. Never modified. */
  config: Obj;
  manager: string;
  apiVersion: string;
  force: boolean;
  subresource?: string;
  time: string;
  ignoredFields?: readonly (readonly string[])[];
}

export interface FieldManager {
  update(args: UpdateArgs): void;
  apply(args: ApplyArgs): Obj;
}

export interface FieldManagerOptions {
  /** How Go prints each type's zero value (which fields are `{}`, null or 0 in a zero object). */
  goForms?: GoForms;
  /** Update managers kept before the oldest merge into "ancient-changes". */
  maxUpdateManagers?: number;
}

const beforeFirstApply = 'before-first-apply';

interface ApplyOutcome {
  readonly kind: 'applied';
  readonly object: Obj;
  readonly managed: Managed;
}

/** An unforced apply that would take fields from others: per owner, the fields. */
interface ConflictOutcome {
  readonly kind: 'conflicts';
  readonly owned: { owner: ConflictOwner; fields: string[][] }[];
}

export function createFieldManager(definitions: Record<string, unknown>, options: FieldManagerOptions = {}): FieldManager {
  const types = createTypeResolver(definitions);
  const zeros = createZeroObjects(options.goForms ?? createGoForms(definitions));
  const maxUpdateManagers = options.maxUpdateManagers ?? 10;
  const identify = cachedManagerIdentifiers();
  const createdFields = new CreatedFieldsCache();
  // Endpoints pass the same ignoredFields array on every call: compile it once.
  const skipTrees = new WeakMap<object, SkipTree>();
  const ignoredSets = new WeakMap<object, FieldSet>();
  const kinds = new Map<string, Map<string, string>>();

  function skipFor(ignored: readonly (readonly string[])[] | undefined): SkipTree {
    if (ignored === undefined || ignored.length === 0) return neverCompared;
    let tree = skipTrees.get(ignored);
    if (tree === undefined) {
      tree = ignored.reduce(withSkipped, neverCompared);
      skipTrees.set(ignored, tree);
    }
    return tree;
  }

  function ignoredSet(ignored: readonly (readonly string[])[] | undefined): FieldSet | undefined {
    if (ignored === undefined || ignored.length === 0) return undefined;
    let set = ignoredSets.get(ignored);
    if (set === undefined) {
      set = fromPaths(ignored.map((path) => path.map(fieldElement)));
      ignoredSets.set(ignored, set);
    }
    return set;
  }

  /** The kind a definition serves at an apiVersion, from its x-kubernetes-group-version-kind. */
  function kindAt(definitionName: string, apiVersion: string): string | undefined {
    let byVersion = kinds.get(definitionName);
    if (byVersion === undefined) {
      byVersion = new Map();
      const gvks = types.raw(definitionName)?.['x-kubernetes-group-version-kind'];
      if (Array.isArray(gvks)) {
        for (const gvk of gvks) {
          if (!isObject(gvk) || typeof gvk.version !== 'string' || typeof gvk.kind !== 'string') continue;
          const group = typeof gvk.group === 'string' ? gvk.group : '';
          byVersion.set(group === '' ? gvk.version : `${group}/${gvk.version}`, gvk.kind);
        }
      }
      kinds.set(definitionName, byVersion);
    }
    return byVersion.get(apiVersion);
  }

  function writeManagedFields(object: Obj, managed: Managed): void {
    const entries = encodeManagedFields(managed);
    let metadata = object.metadata;
    if (entries === undefined) {
      if (isObject(metadata) && Object.hasOwn(metadata, 'managedFields')) delete metadata.managedFields;
      return;
    }
    if (!isObject(metadata)) {
      metadata = {};
      object.metadata = metadata;
    }
    (metadata as JsonMap).managedFields = entries;
  }

  function liveEntriesOf(live: Obj | undefined): unknown {
    const metadata = live?.metadata;
    return isObject(metadata) ? metadata.managedFields : undefined;
  }

  function decodeTrusted(entries: unknown): Managed {
    try {
      return decodeManagedFields(entries, false, identify);
    } catch {
      return new Map();
    }
  }

  /** Whose entries an update starts from: the client's when valid, else the stored ones. */
  function managedForUpdate(args: UpdateArgs, sent: unknown, stored: unknown): Managed {
    if (args.subresource) return decodeTrusted(stored);
    if (isResetManagedFields(sent)) return new Map();
    if (sent !== undefined && sent !== null) {
      // Clients mostly send back what they read: no need to re-check it.
      if (sent === stored || jsonEqual(sent, stored)) return decodeTrusted(stored);
      try {
        const managed = decodeManagedFields(sent, true, identify);
        if (managed.size > 0) return managed;
      } catch {
        // Invalid entries from a client are ignored, the stored ones kept.
      }
    }
    return decodeTrusted(stored);
  }

  function update(args: UpdateArgs): void {
    const { next, live } = args;
    // `next` may be a shallow copy of `live`: never write through a metadata object they share.
    if (live !== undefined && isObject(next.metadata) && next.metadata === live.metadata) next.metadata = { ...next.metadata };
    const metadata = isObject(next.metadata) ? next.metadata : undefined;
    const stored = liveEntriesOf(live);
    try {
      const managed = managedForUpdate(args, metadata?.managedFields, stored);
      // (A delete costs even when there is nothing to delete.)
      if (metadata !== undefined && Object.hasOwn(metadata, 'managedFields')) delete metadata.managedFields;
      // An existing object nobody tracks stays untracked until its first apply.
      if (managed.size === 0 && live !== undefined) return;
      const type = types.definition(args.definitionName);
      const before = live ?? zeros.of(args.definitionName);
      const writer = { manager: args.manager, apiVersion: args.apiVersion, subresource: args.subresource ?? '', time: entryTime(args.time) };
      const result = recordUpdate(managed, type, before, next, skipFor(args.ignoredFields), writer, maxUpdateManagers, identify, createdFields);
      writeManagedFields(next, result);
    } catch {
      // Like the real server's UpdateNoErrors: a failure keeps the stored entries.
      if (stored === undefined) {
        if (metadata !== undefined) delete metadata.managedFields;
      } else {
        (metadata ?? ((next.metadata = {}) as JsonMap)).managedFields = stored;
      }
    }
  }

  function apply(request: ApplyArgs): Obj {
    let args = request.time === entryTime(request.time) ? request : { ...request, time: entryTime(request.time) };
    const { live, manager, force } = args;
    if (manager === '') throw ApplyError.fieldManagerRequired();
    // A YAML body of `null` decodes to an empty object; anything else must be an object.
    const config: unknown = args.config === null ? {} : args.config;
    if (!isObject(config)) throw notAnObject(config);
    if (config !== args.config) args = { ...args, config };
    let managed: Managed;
    try {
      managed = decodeManagedFields(liveEntriesOf(live), false, identify);
    } catch (err) {
      throw new ApplyError(`failed to decode managed fields: ${(err as Error).message}`, 500);
    }
    const gvk = configGroupVersionKind(config);
    const expectedKind = kindAt(args.definitionName, args.apiVersion);
    if (expectedKind !== undefined && (gvk.apiVersion !== args.apiVersion || gvk.kind !== expectedKind)) {
      throw new ApplyError(`invalid object type: ${gvk.text}`, 400);
    }
    const type = types.definition(args.definitionName);

    let outcome: ApplyOutcome | ConflictOutcome = applyOnce(args, type, managed, gvk.text, force);
    if (outcome.kind === 'conflicts' && manager === lastAppliedManager) {
      // Fields a client-side apply recorded (and still holding their value) are not conflicts.
      const vouched = fieldsVouchedByLastApplied(type, live, args.apiVersion);
      if (vouched !== undefined) {
        const remaining = outcome.owned
          .map(({ owner, fields }) => ({ owner, fields: fields.filter((path) => !has(vouched, path)) }))
          .filter(({ fields }) => fields.length > 0);
        outcome = remaining.length === 0 ? applyOnce(args, type, managed, gvk.text, true) : { ...outcome, owned: remaining };
      }
    }
    if (outcome.kind === 'conflicts') {
      throw new ApplyConflictError(outcome.owned.map(({ owner, fields }) => ({ owner, fields: fields.map(pathToString) })));
    }
    const object = outcome.object;
    if (manager === lastAppliedManager && hasLastApplied(object)) setLastApplied(object, lastAppliedValue(config));
    writeManagedFields(object, outcome.managed);
    return object;
  }

  function applyOnce(args: ApplyArgs, type: TypeNode, stored: Managed, gvkText: string, force: boolean): ApplyOutcome | ConflictOutcome {
    const { live, config } = args;
    const subresource = args.subresource ?? '';
    const skip = skipFor(args.ignoredFields);
    let managed = stored;
    if (managed.size === 0 && live !== undefined) {
      // An untracked object: whatever it holds becomes "before-first-apply"'s, so that the
      // first applier conflicts with it rather than silently taking everything.
      const writer = { manager: beforeFirstApply, apiVersion: args.apiVersion, subresource, time: args.time };
      managed = recordUpdate(managed, type, zeros.of(args.definitionName), live, skip, writer, maxUpdateManagers, identify, createdFields);
    }

    const metadata = config.metadata;
    if (isObject(metadata) && Array.isArray(metadata.managedFields)) {
      throw new ApplyError('metadata.managedFields must be nil', 400);
    }
    const errors = validateApplied(type, config);
    if (errors.length > 0) {
      const namespace = isObject(metadata) && typeof metadata.namespace === 'string' ? metadata.namespace : '';
      const name = isObject(metadata) && typeof metadata.name === 'string' ? metadata.name : '';
      throw new ApplyError(`failed to create typed patch object (${namespace}/${name}; ${gvkText}): ${validationMessage(errors)}`, 500);
    }

    const id = identify(args.manager, 'Apply', args.apiVersion, subresource);
    const previous = managed.get(id);
    let applied = toFieldSet(type, config);
    const ignored = ignoredSet(args.ignoredFields);
    if (ignored !== undefined) applied = recursiveDifference(applied, ignored);
    const managers: Managed = new Map(managed);
    managers.set(id, {
      manager: args.manager,
      operation: 'Apply',
      apiVersion: args.apiVersion,
      subresource,
      set: applied,
      time: previous?.time,
    });

    let merged = merge(type, live, config) as Obj;
    merged = (prune(type, merged, managers, id, previous?.set) ?? {}) as Obj;

    let result = managers;
    if (live !== undefined && managers.size > 1) {
      const comparison = compare(type, live, merged, skip);
      const reassigned = reassign(managers, comparison, id, force);
      if (!force && reassigned.conflicts.size > 0) return conflictOutcome(reassigned.conflicts, managers);
      result = reassigned.managed;
    } else if (isEmpty(applied)) {
      result = new Map(managers);
      result.delete(id);
    }

    const own = result.get(id);
    const unchanged = live !== undefined && equalButManagedFields(live, merged);
    if (own !== undefined) {
      const kept = difference(own.set, neverOwned);
      if (result === managers) result = new Map(managers);
      if (isEmpty(kept)) result.delete(id);
      else result.set(id, { ...own, set: kept, time: unchanged ? own.time : args.time, source: undefined });
    }
    const metaOut = merged.metadata;
    if (isObject(metaOut)) delete metaOut.managedFields;
    return { kind: 'applied', object: merged, managed: result };
  }

  function conflictOutcome(conflicts: Map<string, FieldSet>, managed: Managed): ConflictOutcome {
    // Owners in identifier order, as the real server groups its message.
    const ids = [...conflicts.keys()].sort();
    return {
      kind: 'conflicts',
      owned: ids.map((id) => {
        const record: ManagerRecord = managed.get(id)!;
        return {
          owner: { manager: record.manager, operation: record.operation, apiVersion: record.apiVersion, subresource: record.subresource },
          fields: paths(conflicts.get(id)!),
        };
      }),
    };
  }

  return { update, apply };
}

const secondsPrecision = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/;

/** Entry times are RFC 3339 in UTC to the second, as metav1.Time prints them. */
function entryTime(time: string): string {
  if (secondsPrecision.test(time)) return time;
  const millis = Date.parse(time);
  return Number.isNaN(millis) ? time : formatTime(millis);
}

function equalButManagedFields(live: Obj, merged: Obj): boolean {
  let count = 0;
  for (const key in live) {
    const value = live[key];
    if (value === undefined) continue;
    count++;
    const other = merged[key];
    if (key === 'metadata' && isObject(value) && isObject(other)) {
      const { managedFields: _a, ...a } = value;
      const { managedFields: _b, ...b } = other;
      if (!jsonEqual(a, b)) return false;
    } else if (!jsonEqual(value, other)) return false;
  }
  for (const key in merged) if (merged[key] !== undefined) count--;
  return count === 0;
}

function configGroupVersionKind(config: Obj): { apiVersion: string; kind: string; text: string } {
  const apiVersion = typeof config.apiVersion === 'string' ? config.apiVersion : '';
  const kind = typeof config.kind === 'string' ? config.kind : '';
  const parts = apiVersion.split('/');
  let group = '';
  let version = '';
  if (apiVersion === '') {
    // no group, no version
  } else if (parts.length === 1) version = parts[0]!;
  else if (parts.length === 2) [group, version] = parts as [string, string];
  const parsedVersion = parts.length <= 2 ? apiVersion : '';
  return { apiVersion: parsedVersion, kind, text: `${group}/${version}, Kind=${kind}` };
}

function notAnObject(config: unknown): ApplyError {
  const goType = Array.isArray(config) ? 'array' : typeof config === 'number' ? 'number' : typeof config === 'boolean' ? 'bool' : 'string';
  return new ApplyError(
    `error decoding YAML: error unmarshaling JSON: while decoding JSON: json: cannot unmarshal ${goType} into Go value of type map[string]interface {}`,
    400,
  );
}

export type { ManagedFieldsEntry };
