// Sets of completion indexes as ordered, merged intervals, written the way status.completedIndexes,
// status.failedIndexes and successPolicy.rules[].succeededIndexes spell them: "0-2,4,6,7" (two
// neighbours are listed with a comma, three or more as a range), the job controller's
// orderedIntervals.

export interface Interval {
  first: number;
  last: number;
}

export class IndexIntervals {
  static readonly empty = new IndexIntervals([]);

  private constructor(readonly intervals: readonly Interval[]) {}

  /**
   * Parses "1,3-5": out-of-range parts (at or past `completions`) are dropped or clipped,
   * unparseable ones skipped, as upstream does with a status someone else wrote.
   */
  static parse(text: string | undefined, completions: number): IndexIntervals {
    if (!text) return IndexIntervals.empty;
    const result: Interval[] = [];
    for (const part of text.split(',')) {
      const limits = part.split('-');
      const first = goAtoi(limits[0]!);
      if (first === undefined) continue;
      if (first >= completions) break;
      let last = first;
      if (limits.length > 1) {
        const parsed = goAtoi(limits[1]!);
        if (parsed === undefined) continue;
        last = Math.min(parsed, completions - 1);
      }
      const prev = result[result.length - 1];
      if (prev && prev.last === first - 1) prev.last = last;
      else result.push({ first, last });
    }
    return new IndexIntervals(result);
  }

  /** These intervals plus `indexes`, which must be in increasing order. */
  withIndexes(indexes: readonly number[]): IndexIntervals {
    return this.merge(new IndexIntervals(indexes.map((i) => ({ first: i, last: i }))));
  }

  merge(other: IndexIntervals): IndexIntervals {
    const result: Interval[] = [];
    const push = (iv: Interval) => {
      const prev = result[result.length - 1];
      if (!prev || iv.first > prev.last + 1) result.push({ ...iv });
      else if (prev.last < iv.last) prev.last = iv.last;
    };
    const a = this.intervals;
    const b = other.intervals;
    let i = 0;
    let j = 0;
    while (i < a.length && j < b.length) {
      if (a[i]!.first < b[j]!.first) push(a[i++]!);
      else push(b[j++]!);
    }
    while (i < a.length) push(a[i++]!);
    while (j < b.length) push(b[j++]!);
    return new IndexIntervals(result);
  }

  total(): number {
    return this.intervals.reduce((n, iv) => n + iv.last - iv.first + 1, 0);
  }

  has(index: number): boolean {
    return this.intervals.some((iv) => iv.first <= index && index <= iv.last);
  }

  isEmpty(): boolean {
    return this.intervals.length === 0;
  }

  toString(): string {
    return this.intervals
      .map((iv) => (iv.last === iv.first ? `${iv.first}` : `${iv.first}${iv.last === iv.first + 1 ? ',' : '-'}${iv.last}`))
      .join(',');
  }
}

// strconv.Atoi: an optional sign and decimal digits, nothing else.
function goAtoi(text: string): number | undefined {
  return /^[+-]?\d+$/.test(text) ? Number(text) : undefined;
}
