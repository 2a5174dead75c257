// An ordered set of keys for prefix listing and counting. A flat sorted array would cost a
// memmove of the whole array on every insert (100k keys: 800 KB per create); sorted chunks
// of bounded size keep inserts and deletes cheap while staying simple and cache-friendly.

const MAX_CHUNK = 1024;

interface Position {
  chunk: number;
  offset: number;
}

export class SortedKeySet {
  private chunks: string[][] = [];
  private count = 0;

  /** Builds a set from keys already in ascending order (e.g. read back from disk). */
  static fromSorted(keys: readonly string[]): SortedKeySet {
    const set = new SortedKeySet();
    for (let i = 0; i < keys.length; i += MAX_CHUNK / 2) set.chunks.push(keys.slice(i, i + MAX_CHUNK / 2));
    set.count = keys.length;
    return set;
  }

  get size(): number {
    return this.count;
  }

  /** Adds `key`; false if it was already present. */
  add(key: string): boolean {
    const chunks = this.chunks;
    if (chunks.length === 0) {
      chunks.push([key]);
      this.count = 1;
      return true;
    }
    let c = this.chunkFor(key);
    if (c === chunks.length) c--;
    const chunk = chunks[c]!;
    const offset = lowerBound(chunk, key);
    if (chunk[offset] === key) return false;
    chunk.splice(offset, 0, key);
    this.count++;
    if (chunk.length > MAX_CHUNK) chunks.splice(c + 1, 0, chunk.splice(chunk.length >> 1));
    return true;
  }

  /** Removes `key`; false if it was absent. */
  delete(key: string): boolean {
    const c = this.chunkFor(key);
    if (c === this.chunks.length) return false;
    const chunk = this.chunks[c]!;
    const offset = lowerBound(chunk, key);
    if (chunk[offset] !== key) return false;
    chunk.splice(offset, 1);
    this.count--;
    if (chunk.length === 0) this.chunks.splice(c, 1);
    return true;
  }

  /** Number of keys k with `from` <= k < `to` (`to` undefined: no upper bound). */
  countRange(from: string, to: string | undefined): number {
    const start = this.lowerPosition(from);
    const end = to === undefined ? { chunk: this.chunks.length, offset: 0 } : this.lowerPosition(to);
    if (start.chunk === end.chunk) return Math.max(0, end.offset - start.offset);
    if (start.chunk > end.chunk) return 0;
    let n = this.chunks[start.chunk]!.length - start.offset + end.offset;
    for (let c = start.chunk + 1; c < end.chunk; c++) n += this.chunks[c]!.length;
    return n;
  }

  /**
   * Keys in ascending order, starting at `from` (excluded when `exclusive`), stopping before
   * `to` (undefined: the end). Must not be used across a modification of the set.
   */
  *range(from: string, exclusive: boolean, to: string | undefined): Generator<string> {
    const pos = this.lowerPosition(from);
    const chunks = this.chunks;
    let { chunk: c, offset: o } = pos;
    if (exclusive && c < chunks.length && chunks[c]![o] === from) o++;
    for (; c < chunks.length; c++, o = 0) {
      const chunk = chunks[c]!;
      for (; o < chunk.length; o++) {
        const key = chunk[o]!;
        if (to !== undefined && key >= to) return;
        yield key;
      }
    }
  }

  /** Index of the first chunk whose last key is >= key (chunks.length when none). */
  private chunkFor(key: string): number {
    const chunks = this.chunks;
    let lo = 0;
    let hi = chunks.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const chunk = chunks[mid]!;
      if (chunk[chunk.length - 1]! < key) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private lowerPosition(key: string): Position {
    const chunk = this.chunkFor(key);
    if (chunk === this.chunks.length) return { chunk, offset: 0 };
    return { chunk, offset: lowerBound(this.chunks[chunk]!, key) };
  }
}

function lowerBound(sorted: readonly string[], key: string): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid]! < key) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
