// JSON merge patch (RFC 7386) with the exact behaviour of the library kube-apiserver uses for
// application/merge-patch+json (evanphx/json-patch v4 MergePatch): null deletes, objects merge,
// everything else replaces, and nulls are pruned from values that are taken over from the patch.
import type { JsonObject, JsonValue } from '../object.js';
import { cloneJson, getOwn, isJsonObject, setOwn } from './json-value.js';
import { patchBadRequest, patchUnknownFailure } from './patch-error.js';

/** Removes null members and null array elements, recursively; returns the (possibly new) value. */
function pruneNulls(value: JsonValue): JsonValue {
  if (Array.isArray(value)) {
    const kept: JsonValue[] = [];
    for (const element of value) if (element !== null) kept.push(pruneNulls(element));
    return kept;
  }
  if (isJsonObject(value)) {
    for (const key of Object.keys(value)) {
      const member = value[key];
      if (member === null) delete value[key];
      else value[key] = pruneNulls(member);
    }
  }
  return value;
}

function mergeValue(current: JsonValue, patch: JsonValue): JsonValue {
  if (!isJsonObject(current)) return pruneNulls(patch);
  // A non-object patch value replaces an object as it is: the library prunes nothing on this path.
  if (!isJsonObject(patch)) return patch;
  mergeObjects(current, patch);
  return current;
}

function mergeObjects(target: JsonObject, patch: JsonObject): void {
  for (const key of Object.keys(patch)) {
    const value = patch[key];
    if (value === null) {
      delete target[key];
      continue;
    }
    const current = getOwn(target, key);
    setOwn(target, key, current === undefined || current === null ? pruneNulls(value) : mergeValue(current, value));
  }
}

/**
 * Applies a JSON merge patch. Neither input is modified; the result shares nothing with them.
 * A patch that is an array replaces the document (the caller's decoding then rejects it for an object);
 * null or a scalar patch is a 400 "Invalid JSON Patch", as in kube-apiserver.
 */
export function applyMergePatch(original: JsonValue, patch: JsonValue): JsonValue {
  if (Array.isArray(patch)) return pruneNulls(cloneJson(patch));
  if (!isJsonObject(patch)) throw patchBadRequest('Invalid JSON Patch');
  if (original === null || original === undefined) throw patchUnknownFailure('Invalid JSON Document');
  if (!isJsonObject(original)) return pruneNulls(cloneJson(patch));
  const document = cloneJson(original);
  mergeObjects(document, cloneJson(patch));
  return document;
}
