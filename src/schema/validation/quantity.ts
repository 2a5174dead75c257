// resource.Quantity as kube-apiserver decodes and re-encodes it: parse with the same grammar
// and error messages, then emit the canonical form (1.5 -> "1500m", 1.5Gi -> "1536Mi",
// 1000 -> "1k"), which is what a real cluster stores and returns.

export const quantityFormatError =
  "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";
export const quantitySuffixError = "unable to parse quantity's suffix";

export type QuantityResult = { ok: true; canonical: string } | { ok: false; error: string };

type Format = 'DecimalSI' | 'BinarySI' | 'DecimalExponent';

const decimalSuffixes: Record<string, number> = { n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
const binarySuffixes: Record<string, number> = { Ki: 10, Mi: 20, Gi: 30, Ti: 40, Pi: 50, Ei: 60 };
const decimalByExponent = new Map(Object.entries(decimalSuffixes).map(([s, e]) => [e, s]));
const binaryByExponent = new Map(Object.entries(binarySuffixes).map(([s, e]) => [e, s]));

const suffixChars = 'eEinumkKMGTP';
const maxInt64 = (1n << 63n) - 1n;
const maxInt32 = 2147483647;

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

interface Parsed {
  negative: boolean;
  num: string;
  denom: string;
  suffix: string;
}

// The scanner of parseQuantityString: sign, leading zeros, digits, '.', digits, suffix letters,
// optional sign and digits of an exponent; anything else is the "must match" error.
function scan(str: string): Parsed | undefined {
  const end = str.length;
  let pos = 0;
  let negative = false;
  if (str[0] === '-') {
    negative = true;
    pos++;
  } else if (str[0] === '+') pos++;
  while (pos < end && str.charCodeAt(pos) === 48) pos++;
  const numStart = pos;
  while (pos < end && isDigit(str.charCodeAt(pos))) pos++;
  const num = pos > numStart ? str.slice(numStart, pos) : '0';
  let denom = '';
  if (pos < end && str[pos] === '.') {
    pos++;
    const denomStart = pos;
    while (pos < end && isDigit(str.charCodeAt(pos))) pos++;
    denom = str.slice(denomStart, pos);
  }
  const suffixStart = pos;
  while (pos < end && suffixChars.includes(str[pos]!)) pos++;
  if (pos < end && (str[pos] === '-' || str[pos] === '+')) pos++;
  while (pos < end && isDigit(str.charCodeAt(pos))) pos++;
  if (pos < end) return undefined;
  return { negative, num, denom, suffix: str.slice(suffixStart) };
}

function interpretSuffix(suffix: string): { base: 2 | 10; exponent: number; format: Format } | undefined {
  const dec = decimalSuffixes[suffix];
  if (dec !== undefined) return { base: 10, exponent: dec, format: 'DecimalSI' };
  const bin = binarySuffixes[suffix];
  if (bin !== undefined) return { base: 2, exponent: bin, format: 'BinarySI' };
  if (suffix.length > 1 && (suffix[0] === 'e' || suffix[0] === 'E') && /^[+-]?[0-9]+$/.test(suffix.slice(1))) {
    // The exponent must fit the int32 scale (and its negation).
    const exponent = Number(suffix.slice(1));
    if (Math.abs(exponent) <= maxInt32) return { base: 10, exponent, format: 'DecimalExponent' };
  }
  return undefined;
}

function pow10(n: number): bigint {
  return 10n ** BigInt(n);
}

/**
 * Whether `s` is already canonical in the common shapes: 1-15 digits without leading zero,
 * then an SI suffix with digits not ending in "000", or a binary suffix Ki..Ti with digits
 * (at most 6, so no overflow) not divisible by 1024. Mirrors the string reuse in ParseQuantity.
 */
function isCanonicalFast(s: string): boolean {
  const n = s.length;
  let digits = 0;
  while (digits < n && isDigit(s.charCodeAt(digits))) digits++;
  if (digits === 0 || digits > 15 || s.charCodeAt(0) === 48) return false;
  const rest = n - digits;
  if (rest === 2) {
    if (s.charCodeAt(n - 1) !== 105 /* i */ || digits > 6 || !'KMGT'.includes(s[digits]!)) return false;
    return Number(s.slice(0, digits)) % 1024 !== 0;
  }
  if (rest > 1 || (rest === 1 && !'numkMGTPE'.includes(s[digits]!))) return false;
  return !(digits >= 3 && s.charCodeAt(digits - 1) === 48 && s.charCodeAt(digits - 2) === 48 && s.charCodeAt(digits - 3) === 48);
}

/** Parses a quantity given as JSON string or number text and returns its canonical string. */
export function canonicalQuantity(input: string): QuantityResult {
  if (isCanonicalFast(input)) return { ok: true, canonical: input };
  return parseSlow(input.trim());
}

function parseSlow(str: string): QuantityResult {
  if (str.length === 0) return { ok: false, error: quantityFormatError };
  if (str === '0') return { ok: true, canonical: '0' };
  const parsed = scan(str);
  if (!parsed) return { ok: false, error: quantityFormatError };
  const suffix = interpretSuffix(parsed.suffix);
  if (!suffix) return { ok: false, error: quantitySuffixError };

  // value = unscaled * 10^scale, exactly.
  let unscaled = BigInt(parsed.num + parsed.denom);
  let scale = -parsed.denom.length;
  if (suffix.base === 10) scale += suffix.exponent;
  else unscaled <<= BigInt(suffix.exponent);
  let format = suffix.format;

  // Sub-nano precision is rounded up (away from zero): asking for a tiny amount yields 1n.
  if (scale < -9 && unscaled !== 0n) {
    const shift = -9 - scale;
    if (shift > unscaled.toString().length) unscaled = 1n; // far below 1n: no need to compute 10^shift
    else {
      const divisor = pow10(shift);
      const q = unscaled / divisor;
      unscaled = unscaled % divisor === 0n ? q : q + 1n;
    }
    scale = -9;
  }
  if (format === 'BinarySI') {
    if (scale >= 0 ? unscaled * pow10(scale) > maxInt64 : unscaled > maxInt64 * pow10(-scale)) {
      unscaled = maxInt64;
      scale = 0;
    }
    if (unscaled !== 0n && (scale >= 0 ? unscaled * pow10(scale) < 1n : unscaled < pow10(-scale))) format = 'DecimalSI';
  }
  if (unscaled === 0n) return { ok: true, canonical: '0' };
  return { ok: true, canonical: (parsed.negative ? '-' : '') + render(unscaled, scale, format) };
}

function render(magnitude: bigint, scale: number, format: Format): string {
  if (format === 'BinarySI') {
    // Below 1024, or not a whole number, a binary suffix would lose information: use decimal.
    const whole = scale >= 0 ? magnitude * pow10(scale) : magnitude % pow10(-scale) === 0n ? magnitude / pow10(-scale) : -1n;
    if (whole >= 1024n) {
      let mantissa = whole;
      let exponent = 0;
      while (mantissa % 1024n === 0n) {
        mantissa /= 1024n;
        exponent += 10;
      }
      return mantissa.toString() + (binaryByExponent.get(exponent) ?? '');
    }
    format = 'DecimalSI';
  }
  let mantissa = magnitude;
  let exponent = scale;
  while (mantissa % 10n === 0n) {
    mantissa /= 10n;
    exponent++;
  }
  while (exponent % 3 !== 0) {
    mantissa *= 10n;
    exponent--;
  }
  if (format === 'DecimalExponent') return mantissa.toString() + (exponent === 0 ? '' : `e${exponent}`);
  // Beyond the SI table (above E) the amount is written with an exponent instead.
  const si = decimalByExponent.get(exponent);
  return mantissa.toString() + (si ?? `e${exponent}`);
}
