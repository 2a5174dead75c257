// Go's time.RFC3339Nano as metav1.MicroTime and kwok templates print it: fractional seconds
// without trailing zeros, none at all on a whole second.

export function rfc3339Nano(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, (_m, frac: string) => (frac === '000' ? 'Z' : `.${frac.replace(/0+$/, '')}Z`));
}
