// Building canonical field-set nodes bottom-up, as a walker finishes each location. The children
// of every node under construction sit on one stack (a node owns what lies above the height it
// started at), so a walk allocates its bookkeeping once rather than per node. Children arrive in
// the order the value holds them; a node is built with its keys in structured-merge-diff's
// order, found by comparing the ranks of declared fields or the key values of list items, so
// that elements are never decoded again to be sorted.
import { type FieldSet, LEAF } from './field-set.js';
import { isPlainKeyValue, keyValueOf } from './list-items.js';
import { SELF, compareValues, sortElements } from './path-element.js';
import type { ListType } from './type-schema.js';

/** Ranges this short are sorted in place by insertion, longer ones through an index sort. */
const insertionLimit = 16;

export class NodeStack {
  // Entries at and above `height` are stale: slots are overwritten, never trimmed.
  private readonly elements: string[] = [];
  private readonly nodes: FieldSet[] = [];
  /** Per child: below a map, the field's rank (-1 for a key its type does not declare); below a list, the item. */
  private readonly keys: unknown[] = [];
  private top = 0;

  get height(): number {
    return this.top;
  }

  push(element: string, node: FieldSet, key: unknown): void {
    const at = this.top++;
    if (at < this.elements.length) {
      this.elements[at] = element;
      this.nodes[at] = node;
      this.keys[at] = key;
    } else {
      this.elements.push(element);
      this.nodes.push(node);
      this.keys.push(key);
    }
  }

  /** Where `element` is among the children above `from`, or -1. */
  find(from: number, element: string): number {
    const elements = this.elements;
    for (let i = from; i < this.top; i++) if (elements[i] === element) return i;
    return -1;
  }

  nodeAt(i: number): FieldSet {
    return this.nodes[i]!;
  }

  setNodeAt(i: number, node: FieldSet): void {
    this.nodes[i] = node;
  }

  /**
   * A map location's node from the children above `from`, which it takes off: itself a member
   * or not. Undefined when it has no children and is no member.
   */
  mapNode(from: number, member: boolean): FieldSet | undefined {
    const n = this.top - from;
    if (n === 0) return member ? LEAF : undefined;
    if (n > 1) this.orderFields(from);
    return this.build(from, member);
  }

  /** A list location's node, likewise, its items in element order. */
  listNode(list: ListType, from: number, member: boolean): FieldSet | undefined {
    const n = this.top - from;
    if (n === 0) return member ? LEAF : undefined;
    if (n > 1) this.orderItems(list, from);
    return this.build(from, member);
  }

  private build(from: number, member: boolean): FieldSet {
    const elements = this.elements;
    const nodes = this.nodes;
    const out: FieldSet = member ? { [SELF]: LEAF } : {};
    for (let i = from; i < this.top; i++) out[elements[i]!] = nodes[i]!;
    this.top = from;
    return out;
  }

  /** Field elements (`f:<name>`) sort as plain strings; declared fields by rank, which agrees. */
  private orderFields(from: number): void {
    const ranks = this.keys as number[];
    const elements = this.elements;
    const end = this.top;
    let declared = true;
    for (let i = from; i < end; i++) {
      if (ranks[i]! < 0) {
        declared = false;
        break;
      }
    }
    if (declared) {
      let i = from + 1;
      while (i < end && ranks[i - 1]! < ranks[i]!) i++;
      if (i < end) this.sort(from, (a, b) => ranks[a]! - ranks[b]!);
    } else {
      let i = from + 1;
      while (i < end && elements[i - 1]! < elements[i]!) i++;
      if (i < end) this.sort(from, (a, b) => (elements[a]! < elements[b]! ? -1 : elements[a]! > elements[b]! ? 1 : 0));
    }
  }

  /**
   * Items sort by their elements. Keys made of plain values compare as those values, which is
   * what decoding the elements would give; any other key leaves it to sorting the elements.
   */
  private orderItems(list: ListType, from: number): void {
    const items = this.keys;
    const end = this.top;
    let plain = true;
    for (let i = from; i < end && plain; i++) plain = isPlainKeyValue(list, items[i]);
    if (!plain) {
      const elements = this.elements;
      const sorted = sortElements(elements.slice(from, end));
      const rank = new Map<string, number>();
      for (let i = 0; i < sorted.length; i++) rank.set(sorted[i]!, i);
      this.sort(from, (a, b) => rank.get(elements[a]!)! - rank.get(elements[b]!)!);
      return;
    }
    const compare = (a: number, b: number): number => compareKeys(list, items[a], items[b]);
    let i = from + 1;
    while (i < end && compare(i - 1, i) < 0) i++;
    if (i < end) this.sort(from, compare);
  }

  /** Sorts the children above `from` (all three columns together) by `compare` on their positions. */
  private sort(from: number, compare: (a: number, b: number) => number): void {
    const elements = this.elements;
    const nodes = this.nodes;
    const keys = this.keys;
    const end = this.top;
    const n = end - from;
    const order: number[] = new Array(n);
    for (let i = 0; i < n; i++) order[i] = from + i;
    if (n <= insertionLimit) {
      for (let j = 1; j < n; j++) {
        const moving = order[j]!;
        let k = j - 1;
        while (k >= 0 && compare(order[k]!, moving) > 0) {
          order[k + 1] = order[k]!;
          k--;
        }
        order[k + 1] = moving;
      }
    } else {
      order.sort(compare);
    }
    const e = elements.slice(from, end);
    const d = nodes.slice(from, end);
    const k = keys.slice(from, end);
    for (let i = 0; i < n; i++) {
      const at = order[i]! - from;
      elements[from + i] = e[at]!;
      nodes[from + i] = d[at]!;
      keys[from + i] = k[at];
    }
  }
}

/** Two named items (plain keys) in their elements' order. */
function compareKeys(list: ListType, a: unknown, b: unknown): number {
  if (list.relation !== 'map') return compareValues(a, b);
  const keys = list.keys;
  for (let k = 0; k < keys.length; k++) {
    const c = compareValues(keyValueOf(list, a, k), keyValueOf(list, b, k));
    if (c !== 0) return c;
  }
  return 0;
}
