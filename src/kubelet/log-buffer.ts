// A container's log as the kubelet keeps it: timestamped lines (the CRI log format keeps a
// timestamp per line), read with kubectl's options and followed while the container runs.
export interface LogLine {
  /** ms since the epoch. */
  at: number;
  stream: 'stdout' | 'stderr';
  text: string;
}

export interface LogReadOptions {
  tailLines?: number;
  /** Only lines at or after this time (ms). */
  since?: number;
  timestamps?: boolean;
  limitBytes?: number;
}

/** RFC 3339 with nanoseconds, as `kubectl logs --timestamps` shows them. */
export function logTimestamp(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000000Z');
}

export class LogBuffer {
  private readonly lines: LogLine[] = [];
  private readonly followers = new Set<(line: LogLine | undefined) => void>();
  private closed = false;
  /** A running container keeps at most this many lines (the node's log rotation). */
  private static readonly maxLines = 10_000;

  append(at: number, text: string, stream: 'stdout' | 'stderr' = 'stdout'): void {
    if (this.closed) return;
    for (const piece of text.split('\n')) {
      const line = { at, stream, text: piece };
      this.lines.push(line);
      for (const f of this.followers) f(line);
    }
    if (this.lines.length > LogBuffer.maxLines) this.lines.splice(0, this.lines.length - LogBuffer.maxLines);
  }

  /** The container stopped: followers are told the log ended. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const f of this.followers) f(undefined);
    this.followers.clear();
  }

  isClosed(): boolean {
    return this.closed;
  }

  /** The log text as kubectl asks for it. */
  read(opts: LogReadOptions = {}): string {
    let lines = opts.since === undefined ? this.lines : this.lines.filter((l) => l.at >= opts.since!);
    if (opts.tailLines !== undefined) lines = opts.tailLines <= 0 ? [] : lines.slice(-opts.tailLines);
    let text = lines.map((l) => format(l, opts.timestamps)).join('');
    if (opts.limitBytes !== undefined) text = Buffer.from(text).subarray(0, opts.limitBytes).toString();
    return text;
  }

  /** Lines appended from now on; `undefined` once the log ends. Returns the unsubscribe function. */
  follow(listener: (line: LogLine | undefined) => void): () => void {
    if (this.closed) {
      listener(undefined);
      return () => {};
    }
    this.followers.add(listener);
    return () => this.followers.delete(listener);
  }
}

export function format(line: LogLine, timestamps = false): string {
  return `${timestamps ? `${logTimestamp(line.at)} ` : ''}${line.text}\n`;
}
