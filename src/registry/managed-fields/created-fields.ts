// The fields a write sets on an object that had nothing tracked yet (a create, compared with its
// kind's zero object). It follows the comparison of typed-compare.ts step for step, building the
// same canonical nodes, but keeps only what was added or modified, which is all such a write
// needs: with no managers yet, nobody can lose the removed fields, and they cannot overlap the
// changed ones (see `fieldsChangedFrom`). So it spends nothing on what the write leaves out,
// which for a create is most of the zero object.
import { type FieldSet, LEAF } from './field-set.js';
import { isObject, isEmptyObject, jsonEqual } from './json-value.js';
import { DEDUCED_MAP } from './list-items.js';
import { NodeStack } from './node-stack.js';
import { fieldElement } from './path-element.js';
import type { SkipTree } from './typed-compare.js';
import { addedFieldSet, addedItems } from './typed-field-set.js';
import { DEDUCED, type ListType, type MapType, type TypeNode } from './type-schema.js';

/** Thrown (and caught below) when the left side holds list items, which this walk leaves out. */
const unsupported = Symbol('unsupported');

/**
 * `compare(type, before, after, skip).changed`, when `before` holds no list items where `after`
 * has the list too (a zero object holds no list items at all). Then it is also what is left of
 * the changed fields once the removed ones are taken away: a path is changed where `after` has a
 * value and removed where it has none, and one path can only stand for two places through keys
 * repeated in a list on the left. Undefined when `before` does hold such list items.
 */
export function fieldsChangedFrom(type: TypeNode, before: unknown, after: unknown, skip: SkipTree | undefined): FieldSet | undefined {
  try {
    return value(type, before, after, skip, true, new NodeStack()) ?? LEAF;
  } catch (err) {
    if (err === unsupported) return undefined;
    throw err;
  }
}

// Each function returns the node of what changed at its location, canonical: LEAF for a member
// with nothing below, a node with "." for a member with members below, a node without "." for
// a path leading to members only, and undefined for nothing. The root is never a member.

function value(type: TypeNode, l: unknown, r: unknown, skip: SkipTree | undefined, root: boolean, stack: NodeStack): FieldSet | undefined {
  if (l === r) return undefined;
  // Nothing was there: everything below is added.
  if (l === undefined && skip === undefined && !root) return addedFieldSet(type, r, stack);
  switch (type.kind) {
    case 'map':
      if (type.atomic || !fitsMap(l) || !fitsMap(r)) return leaf(l, r, root);
      return map(type, l, r, skip, root, stack);
    case 'list':
      if (type.relation === 'atomic' || !fitsList(l) || !fitsList(r)) return leaf(l, r, root);
      return list(type, l, r, root, stack);
    case 'deduced':
      if ((isObject(l) || isObject(r)) && fitsMap(l) && fitsMap(r)) return map(DEDUCED_MAP, l, r, skip, root, stack);
      return leaf(l, r, root);
    default:
      return leaf(l, r, root);
  }
}

function fitsMap(value: unknown): boolean {
  return value === undefined || value === null || isObject(value);
}

function fitsList(value: unknown): boolean {
  return value === undefined || value === null || Array.isArray(value);
}

/** Added or modified (`l !== r` here); removed is nothing to this walk. */
function leaf(l: unknown, r: unknown, root: boolean): FieldSet | undefined {
  if (root || r === undefined) return undefined;
  return l === undefined || !jsonEqual(l, r) ? LEAF : undefined;
}

function map(type: MapType, l: unknown, r: unknown, skip: SkipTree | undefined, root: boolean, stack: NodeStack): FieldSet | undefined {
  const lm = isObject(l) ? l : undefined;
  const rm = isObject(r) ? r : undefined;
  if ((lm === undefined || isEmptyObject(lm)) && (rm === undefined || isEmptyObject(rm))) return leaf(l, r, root);
  const from = stack.height;
  if (lm !== undefined) for (const key in lm) entry(type, key, lm[key], rm === undefined ? undefined : rm[key], skip, stack);
  if (rm !== undefined) for (const key in rm) if (lm === undefined || lm[key] === undefined) entry(type, key, undefined, rm[key], skip, stack);
  // The map itself is added when it was not there (and not when it is the one removed).
  return stack.mapNode(from, !root && l === undefined);
}

function entry(type: MapType, key: string, lv: unknown, rv: unknown, skip: SkipTree | undefined, stack: NodeStack): void {
  // Nothing is added or modified where nothing is left (the zero values a create leaves out).
  if (lv === rv || rv === undefined) return;
  let inner: SkipTree | undefined;
  if (skip !== undefined) {
    const s = skip[key];
    if (s === true) return;
    inner = s;
  }
  if (inner === undefined && typeof lv === 'object' && lv !== null && typeof rv === 'object' && rv !== null && jsonEqual(lv, rv)) return;
  const slot = type.field(key);
  const node = value(slot !== undefined ? slot.type : (type.elements ?? DEDUCED), lv, rv, inner, false, stack);
  if (node === undefined) return;
  if (slot !== undefined) stack.push(slot.pe, node, slot.rank);
  else stack.push(fieldElement(key), node, -1);
}

function list(type: ListType, l: unknown, r: unknown, root: boolean, stack: NodeStack): FieldSet | undefined {
  const ll = Array.isArray(l) ? l : undefined;
  const rl = Array.isArray(r) ? r : undefined;
  if ((ll === undefined || ll.length === 0) && (rl === undefined || rl.length === 0)) return leaf(l, r, root);
  if (ll !== undefined && ll.length > 0) throw unsupported;
  // Every item is new: as in an added list, but the list is a member only if it was absent.
  return addedItems(type, rl!, !root && l === undefined, stack);
}
