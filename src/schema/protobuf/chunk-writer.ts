// A protobuf writer into plain Buffers, for bodies too large for protobufjs' Writer: that one
// records every field as a small operation object and copies all of them at finish(), which for a
// list of 10,000 pods is millions of objects. This one writes bytes in place, and a
// length-delimited field reserves its length's bytes up front and fixes them at the end (shifting
// the content only when the guess was wrong). Output is a list of chunks, each a whole number of
// the units the caller wrote (see startUnit), so no chunk is ever copied to grow.

const minChunkBytes = 1024 * 1024;

export class ChunkWriter {
  /** The chunk being written, and the write position in it. */
  buf: Buffer;
  pos = 0;
  private readonly done: Buffer[] = [];
  private doneBytes = 0;
  private readonly scratch = new DataView(new ArrayBuffer(8));

  constructor(initialBytes = minChunkBytes) {
    this.buf = Buffer.allocUnsafe(Math.max(64, initialBytes));
  }

  /**
   * Before a unit (a list item) of probably `expectedBytes`: starts a new chunk if this one is
   * unlikely to hold it, so a unit seldom has to be moved.
   */
  startUnit(expectedBytes: number): void {
    if (this.buf.length - this.pos >= expectedBytes) return;
    if (this.pos > 0) {
      this.done.push(this.buf.subarray(0, this.pos));
      this.doneBytes += this.pos;
    }
    this.buf = Buffer.allocUnsafe(Math.max(minChunkBytes, expectedBytes));
    this.pos = 0;
  }

  /** Room for `n` more bytes in the current chunk (grows it: what is in it moves along). */
  ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const grown = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.pos + n));
    this.buf.copy(grown, 0, 0, this.pos);
    this.buf = grown;
  }

  get length(): number {
    return this.doneBytes + this.pos;
  }

  /** The chunks written, in order; the writer is not to be used after. */
  finish(): Buffer[] {
    const chunks = this.done;
    if (this.pos > 0) chunks.push(this.buf.subarray(0, this.pos));
    return chunks;
  }

  byte(b: number): void {
    this.ensure(1);
    this.buf[this.pos++] = b;
  }

  /** A varint of a non-negative safe integer. */
  varint(n: number): void {
    this.ensure(10);
    const buf = this.buf;
    let pos = this.pos;
    while (n > 0x7fffffff) {
      buf[pos++] = (n % 128) | 0x80;
      n = Math.floor(n / 128);
    }
    while (n > 0x7f) {
      buf[pos++] = (n & 0x7f) | 0x80;
      n >>>= 7;
    }
    buf[pos++] = n;
    this.pos = pos;
  }

  /**
   * A negative safe integer as protobuf int32/int64 write it: its 64-bit two's complement, ten
   * varint bytes (protobufjs' LongBits.fromNumber, then negation).
   */
  negativeVarint(n: number): void {
    const abs = -n;
    let lo = abs >>> 0;
    let hi = ((abs - lo) / 4294967296) >>> 0;
    hi = ~hi >>> 0;
    lo = ~lo >>> 0;
    if (++lo > 4294967295) {
      lo = 0;
      if (++hi > 4294967295) hi = 0;
    }
    this.ensure(10);
    const buf = this.buf;
    let pos = this.pos;
    while (hi) {
      buf[pos++] = (lo & 127) | 128;
      lo = ((lo >>> 7) | (hi << 25)) >>> 0;
      hi >>>= 7;
    }
    while (lo > 127) {
      buf[pos++] = (lo & 127) | 128;
      lo >>>= 7;
    }
    buf[pos++] = lo;
    this.pos = pos;
  }

  double(value: number): void {
    this.scratch.setFloat64(0, value, true);
    this.raw8(8);
  }

  float(value: number): void {
    this.scratch.setFloat32(0, value, true);
    this.raw8(4);
  }

  private raw8(n: number): void {
    this.ensure(n);
    for (let i = 0; i < n; i++) this.buf[this.pos++] = this.scratch.getUint8(i);
  }

  /** Bytes of `src` from `start` to `end`. */
  copy(src: Uint8Array, start: number, end: number): void {
    const n = end - start;
    this.ensure(n);
    if (n < 64) {
      // A native copy costs more than a short loop.
      const buf = this.buf;
      let pos = this.pos;
      for (let i = start; i < end; i++) buf[pos++] = src[i]!;
      this.pos = pos;
    } else {
      this.buf.set(src.subarray(start, end), this.pos);
      this.pos += n;
    }
  }

  /** A string's UTF-8 bytes with their length before them. */
  lengthPrefixedString(text: string): void {
    const n = Buffer.byteLength(text);
    this.varint(n);
    this.ensure(n);
    this.pos += this.buf.write(text, this.pos, 'utf8');
  }

  /**
   * Starts a length-delimited value: reserves `reserved` bytes for its length; returns where
   * they are, for endLength.
   */
  beginLength(reserved: number): number {
    this.ensure(reserved);
    const at = this.pos;
    this.pos += reserved;
    return at;
  }

  /** Ends a value begun at `at` with `reserved` length bytes; returns the bytes its length took. */
  endLength(at: number, reserved: number): number {
    const start = at + reserved;
    const len = this.pos - start;
    const need = varintSize(len);
    if (need !== reserved) {
      // The guess was wrong: move the content so that the length is minimal, as Go writes it.
      this.ensure(need - reserved);
      this.buf.copyWithin(at + need, start, this.pos);
      this.pos += need - reserved;
    }
    let p = at;
    let n = len;
    const buf = this.buf;
    while (n > 0x7f) {
      buf[p++] = (n & 0x7f) | 0x80;
      n >>>= 7;
    }
    buf[p] = n;
    return need;
  }
}

/** Bytes of the varint of a non-negative safe integer. */
export function varintSize(n: number): number {
  if (n < 0x80) return 1;
  if (n < 0x4000) return 2;
  if (n < 0x200000) return 3;
  if (n < 0x10000000) return 4;
  let size = 5;
  n = Math.floor(n / 0x800000000);
  while (n > 0) {
    size++;
    n = Math.floor(n / 128);
  }
  return size;
}
