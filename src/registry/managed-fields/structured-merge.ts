// The ownership rules of structured-merge-diff's Updater, on managers keyed by identifier:
// a write takes the fields it changed from every other manager (or, for an unforced apply,
// reports them as conflicts), and nobody keeps fields the write removed; an apply also prunes
// what its manager applied last time and no longer applies, unless someone else owns it.
import {
  type FieldSet,
  EMPTY,
  difference,
  intersection,
  isEmpty,
  isSubset,
  union,
} from './field-set.js';
import type { Managed } from './managed-fields-codec.js';
import type { Comparison } from './typed-compare.js';
import { ensureNamedFieldsAreMembers, toFieldSet } from './typed-field-set.js';
import { removeItems } from './typed-remove.js';
import type { TypeNode } from './type-schema.js';

export interface Reassigned {
  /** Managers after the write: other managers stripped of changed and removed fields. */
  readonly managed: Managed;
  /** Per other manager, the fields the write changed that it owned. */
  readonly conflicts: Map<string, FieldSet>;
}

/**
 * Takes the fields `comparison` changed or removed away from every manager but `workflow`.
 * An unforced write that would take fields from someone instead gets those conflicts back,
 * with `managed` unchanged. Managers left with nothing go.
 */
export function reassign(managed: Managed, comparison: Comparison, workflow: string, force: boolean): Reassigned {
  const changed = comparison.changed;
  const conflicts = new Map<string, FieldSet>();
  if (!force && !isEmpty(changed)) {
    for (const [id, record] of managed) {
      if (id === workflow) continue;
      const owned = intersection(record.set, changed);
      if (!isEmpty(owned)) conflicts.set(id, owned);
    }
    if (conflicts.size > 0) return { managed, conflicts };
  }
  // Losing the conflicting part of what one owns is losing everything the write changed.
  return { managed: withoutFields(managed, union(changed, comparison.removed), workflow), conflicts };
}

/** Every manager but `workflow` loses `lost`; managers left with nothing go. A new map. */
export function withoutFields(managed: Managed, lost: FieldSet, workflow: string): Managed {
  const out: Managed = new Map();
  for (const [id, record] of managed) {
    const set = id === workflow ? record.set : difference(record.set, lost);
    if (isEmpty(set)) continue;
    out.set(id, set === record.set ? record : { ...record, set, source: undefined });
  }
  return out;
}

/**
 * Removes from `merged` what the applier owned last time (`lastSet`) and no longer applies,
 * unless another manager (or the new configuration) owns it, and never anything else.
 */
export function prune(type: TypeNode, merged: unknown, managed: Managed, applierId: string, lastSet: FieldSet | undefined): unknown {
  if (lastSet === undefined || isEmpty(lastSet)) return merged;
  // Still applying everything applied last time (the usual re-apply): nothing to prune.
  const applier = managed.get(applierId);
  if (applier !== undefined && isSubset(lastSet, applier.set)) return merged;
  const named = (set: FieldSet): FieldSet => ensureNamedFieldsAreMembers(set, type);
  const last = named(lastSet);
  const pruned = removeItems(type, merged, last);

  // Put back whatever someone still owns.
  let owned: FieldSet = EMPTY;
  for (const record of managed.values()) owned = union(owned, record.set);
  const mergedSet = named(toFieldSet(type, merged));
  const keep = union(named(toFieldSet(type, pruned)), named(owned));
  const ownedBack = removeItems(type, merged, difference(mergedSet, keep));

  // Put back whatever the applier did not own before: only its own leftovers go.
  const stillThere = named(toFieldSet(type, ownedBack));
  return removeItems(type, merged, intersection(difference(mergedSet, stillThere), last));
}
