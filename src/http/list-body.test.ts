import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import { randomBytes } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import { acceptsGzip, chunks, gzipThresholdBytes, jsonListBody, sendListBody, type ListBody } from './list-body.js';

const typeMeta = Buffer.from('{"kind":"Pod","apiVersion":"v1",');

function pod(name: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    kind: 'Pod',
    apiVersion: 'v1',
    metadata: {
      name,
      namespace: 'default',
      resourceVersion: '12',
      labels: { app: 'wëb', 'emoji': '🚀' },
      annotations: { note: 'line\nbreak "quoted" \u2028 \\ ünïcödé 日本語' },
      managedFields: [
        { manager: 'kubectl-client-side-apply', operation: 'Update', apiVersion: 'v1', time: '2026-01-01T00:00:00Z', fieldsType: 'FieldsV1', fieldsV1: { 'f:metadata': { 'f:labels': { '.': {}, 'f:app': {} } } } },
      ],
    },
    spec: { containers: [{ name: 'app', image: 'nginx' }] },
    ...extra,
  };
}

/** What the list was before it was streamed: the items parsed, stripped of TypeMeta and stringified whole. */
function oldForm(objects: Record<string, unknown>[], metadata: Record<string, unknown>): string {
  const items = objects.map(({ kind: _k, apiVersion: _a, ...item }) => item);
  return `${JSON.stringify({ kind: 'PodList', apiVersion: 'v1', metadata, items })}\n`;
}

function body(objects: Record<string, unknown>[], metadata: Record<string, unknown>): ListBody {
  const head = `{"kind":"PodList","apiVersion":"v1","metadata":${JSON.stringify(metadata)},"items":[`;
  const raws = objects.map((o) => Buffer.from(JSON.stringify(o)));
  return jsonListBody(head, typeMeta, raws, (raw) => {
    const { kind: _k, apiVersion: _a, ...item } = JSON.parse(raw.toString('utf8')) as Record<string, unknown>;
    return Buffer.from(JSON.stringify(item));
  });
}

function joined(b: ListBody, size?: number): Buffer {
  return Buffer.concat([...chunks(b, size)]);
}

describe('JSON list body', () => {
  const metadata = { resourceVersion: '42', continue: 'abc', remainingItemCount: 3 };
  const objects = [pod('a'), pod('b-ü', { status: { phase: 'Running', message: '✓ done' } }), pod('c')];

  it('is byte for byte the list as parsed and stringified whole (unicode, escapes, managedFields)', () => {
    const want = oldForm(objects, metadata);
    const b = body(objects, metadata);
    assert.equal(b.length, Buffer.byteLength(want));
    // Chunk boundaries anywhere (even inside a multi-byte character) give the same bytes.
    for (const size of [1, 7, 64, 1024, 256 * 1024]) assert.equal(joined(b, size).toString('utf8'), want);
  });

  it('is the same for an empty list and for one item', () => {
    assert.equal(joined(body([], { resourceVersion: '1' })).toString(), oldForm([], { resourceVersion: '1' }));
    assert.equal(joined(body([pod('x')], metadata)).toString(), oldForm([pod('x')], metadata));
  });

  it('parses an object that does not start with its TypeMeta (field order not Go\'s)', () => {
    const odd = { metadata: { name: 'odd' }, kind: 'Pod', apiVersion: 'v1' };
    const want = oldForm([pod('a'), odd], metadata);
    assert.equal(joined(body([pod('a'), odd], metadata)).toString(), want);
  });
});

describe('Accept-Encoding negotiation', () => {
  it('accepts gzip as a token of the list, as kube-apiserver does', () => {
    assert.equal(acceptsGzip('gzip'), true);
    assert.equal(acceptsGzip('deflate, gzip'), true);
    assert.equal(acceptsGzip(' gzip ,br'), true);
    assert.equal(acceptsGzip(undefined), false);
    assert.equal(acceptsGzip('br'), false);
    assert.equal(acceptsGzip('gzip;q=0.5'), false); // kube-apiserver compares the whole token
    assert.equal(acceptsGzip('x-gzip'), false);
  });
});

describe('sendListBody over HTTP', () => {
  async function fetchList(b: ListBody, acceptEncoding: string | undefined): Promise<{ headers: http.IncomingHttpHeaders; body: Buffer }> {
    const server = http.createServer((_req, res) => void sendListBody(res, 'application/json', b, acceptEncoding));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const { port } = server.address() as AddressInfo;
      return await new Promise((resolve, reject) => {
        http
          .get({ host: '127.0.0.1', port, path: '/' }, (res) => {
            const parts: Buffer[] = [];
            res.on('data', (c: Buffer) => parts.push(c));
            res.on('end', () => resolve({ headers: res.headers, body: Buffer.concat(parts) }));
          })
          .on('error', reject);
      });
    } finally {
      server.close();
    }
  }

  // More chunks than a response has buffers: each is reused.
  const many = Array.from({ length: 5000 }, (_, i) => pod(`pod-${i}`));
  const metadata = { resourceVersion: '7' };
  const want = oldForm(many, metadata);

  it('sends a large list gzip-compressed at level 1 when the client accepts gzip, with Vary', async () => {
    assert.ok(Buffer.byteLength(want) > 8 * 256 * 1024);
    const r = await fetchList(body(many, metadata), 'gzip, deflate');
    assert.equal(r.headers['content-encoding'], 'gzip');
    assert.equal(r.headers.vary, 'Accept-Encoding');
    assert.equal(r.headers['content-length'], undefined);
    assert.ok(r.body.length < Buffer.byteLength(want) / 4);
    assert.equal(gunzipSync(r.body).toString('utf8'), want);
  });

  it('sends it as is, with its Content-Length, to a client that does not', async () => {
    const r = await fetchList(body(many, metadata), undefined);
    assert.equal(r.headers['content-encoding'], undefined);
    assert.equal(r.headers['content-length'], String(Buffer.byteLength(want)));
    assert.equal(r.body.toString('utf8'), want);
  });

  it('does not compress a list at or under 128 KiB', async () => {
    const few = many.slice(0, 3);
    assert.ok(Buffer.byteLength(oldForm(few, metadata)) <= gzipThresholdBytes);
    const r = await fetchList(body(few, metadata), 'gzip');
    assert.equal(r.headers['content-encoding'], undefined);
    assert.equal(r.body.toString('utf8'), oldForm(few, metadata));
  });
});

describe('sendListBody to a client that hangs up', () => {
  for (const acceptEncoding of [undefined, 'gzip']) {
    it(`stops and resolves (${acceptEncoding ?? 'identity'})`, { timeout: 5000 }, async () => {
      // Random text: incompressible, so the gzip variant has as many bytes to send.
      const big: ListBody = { pieces: [Buffer.from(randomBytes(6 * 1024 * 1024).toString('base64'))], length: 0 };
      big.length = big.pieces[0].length;
      let sent: Promise<void> | undefined;
      const server = http.createServer((_req, res) => void (sent = sendListBody(res, 'application/json', big, acceptEncoding)));
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      try {
        const { port } = server.address() as AddressInfo;
        await new Promise<void>((resolve) => {
          const req = http.get({ host: '127.0.0.1', port, path: '/' }, (res) => {
            res.once('data', () => {
              req.destroy();
              resolve();
            });
          });
          req.on('error', () => {});
        });
        await sent;
      } finally {
        server.close();
      }
    });
  }
});
