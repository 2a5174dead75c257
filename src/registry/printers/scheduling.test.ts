import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  deviceClassPrinter, priorityClassPrinter, resourceClaimPrinter, resourceClaimTemplatePrinter, resourceSlicePrinter,
  runtimeClassPrinter,
} from './scheduling.js';

const now = new Date('2024-05-01T12:00:00Z');
const meta = (name: string, extra: any = {}) => ({ name, creationTimestamp: '2024-04-30T12:00:00Z', ...extra });

test('priority classes and runtime classes', () => {
  assert.deepEqual(
    priorityClassPrinter.cells({ metadata: meta('system-node-critical'), value: 2000001000, preemptionPolicy: 'PreemptLowerPriority' }, now),
    ['system-node-critical', 2000001000, false, '24h', 'PreemptLowerPriority'],
  );
  assert.deepEqual(
    priorityClassPrinter.cells({ metadata: meta('batch'), value: -10, globalDefault: true, preemptionPolicy: 'Never' }, now),
    ['batch', -10, true, '24h', 'Never'],
  );
  assert.deepEqual(runtimeClassPrinter.cells({ metadata: meta('kata'), handler: 'kata-qemu' }, now), ['kata', 'kata-qemu', '24h']);
});

test('resource claims summarise their state', () => {
  const cases: Array<[any, string]> = [
    [{ metadata: meta('c') }, 'pending'],
    [{ metadata: meta('c'), status: { allocation: { devices: { results: [] } } } }, 'allocated'],
    [{ metadata: meta('c'), status: { allocation: {}, reservedFor: [{ resource: 'pods', name: 'p', uid: 'u' }] } }, 'allocated,reserved'],
    [{ metadata: meta('c', { deletionTimestamp: '2024-05-01T11:59:00Z' }) }, 'deleted'],
    [{ metadata: meta('c', { deletionTimestamp: '2024-05-01T11:59:00Z' }), status: { allocation: {}, reservedFor: [{}] } }, 'deleted,allocated,reserved'],
  ];
  for (const [claim, state] of cases) assert.deepEqual(resourceClaimPrinter.cells(claim, now), ['c', state, '24h'], state);
});

test('device classes, claim templates and resource slices', () => {
  assert.deepEqual(deviceClassPrinter.cells({ metadata: meta('gpu.example.com') }, now), ['gpu.example.com', '24h']);
  assert.deepEqual(resourceClaimTemplatePrinter.cells({ metadata: meta('one-gpu') }, now), ['one-gpu', '24h']);
  assert.deepEqual(
    resourceSlicePrinter.cells({ metadata: meta('n1-gpu-x7'), spec: { nodeName: 'n1', driver: 'gpu.example.com', pool: { name: 'n1' } } }, now),
    ['n1-gpu-x7', 'n1', 'gpu.example.com', 'n1', '24h'],
  );
  assert.deepEqual(
    resourceSlicePrinter.cells({ metadata: meta('net'), spec: { allNodes: true, driver: 'net.example.com', pool: { name: 'fabric' } } }, now),
    ['net', '', 'net.example.com', 'fabric', '24h'],
  );
});
