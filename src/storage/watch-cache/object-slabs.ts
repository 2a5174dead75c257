// Where the watch cache keeps its objects' bytes: appended to shared slabs of 1 MB, each object a
// (slab, offset, length) range, rather than a native allocation per object. One allocation per
// object cost about 700 bytes beside the bytes themselves (the malloc chunk, an ArrayBuffer and
// its backing-store record) and left the native heap fragmented once objects were replaced.
//
// A slab is never written twice at the same place, so a view handed out (a list being sent, a
// watch event queued) stays valid however long it lives; it only keeps its slab alive. The cache
// says which objects it still holds (retain/release); once less than half of a full slab is held,
// the held objects move to the current slab and the old one is left to the garbage collector.

/** Where an object's bytes were written. */
export interface SlabPlacement {
  slab: Slab;
  slabOffset: number;
  byteLength: number;
}

/** The bytes of one object (a CachedObject), movable by compaction. */
export interface SlabRange extends SlabPlacement {
  /**
   * Holders in the cache (current state, history events): the range is live while > 0, and
   * from track() until its first retain (-1: just written, about to be stored).
   */
  refs: number;
}

export class Slab {
  used = 0;
  /** Bytes of live ranges (refs ≠ 0). */
  live = 0;
  /** Every range placed here by ObjectSlabs (the held ones are moved when the slab is compacted). */
  ranges: SlabRange[] = [];
  constructor(readonly bytes: Buffer) {}

  /** A slab of one buffer's bytes, outside any ObjectSlabs (an object made from a Buffer). */
  static of(bytes: Buffer): Slab {
    const slab = new Slab(bytes);
    slab.used = bytes.length;
    return slab;
  }
}

/**
 * A little under 1 MiB: malloc serves a slab this large with a mapping of its own, and adds its
 * chunk header to the request. At exactly 1 MiB that header took a 257th page (4 KB more per slab,
 * 0.4 % of every stored byte); 64 bytes less keeps the mapping at 256 pages.
 */
const SLAB_BYTES = 1024 * 1024 - 64;
/** An object larger than this gets a slab of its own (a big object would waste a slab's tail). */
const OWN_SLAB_BYTES = SLAB_BYTES / 4;

export class ObjectSlabs {
  private current: Slab | undefined;

  /**
   * Copies `json` (as UTF-8) into a slab. The object made on the placement must be handed to
   * track() at once, and retained once stored.
   */
  write(json: string | Buffer): SlabPlacement {
    const byteLength = typeof json === 'string' ? Buffer.byteLength(json) : json.length;
    const slab = this.slabFor(byteLength);
    const slabOffset = slab.used;
    // The whole string fits (its byteLength was reserved); without length and encoding, write() takes its quicker path.
    if (typeof json === 'string') slab.bytes.write(json, slabOffset);
    else json.copy(slab.bytes, slabOffset);
    slab.used += byteLength;
    return { slab, slabOffset, byteLength };
  }

  track(range: SlabRange): void {
    range.refs = -1;
    range.slab.live += range.byteLength;
    range.slab.ranges.push(range);
  }

  retain(range: SlabRange): void {
    if (range.refs === -1) range.refs = 1;
    else if (range.refs++ === 0) range.slab.live += range.byteLength;
  }

  release(range: SlabRange): void {
    if (range.refs <= 0) return;
    if (--range.refs > 0) return;
    const slab = range.slab;
    slab.live -= range.byteLength;
    if (slab !== this.current && slab.live * 2 < slab.used) this.compact(slab);
  }

  /** Moves the held ranges of `slab` to the current slab; the old one goes once nothing views it. */
  private compact(old: Slab): void {
    const held = old.ranges.filter((r) => r.refs !== 0);
    old.ranges = [];
    old.live = 0;
    for (const range of held) {
      const slab = this.slabFor(range.byteLength);
      old.bytes.copy(slab.bytes, slab.used, range.slabOffset, range.slabOffset + range.byteLength);
      range.slab = slab;
      range.slabOffset = slab.used;
      slab.used += range.byteLength;
      slab.live += range.byteLength;
      slab.ranges.push(range);
    }
  }

  private slabFor(length: number): Slab {
    if (length > OWN_SLAB_BYTES) return new Slab(Buffer.allocUnsafeSlow(length));
    if (!this.current || this.current.used + length > this.current.bytes.length) {
      const previous = this.current;
      this.current = new Slab(Buffer.allocUnsafeSlow(SLAB_BYTES));
      // A slab stops being current full, maybe already mostly released: check it now.
      if (previous && previous.live * 2 < previous.used) this.compact(previous);
    }
    return this.current;
  }
}
