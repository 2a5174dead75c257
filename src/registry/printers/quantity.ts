// Quantities as printers show them: Go's Quantity.String() of the stored value.
import { canonicalQuantity as canonical } from '../../machinery/quantity.js';

/**
 * Canonical form of a quantity. A missing quantity is Go's zero Quantity ("0"); text that does not
 * parse is returned unchanged (the real server would have rejected it, so there is no canonical answer).
 */
export function canonicalQuantity(value: unknown): string {
  if (value === undefined || value === null) return '0';
  const text = typeof value === 'number' ? String(value) : String(value).trim();
  try {
    return canonical(text);
  } catch {
    return text;
  }
}
