// The set of fields a value sets (structured-merge-diff's `ToFieldSet`): leaves, list items and
// map entries, but not struct fields holding containers (`.spec` is implied by `.spec.replicas`)
// and not empty containers. And `EnsureNamedFieldsAreMembers`, which adds those implied struct
// fields back so that pruning can tell a struct field owned through its children. And the
// fields a value brings when nothing was there before, containers included, as a comparison
// reports them.
import { type FieldSet, EMPTY, LEAF, asMember, isEmpty, union } from './field-set.js';
import { DEDUCED_MAP, elementOf } from './list-items.js';
import { isEmptyObject, isObject } from './json-value.js';
import { NodeStack } from './node-stack.js';
import { SELF, fieldElement } from './path-element.js';
import { DEDUCED, type ListType, type MapType, type TypeNode } from './type-schema.js';

// The walkers below build each node once, in canonical order, from the children they collect
// (see node-stack.ts): no trie is filled and sorted afterwards.

/** Lists longer than this find repeated keys through a map rather than by scanning. */
const scanLimit = 16;

export function toFieldSet(type: TypeNode, value: unknown): FieldSet {
  const node = fieldsOf(type, value, new NodeStack());
  return node === undefined ? EMPTY : node;
}

/**
 * What `value` contributes below its own path: LEAF when the value itself is a leaf (its path
 * is a member), the (self-less) node of its members when it is a container holding any, and
 * undefined for a container holding nothing (or null).
 */
function fieldsOf(t: TypeNode, v: unknown, stack: NodeStack): FieldSet | undefined {
  switch (t.kind) {
    case 'map':
      if (t.atomic) return LEAF;
      if (isObject(v)) return mapFields(t, v, stack);
      return v !== null && v !== undefined ? LEAF : undefined;
    case 'list':
      if (t.relation === 'atomic') return LEAF;
      if (Array.isArray(v)) return listFields(t, v, stack);
      return v !== null && v !== undefined ? LEAF : undefined;
    case 'deduced':
      return isObject(v) ? mapFields(DEDUCED_MAP, v, stack) : LEAF;
    default:
      return LEAF;
  }
}

function mapFields(t: MapType, v: Record<string, unknown>, stack: NodeStack): FieldSet | undefined {
  const from = stack.height;
  for (const key in v) {
    const item = v[key];
    if (item === undefined) continue;
    const slot = t.field(key);
    if (slot !== undefined) {
      // A struct field is a member only as a leaf; holding a container, its members stand for it.
      const inner = fieldsOf(slot.type, item, stack);
      if (inner !== undefined) stack.push(slot.pe, inner, slot.rank);
    } else {
      stack.push(fieldElement(key), asMember(fieldsOf(t.elements ?? DEDUCED, item, stack)), -1);
    }
  }
  return stack.mapNode(from, false);
}

function listFields(t: ListType, items: unknown[], stack: NodeStack): FieldSet | undefined {
  const from = stack.height;
  const seen = items.length > scanLimit ? new Map<string, number>() : undefined;
  for (let i = 0; i < items.length; i++) {
    const item = items[i];
    const element = elementOf(t, item);
    if (element === undefined) continue;
    const node = asMember(fieldsOf(t.element, item, stack));
    const at = seen !== undefined ? (seen.get(element) ?? -1) : stack.find(from, element);
    if (at >= 0) {
      // A repeated item adds its members to the first one's.
      stack.setNodeAt(at, union(stack.nodeAt(at), node));
      continue;
    }
    seen?.set(element, stack.height);
    stack.push(element, node, item);
  }
  return stack.listNode(t, from, false);
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
 * did not exist either). Canonical, so it can be grafted into a comparison as it is. A walker
 * building nodes already passes its stack along.
 */
export function addedFieldSet(type: TypeNode, value: unknown, stack: NodeStack = new NodeStack()): FieldSet {
  switch (type.kind) {
    case 'map':
      if (type.atomic || !isObject(value) || isEmptyObject(value)) return LEAF;
      return addedMap(type, value, stack);
    case 'list':
      if (type.relation === 'atomic' || !Array.isArray(value) || value.length === 0) return LEAF;
      return addedItems(type, value, true, stack) ?? LEAF;
    case 'deduced':
      return isObject(value) && !isEmptyObject(value) ? addedMap(DEDUCED_MAP, value, stack) : LEAF;
    default:
      return LEAF;
  }
}

function addedMap(type: MapType, value: Record<string, unknown>, stack: NodeStack): FieldSet {
  const from = stack.height;
  for (const key in value) {
    const item = value[key];
    if (item === undefined) continue;
    const slot = type.field(key);
    if (slot !== undefined) stack.push(slot.pe, addedFieldSet(slot.type, item, stack), slot.rank);
    else stack.push(fieldElement(key), addedFieldSet(type.elements ?? DEDUCED, item, stack), -1);
  }
  return stack.mapNode(from, true)!;
}

/**
 * The node of a list whose items were all added: each named item with everything below it (an
 * item whose key repeats as one opaque member). The list itself is a member when `member`;
 * undefined when it is not and no item could be named.
 */
export function addedItems(type: ListType, items: readonly unknown[], member: boolean, stack: NodeStack): FieldSet | undefined {
  const from = stack.height;
  const seen = items.length > scanLimit ? new Map<string, number>() : undefined;
  const element = type.element;
  for (let i = 0; i < items.length; i++) {
    const item = items[i];
    const pe = elementOf(type, item);
    if (pe === undefined) continue;
    const at = seen !== undefined ? (seen.get(pe) ?? -1) : stack.find(from, pe);
    if (at >= 0) {
      // Repeated keys are added as one opaque item.
      stack.setNodeAt(at, LEAF);
      continue;
    }
    const node = addedFieldSet(element, item, stack);
    seen?.set(pe, stack.height);
    stack.push(pe, node, item);
  }
  return stack.listNode(type, from, member);
}
