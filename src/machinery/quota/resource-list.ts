// Resource lists as quota arithmetic sees them (k8s.io/apiserver/pkg/quota/v1 resources.go): maps
// from resource name to exact Quantity, added, masked and compared name by name. Amounts never go
// through floating point, and sums print in the format Go's Quantity.Add would leave them in, since
// status.used and the admission messages show those texts.
import { addQuantities, compareQuantities, formatQuantity, isZeroQuantity, parseQuantity, subtractQuantities, type Quantity } from '../quantity.js';

export type ResourceList = Map<string, Quantity>;

/** Go's zero Quantity (Format DecimalSI): what a counted resource with no usage holds. */
export const zeroQuantity: Quantity = Object.freeze({ unscaled: 0n, scale: 0, format: 'DecimalSI' });

export function count(n: number): Quantity {
  return { unscaled: BigInt(n), scale: 0, format: 'DecimalSI' };
}

/** A ResourceList of an object (a quota's hard, a container's requests); values that do not parse are left out, as validation keeps them out. */
export function resourceList(json: Readonly<Record<string, unknown>> | null | undefined): ResourceList {
  const out: ResourceList = new Map();
  for (const [name, raw] of Object.entries(json ?? {})) {
    if (typeof raw !== 'string' && typeof raw !== 'number') continue;
    try {
      out.set(name, parseQuantity(raw));
    } catch {
      // not a quantity: nothing to count
    }
  }
  return out;
}

/** The JSON form, keys sorted as Go marshals a map. */
export function resourceListJson(list: ResourceList): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of [...list.keys()].sort()) out[name] = formatQuantity(list.get(name)!);
  return out;
}

/** quota.Add: every name of either list, summed where both have it. */
export function addLists(a: ResourceList, b: ResourceList): ResourceList {
  const out: ResourceList = new Map(a);
  for (const [name, q] of b) {
    const mine = out.get(name);
    out.set(name, mine ? addQuantities(mine, q) : q);
  }
  return out;
}

/** quota.SubtractWithNonNegativeResult: a - b per name, floored at zero; names only in b come out zero. */
export function subtractNonNegative(a: ResourceList, b: ResourceList): ResourceList {
  const out: ResourceList = new Map();
  for (const [name, q] of a) {
    const other = b.get(name);
    const diff = other ? subtractQuantities(q, other) : q;
    out.set(name, diff.unscaled > 0n ? diff : zeroQuantity);
  }
  for (const name of b.keys()) if (!out.has(name)) out.set(name, zeroQuantity);
  return out;
}

/** quota.Mask: only the named resources. */
export function mask(list: ResourceList, names: Iterable<string>): ResourceList {
  const out: ResourceList = new Map();
  for (const name of names) {
    const q = list.get(name);
    if (q) out.set(name, q);
  }
  return out;
}

export function removeZeros(list: ResourceList): ResourceList {
  return new Map([...list].filter(([, q]) => !isZeroQuantity(q)));
}

/** The names with a negative amount, sorted. */
export function negativeNames(list: ResourceList): string[] {
  return [...list].filter(([, q]) => q.unscaled < 0n).map(([name]) => name).sort();
}

/** quota.LessThanOrEqual: whether every name of `a` that `b` limits fits, and which do not. */
export function lessThanOrEqual(a: ResourceList, b: ResourceList): { allowed: boolean; exceeded: string[] } {
  const exceeded: string[] = [];
  for (const [name, q] of a) {
    const limit = b.get(name);
    if (limit && compareQuantities(q, limit) > 0) exceeded.push(name);
  }
  return { allowed: exceeded.length === 0, exceeded };
}

/** quota.Equals: the same names with equal amounts. */
export function listsEqual(a: ResourceList, b: ResourceList): boolean {
  if (a.size !== b.size) return false;
  for (const [name, q] of a) {
    const other = b.get(name);
    if (!other || compareQuantities(q, other) !== 0) return false;
  }
  return true;
}

/** "pods=1,requests.cpu=500m": the admission messages' form, sorted by name. */
export function prettyPrint(list: ResourceList): string {
  return [...list.keys()].sort().map((name) => `${name}=${formatQuantity(list.get(name)!)}`).join(',');
}

/** The larger amount per name (the init-container rule of pod requests). */
export function maxInto(into: ResourceList, from: ResourceList): void {
  for (const [name, q] of from) {
    const mine = into.get(name);
    if (!mine || compareQuantities(q, mine) > 0) into.set(name, q);
  }
}

export function addInto(into: ResourceList, from: ResourceList): void {
  for (const [name, q] of from) {
    const mine = into.get(name);
    into.set(name, mine ? addQuantities(mine, q) : q);
  }
}
