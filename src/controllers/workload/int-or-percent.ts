// IntOrString fields such as maxSurge and maxUnavailable: a number, or a percentage of a total
// (intstr.GetScaledValueFromIntOrPercent).
type IntOrString = number | string;

/** An int-or-percent of `total`, percentages rounded up or down. */
export function scaledValue(value: IntOrString | undefined, total: number, roundUp: boolean): number {
  if (value === undefined) return 0;
  if (typeof value === 'number') return value;
  const m = /^(\d+)%$/.exec(value);
  if (!m) {
    const n = Number(value);
    if (Number.isInteger(n)) return n;
    throw new Error(`invalid value for IntOrString: invalid value "${value}": must be an integer or percentage (e.g '5%')`);
  }
  const exact = (Number(m[1]) * total) / 100;
  return roundUp ? Math.ceil(exact) : Math.floor(exact);
}
