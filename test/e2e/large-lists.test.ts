// Lists large enough to be streamed in several chunks and, for a client that accepts it, gzipped
// (kube-apiserver compresses bodies over 128 KiB): kubectl reads them whole and the same, whichever
// way they came.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import https from 'node:https';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { parse } from 'yaml';
import { kubectlFor, kubectlVersionsUnderTest, removeDir, startKubemu, tempDir, type KubemuProcess } from './harness.js';

const work = tempDir('kubemu-lists-');
let server: KubemuProcess;
const count = 400;

before(async () => {
  server = await startKubemu({ dataDir: work, extraArgs: ['--storage', 'memory', '--controllers', '', '--nodes', '0'] });
  const k = kubectlFor(kubectlVersionsUnderTest().at(-1)!, server.kubeconfig, join(work, 'cache'));
  const items = Array.from({ length: count }, (_, i) => ({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: `cm-${String(i).padStart(4, '0')}`, labels: { half: String(i % 2) } },
    data: { text: `ünïcödé 日本語 🚀 "quoted" line\nbreak ${i} `.repeat(20) },
  }));
  await k.ok(['create', '-f', '-'], { input: JSON.stringify({ apiVersion: 'v1', kind: 'List', items }) });
});

after(async () => {
  await server?.stop();
  removeDir(work);
});

/** GET with the kubeconfig's admin client certificate; the body as received (not decompressed). */
function rawGet(path: string, headers: Record<string, string>): Promise<{ headers: import('node:http').IncomingHttpHeaders; body: Buffer }> {
  const kc = parse(readFileSync(server.kubeconfig, 'utf8')) as {
    clusters: { cluster: { 'certificate-authority-data': string } }[];
    users: { user: { 'client-certificate-data': string; 'client-key-data': string } }[];
  };
  const b64 = (s: string) => Buffer.from(s, 'base64');
  const url = new URL(path, server.url);
  return new Promise((resolve, reject) => {
    https
      .get(
        url,
        {
          ca: b64(kc.clusters[0].cluster['certificate-authority-data']),
          cert: b64(kc.users[0].user['client-certificate-data']),
          key: b64(kc.users[0].user['client-key-data']),
          headers,
        },
        (res) => {
          const parts: Buffer[] = [];
          res.on('data', (c: Buffer) => parts.push(c));
          res.on('end', () => resolve({ headers: res.headers, body: Buffer.concat(parts) }));
        },
      )
      .on('error', reject);
  });
}

test('a large list is gzipped for a client that accepts it, to the same bytes', async () => {
  const path = '/api/v1/namespaces/default/configmaps';
  const plain = await rawGet(path, { Accept: 'application/json' });
  assert.equal(plain.headers['content-encoding'], undefined);
  assert.ok(plain.body.length > 128 * 1024, `the list is ${plain.body.length} bytes`);
  assert.equal(plain.headers['content-length'], String(plain.body.length));
  const zipped = await rawGet(path, { Accept: 'application/json', 'Accept-Encoding': 'gzip' });
  assert.equal(zipped.headers['content-encoding'], 'gzip');
  assert.equal(zipped.headers.vary, 'Accept-Encoding');
  assert.ok(zipped.body.length < plain.body.length / 4);
  assert.equal(gunzipSync(zipped.body).toString('utf8'), plain.body.toString('utf8'));
  const list = JSON.parse(plain.body.toString('utf8')) as { kind: string; items: { kind?: string; metadata: { name: string; managedFields?: unknown[] } }[] };
  assert.equal(list.kind, 'ConfigMapList');
  assert.equal(list.items.length, count);
  assert.equal(list.items[0].kind, undefined); // a typed list's items carry no TypeMeta
  assert.ok(list.items[0].metadata.managedFields?.length);

  // A small list (one page) is not compressed.
  const page = await rawGet(`${path}?limit=2`, { Accept: 'application/json', 'Accept-Encoding': 'gzip' });
  assert.equal(page.headers['content-encoding'], undefined);
  assert.equal((JSON.parse(page.body.toString('utf8')) as { items: unknown[] }).items.length, 2);
});

test('protobuf and Table lists are gzipped on the same terms', async () => {
  const path = '/api/v1/namespaces/default/configmaps';
  for (const accept of ['application/vnd.kubernetes.protobuf', 'application/json;as=Table;v=v1;g=meta.k8s.io']) {
    const plain = await rawGet(path, { Accept: accept });
    const zipped = await rawGet(path, { Accept: accept, 'Accept-Encoding': 'gzip' });
    assert.equal(zipped.headers['content-encoding'], 'gzip', accept);
    assert.equal(zipped.headers['content-type'], plain.headers['content-type']);
    assert.ok(gunzipSync(zipped.body).equals(plain.body), accept);
  }
});

for (const binary of kubectlVersionsUnderTest()) {
  test(`kubectl ${binary.version} reads large lists whole, compressed or not`, async () => {
    const k = kubectlFor(binary, server.kubeconfig, join(work, 'cache'));
    const compressed = await k.ok(['get', '--raw', '/api/v1/namespaces/default/configmaps']);
    const uncompressed = await k.ok(['get', '--raw', '/api/v1/namespaces/default/configmaps', '--disable-compression']);
    assert.equal(compressed, uncompressed);
    const list = JSON.parse(await k.ok(['get', 'configmaps', '-o', 'json', '--chunk-size=0'])) as { items: { metadata: { name: string }; data: { text: string } }[] };
    assert.equal(list.items.length, count);
    assert.equal(list.items[7].metadata.name, 'cm-0007');
    assert.match(list.items[7].data.text, /^ünïcödé 日本語 🚀 "quoted" line\nbreak 7 /);
    const table = await k.ok(['get', 'configmaps', '-l', 'half=1', '--no-headers']);
    assert.equal(table.trim().split('\n').length, count / 2);
  });
}
