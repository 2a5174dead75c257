// Which fields a write added, modified and removed, walking two objects against their type
// (structured-merge-diff's `Compare`). Leaves are scalars, atomic lists and maps, and containers
// empty on both sides; a container present on one side only is itself added or removed, beside
// its contents. Both objects are read, never modified.
//
// This runs on every write, so it avoids work on what did not change: equal subtrees are found
// by plain JSON equality (cheaper than the typed walk), path elements are only spelled out for
// locations that end up in a result, results are built bottom-up as canonical nodes (no trie to
// fill and sort afterwards), and lists whose items line up one to one (the usual case) are
// compared pairwise without indexing them.
import { type FieldSet, EMPTY, LEAF, asMember } from './field-set.js';
import { DEDUCED_MAP, elementOf, indexItems } from './list-items.js';
import { NodeStack } from './node-stack.js';
import { isEmptyObject, isObject, jsonDiff, jsonEqual } from './json-value.js';
import { fieldElement } from './path-element.js';
import { addedFieldSet } from './typed-field-set.js';
import { DEDUCED, type ListType, type MapType, type TypeNode } from './type-schema.js';

export interface Comparison {
  /** Fields added or modified (a path is never both: added means absent on the left). */
  readonly changed: FieldSet;
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
  walker.value(type, lhs, rhs, skip, true);
  return { changed: walker.changed ?? EMPTY, removed: walker.removed ?? EMPTY };
}

function fitsMap(value: unknown): boolean {
  return value === undefined || value === null || isObject(value);
}

function fitsList(value: unknown): boolean {
  return value === undefined || value === null || Array.isArray(value);
}

/** Lists this long or shorter are checked for repeated keys pairwise rather than with a set. */
const pairwiseLimit = 16;

/**
 * Where two values are known to differ (see jsonDiff): `trail[at]` is the position of the first
 * difference at this level, `trail[at - 1]` the one at the next level down, and so on.
 */
interface Known {
  readonly trail: readonly number[];
  readonly at: number;
}

/** Known to differ, with nothing known of where. */
const noneBelow: Known = { trail: [], at: -1 };

/** Position meaning "every key of the left object holds what the right one holds there". */
const allLeftKeysEqual = -1;

function below(known: Known | undefined): Known {
  return known === undefined || known.at <= 0 ? noneBelow : { trail: known.trail, at: known.at - 1 };
}

/**
 * Walks one location and leaves what changed and what was removed there in `changed` and
 * `removed`, as canonical nodes: LEAF for a member with nothing below it, a node holding "."
 * for a member with members below, a node without "." for a location that only leads to
 * members, undefined for nothing. The root itself is never a member. The children of the nodes
 * under construction wait on one stack per result.
 */
class Comparer {
  changed: FieldSet | undefined;
  removed: FieldSet | undefined;
  private readonly changedBelow = new NodeStack();
  private readonly removedBelow = new NodeStack();
  /** Where the next equality check notes its trail: it stays empty while checks find equal values (most of them). */
  private scratch: number[] = [];

  value(type: TypeNode, l: unknown, r: unknown, skip: SkipTree | undefined, root: boolean, known?: Known): void {
    this.changed = undefined;
    this.removed = undefined;
    if (l === r) return;
    if (l === undefined && skip === undefined && !root) {
      // Nothing was there: everything below is added (the shortcut a create mostly takes).
      this.changed = addedFieldSet(type, r, this.changedBelow);
      return;
    }
    switch (type.kind) {
      case 'map':
        if (type.atomic || !fitsMap(l) || !fitsMap(r)) return this.leaf(l, r, root);
        return this.map(type, l, r, skip, root, known);
      case 'list':
        if (type.relation === 'atomic' || !fitsList(l) || !fitsList(r)) return this.leaf(l, r, root);
        return this.list(type, l, r, root, known);
      case 'deduced':
        if ((isObject(l) || isObject(r)) && fitsMap(l) && fitsMap(r)) return this.map(DEDUCED_MAP, l, r, skip, root, known);
        return this.leaf(l, r, root);
      default:
        return this.leaf(l, r, root);
    }
  }

  /**
   * Most of what a write sends is what was there: equal values record nothing, and plain JSON
   * equality finds that out much faster than the typed walk. Undefined when `l` and `r` are two
   * containers holding the same JSON; else what is known of where they differ.
   */
  private differs(l: unknown, r: unknown): Known | undefined {
    if (typeof l !== 'object' || l === null || typeof r !== 'object' || r === null) return noneBelow;
    const trail = this.scratch;
    if (jsonDiff(l, r, trail)) return undefined;
    if (trail.length === 0) return noneBelow;
    this.scratch = [];
    return { trail, at: trail.length - 1 };
  }

  /** Added, removed or modified (`l !== r` here). */
  private leaf(l: unknown, r: unknown, root: boolean): void {
    if (root) return;
    if (l === undefined) this.changed = LEAF;
    else if (r === undefined) this.removed = LEAF;
    else if (!jsonEqual(l, r)) this.changed = LEAF;
  }

  private map(type: MapType, l: unknown, r: unknown, skip: SkipTree | undefined, root: boolean, known: Known | undefined): void {
    const lm = isObject(l) ? l : undefined;
    const rm = isObject(r) ? r : undefined;
    if ((lm === undefined || isEmptyObject(lm)) && (rm === undefined || isEmptyObject(rm))) return this.leaf(l, r, root);
    const changedFrom = this.changedBelow.height;
    const removedFrom = this.removedBelow.height;
    // Where the values are known to differ, keys before the first difference hold equal values
    // and need no look; the differing one is known to differ all the way down.
    const first = known === undefined ? undefined : known.trail[known.at];
    // Keys only on the right are found without a lookup per key when there are none (the usual
    // case): every key of rm then held a value for a key of lm. (Inherited names such as
    // `toString` read through the prototype, so only values JSON can hold are counted.)
    let shared = 0;
    if (lm !== undefined) {
      let index = 0;
      for (const key in lm) {
        const lv = lm[key];
        const rv = rm === undefined ? undefined : rm[key];
        if (rv !== undefined && lv !== undefined && typeof rv !== 'function' && key !== '__proto__') shared++;
        if (lv !== rv) {
          if (first === undefined || lv === undefined || (first !== allLeftKeysEqual && index > first)) this.entry(type, key, lv, rv, skip, undefined);
          else if (index === first) this.entry(type, key, lv, rv, skip, below(known));
        }
        index++;
      }
    }
    if (rm !== undefined) {
      let keys = 0;
      for (const _ in rm) keys++;
      if (keys !== shared) {
        for (const key in rm) {
          // (A key of lm holding undefined was compared above already, to the same effect.)
          if (lm === undefined || (lm[key] === undefined && !Object.hasOwn(lm, key))) this.entry(type, key, undefined, rm[key], skip, undefined);
        }
      }
    }
    this.changed = this.changedBelow.mapNode(changedFrom, !root && l === undefined);
    this.removed = this.removedBelow.mapNode(removedFrom, !root && l !== undefined && r === undefined);
  }

  /** One key of a map; `known` when its values are known to differ. */
  private entry(type: MapType, key: string, lv: unknown, rv: unknown, skip: SkipTree | undefined, known: Known | undefined): void {
    if (lv === rv) return;
    let inner: SkipTree | undefined;
    if (skip !== undefined) {
      const s = skip[key];
      if (s === true) return;
      inner = s;
    }
    if (known === undefined && inner === undefined) {
      known = this.differs(lv, rv);
      if (known === undefined) return;
    }
    const slot = type.field(key);
    this.value(slot !== undefined ? slot.type : (type.elements ?? DEDUCED), lv, rv, inner, false, known);
    const c = this.changed;
    const d = this.removed;
    if (c === undefined && d === undefined) return;
    const element = slot !== undefined ? slot.pe : fieldElement(key);
    const rank = slot !== undefined ? slot.rank : -1;
    if (c !== undefined) this.changedBelow.push(element, c, rank);
    if (d !== undefined) this.removedBelow.push(element, d, rank);
  }

  private list(type: ListType, l: unknown, r: unknown, root: boolean, known: Known | undefined): void {
    const ll = Array.isArray(l) ? l : undefined;
    const rl = Array.isArray(r) ? r : undefined;
    if ((ll === undefined || ll.length === 0) && (rl === undefined || rl.length === 0)) return this.leaf(l, r, root);
    if (ll !== undefined && rl !== undefined && linedUp(type, ll, rl)) return this.pairwise(type, ll, rl, known);
    this.indexedList(type, ll, rl, !root && l === undefined, !root && l !== undefined && r === undefined);
  }

  /** Items at the same positions are the same items: compared pair by pair. */
  private pairwise(type: ListType, ll: unknown[], rl: unknown[], known: Known | undefined): void {
    const changedFrom = this.changedBelow.height;
    const removedFrom = this.removedBelow.height;
    // Lists of one length: the first difference is an item's index.
    const first = known === undefined ? -1 : (known.trail[known.at] ?? -1);
    for (let i = first < 0 ? 0 : first; i < ll.length; i++) {
      const item = ll[i];
      let inside: Known | undefined;
      if (i === first) inside = below(known);
      else {
        if (item === rl[i]) continue;
        inside = this.differs(item, rl[i]);
        if (inside === undefined) continue;
      }
      this.value(type.element, item, rl[i], undefined, false, inside);
      this.pushItem(elementOf(type, item) ?? '', item);
    }
    this.changed = this.changedBelow.listNode(type, changedFrom, false);
    this.removed = this.removedBelow.listNode(type, removedFrom, false);
  }

  /** Files the item results just found under `element`. */
  private pushItem(element: string, item: unknown): void {
    if (this.changed !== undefined) this.changedBelow.push(element, this.changed, item);
    if (this.removed !== undefined) this.removedBelow.push(element, this.removed, item);
  }

  private indexedList(type: ListType, ll: unknown[] | undefined, rl: unknown[] | undefined, changedSelf: boolean, removedSelf: boolean): void {
    const left = indexItems(type, ll);
    const right = indexItems(type, rl);
    const element = type.element;
    const changedFrom = this.changedBelow.height;
    const removedFrom = this.removedBelow.height;
    const visit = (pe: string): void => {
      const lCount = left.first.has(pe) ? (left.duplicates?.get(pe)?.length ?? 1) : 0;
      const rCount = right.first.has(pe) ? (right.duplicates?.get(pe)?.length ?? 1) : 0;
      if (lCount <= 1 && rCount <= 1) {
        this.value(element, left.first.get(pe), right.first.get(pe), undefined, false);
      } else if (lCount >= 2 && rCount >= 2) {
        // Duplicates on both sides are compared as one atomic value.
        this.changed = jsonEqual(left.duplicates!.get(pe), right.duplicates!.get(pe)) ? undefined : LEAF;
        this.removed = undefined;
      } else if (lCount >= 2) {
        if (rCount === 1) this.value(element, undefined, right.first.get(pe), undefined, false);
        else this.changed = this.removed = undefined;
        this.removed = asMember(this.removed);
      } else {
        if (lCount === 1) this.value(element, left.first.get(pe), undefined, undefined, false);
        else this.changed = this.removed = undefined;
        this.changed = asMember(this.changed);
      }
      this.pushItem(pe, lCount > 0 ? left.first.get(pe) : right.first.get(pe));
    };
    for (const pe of left.order) visit(pe);
    for (const pe of right.order) if (!left.first.has(pe)) visit(pe);
    this.changed = this.changedBelow.listNode(type, changedFrom, changedSelf);
    this.removed = this.removedBelow.listNode(type, removedFrom, removedSelf);
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
