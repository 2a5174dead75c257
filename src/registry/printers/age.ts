// Human-readable durations exactly as kube-apiserver prints them (apimachinery's
// duration.HumanDuration): about two significant figures, so "3m5s" but "12m", "2d3h" but "9d".

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
/** Anything at or before Go's zero time (0001-01-01T00:00:00Z) counts as unset. */
const GO_ZERO_TIME_MS = new Date('0001-01-01T00:00:00Z').getTime();

/** `ms` is a duration in milliseconds; negative values within a second count as "0s" (clock skew). */
export function humanDuration(ms: number): string {
  // Go truncates toward zero when it converts a duration to whole seconds.
  const seconds = Math.trunc(ms / SECOND);
  if (seconds < -1) return '<invalid>';
  if (seconds < 0) return '0s';
  if (seconds < 120) return `${seconds}s`;

  const minutes = Math.floor(ms / MINUTE);
  if (minutes < 10) {
    const s = seconds % 60;
    return s === 0 ? `${minutes}m` : `${minutes}m${s}s`;
  }
  if (minutes < 180) return `${minutes}m`;

  const hours = Math.floor(ms / HOUR);
  if (hours < 8) {
    const m = minutes % 60;
    return m === 0 ? `${hours}h` : `${hours}h${m}m`;
  }
  if (hours < 48) return `${hours}h`;
  const days = Math.floor(hours / 24);
  if (hours < 24 * 8) {
    const h = hours % 24;
    return h === 0 ? `${days}d` : `${days}d${h}h`;
  }
  if (hours < 24 * 365 * 2) return `${days}d`;
  const years = Math.floor(days / 365);
  if (hours < 24 * 365 * 8) {
    const dy = days % 365;
    return dy === 0 ? `${years}y` : `${years}y${dy}d`;
  }
  return `${years}y`;
}

/**
 * Milliseconds since the epoch for an API timestamp, or undefined for a missing, unparsable or
 * Go-zero ("0001-01-01T00:00:00Z") time, which the real printers all treat as "not set".
 */
export function timestampMillis(value: Date | string | undefined | null): number | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  const ms = typeof value === 'string' ? Date.parse(value) : value.getTime();
  if (Number.isNaN(ms) || ms <= GO_ZERO_TIME_MS) return undefined;
  return ms;
}

/** Time elapsed from `from` to `now`, as the AGE column shows it; "<unknown>" when unset. */
export function formatAge(from: Date | string | undefined, now: Date): string {
  const ms = timestampMillis(from);
  return ms === undefined ? '<unknown>' : humanDuration(now.getTime() - ms);
}
