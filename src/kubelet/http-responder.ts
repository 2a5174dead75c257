// A tiny HTTP/1.1 server on one in-process connection (keep-alive aware, request bodies read and
// ignored): what answers inside a simulated pod on a declared port, and a simulated kubelet's
// HTTPS port as the API server's node proxy reaches it.
import { Duplex } from 'node:stream';
import type { Clock } from '../machinery/clock.js';

const maxHeaderBytes = 64 * 1024;

export interface HttpRequestHead {
  method: string;
  /** The request target as sent: path and query. */
  target: string;
  /** Lower-cased names. */
  headers: Map<string, string>;
}

export interface HttpAnswer {
  status: number;
  body: string;
  contentType?: string;
}

const reasons: Record<number, string> = {
  200: 'OK',
  400: 'Bad Request',
  404: 'Not Found',
  405: 'Method Not Allowed',
  431: 'Request Header Fields Too Large',
  500: 'Internal Server Error',
  501: 'Not Implemented',
};

/** The server end of one connection: reads requests written to it, pushes `answer`'s responses. */
export class HttpResponder extends Duplex {
  private buffered = Buffer.alloc(0);
  /** Body bytes of the current request still to skip. */
  private bodyLeft = 0;
  private chunkedBody = false;
  private closing = false;
  private ended = false;

  constructor(
    private readonly answer: (request: HttpRequestHead) => HttpAnswer,
    private readonly clock: Clock,
  ) {
    super({ allowHalfOpen: true });
  }

  override _read(): void {}

  override _write(chunk: Buffer, _enc: BufferEncoding, callback: (error?: Error | null) => void): void {
    if (!this.closing) {
      this.buffered = Buffer.concat([this.buffered, chunk]);
      this.serve();
    }
    callback();
  }

  override _final(callback: (error?: Error | null) => void): void {
    // The client closed its side: nothing more will be asked.
    this.finishResponses();
    callback();
  }

  private serve(): void {
    for (;;) {
      if (this.closing) return;
      if (this.bodyLeft > 0) {
        const skip = Math.min(this.bodyLeft, this.buffered.length);
        this.buffered = this.buffered.subarray(skip);
        this.bodyLeft -= skip;
        if (this.bodyLeft > 0) return;
      }
      if (this.chunkedBody) {
        const end = this.buffered.indexOf('0\r\n\r\n');
        if (end < 0) return;
        this.buffered = this.buffered.subarray(end + 5);
        this.chunkedBody = false;
      }
      const headerEnd = this.buffered.indexOf('\r\n\r\n');
      if (headerEnd < 0) {
        if (this.buffered.length > maxHeaderBytes) this.respond({ status: 431, body: 'request headers too large\n' }, false, false);
        return;
      }
      const head = this.buffered.subarray(0, headerEnd).toString('latin1');
      this.buffered = this.buffered.subarray(headerEnd + 4);
      const [requestLine, ...headerLines] = head.split('\r\n');
      const match = /^([A-Z]+) (\S+) HTTP\/1\.([01])$/.exec(requestLine);
      if (!match) {
        this.respond({ status: 400, body: 'malformed HTTP request\n' }, false, false);
        return;
      }
      const headers = new Map<string, string>();
      for (const line of headerLines) {
        const colon = line.indexOf(':');
        if (colon > 0) headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
      }
      const connection = headers.get('connection')?.toLowerCase() ?? '';
      const keepAlive = match[3] === '1' ? !connection.includes('close') : connection.includes('keep-alive');
      this.bodyLeft = Number(headers.get('content-length') ?? 0) || 0;
      this.chunkedBody = headers.get('transfer-encoding')?.toLowerCase().includes('chunked') ?? false;
      this.respond(this.answer({ method: match[1]!, target: match[2]!, headers }), keepAlive, match[1] === 'HEAD', match[3] === '0');
    }
  }

  private respond(answer: HttpAnswer, keepAlive: boolean, head: boolean, http10 = false): void {
    const date = new Date(this.clock.now()).toUTCString();
    const body = answer.body;
    const lines = [
      `HTTP/1.${http10 ? 0 : 1} ${answer.status} ${reasons[answer.status] ?? 'Unknown'}`,
      `Date: ${date}`,
      `Content-Type: ${answer.contentType ?? 'text/plain; charset=utf-8'}`,
      `Content-Length: ${Buffer.byteLength(body)}`,
      ...(keepAlive ? (http10 ? ['Connection: keep-alive'] : []) : ['Connection: close']),
    ];
    this.push(`${lines.join('\r\n')}\r\n\r\n${head ? '' : body}`);
    if (!keepAlive) {
      this.closing = true;
      this.finishResponses();
    }
  }

  private finishResponses(): void {
    if (this.ended) return;
    this.ended = true;
    this.closing = true;
    this.push(null);
  }
}
