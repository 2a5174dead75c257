// A watcher that stops reading: once its unsent events pass the bound, the server drops its
// connection (as kube-apiserver's cacher drops an unresponsive watcher) instead of queueing
// every later event for it; a watcher that keeps reading gets them all.
import assert from 'node:assert/strict';
import http from 'node:http';
import { connect, type Socket } from 'node:net';
import { after, before, test } from 'node:test';
import request from 'supertest';
import { createTestApp, listenTestApp, type TestApp } from '../testing/test-app.js';

let t: TestApp;
let listening: Awaited<ReturnType<typeof listenTestApp>>;
let port: number;
before(async () => {
  t = await createTestApp({ app: { watchBufferBytes: 4 * 1024 * 1024 } });
  listening = await listenTestApp(t);
  port = listening.port;
});
after(() => listening.close());

/** A watch on a raw socket, once its response headers have come (the watch is registered by then). */
function openWatch(): Promise<{ socket: Socket; head: string }> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1', () => {
      socket.write('GET /api/v1/namespaces/default/configmaps?watch=1 HTTP/1.1\r\nHost: x\r\n\r\n');
    });
    socket.setEncoding('latin1');
    let head = '';
    const onData = (d: string) => {
      head += d;
      if (!head.includes('\r\n\r\n')) return;
      socket.off('data', onData);
      resolve({ socket, head });
    };
    socket.on('data', onData);
  });
}

async function until(check: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!check()) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Reads what is left on the socket until the server closes it; how many events came. */
function drain(socket: Socket): Promise<{ events: number; ended: boolean }> {
  return new Promise((resolve) => {
    let text = '';
    socket.on('data', (d: string) => (text += d));
    socket.on('error', () => undefined);
    socket.on('close', () => resolve({ events: (text.match(/"type":"ADDED"/g) ?? []).length, ended: text.endsWith('0\r\n\r\n') }));
    // A watch the server kept open would never close: give up after a while (the test then fails).
    setTimeout(() => socket.destroy(), 5_000).unref();
    socket.resume();
  });
}

test('a watcher that stops reading is disconnected; one that reads gets every event', async () => {
  const { socket: stalled } = await openWatch();
  stalled.pause();
  const { socket: reading, head } = await openWatch();
  let readingText = head;
  reading.on('data', (d: string) => (readingText += d));
  // 40 MB of events: far more than the bound and the kernel's socket buffers together.
  const value = 'x'.repeat(1_000_000);
  for (let i = 0; i < 40; i++) await request(t.app).post('/api/v1/namespaces/default/configmaps').send({ metadata: { name: `big-${i}` }, data: { v: value } }).expect(201);
  await until(() => (readingText.match(/"type":"ADDED"/g) ?? []).length === 40, 'the reading watcher to get every event');
  const { events, ended } = await drain(stalled);
  assert.ok(events < 40, `the stalled watcher got all ${events} events`);
  assert.equal(ended, false, 'the stalled watch ended cleanly instead of being dropped');
  reading.destroy();
});
