import assert from 'node:assert/strict';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { createCertificateAuthority, issueLeafCertificate } from '../pki/certificates.js';
import { postWebhook, WebhookCallError, webhookUrl, type ServiceResolver } from './webhook-client.js';

let port = 0;
let caBundle = '';
let otherCaBundle = '';
const server = createServer();
const noService: ServiceResolver = async () => {
  throw new Error('no services here');
};

before(async () => {
  const validity = { notBefore: new Date(Date.now() - 60_000), notAfter: new Date(Date.now() + 3600_000) };
  const ca = await createCertificateAuthority('test-ca', validity);
  const other = await createCertificateAuthority('other-ca', validity);
  const leaf = await issueLeafCertificate(ca, { ...validity, commonName: 'hook', usage: 'server', hosts: ['127.0.0.1', 'hook.ns.svc'] });
  server.setSecureContext({ cert: leaf.certPem, key: leaf.keyPem });
  server.on('request', (req, res) => {
    if (req.url?.startsWith('/slow')) return; // never answers
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => res.writeHead(200).end(JSON.stringify({ echo: JSON.parse(body), url: req.url })));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as AddressInfo).port;
  caBundle = Buffer.from(ca.certPem).toString('base64');
  otherCaBundle = Buffer.from(other.certPem).toString('base64');
});
after(() => server.close());

test('a URL webhook is posted JSON with the timeout in the query, trusting the caBundle', async () => {
  const answer = await postWebhook({ url: `https://127.0.0.1:${port}/hook`, caBundle }, { a: 1 }, { timeoutSeconds: 7, resolveService: noService });
  assert.equal(answer.statusCode, 200);
  assert.deepEqual(JSON.parse(answer.body), { echo: { a: 1 }, url: '/hook?timeout=7s' });
});

test('a Service webhook is dialed where the resolver says and verified as <name>.<namespace>.svc', async () => {
  const answer = await postWebhook({ service: { namespace: 'ns', name: 'hook', path: '/x', port: 443 }, caBundle }, {}, {
    timeoutSeconds: 1,
    resolveService: async () => ({ host: '127.0.0.1', port }),
  });
  assert.equal(JSON.parse(answer.body).url, '/x?timeout=1s');
  assert.equal(webhookUrl({ service: { namespace: 'ns', name: 'hook', path: '/x' } }, 10).toString(), 'https://hook.ns.svc/x?timeout=10s');
});

test('failures read as Go words them', async () => {
  const call = (url: string, bundle = caBundle, timeoutSeconds = 1) => postWebhook({ url, caBundle: bundle }, {}, { timeoutSeconds, resolveService: noService });
  await assert.rejects(call(`https://127.0.0.1:${port}/hook`, otherCaBundle), {
    message: `Post "https://127.0.0.1:${port}/hook?timeout=1s": tls: failed to verify certificate: x509: certificate signed by unknown authority`,
  });
  await assert.rejects(call(`https://127.0.0.1:${port}/slow`, caBundle, 0.2), (err: unknown) =>
    err instanceof WebhookCallError && err.timedOut && err.message === `Post "https://127.0.0.1:${port}/slow?timeout=0.2s": context deadline exceeded`);
  await assert.rejects(postWebhook({ service: { namespace: 'ns', name: 'gone' } }, {}, { timeoutSeconds: 1, resolveService: noService }), { message: 'no services here' });
});
