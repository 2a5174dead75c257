// Go's time.ParseDuration, which kube flags (--event-ttl) and kwok Stage values are written in:
// "1.5s", "300ms", "1h2m", "0".

/** The duration in milliseconds, or undefined when the text is not a Go duration. */
export function goDurationMs(text: string): number | undefined {
  const units: Record<string, number> = { ns: 1e-6, us: 1e-3, µs: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
  const m = /^([-+]?)((?:\d+(?:\.\d*)?|\.\d+)(?:ns|us|µs|ms|s|m|h))+$/.exec(text);
  if (!m) return /^[-+]?0$/.test(text) ? 0 : undefined;
  let total = 0;
  for (const part of text.replace(/^[-+]/, '').matchAll(/(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h)/g)) total += Number(part[1]) * units[part[2]!]!;
  return m[1] === '-' ? -total : total;
}
