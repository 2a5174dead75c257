// resource.Quantity as k8s.io/apimachinery/pkg/api/resource parses and prints it: the fixed-point
// numbers of resources.requests/limits, quotas, capacities. The apiserver never stores a quantity
// as the client wrote it but re-emits it in canonical form ("0.5" -> "500m", "1024Mi" -> "1Gi"),
// so every object that carries one passes through formatQuantity before it is stored.
//
// A value is kept exactly as unscaled × 10^scale in a bigint; no floating point is ever involved.
// Quirks of the Go implementation are reproduced on purpose, because clients see their results:
// input that is already canonical is echoed verbatim ("+1" stays "+1"), BinarySI values above
// 2^63-1 are capped, non-zero values below 1n round up to 1n, and a DecimalSI value whose exponent
// lies beyond the SI table ("1000E") is printed without a suffix.

export type QuantityFormat = 'DecimalExponent' | 'BinarySI' | 'DecimalSI';

export interface Quantity {
  /** The value is unscaled × 10^scale, exactly. */
  readonly unscaled: bigint;
  readonly scale: number;
  /** The suffix family the value was written in; formatting uses the same family. */
  readonly format: QuantityFormat;
  /** The input text, kept when it was already canonical: Go re-emits such input unchanged. */
  readonly text?: string;
}

export type QuantityErrorReason = 'FormatWrong' | 'Numeric' | 'Suffix';

const splitPattern = '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$';

const messages: Record<QuantityErrorReason, string> = {
  FormatWrong: `quantities must match the regular expression '${splitPattern}'`,
  Numeric: 'unable to parse numeric part of quantity',
  Suffix: "unable to parse quantity's suffix",
};

/** A value that is not a quantity; the message is the one kube-apiserver returns. */
export class QuantityError extends Error {
  readonly reason: QuantityErrorReason;
  constructor(reason: QuantityErrorReason) {
    super(messages[reason]);
    this.name = 'QuantityError';
    this.reason = reason;
  }
}

/** Powers of ten, as the suffix scales use them. */
export const Scale = { Nano: -9, Micro: -6, Milli: -3, Unit: 0, Kilo: 3, Mega: 6, Giga: 9, Tera: 12, Peta: 15, Exa: 18 } as const;

const INT64_MAX = (1n << 63n) - 1n;
const INT64_MIN = -(1n << 63n);
const MAX_INT64_FACTORS = 18;

interface Suffix {
  base: 2 | 10;
  exponent: number;
  format: QuantityFormat;
}

const decimalSuffixes = new Map<string, number>([
  ['n', -9], ['u', -6], ['m', -3], ['', 0], ['k', 3], ['M', 6], ['G', 9], ['T', 12], ['P', 15], ['E', 18],
]);
const binarySuffixes = new Map<string, number>([['Ki', 10], ['Mi', 20], ['Gi', 30], ['Ti', 40], ['Pi', 50], ['Ei', 60]]);
const decimalSuffixByExponent = new Map<number, string>([...decimalSuffixes].map(([s, e]) => [e, s]));
const binarySuffixByPower = ['', 'Ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei'];

function interpretSuffix(suffix: string): Suffix | undefined {
  const dec = decimalSuffixes.get(suffix);
  if (dec !== undefined) return { base: 10, exponent: dec, format: 'DecimalSI' };
  const bin = binarySuffixes.get(suffix);
  if (bin !== undefined) return { base: 2, exponent: bin, format: 'BinarySI' };
  if (suffix.length > 1 && (suffix[0] === 'e' || suffix[0] === 'E')) {
    // strconv.ParseInt(s, 10, 64): an optional sign and decimal digits, within int64.
    const digits = suffix.slice(1);
    if (!/^[+-]?[0-9]+$/.test(digits)) return undefined;
    const parsed = BigInt(digits);
    if (parsed > INT64_MAX || parsed < INT64_MIN) return undefined;
    // Go narrows the exponent to int32 without a range check.
    return { base: 10, exponent: Number(BigInt.asIntN(32, parsed)), format: 'DecimalExponent' };
  }
  return undefined;
}

const SUFFIX_CHARS = 'eEinumkKMGTP';

function isDigit(c: string): boolean {
  return c >= '0' && c <= '9';
}

interface Scanned {
  positive: boolean;
  value: string;
  num: string;
  denom: string;
  suffix: string;
}

/** The fast scanner of quantity.go: sign, numerator, denominator, suffix; checks the shape only. */
function scan(str: string): Scanned {
  let positive = true;
  let pos = 0;
  const end = str.length;
  if (pos < end) {
    if (str[0] === '-') {
      positive = false;
      pos++;
    } else if (str[0] === '+') {
      pos++;
    }
  }
  // Leading zeros are dropped; a string of nothing but zeros is zero.
  for (;;) {
    if (pos >= end) return { positive, value: '0', num: '0', denom: '', suffix: '' };
    if (str[pos] !== '0') break;
    pos++;
  }
  let i = pos;
  while (i < end && isDigit(str[i]!)) i++;
  let num = str.slice(pos, i);
  pos = i;
  if (num.length === 0) num = '0';
  if (i >= end) return { positive, value: str, num, denom: '', suffix: '' };

  let denom = '';
  if (str[pos] === '.') {
    pos++;
    i = pos;
    while (i < end && isDigit(str[i]!)) i++;
    denom = str.slice(pos, i);
    if (i >= end) return { positive, value: str, num, denom, suffix: '' };
    pos = i;
  }
  const value = str.slice(0, pos);

  const suffixStart = pos;
  i = pos;
  while (i < end && SUFFIX_CHARS.includes(str[i]!)) i++;
  if (i >= end) return { positive, value, num, denom, suffix: str.slice(suffixStart) };
  pos = i;
  if (str[pos] === '-' || str[pos] === '+') pos++;
  for (i = pos; i < end; i++) {
    if (!isDigit(str[i]!)) throw new QuantityError('FormatWrong');
  }
  return { positive, value, num, denom, suffix: str.slice(suffixStart) };
}

/** A decimal literal ([+-]digits[.digits]) as unscaled × 10^scale. */
function parseDecimal(text: string): { unscaled: bigint; scale: number } | undefined {
  const m = /^([+-]?)([0-9]*)(?:\.([0-9]*))?$/.exec(text);
  if (!m) return undefined;
  const intPart = m[2] ?? '';
  const fraction = m[3] ?? '';
  if (intPart.length + fraction.length === 0) return undefined;
  const magnitude = BigInt((intPart + fraction) || '0');
  return { unscaled: m[1] === '-' ? -magnitude : magnitude, scale: -fraction.length };
}

function abs(v: bigint): bigint {
  return v < 0n ? -v : v;
}

/** Divides by 10^digits, rounding away from zero. */
function divideRoundingUp(value: bigint, digits: number): { result: bigint; exact: boolean } {
  if (value === 0n) return { result: 0n, exact: true };
  const magnitude = abs(value);
  // Everything is below one unit at the target scale: only the rounding unit remains.
  if (digits > magnitude.toString().length) return { result: value < 0n ? -1n : 1n, exact: false };
  const divisor = 10n ** BigInt(digits);
  let q = magnitude / divisor;
  const exact = q * divisor === magnitude;
  if (!exact) q += 1n;
  return { result: value < 0n ? -q : q, exact };
}

// Parsed quantities by text. Manifests use a handful of values ("100m", "128Mi") over and over,
// and every pod write parses each of its requests and limits several times (defaulting,
// validation, quota, the scheduler): the bigint arithmetic is done once per text. Quantities are
// immutable, so one object serves every caller. Bounded: a server that meets very many distinct
// texts starts over.
const parsedLimit = 4096;
let parsed = new Map<string, Quantity>();

/**
 * Parses a quantity as resource.ParseQuantity does. A number is read through its shortest decimal
 * text (String(n)), which is what JSON carried unless the client wrote it with an exponent.
 */
export function parseQuantity(value: string | number): Quantity {
  const str = typeof value === 'number' ? String(value) : value;
  if (typeof str !== 'string') throw new QuantityError('FormatWrong');
  let q = parsed.get(str);
  if (q === undefined) {
    // Only texts that parse are kept: an error is thrown anew each time.
    q = Object.freeze(parseText(str));
    if (parsed.size >= parsedLimit) parsed = new Map();
    parsed.set(str, q);
  }
  return q;
}

function parseText(str: string): Quantity {
  if (typeof str !== 'string' || str.length === 0) throw new QuantityError('FormatWrong');
  if (str === '0') return { unscaled: 0n, scale: 0, format: 'DecimalSI', text: str };

  const { positive, value: numeric, num, denom, suffix } = scan(str);
  const interpreted = interpretSuffix(suffix);
  if (!interpreted) throw new QuantityError('Suffix');
  const { base, exponent, format } = interpreted;

  let precision: number;
  let scale: number;
  let mantissa = 1n;
  if (format === 'BinarySI') {
    scale = 0;
    if (exponent >= 0 && denom.length === 0) {
      mantissa = 1n << BigInt(exponent);
      // 1Mi (2^20) has about six decimal digits: exponent*3/10 approximates them.
      precision = 15 - num.length - Math.trunc((exponent * 3) / 10) - 1;
    } else {
      precision = -1;
    }
  } else {
    scale = exponent;
    precision = MAX_INT64_FACTORS - (num.length + denom.length);
  }

  // The int64 fast path of Go: taken when the digits fit, and the only path that keeps the text.
  if (precision >= 0) {
    scale -= denom.length;
    if (scale >= Scale.Nano) {
      const shifted = num + denom;
      let result = BigInt(shifted) * mantissa;
      if (result <= INT64_MAX) {
        if (!positive) result = -result;
        let canonicalText = false;
        if (format === 'BinarySI') {
          canonicalText = exponent % 10 === 0 && (BigInt(shifted) & 7n) !== 0n;
        } else {
          canonicalText = scale % 3 === 0 && !shifted.endsWith('000') && shifted[0] !== '0';
        }
        return canonicalText ? { unscaled: result, scale, format, text: str } : { unscaled: result, scale, format };
      }
    }
  }

  const decimal = parseDecimal(numeric);
  if (!decimal) throw new QuantityError('Numeric');
  let unscaled = decimal.unscaled;
  scale = decimal.scale;
  if (base === 10) scale += exponent;
  else unscaled *= 1n << BigInt(exponent);

  const negative = unscaled < 0n;
  unscaled = abs(unscaled);
  // Non-zero amounts below one nano round up to it: asking for some resource yields some.
  if (unscaled !== 0n && scale < Scale.Nano) {
    unscaled = divideRoundingUp(unscaled, Scale.Nano - scale).result;
    scale = Scale.Nano;
  }
  let resultFormat = format;
  if (format === 'BinarySI') {
    if (compareMagnitude(unscaled, scale, INT64_MAX, 0) > 0) {
      unscaled = INT64_MAX;
      scale = 0;
    }
    if (unscaled !== 0n && compareMagnitude(unscaled, scale, 1n, 0) < 0) resultFormat = 'DecimalSI';
  }
  return { unscaled: negative ? -unscaled : unscaled, scale, format: resultFormat };
}

/** Compares a×10^as with b×10^bs. */
function compareMagnitude(a: bigint, as: number, b: bigint, bs: number): number {
  if (as === bs) return a === b ? 0 : a < b ? -1 : 1;
  const signA = a < 0n ? -1 : a > 0n ? 1 : 0;
  const signB = b < 0n ? -1 : b > 0n ? 1 : 0;
  if (signA !== signB || signA === 0) return signA < signB ? -1 : signA > signB ? 1 : 0;
  // Decide by the number of digits first, so that an absurd exponent ("1e999999999") never makes
  // us build a power of ten that size.
  const orderA = abs(a).toString().length + as;
  const orderB = abs(b).toString().length + bs;
  if (orderA !== orderB) return (orderA > orderB ? 1 : -1) * signA;
  const [x, y] = as > bs ? [a * 10n ** BigInt(as - bs), b] : [a, b * 10n ** BigInt(bs - as)];
  return x === y ? 0 : x < y ? -1 : 1;
}

export function compareQuantities(a: Quantity, b: Quantity): -1 | 0 | 1 {
  if (a.unscaled === 0n && b.unscaled === 0n) return 0;
  const c = compareMagnitude(a.unscaled, a.scale, b.unscaled, b.scale);
  return c < 0 ? -1 : c > 0 ? 1 : 0;
}

export function isZeroQuantity(q: Quantity): boolean {
  return q.unscaled === 0n;
}

/** a + b, printed in a's format, or in b's when a is zero (Quantity.Add). */
export function addQuantities(a: Quantity, b: Quantity): Quantity {
  const format = a.unscaled === 0n ? b.format : a.format;
  const scale = Math.min(a.scale, b.scale);
  const unscaled = a.unscaled * 10n ** BigInt(a.scale - scale) + b.unscaled * 10n ** BigInt(b.scale - scale);
  return { unscaled, scale, format };
}

/** a - b, printed as addQuantities prints (Quantity.Sub). */
export function subtractQuantities(a: Quantity, b: Quantity): Quantity {
  return addQuantities(a, { unscaled: -b.unscaled, scale: b.scale, format: b.format });
}

/**
 * Rounds away from zero to a multiple of 10^scale (Quantity.RoundUp). Values already that coarse
 * are returned unchanged, keeping their text, exactly as Go avoids re-printing them.
 */
export function roundUpQuantity(q: Quantity, scale: number): Quantity {
  if (q.scale >= scale) return q;
  const { result } = divideRoundingUp(q.unscaled, scale - q.scale);
  return { unscaled: result, scale, format: q.format };
}

function canonicalDecimal(unscaled: bigint, scale: number): { digits: string; exponent: number } {
  let magnitude = abs(unscaled);
  let exponent = scale;
  while (magnitude >= 10n && magnitude % 10n === 0n) {
    magnitude /= 10n;
    exponent++;
  }
  while (exponent % 3 !== 0) {
    magnitude *= 10n;
    exponent--;
  }
  return { digits: (unscaled < 0n ? '-' : '') + magnitude.toString(), exponent };
}

/** The canonical text of a quantity (Quantity.String / MarshalJSON). */
export function formatQuantity(q: Quantity): string {
  if (q.text !== undefined) return q.text;
  if (q.unscaled === 0n) return '0';
  let format = q.format;
  let integral = 0n;
  if (format === 'BinarySI') {
    if (compareMagnitude(abs(q.unscaled), q.scale, 1024n, 0) < 0) {
      // Below 1Ki a binary suffix cannot be used without rounding.
      format = 'DecimalSI';
    } else {
      const rounded = q.scale >= 0 ? { result: q.unscaled * 10n ** BigInt(q.scale), exact: true } : divideRoundingUp(q.unscaled, -q.scale);
      if (!rounded.exact) format = 'DecimalSI';
      integral = rounded.result;
    }
  }
  if (format === 'BinarySI') {
    let magnitude = abs(integral);
    let power = 0;
    while (magnitude >= 1024n && magnitude % 1024n === 0n) {
      magnitude /= 1024n;
      power++;
    }
    return (integral < 0n ? '-' : '') + magnitude.toString() + (binarySuffixByPower[power] ?? '');
  }
  const { digits, exponent } = canonicalDecimal(q.unscaled, q.scale);
  if (format === 'DecimalExponent') return exponent === 0 ? digits : `${digits}e${exponent}`;
  // Beyond E there is no SI suffix: the exponent keeps the magnitude.
  const suffix = decimalSuffixByExponent.get(exponent);
  return suffix === undefined ? `${digits}e${exponent}` : digits + suffix;
}

// Inputs that are canonical already (and coarse enough for milli rounding): a cheap check that
// spares the bigint arithmetic for the values nearly every manifest uses ("100m", "512Mi", "2").
// Binary values are capped at Ti with six digits so that the 2^63 cap cannot apply.
const plainDecimal = /^([1-9][0-9]{0,14})[mkMGTPE]?$/;
const plainBinary = /^([1-9][0-9]{0,5})[KMGT]i$/;

function isCanonicalAlready(text: string): boolean {
  const dec = plainDecimal.exec(text);
  if (dec) return !dec[1]!.endsWith('000');
  const bin = plainBinary.exec(text);
  return bin !== null && Number(bin[1]) % 1024 !== 0;
}

function quantityText(value: string | number): string {
  if (typeof value === 'number') return String(value);
  // JSON decoding trims surrounding whitespace before parsing (Quantity.UnmarshalJSON).
  return value.trim();
}

/**
 * The text kube-apiserver stores for a quantity a client sent in JSON: parsed and re-printed in
 * canonical form. Throws QuantityError for input the apiserver rejects.
 */
export function canonicalQuantity(value: string | number): string {
  const text = quantityText(value);
  if (isCanonicalAlready(text)) return text;
  return formatQuantity(parseQuantity(text));
}

/**
 * As canonicalQuantity, for a value of a core/v1 ResourceList (requests, limits, hard, capacity…):
 * those are also rounded up to milli precision ("0.0001" -> "1m"), which defaulting does to every
 * ResourceList before storing it.
 */
export function canonicalResourceQuantity(value: string | number): string {
  const text = quantityText(value);
  if (isCanonicalAlready(text)) return text;
  return formatQuantity(roundUpQuantity(parseQuantity(text), Scale.Milli));
}

function saturate(v: bigint): bigint {
  return v > INT64_MAX ? INT64_MAX : v < INT64_MIN ? INT64_MIN : v;
}

/**
 * The value in units of 10^scale, rounded away from zero and clamped to the int64 range
 * (Quantity.ScaledValue). scaledValue(q, -3) is the milli-value, scaledValue(q, 0) the value.
 */
export function scaledValue(q: Quantity, scale: number): bigint {
  if (q.unscaled === 0n) return 0n;
  if (q.scale >= scale) {
    const up = q.scale - scale;
    // 10^19 already exceeds int64: no need to build huge powers for absurd exponents.
    if (up >= 19) return q.unscaled < 0n ? INT64_MIN : INT64_MAX;
    return saturate(q.unscaled * 10n ** BigInt(up));
  }
  return saturate(divideRoundingUp(q.unscaled, scale - q.scale).result);
}

/** Value in milli-units as a number: CPU millicores; exact below 2^53 (about 9·10^12 cores). */
export function milliValue(q: Quantity): number {
  return Number(scaledValue(q, Scale.Milli));
}

/** Value in units, rounded up, as a number: bytes of memory; exact below 2^53 bytes (8 PiB). */
export function value(q: Quantity): number {
  return Number(scaledValue(q, Scale.Unit));
}
