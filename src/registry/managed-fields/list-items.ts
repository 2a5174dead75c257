// How an item of an associative list is named in a field path: by its key fields
// (`k:{"name":"nginx"}`) in a map-list, by its value (`v:"foo"`) in a set. Shared by every
// walker, with structured-merge-diff's error wording for items that cannot be named.
import { isObject } from './json-value.js';
import { DEDUCED, type ListType, type MapType } from './type-schema.js';
import { keyElement, valueElement } from './path-element.js';

/** The map shape of an untyped object: granular, every key untyped too. */
export const DEDUCED_MAP: MapType = Object.freeze({
  kind: 'map',
  atomic: false,
  isStruct: false,
  field: () => undefined,
  elements: DEDUCED,
});

export type ItemElement = { ok: true; element: string } | { ok: false; error: string };

export function itemElement(list: ListType, item: unknown): ItemElement {
  if (list.relation === 'map') {
    if (item === null) return { ok: false, error: 'associative list with keys may not have a null element' };
    if (!isObject(item)) return { ok: false, error: 'associative list with keys may not have non-map elements' };
    const values: unknown[] = new Array(list.keys.length);
    for (let i = 0; i < list.keys.length; i++) {
      const key = list.keys[i]!;
      let value = item[key];
      if (value === undefined) {
        value = list.keyDefaults[i];
        if (value === undefined) {
          return { ok: false, error: `associative list with keys has an element that omits key field ${JSON.stringify(key)} (and doesn't have default value)` };
        }
      }
      values[i] = value;
    }
    return { ok: true, element: keyElement(list.keys, values) };
  }
  if (item === null) return { ok: false, error: "associative list without keys has an element that's an explicit null" };
  if (Array.isArray(item)) return { ok: false, error: 'not supported: associative list with lists as elements' };
  if (typeof item === 'object') return { ok: false, error: "associative list without keys has an element that's a map type" };
  return { ok: true, element: valueElement(item) };
}

/** The items of an associative list grouped by path element, in first-seen order. */
export interface IndexedItems {
  /** Distinct elements in list order. */
  readonly order: string[];
  /** First item per element. */
  readonly first: Map<string, unknown>;
  /** All items of elements that occur more than once. */
  readonly duplicates: Map<string, unknown[]> | undefined;
  /** Items that cannot be named (missing keys, nulls), with their index. */
  readonly unnamed: { index: number; item: unknown }[];
}

export function indexItems(list: ListType, items: readonly unknown[] | undefined): IndexedItems {
  const order: string[] = [];
  const first = new Map<string, unknown>();
  let duplicates: Map<string, unknown[]> | undefined;
  const unnamed: { index: number; item: unknown }[] = [];
  if (items !== undefined) {
    for (let i = 0; i < items.length; i++) {
      const item = items[i];
      const element = elementOf(list, item);
      if (element === undefined) {
        unnamed.push({ index: i, item });
        continue;
      }
      const seen = first.get(element);
      if (seen === undefined && !first.has(element)) {
        first.set(element, item);
        order.push(element);
      } else {
        duplicates ??= new Map();
        const all = duplicates.get(element);
        if (all === undefined) duplicates.set(element, [seen, item]);
        else all.push(item);
      }
    }
  }
  return { order, first, duplicates, unnamed };
}

/** A value whose element decodes back to itself, so that it sorts as it is. */
function isPlain(value: unknown): boolean {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return true;
    case 'number':
      return Number.isFinite(value);
    default:
      return value === null;
  }
}

/** The value of a map-list item's k-th key (in `list.keys` order): its default when absent. */
export function keyValueOf(list: ListType, item: unknown, k: number): unknown {
  const value = (item as Record<string, unknown>)[list.keys[k]!];
  return value === undefined ? list.keyDefaults[k] : value;
}

/**
 * True when a named item's key (a set item: the item itself) is made of plain values (strings,
 * finite numbers, booleans, null) under distinct key names: then items sort as their key values
 * compare, which is what decoding their elements again would give.
 */
export function isPlainKeyValue(list: ListType, item: unknown): boolean {
  if (list.relation !== 'map') return isPlain(item);
  const keys = list.keys;
  for (let k = 0; k < keys.length; k++) {
    if (k > 0 && !(keys[k - 1]! < keys[k]!)) return false;
    if (!isPlain(keyValueOf(list, item, k))) return false;
  }
  return true;
}

/** itemElement's element, or undefined for an item that cannot be named (no message built). */
export function elementOf(list: ListType, item: unknown): string | undefined {
  if (list.relation === 'map') {
    if (!isObject(item)) return undefined;
    const keys = list.keys;
    const values: unknown[] = new Array(keys.length);
    for (let i = 0; i < keys.length; i++) {
      const value = keyValueOf(list, item, i);
      if (value === undefined) return undefined;
      values[i] = value;
    }
    return keyElement(keys, values);
  }
  if (item === null || typeof item === 'object') return undefined;
  return valueElement(item);
}
