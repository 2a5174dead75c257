// Sets of field paths, kept in the very shape fieldsV1 has on the wire: a trie of plain objects
// keyed by path element. Under a parent, a child `{}` is a member; a child holding `"."` is a
// member with members below it; any other child only leads to members below it. Working on
// this form directly means managedFields read from storage need no decoding and results need
// no encoding. Operations never mutate their inputs (results share untouched subtrees), and
// keep keys in structured-merge-diff's order, so results serialize exactly as Kubernetes does.
import { SELF, pathToString, sortElements } from './path-element.js';

export interface FieldSet {
  [element: string]: FieldSet;
}

/** A member with nothing below it. Shared and frozen: sets are never mutated once built. */
export const LEAF: FieldSet = Object.freeze({}) as FieldSet;
export const EMPTY: FieldSet = LEAF;

export function isEmpty(set: FieldSet): boolean {
  for (const _ in set) return false;
  return true;
}

function isMember(node: FieldSet): boolean {
  return node[SELF] !== undefined || isEmpty(node);
}

function hasChildren(node: FieldSet): boolean {
  for (const key in node) if (key !== SELF) return true;
  return false;
}

function sorted(node: FieldSet): FieldSet {
  const keys = sortElements(Object.keys(node));
  const out: FieldSet = {};
  for (const key of keys) out[key] = node[key]!;
  return out;
}

function withSelf(node: FieldSet): FieldSet {
  const out: FieldSet = { [SELF]: LEAF };
  for (const key in node) if (key !== SELF) out[key] = node[key]!;
  return out;
}

function withoutSelf(node: FieldSet): FieldSet {
  const out: FieldSet = {};
  for (const key in node) if (key !== SELF) out[key] = node[key]!;
  return out;
}

/** A node made a member itself, whatever lies below it. */
export function asMember(node: FieldSet | undefined): FieldSet {
  if (node === undefined || isEmpty(node)) return LEAF;
  return node[SELF] !== undefined ? node : withSelf(node);
}

/** A child node from its membership and its (self-less) children; undefined when it is empty. */
function child(member: boolean, children: FieldSet): FieldSet | undefined {
  if (isEmpty(children)) return member ? LEAF : undefined;
  return member ? withSelf(children) : children;
}

// ---- union -------------------------------------------------------------------------------

export function union(a: FieldSet, b: FieldSet): FieldSet {
  if (a === b || isEmpty(b)) return a;
  if (isEmpty(a)) return b;
  // Copy the larger side once and fold the smaller one into it.
  const [base, other] = keyCount(a) >= keyCount(b) ? [a, b] : [b, a];
  let out: FieldSet | undefined;
  let grew = false;
  for (const key in other) {
    const ok = other[key]!;
    const bk = base[key];
    if (bk === undefined) {
      out ??= { ...base };
      out[key] = ok;
      grew = true;
    } else if (bk !== ok && key !== SELF) {
      const merged = unionChild(bk, ok);
      if (merged !== bk) {
        out ??= { ...base };
        out[key] = merged;
      }
    }
  }
  if (out === undefined) return base;
  return grew ? sorted(out) : out;
}

function keyCount(node: FieldSet): number {
  let count = 0;
  for (const _ in node) count++;
  return count;
}

function unionChild(x: FieldSet, y: FieldSet): FieldSet {
  if (x === y) return x;
  const xEmpty = isEmpty(x);
  const yEmpty = isEmpty(y);
  if (yEmpty) return xEmpty || x[SELF] !== undefined ? x : withSelf(x);
  if (xEmpty) return y[SELF] !== undefined ? y : withSelf(y);
  // Both have children: the marker is then explicit on either side, and unions like any key.
  return union(x, y);
}

// ---- difference --------------------------------------------------------------------------

/** Members of a not in b; a parent minus one of its children keeps the parent (SMD semantics). */
export function difference(a: FieldSet, b: FieldSet): FieldSet {
  if (isEmpty(a) || isEmpty(b)) return a;
  if (a === b) return EMPTY;
  let out: FieldSet | undefined;
  let dropped: string[] | undefined;
  for (const key in b) {
    if (key === SELF) continue;
    const ak = a[key];
    if (ak === undefined) continue;
    const rest = differenceChild(ak, b[key]!);
    if (rest === ak) continue;
    if (rest === undefined) (dropped ??= []).push(key);
    else (out ??= { ...a })[key] = rest;
  }
  return dropped === undefined ? (out ?? a) : without(out ?? a, dropped);
}

/**
 * A copy of `node` without some keys, the others in their order. (Deleting from a copy would
 * do the same, but a delete turns an object into a slow dictionary, for every later reader.)
 */
function without(node: FieldSet, dropped: readonly string[]): FieldSet {
  const out: FieldSet = {};
  if (dropped.length <= 8) {
    for (const key in node) if (!dropped.includes(key)) out[key] = node[key]!;
  } else {
    const set = new Set(dropped);
    for (const key in node) if (!set.has(key)) out[key] = node[key]!;
  }
  return out;
}

function differenceChild(x: FieldSet, y: FieldSet): FieldSet | undefined {
  if (x === y) return undefined;
  const xMember = isMember(x);
  const member = xMember && !isMember(y);
  const children = difference(x, y);
  if (children === x && member === xMember) return x;
  if (!hasChildren(children)) return member ? LEAF : undefined;
  // `children` is then a fresh copy of x (which kept its marker first): reuse it when its
  // membership is already right, rather than stripping and re-adding the marker.
  if (member) return children !== x && selfFirst(children) ? children : withSelf(children);
  return children !== x && children[SELF] === undefined ? children : withoutSelf(children);
}

function selfFirst(node: FieldSet): boolean {
  for (const key in node) return key === SELF;
  return false;
}

/** True when every member of a is a member of b: `isEmpty(difference(a, b))` without building it. */
export function isSubset(a: FieldSet, b: FieldSet): boolean {
  if (isEmpty(a) || a === b) return true;
  if (isEmpty(b)) return false;
  for (const key in a) {
    if (key === SELF) return false;
    const bk = b[key];
    if (bk === undefined || !subsetChild(a[key]!, bk)) return false;
  }
  return true;
}

function subsetChild(x: FieldSet, y: FieldSet): boolean {
  if (x === y) return true;
  if (!isMember(y) && isMember(x)) return false;
  for (const key in x) {
    if (key === SELF) continue;
    const yk = y[key];
    if (yk === undefined || !subsetChild(x[key]!, yk)) return false;
  }
  return true;
}

/** Members of a not in b, dropping whole subtrees below members of b. */
export function recursiveDifference(a: FieldSet, b: FieldSet): FieldSet {
  if (isEmpty(a) || isEmpty(b)) return a;
  let out: FieldSet | undefined;
  let dropped: string[] | undefined;
  for (const key in b) {
    if (key === SELF) continue;
    const ak = a[key];
    if (ak === undefined) continue;
    const bk = b[key]!;
    let rest: FieldSet | undefined;
    if (isMember(bk)) rest = undefined;
    else {
      const children = recursiveDifference(ak, bk);
      rest = children === ak ? ak : child(isMember(ak), hasChildren(children) ? withoutSelf(children) : EMPTY);
    }
    if (rest === ak) continue;
    if (rest === undefined) (dropped ??= []).push(key);
    else (out ??= { ...a })[key] = rest;
  }
  return dropped === undefined ? (out ?? a) : without(out ?? a, dropped);
}

// ---- intersection ------------------------------------------------------------------------

export function intersection(a: FieldSet, b: FieldSet): FieldSet {
  if (isEmpty(a) || isEmpty(b)) return EMPTY;
  if (a === b) return a;
  // Walk the smaller side; both are sorted, so the result is too.
  const [small, large] = Object.keys(a).length <= Object.keys(b).length ? [a, b] : [b, a];
  let out: FieldSet | undefined;
  for (const key in small) {
    if (key === SELF) continue;
    const other = large[key];
    if (other === undefined) continue;
    const common = intersectionChild(small[key]!, other);
    if (common !== undefined) (out ??= {})[key] = common;
  }
  return out ?? EMPTY;
}

function intersectionChild(x: FieldSet, y: FieldSet): FieldSet | undefined {
  if (x === y) return x;
  return child(isMember(x) && isMember(y), intersection(x, y));
}

// ---- building and reading ----------------------------------------------------------------

/** Adds a path to a set under construction (its nodes are fresh objects, not shared). */
export function insert(root: FieldSet, path: readonly string[], depth = path.length): void {
  let node = root;
  for (let i = 0; i < depth - 1; i++) {
    const element = path[i]!;
    let next = node[element];
    if (next === undefined) {
      next = {};
      node[element] = next;
    } else if (isEmpty(next)) {
      // A member gaining children keeps its membership explicitly.
      next = { [SELF]: LEAF };
      node[element] = next;
    }
    node = next;
  }
  const last = path[depth - 1]!;
  const existing = node[last];
  if (existing === undefined) node[last] = LEAF;
  else if (!isEmpty(existing) && existing[SELF] === undefined) node[last] = withSelf(existing);
}

/** A set built with `insert` (keys in insertion order), brought into canonical order. */
export function canonical(set: FieldSet): FieldSet {
  if (isEmpty(set)) return EMPTY;
  const keys = sortElements(Object.keys(set));
  const out: FieldSet = {};
  for (const key of keys) {
    const node = set[key]!;
    out[key] = key === SELF || isEmpty(node) ? LEAF : canonical(node);
  }
  return out;
}

export function has(set: FieldSet, path: readonly string[]): boolean {
  let node = set;
  for (let i = 0; i < path.length; i++) {
    const next = node[path[i]!];
    if (next === undefined) return false;
    if (i === path.length - 1) return isMember(next);
    node = next;
  }
  return false;
}

/** The subset below one element (SMD `WithPrefix`). */
export function below(set: FieldSet, element: string): FieldSet {
  const node = set[element];
  if (node === undefined) return EMPTY;
  return node[SELF] === undefined ? node : withoutSelf(node);
}

/** True when the element itself is a member of the set. */
export function hasMember(set: FieldSet, element: string): boolean {
  const node = set[element];
  return node !== undefined && isMember(node);
}

/**
 * Every member path, as SMD iterates a set: at each level the members first, then the
 * subtrees, both in element order.
 */
export function paths(set: FieldSet): string[][] {
  const out: string[][] = [];
  const walk = (node: FieldSet, prefix: string[]): void => {
    for (const key in node) if (key !== SELF && isMember(node[key]!)) out.push([...prefix, key]);
    for (const key in node) {
      if (key === SELF) continue;
      const next = node[key]!;
      if (hasChildren(next)) walk(next, [...prefix, key]);
    }
  };
  walk(set, []);
  return out;
}

/** Member paths in Kubernetes' readable form, one per line (for messages and tests). */
export function describe(set: FieldSet): string[] {
  return paths(set).map(pathToString);
}

export function fromPaths(list: readonly (readonly string[])[]): FieldSet {
  const root: FieldSet = {};
  for (const path of list) if (path.length > 0) insert(root, path);
  return canonical(root);
}
