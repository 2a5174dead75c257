// The failures of strategic merge patch, with mergepatch's wording and kube-apiserver's classification
// (interpretStrategicMergePatchError in handlers/patch.go): malformed directives are 400s, lists of
// lists a generic 422, and everything else a plain error that the apiserver answers as a 500.
import type { JsonValue } from '../object.js';
import { goFormat, goTypeName } from './go-format.js';
import { PatchError, patchBadRequest, patchUnknownFailure, patchUnprocessable } from './patch-error.js';

export function badRetainKeysFormat(): PatchError {
  return patchBadRequest('invalid patch format of retainKeys');
}

export function badPrimitiveListFormat(): PatchError {
  return patchBadRequest('invalid patch format of primitive list');
}

export function badSetElementOrderFormat(): PatchError {
  return patchBadRequest('invalid patch format of setElementOrder list');
}

export function listOfLists(): PatchError {
  return patchUnprocessable('lists of lists are not supported');
}

export function noMergeKey(item: JsonValue, mergeKey: string): PatchError {
  return patchUnknownFailure(`map: ${goFormat(item)} does not contain declared merge key: ${mergeKey}`);
}

export function expectedMap(actual: JsonValue | undefined): PatchError {
  return patchUnknownFailure(`expected a map[string]interface {}, but received a ${goTypeName(actual)}`);
}

export function expectedList(actual: JsonValue | undefined): PatchError {
  return patchUnknownFailure(`expected a []interface {}, but received a ${goTypeName(actual)}`);
}

export function unknownPatchType(directive: JsonValue | undefined, map: JsonValue): PatchError {
  return patchUnknownFailure(`unknown patch type: ${goFormat(directive, 's')} in map: ${goFormat(map)}`);
}

export function mergeDirectiveInList(): PatchError {
  return patchUnknownFailure('merging lists cannot yet be specified in the patch');
}

export function listWithoutMergeKey(): PatchError {
  return patchUnknownFailure('cannot merge lists without merge key for struct');
}

export function mixedElementTypes(lists: JsonValue[][]): PatchError {
  return patchUnknownFailure(`list element types are not identical: ${goFormat(lists)}`);
}

export function noElements(): PatchError {
  return patchUnknownFailure('no elements in any of the given slices');
}

export function notAMapAt(index: number): PatchError {
  return patchUnknownFailure(`value for key ${index} is not a map.`);
}

export function orderMismatch(patchList: JsonValue[], orderList: JsonValue[]): PatchError {
  return patchUnknownFailure(
    `The order in patch list:\n${goFormat(patchList)}\n doesn't match $setElementOrder list:\n${goFormat(orderList)}\n`,
  );
}
