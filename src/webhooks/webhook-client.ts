// The API server's side of a webhook call (admission and CRD conversion alike): where the
// webhook is (a URL, or a Service resolved to an address kubemu can reach), which CA to trust
// (the configuration's caBundle, else the system's roots), and one JSON POST with a deadline.
// Failures read as Go's net/http client words them (`Post "https://…": dial tcp …: connect:
// connection refused`), since the callers put that text into the messages users see.
import { request as httpsRequest } from 'node:https';
import { isIP } from 'node:net';
import { checkServerIdentity } from 'node:tls';

export interface ServiceReference {
  namespace: string;
  name: string;
  path?: string;
  port?: number;
}

/** admissionregistration.k8s.io/v1 WebhookClientConfig and apiextensions.k8s.io/v1 WebhookClientConfig: the same shape. */
export interface WebhookClientConfig {
  url?: string;
  service?: ServiceReference;
  /** Base64 of PEM certificates. */
  caBundle?: string;
}

/** Where a Service's webhook really answers (kubemu's pods do not run: an ExternalName or hand-made Endpoints point at it). */
export interface ServiceAddress {
  host: string;
  port: number;
}

/** Resolves a Service reference; throws an Error with the apiserver's text (`service "x" not found`). */
export type ServiceResolver = (ref: Required<Pick<ServiceReference, 'namespace' | 'name'>> & { port: number }) => Promise<ServiceAddress>;

/** The call did not produce a usable answer; `message` is Go's wording. */
export class WebhookCallError extends Error {
  constructor(message: string, readonly timedOut = false) {
    super(message);
    this.name = 'WebhookCallError';
  }
}

export interface WebhookResponse {
  statusCode: number;
  body: string;
}

/** The URL as the apiserver names it in errors: a Service is `https://<name>.<namespace>.svc:<port><path>`. */
export function webhookUrl(config: WebhookClientConfig, timeoutSeconds: number): URL {
  let url: URL;
  if (config.url) url = new URL(config.url);
  else if (config.service) {
    const { name, namespace, path, port } = config.service;
    url = new URL(`https://${name}.${namespace}.svc:${port ?? 443}${path ?? ''}`);
  } else throw new WebhookCallError('webhook configuration has neither url nor service');
  // The apiserver tells the webhook how long it waits, as client-go's request does.
  url.searchParams.set('timeout', `${timeoutSeconds}s`);
  return url;
}

/** POSTs `body` as JSON and returns the answer of any status; rejects with a WebhookCallError when no answer comes. */
export async function postWebhook(
  config: WebhookClientConfig,
  body: unknown,
  opts: { timeoutSeconds: number; resolveService: ServiceResolver },
): Promise<WebhookResponse> {
  const url = webhookUrl(config, opts.timeoutSeconds);
  const shown = goUrl(url);
  const post = (detail: string, timedOut = false) => new WebhookCallError(`Post ${JSON.stringify(shown)}: ${detail}`, timedOut);
  if (url.protocol !== 'https:') throw post(`unsupported protocol scheme "${url.protocol.replace(/:$/, '')}"`);
  let host = url.hostname.replace(/^\[|\]$/g, '');
  let port = Number(url.port || 443);
  // The certificate must name what the apiserver dialed: the URL's host, or the Service's DNS name.
  const verifyName = host;
  if (config.service && !config.url) {
    try {
      const address = await opts.resolveService({ namespace: config.service.namespace, name: config.service.name, port: config.service.port ?? 443 });
      host = address.host;
      port = address.port;
    } catch (err) {
      throw new WebhookCallError(err instanceof Error ? err.message : String(err));
    }
  }
  const ca = config.caBundle ? Buffer.from(config.caBundle, 'base64').toString('utf8') : undefined;
  const payload = Buffer.from(JSON.stringify(body));
  return new Promise<WebhookResponse>((resolve, reject) => {
    let settled = false;
    const finish = (fn: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      fn();
    };
    const req = httpsRequest(
      {
        host,
        port,
        method: 'POST',
        path: url.pathname + url.search,
        ...(ca ? { ca } : {}),
        servername: isIP(verifyName) ? undefined : verifyName,
        // Node's own identity check, against the name the apiserver would have verified.
        checkServerIdentity: (_name, cert) => checkServerIdentity(verifyName, cert),
        headers: { 'content-type': 'application/json', accept: 'application/json, */*', 'content-length': payload.length, host: url.host },
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => finish(() => resolve({ statusCode: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') })));
        res.on('error', (err) => finish(() => reject(post(goNetError(err, host, port)))));
      },
    );
    const timer = setTimeout(() => {
      finish(() => reject(post('context deadline exceeded', true)));
      req.destroy();
    }, opts.timeoutSeconds * 1000);
    req.on('error', (err) => finish(() => reject(post(goNetError(err, host, port)))));
    req.end(payload);
  });
}

/** The URL as Go prints it in an error: `https://127.0.0.1:8443/convert?timeout=30s`. */
function goUrl(url: URL): string {
  return url.toString();
}

/** A webhook's JSON answer; a body that is not JSON is a WebhookCallError in encoding/json's words. */
export function parseWebhookJson(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    const first = body.trimStart()[0];
    if (first === undefined) throw new WebhookCallError('unexpected end of JSON input');
    if (!/[{["\-0-9tfn]/.test(first)) throw new WebhookCallError(`invalid character '${first}' looking for beginning of value`);
    throw new WebhookCallError('unexpected end of JSON input');
  }
}

/** A Node socket or TLS error in Go's words. */
function goNetError(err: NodeJS.ErrnoException, host: string, port: number): string {
  const addr = host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
  switch (err.code) {
    case 'ECONNREFUSED':
      return `dial tcp ${addr}: connect: connection refused`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `dial tcp: lookup ${host}: no such host`;
    case 'ECONNRESET':
      return 'read: connection reset by peer';
    case 'EHOSTUNREACH':
      return `dial tcp ${addr}: connect: no route to host`;
    case 'UNABLE_TO_VERIFY_LEAF_SIGNATURE':
    case 'SELF_SIGNED_CERT_IN_CHAIN':
    case 'DEPTH_ZERO_SELF_SIGNED_CERT':
    case 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY':
      return 'tls: failed to verify certificate: x509: certificate signed by unknown authority';
    case 'CERT_HAS_EXPIRED':
      return 'tls: failed to verify certificate: x509: certificate has expired or is not yet valid';
    case 'ERR_TLS_CERT_ALTNAME_INVALID':
      return `tls: failed to verify certificate: x509: certificate is not valid for ${host}`;
    case 'EPROTO':
      return 'tls: first record does not look like a TLS handshake';
    default:
      return err.message;
  }
}
