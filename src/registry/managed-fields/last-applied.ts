// Client-side apply's `kubectl.kubernetes.io/last-applied-configuration` annotation, as the
// server-side field manager treats it for the manager "kubectl": fields recorded there (and
// still holding the recorded value) may be taken over without a conflict, which lets
// `kubectl apply --server-side` follow a client-side `kubectl apply`; and after such an apply
// the annotation is rewritten to the new configuration, so going back still works.
import { type FieldSet, difference } from './field-set.js';
import { isObject, type JsonMap } from './json-value.js';
import { goJson } from './path-element.js';
import { compare } from './typed-compare.js';
import { toFieldSet } from './typed-field-set.js';
import { validateApplied } from './typed-validate.js';
import type { TypeNode } from './type-schema.js';

export const lastAppliedAnnotation = 'kubectl.kubernetes.io/last-applied-configuration';

/** The manager name the annotation is honored and maintained for. */
export const lastAppliedManager = 'kubectl';

const totalAnnotationSizeLimit = 256 * 1024;

function annotationsOf(object: JsonMap | undefined): JsonMap | undefined {
  const metadata = object?.metadata;
  if (!isObject(metadata)) return undefined;
  return isObject(metadata.annotations) ? metadata.annotations : undefined;
}

export function hasLastApplied(object: JsonMap | undefined): boolean {
  const value = annotationsOf(object)?.[lastAppliedAnnotation];
  return typeof value === 'string' && value !== '';
}

/**
 * Fields the annotation on `live` vouches for: recorded in it with the value `live` still has.
 * Undefined when there is no usable annotation (missing, unparsable, another version, invalid).
 */
export function fieldsVouchedByLastApplied(type: TypeNode, live: JsonMap | undefined, apiVersion: string): FieldSet | undefined {
  const text = annotationsOf(live)?.[lastAppliedAnnotation];
  if (typeof text !== 'string' || text === '') return undefined;
  let recorded: unknown;
  try {
    recorded = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!isObject(recorded) || recorded.apiVersion !== apiVersion) return undefined;
  if (validateApplied(type, recorded).length > 0) return undefined;
  const changed = compare(type, recorded, live);
  let vouched = toFieldSet(type, recorded);
  vouched = difference(vouched, changed.changed);
  return difference(vouched, changed.removed);
}

/** The annotation's value for an applied configuration: its JSON without the annotation. */
export function lastAppliedValue(config: JsonMap): string {
  const copy: JsonMap = { ...config };
  const metadata = config.metadata;
  if (isObject(metadata) && Object.hasOwn(metadata, 'annotations')) {
    const metaCopy: JsonMap = { ...metadata };
    const annotations = metadata.annotations;
    if (isObject(annotations)) {
      const rest: JsonMap = { ...annotations };
      delete rest[lastAppliedAnnotation];
      metaCopy.annotations = rest;
    } else {
      delete metaCopy.annotations;
    }
    copy.metadata = metaCopy;
  }
  return `${goJson(copy)}\n`;
}

/** Sets the annotation on `object` (a fresh result), unless it would overflow the size limit. */
export function setLastApplied(object: JsonMap, value: string): void {
  let metadata = object.metadata;
  if (!isObject(metadata)) {
    metadata = {};
    object.metadata = metadata;
  }
  const meta = metadata as JsonMap;
  const annotations: JsonMap = isObject(meta.annotations) ? { ...meta.annotations } : {};
  annotations[lastAppliedAnnotation] = value;
  let size = 0;
  for (const key in annotations) {
    const item = annotations[key];
    size += Buffer.byteLength(key) + (typeof item === 'string' ? Buffer.byteLength(item) : 0);
  }
  if (size > totalAnnotationSizeLimit) delete annotations[lastAppliedAnnotation];
  meta.annotations = annotations;
}
