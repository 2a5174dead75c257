// A watch as a chunked HTTP stream of WatchEvents: newline-delimited JSON (plain objects or
// one-row Tables for `kubectl get -w`) or length-prefixed protobuf frames. Each event is
// serialized once per encoding and shared by every watcher that wants that encoding, already
// framed as an HTTP chunk, so that sending it to each watcher is one socket write.
import type { ServerResponse } from 'node:http';
import { statusJson, toStatus } from '../apierrors/index.js';
import type { Clock, TimerHandle } from '../machinery/clock.js';
import type { KubeObject } from '../machinery/object.js';
import type { ResourceStore, WatchOptions } from '../registry/store.js';
import type { ResourceInfo } from '../schema/catalogue.js';
import type { ProtobufCodec, StoredForm } from '../schema/protobuf/index.js';
import type { CacheEvent, CacheEventType, CachedObject } from '../registry/cached-objects.js';
import type { OutputFormat } from './media-types.js';
import { buildTable, printerFor, partialObjectMetadata, partialObjectMetadataJson, type IncludeObject } from './table.js';
import { goJsonEscape } from '../machinery/go-json-text.js';

export interface WatchStreamOptions {
  store: ResourceStore;
  info: ResourceInfo;
  namespace: string | undefined;
  watch: WatchOptions;
  format: OutputFormat;
  includeObject: IncludeObject;
  allowBookmarks: boolean;
  timeoutSeconds: number;
  clock: Clock;
  bookmarkIntervalMs?: number;
  protobuf?: () => ProtobufCodec;
  /** A watcher whose unsent output grows beyond this is disconnected (it will re-list); default 32 MiB. */
  maxBufferedBytes?: number;
}

const initialEventsEndAnnotation = 'k8s.io/initial-events-end';
const eventEnd = Buffer.from('}\n');
const crlf = Buffer.from('\r\n');

/** One HTTP/1.1 chunk (`<hex size>\r\n<bytes>\r\n`) holding `payload`, as ServerResponse.write frames it. */
export function httpChunk(payload: string | Uint8Array): Buffer {
  const bytes = typeof payload === 'string' ? Buffer.from(payload) : payload;
  return Buffer.concat([Buffer.from(`${bytes.length.toString(16)}\r\n`, 'latin1'), bytes, crlf]);
}

// The turn of the event loop, told apart by a counter that one nextTick per turn moves on.
let turnCounter = 0;
let turnEnding = false;
function currentTurn(): number {
  if (!turnEnding) {
    turnEnding = true;
    process.nextTick(() => {
      turnCounter++;
      turnEnding = false;
    });
  }
  return turnCounter;
}

/** The shared serialized forms of one event: its payload, and the payload framed as a chunk. */
interface SharedEncoding {
  payload: string | Uint8Array;
  chunk?: Buffer;
}

export function startWatchStream(res: ServerResponse, onClientGone: (fn: () => void) => void, opts: WatchStreamOptions): void {
  const { info, format } = opts;
  const protobuf = format.encoding === 'protobuf';
  res.statusCode = 200;
  res.setHeader('Content-Type', protobuf ? 'application/vnd.kubernetes.protobuf;stream=watch' : 'application/json');
  res.setHeader('Transfer-Encoding', 'chunked');
  res.setHeader('Cache-Control', 'no-cache, private');
  res.flushHeaders();

  let closed = false;
  let firstTable = true;
  const timers: TimerHandle[] = [];
  const maxBuffered = opts.maxBufferedBytes ?? 32 * 1024 * 1024;
  const cacheKey = `${format.encoding}:${format.as ?? ''}:${opts.includeObject}:${info.apiVersion}`;

  const finish = () => {
    if (closed) return;
    closed = true;
    for (const t of timers) t.cancel();
    watcher?.stop();
    res.end();
  };

  const dropIfTooFarBehind = () => {
    // A watcher too far behind is dropped, as the cacher drops an unresponsive one: it re-lists.
    // Its connection goes at once — ending the response would keep the backlog queued behind it.
    if (res.writableLength > maxBuffered) {
      finish();
      res.destroy();
    }
  };

  const write = (chunk: string | Uint8Array) => {
    if (closed) return;
    res.write(chunk);
    dropIfTooFarBehind();
  };

  /**
   * A shared event, already framed as a chunk, goes straight to the socket: ServerResponse.write
   * would frame it again for every watcher in four buffered writes and a writev, which cost as much
   * as the encryption of the bytes. Only while the response owns its socket with chunked framing
   * and nothing queued ahead (a pipelined response waits without a socket): then the socket's
   * queue is the response's order. Audit capture skips watch bodies, so passing it by loses nothing.
   */
  const writeShared = (shared: SharedEncoding) => {
    if (closed) return;
    const socket = res.socket;
    const direct = socket !== null && !socket.destroyed && (res as unknown as { chunkedEncoding?: boolean }).chunkedEncoding === true && res.headersSent && (res as unknown as { outputSize?: number }).outputSize === 0;
    if (!direct) {
      write(shared.payload);
      return;
    }
    // The events of one storage batch arrive in one turn: from the second one on they are corked
    // until the turn ends and go out as one write (one syscall, fewer TLS records) instead of one
    // each. A single event, the common case for many watchers of one object, goes out at once.
    const turn = currentTurn();
    if (turn === lastWriteTurn && !corked) {
      corked = true;
      socket.cork();
      process.nextTick(() => {
        corked = false;
        socket.uncork();
      });
    }
    lastWriteTurn = turn;
    socket.write((shared.chunk ??= httpChunk(shared.payload)));
    dropIfTooFarBehind();
  };
  let corked = false;
  let lastWriteTurn = -1;

  // The protobuf and metadata forms are written from the object's JSON bytes, without a parse.
  // (A watch asking for PartialObjectMetadataList gets whole objects: kube-apiserver's transform of
  // each event's object to a list fails, and it sends the object as it is.)
  const metadataOnly = format.as === 'PartialObjectMetadata';
  const storedForm: StoredForm = metadataOnly ? { as: 'PartialObjectMetadata', asVersion: format.asVersion ?? 'v1' } : { as: 'object', apiVersion: info.apiVersion, kind: info.kind };
  const encodeObjectEvent = (type: CacheEventType, object: CachedObject): string | Uint8Array => {
    if (protobuf) return opts.protobuf!().encodeStoredWatchEvent(type, storedForm, opts.store.served(object).raw);
    if (format.as === 'Table') {
      const table = buildTable(printerFor(info), [opts.store.served(object).object], {
        includeObject: opts.includeObject,
        now: new Date(opts.clock.now()),
        withColumns: firstTable,
        asVersion: format.asVersion,
      });
      firstTable = false;
      return `{"type":"${type}","object":${goJsonEscape(JSON.stringify(table))}}\n`;
    }
    if (format.as === 'PartialObjectMetadata') {
      return Buffer.concat([Buffer.from(`{"type":"${type}","object":`), partialObjectMetadataJson(opts.store.served(object).raw, format.asVersion, '}\n')]);
    }
    return Buffer.concat([Buffer.from(`{"type":"${type}","object":`), opts.store.served(object).raw, eventEnd]);
  };

  const sendBookmark = (annotations?: Record<string, string>) => {
    const revision = String(opts.store.currentRevision());
    let object: KubeObject = { kind: info.kind, apiVersion: info.apiVersion, metadata: { resourceVersion: revision } };
    if (annotations) object.metadata!.annotations = annotations;
    // A metadata watch's bookmark is transformed like its other events (kube-apiserver's watch
    // encoder transforms every event's object, bookmarks included): what client-go's metadata
    // client decodes its events as.
    if (metadataOnly) object = partialObjectMetadata(object, format.asVersion);
    if (protobuf) write(opts.protobuf!().encodeWatchEvent('BOOKMARK', object as Record<string, unknown>));
    else write(`{"type":"BOOKMARK","object":${JSON.stringify(object)}}\n`);
  };

  let watcher: { stop(): void } | undefined;
  try {
    watcher = opts.store.watch(opts.namespace, opts.watch, {
      event(type: CacheEventType, object: CachedObject, source: CacheEvent | undefined) {
        // Table rows carry a per-watcher first-event difference (column definitions) and ages: not shared.
        if (source && format.as !== 'Table' && object === source.object && type === source.type) {
          const encodings = (source.encodings ??= new Map());
          let shared = encodings.get(cacheKey) as SharedEncoding | undefined;
          if (shared === undefined) {
            shared = { payload: encodeObjectEvent(type, object) };
            encodings.set(cacheKey, shared);
          }
          writeShared(shared);
        } else {
          write(encodeObjectEvent(type, object));
        }
      },
      close() {
        finish();
      },
    });
  } catch (err) {
    // A watch that cannot start (too old resourceVersion) is reported in-stream, as kube-apiserver does.
    const status = toStatus(err);
    if (protobuf) write(opts.protobuf!().encodeWatchEvent('ERROR', status as unknown as Record<string, unknown>));
    else write(`{"type":"ERROR","object":${statusJson(status)}}\n`);
    finish();
    return;
  }
  if (closed) {
    watcher.stop();
    return;
  }
  if (opts.watch.sendInitialEvents && opts.allowBookmarks) sendBookmark({ [initialEventsEndAnnotation]: 'true' });

  onClientGone(finish);
  timers.push(opts.clock.setTimer(opts.timeoutSeconds * 1000, finish));
  if (opts.allowBookmarks) {
    const interval = opts.bookmarkIntervalMs ?? 60_000;
    const schedule = () => {
      timers.push(
        opts.clock.setTimer(interval, () => {
          if (closed) return;
          sendBookmark();
          schedule();
        }),
      );
    };
    schedule();
  }
}
