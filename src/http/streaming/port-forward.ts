// pods/portforward: SPDY/3.1 with X-Stream-Protocol-Version portforward.k8s.io, either on the
// upgraded connection itself (kubectl ≤1.30, and the fallback) or as raw SPDY bytes inside binary
// WebSocket messages, subprotocol SPDY/3.1+portforward.k8s.io (kubectl 1.31+). Per forwarded
// connection the client opens a pair of streams sharing a requestid: "error" (half-closed at once)
// and "data"; the kubelet connects to the port, copies bytes both ways, and on failure writes the
// text of the error to the error stream.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { badRequest } from '../../apierrors/index.js';
import { SpdySession, type FrameTransport, type SpdyStream } from './spdy/session.js';
import { claimUpgrade, streamProtocolsOffered, upgradeProtocol, webSocketProtocolsOffered, writeSpdySwitch } from './upgrade.js';
import { acceptWebSocket } from './websocket.js';

const portForwardProtocol = 'portforward.k8s.io';
const tunnelPrefix = 'SPDY/3.1+';

export interface PortForwardTarget {
  /** A connection to `port` in the pod; rejects with the error text the client should see. */
  open(port: number, signal: AbortSignal): Promise<Duplex>;
}

export interface PortForwardHooks {
  /** Called with each session once it runs (tests watch it end). */
  onSession?(session: SpdySession): void;
}

export async function servePortForward(req: IncomingMessage, res: ServerResponse, target: PortForwardTarget, hooks: PortForwardHooks = {}): Promise<void> {
  const protocol = upgradeProtocol(req);
  if (protocol === 'websocket') {
    const offered = webSocketProtocolsOffered(req);
    const tunnelled = `${tunnelPrefix}${portForwardProtocol}`;
    // Any answer but 101 makes kubectl 1.31+ retry over SPDY.
    if (!offered.includes(tunnelled)) throw badRequest('unable to upgrade: no tunneling spdy protocols provided');
    const ws = await acceptWebSocket(req, claimUpgrade(req, res), tunnelled);
    ws.on('error', () => {});
    const transport: FrameTransport = {
      write: (b) => {
        if (ws.readyState === ws.OPEN) ws.send(b, { binary: true });
      },
      end: () => ws.close(1000),
    };
    return new Promise((resolve) => {
      const session = runSession(transport, target, resolve);
      hooks.onSession?.(session);
      ws.on('message', (data: Buffer, isBinary: boolean) => {
        if (isBinary) session.receive(data);
      });
      ws.on('close', () => session.transportClosed());
    });
  }
  if (protocol === 'spdy') {
    const offered = streamProtocolsOffered(req);
    if (!offered.includes(portForwardProtocol)) {
      throw badRequest(`unable to upgrade: unable to negotiate protocol: client supports [${offered.join(' ')}], server accepts [${portForwardProtocol}]`);
    }
    const { socket, head } = claimUpgrade(req, res);
    writeSpdySwitch(socket, portForwardProtocol);
    return new Promise((resolve) => {
      const session = runSession({ write: (b) => socket.write(b), end: () => socket.end() }, target, () => {
        if (!socket.destroyed) socket.end();
        resolve();
      });
      hooks.onSession?.(session);
      socket.on('data', (b: Buffer) => session.receive(b));
      socket.on('close', () => session.transportClosed());
    // Upgraded sockets are half-open capable: the client's FIN alone does not close them.
    socket.on('end', () => session.transportClosed());
      socket.on('error', () => session.transportClosed());
      if (head.length) session.receive(head);
    });
  }
  throw badRequest('Upgrade request required');
}

interface StreamPair {
  error?: SpdyStream;
  data?: SpdyStream;
}

function runSession(transport: FrameTransport, target: PortForwardTarget, onClose: () => void): SpdySession {
  const abort = new AbortController();
  const pairs = new Map<string, StreamPair>();
  const connections = new Set<Duplex>();
  const session = new SpdySession(transport, {
    onStream(stream) {
      const type = stream.header('streamtype');
      if (type !== 'error' && type !== 'data') {
        stream.destroy();
        return;
      }
      // Clients older than requestid pair streams by id: the data stream follows its error stream.
      const requestId = stream.header('requestid') ?? String(type === 'data' ? stream.id - 2 : stream.id);
      const pair = pairs.get(requestId) ?? {};
      if (pair[type]) {
        stream.destroy();
        return;
      }
      pair[type] = stream;
      pairs.set(requestId, pair);
      if (pair.error && pair.data) {
        pairs.delete(requestId);
        void forward(pair.error, pair.data);
      }
    },
    onClose() {
      abort.abort();
      for (const c of connections) c.destroy();
      connections.clear();
      pairs.clear();
      onClose();
    },
  });

  async function forward(error: SpdyStream, data: SpdyStream): Promise<void> {
    error.resume(); // the client sends nothing on it, and half-closes it at once
    const portHeader = data.header('port') ?? '';
    const port = Number(portHeader);
    if (!/^\d+$/.test(portHeader) || port < 1 || port > 65535) {
      error.end(`invalid port header: ${JSON.stringify(portHeader)}`);
      data.end();
      return;
    }
    let conn: Duplex;
    try {
      conn = await target.open(port, abort.signal);
    } catch (err) {
      if (session.isOpen()) {
        data.end();
        error.end(err instanceof Error ? err.message : String(err));
      }
      return;
    }
    if (!session.isOpen()) {
      conn.destroy();
      return;
    }
    connections.add(conn);
    const done = () => {
      connections.delete(conn);
      if (!conn.destroyed) conn.destroy();
    };
    data.pipe(conn);
    conn.on('data', (chunk: Buffer) => data.write(chunk));
    conn.once('end', () => {
      data.end();
      error.end();
    });
    conn.once('error', (err) => {
      if (session.isOpen()) error.end(err.message);
      data.end();
    });
    conn.once('close', () => {
      if (!data.writableEnded) data.end();
      if (!error.writableEnded) error.end();
      done();
    });
    data.once('close', done);
  }

  return session;
}
