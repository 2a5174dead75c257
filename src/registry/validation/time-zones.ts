// IANA time zone names as Go's time.LoadLocation accepts them, answered by the ICU database
// that ships with Node.
export function unknownTimeZoneError(name: string): string {
  return `unknown time zone ${name}`;
}

/** The error time.LoadLocation would return for `name`, or undefined if it loads. */
export function loadLocationError(name: string): string | undefined {
  if (name === '' || name === 'UTC' || name === 'Local') return undefined;
  // Go's zone lookups are case-sensitive; ICU's are not. Every zone name segment starts with a
  // capital letter ("America/New_York", "Etc/GMT+5"), so a lowercase start cannot be a zone.
  for (const segment of name.split('/')) {
    if (segment === '' || /^[a-z]/.test(segment)) return unknownTimeZoneError(name);
  }
  let resolved: string;
  try {
    resolved = new Intl.DateTimeFormat('en-US', { timeZone: name }).resolvedOptions().timeZone;
  } catch {
    return unknownTimeZoneError(name);
  }
  if (resolved !== name && resolved.toLowerCase() === name.toLowerCase()) return unknownTimeZoneError(name);
  return undefined;
}
