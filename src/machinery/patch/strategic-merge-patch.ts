// Strategic merge patch (application/strategic-merge-patch+json) with the semantics of
// k8s.io/apimachinery/pkg/util/strategicpatch as kube-apiserver runs it (StrategicMergeMapPatch:
// parallel lists merged, unmatched nulls ignored). Field metadata comes from a PatchSchemaNode; a field
// the schema does not describe is treated like a JSON merge patch would (objects merge, lists replace).
import type { JsonObject, JsonValue } from '../object.js';
import {
  applyRetainKeys,
  checkAgainstElementOrder,
  deleteFromPrimitiveListPrefix,
  directiveMarker,
  directiveTarget,
  discardNullMembers,
  isDropped,
  setElementOrderPrefix,
  withoutDirectives,
} from './directives.js';
import { elementKind, normalizeElementOrder, partitionByMergeKey, partitionScalars, uniqueScalars, withoutScalars } from './element-order.js';
import { goJsonTypeWord } from './go-format.js';
import { cloneJson, hasOwn, isJsonObject, jsonKind, setOwn } from './json-value.js';
import { patchBadRequest } from './patch-error.js';
import type { PatchFieldSchema, PatchSchemaNode } from './patch-schema-node.js';
import { expectedList, listWithoutMergeKey, mergeDirectiveInList, noMergeKey, unknownPatchType } from './strategic-merge-errors.js';

// The functions below take ownership of both arguments (fresh copies made at the entry point) and
// modify them in place, as the reference implementation does with its own decoded maps.

/** Stores a patch value that is taken over as it is: nulls and `$patch` objects inside it vanish. */
function takeOver(original: JsonObject, key: string, value: JsonValue): void {
  discardNullMembers(value);
  const cleaned = withoutDirectives(value);
  if (isDropped(cleaned)) delete original[key];
  else setOwn(original, key, cleaned);
}

function mapDirective(patch: JsonObject): JsonObject {
  const directive = patch[directiveMarker];
  if (directive === 'replace') {
    delete patch[directiveMarker];
    return patch;
  }
  if (directive === 'delete') return {};
  throw unknownPatchType(directive, patch);
}

function mergeMap(original: JsonObject, patch: JsonObject, schema: PatchSchemaNode | undefined): JsonObject {
  if (hasOwn(patch, directiveMarker)) return mapDirective(patch);
  applyRetainKeys(original, patch);
  mergeOrderedLists(original, patch, schema);

  for (const patchKey of Object.keys(patch)) {
    let key = patchKey;
    let isDeleteList = false;
    if (patchKey.startsWith(deleteFromPrimitiveListPrefix)) {
      key = directiveTarget(patchKey, deleteFromPrimitiveListPrefix);
      isDeleteList = true;
    }
    const patchValue = patch[patchKey];
    if (patchValue === null) {
      delete original[key];
      continue;
    }
    if (!hasOwn(original, key)) {
      if (!isDeleteList) takeOver(original, key, patchValue);
      continue;
    }
    const originalValue = original[key];
    const kind = jsonKind(originalValue);
    if (kind !== jsonKind(patchValue)) {
      if (!isDeleteList) takeOver(original, key, patchValue);
      continue;
    }
    if (kind === 'object') {
      const field = schema?.field(key);
      // A `replace` map takes the patch value verbatim, directives and nulls included.
      const merged = field?.strategy === 'replace' ? patchValue : mergeMap(originalValue as JsonObject, patchValue as JsonObject, field?.schema);
      setOwn(original, key, merged);
    } else if (kind === 'array') {
      setOwn(original, key, mergeListField(originalValue as JsonValue[], patchValue as JsonValue[], schema?.field(key), isDeleteList));
    } else {
      setOwn(original, key, patchValue);
    }
  }
  return original;
}

/** mergeSliceHandler: only `merge` lists (and deletion lists) merge; every other list is replaced. */
function mergeListField(original: JsonValue[], patch: JsonValue[], field: PatchFieldSchema | undefined, isDeleteList: boolean): JsonValue[] {
  if (field?.strategy === 'merge' || isDeleteList) {
    return mergeList(original, patch, field?.schema, field?.mergeKey ?? '', isDeleteList);
  }
  return patch;
}

/** Applies `$patch` list items: `delete` removes matching live items, `replace` makes the rest the whole list. */
function applyListDirectives(original: JsonValue[], patch: JsonValue[], mergeKey: string): { original: JsonValue[]; patch: JsonValue[] } {
  const plain: JsonValue[] = [];
  let replace = false;
  for (const item of patch) {
    const object = item as JsonObject;
    if (!hasOwn(object, directiveMarker)) {
      plain.push(item);
      continue;
    }
    const directive = object[directiveMarker];
    if (directive === 'delete') {
      if (!hasOwn(object, mergeKey)) throw noMergeKey(object, mergeKey);
      const doomed = object[mergeKey];
      original = original.filter((live) => !(hasOwn(live as JsonObject, mergeKey) && (live as JsonObject)[mergeKey] === doomed));
    } else if (directive === 'replace') {
      replace = true;
    } else if (directive === 'merge') {
      throw mergeDirectiveInList();
    } else {
      throw unknownPatchType(directive, object);
    }
  }
  return replace ? { original: plain, patch: [] } : { original, patch: plain };
}

function mergeByKey(original: JsonValue[], patch: JsonValue[], mergeKey: string, schema: PatchSchemaNode | undefined): JsonValue[] {
  const merged = original.slice();
  for (const item of patch) {
    const object = item as JsonObject;
    if (!hasOwn(object, mergeKey)) throw noMergeKey(object, mergeKey);
    const wanted = object[mergeKey];
    const at = merged.findIndex((live) => hasOwn(live as JsonObject, mergeKey) && (live as JsonObject)[mergeKey] === wanted);
    // A new item is appended as sent: the reference implementation cleans nothing on this path.
    if (at >= 0) merged[at] = mergeMap(merged[at] as JsonObject, object, schema);
    else merged.push(item);
  }
  return merged;
}

function mergeList(original: JsonValue[], patch: JsonValue[], schema: PatchSchemaNode | undefined, mergeKey: string, isDeleteList: boolean): JsonValue[] {
  if (original.length === 0 && patch.length === 0) return original;
  const kind = elementKind(original, patch);
  let merged: JsonValue[];
  if (kind !== 'object') {
    if (isDeleteList) return withoutScalars(original, patch);
    merged = uniqueScalars(original.concat(patch));
  } else {
    if (mergeKey === '') throw listWithoutMergeKey();
    ({ original, patch } = applyListDirectives(original, patch, mergeKey));
    merged = mergeByKey(original, patch, mergeKey, schema);
  }
  const [patchItems, serverOnly] = mergeKey === '' ? partitionScalars(merged, patch) : partitionByMergeKey(merged, patch, mergeKey);
  return normalizeElementOrder(patchItems, serverOnly, patch, original, mergeKey, kind);
}

/**
 * `$setElementOrder/<list>`: merges the list it names (if the patch has it) and then orders the result:
 * items of the order list in its order, server-only items kept where the live list had them.
 */
function mergeOrderedLists(original: JsonObject, patch: JsonObject, schema: PatchSchemaNode | undefined): void {
  for (const directiveKey of Object.keys(patch)) {
    if (!directiveKey.startsWith(setElementOrderPrefix)) continue;
    const order = patch[directiveKey];
    delete patch[directiveKey];
    if (!Array.isArray(order)) throw expectedList(order);
    const key = directiveTarget(directiveKey, setElementOrderPrefix);

    const foundOriginal = hasOwn(original, key);
    const foundPatch = hasOwn(patch, key);
    const originalList = foundOriginal ? original[key] : [];
    const patchList = foundPatch ? patch[key] : [];
    if (!Array.isArray(originalList)) throw expectedList(originalList);
    if (!Array.isArray(patchList)) throw expectedList(patchList);

    const field = schema?.field(key);
    const mergeKey = field?.mergeKey ?? '';
    checkAgainstElementOrder(patchList, order, mergeKey);

    let merged: JsonValue[];
    if (foundOriginal && foundPatch) {
      merged = mergeListField(originalList, patchList, field, false);
    } else if (foundPatch) {
      merged = withoutDirectives(patchList) as JsonValue[];
    } else if (foundOriginal) {
      merged = originalList;
    } else {
      continue;
    }
    const [named, serverOnly] = mergeKey === '' ? partitionScalars(merged, order) : partitionByMergeKey(merged, order, mergeKey);
    const kind = elementKind(originalList, patchList);
    setOwn(original, key, normalizeElementOrder(named, serverOnly, order, originalList, mergeKey, kind));
    delete patch[key];
  }
}

/**
 * Applies a strategic merge patch to an object. Neither input is modified; the result shares nothing
 * with them. `schema` describes the object's kind (undefined: no field metadata at all).
 * Throws PatchError (see its kinds) for malformed or inapplicable patches.
 */
export function applyStrategicMergePatch(original: JsonObject, patch: JsonObject, schema: PatchSchemaNode | undefined): JsonObject {
  const body: unknown = patch;
  // A JSON null body decodes to an empty patch; anything else but an object cannot be decoded at all.
  if (body === null) return cloneJson(original);
  if (!isJsonObject(body)) {
    throw patchBadRequest(`json: cannot unmarshal ${goJsonTypeWord(body)} into Go value of type map[string]interface {}`);
  }
  return mergeMap(cloneJson(original), cloneJson(body), schema);
}
