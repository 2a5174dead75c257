// One write to many watchers: each event is serialized once per form and written to every
// watcher's socket already framed as an HTTP chunk. Checked here on the wire itself: the chunk
// framing is exact, watchers of one form get the same bytes, and the protobuf, Table and
// PartialObjectMetadata forms are each still right.
import assert from 'node:assert/strict';
import http from 'node:http';
import { connect, type Socket } from 'node:net';
import { after, before, test } from 'node:test';
import request from 'supertest';
import { createTestApp, listenTestApp, type TestApp } from '../testing/test-app.js';
import { createProtobufCodec } from '../schema/protobuf/index.js';
import { locateProtoDir } from '../schema/spec-files.js';
import { httpChunk } from './watch-stream.js';

let t: TestApp;
let listening: Awaited<ReturnType<typeof listenTestApp>>;
let port: number;
before(async () => {
  t = await createTestApp();
  listening = await listenTestApp(t);
  port = listening.port;
});
after(() => listening.close());

interface RawWatch {
  socket: Socket;
  head: string;
  /** Chunk payloads in order, parsed strictly from the chunked body. */
  chunks: Buffer[];
  next(count: number): Promise<Buffer[]>;
}

/** A watch on a raw socket whose chunked body is decoded by hand, so that any framing error shows. */
function openRawWatch(path: string, accept: string): Promise<RawWatch> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => {
      socket.write(`GET ${path} HTTP/1.1\r\nHost: x\r\nAccept: ${accept}\r\n\r\n`);
    });
    let pending = Buffer.alloc(0);
    let head: string | undefined;
    const chunks: Buffer[] = [];
    let wake: (() => void) | undefined;
    let failure: Error | undefined;
    const fail = (err: Error) => {
      failure = err;
      reject(err);
      wake?.();
    };
    const watch: RawWatch = {
      socket,
      head: '',
      chunks,
      async next(count) {
        while (chunks.length < count && !failure) await new Promise<void>((r) => (wake = r));
        if (failure) throw failure;
        return chunks.slice(0, count);
      },
    };
    socket.on('data', (d: Buffer) => {
      pending = Buffer.concat([pending, d]);
      if (head === undefined) {
        const end = pending.indexOf('\r\n\r\n');
        if (end < 0) return;
        head = pending.subarray(0, end).toString('latin1');
        pending = pending.subarray(end + 4);
        watch.head = head;
        resolve(watch);
      }
      for (;;) {
        const lineEnd = pending.indexOf('\r\n');
        if (lineEnd < 0) break;
        const sizeText = pending.subarray(0, lineEnd).toString('latin1');
        if (!/^[0-9a-f]+$/.test(sizeText)) return fail(new Error(`bad chunk size line ${JSON.stringify(sizeText)}`));
        const size = parseInt(sizeText, 16);
        if (pending.length < lineEnd + 2 + size + 2) break;
        const payload = pending.subarray(lineEnd + 2, lineEnd + 2 + size);
        if (pending.subarray(lineEnd + 2 + size, lineEnd + 4 + size).toString('latin1') !== '\r\n') return fail(new Error('chunk not followed by CRLF'));
        chunks.push(Buffer.from(payload));
        pending = pending.subarray(lineEnd + 4 + size);
      }
      wake?.();
    });
    socket.on('error', fail);
  });
}

test('httpChunk frames bytes as ServerResponse.write does', () => {
  assert.equal(httpChunk('{"a":1}\n').toString('latin1'), '8\r\n{"a":1}\n\r\n');
  const big = Buffer.alloc(300, 'x');
  assert.equal(httpChunk(big).toString('latin1'), `12c\r\n${'x'.repeat(300)}\r\n`);
});

test('one write reaches every watcher, each form exactly framed and the same bytes within a form', { timeout: 10_000 }, async () => {
  const created = await request(t.app).post('/api/v1/namespaces/default/configmaps').send({ metadata: { name: 'fan' }, data: { n: '0' } }).expect(201);
  const rv = created.body.metadata.resourceVersion as string;
  const path = `/api/v1/namespaces/default/configmaps?watch=1&resourceVersion=${rv}&fieldSelector=metadata.name%3Dfan`;
  const json = await Promise.all(Array.from({ length: 5 }, () => openRawWatch(path, 'application/json')));
  const proto = await Promise.all(Array.from({ length: 2 }, () => openRawWatch(path, 'application/vnd.kubernetes.protobuf;type=watch')));
  const table = await openRawWatch(path, 'application/json;as=Table;v=v1;g=meta.k8s.io');
  const partial = await openRawWatch(path, 'application/json;as=PartialObjectMetadata;v=v1;g=meta.k8s.io');
  try {
    for (const w of [...json, ...proto, table, partial]) assert.match(w.head, /transfer-encoding: chunked/i);
    for (let n = 1; n <= 2; n++) {
      await request(t.app)
        .patch('/api/v1/namespaces/default/configmaps/fan')
        .set('Content-Type', 'application/merge-patch+json')
        .send({ data: { n: String(n) } })
        .expect(200);
    }

    const jsonEvents = await Promise.all(json.map((w) => w.next(2)));
    for (const events of jsonEvents) {
      for (const [i, chunk] of events.entries()) {
        // One event per chunk, one line per event.
        assert.equal(chunk.indexOf('\n'), chunk.length - 1);
        const event = JSON.parse(chunk.toString('utf8'));
        assert.equal(event.type, 'MODIFIED');
        assert.equal(event.object.data.n, String(i + 1));
        assert.deepEqual(chunk, jsonEvents[0][i]);
      }
    }

    const protoEvents = await Promise.all(proto.map((w) => w.next(2)));
    for (const events of protoEvents) {
      for (const [i, chunk] of events.entries()) {
        // A length-prefixed WatchEvent frame, whole in its chunk.
        assert.equal(chunk.readUInt32BE(0), chunk.length - 4);
        assert.ok(chunk.includes('MODIFIED'));
        assert.ok(chunk.includes('fan'));
        assert.deepEqual(chunk, protoEvents[0][i]);
      }
    }

    const [firstRow, secondRow] = (await table.next(2)).map((c) => JSON.parse(c.toString('utf8')));
    assert.equal(firstRow.object.kind, 'Table');
    assert.ok(firstRow.object.columnDefinitions.length > 0, 'the first Table event carries the columns');
    assert.equal(secondRow.object.columnDefinitions?.length ?? 0, 0, 'later ones do not');
    assert.equal(secondRow.object.rows[0].cells[0], 'fan');

    const [meta] = (await partial.next(1)).map((c) => JSON.parse(c.toString('utf8')));
    assert.equal(meta.object.kind, 'PartialObjectMetadata');
    assert.equal(meta.object.metadata.name, 'fan');
    assert.equal(meta.object.data, undefined);
  } finally {
    for (const w of [...json, ...proto, table, partial]) w.socket.destroy();
  }
});

test('protobuf watchers of objects and of their metadata: one shared frame each, the bytes the object encoder writes; bookmarks as PartialObjectMetadata', { timeout: 10_000 }, async () => {
  const codec = createProtobufCodec(locateProtoDir());
  const created = await request(t.app).post('/api/v1/namespaces/default/configmaps').send({ metadata: { name: 'fan-pb', labels: { a: 'b' } }, data: { n: '0' } }).expect(201);
  const rv = created.body.metadata.resourceVersion as string;
  const path = `/api/v1/namespaces/default/configmaps?watch=1&resourceVersion=${rv}&fieldSelector=metadata.name%3Dfan-pb`;
  const metadataProtobuf = 'application/vnd.kubernetes.protobuf;as=PartialObjectMetadata;g=meta.k8s.io;v=v1';
  const proto = await Promise.all(Array.from({ length: 2 }, () => openRawWatch(path, 'application/vnd.kubernetes.protobuf')));
  const meta = await Promise.all(Array.from({ length: 2 }, () => openRawWatch(path, metadataProtobuf)));
  // From the start, with the bookmark that ends the initial events.
  const initial = `/api/v1/namespaces/default/configmaps?watch=1&sendInitialEvents=true&allowWatchBookmarks=true&resourceVersionMatch=NotOlderThan&fieldSelector=metadata.name%3Dfan-pb`;
  const initialMeta = await openRawWatch(initial, metadataProtobuf);
  const initialMetaJson = await openRawWatch(initial, 'application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1');
  const all = [...proto, ...meta, initialMeta, initialMetaJson];
  try {
    for (const w of [...proto, ...meta, initialMeta]) assert.match(w.head, /content-type: application\/vnd\.kubernetes\.protobuf;stream=watch/i);
    const patched = await request(t.app).patch('/api/v1/namespaces/default/configmaps/fan-pb').set('Content-Type', 'application/merge-patch+json').send({ data: { n: '1' } }).expect(200);
    const object = patched.body as Record<string, unknown>;
    const partial = { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: object.metadata };

    const [[p0], [p1]] = await Promise.all(proto.map((w) => w.next(1)));
    assert.deepEqual(p0, p1);
    assert.deepEqual(p0, Buffer.from(codec.encodeWatchEvent('MODIFIED', object)));
    const [[m0], [m1]] = await Promise.all(meta.map((w) => w.next(1)));
    assert.deepEqual(m0, m1);
    assert.deepEqual(m0, Buffer.from(codec.encodeWatchEvent('MODIFIED', partial)));

    // ADDED (the object as it was created), then the bookmark, then the MODIFIED event.
    const [added, bookmark, modified] = await initialMeta.next(3);
    assert.deepEqual(added, Buffer.from(codec.encodeWatchEvent('ADDED', { ...partial, metadata: created.body.metadata })));
    assert.deepEqual(modified, m0);
    const bookmarkObject = decodeWatchFrame(codec, bookmark!);
    assert.equal(bookmarkObject.type, 'BOOKMARK');
    assert.equal(bookmarkObject.object.kind, 'PartialObjectMetadata');
    assert.equal((bookmarkObject.object.metadata as { annotations: Record<string, string> }).annotations['k8s.io/initial-events-end'], 'true');
    const [, jsonBookmark] = (await initialMetaJson.next(2)).map((c) => JSON.parse(c.toString('utf8')));
    assert.equal(jsonBookmark.type, 'BOOKMARK');
    assert.equal(jsonBookmark.object.kind, 'PartialObjectMetadata');
    assert.equal(jsonBookmark.object.apiVersion, 'meta.k8s.io/v1');
  } finally {
    for (const w of all) w.socket.destroy();
  }
});

/** A protobuf watch frame's event type and object (its nested envelope decoded). */
function decodeWatchFrame(codec: ReturnType<typeof createProtobufCodec>, frame: Buffer): { type: string; object: Record<string, unknown> } {
  // WatchEvent {1: type, 2: RawExtension {1: raw}}: all three lengths fit one byte here.
  let at = 4;
  assert.equal(frame[at++], 0x0a);
  const typeLength = frame[at++]!;
  const type = frame.toString('utf8', at, at + typeLength);
  at += typeLength;
  assert.equal(frame[at++], 0x12);
  at++;
  assert.equal(frame[at++], 0x0a);
  at++;
  return { type, object: codec.decode(frame.subarray(at)) };
}
