// WebSocket handshakes for the streaming subresources (the `ws` package does the framing). The
// subprotocol is chosen before the handshake and echoed in the 101: kubectl 1.30+ abandons a
// WebSocket whose answer names no subprotocol and retries over SPDY. `ws` only accepts RFC 6455
// tokens as subprotocols, and port-forward's "SPDY/3.1+portforward.k8s.io" is not one, so the
// header is taken off the request before `ws` sees it and put on the 101 here.
import type { IncomingMessage } from 'node:http';
import { WebSocketServer, type WebSocket } from 'ws';
import type { UpgradeContext } from './upgrade.js';

const chosen = new WeakMap<IncomingMessage, string>();

const server = new WebSocketServer({ noServer: true, clientTracking: false, perMessageDeflate: false });
server.on('headers', (headers: string[], req: IncomingMessage) => {
  const protocol = chosen.get(req);
  if (protocol) headers.push(`Sec-WebSocket-Protocol: ${protocol}`);
});

/** Completes the handshake with `protocol`; rejects if the client's handshake is malformed (ws answers it). */
export function acceptWebSocket(req: IncomingMessage, upgrade: UpgradeContext, protocol: string): Promise<WebSocket> {
  chosen.set(req, protocol);
  delete req.headers['sec-websocket-protocol'];
  return new Promise((resolve, reject) => {
    const onClose = () => reject(new Error('the WebSocket handshake failed'));
    upgrade.socket.once('close', onClose);
    server.handleUpgrade(req, upgrade.socket, upgrade.head, (ws) => {
      upgrade.socket.off('close', onClose);
      resolve(ws);
    });
  });
}
