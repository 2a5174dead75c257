// A webhook server for the end-to-end tests: HTTPS on 127.0.0.1 with a certificate from a CA the
// test makes (kubemu's own PKI code), answering JSON POSTs with the handler of the path.
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { createServer as createTcpServer } from 'node:net';
import { createCertificateAuthority, issueLeafCertificate } from '../../src/pki/certificates.js';

export type WebhookHandler = (body: any) => unknown;

export interface WebhookServer {
  port: number;
  /** Base64 PEM of the CA, as a caBundle holds it. */
  caBundle: string;
  /** Bodies received, by path. */
  received: Map<string, any[]>;
  handle(path: string, handler: WebhookHandler): void;
  close(): Promise<void>;
}

/** `hosts` are the names the certificate is valid for (Service DNS names, 127.0.0.1). */
export async function startWebhookServer(hosts: string[]): Promise<WebhookServer> {
  const notBefore = new Date(Date.now() - 60_000);
  const notAfter = new Date(Date.now() + 24 * 3600_000);
  const ca = await createCertificateAuthority('webhook-test-ca', { notBefore, notAfter });
  const leaf = await issueLeafCertificate(ca, { commonName: 'webhook', usage: 'server', hosts, notBefore, notAfter });
  const handlers = new Map<string, WebhookHandler>();
  const received = new Map<string, any[]>();
  const server: Server = createServer({ cert: leaf.certPem, key: leaf.keyPem }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = (req.url ?? '').split('?')[0]!;
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8') || 'null');
      (received.get(path) ?? received.set(path, []).get(path)!).push({ body, query: (req.url ?? '').split('?')[1] ?? '' });
      const handler = handlers.get(path);
      if (!handler) {
        res.writeHead(404).end('no handler');
        return;
      }
      const answer = handler(body);
      if (typeof answer === 'string') res.writeHead(200, { 'content-type': 'application/json' }).end(answer);
      else res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(answer));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    caBundle: Buffer.from(ca.certPem).toString('base64'),
    received,
    handle: (path, handler) => handlers.set(path, handler),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** A port nothing listens on (taken, then given back). */
export async function closedPort(): Promise<number> {
  const server = createTcpServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
