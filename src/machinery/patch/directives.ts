// The strategic-merge-patch directives that are not plain data: `$patch`, `$retainKeys`,
// `$setElementOrder/<list>` and `$deleteFromPrimitiveList/<list>`, and the clean-up of directives and
// nulls from patch values that are taken over as they are.
import type { JsonObject, JsonValue } from '../object.js';
import { hasOwn, isJsonObject } from './json-value.js';
import { badPrimitiveListFormat, badRetainKeysFormat, badSetElementOrderFormat, expectedMap, noMergeKey, orderMismatch } from './strategic-merge-errors.js';

export const directiveMarker = '$patch';
export const retainKeysDirective = '$retainKeys';
export const setElementOrderPrefix = '$setElementOrder';
export const deleteFromPrimitiveListPrefix = '$deleteFromPrimitiveList';

/** The list a parallel-list directive key refers to: "$setElementOrder/containers" → "containers". */
export function directiveTarget(key: string, prefix: typeof setElementOrderPrefix | typeof deleteFromPrimitiveListPrefix): string {
  const slash = key.indexOf('/');
  if (slash < 0 || key.slice(0, slash) !== prefix) {
    throw prefix === setElementOrderPrefix ? badSetElementOrderFormat() : badPrimitiveListFormat();
  }
  return key.slice(slash + 1);
}

const drop = Symbol('drop');

/**
 * A patch value taken over as it is (its field is new, or of another type) loses every object that
 * carries `$patch`, wherever it sits (removeDirectives). Returns `drop` when the value itself is one.
 */
export function withoutDirectives(value: JsonValue): JsonValue | typeof drop {
  if (Array.isArray(value)) {
    const kept: JsonValue[] = [];
    for (const element of value) {
      const cleaned = withoutDirectives(element);
      if (cleaned !== drop) kept.push(cleaned);
    }
    return kept;
  }
  if (isJsonObject(value)) {
    if (hasOwn(value, directiveMarker)) return drop;
    for (const key of Object.keys(value)) {
      const cleaned = withoutDirectives(value[key]);
      if (cleaned === drop) delete value[key];
      else value[key] = cleaned;
    }
  }
  return value;
}

export function isDropped(value: JsonValue | typeof drop): value is typeof drop {
  return value === drop;
}

/** Removes null members from every object in a value taken over from the patch (discardNullValuesFromPatch). */
export function discardNullMembers(value: JsonValue): void {
  if (Array.isArray(value)) {
    for (const element of value) discardNullMembers(element);
  } else if (isJsonObject(value)) {
    for (const key of Object.keys(value)) {
      const member = value[key];
      if (member === null) delete value[key];
      else discardNullMembers(member);
    }
  }
}

/**
 * `$retainKeys`: every key of `original` not in the list is cleared, and every non-null field the patch
 * sets must be in the list (anything else is a malformed patch).
 */
export function applyRetainKeys(original: JsonObject, patch: JsonObject): void {
  if (!hasOwn(patch, retainKeysDirective)) return;
  const list = patch[retainKeysDirective];
  delete patch[retainKeysDirective];
  if (!Array.isArray(list)) throw badRetainKeysFormat();
  const retained = new Set<JsonValue>(list);
  for (const key of Object.keys(patch)) {
    if (patch[key] === null || key.startsWith(deleteFromPrimitiveListPrefix) || key.startsWith(setElementOrderPrefix)) continue;
    if (!retained.has(key)) throw badRetainKeysFormat();
  }
  for (const key of Object.keys(original)) {
    if (!retained.has(key)) delete original[key];
  }
}

function sameMergeKey(left: JsonValue, right: JsonValue, mergeKey: string): boolean {
  if (mergeKey === '') return left === right;
  if (!isJsonObject(left)) throw expectedMap(left);
  if (!isJsonObject(right)) throw expectedMap(right);
  if (!hasOwn(left, mergeKey)) throw noMergeKey(left, mergeKey);
  if (!hasOwn(right, mergeKey)) throw noMergeKey(right, mergeKey);
  return left[mergeKey] === right[mergeKey];
}

/**
 * The items a patch list names must all appear in its `$setElementOrder` list, in the same relative
 * order (items being deleted, and directive items, are exempt).
 */
export function checkAgainstElementOrder(patchList: JsonValue[], order: JsonValue[], mergeKey: string): void {
  if (order.length === 0 || patchList.length === 0) return;
  let named = patchList;
  if (mergeKey !== '') {
    named = [];
    for (const item of patchList) {
      if (!isJsonObject(item)) throw expectedMap(item);
      const deleting = hasOwn(item, directiveMarker) && item[directiveMarker] === 'delete';
      if (!deleting) named.push(item);
    }
  }
  let p = 0;
  let o = 0;
  while (p < named.length && o < order.length) {
    const item = named[p];
    if (isJsonObject(item) && hasOwn(item, directiveMarker)) {
      p++;
      continue;
    }
    if (sameMergeKey(item, order[o], mergeKey)) p++;
    o++;
  }
  if (p < named.length && o >= order.length) throw orderMismatch(patchList, order);
}
