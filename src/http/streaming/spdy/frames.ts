// SPDY/3.1 framing (the transport of kubectl's exec, attach and port-forward streams): splitting
// bytes into frames and writing frames. Header blocks are compressed per direction, so the
// encoder and the decoder each own one zlib context (header-block.ts).
import { HeaderBlockReader, HeaderBlockWriter, SpdyProtocolError, type SpdyHeaders } from './header-block.js';

export const SPDY_VERSION = 3;

export const FLAG_FIN = 0x01;
export const FLAG_UNIDIRECTIONAL = 0x02;

/** RST_STREAM status codes. */
export const RstStatus = {
  PROTOCOL_ERROR: 1,
  INVALID_STREAM: 2,
  REFUSED_STREAM: 3,
  CANCEL: 5,
  INTERNAL_ERROR: 6,
  STREAM_IN_USE: 8,
  STREAM_ALREADY_CLOSED: 9,
} as const;

const controlTypes = {
  syn_stream: 1,
  syn_reply: 2,
  rst_stream: 3,
  settings: 4,
  ping: 6,
  goaway: 7,
  headers: 8,
  window_update: 9,
} as const;

export type SpdyFrame =
  | { type: 'data'; streamId: number; flags: number; data: Buffer }
  | { type: 'syn_stream'; streamId: number; associatedStreamId: number; priority: number; flags: number; headers: SpdyHeaders }
  | { type: 'syn_reply'; streamId: number; flags: number; headers: SpdyHeaders }
  | { type: 'rst_stream'; streamId: number; status: number }
  | { type: 'settings'; flags: number; entries: { id: number; flags: number; value: number }[] }
  | { type: 'ping'; id: number }
  | { type: 'goaway'; lastGoodStreamId: number; status: number }
  | { type: 'headers'; streamId: number; flags: number; headers: SpdyHeaders }
  | { type: 'window_update'; streamId: number; delta: number };

/** A frame as cut from the byte stream, before its header block (if any) is inflated. */
interface RawFrame {
  control: boolean;
  /** Control frames: the type; data frames: the stream id. */
  typeOrStream: number;
  version: number;
  flags: number;
  payload: Buffer;
}

/** The largest DATA payload written in one frame (the length field allows 16 MiB; peers buffer less). */
export const MAX_DATA_PAYLOAD = 64 * 1024;

export class FrameEncoder {
  private readonly headers = new HeaderBlockWriter();

  encode(frame: SpdyFrame): Buffer {
    switch (frame.type) {
      case 'data': {
        const head = Buffer.alloc(8);
        head.writeUInt32BE(frame.streamId & 0x7fffffff, 0);
        head.writeUInt32BE((((frame.flags & 0xff) << 24) | frame.data.length) >>> 0, 4);
        return Buffer.concat([head, frame.data]);
      }
      case 'syn_stream': {
        const fixed = Buffer.alloc(10);
        fixed.writeUInt32BE(frame.streamId & 0x7fffffff, 0);
        fixed.writeUInt32BE(frame.associatedStreamId & 0x7fffffff, 4);
        fixed[8] = (frame.priority & 0x7) << 5;
        fixed[9] = 0;
        return control('syn_stream', frame.flags, Buffer.concat([fixed, this.headers.compress(frame.headers)]));
      }
      case 'syn_reply':
      case 'headers':
        return control(frame.type, frame.flags, Buffer.concat([u32(frame.streamId & 0x7fffffff), this.headers.compress(frame.headers)]));
      case 'rst_stream':
        return control('rst_stream', 0, Buffer.concat([u32(frame.streamId & 0x7fffffff), u32(frame.status)]));
      case 'settings': {
        const body = [u32(frame.entries.length)];
        for (const e of frame.entries) body.push(u32(((e.flags & 0xff) << 24) | (e.id & 0xffffff)), u32(e.value));
        return control('settings', frame.flags, Buffer.concat(body));
      }
      case 'ping':
        return control('ping', 0, u32(frame.id));
      case 'goaway':
        return control('goaway', 0, Buffer.concat([u32(frame.lastGoodStreamId & 0x7fffffff), u32(frame.status)]));
      case 'window_update':
        return control('window_update', 0, Buffer.concat([u32(frame.streamId & 0x7fffffff), u32(frame.delta & 0x7fffffff)]));
    }
  }
}

/**
 * Cuts incoming bytes into frames and inflates header blocks, in order. `push` never blocks;
 * frames come out of `next()` one at a time (inflating is asynchronous in Node).
 */
export class FrameDecoder {
  private buffered: Buffer[] = [];
  private length = 0;
  private readonly headers = new HeaderBlockReader();

  push(bytes: Buffer): void {
    if (bytes.length === 0) return;
    this.buffered.push(bytes);
    this.length += bytes.length;
  }

  /** The next complete frame, or undefined when more bytes are needed. */
  async next(): Promise<SpdyFrame | { type: 'unknown'; frameType: number } | undefined> {
    const raw = this.cut();
    if (!raw) return undefined;
    return this.decode(raw);
  }

  close(): void {
    this.headers.close();
  }

  private cut(): RawFrame | undefined {
    if (this.length < 8) return undefined;
    const all = this.buffered.length === 1 ? this.buffered[0] : Buffer.concat(this.buffered);
    this.buffered = [all];
    const word = all.readUInt32BE(0);
    const flagsLength = all.readUInt32BE(4);
    const payloadLength = flagsLength & 0xffffff;
    if (all.length < 8 + payloadLength) return undefined;
    const payload = all.subarray(8, 8 + payloadLength);
    const rest = all.subarray(8 + payloadLength);
    this.buffered = rest.length ? [rest] : [];
    this.length = rest.length;
    const control = (word & 0x80000000) !== 0;
    return {
      control,
      typeOrStream: control ? word & 0xffff : word & 0x7fffffff,
      version: control ? (word >>> 16) & 0x7fff : SPDY_VERSION,
      flags: flagsLength >>> 24,
      // A copy: the caller may keep it after later bytes reuse the buffer.
      payload: Buffer.from(payload),
    };
  }

  private async decode(raw: RawFrame): Promise<SpdyFrame | { type: 'unknown'; frameType: number }> {
    if (!raw.control) return { type: 'data', streamId: raw.typeOrStream, flags: raw.flags, data: raw.payload };
    if (raw.version !== SPDY_VERSION) throw new SpdyProtocolError(`unsupported SPDY version ${raw.version}`);
    const p = raw.payload;
    const need = (n: number) => {
      if (p.length < n) throw new SpdyProtocolError(`control frame ${raw.typeOrStream} too short`);
    };
    switch (raw.typeOrStream) {
      case controlTypes.syn_stream:
        need(10);
        return {
          type: 'syn_stream',
          streamId: p.readUInt32BE(0) & 0x7fffffff,
          associatedStreamId: p.readUInt32BE(4) & 0x7fffffff,
          priority: p[8] >> 5,
          flags: raw.flags,
          headers: await this.headers.decompress(p.subarray(10)),
        };
      case controlTypes.syn_reply:
        need(4);
        return { type: 'syn_reply', streamId: p.readUInt32BE(0) & 0x7fffffff, flags: raw.flags, headers: await this.headers.decompress(p.subarray(4)) };
      case controlTypes.headers:
        need(4);
        return { type: 'headers', streamId: p.readUInt32BE(0) & 0x7fffffff, flags: raw.flags, headers: await this.headers.decompress(p.subarray(4)) };
      case controlTypes.rst_stream:
        need(8);
        return { type: 'rst_stream', streamId: p.readUInt32BE(0) & 0x7fffffff, status: p.readUInt32BE(4) };
      case controlTypes.settings: {
        need(4);
        const count = p.readUInt32BE(0);
        need(4 + count * 8);
        const entries = [];
        for (let i = 0; i < count; i++) {
          const idWord = p.readUInt32BE(4 + i * 8);
          entries.push({ flags: idWord >>> 24, id: idWord & 0xffffff, value: p.readUInt32BE(8 + i * 8) });
        }
        return { type: 'settings', flags: raw.flags, entries };
      }
      case controlTypes.ping:
        need(4);
        return { type: 'ping', id: p.readUInt32BE(0) };
      case controlTypes.goaway:
        need(4);
        return { type: 'goaway', lastGoodStreamId: p.readUInt32BE(0) & 0x7fffffff, status: p.length >= 8 ? p.readUInt32BE(4) : 0 };
      case controlTypes.window_update:
        need(8);
        return { type: 'window_update', streamId: p.readUInt32BE(0) & 0x7fffffff, delta: p.readUInt32BE(4) & 0x7fffffff };
      default:
        return { type: 'unknown', frameType: raw.typeOrStream };
    }
  }
}

function control(type: keyof typeof controlTypes, flags: number, payload: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE((0x80000000 | (SPDY_VERSION << 16) | controlTypes[type]) >>> 0, 0);
  head.writeUInt32BE((((flags & 0xff) << 24) | payload.length) >>> 0, 4);
  return Buffer.concat([head, payload]);
}

function u32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n >>> 0);
  return b;
}
