// Removing the members of a field set from a value (structured-merge-diff's `RemoveItems`): a
// member drops its field or item with everything below it; paths below a member reach into it.
// Used to prune what an applier stopped applying. Returns a new value; the input is untouched.
import { type FieldSet, below, hasMember, isEmpty } from './field-set.js';
import { DEDUCED_MAP, itemElement } from './list-items.js';
import { cloneJson, isEmptyObject, isObject, setKey, type JsonMap } from './json-value.js';
import { fieldElement } from './path-element.js';
import { DEDUCED, type ListType, type MapType, type TypeNode } from './type-schema.js';

export function removeItems(type: TypeNode, value: unknown, set: FieldSet): unknown {
  if (isEmpty(set)) return cloneJson(value);
  return remove(type, value, set);
}

function remove(type: TypeNode, value: unknown, set: FieldSet): unknown {
  switch (type.kind) {
    case 'map':
      if (type.atomic || !isObject(value) || isEmptyObject(value)) return containerOrNull(value);
      return removeFromMap(type, value, set);
    case 'list':
      if (type.relation === 'atomic' || !Array.isArray(value) || value.length === 0) return containerOrNull(value);
      return removeFromList(type, value, set);
    case 'deduced':
      if (isObject(value) && !isEmptyObject(value)) return removeFromMap(DEDUCED_MAP, value, set);
      return containerOrNull(value);
    default:
      return cloneJson(value);
  }
}

/** Reaching into an atomic or empty container leaves nothing, as in SMD; scalars stay. */
function containerOrNull(value: unknown): unknown {
  return typeof value === 'object' ? null : value;
}

function removeFromMap(type: MapType, value: JsonMap, set: FieldSet): unknown {
  const out: JsonMap = {};
  let kept = 0;
  for (const key in value) {
    const item = value[key];
    if (item === undefined) continue;
    const slot = type.field(key);
    const pe = slot !== undefined ? slot.pe : fieldElement(key);
    if (hasMember(set, pe)) continue;
    const sub = below(set, pe);
    if (isEmpty(sub)) setKey(out, key, cloneJson(item));
    else {
      const rest = remove(slot !== undefined ? slot.type : (type.elements ?? DEDUCED), item, sub);
      // A struct field left with nothing is unset, as a Go object would print it.
      if (rest === null && slot !== undefined && item !== null) continue;
      setKey(out, key, rest);
    }
    kept++;
  }
  return kept > 0 ? out : null;
}

function removeFromList(type: ListType, items: unknown[], set: FieldSet): unknown {
  const out: unknown[] = [];
  for (const item of items) {
    const named = itemElement(type, item);
    if (!named.ok) {
      out.push(cloneJson(item));
      continue;
    }
    if (hasMember(set, named.element)) continue;
    const sub = below(set, named.element);
    out.push(isEmpty(sub) ? cloneJson(item) : remove(type.element, item, sub));
  }
  return out.length > 0 ? out : null;
}
