// metav1.Time and metav1.MicroTime as kube-apiserver decodes them: Go's time.Parse with the
// RFC3339 layout (or RFC3339 with exactly six fractional digits), with Go's error messages,
// and the re-encoded form: UTC, seconds (Time) or microseconds (MicroTime) precision.

export type TimeResult = { ok: true; value: string | null } | { ok: false; error: string };

const rfc3339 = '2006-01-02T15:04:05Z07:00';
const rfc3339Micro = '2006-01-02T15:04:05.000000Z07:00';

// What a well-behaved client sends; recognised without the general parser.
const canonicalTime = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})Z$/;
const canonicalMicro = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})\.(\d{6})Z$/;

/** Go's time.quote: ASCII kept, quote and backslash escaped, everything else as \xHH bytes. */
function timeQuote(s: string): string {
  let out = '"';
  for (const byte of Buffer.from(s, 'utf8')) {
    if (byte >= 0x80 || byte < 0x20) out += `\\x${byte.toString(16).padStart(2, '0')}`;
    else {
      if (byte === 0x22 || byte === 0x5c) out += '\\';
      out += String.fromCharCode(byte);
    }
  }
  return out + '"';
}

function isDigitAt(s: string, i: number): boolean {
  const c = s.charCodeAt(i);
  return c >= 48 && c <= 57;
}

function daysIn(month: number, year: number): number {
  if (month === 2) return (year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0)) ? 29 : 28;
  return [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]!;
}

// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm); Date.UTC
// would misread years below 100.
function daysFromCivil(y: number, m: number, d: number): number {
  y -= m <= 2 ? 1 : 0;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

function civilFromDays(z: number): [number, number, number] {
  z += 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp + (mp < 10 ? 3 : -9);
  return [yoe + era * 400 + (m <= 2 ? 1 : 0), m, d];
}

const pad = (n: number, width: number): string => String(n).padStart(width, '0');

interface Fields {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  micros: number;
  offsetSeconds: number;
}

/** Formats like Go's t.UTC().Format(layout); the zero time encodes as null, as metav1 does. */
function formatUtc(f: Fields, micro: boolean): string | null {
  const local = daysFromCivil(f.year, f.month, f.day) * 86400 + f.hour * 3600 + f.minute * 60 + f.second;
  const utc = local - f.offsetSeconds;
  const days = Math.floor(utc / 86400);
  let rest = utc - days * 86400;
  const [y, mo, d] = civilFromDays(days);
  const h = Math.floor(rest / 3600);
  rest -= h * 3600;
  const mi = Math.floor(rest / 60);
  const s = rest - mi * 60;
  if (y === 1 && mo === 1 && d === 1 && h === 0 && mi === 0 && s === 0 && f.micros === 0) return null;
  // Go prints years outside 0..9999 without padding rules we need to care about; keep four digits.
  const date = `${y < 0 ? '-' + pad(-y, 4) : pad(y, 4)}-${pad(mo, 2)}-${pad(d, 2)}T${pad(h, 2)}:${pad(mi, 2)}:${pad(s, 2)}`;
  return micro ? `${date}.${pad(f.micros, 6)}Z` : `${date}Z`;
}

class ParseFailure {
  constructor(readonly message: string) {}
}

/**
 * The subset of Go's time.Parse needed for the two layouts: the same element order, the same
 * leniency (one-digit hours, ',' as decimal mark, fractions on Time) and the same messages.
 */
function parseGo(value: string, micro: boolean): Fields {
  const layout = micro ? rfc3339Micro : rfc3339;
  const fail = (layoutElem: string, valueElem: string): ParseFailure =>
    new ParseFailure(`parsing time ${timeQuote(value)} as ${timeQuote(layout)}: cannot parse ${timeQuote(valueElem)} as ${timeQuote(layoutElem)}`);
  const range = (what: string): ParseFailure => new ParseFailure(`parsing time ${timeQuote(value)}: ${what} out of range`);
  let v = value;
  const literal = (lit: string): void => {
    for (let i = 0; i < lit.length; i++) {
      if (v.length === 0 || v[0] !== lit[i]) throw fail(lit, v);
      v = v.slice(1);
    }
  };
  // getnum: one or two digits; `fixed` demands two.
  const num2 = (elem: string, fixed: boolean): number => {
    if (!isDigitAt(v, 0)) throw fail(elem, v);
    if (!isDigitAt(v, 1)) {
      if (fixed) throw fail(elem, v);
      const n = v.charCodeAt(0) - 48;
      v = v.slice(1);
      return n;
    }
    const n = (v.charCodeAt(0) - 48) * 10 + (v.charCodeAt(1) - 48);
    v = v.slice(2);
    return n;
  };

  if (v.length < 4 || !isDigitAt(v, 0) || !/^[0-9]{4}$/.test(v.slice(0, 4))) throw fail('2006', v);
  const year = Number(v.slice(0, 4));
  v = v.slice(4);
  literal('-');
  const month = num2('01', true);
  if (month < 1 || month > 12) throw range('month');
  literal('-');
  const day = num2('02', true);
  literal('T');
  const hour = num2('15', false);
  if (hour >= 24) throw range('hour');
  literal(':');
  const minute = num2('04', true);
  if (minute >= 60) throw range('minute');
  literal(':');
  const second = num2('05', true);
  if (second >= 60) throw range('second');
  let micros = 0;
  if (micro) {
    // ".000000" demands exactly that many digits after '.' or ','.
    if (v.length < 7 || (v[0] !== '.' && v[0] !== ',') || !/^[0-9]{6}$/.test(v.slice(1, 7))) throw fail('.000000', v);
    micros = Number(v.slice(1, 7));
    v = v.slice(7);
  } else if (v.length >= 2 && (v[0] === '.' || v[0] === ',') && isDigitAt(v, 1)) {
    // A fraction the layout does not ask for is accepted and dropped by the encoder.
    let n = 2;
    while (n < v.length && isDigitAt(v, n)) n++;
    micros = Number(v.slice(1, Math.min(n, 7)).padEnd(6, '0'));
    v = v.slice(n);
  }
  let offsetSeconds = 0;
  const hold = v;
  if (v.length >= 1 && v[0] === 'Z') v = v.slice(1);
  else {
    if (v.length < 6 || v[3] !== ':') throw fail('Z07:00', hold);
    const sign = v[0];
    const hh = v.slice(1, 3);
    const mm = v.slice(4, 6);
    if (!/^[0-9]{2}$/.test(hh) || !/^[0-9]{2}$/.test(mm)) throw fail('Z07:00', hold);
    v = v.slice(6);
    // Go reports an out-of-range offset before a bad sign.
    if (Number(mm) > 60) throw range('time zone offset minute');
    if (Number(hh) > 24) throw range('time zone offset hour');
    if (sign !== '+' && sign !== '-') throw fail('Z07:00', hold);
    offsetSeconds = (Number(hh) * 60 + Number(mm)) * 60 * (sign === '-' ? -1 : 1);
  }
  if (v.length !== 0) throw new ParseFailure(`parsing time ${timeQuote(value)}: extra text: ${timeQuote(v)}`);
  if (day < 1 || day > daysIn(month, year)) throw range('day');
  return { year, month, day, hour, minute, second, micros, offsetSeconds };
}

function parseTimeValue(text: string, micro: boolean): TimeResult {
  const m = (micro ? canonicalMicro : canonicalTime).exec(text);
  if (m) {
    const month = Number(m[2]);
    const day = Number(m[3]);
    const year = Number(m[1]);
    if (month >= 1 && month <= 12 && day >= 1 && day <= daysIn(month, year) && Number(m[4]) < 24 && Number(m[5]) < 60 && Number(m[6]) < 60) {
      const zero = micro ? '0001-01-01T00:00:00.000000Z' : '0001-01-01T00:00:00Z';
      return { ok: true, value: text === zero ? null : text };
    }
  }
  try {
    return { ok: true, value: formatUtc(parseGo(text, micro), micro) };
  } catch (err) {
    if (err instanceof ParseFailure) return { ok: false, error: err.message };
    throw err;
  }
}

/** metav1.Time: RFC3339, stored as UTC with second precision; null for the zero time. */
export function parseTime(text: string): TimeResult {
  return parseTimeValue(text, false);
}

/** metav1.MicroTime: RFC3339 with exactly six fractional digits, stored as UTC. */
export function parseMicroTime(text: string): TimeResult {
  return parseTimeValue(text, true);
}
