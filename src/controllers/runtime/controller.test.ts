import assert from 'node:assert/strict';
import { test } from 'node:test';
import { conflict } from '../../apierrors/index.js';
import { FakeClock } from '../../machinery/clock.js';
import { startReconcileLoop } from './controller.js';

const settle = async () => {
  for (let i = 0; i < 10; i++) await new Promise((r) => setImmediate(r));
};

test('a failed key is retried with back-off and one log line; a conflict is retried quietly', async () => {
  const clock = new FakeClock();
  const logged: string[] = [];
  const attempts: string[] = [];
  const loop = startReconcileLoop({
    clock,
    log: { info() {}, error: (m, f) => logged.push(`${m} ${String(f?.key)}`) },
    synced: async () => {},
    workers: 2,
    async reconcile(key) {
      attempts.push(key);
      const n = attempts.filter((k) => k === key).length;
      if (key === 'stale' && n === 1) throw conflict({ group: 'apps', resource: 'deployments' }, 'stale', 'the object has been modified');
      if (key === 'broken' && n < 3) throw new Error('boom');
    },
  });
  loop.enqueue('stale');
  loop.enqueue('broken');
  await settle();
  assert.deepEqual(attempts, ['stale', 'broken']);
  clock.advance(5); // first back-off
  await settle();
  clock.advance(10); // second back-off for "broken"
  await settle();
  assert.deepEqual(attempts, ['stale', 'broken', 'stale', 'broken', 'broken']);
  assert.deepEqual(logged, ['reconcile failed; retrying with back-off broken', 'reconcile failed; retrying with back-off broken']);
  clock.advance(10_000);
  await settle();
  assert.equal(attempts.length, 5, 'no more retries once it succeeded');
  loop.stop();
});

test('a reconcile may ask to be looked at again later, on the clock', async () => {
  const clock = new FakeClock();
  let runs = 0;
  const loop = startReconcileLoop({
    clock,
    log: { info() {}, error() {} },
    synced: async () => {},
    async reconcile() {
      runs++;
      return runs < 3 ? { requeueAfterMs: 60_000 } : undefined;
    },
  });
  loop.enqueue('cron');
  await settle();
  assert.equal(runs, 1);
  clock.advance(59_999);
  await settle();
  assert.equal(runs, 1);
  clock.advance(1);
  await settle();
  assert.equal(runs, 2);
  clock.advance(60_000);
  await settle();
  clock.advance(600_000);
  await settle();
  assert.equal(runs, 3);
  loop.stop();
});

test('a busy reconcile loop lets the event loop serve I/O every few milliseconds, not only when idle', async () => {
  let processed = 0;
  const loop = startReconcileLoop({
    clock: new FakeClock(),
    log: { info() {}, error() {} },
    synced: async () => {},
    workers: 1,
    // Resolves at once, as in-process client calls do, after half a millisecond of work: without
    // yielding, all keys would run in one go (50 ms with I/O waiting).
    reconcile: async () => {
      const until = performance.now() + 0.5;
      while (performance.now() < until);
      processed++;
    },
  });
  for (let i = 0; i < 100; i++) loop.enqueue(`k${i}`);
  const seenByIo = await new Promise<number>((resolve) => setImmediate(() => resolve(processed)));
  // A worker runs keys back to back for a slice of about 2 ms, then lets the loop turn.
  assert.ok(seenByIo > 0 && seenByIo <= 10, `a macrotask ran after ${seenByIo} of 100 keys`);
  while (!loop.idle()) await new Promise((r) => setImmediate(r));
  assert.equal(processed, 100);
  loop.stop();
});
