// The fields a create owns, remembered per object shape. Creates mostly come in runs of one
// shape: a controller's pods from one template, a script's objects from one manifest. Their
// field sets are equal, and working one out is among the dearest steps of a create, so the set
// of the last few shapes of each kind is kept and handed out again (sets are never mutated).
//
// What the set depends on, so what a shape records:
// - every key of every object, in order (a map's keys are its fields: labels, annotations);
// - every array's length, and every scalar inside an array exactly (a list's items are named
//   by their keys' values, a set's by the values themselves);
// - the JSON type of every other scalar, and its value where it could equal the zero object's
//   (a create is compared with its kind's Go zero value, whose scalars are '', '0', 0, false or
//   null: a field holding its zero value is no change, and so no field).
// Names, label values, annotation texts and the like (scalars outside lists) are no part of a shape.
import { rememberJsonText } from '../../storage/object-json.js';
import type { FieldSet } from './field-set.js';
import { deepFreeze } from './json-value.js';

type Token = symbol | string | number | boolean | null;

const OBJECT = Symbol('object');
const END = Symbol('end');
const ARRAY = Symbol('array');
const STRING = Symbol('string');
const NUMBER = Symbol('number');
const NULL = Symbol('null');
const UNDEFINED = Symbol('undefined');

/** Shapes kept per kind (and endpoint): a few templates take turns in a busy namespace. */
const shapesKept = 4;
/** Objects larger than this (a big ConfigMap) are not remembered: their shapes rarely repeat. */
const maxTokens = 4096;

interface Remembered {
  readonly shape: readonly Token[];
  readonly fields: FieldSet;
  /** Frozen once handed out twice: from then on two objects share it, and nothing may change it. */
  shared: boolean;
}

/**
 * Some creates never repeat a shape (a StatefulSet's pods name their own claims, a DaemonSet's
 * pin their node, inside lists): for those, matching and remembering is all cost. A kind whose
 * creates mostly miss rests from the cache for a while, then tries again.
 */
const judgedAfter = 64;
const restFor = 256;

interface Shapes {
  readonly kept: Remembered[];
  lookups: number;
  hits: number;
  /** Lookups left to answer without the cache. */
  resting: number;
}

export class CreatedFieldsCache {
  // Keyed by the zero object (one per kind) and the skipped fields (one per endpoint), both
  // shared and long-lived: with the object's shape they decide the set.
  private readonly byZero = new WeakMap<object, WeakMap<object, Shapes>>();

  /** The fields `compute` gives for `created`, from an earlier create of the same shape if there was one. */
  fieldsOf(zero: object, skip: object, created: unknown, compute: () => FieldSet | undefined): FieldSet | undefined {
    let bySkip = this.byZero.get(zero);
    if (bySkip === undefined) this.byZero.set(zero, (bySkip = new WeakMap()));
    let shapes = bySkip.get(skip);
    if (shapes === undefined) bySkip.set(skip, (shapes = { kept: [], lookups: 0, hits: 0, resting: 0 }));
    if (shapes.resting > 0) {
      shapes.resting--;
      return compute();
    }
    if (++shapes.lookups === judgedAfter) {
      // Fewer than one hit in four: not worth it for now.
      if (shapes.hits * 4 < judgedAfter) shapes.resting = restFor;
      shapes.lookups = 0;
      shapes.hits = 0;
    }
    const { kept } = shapes;
    for (let i = 0; i < kept.length; i++) {
      const candidate = kept[i]!;
      if (matchValue(created, false, candidate.shape, 0) !== candidate.shape.length) continue;
      shapes.hits++;
      if (i > 0) {
        kept.splice(i, 1);
        kept.unshift(candidate);
      }
      if (!candidate.shared) {
        deepFreeze(candidate.fields);
        // Storage splices this text in rather than serialize the set again with each object.
        rememberJsonText(candidate.fields, JSON.stringify(candidate.fields));
        candidate.shared = true;
      }
      return candidate.fields;
    }
    const fields = compute();
    if (fields === undefined) return undefined;
    const shape: Token[] = [];
    if (writeShape(created, false, shape) && shape.length <= maxTokens) {
      if (kept.length === shapesKept) kept.pop();
      kept.unshift({ shape, fields, shared: false });
    }
    return fields;
  }
}

function isPlain(value: object): boolean {
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

/** Appends the shape of `value`; false when it holds anything but JSON values (then it is not kept). */
function writeShape(value: unknown, inList: boolean, out: Token[]): boolean {
  switch (typeof value) {
    case 'string':
      out.push(STRING);
      if (inList || value === '' || value === '0') out.push(value);
      return true;
    case 'number':
      out.push(NUMBER);
      if (inList || value === 0) out.push(value);
      return true;
    case 'boolean':
      out.push(value);
      return true;
    case 'undefined':
      out.push(UNDEFINED);
      return true;
    case 'object': {
      if (value === null) {
        out.push(NULL);
        return true;
      }
      if (Array.isArray(value)) {
        out.push(ARRAY, value.length);
        for (let i = 0; i < value.length; i++) if (!writeShape(value[i], true, out)) return false;
        return true;
      }
      if (!isPlain(value)) return false;
      out.push(OBJECT);
      const obj = value as Record<string, unknown>;
      for (const key in obj) {
        out.push(key);
        if (!writeShape(obj[key], inList, out)) return false;
      }
      out.push(END);
      return true;
    }
    default:
      return false;
  }
}

/** Where `value`'s shape ends in `shape` read from `at`, or -1 where it differs. */
function matchValue(value: unknown, inList: boolean, shape: readonly Token[], at: number): number {
  switch (typeof value) {
    case 'string':
      if (shape[at] !== STRING) return -1;
      if (inList || value === '' || value === '0') return shape[at + 1] === value ? at + 2 : -1;
      return at + 1;
    case 'number':
      if (shape[at] !== NUMBER) return -1;
      if (inList || value === 0) return shape[at + 1] === value ? at + 2 : -1;
      return at + 1;
    case 'boolean':
      return shape[at] === value ? at + 1 : -1;
    case 'undefined':
      return shape[at] === UNDEFINED ? at + 1 : -1;
    case 'object': {
      if (value === null) return shape[at] === NULL ? at + 1 : -1;
      if (Array.isArray(value)) {
        if (shape[at] !== ARRAY || shape[at + 1] !== value.length) return -1;
        let next = at + 2;
        for (let i = 0; i < value.length && next >= 0; i++) next = matchValue(value[i], true, shape, next);
        return next;
      }
      if (shape[at] !== OBJECT || !isPlain(value)) return -1;
      let next = at + 1;
      const obj = value as Record<string, unknown>;
      for (const key in obj) {
        if (shape[next] !== key) return -1;
        next = matchValue(obj[key], inList, shape, next + 1);
        if (next < 0) return -1;
      }
      return shape[next] === END ? next + 1 : -1;
    }
    default:
      return -1;
  }
}
