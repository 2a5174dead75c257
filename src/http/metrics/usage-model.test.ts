// The load model on its own: shares from the cluster config, idle containers, node system usage,
// jitter bounds, and the scrape clock's timestamps and windows.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Node, Pod } from '../../machinery/api-types.js';
import { jitterFactor, stableFraction } from './jitter.js';
import { goDuration, metricResolutionMs, sampleOf } from './scrape-clock.js';
import { containerUsage, nodeFacts, nodeUsage, noUsage, podFacts } from './usage-model.js';

const pod = (containers: Pod['spec']): Pod => ({
  metadata: { name: 'p', namespace: 'default', uid: 'u-1' },
  spec: containers,
  status: { phase: 'Running', containerStatuses: containers!.containers.map((c) => ({ name: c.name, image: '', imageID: '', ready: true, restartCount: 0, state: { running: {} } })) },
});

test('stable fractions lie in [0, 1), repeat for the same parts and spread over the range', () => {
  const values = Array.from({ length: 2000 }, (_, i) => stableFraction('uid', `c${i}`, i % 7));
  assert.ok(values.every((v) => v >= 0 && v < 1));
  assert.equal(stableFraction('a', 'b', 3), stableFraction('a', 'b', 3));
  const mean = values.reduce((s, v) => s + v, 0) / values.length;
  assert.ok(mean > 0.45 && mean < 0.55, String(mean));
  assert.ok(values.filter((v) => v < 0.1).length > 100 && values.filter((v) => v >= 0.9).length > 100);
  for (let i = 0; i < 100; i++) {
    const f = jitterFactor(0.15, 'x', i);
    assert.ok(f >= 0.85 && f < 1.15);
  }
});

test('a container uses the configured share of its request, its limit standing in for a missing request', () => {
  const facts = podFacts(
    pod({
      nodeName: 'n1',
      containers: [
        { name: 'a', resources: { requests: { cpu: '500m', memory: '1Gi' } } },
        { name: 'b', resources: { limits: { cpu: '2', memory: '512Mi' } } },
        { name: 'idle' },
      ],
    }),
  )!;
  const full = { cpuUsageOfRequest: 1, memoryUsageOfRequest: 1 };
  const [a, b, idle] = facts.containers.map((c) => containerUsage(facts, c, full, 0));
  assert.ok(a!.cpuNanoCores > 500e6 * 0.8 && a!.cpuNanoCores < 500e6 * 1.21, String(a!.cpuNanoCores));
  assert.ok(a!.memoryBytes > 2 ** 30 * 0.89 && a!.memoryBytes < 2 ** 30 * 1.12);
  assert.ok(b!.cpuNanoCores > 2e9 * 0.8 && b!.cpuNanoCores < 2e9 * 1.21);
  assert.ok(idle!.cpuNanoCores > 1e6 && idle!.cpuNanoCores < 3e6, 'idle: about 2m whatever the share');
  const none = containerUsage(facts, facts.containers[0]!, { cpuUsageOfRequest: 0, memoryUsageOfRequest: 0 }, 0);
  assert.deepEqual(none, { cpuNanoCores: 0, memoryBytes: 0 });
  const half = containerUsage(facts, facts.containers[0]!, { cpuUsageOfRequest: 0.5, memoryUsageOfRequest: 0.5 }, 0);
  assert.ok(Math.abs(half.cpuNanoCores - a!.cpuNanoCores / 2) <= 1, 'linear in the share');
});

test('only running containers are reported; a pod with none, or without a node, has no facts', () => {
  const p = pod({ nodeName: 'n1', containers: [{ name: 'a' }, { name: 'b' }] });
  p.status!.containerStatuses![1]!.state = { waiting: { reason: 'CrashLoopBackOff' } };
  assert.deepEqual(podFacts(p)!.containers.map((c) => c.name), ['a']);
  p.status!.containerStatuses![0]!.state = { terminated: { exitCode: 1 } };
  assert.equal(podFacts(p), undefined);
  assert.equal(podFacts(pod({ containers: [{ name: 'a' }] })), undefined);
});

test('nodes: Ready ones report; control-plane nodes carry their components; usage stays within capacity', () => {
  const node = (labels: Record<string, string>, ready: string): Node => ({
    metadata: { name: 'n', uid: 'n-uid', labels },
    status: { capacity: { cpu: '1', memory: '2Gi' }, conditions: [{ type: 'Ready', status: ready }] },
  });
  const worker = nodeFacts(node({}, 'True'));
  const control = nodeFacts(node({ 'node-role.kubernetes.io/control-plane': '' }, 'True'));
  assert.equal(worker.reporting, true);
  assert.equal(nodeFacts(node({}, 'False')).reporting, false);
  assert.equal(nodeFacts(node({}, 'Unknown')).reporting, false);
  assert.equal(control.role, 'control-plane');
  assert.ok(nodeUsage(control, noUsage, 0).cpuNanoCores > nodeUsage(worker, noUsage, 0).cpuNanoCores);
  const busy = nodeUsage(worker, { cpuNanoCores: 5e9, memoryBytes: 8 * 2 ** 30 }, 0);
  assert.deepEqual(busy, { cpuNanoCores: 1e9, memoryBytes: 2 * 2 ** 30 });
});

test('scrape clock: timestamps never ahead of now, 10s/20s windows alternating, per-node phases', () => {
  const start = Date.parse('2026-03-01T12:00:00Z');
  const windows: number[] = [];
  for (let i = 0; i < 6; i++) {
    const now = start + i * metricResolutionMs + 1234;
    const s = sampleOf('kubemu-worker', now);
    assert.ok(s.timestampMs <= now && s.timestampMs > now - 25_000);
    windows.push(s.windowMs);
    const later = sampleOf('kubemu-worker', now + 5000);
    assert.equal(later.scrape === s.scrape, later.timestampMs === s.timestampMs, 'the sample changes only with the scrape');
  }
  assert.deepEqual([...new Set(windows)].sort(), [10_000, 20_000]);
  for (let i = 1; i < windows.length; i++) assert.notEqual(windows[i], windows[i - 1]);
  const phases = new Set(['a', 'b', 'c', 'd', 'e'].map((n) => sampleOf(n, start).timestampMs));
  assert.ok(phases.size > 1, 'nodes are sampled at different moments');
  assert.deepEqual(['10s', '20s', '1m0s', '1m5.5s', '500ms', '0s'], [10_000, 20_000, 60_000, 65_500, 500, 0].map(goDuration));
});
