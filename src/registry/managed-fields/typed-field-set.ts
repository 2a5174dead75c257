// The set of fields a value sets (structured-merge-diff's `ToFieldSet`): leaves, list items and
// map entries, but not struct fields holding containers (`.spec` is implied by `.spec.replicas`)
// and not empty containers. And `EnsureNamedFieldsAreMembers`, which adds those implied struct
// fields back so that pruning can tell a struct field owned through its children. And the
// fields a value brings when nothing was there before, containers included, as a comparison
// reports them.
import { type FieldSet, LEAF, canonical, insert, isEmpty, memberNode } from './field-set.js';
import { DEDUCED_MAP, indexItems, itemElement } from './list-items.js';
import { isEmptyObject, isObject } from './json-value.js';
import { SELF, fieldElement } from './path-element.js';
import { DEDUCED, type ListType, type MapType, type TypeNode } from './type-schema.js';

export function toFieldSet(type: TypeNode, value: unknown): FieldSet {
  const root: FieldSet = {};
  const path: string[] = [];

  const walk = (t: TypeNode, v: unknown): void => {
    switch (t.kind) {
      case 'map':
        if (t.atomic) return leaf();
        if (isObject(v)) return map(t, v);
        if (v !== null && v !== undefined) leaf();
        return;
      case 'list':
        if (t.relation === 'atomic') return leaf();
        if (Array.isArray(v)) return list(t, v);
        if (v !== null && v !== undefined) leaf();
        return;
      case 'deduced':
        if (isObject(v)) return map(DEDUCED_MAP, v);
        return leaf();
      default:
        return leaf();
    }
  };
  const leaf = (): void => {
    if (path.length > 0) insert(root, path);
  };
  const map = (t: MapType, v: Record<string, unknown>): void => {
    for (const key in v) {
      const item = v[key];
      if (item === undefined) continue;
      const slot = t.field(key);
      path.push(slot !== undefined ? slot.pe : fieldElement(key));
      walk(slot !== undefined ? slot.type : (t.elements ?? DEDUCED), item);
      if (slot === undefined) insert(root, path);
      path.pop();
    }
  };
  const list = (t: ListType, items: unknown[]): void => {
    for (const item of items) {
      const named = itemElement(t, item);
      if (!named.ok) continue;
      path.push(named.element);
      walk(t.element, item);
      insert(root, path);
      path.pop();
    }
  };

  walk(type, value);
  return canonical(root);
}

/** `set` plus every declared struct field that has members below it. */
export function ensureNamedFieldsAreMembers(set: FieldSet, type: TypeNode | undefined): FieldSet {
  if (isEmpty(set)) return set;
  let out: FieldSet | undefined;
  for (const key in set) {
    if (key === SELF) continue;
    const node = set[key]!;
    let childTypeOf: TypeNode | undefined;
    let named = false;
    if (type !== undefined) {
      if (key.charCodeAt(0) === 102 /* f */ && type.kind === 'map') {
        const slot = type.field(key.slice(2));
        if (slot !== undefined) {
          childTypeOf = slot.type;
          named = true;
        } else childTypeOf = type.elements;
      } else if (key.charCodeAt(0) === 107 /* k */ && type.kind === 'list') {
        childTypeOf = type.element;
      } else if (type.kind === 'deduced' && key.charCodeAt(0) === 102) {
        childTypeOf = DEDUCED_MAP.elements;
      }
    }
    if (isEmpty(node)) continue;
    let next = ensureNamedFieldsAreMembers(node, childTypeOf);
    if (named && next[SELF] === undefined) next = { [SELF]: LEAF, ...next };
    if (next !== node) (out ??= { ...set })[key] = next;
  }
  return out ?? set;
}

/**
 * What a comparison reports as added for a value that did not exist before, as one node: the
 * value itself, and below it every field, entry and item it holds, containers included (they
 * did not exist either). Canonical, so it can be grafted into a comparison as it is.
 */
export function addedFieldSet(type: TypeNode, value: unknown): FieldSet {
  switch (type.kind) {
    case 'map':
      if (type.atomic || !isObject(value) || isEmptyObject(value)) return LEAF;
      return addedMap(type, value);
    case 'list':
      if (type.relation === 'atomic' || !Array.isArray(value) || value.length === 0) return LEAF;
      return addedList(type, value);
    case 'deduced':
      return isObject(value) && !isEmptyObject(value) ? addedMap(DEDUCED_MAP, value) : LEAF;
    default:
      return LEAF;
  }
}

function addedMap(type: MapType, value: Record<string, unknown>): FieldSet {
  const children = new Map<string, FieldSet>();
  for (const key in value) {
    const item = value[key];
    if (item === undefined) continue;
    const slot = type.field(key);
    children.set(slot !== undefined ? slot.pe : fieldElement(key), addedFieldSet(slot !== undefined ? slot.type : (type.elements ?? DEDUCED), item));
  }
  return memberNode(children);
}

function addedList(type: ListType, items: unknown[]): FieldSet {
  const indexed = indexItems(type, items);
  const children = new Map<string, FieldSet>();
  for (const pe of indexed.order) {
    // Repeated keys are added as one opaque item.
    children.set(pe, indexed.duplicates?.has(pe) ? LEAF : addedFieldSet(type.element, indexed.first.get(pe)));
  }
  return memberNode(children);
}
