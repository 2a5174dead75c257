// The JSON text of Kubernetes time types as Go writes and reads it: meta/v1 Time (RFC 3339,
// seconds), MicroTime (RFC 3339, six fraction digits, always UTC "Z") and Duration (Go's
// time.Duration text, e.g. "1h2m3.5s").

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(?:([Zz])|([+-])(\d{2}):(\d{2}))$/;

export interface UnixTime {
  seconds: number;
  nanos: number;
}

/** "2024-05-01T10:00:00Z" (Time.MarshalJSON: UTC, whole seconds). */
export function formatTime(seconds: number): string {
  return isoSeconds(seconds) + 'Z';
}

/** "2024-05-01T10:00:00.123456Z" (MicroTime.MarshalJSON: UTC, microseconds, truncated). */
export function formatMicroTime(seconds: number, nanos: number): string {
  const micros = Math.floor(nanos / 1000);
  return `${isoSeconds(seconds)}.${String(micros).padStart(6, '0')}Z`;
}

function isoSeconds(seconds: number): string {
  // toISOString gives "YYYY-MM-DDTHH:MM:SS.mmmZ"; only the part up to the seconds is wanted.
  return new Date(seconds * 1000).toISOString().slice(0, 19);
}

/** Parses RFC 3339 text (any offset, up to nanoseconds); undefined when it is not one. */
export function parseRfc3339(text: string): UnixTime | undefined {
  const m = RFC3339.exec(text);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s, fraction, zulu, sign, oh, om] = m;
  const local = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s)) / 1000;
  if (Number.isNaN(local)) return undefined;
  const offset = zulu ? 0 : (sign === '-' ? -1 : 1) * (Number(oh) * 3600 + Number(om) * 60);
  const nanos = fraction ? Number(fraction.padEnd(9, '0')) : 0;
  // Date.UTC maps years 0–99 to 1900–1999; Kubernetes timestamps never use them.
  return { seconds: local - offset, nanos };
}

const NANOS_PER = { ns: 1, us: 1e3, µs: 1e3, μs: 1e3, ms: 1e6, s: 1e9, m: 60e9, h: 3600e9 } as const;

/** Go's time.Duration.String() for a count of nanoseconds. */
export function formatGoDuration(nanoseconds: number): string {
  if (nanoseconds === 0) return '0s';
  const negative = nanoseconds < 0;
  let n = Math.abs(nanoseconds);
  let text: string;
  if (n < 1e9) {
    // Below one second Go picks the largest unit that keeps the integer part non-zero.
    const [unit, size] = n < 1e3 ? ['ns', 1] : n < 1e6 ? ['µs', 1e3] : ['ms', 1e6];
    text = decimal(n, size) + unit;
  } else {
    const hours = Math.floor(n / 3600e9);
    n -= hours * 3600e9;
    const minutes = Math.floor(n / 60e9);
    n -= minutes * 60e9;
    text = decimal(n, 1e9) + 's';
    if (hours > 0) text = `${hours}h${minutes}m${text}`;
    else if (minutes > 0) text = `${minutes}m${text}`;
  }
  return negative ? '-' + text : text;
}

/** value/size with the fraction's trailing zeros dropped, as Go prints it. */
function decimal(value: number, size: number): string {
  const whole = Math.floor(value / size);
  const rest = Math.round(value - whole * size);
  if (rest === 0) return String(whole);
  const digits = String(size).length - 1;
  return `${whole}.${String(rest).padStart(digits, '0').replace(/0+$/, '')}`;
}

/** Go's time.ParseDuration: nanoseconds, or undefined when the text is not a duration. */
export function parseGoDuration(text: string): number | undefined {
  let rest = text;
  let sign = 1;
  if (rest.startsWith('-') || rest.startsWith('+')) {
    if (rest[0] === '-') sign = -1;
    rest = rest.slice(1);
  }
  if (rest === '0') return 0;
  if (rest === '') return undefined;
  let total = 0;
  const part = /^(\d*)(?:\.(\d*))?(ns|us|µs|μs|ms|s|m|h)/;
  while (rest.length > 0) {
    const m = part.exec(rest);
    if (!m || (m[1] === '' && (m[2] ?? '') === '')) return undefined;
    const unit = NANOS_PER[m[3] as keyof typeof NANOS_PER];
    total += Number(m[1] || '0') * unit;
    if (m[2]) total += Math.round(Number(`0.${m[2]}`) * unit);
    rest = rest.slice(m[0].length);
  }
  return sign * total;
}
