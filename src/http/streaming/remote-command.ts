// pods/exec and pods/attach: the remote command protocols kubectl speaks, on top of the kubelet's
// ExecOptions/ContainerStreams. Two transports carry the same channels (stdin, stdout, stderr,
// error, resize):
// - WebSocket, subprotocol v5.channel.k8s.io (kubectl 1.30+) or v4: one binary message per chunk,
//   first byte the channel; v5 adds [255, channel] for "this channel is closed" (stdin EOF).
// - SPDY/3.1 with X-Stream-Protocol-Version v4.channel.k8s.io (kubectl 1.27–1.29, and the
//   fallback of later ones): the client opens one stream per channel, named by its streamtype header.
// The error channel ends the session with a Status: Success, NonZeroExitCode with an ExitCode
// cause (kubectl: "command terminated with exit code N"), or the failure's own message.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { PassThrough, Readable, Writable } from 'node:stream';
import type { WebSocket } from 'ws';
import { ApiError, badRequest, statusJson, type StatusBody } from '../../apierrors/index.js';
import type { Clock } from '../../machinery/clock.js';
import { KubeletError, type ContainerStreams, type ExecOptions, type ExecOutcome, type TerminalSize } from '../../machinery/node-connection.js';
import { SpdySession, type SpdyStream } from './spdy/session.js';
import { claimUpgrade, streamProtocolsOffered, upgradeProtocol, webSocketProtocolsOffered, writeSpdySwitch } from './upgrade.js';
import { acceptWebSocket } from './websocket.js';

export interface RemoteCommand {
  kind: 'exec' | 'attach';
  options: ExecOptions;
  /** Runs the command on the kubelet with the session's streams; `signal` aborts when the client goes. */
  run(streams: ContainerStreams, signal: AbortSignal): Promise<ExecOutcome>;
}

export interface RemoteCommandDeps {
  clock: Clock;
  /**
   * How long to hold output after a WebSocket 101: client-go registers its channels only after the
   * handshake, and drops messages that arrive earlier ("Unknown stream id 1, discarding message").
   */
  webSocketSettleMs?: number;
  /** How long the client may take to open every SPDY stream (the kubelet's stream creation timeout). */
  streamCreationTimeoutMs?: number;
}

const webSocketProtocols = ['v5.channel.k8s.io', 'v4.channel.k8s.io'];
const spdyProtocol = 'v4.channel.k8s.io';
const spdyServerProtocols = [spdyProtocol];

enum Channel {
  Stdin = 0,
  Stdout = 1,
  Stderr = 2,
  Error = 3,
  Resize = 4,
  Close = 255,
}

/** Everything before the switch can still be answered with a Status; after it, only the error channel. */
export async function serveRemoteCommand(req: IncomingMessage, res: ServerResponse, command: RemoteCommand, deps: RemoteCommandDeps): Promise<void> {
  const protocol = upgradeProtocol(req);
  if (protocol === 'websocket') {
    const offered = webSocketProtocolsOffered(req);
    const chosen = webSocketProtocols.find((p) => offered.includes(p));
    // Any answer but 101 makes kubectl 1.30+ retry over SPDY.
    if (!chosen) throw badRequest(`unable to upgrade: no supported WebSocket subprotocol among [${offered.join(' ')}]; kubemu serves ${webSocketProtocols.join(', ')}`);
    const ws = await acceptWebSocket(req, claimUpgrade(req, res), chosen);
    return serveOverWebSocket(ws, chosen, command, deps);
  }
  if (protocol === 'spdy') {
    const offered = streamProtocolsOffered(req);
    if (!offered.includes(spdyProtocol)) {
      throw new ApiError(403, 'Forbidden', `unable to upgrade: unable to negotiate protocol: client supports [${offered.join(' ')}], server accepts [${spdyServerProtocols.join(' ')}]`);
    }
    const upgrade = claimUpgrade(req, res);
    writeSpdySwitch(upgrade.socket, spdyProtocol);
    return serveOverSpdy(upgrade.socket, upgrade.head, command, deps);
  }
  throw badRequest('Upgrade request required');
}

/** The Status the error channel carries (the kubelet marshals it without kind and apiVersion). */
export function remoteCommandStatus(command: RemoteCommand, result: { outcome: ExecOutcome } | { error: unknown }): StatusBody {
  if ('outcome' in result) {
    const code = result.outcome.exitCode;
    if (code === 0 || command.kind === 'attach') return { metadata: {}, status: 'Success' };
    return {
      metadata: {},
      status: 'Failure',
      message: `command terminated with non-zero exit code: error executing command [${command.options.command.join(' ')}], exit code ${code}`,
      reason: 'NonZeroExitCode',
      details: { causes: [{ reason: 'ExitCode', message: String(code) }] },
    };
  }
  const err = result.error;
  if (err instanceof KubeletError) return { metadata: {}, status: 'Failure', message: err.message, reason: err.reason, code: err.code };
  if (err instanceof ApiError) return { ...err.status, kind: undefined, apiVersion: undefined };
  const message = err instanceof Error ? err.message : String(err);
  return { metadata: {}, status: 'Failure', message: `Internal error occurred: ${message}`, reason: 'InternalError', code: 500 };
}

async function runCommand(command: RemoteCommand, streams: ContainerStreams, signal: AbortSignal): Promise<StatusBody> {
  try {
    return remoteCommandStatus(command, { outcome: await command.run(streams, signal) });
  } catch (error) {
    return remoteCommandStatus(command, { error });
  }
}

function serveOverWebSocket(ws: WebSocket, protocol: string, command: RemoteCommand, deps: RemoteCommandDeps): Promise<void> {
  const opts = command.options;
  const abort = new AbortController();
  const stdin = opts.stdin ? new PassThrough() : undefined;
  const resize = opts.tty ? sizeQueue() : undefined;
  const channelWriter = (channel: Channel) =>
    new Writable({
      write(chunk: Buffer, _enc, callback) {
        if (ws.readyState !== ws.OPEN) return callback();
        ws.send(Buffer.concat([Buffer.from([channel]), chunk]), { binary: true }, () => callback());
      },
    });
  const stdout = opts.stdout ? channelWriter(Channel.Stdout) : undefined;
  const stderr = opts.stderr && !opts.tty ? channelWriter(Channel.Stderr) : undefined;

  ws.on('message', (data: Buffer, isBinary: boolean) => {
    if (!isBinary || data.length === 0) return;
    const payload = data.subarray(1);
    switch (data[0]) {
      case Channel.Stdin:
        stdin?.write(payload);
        return;
      case Channel.Resize:
        resize?.offer(payload.toString('utf8'));
        return;
      case Channel.Close:
        if (protocol === 'v5.channel.k8s.io' && payload[0] === Channel.Stdin) stdin?.end();
        return;
    }
  });
  ws.on('error', () => {});

  return new Promise((resolve) => {
    let settle: NodeJS.Timeout | undefined;
    const cleanUp = () => {
      if (settle) clearTimeout(settle);
      abort.abort();
      stdin?.destroy();
      resize?.stream.destroy();
      resolve();
    };
    ws.once('close', cleanUp);
    // Real time, not the cluster clock: this waits for the client on the wire, not simulated work.
    settle = setTimeout(() => {
      settle = undefined;
      void runCommand(command, { stdin, stdout, stderr, resize: resize?.stream }, abort.signal).then(async (status) => {
        await Promise.all([finishWritable(stdout), finishWritable(stderr)]);
        if (ws.readyState !== ws.OPEN) return;
        ws.send(Buffer.concat([Buffer.from([Channel.Error]), Buffer.from(statusJson(status))]), { binary: true });
        ws.close(1000);
      });
    }, deps.webSocketSettleMs ?? 100);
  });
}

function serveOverSpdy(socket: import('node:stream').Duplex, head: Buffer, command: RemoteCommand, deps: RemoteCommandDeps): Promise<void> {
  const opts = command.options;
  const expected = new Set(['error', ...(opts.stdin ? ['stdin'] : []), ...(opts.stdout ? ['stdout'] : []), ...(opts.stderr && !opts.tty ? ['stderr'] : []), ...(opts.tty ? ['resize'] : [])]);
  const streams = new Map<string, SpdyStream>();
  const abort = new AbortController();
  let started = false;

  return new Promise((resolve) => {
    let timer: { cancel(): void } | undefined;
    const session = new SpdySession(
      { write: (b) => socket.write(b), end: () => socket.end() },
      {
        onStream(stream) {
          const type = stream.header('streamtype') ?? '';
          if (!expected.has(type) || streams.has(type) || started) {
            stream.destroy();
            return;
          }
          streams.set(type, stream);
          // The client only reads the error stream and writes stdin; the rest must not stall on unread input.
          if (type !== 'stdin') stream.resume();
          if (streams.size === expected.size) start();
        },
        onClose() {
          timer?.cancel();
          abort.abort();
          if (!socket.destroyed) socket.end();
          resolve();
        },
      },
    );
    socket.on('data', (b: Buffer) => session.receive(b));
    socket.on('close', () => session.transportClosed());
    // Upgraded sockets are half-open capable: the client's FIN alone does not close them.
    socket.on('end', () => session.transportClosed());
    socket.on('error', () => session.transportClosed());
    if (head.length) session.receive(head);
    timer = deps.clock.setTimer(deps.streamCreationTimeoutMs ?? 30_000, () => {
      if (!started) session.close('timed out waiting for the client to create streams');
    });

    function start(): void {
      started = true;
      timer?.cancel();
      const resizeStream = streams.get('resize');
      const resize = resizeStream ? sizeQueue() : undefined;
      if (resizeStream && resize) {
        resizeStream.on('data', (chunk: Buffer) => resize.offer(chunk.toString('utf8')));
        resizeStream.on('end', () => resize.stream.push(null));
      }
      const containerStreams: ContainerStreams = {
        stdin: streams.get('stdin'),
        stdout: streams.get('stdout'),
        stderr: streams.get('stderr'),
        resize: resize?.stream,
      };
      void runCommand(command, containerStreams, abort.signal).then(async (status) => {
        await Promise.all([finishWritable(containerStreams.stdout), finishWritable(containerStreams.stderr)]);
        const errorStream = streams.get('error')!;
        if (session.isOpen()) errorStream.end(statusJson(status));
        // The kubelet hangs up once the command is over; the client has what it needs by then.
        session.close();
        resize?.stream.destroy();
      });
    }
  });
}

function finishWritable(stream: Writable | undefined): Promise<void> {
  if (!stream || stream.writableFinished || stream.destroyed) return Promise.resolve();
  return new Promise((resolve) => {
    stream.once('finish', () => resolve());
    stream.once('close', () => resolve());
    stream.end();
  });
}

/** Terminal sizes as the client sends them: JSON objects {"Width":w,"Height":h}, one per message or line. */
function sizeQueue(): { stream: Readable & AsyncIterable<TerminalSize>; offer(text: string): void } {
  const stream = new Readable({ objectMode: true, read() {} });
  let partial = '';
  return {
    stream,
    offer(text) {
      partial += text;
      // Objects arrive back to back (json.Encoder adds a newline; WebSocket messages carry one each).
      for (;;) {
        const end = partial.indexOf('}');
        if (end < 0) return;
        const piece = partial.slice(0, end + 1);
        partial = partial.slice(end + 1);
        try {
          const size = JSON.parse(piece) as { Width?: number; Height?: number };
          if (!stream.destroyed) stream.push({ width: Number(size.Width ?? 0), height: Number(size.Height ?? 0) });
        } catch {
          // A malformed size is ignored, as the kubelet's decoder loop would stop on it.
        }
      }
    },
  };
}
