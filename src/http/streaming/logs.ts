// pods/log: PodLogOptions from the query, validated as kube-apiserver does
// (ValidatePodLogOptions), then the kubelet's stream answered as chunked text/plain. With follow,
// the answer stays open until the kubelet ends it or the client goes away.
import type { ServerResponse } from 'node:http';
import type { Readable } from 'node:stream';
import { badRequest, invalid, type FieldError } from '../../apierrors/index.js';
import type { LogOptions } from '../../machinery/node-connection.js';
import { parseBool, parseInteger, type Query } from '../query.js';

export interface PodLogRequest extends Omit<LogOptions, 'container'> {
  container?: string;
  /** Which stream of the container (PodLogsQuerySplitStreams): All, Stdout or Stderr. */
  stream?: string;
}

const streams = ['All', 'Stdout', 'Stderr'];

export function parsePodLogOptions(query: Query, podName: string): PodLogRequest {
  const opts: PodLogRequest = {};
  const container = query.get('container');
  if (container) opts.container = container;
  const follow = parseBool(query, 'follow');
  if (follow) opts.follow = true;
  const previous = parseBool(query, 'previous');
  if (previous) opts.previous = true;
  const timestamps = parseBool(query, 'timestamps');
  if (timestamps) opts.timestamps = true;
  // Accepted and without effect here: there is no TLS between kubemu and its kubelets.
  parseBool(query, 'insecureSkipTLSVerifyBackend');
  const tailLines = parseInteger(query, 'tailLines');
  if (tailLines !== undefined) opts.tailLines = tailLines;
  const limitBytes = parseInteger(query, 'limitBytes');
  if (limitBytes !== undefined) opts.limitBytes = limitBytes;
  const sinceSeconds = parseInteger(query, 'sinceSeconds');
  if (sinceSeconds !== undefined) opts.sinceSeconds = sinceSeconds;
  const sinceTime = query.get('sinceTime');
  if (sinceTime) {
    // metav1.Time decodes RFC 3339 (seconds precision); anything else fails the query decoding.
    if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(sinceTime) || Number.isNaN(Date.parse(sinceTime))) {
      throw badRequest(`parsing time "${sinceTime}" as "2006-01-02T15:04:05Z07:00": cannot parse "${sinceTime}" as "2006"`);
    }
    opts.sinceTime = new Date(Date.parse(sinceTime)).toISOString().replace(/\.\d{3}Z$/, 'Z');
  }
  const stream = query.get('stream');
  if (stream !== null && stream !== '') opts.stream = stream;

  const errors: FieldError[] = [];
  if (opts.tailLines !== undefined && opts.tailLines < 0) errors.push({ type: 'FieldValueInvalid', field: 'tailLines', badValue: opts.tailLines, detail: 'must be greater than or equal to 0' });
  if (opts.limitBytes !== undefined && opts.limitBytes < 1) errors.push({ type: 'FieldValueInvalid', field: 'limitBytes', badValue: opts.limitBytes, detail: 'must be greater than 0' });
  if (opts.sinceSeconds !== undefined && opts.sinceTime !== undefined) {
    errors.push({ type: 'FieldValueForbidden', field: '', detail: 'at most one of `sinceTime` or `sinceSeconds` may be specified' });
  } else if (opts.sinceSeconds !== undefined && opts.sinceSeconds < 1) {
    errors.push({ type: 'FieldValueInvalid', field: 'sinceSeconds', badValue: opts.sinceSeconds, detail: 'must be greater than 0' });
  }
  if (opts.stream !== undefined) {
    if (!streams.includes(opts.stream)) errors.push({ type: 'FieldValueNotSupported', field: 'stream', badValue: opts.stream, supported: streams });
    else if (opts.tailLines !== undefined && opts.stream !== 'All') {
      errors.push({ type: 'FieldValueForbidden', field: '', detail: '`tailLines` and specific `stream` are mutually exclusive for now' });
    }
  }
  if (errors.length) throw invalid({ group: '', kind: 'PodLogOptions' }, podName, errors);
  return opts;
}

/** Streams the kubelet's log to the client; resolves once the answer is over (and the log stream released). */
export function sendLogStream(res: ServerResponse, log: Readable, abort: AbortController, limitBytes: number | undefined): Promise<void> {
  res.statusCode = 200;
  res.setHeader('Content-Type', 'text/plain');
  // Every chunk goes out as it comes: kubectl logs -f prints lines as they are written.
  res.flushHeaders();
  let left = limitBytes ?? Infinity;
  return new Promise((resolve) => {
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      abort.abort();
      log.destroy();
      if (!res.writableEnded) res.end();
      resolve();
    };
    log.on('data', (chunk: Buffer | string) => {
      const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      const part = bytes.length > left ? bytes.subarray(0, left) : bytes;
      left -= part.length;
      if (part.length && !res.write(part)) {
        log.pause();
        res.once('drain', () => log.resume());
      }
      if (left <= 0) finish();
    });
    log.once('end', finish);
    log.once('error', finish);
    log.once('close', finish);
    // The client went away (kubectl logs -f interrupted): release the kubelet's stream.
    res.once('close', finish);
  });
}
