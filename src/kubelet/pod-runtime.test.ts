import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Pod } from '../machinery/api-types.js';
import { goDuration, normalizeImage, PodRuntime } from './pod-runtime.js';

test('a pod the kubelet ran before a restart picks up from its reported status', () => {
  const started = Date.parse('2026-12-06T10:00:00Z');
  const pod: Pod = {
    metadata: { name: 'p', namespace: 'default', uid: 'u' },
    spec: { containers: [{ name: 'app', image: 'busybox', command: ['sh', '-c', 'echo a; sleep 60; exit 2'] }] },
    status: {
      phase: 'Running',
      startTime: '2026-12-06T10:00:00Z',
      podIP: '10.244.1.7',
      containerStatuses: [
        { name: 'app', image: 'docker.io/library/busybox:latest', imageID: 'x', ready: true, restartCount: 4, containerID: 'containerd://abc', state: { running: { startedAt: '2026-12-06T10:00:00Z' } } },
      ],
    },
  };
  const rt = PodRuntime.restore(pod, started + 30_000);
  assert.equal(rt.podIP, '10.244.1.7');
  const run = rt.run('app')!;
  assert.equal(run.state, 'running');
  assert.equal(run.restartCount, 4);
  const env = {
    startDelayMs: () => 0,
    imageFails: () => false,
    imagePresent: () => true,
    markPulled() {},
    unmountable: () => undefined,
    allocateIP: () => undefined,
    emit() {},
    newContainerID: () => 'containerd://new',
    pullMs: () => 0,
    imageSize: () => 0,
  };
  rt.advance(pod, started + 30_000, env);
  assert.equal(run.state, 'running', 'still in its 60 s sleep');
  assert.equal(rt.nextWakeAt(pod, started + 30_000), started + 60_000);
  rt.advance(pod, started + 60_000, env);
  assert.equal(run.lastTerminated?.exitCode, 2, 'it exited with 2 and restarts (restartPolicy Always)');
  assert.equal(run.restartCount, 5);
});

test('image references and durations as containerd and Go print them', () => {
  assert.equal(normalizeImage('nginx'), 'docker.io/library/nginx:latest');
  assert.equal(normalizeImage('nginx:1.25'), 'docker.io/library/nginx:1.25');
  assert.equal(normalizeImage('bitnami/redis'), 'docker.io/bitnami/redis:latest');
  assert.equal(normalizeImage('registry.k8s.io/pause:3.10'), 'registry.k8s.io/pause:3.10');
  assert.equal(normalizeImage('localhost:5000/app@sha256:abc'), 'localhost:5000/app@sha256:abc');
  assert.equal(goDuration(523), '523ms');
  assert.equal(goDuration(1371), '1.371s');
  assert.equal(goDuration(300_000), '5m0s');
});
