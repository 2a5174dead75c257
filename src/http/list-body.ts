// A JSON list's body, written as kube-apiserver writes it but without building it: the envelope
// around each item's cached JSON bytes, copied once into mid-sized chunks that go out as they are
// filled. Writing asynchronously, with the socket's backpressure, lets the client receive and
// decrypt one chunk while the next is copied and encrypted here; written all at once (as before),
// a 50 MB list was copied twice and encrypted whole before its first byte left.
import type { ServerResponse } from 'node:http';
import { constants as zlibConstants, createGzip, type Gzip } from 'node:zlib';

/**
 * kube-apiserver's responsewriters compress a response only when the client accepts gzip and the
 * body is larger than this (defaultGzipThresholdBytes), at level 1 (defaultGzipContentEncodingLevel,
 * the cheapest: higher levels compress API JSON barely better for much more CPU).
 */
export const gzipThresholdBytes = 128 * 1024;
const gzipLevel = 1;

/**
 * Bytes per write. Big enough that per-write costs (stream bookkeeping, a TLS write) vanish, small
 * enough to stay in cache while it is copied and encrypted and to let the client start early.
 */
const chunkBytes = 256 * 1024;

/** Whether the request's Accept-Encoding lists gzip, token by token as kube-apiserver's negotiateContentEncoding reads it. */
export function acceptsGzip(acceptEncoding: string | undefined): boolean {
  if (!acceptEncoding) return false;
  return acceptEncoding.split(',').some((token) => token.trim() === 'gzip');
}

/** A list's JSON body as pieces (no copies of the items' bytes), and its length. */
export interface ListBody {
  pieces: Buffer[];
  length: number;
}

const comma = Buffer.from(',');
const openBrace = Buffer.from('{');
const tail = Buffer.from(']}\n');

/**
 * The body of a typed list: `{"kind":…,"apiVersion":…,"metadata":…,"items":[` then each item,
 * `]}` and the newline Go's json.Encoder ends a value with. Items are objects as stored, in Go's
 * field order, so their TypeMeta (`{"kind":…,"apiVersion":…,`) is their first bytes: an item
 * without it (as a typed list's items are written) is a `{` and a slice of the rest. An object
 * that does not start so (never expected) goes through parse and stringify.
 */
export function jsonListBody(head: string, typeMeta: Buffer, raws: Iterable<Buffer>, itemWithoutTypeMeta: (raw: Buffer) => Buffer): ListBody {
  const headBytes = Buffer.from(head);
  const pieces: Buffer[] = [headBytes];
  let length = headBytes.length;
  let first = true;
  for (const raw of raws) {
    if (!first) {
      pieces.push(comma);
      length += 1;
    }
    first = false;
    if (raw.length > typeMeta.length && raw.compare(typeMeta, 0, typeMeta.length, 0, typeMeta.length) === 0) {
      const rest = raw.subarray(typeMeta.length);
      pieces.push(openBrace, rest);
      length += 1 + rest.length;
    } else {
      const item = itemWithoutTypeMeta(raw);
      pieces.push(item);
      length += item.length;
    }
  }
  pieces.push(tail);
  length += tail.length;
  return { pieces, length };
}

/** Reads a body's pieces into buffers, one after another: each piece's bytes copied once. */
export class BodyCursor {
  private piece = 0;
  private offset = 0;
  left: number;

  constructor(private readonly body: ListBody) {
    this.left = body.length;
  }

  /** Fills `into` from the start with the next bytes; returns how many (less than its size only at the end). */
  fill(into: Buffer): number {
    let used = 0;
    const { pieces } = this.body;
    while (used < into.length && this.piece < pieces.length) {
      const piece = pieces[this.piece];
      const n = Math.min(piece.length - this.offset, into.length - used);
      piece.copy(into, used, this.offset, this.offset + n);
      used += n;
      this.offset += n;
      if (this.offset === piece.length) {
        this.piece++;
        this.offset = 0;
      }
    }
    this.left -= used;
    return used;
  }
}

/** The body's bytes in chunks of `size` (the last one shorter), each in its own buffer. */
export function* chunks(body: ListBody, size = chunkBytes): Generator<Buffer> {
  const cursor = new BodyCursor(body);
  while (cursor.left > 0) {
    const chunk = Buffer.allocUnsafe(Math.min(size, cursor.left));
    cursor.fill(chunk);
    yield chunk;
  }
}

/**
 * How many chunk buffers one response cycles through. A buffer is filled again once the socket
 * (or the compressor) is done with it, which is also the backpressure: no more than this is ever
 * queued. Reusing them spares the garbage collector 50 MB of short-lived buffers per large list.
 */
const buffersPerResponse = 4;

/**
 * Sends a list body with status 200: gzip-compressed when the client accepts it and the body is
 * over the threshold (as kube-apiserver), else as is with its Content-Length. Resolves when the
 * last byte is handed to the socket, or when the client has gone away.
 */
export async function sendListBody(res: ServerResponse, contentType: string, body: ListBody, acceptEncoding: string | undefined): Promise<void> {
  res.statusCode = 200;
  res.setHeader('Content-Type', contentType);
  const gzip = acceptsGzip(acceptEncoding) && body.length > gzipThresholdBytes;
  let out: ServerResponse | Gzip = res;
  if (gzip) {
    res.setHeader('Content-Encoding', 'gzip');
    res.appendHeader('Vary', 'Accept-Encoding');
    const gz = createGzip({ level: gzipLevel, chunkSize: 64 * 1024, flush: zlibConstants.Z_NO_FLUSH });
    gz.pipe(res);
    // A client that hangs up stops the compression too.
    res.once('close', () => gz.destroy());
    out = gz;
  } else {
    res.setHeader('Content-Length', body.length);
    // A body built whole (not from cached items) goes out as it is: no copy to make.
    if (body.pieces.length === 1) {
      res.end(body.pieces[0]);
      return;
    }
  }

  const free: Buffer[] = [];
  let allocated = 0;
  let wake: (() => void) | undefined;
  const release = (buf: Buffer) => () => {
    free.push(buf);
    wake?.();
  };
  const closed = () => wake?.();
  // A client that hangs up ends the wait for a buffer, and the compression.
  res.once('close', closed);
  const cursor = new BodyCursor(body);
  try {
    while (cursor.left > 0) {
      if (res.destroyed) return;
      let buf = free.pop();
      if (!buf && allocated < buffersPerResponse) {
        allocated++;
        buf = Buffer.allocUnsafeSlow(Math.min(chunkBytes, body.length));
      }
      if (!buf) {
        await new Promise<void>((resolve) => (wake = resolve));
        wake = undefined;
        continue;
      }
      const n = cursor.fill(buf);
      out.write(n === buf.length ? buf : buf.subarray(0, n), release(buf));
    }
    if (!res.destroyed) out.end();
  } finally {
    res.removeListener('close', closed);
  }
}
