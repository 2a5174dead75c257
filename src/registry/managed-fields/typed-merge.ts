// Merging an applied configuration into the live object (structured-merge-diff's `Merge`):
// leaves and atomic values take the configuration's value, granular maps merge key by key,
// associative lists merge item by item and keep an order that respects both sides. The result
// is a fresh object; neither input is modified or aliased.
import { DEDUCED_MAP, indexItems } from './list-items.js';
import { cloneJson, isEmptyObject, isObject, setKey, type JsonMap } from './json-value.js';
import { DEDUCED, type ListType, type MapType, type TypeNode } from './type-schema.js';

export function merge(type: TypeNode, live: unknown, config: unknown): unknown {
  return mergeValue(type, live, config);
}

function mergeValue(type: TypeNode, l: unknown, r: unknown): unknown {
  if (r === undefined) return cloneJson(l);
  switch (type.kind) {
    case 'map': {
      if (type.atomic) return cloneJson(r);
      const lm = isObject(l) ? l : undefined;
      if (r !== null && !isObject(r)) return cloneJson(r);
      const rm = r === null ? undefined : r;
      // Empty (or null) on both sides is a leaf: the configuration's spelling wins.
      if ((lm === undefined || isEmptyObject(lm)) && (rm === undefined || isEmptyObject(rm))) return cloneJson(r);
      return mergeMap(type, lm, rm);
    }
    case 'list': {
      if (type.relation === 'atomic' || (r !== null && !Array.isArray(r))) return cloneJson(r);
      const ll = Array.isArray(l) ? l : undefined;
      const rl = r === null ? undefined : (r as unknown[]);
      if ((ll === undefined || ll.length === 0) && (rl === undefined || rl.length === 0)) return cloneJson(r);
      return mergeList(type, ll, rl);
    }
    case 'deduced':
      if (isObject(r) && (l === undefined || isObject(l))) {
        const lm = l === undefined ? undefined : l;
        if ((lm === undefined || isEmptyObject(lm)) && isEmptyObject(r)) return cloneJson(r);
        return mergeMap(DEDUCED_MAP, lm, r);
      }
      return cloneJson(r);
    default:
      return cloneJson(r);
  }
}

function mergeMap(type: MapType, lm: JsonMap | undefined, rm: JsonMap | undefined): JsonMap {
  const out: JsonMap = {};
  const put = (key: string, l: unknown, r: unknown): void => {
    const slot = type.field(key);
    const merged = mergeValue(slot !== undefined ? slot.type : (type.elements ?? DEDUCED), l, r);
    // A struct field applied as null is unset: Go's typed objects have no null to keep.
    if (merged === null && r === null && slot !== undefined) return;
    if (merged !== undefined) setKey(out, key, merged);
  };
  if (lm !== undefined) for (const key in lm) put(key, lm[key], rm === undefined ? undefined : rm[key]);
  if (rm !== undefined) for (const key in rm) if (lm === undefined || lm[key] === undefined) put(key, undefined, rm[key]);
  return out;
}

/**
 * Items keep the live order, except that items the configuration shares with the live list
 * follow the configuration's order, and new items go where the configuration puts them.
 */
function mergeList(type: ListType, ll: unknown[] | undefined, rl: unknown[] | undefined): unknown[] {
  const left = indexItems(type, ll);
  const right = indexItems(type, rl);
  const element = type.element;
  const out: unknown[] = [];
  const emitLeftOnly = (pe: string): void => {
    const all = left.duplicates?.get(pe);
    if (all !== undefined) for (const item of all) out.push(cloneJson(item));
    else out.push(cloneJson(left.first.get(pe)));
  };
  const emitMerged = (pe: string): void => {
    // Duplicates in the live list are replaced as a whole by the applied item.
    const l = left.duplicates?.has(pe) ? undefined : left.first.get(pe);
    out.push(mergeValue(element, l, right.first.get(pe)));
  };

  const shared = right.order.filter((pe) => left.first.has(pe));
  let sharedAt = 0;
  const nextShared = (): string | undefined => shared[sharedAt];
  const lOrder = left.order;
  const rOrder = right.order;
  let li = 0;
  let ri = 0;
  while (li < lOrder.length || ri < rOrder.length) {
    if (li < lOrder.length && ri < rOrder.length) {
      const pe = lOrder[li]!;
      if (pe === rOrder[ri]) {
        emitMerged(pe);
        li++;
        ri++;
        sharedAt++;
        continue;
      }
      const waiting = nextShared();
      if (right.first.has(pe) && waiting !== undefined && waiting !== pe) {
        // Shared, but the configuration places it later: it is emitted from there.
        li++;
        continue;
      }
    }
    if (li < lOrder.length) {
      const pe = lOrder[li]!;
      if (!right.first.has(pe)) {
        emitLeftOnly(pe);
        li++;
        continue;
      }
    }
    if (ri < rOrder.length) {
      const pe = rOrder[ri]!;
      emitMerged(pe);
      ri++;
      if (nextShared() === pe) sharedAt++;
      continue;
    }
    // Only reachable with inconsistent input; never loop on it.
    li++;
  }
  // Live items that cannot be named are kept as they are.
  for (const { item } of left.unnamed) out.push(cloneJson(item));
  return out;
}
