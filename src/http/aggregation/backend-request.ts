// One HTTPS request from this server to an aggregated API server, as kube-aggregator's proxy
// transport makes it: TLS verified against the APIService's caBundle for the name
// "<service>.<namespace>.svc" (or not at all with insecureSkipTLSVerify), this server's
// front-proxy client certificate presented, and the user the request is made for in the
// requestheader headers (X-Remote-User, X-Remote-Group, X-Remote-Extra-<key>) which the backend
// trusts because of that certificate. Whatever identity headers the client sent are dropped.
import type { ClientRequest, IncomingMessage, OutgoingHttpHeaders } from 'node:http';
import { request } from 'node:https';
import type { AggregatedApiTarget } from '../../machinery/aggregated-api.js';
import type { UserInfo } from '../authentication.js';

export interface FrontProxyCredentials {
  certPem: string;
  keyPem: string;
}

export const remoteUserHeader = 'x-remote-user';
export const remoteGroupHeader = 'x-remote-group';
export const remoteExtraHeaderPrefix = 'x-remote-extra-';

const hopByHop = new Set(['connection', 'proxy-connection', 'keep-alive', 'proxy-authenticate', 'proxy-authorization', 'te', 'trailer', 'transfer-encoding', 'upgrade', 'host']);

/** The client's headers fit to pass on: no hop-by-hop ones, no credentials, no identity claims. */
export function passedHeaders(incoming: IncomingMessage['headers']): OutgoingHttpHeaders {
  const out: OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(incoming)) {
    if (value === undefined || hopByHop.has(name) || name === 'authorization') continue;
    if (name.startsWith('x-remote-') || name.startsWith('impersonate-')) continue;
    out[name] = value;
  }
  return out;
}

/** The requestheader headers naming `user` (extra keys percent-encoded, as client-go writes them). */
export function identityHeaders(user: UserInfo): OutgoingHttpHeaders {
  const out: OutgoingHttpHeaders = { [remoteUserHeader]: user.username };
  if (user.groups.length) out[remoteGroupHeader] = [...user.groups];
  for (const [key, values] of Object.entries(user.extra ?? {})) out[`${remoteExtraHeaderPrefix}${encodeURIComponent(key.toLowerCase())}`] = [...values];
  return out;
}

export function backendUrl(target: AggregatedApiTarget, path: string): string {
  const host = target.endpoint!.host.includes(':') ? `[${target.endpoint!.host}]` : target.endpoint!.host;
  return `https://${host}:${target.endpoint!.port}${path}`;
}

export function backendRequest(
  target: AggregatedApiTarget,
  credentials: FrontProxyCredentials,
  opts: { method: string; path: string; headers: OutgoingHttpHeaders; timeoutMs?: number },
): ClientRequest {
  const endpoint = target.endpoint!;
  return request({
    host: endpoint.host,
    port: endpoint.port,
    method: opts.method,
    path: opts.path,
    headers: { ...opts.headers, host: `${target.tls.serverName}:${endpoint.port}` },
    servername: target.tls.insecureSkipTLSVerify ? undefined : target.tls.serverName,
    ca: target.tls.caBundle,
    rejectUnauthorized: !target.tls.insecureSkipTLSVerify,
    cert: credentials.certPem,
    key: credentials.keyPem,
    agent: false,
    timeout: opts.timeoutMs,
  });
}

/** A failed connection in the words Go's net/http uses ("dial tcp 127.0.0.1:9443: connect: connection refused"). */
export function describeFailure(err: unknown, target: AggregatedApiTarget): string {
  const e = err as NodeJS.ErrnoException;
  const hostPort = `${target.endpoint?.host}:${target.endpoint?.port}`;
  switch (e.code) {
    case 'ECONNREFUSED':
      return `dial tcp ${hostPort}: connect: connection refused`;
    case 'ECONNRESET':
      return 'read: connection reset by peer';
    case 'ETIMEDOUT':
      return `dial tcp ${hostPort}: i/o timeout`;
    case 'DEPTH_ZERO_SELF_SIGNED_CERT':
    case 'SELF_SIGNED_CERT_IN_CHAIN':
    case 'UNABLE_TO_VERIFY_LEAF_SIGNATURE':
    case 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY':
      return 'tls: failed to verify certificate: x509: certificate signed by unknown authority';
    case 'ERR_TLS_CERT_ALTNAME_INVALID':
      return `tls: failed to verify certificate: x509: certificate is valid for other names, not ${target.tls.serverName}`;
    default:
      return e.message ?? String(err);
  }
}
