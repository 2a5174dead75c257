// Deadlines of non-long-running requests, as kube-apiserver's WithRequestDeadline and
// WithTimeoutForNonLongRunningRequests filters set them: --request-timeout (default 60 s), or the
// client's ?timeout= when that is shorter (0 means the server's). When the deadline passes before
// the answer has started, the client gets a 504 and whatever the handler writes later goes
// nowhere; when the answer had already started, the connection is cut (Go panics with
// http.ErrAbortHandler there).
import type { ServerResponse } from 'node:http';
import { badRequest } from '../../apierrors/index.js';
import type { Clock, TimerHandle } from '../../machinery/clock.js';
import { goDurationMs } from '../../machinery/go-duration.js';

export const defaultRequestTimeoutMs = 60_000;

/** The request's deadline in ms from now; a 400 when ?timeout= is not a Go duration. */
export function requestDeadlineMs(query: URLSearchParams, maximumMs: number): number {
  const raw = query.get('timeout');
  if (raw === null || raw === '') return maximumMs;
  const ms = goDurationMs(raw);
  if (ms === undefined) throw badRequest(`invalid timeout specified in the request URL - ${goDurationError(raw)}`);
  return ms > 0 && ms < maximumMs ? ms : maximumMs;
}

// The timeout filter encodes the StatusError's ErrStatus as it stands: NewTimeoutError sets no
// kind or apiVersion, so the real body has none either.
const timeoutBody =
  '{"metadata":{},"status":"Failure","message":"Timeout: request did not complete within the allotted timeout","reason":"Timeout","details":{},"code":504}\n';

/** Answers 504 if the response has not finished within `ms`; the caller cancels the timer when the response closes. */
export function armRequestTimeout(res: ServerResponse, ms: number, clock: Clock): TimerHandle {
  const timer = clock.setTimer(ms, () => {
    if (res.writableEnded || res.destroyed) return;
    if (res.headersSent) {
      res.destroy();
      return;
    }
    // The handler's headers go; those of the filters around the deadline (Audit-ID) stay.
    for (const name of res.getHeaderNames()) if (name !== 'audit-id') res.removeHeader(name);
    res.statusCode = 504;
    // Go's http server sniffs the type of a body written without one.
    res.setHeader('Content-Type', 'text/plain; charset=utf-8');
    res.setHeader('Content-Length', Buffer.byteLength(timeoutBody));
    res.end(timeoutBody);
    silence(res);
  });
  return timer;
}

/** After the 504, the handler's own answer is dropped, as Go's timeoutWriter drops it. */
function silence(res: ServerResponse): void {
  const r = res as unknown as Record<string, unknown>;
  r.setHeader = () => res;
  r.removeHeader = () => undefined;
  r.writeHead = () => res;
  r.flushHeaders = () => undefined;
  r.write = () => true;
  r.end = () => res;
}

/** time.ParseDuration's complaint about a text it cannot read. */
function goDurationError(text: string): string {
  const quoted = JSON.stringify(text);
  if (/^[-+]?(?:\d+(?:\.\d*)?|\.\d+)$/.test(text)) return `time: missing unit in duration ${quoted}`;
  const unit = /^[-+]?(?:\d+(?:\.\d*)?|\.\d+)([^\d.]+)/.exec(text);
  if (unit && !/^(?:ns|us|µs|ms|s|m|h)/.test(unit[1]!)) return `time: unknown unit ${JSON.stringify(unit[1])} in duration ${quoted}`;
  return `time: invalid duration ${quoted}`;
}
