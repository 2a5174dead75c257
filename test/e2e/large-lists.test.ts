// Lists large enough to be streamed in several chunks and, for a client that accepts it, gzipped
// (kube-apiserver compresses bodies over 128 KiB): kubectl reads them whole and the same, whichever
// way they came; and what metadata-only clients ask for, in protobuf and JSON.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import https from 'node:https';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { parse } from 'yaml';
import { loadTestProtos } from '../../src/schema/protobuf/fixture-bodies.js';
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

// What client-go's metadata client (the garbage collector's and controller-runtime's
// metadata-only informers) asks for, read here as a Go client would: the protobuf decoded by
// protobufjs over the real .proto files, independently of kubemu's codec.
const protos = loadTestProtos();
const metadataProtobuf = (as: string) => `application/vnd.kubernetes.protobuf;as=${as};g=meta.k8s.io;v=v1`;

/** A protobuf body's envelope: its TypeMeta, and its message decoded as `fullName`. */
function unwrap(body: Buffer, fullName: string): { apiVersion: string; kind: string; message: Record<string, any> } {
  assert.deepEqual([...body.subarray(0, 4)], [0x6b, 0x38, 0x73, 0x00]);
  const unknown = protos.decode('k8s.io.apimachinery.pkg.runtime.Unknown', body.subarray(4)) as { typeMeta: { apiVersion: string; kind: string }; raw: string };
  const message = protos.decode(fullName, Buffer.from(unknown.raw, 'base64'));
  return { apiVersion: unknown.typeMeta.apiVersion, kind: unknown.typeMeta.kind, message };
}

const meta = 'k8s.io.apimachinery.pkg.apis.meta.v1';

test('metadata-only clients: PartialObjectMetadataList in protobuf and in JSON, the same metadata as the full list', async () => {
  const path = '/api/v1/namespaces/default/configmaps';
  const full = JSON.parse((await rawGet(path, { Accept: 'application/json' })).body.toString('utf8')) as { metadata: { resourceVersion: string }; items: { metadata: Record<string, any> }[] };

  const pb = await rawGet(path, { Accept: metadataProtobuf('PartialObjectMetadataList') });
  assert.equal(pb.headers['content-type'], 'application/vnd.kubernetes.protobuf');
  const list = unwrap(pb.body, `${meta}.PartialObjectMetadataList`);
  assert.equal(list.apiVersion, 'meta.k8s.io/v1');
  assert.equal(list.kind, 'PartialObjectMetadataList');
  assert.equal(list.message.metadata.resourceVersion, full.metadata.resourceVersion);
  assert.equal(list.message.items.length, count);
  list.message.items.forEach((item: { metadata: Record<string, any> }, i: number) => {
    const want = full.items[i]!.metadata;
    assert.equal(item.metadata.name, want.name);
    assert.equal(item.metadata.uid, want.uid);
    assert.equal(item.metadata.resourceVersion, want.resourceVersion);
    assert.deepEqual(item.metadata.labels, want.labels);
    assert.equal(item.metadata.creationTimestamp.seconds, Date.parse(want.creationTimestamp) / 1000);
    assert.equal(item.metadata.managedFields.length, want.managedFields.length);
    assert.deepEqual(JSON.parse(Buffer.from(item.metadata.managedFields[0].fieldsV1.Raw, 'base64').toString()), want.managedFields[0].fieldsV1);
  });
  // Gzipped on the same terms as every list (this one is under the 128 KiB threshold).
  assert.ok(pb.body.length < 128 * 1024);
  const zipped = await rawGet(path, { Accept: metadataProtobuf('PartialObjectMetadataList'), 'Accept-Encoding': 'gzip' });
  assert.equal(zipped.headers['content-encoding'], undefined);
  assert.ok(zipped.body.equals(pb.body));

  // The metadata client's own Accept (protobuf first, then JSON) gets protobuf, as from kube-apiserver.
  const metadataClient = await rawGet(path, { Accept: `${metadataProtobuf('PartialObjectMetadataList')},application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,application/json` });
  assert.equal(metadataClient.headers['content-type'], 'application/vnd.kubernetes.protobuf');
  assert.ok(metadataClient.body.equals(pb.body));
  // JSON first gets JSON.
  const asJson = await rawGet(path, { Accept: `application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,${metadataProtobuf('PartialObjectMetadataList')}` });
  assert.equal(asJson.headers['content-type'], 'application/json');
  const jsonList = JSON.parse(asJson.body.toString('utf8')) as { kind: string; items: { kind: string; apiVersion: string; metadata: unknown }[] };
  assert.equal(jsonList.kind, 'PartialObjectMetadataList');
  assert.deepEqual(
    jsonList.items,
    full.items.map((i) => ({ kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: i.metadata })),
  );
});

test('one object in protobuf, whole and as PartialObjectMetadata', async () => {
  const path = '/api/v1/namespaces/default/configmaps/cm-0007';
  const json = JSON.parse((await rawGet(path, { Accept: 'application/json' })).body.toString('utf8')) as { metadata: Record<string, any>; data: { text: string } };
  const whole = unwrap((await rawGet(path, { Accept: 'application/vnd.kubernetes.protobuf' })).body, 'k8s.io.api.core.v1.ConfigMap');
  assert.deepEqual([whole.apiVersion, whole.kind], ['v1', 'ConfigMap']);
  assert.equal(whole.message.data.text, json.data.text);
  assert.equal(whole.message.metadata.uid, json.metadata.uid);
  const partial = unwrap((await rawGet(path, { Accept: metadataProtobuf('PartialObjectMetadata') })).body, `${meta}.PartialObjectMetadata`);
  assert.deepEqual([partial.apiVersion, partial.kind], ['meta.k8s.io/v1', 'PartialObjectMetadata']);
  assert.equal(partial.message.metadata.name, 'cm-0007');
  assert.equal(partial.message.metadata.resourceVersion, json.metadata.resourceVersion);
  assert.equal(partial.message.data, undefined);
});

test('a protobuf metadata watch from the start: PartialObjectMetadata events, then a PartialObjectMetadata bookmark', async () => {
  const kc = parse(readFileSync(server.kubeconfig, 'utf8')) as {
    clusters: { cluster: { 'certificate-authority-data': string } }[];
    users: { user: { 'client-certificate-data': string; 'client-key-data': string } }[];
  };
  const b64 = (s: string) => Buffer.from(s, 'base64');
  const url = new URL('/api/v1/namespaces/default/configmaps?watch=1&sendInitialEvents=true&allowWatchBookmarks=true&resourceVersionMatch=NotOlderThan&labelSelector=half%3D1', server.url);
  const events = await new Promise<{ type: string; object: ReturnType<typeof unwrap> }[]>((resolve, reject) => {
    const req = https.get(
      url,
      { ca: b64(kc.clusters[0].cluster['certificate-authority-data']), cert: b64(kc.users[0].user['client-certificate-data']), key: b64(kc.users[0].user['client-key-data']), headers: { Accept: metadataProtobuf('PartialObjectMetadata') } },
      (res) => {
        assert.equal(res.headers['content-type'], 'application/vnd.kubernetes.protobuf;stream=watch');
        let pending = Buffer.alloc(0);
        const got: { type: string; object: ReturnType<typeof unwrap> }[] = [];
        res.on('data', (d: Buffer) => {
          pending = Buffer.concat([pending, d]);
          // Frames: a 4-byte big-endian length, then a WatchEvent.
          while (pending.length >= 4 && pending.length >= 4 + pending.readUInt32BE(0)) {
            const frame = pending.subarray(4, 4 + pending.readUInt32BE(0));
            pending = pending.subarray(4 + frame.length);
            const event = protos.decode(`${meta}.WatchEvent`, frame) as { type: string; object: { raw: string } };
            const envelope = Buffer.from(event.object.raw, 'base64');
            got.push({ type: event.type, object: unwrap(envelope, `${meta}.PartialObjectMetadata`) });
            if (event.type === 'BOOKMARK') {
              req.destroy();
              resolve(got);
            }
          }
        });
      },
    );
    req.on('error', (err) => (req.destroyed ? undefined : reject(err)));
  });
  const bookmark = events.pop()!;
  assert.equal(events.length, count / 2);
  for (const e of events) {
    assert.equal(e.type, 'ADDED');
    assert.equal(e.object.kind, 'PartialObjectMetadata');
    assert.equal(e.object.message.metadata.labels.half, '1');
  }
  assert.equal(bookmark.object.kind, 'PartialObjectMetadata');
  assert.equal(bookmark.object.message.metadata.annotations['k8s.io/initial-events-end'], 'true');
});
