// The one logging shape controllers use: a line per notable step or error, with fields.
export interface Logger {
  info(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

export const silentLogger: Logger = { info: () => {}, error: () => {} };

/** A logger over the server's `log(message, fields)` function, adding fields to every line. */
export function loggerFrom(log: ((message: string, fields?: Record<string, unknown>) => void) | undefined, fields: Record<string, unknown> = {}): Logger {
  if (!log) return silentLogger;
  return {
    info: (message, more) => log(message, { ...fields, ...more }),
    error: (message, more) => log(message, { ...fields, level: 'error', ...more }),
  };
}
