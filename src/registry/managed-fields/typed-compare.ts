// Which fields a write added, modified and removed, walking two objects against their type
// (structured-merge-diff's `Compare`). Leaves are scalars, atomic lists and maps, and containers
// empty on both sides; a container present on one side only is itself added or removed, beside
// its contents. Both objects are read, never modified.
//
// This runs on every write, so it avoids work on what did not change: path elements are only
// spelled out for paths that end up in a result, and lists whose items line up one to one (the
// usual case) are compared pairwise without indexing them.
import { type FieldSet, LEAF, canonical, graft, insert } from './field-set.js';
import { DEDUCED_MAP, indexItems, itemElement } from './list-items.js';
import { isEmptyObject, isObject, jsonEqual } from './json-value.js';
import { fieldElement } from './path-element.js';
import { addedFieldSet } from './typed-field-set.js';
import { DEDUCED, type ListType, type MapType, type TypeNode } from './type-schema.js';

export interface Comparison {
  readonly added: FieldSet;
  readonly modified: FieldSet;
  readonly removed: FieldSet;
}

/**
 * Field names not to compare at all: `true` skips the field and everything below it, a nested
 * tree skips inside it. Skipping a subtree is what excluding it from a comparison amounts to.
 */
export interface SkipTree {
  readonly [field: string]: SkipTree | true;
}

export function compare(type: TypeNode, lhs: unknown, rhs: unknown, skip?: SkipTree): Comparison {
  const walker = new Comparer();
  walker.value(type, lhs, rhs, skip);
  return {
    added: canonical(walker.added, walker.grafted),
    modified: canonical(walker.modified),
    removed: canonical(walker.removed),
  };
}

/** A path step whose element is only spelled out if the path is recorded. */
class FieldStep {
  constructor(readonly name: string) {}
}
class ItemStep {
  constructor(
    readonly list: ListType,
    readonly item: unknown,
  ) {}
}
type Step = string | FieldStep | ItemStep;

function spell(step: Step): string {
  if (typeof step === 'string') return step;
  if (step instanceof FieldStep) return fieldElement(step.name);
  const named = itemElement(step.list, step.item);
  return named.ok ? named.element : '';
}

function fitsMap(value: unknown): boolean {
  return value === undefined || value === null || isObject(value);
}

function fitsList(value: unknown): boolean {
  return value === undefined || value === null || Array.isArray(value);
}

/** Lists this long or shorter are checked for repeated keys pairwise rather than with a set. */
const pairwiseLimit = 16;

class Comparer {
  readonly path: Step[] = [];
  readonly added: FieldSet = {};
  readonly modified: FieldSet = {};
  readonly removed: FieldSet = {};
  /** Subtrees added whole, canonical from the start. */
  readonly grafted = new Set<FieldSet>();

  value(type: TypeNode, l: unknown, r: unknown, skip: SkipTree | undefined): void {
    if (l === r) return;
    if (l === undefined && skip === undefined && this.path.length > 0) {
      // Nothing was there: everything below is added (the shortcut a create mostly takes).
      const added = addedFieldSet(type, r);
      if (added !== LEAF) this.grafted.add(added);
      graft(this.added, this.path.map(spell), added);
      return;
    }
    switch (type.kind) {
      case 'map':
        if (type.atomic || !fitsMap(l) || !fitsMap(r)) return this.leaf(l, r);
        return this.map(type, l, r, skip);
      case 'list':
        if (type.relation === 'atomic' || !fitsList(l) || !fitsList(r)) return this.leaf(l, r);
        return this.list(type, l, r);
      case 'deduced':
        if ((isObject(l) || isObject(r)) && fitsMap(l) && fitsMap(r)) return this.map(DEDUCED_MAP, l, r, skip);
        return this.leaf(l, r);
      default:
        return this.leaf(l, r);
    }
  }

  private record(set: FieldSet): void {
    if (this.path.length > 0) insert(set, this.path.map(spell));
  }

  private leaf(l: unknown, r: unknown): void {
    if (l === undefined) this.record(this.added);
    else if (r === undefined) this.record(this.removed);
    else if (!jsonEqual(l, r)) this.record(this.modified);
  }

  private self(l: unknown, r: unknown): void {
    if (l === undefined) this.record(this.added);
    else if (r === undefined) this.record(this.removed);
  }

  private map(type: MapType, l: unknown, r: unknown, skip: SkipTree | undefined): void {
    const lm = isObject(l) ? l : undefined;
    const rm = isObject(r) ? r : undefined;
    if ((lm === undefined || isEmptyObject(lm)) && (rm === undefined || isEmptyObject(rm))) return this.leaf(l, r);
    if (lm !== undefined) {
      for (const key in lm) this.entry(type, key, lm[key], rm === undefined ? undefined : rm[key], skip);
    }
    if (rm !== undefined) {
      for (const key in rm) if (lm === undefined || lm[key] === undefined) this.entry(type, key, undefined, rm[key], skip);
    }
    this.self(l, r);
  }

  private entry(type: MapType, key: string, l: unknown, r: unknown, skip: SkipTree | undefined): void {
    if (l === r) return;
    let inner: SkipTree | undefined;
    if (skip !== undefined) {
      const s = skip[key];
      if (s === true) return;
      inner = s;
    }
    const slot = type.field(key);
    this.path.push(slot !== undefined ? slot.pe : new FieldStep(key));
    this.value(slot !== undefined ? slot.type : (type.elements ?? DEDUCED), l, r, inner);
    this.path.pop();
  }

  private list(type: ListType, l: unknown, r: unknown): void {
    const ll = Array.isArray(l) ? l : undefined;
    const rl = Array.isArray(r) ? r : undefined;
    if ((ll === undefined || ll.length === 0) && (rl === undefined || rl.length === 0)) return this.leaf(l, r);
    if (ll !== undefined && rl !== undefined && linedUp(type, ll, rl)) {
      for (let i = 0; i < ll.length; i++) {
        if (ll[i] === rl[i]) continue;
        this.path.push(new ItemStep(type, ll[i]));
        this.value(type.element, ll[i], rl[i], undefined);
        this.path.pop();
      }
      return;
    }
    this.indexedList(type, ll, rl);
    this.self(l, r);
  }

  private indexedList(type: ListType, ll: unknown[] | undefined, rl: unknown[] | undefined): void {
    const left = indexItems(type, ll);
    const right = indexItems(type, rl);
    const element = type.element;
    const visit = (pe: string): void => {
      const lCount = left.first.has(pe) ? (left.duplicates?.get(pe)?.length ?? 1) : 0;
      const rCount = right.first.has(pe) ? (right.duplicates?.get(pe)?.length ?? 1) : 0;
      this.path.push(pe);
      if (lCount <= 1 && rCount <= 1) {
        this.value(element, left.first.get(pe), right.first.get(pe), undefined);
      } else if (lCount >= 2 && rCount >= 2) {
        // Duplicates on both sides are compared as one atomic value.
        if (!jsonEqual(left.duplicates!.get(pe), right.duplicates!.get(pe))) this.record(this.modified);
      } else if (lCount >= 2) {
        if (rCount === 1) this.value(element, undefined, right.first.get(pe), undefined);
        this.record(this.removed);
      } else {
        if (lCount === 1) this.value(element, left.first.get(pe), undefined, undefined);
        this.record(this.added);
      }
      this.path.pop();
    };
    for (const pe of left.order) visit(pe);
    for (const pe of right.order) if (!left.first.has(pe)) visit(pe);
  }
}

/**
 * True when both lists have the same items at the same positions by key (or value, for sets),
 * every item named by plain values and no key repeated: then items can be compared pairwise.
 */
function linedUp(type: ListType, ll: unknown[], rl: unknown[]): boolean {
  const n = ll.length;
  if (n !== rl.length || n > pairwiseLimit) return false;
  if (type.relation === 'set') {
    for (let i = 0; i < n; i++) {
      const item = ll[i];
      if (item !== rl[i] || item === null || typeof item === 'object') return false;
      for (let j = 0; j < i; j++) if (ll[j] === item) return false;
    }
    return true;
  }
  const keys = type.keys;
  const defaults = type.keyDefaults;
  for (let i = 0; i < n; i++) {
    const a = ll[i];
    const b = rl[i];
    if (!isObject(a) || !isObject(b)) return false;
    for (let k = 0; k < keys.length; k++) {
      const av = a[keys[k]!] ?? defaults[k];
      const bv = b[keys[k]!] ?? defaults[k];
      if (av === undefined || av === null || typeof av === 'object' || av !== bv) return false;
    }
    for (let j = 0; j < i; j++) {
      const c = ll[j] as Record<string, unknown>;
      let same = true;
      for (let k = 0; k < keys.length && same; k++) same = (c[keys[k]!] ?? defaults[k]) === (a[keys[k]!] ?? defaults[k]);
      if (same) return false;
    }
  }
  return true;
}
