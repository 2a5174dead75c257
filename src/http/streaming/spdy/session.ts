// The server side of a SPDY/3.1 session as kubelets speak it to kubectl (through
// k8s.io/apimachinery's httpstream/spdy, built on moby/spdystream): the client opens every
// stream; each gets a SYN_REPLY at once (the client waits for it before using the stream), pings
// are echoed, and flow control is not enforced in either direction (spdystream does not either).
import { Duplex } from 'node:stream';
import { FLAG_FIN, FrameDecoder, FrameEncoder, MAX_DATA_PAYLOAD, RstStatus, type SpdyFrame } from './frames.js';
import type { SpdyHeaders } from './header-block.js';

/** Where frames go: a socket, or binary WebSocket messages (port-forward's tunnel). */
export interface FrameTransport {
  write(bytes: Buffer): void;
  /** Close once what was written has gone out. */
  end(): void;
}

export class SpdyStream extends Duplex {
  private localFinished = false;
  private remoteFinished = false;
  private wasReset = false;

  constructor(
    readonly id: number,
    readonly headers: SpdyHeaders,
    private readonly session: SpdySession,
  ) {
    super({ allowHalfOpen: true });
  }

  header(name: string): string | undefined {
    return this.headers[name.toLowerCase()]?.[0];
  }

  override _read(): void {
    // Data is pushed as frames arrive; SPDY flow control is not used (see the file comment).
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    // After a reset or the session's end the peer wants no more: drop quietly rather than fail pipes.
    if (!this.wasReset && !this.localFinished && this.session.isOpen()) {
      for (let at = 0; at < chunk.length; at += MAX_DATA_PAYLOAD) {
        this.session.send({ type: 'data', streamId: this.id, flags: 0, data: chunk.subarray(at, at + MAX_DATA_PAYLOAD) });
      }
    }
    callback();
  }

  override _final(callback: (error?: Error | null) => void): void {
    this.finishLocal();
    callback();
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    // Going away before both halves closed cancels the stream for the peer too.
    if (!this.wasReset && !(this.localFinished && this.remoteFinished) && this.session.isOpen()) {
      this.session.send({ type: 'rst_stream', streamId: this.id, status: RstStatus.CANCEL });
    }
    this.wasReset = true;
    this.session.forget(this.id);
    callback(error);
  }

  /** @internal frames from the peer */
  receiveData(data: Buffer, fin: boolean): void {
    if (this.remoteFinished || this.wasReset) return;
    if (data.length) this.push(data);
    if (fin) this.finishRemote();
  }

  /** @internal */
  finishRemote(): void {
    if (this.remoteFinished) return;
    this.remoteFinished = true;
    this.push(null);
    this.forgetWhenDone();
  }

  /** @internal the peer reset the stream or the session ended */
  abort(): void {
    if (this.wasReset) return;
    this.wasReset = true;
    this.destroy();
  }

  private finishLocal(): void {
    if (this.localFinished) return;
    this.localFinished = true;
    if (!this.wasReset && this.session.isOpen()) this.session.send({ type: 'data', streamId: this.id, flags: FLAG_FIN, data: Buffer.alloc(0) });
    this.forgetWhenDone();
  }

  private forgetWhenDone(): void {
    if (this.localFinished && this.remoteFinished) this.session.forget(this.id);
  }
}

export interface SpdySessionOptions {
  /** Called for every stream the client opens (after its SYN_REPLY went out). */
  onStream(stream: SpdyStream): void;
  /** Called once, when the session is over (either side closed it, or the peer broke the protocol). */
  onClose?(reason: string): void;
}

export class SpdySession {
  private readonly streams = new Map<number, SpdyStream>();
  private readonly encoder = new FrameEncoder();
  private readonly decoder = new FrameDecoder();
  private pumping = false;
  private open = true;
  private lastStreamId = 0;

  constructor(
    private readonly transport: FrameTransport,
    private readonly options: SpdySessionOptions,
  ) {}

  isOpen(): boolean {
    return this.open;
  }

  /** Streams still open (tests check nothing leaks). */
  openStreams(): number {
    return this.streams.size;
  }

  /** Bytes from the peer. */
  receive(bytes: Buffer): void {
    if (!this.open) return;
    this.decoder.push(bytes);
    void this.pump();
  }

  send(frame: SpdyFrame): void {
    if (this.open) this.transport.write(this.encoder.encode(frame));
  }

  /** Ends the session politely: GOAWAY, then the transport closes once flushed. */
  close(reason = 'closed by the server'): void {
    if (!this.open) return;
    this.send({ type: 'goaway', lastGoodStreamId: this.lastStreamId, status: 0 });
    this.transport.end();
    this.terminate(reason);
  }

  /** The transport went away underneath (the client disconnected). */
  transportClosed(): void {
    this.terminate('the connection closed');
  }

  /** @internal */
  forget(id: number): void {
    this.streams.delete(id);
  }

  private terminate(reason: string): void {
    if (!this.open) return;
    this.open = false;
    for (const stream of [...this.streams.values()]) stream.abort();
    this.streams.clear();
    this.decoder.close();
    this.options.onClose?.(reason);
  }

  private async pump(): Promise<void> {
    if (this.pumping) return;
    this.pumping = true;
    try {
      while (this.open) {
        const frame = await this.decoder.next();
        if (!frame) break;
        this.handle(frame);
      }
    } catch (err) {
      // A peer that breaks framing cannot be answered on any stream: say so and hang up.
      if (this.open) {
        this.send({ type: 'goaway', lastGoodStreamId: this.lastStreamId, status: 1 });
        this.transport.end();
      }
      this.terminate(`protocol error: ${err instanceof Error ? err.message : String(err)}`);
    } finally {
      this.pumping = false;
    }
  }

  private handle(frame: SpdyFrame | { type: 'unknown'; frameType: number }): void {
    switch (frame.type) {
      case 'syn_stream': {
        if (this.streams.has(frame.streamId) || frame.streamId <= this.lastStreamId) {
          this.send({ type: 'rst_stream', streamId: frame.streamId, status: RstStatus.PROTOCOL_ERROR });
          return;
        }
        this.lastStreamId = frame.streamId;
        const stream = new SpdyStream(frame.streamId, frame.headers, this);
        this.streams.set(frame.streamId, stream);
        this.send({ type: 'syn_reply', streamId: frame.streamId, flags: 0, headers: {} });
        if (frame.flags & FLAG_FIN) stream.finishRemote();
        this.options.onStream(stream);
        return;
      }
      case 'data': {
        const stream = this.streams.get(frame.streamId);
        if (!stream) {
          this.send({ type: 'rst_stream', streamId: frame.streamId, status: RstStatus.INVALID_STREAM });
          return;
        }
        stream.receiveData(frame.data, (frame.flags & FLAG_FIN) !== 0);
        return;
      }
      case 'headers':
        if (frame.flags & FLAG_FIN) this.streams.get(frame.streamId)?.finishRemote();
        return;
      case 'rst_stream':
        this.streams.get(frame.streamId)?.abort();
        return;
      case 'ping':
        this.send({ type: 'ping', id: frame.id });
        return;
      case 'goaway':
        this.close('the client went away');
        return;
      case 'syn_reply':
      case 'settings':
      case 'window_update':
      case 'unknown':
        // The server opens no streams, and flow control is not enforced (see the file comment).
        return;
    }
  }
}
