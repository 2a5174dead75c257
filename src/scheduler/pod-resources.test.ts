import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Pod } from '../machinery/api-types.js';
import { podFitRequests, podNonZeroRequests } from './pod-resources.js';

const container = (name: string, requests?: Record<string, string>, restartPolicy?: string) => ({
  name,
  image: 'x',
  ...(requests ? { resources: { requests } } : {}),
  ...(restartPolicy ? { restartPolicy } : {}),
});

test('containers add up; an init container only needs the largest moment; overhead comes on top', () => {
  const pod: Pod = {
    spec: {
      initContainers: [container('ic1', { cpu: '2', memory: '1G' }), container('ic2', { cpu: '2', memory: '3G' })],
      containers: [container('c1', { cpu: '2', memory: '1G' }), container('c2', { cpu: '1', memory: '1G' })],
      overhead: { cpu: '250m' },
    },
  };
  assert.deepEqual(Object.fromEntries(podFitRequests(pod)), { cpu: 3250, memory: 3_000_000_000 });
});

test('sidecars run beside the containers and beside every later init container', () => {
  const pod: Pod = {
    spec: {
      initContainers: [container('sidecar', { cpu: '1' }, 'Always'), container('setup', { cpu: '3' })],
      containers: [container('app', { cpu: '1' })],
    },
  };
  // Setup runs next to the sidecar (1 + 3 = 4); afterwards sidecar and app run together (2).
  assert.equal(podFitRequests(pod).get('cpu'), 4000);
});

test('pod-level requests replace the containers\' cpu and memory', () => {
  const pod = { spec: { resources: { requests: { cpu: '1', memory: '1Gi' } }, containers: [container('a', { cpu: '4', 'example.com/gpu': '1' })] } } as Pod;
  assert.deepEqual(Object.fromEntries(podFitRequests(pod)), { cpu: 1000, 'example.com/gpu': 1, memory: 1024 ** 3 });
});

test('for scoring, a container without requests counts as 100m and 200Mi', () => {
  const pod: Pod = { spec: { containers: [container('a'), container('b', { cpu: '1' })] } };
  assert.deepEqual(podNonZeroRequests(pod), { cpu: 1100, memory: 2 * 200 * 1024 * 1024 });
  assert.deepEqual(Object.fromEntries(podFitRequests(pod)), { cpu: 1000 });
});
