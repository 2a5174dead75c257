// JSON patch (RFC 6902) as kube-apiserver applies application/json-patch+json: the request is decoded
// like handlers/patch.go does, then every operation is resolved with the semantics of the library it
// uses (evanphx/json-patch v4) — negative array indices, `replace` of a missing object member acting as
// `add`, `copy` from a missing member producing null, the first path segment never being looked at —
// and the resolved, canonical operation is carried out by fast-json-patch.
import fastJsonPatch from 'fast-json-patch';
import type { Operation } from 'fast-json-patch';
import type { JsonObject, JsonValue } from '../object.js';
import { goJsonTypeWord } from './go-format.js';
import { cloneJson, getOwn, hasOwn, isJsonObject } from './json-value.js';
import { PatchError, patchBadRequest, patchUnprocessable } from './patch-error.js';

const { applyOperation, escapePathComponent, _areEquals: jsonEquals } = fastJsonPatch;

/** kube-apiserver's limit (maxJSONPatchOperations in handlers/patch.go). */
export const maxJsonPatchOperations = 10000;

interface DecodedOperation {
  /** The `op` member, or "unknown" when it is missing (what the library reports then). */
  kind: string;
  path: string | undefined;
  from: string | undefined;
  /** Absent and null `value` are the same to the library: both produce JSON null. */
  value: JsonValue;
}

type Container = JsonObject | JsonValue[];

interface Location {
  container: Container;
  /** Canonical (unescaped, resolved) segments from the document root to the container. */
  segments: string[];
  /** The last path segment, unescaped but not yet resolved against the container. */
  key: string;
}

/** Either the canonical key inside the container or the library's error text. */
type Resolved = { key: string; error?: undefined } | { key?: undefined; error: string };

const stringFields = ['op', 'path', 'from'] as const;

function decodeOperations(patch: unknown): DecodedOperation[] {
  // handlers/patch.go first decodes into []jsonPatchOp (all fieldValidation modes but Ignore);
  // its failures are 400s prefixed "error decoding patch: ".
  if (patch === null || patch === undefined) return [];
  if (!Array.isArray(patch)) {
    throw patchBadRequest(`error decoding patch: json: cannot unmarshal ${goJsonTypeWord(patch)} into Go value of type []handlers.jsonPatchOp`);
  }
  const operations: DecodedOperation[] = new Array(patch.length);
  for (let i = 0; i < patch.length; i++) {
    const element: unknown = patch[i];
    if (element === null) {
      operations[i] = { kind: 'unknown', path: undefined, from: undefined, value: null };
      continue;
    }
    if (!isJsonObject(element)) {
      throw patchBadRequest(`error decoding patch: json: cannot unmarshal ${goJsonTypeWord(element)} into Go value of type handlers.jsonPatchOp`);
    }
    for (const name of stringFields) {
      const member = getOwn(element, name);
      if (member !== undefined && member !== null && typeof member !== 'string') {
        throw patchBadRequest(
          `error decoding patch: json: cannot unmarshal ${goJsonTypeWord(member)} into Go struct field jsonPatchOp.${name} of type string`,
        );
      }
    }
    const op = getOwn(element, 'op');
    const path = getOwn(element, 'path');
    const from = getOwn(element, 'from');
    const value = getOwn(element, 'value');
    operations[i] = {
      kind: typeof op === 'string' ? op : 'unknown',
      path: typeof path === 'string' ? path : undefined,
      from: typeof from === 'string' ? from : undefined,
      value: value === undefined ? null : value,
    };
  }
  return operations;
}

function decodeSegment(segment: string): string {
  // RFC 6901 unescaping in one left-to-right pass, like Go's strings.Replacer("~1", "/", "~0", "~").
  return segment.indexOf('~') < 0 ? segment : segment.replace(/~[01]/g, (m) => (m === '~1' ? '/' : '~'));
}

/** strconv.Atoi: optional sign and decimal digits only. */
function parseIndex(text: string): number | undefined {
  if (!/^[+-]?\d+$/.test(text)) return undefined;
  const n = Number(text);
  return Number.isSafeInteger(n) ? n : undefined;
}

function atoiError(text: string): string {
  return `strconv.Atoi: parsing ${JSON.stringify(text)}: invalid syntax`;
}

function invalidIndex(index: number): string {
  return `Unable to access invalid index: ${index}: invalid index referenced`;
}

/** An existing element's index, negative indices counting from the end (partialArray.get). */
function existingIndex(array: JsonValue[], key: string): Resolved {
  let index = parseIndex(key);
  if (index === undefined) return { error: atoiError(key) };
  if (index < 0) {
    if (index < -array.length) return { error: invalidIndex(index) };
    index += array.length;
  }
  if (index >= array.length) return { error: invalidIndex(index) };
  return { key: String(index) };
}

/** Where `add` inserts (partialArray.add): 0…length, "-" appends, negative counts from the new end. */
function insertionIndex(array: JsonValue[], key: string): Resolved {
  if (key === '-') return { key: '-' };
  let index = parseIndex(key);
  if (index === undefined) return { error: `value was not a proper array index: '${key}': ${atoiError(key)}` };
  const size = array.length + 1;
  if (index >= size) return { error: invalidIndex(index) };
  if (index < 0) {
    if (index < -size) return { error: invalidIndex(index) };
    index += size;
  }
  return { key: String(index) };
}

/** findObject: the container of the last segment, or undefined when the path does not resolve. */
function locate(document: JsonValue, path: string): Location | undefined {
  const split = path.split('/');
  if (split.length < 2) return undefined;
  if (typeof document !== 'object' || document === null) return undefined;
  let container: Container = document;
  const segments: string[] = [];
  for (let i = 1; i < split.length - 1; i++) {
    const part = decodeSegment(split[i]);
    let next: JsonValue | undefined;
    if (Array.isArray(container)) {
      const resolved = existingIndex(container, part);
      if (resolved.error !== undefined) return undefined;
      segments.push(resolved.key);
      next = container[Number(resolved.key)];
    } else {
      segments.push(part);
      next = getOwn(container, part);
    }
    if (typeof next !== 'object' || next === null) return undefined;
    container = next;
  }
  return { container, segments, key: decodeSegment(split[split.length - 1]) };
}

function pointer(segments: string[], key: string): string {
  let out = '';
  for (const segment of segments) out += '/' + escapePathComponent(segment);
  return out + '/' + escapePathComponent(key);
}

function read(location: Location, key: string): JsonValue | undefined {
  const { container } = location;
  return Array.isArray(container) ? container[Number(key)] : getOwn(container, key);
}

/** Carries out one canonical operation; fast-json-patch refuses __proto__ paths, which we report as unprocessable. */
function perform(document: JsonValue, operation: Operation): JsonValue {
  try {
    return applyOperation(document, operation, false, true, true).newDocument;
  } catch (err) {
    throw patchUnprocessable(err instanceof Error ? err.message : String(err));
  }
}

function fail(detail: string): never {
  throw patchUnprocessable(detail);
}

function add(document: JsonValue, path: string, value: JsonValue, errorPrefix: string): JsonValue {
  const location = locate(document, path);
  if (!location) fail(`add operation does not apply: doc is missing path: "${path}": missing value`);
  return insert(document, location, value, errorPrefix);
}

function insert(document: JsonValue, location: Location, value: JsonValue, errorPrefix: string): JsonValue {
  const { container, key } = location;
  if (Array.isArray(container)) {
    const resolved = insertionIndex(container, key);
    if (resolved.error !== undefined) fail(`${errorPrefix}${resolved.error}`);
    return perform(document, { op: 'add', path: pointer(location.segments, resolved.key), value });
  }
  return perform(document, { op: 'add', path: pointer(location.segments, key), value });
}

/** Resolves the member a remove/move/copy/test reads; for objects a missing member is not an error here. */
function existing(location: Location): Resolved {
  return Array.isArray(location.container) ? existingIndex(location.container, location.key) : { key: location.key };
}

function removeAt(document: JsonValue, location: Location, key: string, errorPrefix: string): JsonValue {
  if (!Array.isArray(location.container) && !hasOwn(location.container, key)) {
    fail(`${errorPrefix}Unable to remove nonexistent key: ${key}: missing value`);
  }
  return perform(document, { op: 'remove', path: pointer(location.segments, key) });
}

function applyOne(document: JsonValue, op: DecodedOperation): JsonValue {
  switch (op.kind) {
    case 'add': {
      if (op.path === undefined) fail('add operation failed to decode path: missing value');
      return add(document, op.path, cloneJson(op.value), `error in add for path: '${op.path}': `);
    }
    case 'remove': {
      const path = op.path;
      if (path === undefined) fail('remove operation failed to decode path: missing value');
      const location = locate(document, path);
      if (!location) fail(`remove operation does not apply: doc is missing path: "${path}": missing value`);
      const resolved = existing(location);
      if (resolved.error !== undefined) fail(`error in remove for path: '${path}': ${resolved.error}`);
      return removeAt(document, location, resolved.key, `error in remove for path: '${path}': `);
    }
    case 'replace': {
      const path = op.path;
      if (path === undefined) fail('replace operation failed to decode path: operation missing path field: missing value');
      if (path === '') {
        // The library only swaps in objects and arrays; any other value leaves the document as it was.
        return typeof op.value === 'object' && op.value !== null ? cloneJson(op.value) : document;
      }
      const location = locate(document, path);
      if (!location) fail(`replace operation does not apply: doc is missing path: ${path}: missing value`);
      const resolved = existing(location);
      if (resolved.error !== undefined) fail(`replace operation does not apply: doc is missing key: ${path}: missing value`);
      // A missing object member is simply set: the library's replace never checks objects.
      return perform(document, { op: 'replace', path: pointer(location.segments, resolved.key), value: cloneJson(op.value) });
    }
    case 'move': {
      if (op.from === undefined) fail('move operation failed to decode from: operation, missing from field: missing value');
      const source = locate(document, op.from);
      if (!source) fail(`move operation does not apply: doc is missing from path: ${op.from}: missing value`);
      const resolved = existing(source);
      if (resolved.error !== undefined) fail(`error in move for path: '${source.key}': ${resolved.error}`);
      const value = read(source, resolved.key) ?? null;
      document = removeAt(document, source, resolved.key, `error in move for path: '${source.key}': `);
      if (op.path === undefined) fail('move operation failed to decode path: operation missing path field: missing value');
      const target = locate(document, op.path);
      if (!target) fail(`move operation does not apply: doc is missing destination path: ${op.path}: missing value`);
      return insert(document, target, value, `error in move for path: '${op.path}': `);
    }
    case 'copy': {
      if (op.from === undefined) fail('copy operation failed to decode from: operation, missing from field: missing value');
      const source = locate(document, op.from);
      if (!source) fail(`copy operation does not apply: doc is missing from path: ${op.from}: missing value`);
      const resolved = existing(source);
      if (resolved.error !== undefined) fail(`error in copy for from: '${op.from}': ${resolved.error}`);
      const value = cloneJson(read(source, resolved.key) ?? null);
      if (op.path === undefined) fail('copy operation failed to decode path: missing value');
      const target = locate(document, op.path);
      if (!target) fail(`copy operation does not apply: doc is missing destination path: ${op.path}: missing value`);
      return insert(document, target, value, 'error while adding value during copy: ');
    }
    case 'test': {
      const path = op.path;
      if (path === undefined) fail('test operation failed to decode path: operation missing path field: missing value');
      if (path === '') {
        if (jsonEquals(document, op.value)) return document;
        fail('testing value  failed: test failed');
      }
      const location = locate(document, path);
      if (!location) fail(`test operation does not apply: is missing path: ${path}: missing value`);
      const resolved = existing(location);
      if (resolved.error !== undefined) fail(`error in test for path: '${path}': ${resolved.error}`);
      const actual = read(location, resolved.key);
      const passed = actual === undefined || actual === null ? op.value === null : op.value !== null && jsonEquals(actual, op.value);
      if (!passed) fail(`testing value ${path} failed: test failed`);
      return document;
    }
    default:
      return fail(`Unexpected kind: ${op.kind}`);
  }
}

/**
 * Applies a JSON patch (the decoded request body) to a document. Neither input is modified; the result
 * shares nothing with them. Throws PatchError: BadRequest for a body that is not a list of operations,
 * RequestEntityTooLarge past 10000 operations, Invalid (generic 422 message, cause in `detail`) for an
 * operation that does not apply.
 */
export function applyJsonPatch(original: JsonValue, patch: unknown): JsonValue {
  const operations = decodeOperations(patch);
  if (operations.length > maxJsonPatchOperations) {
    throw new PatchError(
      `Request entity too large: The allowed maximum operations in a JSON patch is ${maxJsonPatchOperations}, got ${operations.length}`,
      'RequestEntityTooLarge',
    );
  }
  let document = cloneJson(original);
  for (const operation of operations) document = applyOne(document, operation);
  return document;
}
