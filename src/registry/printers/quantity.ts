// Canonical text of a resource.Quantity ("1.5Gi" → "1536Mi", "0.5" → "500m", "1000" → "1k"),
// because the real printers call Quantity.String(), which always emits the canonical form —
// whatever spelling the user wrote in the manifest.

type QuantityFormat = 'DecimalSI' | 'BinarySI' | 'DecimalExponent';

interface ParsedQuantity {
  /** The value in units of 10^-9, rounded away from zero as apimachinery does. */
  nanos: bigint;
  format: QuantityFormat;
}

const NANO = 1_000_000_000n;
const DECIMAL_SUFFIX_EXPONENT: Readonly<Record<string, number>> = {
  n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18,
};
const BINARY_SUFFIX_POWER: Readonly<Record<string, number>> = {
  Ki: 10, Mi: 20, Gi: 30, Ti: 40, Pi: 50, Ei: 60,
};
const EXPONENT_DECIMAL_SUFFIX = new Map<number, string>(
  Object.entries(DECIMAL_SUFFIX_EXPONENT).map(([suffix, exp]) => [exp, suffix]),
);
const BINARY_SUFFIXES = ['', 'Ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei'];

const QUANTITY_PATTERN = /^([+-]?)(\d*)(?:\.(\d*))?([a-zA-Z]*|[eE][+-]?\d+)$/;
const EXPONENT_SUFFIX = /^[eE][+-]?\d+$/;

function pow10(exp: number): bigint {
  return 10n ** BigInt(exp);
}

/** Integer division rounding away from zero, for non-negative operands. */
function divideRoundingUp(numerator: bigint, denominator: bigint): bigint {
  const quotient = numerator / denominator;
  return quotient * denominator === numerator ? quotient : quotient + 1n;
}

function parseQuantity(text: string): ParsedQuantity | undefined {
  const match = QUANTITY_PATTERN.exec(text);
  if (match === null) return undefined;
  const [, sign, whole, fraction = '', suffix] = match as unknown as [string, string, string, string | undefined, string];
  if (whole === '' && fraction === '') return undefined;
  const digits = BigInt((whole + fraction) || '0');

  let format: QuantityFormat;
  let magnitude: bigint;
  const binaryPower = BINARY_SUFFIX_POWER[suffix];
  if (binaryPower !== undefined) {
    format = 'BinarySI';
    magnitude = divideRoundingUp(digits * (1n << BigInt(binaryPower)) * NANO, pow10(fraction.length));
  } else {
    let exponent = DECIMAL_SUFFIX_EXPONENT[suffix];
    if (exponent !== undefined) {
      format = 'DecimalSI';
    } else if (EXPONENT_SUFFIX.test(suffix)) {
      format = 'DecimalExponent';
      exponent = Number(suffix.slice(1));
    } else {
      return undefined;
    }
    const shift = exponent - fraction.length + 9;
    magnitude = shift >= 0 ? digits * pow10(shift) : divideRoundingUp(digits, pow10(-shift));
  }
  return { nanos: sign === '-' ? -magnitude : magnitude, format };
}

function formatQuantity({ nanos, format }: ParsedQuantity): string {
  if (nanos === 0n) return '0';
  const sign = nanos < 0n ? '-' : '';
  const magnitude = nanos < 0n ? -nanos : nanos;

  // Binary output only for whole values of at least 1Ki; anything else would lose precision.
  if (format === 'BinarySI' && magnitude >= 1024n * NANO && magnitude % NANO === 0n) {
    let mantissa = magnitude / NANO;
    let power = 0;
    while (power < 6 && mantissa % 1024n === 0n) {
      mantissa /= 1024n;
      power++;
    }
    return `${sign}${mantissa}${BINARY_SUFFIXES[power]}`;
  }

  // Largest exponent that is a multiple of three and keeps the mantissa whole.
  let mantissa = magnitude;
  let exponent = -9;
  while (mantissa % 1000n === 0n) {
    mantissa /= 1000n;
    exponent += 3;
  }
  const decimalSuffix = EXPONENT_DECIMAL_SUFFIX.get(exponent);
  if (format !== 'DecimalExponent' && decimalSuffix !== undefined) return `${sign}${mantissa}${decimalSuffix}`;
  return exponent === 0 ? `${sign}${mantissa}` : `${sign}${mantissa}e${exponent}`;
}

/**
 * Canonical form of a quantity as Go's Quantity.String() prints it. A missing quantity is Go's zero
 * Quantity ("0"); text that does not parse is returned unchanged (the real server would have
 * rejected it, so there is no canonical answer).
 */
export function canonicalQuantity(value: unknown): string {
  if (value === undefined || value === null) return '0';
  const text = typeof value === 'number' ? String(value) : String(value).trim();
  const parsed = parseQuantity(text);
  return parsed === undefined ? text : formatQuantity(parsed);
}
