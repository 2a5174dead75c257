import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FakeClock } from '../../machinery/clock.js';
import { WorkQueue } from './work-queue.js';

test('a key waiting in the queue is held once; one added while processed comes back after done', async () => {
  const q = new WorkQueue<string>({ clock: new FakeClock() });
  q.add('a');
  q.add('b');
  q.add('a');
  assert.equal(q.len(), 2);
  const first = await q.get();
  assert.equal(first, 'a');
  q.add('a'); // while it is being processed
  assert.equal(q.len(), 1, 'not queued a second time while in progress');
  assert.equal(await q.get(), 'b');
  q.done('b');
  assert.equal(q.len(), 0);
  q.done('a');
  assert.equal(q.len(), 1, 'back once the worker is done');
  assert.equal(await q.get(), 'a');
  q.done('a');
  assert.ok(q.idle());
});

test('a waiting worker gets the next key at once', async () => {
  const q = new WorkQueue<string>({ clock: new FakeClock() });
  const next = q.get();
  q.add('x');
  assert.equal(await next, 'x');
  assert.equal(q.idle(), false);
  q.done('x');
  assert.equal(q.idle(), true);
});

test('delayed adds run on the clock; the earlier of two delays wins', async () => {
  const clock = new FakeClock();
  const q = new WorkQueue<string>({ clock });
  q.addAfter('k', 1000);
  q.addAfter('k', 500);
  q.addAfter('k', 2000);
  assert.equal(q.len(), 0);
  assert.equal(q.delayedCount(), 1);
  clock.advance(499);
  assert.equal(q.len(), 0);
  clock.advance(1);
  assert.equal(q.len(), 1);
  clock.advance(5000);
  assert.equal(q.len(), 1, 'the later delays were dropped');
});

test('failures back off exponentially until forgotten', async () => {
  const clock = new FakeClock();
  const q = new WorkQueue<string>({ clock, baseDelayMs: 10 });
  const delays: number[] = [];
  for (let i = 0; i < 4; i++) {
    const start = clock.now();
    q.addRateLimited('k');
    while (q.len() === 0) clock.advance(1);
    delays.push(clock.now() - start);
    q.done((await q.get())!);
  }
  assert.deepEqual(delays, [10, 20, 40, 80]);
  assert.equal(q.numRequeues('k'), 4);
  q.forget('k');
  assert.equal(q.numRequeues('k'), 0);
});

test('shutDown releases waiting workers and drops delayed keys', async () => {
  const clock = new FakeClock();
  const q = new WorkQueue<string>({ clock });
  const waiting = q.get();
  q.addAfter('later', 100);
  q.shutDown();
  assert.equal(await waiting, undefined);
  clock.advance(200);
  assert.equal(q.len(), 0);
  q.add('after');
  assert.equal(q.len(), 0);
});
