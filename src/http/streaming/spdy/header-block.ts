// SPDY/3 name/value header blocks and their zlib compression. Each direction of a session is one
// zlib stream against the SPDY/3 dictionary, flushed (Z_SYNC_FLUSH) after every block.
//
// Outgoing blocks are written as stored (uncompressed) deflate blocks: that is valid zlib any
// inflater reads, and it keeps writing synchronous, so frames leave in the order they are made
// (Node's zlib contexts are asynchronous). Header blocks here are a few dozen bytes, so nothing
// is lost by not compressing them.
import zlib from 'node:zlib';
import { spdy3Dictionary } from './dictionary.js';

/** Header names are lower case; a name may carry several values (NUL-separated on the wire). */
export type SpdyHeaders = Record<string, string[]>;

export function headerValue(headers: SpdyHeaders, name: string): string | undefined {
  return headers[name.toLowerCase()]?.[0];
}

export function encodeNameValueBlock(headers: SpdyHeaders): Buffer {
  const entries = Object.entries(headers);
  const parts: Buffer[] = [uint32(entries.length)];
  for (const [name, values] of entries) {
    const n = Buffer.from(name.toLowerCase(), 'utf8');
    const v = Buffer.from(values.join('\0'), 'utf8');
    parts.push(uint32(n.length), n, uint32(v.length), v);
  }
  return Buffer.concat(parts);
}

export function decodeNameValueBlock(block: Buffer): SpdyHeaders {
  const headers: SpdyHeaders = {};
  let at = 0;
  const take = (): Buffer => {
    if (at + 4 > block.length) throw new SpdyProtocolError('truncated header block');
    const len = block.readUInt32BE(at);
    at += 4;
    if (at + len > block.length) throw new SpdyProtocolError('truncated header block');
    const out = block.subarray(at, at + len);
    at += len;
    return out;
  };
  if (block.length < 4) throw new SpdyProtocolError('truncated header block');
  const count = block.readUInt32BE(0);
  at = 4;
  for (let i = 0; i < count; i++) {
    const name = take().toString('utf8').toLowerCase();
    const values = take().toString('utf8').split('\0');
    (headers[name] ??= []).push(...values);
  }
  return headers;
}

export class SpdyProtocolError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SpdyProtocolError';
  }
}

/** The compressing side of one direction: stored deflate blocks after a zlib header naming the dictionary. */
export class HeaderBlockWriter {
  private started = false;

  compress(headers: SpdyHeaders): Buffer {
    const raw = encodeNameValueBlock(headers);
    const parts: Buffer[] = [];
    if (!this.started) {
      this.started = true;
      parts.push(zlibHeaderWithDictionary());
    }
    // Stored blocks hold at most 65535 bytes each; none is final, as a sync flush leaves it.
    for (let at = 0; at < raw.length; at += 0xffff) parts.push(storedBlock(raw.subarray(at, Math.min(raw.length, at + 0xffff))));
    // The empty stored block a sync flush ends with: it is what makes an inflater (Go's flate
    // among them) hand out what it has decoded, instead of waiting for the next block.
    parts.push(storedBlock(Buffer.alloc(0)));
    return Buffer.concat(parts);
  }
}

/** The decompressing side of one direction: one inflater for the whole session. */
export class HeaderBlockReader {
  private readonly inflater = zlib.createInflate({ dictionary: spdy3Dictionary });
  private failure: Error | undefined;

  constructor() {
    this.inflater.on('error', (err) => (this.failure = err));
  }

  decompress(compressed: Buffer): Promise<SpdyHeaders> {
    return new Promise((resolve, reject) => {
      if (this.failure) return reject(this.failure);
      this.inflater.write(compressed);
      this.inflater.flush(zlib.constants.Z_SYNC_FLUSH, () => {
        if (this.failure) return reject(new SpdyProtocolError(`header block does not inflate: ${this.failure.message}`));
        const out: Buffer[] = [];
        for (let chunk: Buffer | null; (chunk = this.inflater.read() as Buffer | null) !== null; ) out.push(chunk);
        try {
          resolve(decodeNameValueBlock(Buffer.concat(out)));
        } catch (err) {
          reject(err);
        }
      });
    });
  }

  close(): void {
    this.inflater.destroy();
  }
}

function storedBlock(data: Buffer): Buffer {
  const head = Buffer.alloc(5);
  head[0] = 0; // BFINAL=0, BTYPE=00 (stored)
  head.writeUInt16LE(data.length, 1);
  head.writeUInt16LE(~data.length & 0xffff, 3);
  return Buffer.concat([head, data]);
}

function zlibHeaderWithDictionary(): Buffer {
  const head = Buffer.alloc(6);
  head[0] = 0x78; // deflate, 32K window
  const flg = 0x20; // FDICT, fastest level
  head[1] = flg + (31 - (((head[0] << 8) | flg) % 31));
  head.writeUInt32BE(adler32(spdy3Dictionary), 2);
  return head;
}

export function adler32(data: Uint8Array): number {
  let a = 1;
  let b = 0;
  for (const byte of data) {
    a = (a + byte) % 65521;
    b = (b + a) % 65521;
  }
  return ((b << 16) | a) >>> 0;
}

function uint32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
}
