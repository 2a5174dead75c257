// The list bookkeeping of strategic merge patch: element types, unions, partitions, and the order
// of a merged list. The order follows mergeSlice / normalizeElementOrder in k8s.io/apimachinery
// strategicpatch: items named by the patch (or by $setElementOrder) take the patch's order, items only
// the server has keep their relative order, and the two runs are interleaved using the live order —
// so an item that is new to the list lands before the server-only items that follow it.
import type { JsonValue } from '../object.js';
import { getOwn, hasOwn, isJsonObject, jsonKind, type JsonKind } from './json-value.js';
import { expectedMap, listOfLists, mixedElementTypes, noElements, noMergeKey, notAMapAt } from './strategic-merge-errors.js';

/** The one JSON type all elements of the lists share (sliceElementType); lists of lists are refused. */
export function elementKind(...lists: JsonValue[][]): JsonKind {
  let kind: JsonKind | undefined;
  for (const list of lists) {
    for (const element of list) {
      const current = jsonKind(element);
      if (kind === undefined) {
        if (current === 'array') throw listOfLists();
        kind = current;
      } else if (current !== kind) {
        throw mixedElementTypes(lists);
      }
    }
  }
  if (kind === undefined) throw noElements();
  return kind;
}

export function uniqueScalars(values: JsonValue[]): JsonValue[] {
  const seen = new Set<JsonValue>();
  const out: JsonValue[] = [];
  for (const value of values) {
    if (!seen.has(value)) {
      seen.add(value);
      out.push(value);
    }
  }
  return out;
}

/** `$deleteFromPrimitiveList`: every occurrence of the listed values goes. */
export function withoutScalars(current: JsonValue[], toDelete: JsonValue[]): JsonValue[] {
  const doomed = new Set<JsonValue>(toDelete);
  return current.filter((value) => !doomed.has(value));
}

/** Splits `merged` into the items present in `by` and the rest, keeping their order. */
export function partitionScalars(merged: JsonValue[], by: JsonValue[]): [JsonValue[], JsonValue[]] {
  const named = new Set<JsonValue>(by);
  const inPatch: JsonValue[] = [];
  const serverOnly: JsonValue[] = [];
  for (const value of merged) (named.has(value) ? inPatch : serverOnly).push(value);
  return [inPatch, serverOnly];
}

/** Like partitionScalars, matching objects by their merge key value. */
export function partitionByMergeKey(merged: JsonValue[], by: JsonValue[], mergeKey: string): [JsonValue[], JsonValue[]] {
  // The reference implementation scans `by` for each item and fails on a non-object it meets before a match.
  let firstNonObject = -1;
  const firstWithKey = new Map<unknown, number>();
  for (let i = 0; i < by.length; i++) {
    const candidate = by[i];
    if (!isJsonObject(candidate)) {
      if (firstNonObject < 0) firstNonObject = i;
    } else if (hasOwn(candidate, mergeKey) && !firstWithKey.has(candidate[mergeKey])) {
      firstWithKey.set(candidate[mergeKey], i);
    }
  }
  const inPatch: JsonValue[] = [];
  const serverOnly: JsonValue[] = [];
  for (const item of merged) {
    if (!isJsonObject(item)) throw expectedMap(item);
    if (!hasOwn(item, mergeKey)) throw noMergeKey(item, mergeKey);
    const match = firstWithKey.get(item[mergeKey]) ?? -1;
    if (firstNonObject >= 0 && (match < 0 || firstNonObject < match)) throw notAMapAt(firstNonObject);
    (match >= 0 ? inPatch : serverOnly).push(item);
  }
  return [inPatch, serverOnly];
}

/** What identifies an item when comparing positions: its merge key value, or the scalar itself. */
function identity(item: JsonValue, mergeKey: string, kind: JsonKind): unknown {
  if (kind !== 'object') return item;
  return isJsonObject(item) ? (getOwn(item, mergeKey) ?? null) : null;
}

function positionsIn(order: JsonValue[], mergeKey: string, kind: JsonKind): Map<unknown, number> {
  const positions = new Map<unknown, number>();
  for (let i = 0; i < order.length; i++) {
    const id = identity(order[i], mergeKey, kind);
    if (!positions.has(id)) positions.set(id, i);
  }
  return positions;
}

function requireMergeKeys(list: JsonValue[], mergeKey: string): void {
  for (const item of list) {
    if (!isJsonObject(item)) throw expectedMap(item);
    if (!hasOwn(item, mergeKey)) throw noMergeKey(item, mergeKey);
  }
}

function sortByPositions(items: JsonValue[], ranks: number[]): JsonValue[] {
  const n = items.length;
  const order = Array.from({ length: n }, (_, i) => i);
  if (ranks.every((rank) => rank >= 0)) {
    order.sort((a, b) => ranks[a] - ranks[b] || a - b);
  } else {
    // Items missing from the order list make the reference comparator inconsistent; reproduce its
    // insertion sort (what sort.SliceStable does on short lists) so the outcome matches too.
    const less = (a: number, b: number): boolean => (ranks[a] >= 0 && ranks[b] >= 0 ? ranks[a] < ranks[b] : true);
    for (let i = 1; i < n; i++) {
      for (let j = i; j > 0 && less(order[j], order[j - 1]); j--) {
        const t = order[j];
        order[j] = order[j - 1];
        order[j - 1] = t;
      }
    }
  }
  return order.map((i) => items[i]);
}

/** normalizeSliceOrder: `toSort` in the order of `order`; `$patch: delete` items go last. */
function sortByOrder(toSort: JsonValue[], order: JsonValue[], mergeKey: string, kind: JsonKind): JsonValue[] {
  let items = toSort;
  let deletions: JsonValue[] | undefined;
  if (kind === 'object') {
    requireMergeKeys(toSort, mergeKey);
    requireMergeKeys(order, mergeKey);
    items = [];
    for (const item of toSort) {
      if (getOwn(item as Record<string, JsonValue>, '$patch') === 'delete') (deletions ??= []).push(item);
      else items.push(item);
    }
  }
  if (items.length < 2) return deletions ? items.concat(deletions) : items;
  const positions = positionsIn(order, mergeKey, kind);
  const ranks = items.map((item) => positions.get(identity(item, mergeKey, kind)) ?? -1);
  const sorted = sortByPositions(items, ranks);
  return deletions ? sorted.concat(deletions) : sorted;
}

/**
 * The final order of a merged list: `patchItems` sorted by `patchOrder`, `serverOnly` sorted by
 * `serverOrder` (the live list), then interleaved — a server-only item goes first only while the live
 * list has it before the next patch item.
 */
export function normalizeElementOrder(
  patchItems: JsonValue[],
  serverOnly: JsonValue[],
  patchOrder: JsonValue[],
  serverOrder: JsonValue[],
  mergeKey: string,
  kind: JsonKind,
): JsonValue[] {
  const right = sortByOrder(patchItems, patchOrder, mergeKey, kind);
  const left = sortByOrder(serverOnly, serverOrder, mergeKey, kind);
  if (left.length === 0) return right;
  if (right.length === 0) return left;
  const positions = positionsIn(serverOrder, mergeKey, kind);
  const rank = (item: JsonValue): number => positions.get(identity(item, mergeKey, kind)) ?? -1;
  const out: JsonValue[] = [];
  let i = 0;
  let j = 0;
  while (i < left.length && j < right.length) {
    const li = rank(left[i]);
    const ri = rank(right[j]);
    if (li >= 0 && ri >= 0 && li < ri) out.push(left[i++]);
    else out.push(right[j++]);
  }
  while (i < left.length) out.push(left[i++]);
  while (j < right.length) out.push(right[j++]);
  return out;
}
