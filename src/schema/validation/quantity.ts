// resource.Quantity as kube-apiserver decodes and re-encodes it (1.5 -> "1500m", 1.5Gi -> "1536Mi",
// 1000 -> "1k"): the machinery parser, with its errors turned into decode results.
import { canonicalQuantity as canonical, QuantityError } from '../../machinery/quantity.js';

export const quantityFormatError =
  "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";
export const quantitySuffixError = "unable to parse quantity's suffix";

export type QuantityResult = { ok: true; canonical: string } | { ok: false; error: string };

/** Parses a quantity given as JSON string or number text and returns its canonical string. */
export function canonicalQuantity(input: string): QuantityResult {
  try {
    return { ok: true, canonical: canonical(input) };
  } catch (err) {
    if (err instanceof QuantityError) return { ok: false, error: err.message };
    throw err;
  }
}
