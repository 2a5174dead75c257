// Resource quantity arithmetic for validation, on top of the machinery parser. Values the parser
// rejects are left alone here: decoding already turns them into a 400 before validation runs.
import { canonicalQuantity, compareQuantities as compareParsed, parseQuantity, scaledValue, type Quantity } from '../../machinery/quantity.js';

function parse(value: unknown): Quantity | undefined {
  if (typeof value !== 'string' && typeof value !== 'number') return undefined;
  try {
    return parseQuantity(value);
  } catch {
    return undefined;
  }
}

/** The quantity in milli-units, rounded away from zero (Quantity.MilliValue), or undefined. */
export function quantityMilli(value: unknown): bigint | undefined {
  const q = parse(value);
  return q === undefined ? undefined : scaledValue(q, -3);
}

/** Sign of a-b, exactly, or undefined when either side is not a quantity. */
export function compareQuantities(a: unknown, b: unknown): number | undefined {
  const qa = parse(a);
  const qb = parse(b);
  if (qa === undefined || qb === undefined) return undefined;
  return compareParsed(qa, qb);
}

/** The quantity as Quantity.String() prints it, which is what Go puts in messages. */
export function quantityText(value: unknown): string {
  if (typeof value !== 'string' && typeof value !== 'number') return String(value);
  try {
    return canonicalQuantity(value);
  } catch {
    return String(value);
  }
}
