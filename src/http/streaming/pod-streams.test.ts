// The streaming subresources on a real listener, with the fake kubelet side: logs (tail, limit,
// follow), exec over WebSocket v5 and SPDY, port-forward over SPDY and SPDY-in-WebSocket, and
// nothing left open when a client goes away.
import assert from 'node:assert/strict';
import { createServer, request, type Server } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { after, before, test } from 'node:test';
import { WebSocket } from 'ws';
import { LocalClient } from '../../client/local-client.js';
import type { Pod } from '../../machinery/api-types.js';
import { FakeClock } from '../../machinery/clock.js';
import { Registry } from '../../registry/registry.js';
import { Catalogue } from '../../schema/catalogue.js';
import { OpenApiDocuments } from '../../schema/openapi-documents.js';
import { openBackend } from '../../storage/backends/index.js';
import { createFakeNodeConnections, type FakeNodeConnections } from '../../testing/fake-node-connections.js';
import { testSpec } from '../../testing/test-app.js';
import { createApp } from '../app.js';
import { versionInfo } from '../version.js';
import { FLAG_FIN, FrameDecoder, FrameEncoder, type SpdyFrame } from './spdy/frames.js';

let server: Server;
let base: string;
let kubelet: FakeNodeConnections;
const clock = new FakeClock();
let stopAll: () => Promise<void>;

before(async () => {
  const spec = testSpec();
  const catalogue = new Catalogue(spec.document);
  const backend = await openBackend('memory:');
  const registry = await Registry.open({ backend, catalogue, spec: spec.document, clock });
  await registry.pipeline.ready();
  const client = new LocalClient(registry, catalogue, { userAgent: 'test', fieldManager: 'test' });
  kubelet = createFakeNodeConnections({ client, clock, followEveryMs: 1000 });
  const version = versionInfo('0.0.0-test', '2026-01-01T00:00:00Z');
  const app = createApp({
    catalogue,
    registry,
    openapi: new OpenApiDocuments(spec, catalogue, version.gitVersion),
    clock,
    protobuf: () => {
      throw new Error('no protobuf here');
    },
    version,
    serverAddress: () => '127.0.0.1:6443',
    nodeConnections: kubelet,
    streaming: { webSocketSettleMs: 0 },
    authentication: { insecure: true },
  });
  server = createServer(app.handle);
  server.on('upgrade', app.upgrade);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  const pods = client.resource<Pod>('', 'v1', 'pods');
  const make = async (name: string, nodeName?: string, containers = [{ name: 'app', image: 'nginx', ports: [{ containerPort: 80 }] }]) => {
    await pods.create('default', { apiVersion: 'v1', kind: 'Pod', metadata: { name }, spec: { nodeName, containers } });
  };
  await make('web', 'node-a');
  await make('pending');
  await make('two', 'node-a', [
    { name: 'a', image: 'x', ports: [] },
    { name: 'b', image: 'x', ports: [] },
  ]);
  stopAll = async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
    await registry.close();
    await backend.close();
  };
});

after(() => stopAll());

function get(path: string): Promise<{ status: number; body: string; type?: string }> {
  return new Promise((resolve, reject) => {
    request(`http://${base}${path}`, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, type: res.headers['content-type'] }));
    })
      .on('error', reject)
      .end();
  });
}

const nothingOpen = async () => {
  for (let i = 0; i < 100; i++) {
    const open = kubelet.open();
    if (open.logs === 0 && open.execs === 0 && open.ports === 0) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  assert.deepEqual(kubelet.open(), { logs: 0, execs: 0, ports: 0 });
};

test('logs: text, tailLines, limitBytes, and the API server checks', async () => {
  assert.deepEqual(await get('/api/v1/namespaces/default/pods/web/log?container=app'), { status: 200, body: 'web app line 1\nweb app line 2\nweb app line 3\n', type: 'text/plain' });
  assert.equal((await get('/api/v1/namespaces/default/pods/web/log?tailLines=1')).body, 'web app line 3\n');
  assert.equal((await get('/api/v1/namespaces/default/pods/web/log?limitBytes=5')).body, 'web a');
  const invalid = await get('/api/v1/namespaces/default/pods/web/log?tailLines=-1&limitBytes=0');
  assert.equal(invalid.status, 422);
  assert.equal(JSON.parse(invalid.body).message, 'PodLogOptions "web" is invalid: [tailLines: Invalid value: -1: must be greater than or equal to 0, limitBytes: Invalid value: 0: must be greater than 0]');
  assert.equal(JSON.parse((await get('/api/v1/namespaces/default/pods/web/log?container=nope')).body).message, 'container nope is not valid for pod web');
  assert.equal(JSON.parse((await get('/api/v1/namespaces/default/pods/two/log')).body).message, 'a container name must be specified for pod two, choose one of: [a b]');
  assert.equal((await get('/api/v1/namespaces/default/pods/pending/log')).status, 204);
  assert.equal((await get('/api/v1/namespaces/default/pods/gone/log')).status, 404);
  assert.equal(JSON.parse((await get('/api/v1/namespaces/default/pods/pending/exec?command=ls&stdout=true')).body).message, 'pod pending does not have a host assigned');
  assert.equal(JSON.parse((await get('/api/v1/namespaces/default/pods/web/exec?command=ls&stdout=true')).body).message, 'Upgrade request required');
});

test('logs -f streams as lines are written and releases the kubelet stream when the client goes', async () => {
  const req = request(`http://${base}/api/v1/namespaces/default/pods/web/log?follow=true`);
  const text = await new Promise<string>((resolve) => {
    req.on('response', (res) => {
      let body = '';
      res.on('data', (d: Buffer) => {
        body += d.toString();
        if (body.includes('line 5\n')) resolve(body);
        else clock.advance(1000);
      });
    });
    req.end();
  });
  assert.equal(text, 'web app line 1\nweb app line 2\nweb app line 3\nweb app line 4\nweb app line 5\n');
  assert.equal(kubelet.open().logs, 1);
  req.destroy();
  await nothingOpen();
});

function wsExec(query: string, protocol = 'v5.channel.k8s.io'): Promise<{ channels: Map<number, string>; ws: WebSocket }> {
  const ws = new WebSocket(`ws://${base}/api/v1/namespaces/default/pods/web/exec?${query}`, [protocol]);
  const channels = new Map<number, string>();
  return new Promise((resolve, reject) => {
    ws.on('message', (data: Buffer) => channels.set(data[0], (channels.get(data[0]) ?? '') + data.subarray(1).toString()));
    ws.on('close', () => resolve({ channels, ws }));
    ws.on('error', reject);
  });
}

test('exec over WebSocket v5: stdout, stderr and the exit code on the error channel', async () => {
  const { channels } = await wsExec('command=sh&command=-c&command=echo%20out%3B%20cat%20%2Fnope%3B%20exit%203&stdout=true&stderr=true');
  assert.equal(channels.get(1), 'out\n');
  assert.equal(channels.get(2), 'cat: /nope: No such file or directory\n');
  assert.deepEqual(JSON.parse(channels.get(3)!), {
    metadata: {},
    status: 'Failure',
    message: 'command terminated with non-zero exit code: error executing command [sh -c echo out; cat /nope; exit 3], exit code 3',
    reason: 'NonZeroExitCode',
    details: { causes: [{ reason: 'ExitCode', message: '3' }] },
  });
  const ok = await wsExec('command=hostname&stdout=true');
  assert.deepEqual(JSON.parse(ok.channels.get(3)!), { metadata: {}, status: 'Success' });
  assert.equal(ok.channels.get(1), 'web\n');
});

test('exec over WebSocket v5: stdin and its close signal; a client that goes frees the session', async () => {
  const ws = new WebSocket(`ws://${base}/api/v1/namespaces/default/pods/web/exec?command=cat&stdin=true&stdout=true`, ['v5.channel.k8s.io']);
  let out = '';
  const closed = new Promise<void>((r) => ws.on('close', () => r()));
  ws.on('message', (d: Buffer) => d[0] === 1 && (out += d.subarray(1).toString()));
  await new Promise((r) => ws.on('open', r));
  assert.equal(ws.protocol, 'v5.channel.k8s.io');
  ws.send(Buffer.concat([Buffer.from([0]), Buffer.from('typed\n')]));
  ws.send(Buffer.from([255, 0]));
  await closed;
  assert.equal(out, 'typed\n');

  const sleeper = new WebSocket(`ws://${base}/api/v1/namespaces/default/pods/web/exec?command=sleep&command=100&stdout=true`, ['v5.channel.k8s.io']);
  await new Promise((r) => sleeper.on('open', r));
  for (let i = 0; i < 50 && kubelet.open().execs === 0; i++) await new Promise((r) => setTimeout(r, 10));
  assert.equal(kubelet.open().execs, 1);
  sleeper.terminate();
  await nothingOpen();
});

/** A SPDY client over a raw socket, enough for the tests: open streams, send data, collect frames. */
async function spdyConnect(path: string, protocol: string): Promise<{ open(id: number, headers: Record<string, string>, fin?: boolean): void; data(id: number, bytes: string, fin?: boolean): void; frames: SpdyFrame[]; until(check: (frames: SpdyFrame[]) => boolean): Promise<void>; socket: Socket }> {
  const socket = connect(Number(base.split(':')[1]), '127.0.0.1');
  socket.write(`POST ${path} HTTP/1.1\r\nHost: ${base}\r\nConnection: Upgrade\r\nUpgrade: SPDY/3.1\r\nX-Stream-Protocol-Version: ${protocol}\r\nContent-Length: 0\r\n\r\n`);
  const encoder = new FrameEncoder();
  const decoder = new FrameDecoder();
  const frames: SpdyFrame[] = [];
  let waiter: (() => void) | undefined;
  let head = Buffer.alloc(0);
  let upgraded = false;
  await new Promise<void>((resolve, reject) => {
    socket.on('data', async (chunk: Buffer) => {
      if (!upgraded) {
        head = Buffer.concat([head, chunk]);
        const end = head.indexOf('\r\n\r\n');
        if (end < 0) return;
        const status = head.subarray(0, end).toString();
        if (!status.startsWith('HTTP/1.1 101')) return reject(new Error(status));
        assert.match(status, new RegExp(`X-Stream-Protocol-Version: ${protocol}`));
        upgraded = true;
        chunk = head.subarray(end + 4);
        resolve();
      }
      decoder.push(chunk);
      for (let f; (f = await decoder.next()); ) if (f.type !== 'unknown') frames.push(f);
      waiter?.();
    });
  });
  return {
    socket,
    frames,
    open: (id, headers, fin = false) =>
      socket.write(encoder.encode({ type: 'syn_stream', streamId: id, associatedStreamId: 0, priority: 0, flags: fin ? FLAG_FIN : 0, headers: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, [v]])) })),
    data: (id, bytes, fin = false) => socket.write(encoder.encode({ type: 'data', streamId: id, flags: fin ? FLAG_FIN : 0, data: Buffer.from(bytes) })),
    async until(check) {
      for (let i = 0; i < 200 && !check(frames); i++) await new Promise<void>((r) => ((waiter = r), setTimeout(r, 20)));
      assert.ok(check(frames), `frames so far: ${JSON.stringify(frames)}`);
    },
  };
}

const dataOn = (frames: SpdyFrame[], id: number) =>
  frames
    .filter((f): f is Extract<SpdyFrame, { type: 'data' }> => f.type === 'data' && f.streamId === id)
    .map((f) => f.data.toString())
    .join('');
const finished = (frames: SpdyFrame[], id: number) => frames.some((f) => f.type === 'data' && f.streamId === id && (f.flags & FLAG_FIN) !== 0);

test('exec over SPDY (v4.channel.k8s.io): streams by streamtype, Status on the error stream', async () => {
  const c = await spdyConnect('/api/v1/namespaces/default/pods/web/exec?command=sh&command=-c&command=read%20x%3B%20echo%20got%20%24x%3B%20exit%202&stdin=true&stdout=true&stderr=true', 'v4.channel.k8s.io');
  c.open(1, { streamtype: 'error' });
  c.open(3, { streamtype: 'stdin' });
  c.open(5, { streamtype: 'stdout' });
  c.open(7, { streamtype: 'stderr' });
  await c.until((f) => f.filter((x) => x.type === 'syn_reply').length === 4);
  c.data(3, 'hello\n', true);
  await c.until((f) => finished(f, 1));
  // `read` is not one of the shell's programs: it says so on stderr and exits 2 at the end.
  assert.equal(dataOn(c.frames, 5), 'got\n');
  assert.equal(dataOn(c.frames, 7), 'sh: 1: read: not found\n');
  assert.equal(JSON.parse(dataOn(c.frames, 1)).details.causes[0].message, '2');
  c.socket.destroy();
  await nothingOpen();
});

test('port-forward over SPDY: HTTP through a declared port (keep-alive), a refusal for another', async () => {
  const c = await spdyConnect('/api/v1/namespaces/default/pods/web/portforward', 'portforward.k8s.io');
  c.open(1, { streamtype: 'error', port: '80', requestid: '0' }, true);
  c.open(3, { streamtype: 'data', port: '80', requestid: '0' });
  c.data(3, 'GET / HTTP/1.1\r\nHost: x\r\n\r\nGET /again HTTP/1.1\r\nHost: x\r\n\r\n');
  await c.until((f) => (dataOn(f, 3).match(/kubemu: pod default\/web port 80\n/g) ?? []).length === 2);
  assert.match(dataOn(c.frames, 3), /^HTTP\/1\.1 200 OK\r\n/);
  assert.equal(kubelet.open().ports, 1);
  c.data(3, '', true);
  await c.until((f) => finished(f, 3) && finished(f, 1));
  c.open(5, { streamtype: 'error', port: '81', requestid: '1' }, true);
  c.open(7, { streamtype: 'data', port: '81', requestid: '1' });
  await c.until((f) => finished(f, 5));
  assert.match(dataOn(c.frames, 5), /^error forwarding port 81 to pod [0-9a-f]{64}, uid : failed to execute portforward in network namespace "\/var\/run\/netns\/cni-[0-9a-f-]{36}": failed to connect to localhost:81 inside namespace "[0-9a-f]{64}", IPv4: dial tcp4 127\.0\.0\.1:81: connect: connection refused IPv6 dial tcp6 \[::1\]:81: connect: connection refused $/);
  // A client that goes mid-connection frees it.
  c.open(9, { streamtype: 'error', port: '80', requestid: '2' }, true);
  c.open(11, { streamtype: 'data', port: '80', requestid: '2' });
  for (let i = 0; i < 50 && kubelet.open().ports === 0; i++) await new Promise((r) => setTimeout(r, 10));
  assert.equal(kubelet.open().ports, 1);
  c.socket.destroy();
  await nothingOpen();
});

/** A bare WebSocket client (the `ws` client refuses port-forward's subprotocol, which is no RFC 6455 token). */
async function rawWebSocket(path: string, protocol: string): Promise<{ send(data: Buffer): void; onMessage(fn: (data: Buffer) => void): void; protocol: string; socket: Socket }> {
  const socket = connect(Number(base.split(':')[1]), '127.0.0.1');
  socket.write(`GET ${path} HTTP/1.1\r\nHost: ${base}\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Protocol: ${protocol}\r\n\r\n`);
  let buffered = Buffer.alloc(0);
  let handler: (data: Buffer) => void = () => {};
  const answer = await new Promise<string>((resolve) => {
    let head = '';
    const onData = (chunk: Buffer) => {
      head += chunk.toString('latin1');
      const end = head.indexOf('\r\n\r\n');
      if (end < 0) return;
      socket.off('data', onData);
      buffered = Buffer.from(head.slice(end + 4), 'latin1');
      resolve(head.slice(0, end));
    };
    socket.on('data', onData);
  });
  assert.match(answer, /^HTTP\/1\.1 101 /);
  const frames = () => {
    for (;;) {
      if (buffered.length < 2) return;
      let len = buffered[1] & 0x7f;
      let at = 2;
      if (len === 126) {
        if (buffered.length < 4) return;
        len = buffered.readUInt16BE(2);
        at = 4;
      } else if (len === 127) {
        if (buffered.length < 10) return;
        len = Number(buffered.readBigUInt64BE(2));
        at = 10;
      }
      if (buffered.length < at + len) return;
      const opcode = buffered[0] & 0x0f;
      const payload = buffered.subarray(at, at + len);
      buffered = buffered.subarray(at + len);
      if (opcode === 2) handler(payload);
    }
  };
  socket.on('data', (chunk: Buffer) => {
    buffered = Buffer.concat([buffered, chunk]);
    frames();
  });
  return {
    socket,
    protocol: /Sec-WebSocket-Protocol: (.*)/i.exec(answer)?.[1] ?? '',
    onMessage: (fn) => {
      handler = fn;
      frames();
    },
    send(data) {
      const mask = Buffer.from([1, 2, 3, 4]);
      const head = data.length < 126 ? Buffer.from([0x82, 0x80 | data.length]) : Buffer.concat([Buffer.from([0x82, 0x80 | 126]), Buffer.from([data.length >> 8, data.length & 0xff])]);
      const masked = Buffer.from(data.map((b, i) => b ^ mask[i % 4]));
      socket.write(Buffer.concat([head, mask, masked]));
    },
  };
}

test('port-forward over WebSocket: SPDY frames tunnelled in binary messages', async () => {
  const ws = await rawWebSocket('/api/v1/namespaces/default/pods/web/portforward', 'SPDY/3.1+portforward.k8s.io');
  assert.equal(ws.protocol, 'SPDY/3.1+portforward.k8s.io');
  const encoder = new FrameEncoder();
  const decoder = new FrameDecoder();
  let body = '';
  const done = new Promise<void>((resolve) => {
    ws.onMessage(async (data: Buffer) => {
      decoder.push(data);
      for (let f; (f = await decoder.next()); ) {
        if (f.type === 'data' && f.streamId === 3) body += f.data.toString();
        if (body.includes('port 80\n')) resolve();
      }
    });
  });
  ws.send(encoder.encode({ type: 'syn_stream', streamId: 1, associatedStreamId: 0, priority: 0, flags: FLAG_FIN, headers: { streamtype: ['error'], port: ['80'], requestid: ['0'] } }));
  ws.send(encoder.encode({ type: 'syn_stream', streamId: 3, associatedStreamId: 0, priority: 0, flags: 0, headers: { streamtype: ['data'], port: ['80'], requestid: ['0'] } }));
  ws.send(encoder.encode({ type: 'data', streamId: 3, flags: 0, data: Buffer.from('GET / HTTP/1.0\r\n\r\n') }));
  await done;
  assert.match(body, /^HTTP\/1\.0 200 OK\r\n(.*\r\n)*Connection: close\r\n\r\nkubemu: pod default\/web port 80\n$/);
  ws.socket.destroy();
  await nothingOpen();
});
