import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FakeClock } from '../machinery/clock.js';
import { createMemoryBackend } from './backends/memory/memory-backend.js';
import { startCompactor } from './compactor.js';
import type { Backend } from './types.js';

const SECOND = 1000;

async function write(b: Backend, name: string): Promise<number> {
  return (await b.create(`/registry/configmaps/ns/${name}`, { metadata: { name } })).modRevision;
}

/** Lets a compaction started by a timer finish. */
const settle = () => new Promise((resolve) => setImmediate(resolve));

test('compacts to the revision that was current retainMs ago, never to younger history', async () => {
  const clock = new FakeClock();
  const b = createMemoryBackend();
  await write(b, 'start');
  const compactor = startCompactor({ backend: b, clock, intervalMs: 60 * SECOND, retainMs: 5 * 60 * SECOND });

  // current[m] = the revision current at minute m (each tick sees it before that minute's write).
  const current = [b.currentRevision()];
  for (let minute = 1; minute <= 12; minute++) {
    clock.advance(60 * SECOND);
    await settle();
    current.push(b.currentRevision());
    const expected = minute < 5 ? 0 : current[minute - 5]!;
    assert.equal(b.compactedRevision(), expected, `after minute ${minute}`);
    await write(b, `m${minute}`);
    await write(b, `m${minute}-2`);
  }
  await assert.rejects(b.watch('/registry/', current[7]! - 1, () => undefined));
  await b.watch('/registry/', current[7]!, () => undefined).then((h) => h.stop());
  compactor.stop();
  await b.close();
});

test('with nothing written, there is nothing to compact', async () => {
  const clock = new FakeClock();
  const calls: number[] = [];
  const backend = stubBackend({ revision: 7, compacted: 7, compact: async (rev) => void calls.push(rev) });
  const compactor = startCompactor({ backend, clock, intervalMs: SECOND, retainMs: 2 * SECOND });
  clock.advance(10 * SECOND);
  await settle();
  assert.deepEqual(calls, []);
  compactor.stop();
});

test('stop() cancels the timer: no compaction afterwards', async () => {
  const clock = new FakeClock();
  const b = createMemoryBackend();
  await write(b, 'a');
  const compactor = startCompactor({ backend: b, clock, intervalMs: SECOND, retainMs: SECOND });
  assert.equal(clock.pendingTimers(), 1);
  compactor.stop();
  assert.equal(clock.pendingTimers(), 0);
  clock.advance(10 * SECOND);
  await settle();
  assert.equal(b.compactedRevision(), 0);
  await b.close();
});

test('a slow compaction is not started again while it runs; a failed one is reported and retried', async () => {
  const clock = new FakeClock();
  const calls: number[] = [];
  const errors: unknown[] = [];
  let finish: (() => void) | undefined;
  const state = { revision: 10, compacted: 0 };
  const backend = stubBackend({
    get revision() {
      return state.revision;
    },
    compacted: 0,
    compact: (rev) => {
      calls.push(rev);
      if (calls.length === 1) return new Promise<void>((resolve) => (finish = resolve));
      return Promise.reject(new Error('disk full'));
    },
  });
  const compactor = startCompactor({ backend, clock, intervalMs: SECOND, retainMs: SECOND, onError: (e) => errors.push(e) });
  clock.advance(SECOND); // mark at 0 is now 1 s old: compact(10), which hangs
  state.revision = 20;
  clock.advance(3 * SECOND);
  await settle();
  assert.deepEqual(calls, [10], 'no second compaction while the first runs');
  finish!();
  await settle();
  clock.advance(SECOND);
  await settle();
  assert.deepEqual(calls, [10, 20]);
  assert.equal((errors[0] as Error).message, 'disk full');
  clock.advance(SECOND);
  await settle();
  assert.equal(calls.length, 3, 'the compactor keeps going after a failure');
  compactor.stop();
});

test('rejects a non-positive interval', () => {
  const clock = new FakeClock();
  assert.throws(() => startCompactor({ backend: createMemoryBackend(), clock, intervalMs: 0, retainMs: SECOND }), RangeError);
});

function stubBackend(s: { revision: number; compacted: number; compact: (rev: number) => Promise<void> }): Backend {
  return {
    currentRevision: () => s.revision,
    compactedRevision: () => s.compacted,
    compact: (rev: number) => s.compact(rev),
  } as Partial<Backend> as Backend;
}
