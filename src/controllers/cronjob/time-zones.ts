// IANA time zones through the runtime's Intl data: whether a zone exists (Go's time.LoadLocation,
// where "" means UTC) and a time written in a zone as Go's RFC 3339 layout writes it.

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(zone, f);
  }
  return f;
}

export function isKnownTimeZone(zone: string): boolean {
  if (zone === '' || zone === 'UTC') return true;
  // Go has no "Local" to load here: the controller's host zone is not the CronJob's.
  if (zone.toLowerCase() === 'local') return false;
  try {
    formatterFor(zone);
    return true;
  } catch {
    return false;
  }
}

/** "2026-01-02T09:00:00+09:00"; a zero offset is written "Z", as Go does. */
export function formatRfc3339In(ms: number, zone: string): string {
  const seconds = Math.floor(ms / 1000) * 1000;
  const parts: Record<string, string> = {};
  for (const p of formatterFor(zone || 'UTC').formatToParts(new Date(seconds))) parts[p.type] = p.value;
  const wall = `${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}:${parts.second}`;
  const offsetMinutes = Math.round((Date.parse(`${wall}Z`) - seconds) / 60_000);
  if (offsetMinutes === 0) return `${wall}Z`;
  const sign = offsetMinutes < 0 ? '-' : '+';
  const abs = Math.abs(offsetMinutes);
  return `${wall}${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}
