// The CLI's log: one JSON object per line on standard error, in the shape pino writes
// ({"level":30,"time":"<ISO>",…fields,"msg":"…"}), which tools and tests read. Written here
// rather than loaded from pino: its ~20 modules were a tenth of a restart's time to ready, and
// the CLI logs a few lines at start and then little.

export interface JsonLog {
  info(fields: Record<string, unknown>, msg: string): void;
  error(fields: Record<string, unknown>, msg: string): void;
}

const INFO = 30;
const ERROR = 50;

/** An Error as pino's standard serializer writes it: its type, message and stack, then its own fields. */
function serializeError(err: Error): Record<string, unknown> {
  return { type: err.constructor?.name ?? 'Error', message: err.message, stack: err.stack, ...Object.fromEntries(Object.entries(err)) };
}

export function line(level: number, time: Date, fields: Record<string, unknown>, msg: string): string {
  const entry: Record<string, unknown> = { level, time: time.toISOString() };
  for (const [key, value] of Object.entries(fields)) entry[key] = value instanceof Error ? serializeError(value) : value;
  entry.msg = msg;
  return `${JSON.stringify(entry)}\n`;
}

/** Writes to `write` (default: standard error, which Node writes synchronously to files and pipes). */
export function jsonLog(write: (text: string) => void = (text) => process.stderr.write(text), now: () => Date = () => new Date()): JsonLog {
  return {
    info: (fields, msg) => write(line(INFO, now(), fields, msg)),
    error: (fields, msg) => write(line(ERROR, now(), fields, msg)),
  };
}
