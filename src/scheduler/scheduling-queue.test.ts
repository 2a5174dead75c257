import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Node, Pod } from '../machinery/api-types.js';
import { FakeClock } from '../machinery/clock.js';
import type { ClusterEvent } from './cluster-events.js';
import { SchedulingQueue } from './scheduling-queue.js';

const pod = (name: string, priority = 0, extra: Partial<NonNullable<Pod['spec']>> = {}): Pod => ({
  metadata: { namespace: 'default', name },
  spec: { containers: [{ name: 'c', image: 'x' }], priority, ...extra },
});
const nodeAdd: ClusterEvent = { type: 'NodeAdd', node: { metadata: { name: 'n' } } as Node };

function setup(hint: (plugin: string, event: ClusterEvent) => boolean = () => false) {
  const clock = new FakeClock(Date.parse('2026-01-01T00:00:00.400Z'));
  let wakes = 0;
  const queue = new SchedulingQueue({ clock, wake: () => wakes++, hint: (plugin, event) => hint(plugin, event) });
  return { clock, queue, wakes: () => wakes };
}

test('pods come out by priority, then by how long they have waited', () => {
  const { clock, queue } = setup();
  queue.add(pod('low'));
  clock.advance(10);
  queue.add(pod('high', 100));
  clock.advance(10);
  queue.add(pod('low2'));
  assert.deepEqual([queue.pop()?.key, queue.pop()?.key, queue.pop()?.key, queue.pop()], ['default/high', 'default/low', 'default/low2', undefined]);
});

test('an unschedulable pod waits for an event a rejecting plugin agrees to, then may be taken before its back-off ends', () => {
  const { queue } = setup((plugin, event) => plugin === 'NodeResourcesFit' && event.type === 'NodeAdd');
  queue.add(pod('taint'));
  queue.add(pod('fit'));
  const a = queue.pop()!;
  queue.failed(a, a.info.pod, new Set(['TaintToleration']));
  const b = queue.pop()!;
  queue.failed(b, b.info.pod, new Set(['NodeResourcesFit']));
  assert.deepEqual(queue.sizes(), { active: 0, backoff: 0, unschedulable: 2, gated: 0 });
  queue.moveAll(nodeAdd);
  assert.deepEqual(queue.sizes(), { active: 0, backoff: 1, unschedulable: 1, gated: 0 }, 'only the pod NodeResourcesFit rejected moves; it is still backing off');
  assert.equal(queue.pop()?.key, 'default/fit', 'activeQ is empty, so the backoffQ pod is taken at once');
  assert.equal(queue.pop(), undefined);
});

test('an event during the attempt is not lost: the pod goes back to the queue instead of waiting', () => {
  const { queue } = setup(() => true);
  queue.add(pod('p'));
  const q = queue.pop()!;
  queue.moveAll(nodeAdd);
  queue.failed(q, q.info.pod, new Set(['NodeResourcesFit']));
  assert.equal(queue.sizes().unschedulable, 0);
  assert.equal(queue.pop()?.key, 'default/p');
});

test('after an error the back-off is waited out: 1 s, 2 s, 4 s … up to 10 s, released on whole seconds', () => {
  const { clock, queue } = setup();
  queue.add(pod('p'));
  const released: number[] = [];
  let q = queue.pop()!;
  const start = clock.now();
  for (let i = 0; i < 6; i++) {
    queue.failed(q, q.info.pod, new Set());
    assert.equal(queue.pop(), undefined, 'an error back-off is not cut short');
    while (!(q = queue.pop()!)) clock.advance(100);
    released.push(clock.now() - start);
  }
  // A back-off ends in a one-second window and the pod leaves when the next window starts: the
  // failure at 0.4 s with 1 s of back-off ends in window 1 s, so it leaves at 2 s (1.6 s later);
  // then 2 s + 2 s → window 4 s → leaves at 5 s (3 s later), and so on up to 10 s (+1).
  const gaps = released.map((t, i) => t - (released[i - 1] ?? 0));
  assert.deepEqual(gaps, [1600, 3000, 5000, 9000, 11000, 11000]);
});

test('a pod left unschedulable is retried at the first 30-second tick after five minutes, without polling before', () => {
  const { clock, queue } = setup();
  queue.add(pod('p'));
  const q = queue.pop()!;
  queue.failed(q, q.info.pod, new Set(['NodeResourcesFit']));
  assert.equal(clock.pendingTimers(), 1, 'one timer, for the flush');
  clock.advance(300_000);
  assert.equal(queue.pop(), undefined);
  clock.advance(30_000);
  assert.equal(queue.pop()?.key, 'default/p');
});

test('a gated pod is held until its gates are removed; its own update can requeue it when a plugin says so', () => {
  const { queue } = setup((plugin, event) => plugin === 'TaintToleration' && event.type === 'TargetPodUpdate' && event.changes.tolerations);
  const gated = pod('g', 0, { schedulingGates: [{ name: 'wait' }] });
  queue.add(gated);
  assert.equal(queue.pop(), undefined);
  queue.update(gated, pod('g'));
  const q = queue.pop()!;
  assert.equal(q.key, 'default/g');
  queue.failed(q, q.info.pod, new Set(['TaintToleration']));
  queue.update(pod('g'), { ...pod('g'), metadata: { ...pod('g').metadata, labels: { a: 'b' } } });
  assert.equal(queue.pop(), undefined, 'a label change does not help');
  queue.update(pod('g'), pod('g', 0, { tolerations: [{ operator: 'Exists' }] }));
  assert.equal(queue.pop()?.key, 'default/g');
});

test('with no nodes at all a pod is rejected, not failed: it waits for a node instead of retrying every few seconds', () => {
  const { clock, queue } = setup();
  queue.add(pod('p'));
  const q = queue.pop()!;
  queue.failed(q, q.info.pod, new Set(), true);
  assert.deepEqual(queue.sizes(), { active: 0, backoff: 0, unschedulable: 1, gated: 0 });
  clock.advance(60_000);
  assert.equal(queue.pop(), undefined, 'no retry on a back-off timer');
  queue.moveAll(nodeAdd);
  assert.equal(queue.pop()?.key, 'default/p', 'a node appearing brings it back at once (no rejecting plugin to ask)');
});
