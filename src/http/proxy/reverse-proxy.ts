// Passing one request on to a proxy target and its answer back, as kube-apiserver's
// UpgradeAwareHandler and proxy transport do: the path after ".../proxy" (cleaned, trailing slash
// kept; none at all is a 301 to ".../proxy/" for GET and HEAD), the query, the client's headers
// but hop-by-hop ones and its credentials, X-Forwarded-For/-Uri/-Host/-Proto added; a Location
// answered by the backend is rewritten to go through the proxy again. A backend that cannot be
// reached is a 503 `error trying to reach service: dial tcp …`, never a hang. An upgrade
// request (WebSocket) is tunnelled as bytes both ways after the request is passed on.
// Links inside HTML answers are not rewritten as kube-apiserver does: no simulated backend
// serves HTML.
import { request as httpRequest, type IncomingHttpHeaders, type IncomingMessage, type OutgoingHttpHeaders, type ServerResponse } from 'node:http';
import { posix } from 'node:path';
import type { Duplex } from 'node:stream';
import { serviceUnavailable } from '../../apierrors/index.js';
import { claimUpgrade, upgradeOf } from '../streaming/upgrade.js';
import type { ProxyTarget } from './proxy-targets.js';

export interface ProxiedRequest {
  /** The raw path after the proxy subresource ("", "/", "/a/b/"). */
  path: string;
  /** The request's own path up to and including "/proxy" (where rewritten Locations point). */
  prefix: string;
  query: string;
}

const hopByHop = ['connection', 'proxy-connection', 'keep-alive', 'proxy-authenticate', 'proxy-authorization', 'te', 'trailer', 'transfer-encoding', 'upgrade'];

export async function proxyRequest(req: IncomingMessage, res: ServerResponse, target: ProxyTarget, proxied: ProxiedRequest): Promise<void> {
  const method = req.method ?? 'GET';
  let path = proxied.path === '' ? '' : posix.normalize(proxied.path);
  if (path !== '' && proxied.path.endsWith('/') && !path.endsWith('/')) path += '/';
  // kubernetes/kubernetes#4958: a bare ".../proxy" is sent to ".../proxy/" first.
  if (path === '' && (method === 'GET' || method === 'HEAD')) {
    res.statusCode = 301;
    res.setHeader('Location', `${proxied.prefix}/${proxied.query ? `?${proxied.query}` : ''}`);
    res.end();
    return;
  }
  const requestPath = `${path || '/'}${proxied.query ? `?${proxied.query}` : ''}`;

  const abort = new AbortController();
  const upgrade = upgradeOf(req);
  let conn: Duplex;
  try {
    conn = await target.connect(abort.signal);
  } catch (err) {
    abort.abort();
    const reason = err instanceof Error && err.message.startsWith('lookup ') ? `dial tcp: ${err.message}` : `dial tcp ${target.hostPort}: connect: connection refused`;
    throw serviceUnavailable(`error trying to reach service: ${reason}`);
  }
  conn.on('error', () => {});
  if (target.schemeMismatch) {
    conn.destroy();
    abort.abort();
    throw serviceUnavailable('error trying to reach service: tls: first record does not look like a TLS handshake');
  }

  const headers = forwardedHeaders(req, target, proxied);
  if (upgrade) return tunnel(req, res, conn, abort, method, requestPath, headers);

  await new Promise<void>((resolve) => {
    const finish = () => {
      abort.abort();
      conn.destroy();
      resolve();
    };
    const upstream = httpRequest({ method, path: requestPath, headers, createConnection: () => conn as never });
    upstream.on('response', (answer) => {
      res.statusCode = answer.statusCode ?? 502;
      res.statusMessage = answer.statusMessage ?? '';
      for (const [name, value] of Object.entries(answerHeaders(answer.headers, target, proxied))) if (value !== undefined) res.setHeader(name, value);
      answer.pipe(res);
      answer.on('error', finish);
      res.on('finish', finish);
    });
    upstream.on('error', (err) => {
      if (!res.headersSent) {
        const status = serviceUnavailable(`error trying to reach service: ${err.message === 'socket hang up' ? 'EOF' : err.message}`).status;
        res.statusCode = 503;
        res.setHeader('Content-Type', 'application/json');
        res.end(JSON.stringify(status));
      } else res.destroy();
      finish();
    });
    // The client going away ends the backend connection too.
    res.on('close', () => {
      if (!res.writableFinished) {
        upstream.destroy();
        finish();
      }
    });
    req.pipe(upstream);
  });
}

function forwardedHeaders(req: IncomingMessage, target: ProxyTarget, proxied: ProxiedRequest): OutgoingHttpHeaders {
  const connectionListed = String(req.headers.connection ?? '').toLowerCase().split(',').map((s) => s.trim());
  const isUpgrade = !!upgradeOf(req);
  const out: OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined || name === 'host' || name === 'authorization') continue;
    if (!isUpgrade && (hopByHop.includes(name) || connectionListed.includes(name))) continue;
    out[name] = value;
  }
  out.host = target.hostPort;
  const client = req.socket?.remoteAddress;
  if (client) out['x-forwarded-for'] = req.headers['x-forwarded-for'] ? `${String(req.headers['x-forwarded-for'])}, ${client}` : client;
  // X-Forwarded-Host and -Proto stay unset: kube-apiserver takes them from the incoming request's
  // URL, which names neither on the server side.
  out['x-forwarded-uri'] = `${proxied.prefix}${proxied.path}`;
  if (!isUpgrade) out.connection = 'close';
  return out;
}

function answerHeaders(headers: IncomingHttpHeaders, target: ProxyTarget, proxied: ProxiedRequest): OutgoingHttpHeaders {
  const out: OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) if (!hopByHop.includes(name)) out[name] = value;
  const location = headers.location;
  if (location) out.location = rewriteLocation(location, target, proxied.prefix);
  return out;
}

/**
 * A redirect to an absolute path, or to the backend itself, goes back through the proxy; one to
 * another host or to a relative path is left as it is.
 */
function rewriteLocation(location: string, target: ProxyTarget, prefix: string): string {
  let url: URL;
  const absolute = /^[a-z][a-z0-9+.-]*:/i.test(location) || location.startsWith('//');
  if (!absolute && !location.startsWith('/')) return location;
  try {
    url = new URL(location, `${target.scheme}://${target.hostPort}/`);
  } catch {
    return location;
  }
  if (absolute && url.host !== target.hostPort) return location;
  if (url.pathname.startsWith(prefix)) return `${url.pathname}${url.search}${url.hash}`;
  return `${prefix}${url.pathname}${url.search}${url.hash}`;
}

/** An upgrade: the request goes as bytes, and from then on bytes flow both ways untouched. */
function tunnel(req: IncomingMessage, res: ServerResponse, conn: Duplex, abort: AbortController, method: string, path: string, headers: OutgoingHttpHeaders): Promise<void> {
  const { socket, head } = claimUpgrade(req, res);
  const lines = [`${method} ${path} HTTP/1.1`];
  for (const [name, value] of Object.entries(headers)) {
    for (const v of Array.isArray(value) ? value : [value]) if (v !== undefined) lines.push(`${name}: ${v}`);
  }
  conn.write(`${lines.join('\r\n')}\r\n\r\n`);
  if (head.length) conn.write(head);
  socket.pipe(conn);
  conn.pipe(socket);
  return new Promise((resolve) => {
    const done = () => {
      abort.abort();
      conn.destroy();
      socket.destroy();
      resolve();
    };
    socket.once('close', done);
    conn.once('close', done);
    conn.once('end', () => socket.end());
  });
}
