// Where audit events go: one JSON line each, appended to --audit-log-path ("-" is standard
// output), as kube-apiserver's log backend in its default json format writes them.
import { createWriteStream, type WriteStream } from 'node:fs';

export interface AuditSink {
  write(event: Record<string, unknown>): void;
  close(): Promise<void>;
}

export function openAuditLog(path: string): AuditSink {
  const stream: NodeJS.WritableStream | WriteStream = path === '-' ? process.stdout : createWriteStream(path, { flags: 'a' });
  return {
    write(event) {
      stream.write(`${JSON.stringify(event)}\n`);
    },
    close() {
      if (stream === process.stdout) return Promise.resolve();
      return new Promise((resolve) => (stream as WriteStream).end(() => resolve()));
    },
  };
}
