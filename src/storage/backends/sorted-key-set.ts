// An ordered set of keys for prefix listing and counting (the memory backend's): a SortedByKey
// whose items are the keys themselves.
import { SortedByKey } from '../sorted-by-key.js';

const itself = (key: string): string => key;

export class SortedKeySet {
  private index = new SortedByKey<string>(itself);

  /** Builds a set from keys already in ascending order (e.g. read back from disk). */
  static fromSorted(keys: readonly string[]): SortedKeySet {
    const set = new SortedKeySet();
    set.index = SortedByKey.fromSorted(itself, keys);
    return set;
  }

  get size(): number {
    return this.index.size;
  }

  /** Adds `key`; false if it was already present. */
  add(key: string): boolean {
    return this.index.set(key) === undefined;
  }

  /** Removes `key`; false if it was absent. */
  delete(key: string): boolean {
    return this.index.delete(key) !== undefined;
  }

  /** Number of keys k with `from` <= k < `to` (`to` undefined: no upper bound). */
  countRange(from: string, to: string | undefined): number {
    return this.index.countRange(from, to);
  }

  /**
   * Keys in ascending order, starting at `from` (excluded when `exclusive`), stopping before
   * `to` (undefined: the end). Must not be used across a modification of the set.
   */
  range(from: string, exclusive: boolean, to: string | undefined): Generator<string> {
    return this.index.range(from, exclusive, to);
  }
}
