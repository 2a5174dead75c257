// Checking an applied configuration against its type before anything is merged, with
// structured-merge-diff's messages: fields the schema does not declare, values of the wrong
// shape, list items that cannot be keyed, and duplicate keys. The real server answers these
// with a 500 "failed to create typed patch object (...)" carrying the errors below.
import { DEDUCED_MAP, itemElement } from './list-items.js';
import { isObject } from './json-value.js';
import { fieldElement, indexElement, pathToString } from './path-element.js';
import type { ListType, MapType, ScalarKind, TypeNode } from './type-schema.js';

export interface ValidationError {
  /** Readable path, e.g. `.spec.template.spec.containers[name="app"].env`. */
  readonly path: string;
  readonly message: string;
}

export function validateApplied(type: TypeNode, value: unknown): ValidationError[] {
  const errors: ValidationError[] = [];
  const path: string[] = [];
  const fail = (message: string): void => {
    errors.push({ path: pathToString(path), message });
  };

  const walk = (t: TypeNode, v: unknown): void => {
    switch (t.kind) {
      case 'scalar':
        return scalar(t.scalar, v);
      case 'map':
        if (v === null) return;
        if (!isObject(v)) return fail(`expected map, got ${describe(v)}`);
        if (t.atomic) return;
        return map(t, v);
      case 'list':
        if (v === null) return;
        if (!Array.isArray(v)) return fail(`expected list, got ${describe(v)}`);
        return list(t, v);
      case 'deduced':
        if (isObject(v)) return map(DEDUCED_MAP, v);
        return;
      default:
        return;
    }
  };

  const scalar = (kind: ScalarKind, v: unknown): void => {
    if (v === null || v === undefined) return;
    switch (kind) {
      case 'numeric':
        if (typeof v !== 'number') fail(`expected numeric (int or float), got ${jsonType(v)}`);
        return;
      case 'string':
        if (typeof v !== 'string') fail(`expected string, got ${describe(v)}`);
        return;
      case 'boolean':
        if (typeof v !== 'boolean') fail(`expected boolean, got ${describe(v)}`);
        return;
      default:
        return;
    }
  };

  const map = (t: MapType, v: Record<string, unknown>): void => {
    for (const key in v) {
      const item = v[key];
      if (item === undefined) continue;
      const slot = t.field(key);
      const childType = slot !== undefined ? slot.type : t.elements;
      path.push(slot !== undefined ? slot.pe : fieldElement(key));
      if (childType === undefined) {
        fail('field not declared in schema');
        path.pop();
        // Like the Go walker, one undeclared field ends the walk of its object.
        return;
      }
      walk(childType, item);
      path.pop();
    }
  };

  const list = (t: ListType, items: unknown[]): void => {
    if (t.relation === 'atomic') {
      for (let i = 0; i < items.length; i++) {
        path.push(indexElement(i));
        walk(t.element, items[i]);
        path.pop();
      }
      return;
    }
    const seen = new Set<string>();
    for (let i = 0; i < items.length; i++) {
      const named = itemElement(t, items[i]);
      if (!named.ok) {
        fail(`element ${i}: ${named.error}`);
        return;
      }
      if (seen.has(named.element)) fail(`duplicate entries for key ${pathToString([named.element])}`);
      seen.add(named.element);
      path.push(named.element);
      walk(t.element, items[i]);
      path.pop();
    }
  };

  walk(type, value);
  return errors;
}

function jsonType(value: unknown): string {
  if (Array.isArray(value)) return 'list';
  if (value === null) return 'null';
  return typeof value === 'object' ? 'map' : typeof value;
}

function describe(value: unknown): string {
  return JSON.stringify(value) ?? String(value);
}

/** The errors as one message, as Go's ValidationErrors prints them. */
export function validationMessage(errors: readonly ValidationError[]): string {
  const one = (e: ValidationError): string => (e.path === '' ? e.message : `${e.path}: ${e.message}`);
  if (errors.length === 1) return one(errors[0]!);
  return ['errors:', ...errors.map((e) => `  ${one(e)}`)].join('\n');
}
