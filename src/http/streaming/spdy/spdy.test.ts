import assert from 'node:assert/strict';
import { test } from 'node:test';
import zlib from 'node:zlib';
import { spdy3Dictionary } from './dictionary.js';
import { FLAG_FIN, FrameDecoder, FrameEncoder, type SpdyFrame } from './frames.js';
import { adler32, HeaderBlockReader, HeaderBlockWriter, decodeNameValueBlock, encodeNameValueBlock, type SpdyHeaders } from './header-block.js';
import { SpdySession, type SpdyStream } from './session.js';

test('the SPDY/3 dictionary is the spec one (size and DICTID)', () => {
  assert.equal(spdy3Dictionary.length, 1423);
  assert.equal(spdy3Dictionary.subarray(0, 11).toString('latin1'), '\0\0\0\x07options');
  assert.ok(spdy3Dictionary.toString('latin1').endsWith(',utf-,*,enq=0.'));
  // The dictionary id every SPDY/3 peer puts in its zlib header.
  assert.equal(adler32(spdy3Dictionary).toString(16), 'e3c6a7c2');
});

test('name/value blocks round-trip, several values NUL-joined', () => {
  const headers = { streamtype: ['data'], port: ['80'], multi: ['a', 'b'] };
  assert.deepEqual(decodeNameValueBlock(encodeNameValueBlock(headers)), headers);
});

test('our header blocks inflate with zlib and the dictionary, block after block', async () => {
  const writer = new HeaderBlockWriter();
  const inflater = zlib.createInflate({ dictionary: spdy3Dictionary });
  for (const h of [{ streamtype: ['error'] }, {}, { port: ['8080'], requestid: ['0'] }] as SpdyHeaders[]) {
    const out = await new Promise<Buffer>((resolve) => {
      inflater.write(writer.compress(h));
      inflater.flush(zlib.constants.Z_SYNC_FLUSH, () => resolve(inflater.read() as Buffer));
    });
    assert.deepEqual(decodeNameValueBlock(out), h);
  }
});

test('header blocks a real deflater wrote (with the dictionary) decode, in one zlib stream', async () => {
  const deflater = zlib.createDeflate({ dictionary: spdy3Dictionary });
  const reader = new HeaderBlockReader();
  for (const h of [{ streamtype: ['stdout'] }, { streamtype: ['stderr'], 'content-type': ['text/plain'] }] as SpdyHeaders[]) {
    const compressed = await new Promise<Buffer>((resolve) => {
      deflater.write(encodeNameValueBlock(h));
      deflater.flush(zlib.constants.Z_SYNC_FLUSH, () => resolve(deflater.read() as Buffer));
    });
    assert.deepEqual(await reader.decompress(compressed), h);
  }
  reader.close();
});

test('every frame type round-trips through encoder and decoder, split at any byte', async () => {
  const frames: SpdyFrame[] = [
    { type: 'syn_stream', streamId: 1, associatedStreamId: 0, priority: 2, flags: FLAG_FIN, headers: { streamtype: ['error'] } },
    { type: 'syn_reply', streamId: 1, flags: 0, headers: {} },
    { type: 'data', streamId: 1, flags: FLAG_FIN, data: Buffer.from('hello') },
    { type: 'rst_stream', streamId: 3, status: 5 },
    { type: 'settings', flags: 0, entries: [{ id: 7, flags: 1, value: 65536 }] },
    { type: 'ping', id: 0xfffffffe },
    { type: 'goaway', lastGoodStreamId: 5, status: 0 },
    { type: 'headers', streamId: 5, flags: 0, headers: { a: ['b'] } },
    { type: 'window_update', streamId: 5, delta: 1000 },
  ];
  const encoder = new FrameEncoder();
  const bytes = Buffer.concat(frames.map((f) => encoder.encode(f)));
  const decoder = new FrameDecoder();
  const seen: unknown[] = [];
  for (let i = 0; i < bytes.length; i += 7) {
    decoder.push(bytes.subarray(i, i + 7));
    for (let f; (f = await decoder.next()); ) seen.push(f);
  }
  assert.deepEqual(seen, frames);
  decoder.close();
});

test('a session replies to streams, echoes pings, carries data both ways and forgets finished streams', async () => {
  const written: Buffer[] = [];
  const streams: SpdyStream[] = [];
  let closed = '';
  const session = new SpdySession({ write: (b) => written.push(b), end: () => {} }, { onStream: (s) => streams.push(s), onClose: (r) => (closed = r) });
  const client = new FrameEncoder();
  session.receive(client.encode({ type: 'syn_stream', streamId: 1, associatedStreamId: 0, priority: 0, flags: 0, headers: { streamtype: ['data'] } }));
  session.receive(client.encode({ type: 'ping', id: 1 }));
  session.receive(client.encode({ type: 'data', streamId: 1, flags: FLAG_FIN, data: Buffer.from('in') }));
  await new Promise((r) => setTimeout(r, 20));
  assert.equal(streams.length, 1);
  assert.equal(streams[0].header('streamtype'), 'data');
  const received: Buffer[] = [];
  streams[0].on('data', (d: Buffer) => received.push(d));
  await new Promise((r) => streams[0].once('end', r));
  assert.equal(Buffer.concat(received).toString(), 'in');
  streams[0].end('out');
  await new Promise((r) => setImmediate(r));
  const decoder = new FrameDecoder();
  decoder.push(Buffer.concat(written));
  const out: unknown[] = [];
  for (let f; (f = await decoder.next()); ) out.push(f);
  assert.deepEqual(out, [
    { type: 'syn_reply', streamId: 1, flags: 0, headers: {} },
    { type: 'ping', id: 1 },
    { type: 'data', streamId: 1, flags: 0, data: Buffer.from('out') },
    { type: 'data', streamId: 1, flags: FLAG_FIN, data: Buffer.alloc(0) },
  ]);
  assert.equal(session.openStreams(), 0);
  session.receive(client.encode({ type: 'goaway', lastGoodStreamId: 0, status: 0 }));
  await new Promise((r) => setTimeout(r, 10));
  assert.equal(closed, 'the client went away');
  decoder.close();
});
