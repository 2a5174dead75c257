// Upgrade requests (exec, attach and port-forward switch protocols). Node hands them to the
// server's 'upgrade' listener with the raw socket; app.ts runs them through the ordinary request
// path on a response bound to that socket, so every check and error answer is the usual one, and a
// streaming handler claims the socket only once it is ready to switch protocols.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';

export interface UpgradeContext {
  socket: Duplex;
  /** Bytes the client sent after the request headers (already read off the socket). */
  head: Buffer;
}

const upgradeKey = Symbol('kubemu.upgrade');
type WithUpgrade = IncomingMessage & { [upgradeKey]?: UpgradeContext };

export function attachUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
  (req as WithUpgrade)[upgradeKey] = { socket, head };
}

/** The upgrade under this request, if it is one (and nobody claimed it yet). */
export function upgradeOf(req: IncomingMessage): UpgradeContext | undefined {
  return (req as WithUpgrade)[upgradeKey];
}

/** Takes the socket from the HTTP response: from now on the caller speaks on it directly. */
export function claimUpgrade(req: IncomingMessage, res: ServerResponse): UpgradeContext {
  const ctx = upgradeOf(req);
  if (!ctx) throw new Error('not an upgrade request');
  delete (req as WithUpgrade)[upgradeKey];
  if (res.socket) res.detachSocket(res.socket);
  return ctx;
}

export function upgradeProtocol(req: IncomingMessage): 'websocket' | 'spdy' | undefined {
  const upgrade = req.headers.upgrade?.toLowerCase() ?? '';
  if (upgrade.split(',').some((p) => p.trim() === 'websocket')) return 'websocket';
  if (upgrade.split(',').some((p) => p.trim() === 'spdy/3.1')) return 'spdy';
  return undefined;
}

/** X-Stream-Protocol-Version values, in the client's order of preference. */
export function streamProtocolsOffered(req: IncomingMessage): string[] {
  return headerList(req.headers['x-stream-protocol-version']);
}

/** Sec-WebSocket-Protocol values, in the client's order. */
export function webSocketProtocolsOffered(req: IncomingMessage): string[] {
  return headerList(req.headers['sec-websocket-protocol']);
}

function headerList(value: string | string[] | undefined): string[] {
  const all = Array.isArray(value) ? value : value === undefined ? [] : [value];
  return all.flatMap((v) => v.split(',')).map((v) => v.trim()).filter(Boolean);
}

/** The 101 a kubelet answers a SPDY upgrade with (httpstream.Handshake plus the SPDY upgrade). */
export function writeSpdySwitch(socket: Duplex, protocol: string): void {
  socket.write(`HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: SPDY/3.1\r\nX-Stream-Protocol-Version: ${protocol}\r\n\r\n`);
}
