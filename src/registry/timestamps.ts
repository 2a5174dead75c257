// Kubernetes serializes metav1.Time with second precision, RFC 3339, always UTC ("2026-01-01T10:00:00Z").
export function formatTime(date: Date | number): string {
  const ms = typeof date === 'number' ? date : date.getTime();
  const second = Math.floor(ms / 1000);
  // Most writes in a busy second share a timestamp: format each second once.
  if (second !== lastSecond) {
    lastSecond = second;
    lastFormatted = new Date(second * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
  }
  return lastFormatted;
}

let lastSecond = NaN;
let lastFormatted = '';

/** metav1.MicroTime: microsecond precision (JavaScript has milliseconds; the rest is zero). */
export function formatMicroTime(date: Date | number): string {
  const d = typeof date === 'number' ? new Date(date) : date;
  return d.toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}
