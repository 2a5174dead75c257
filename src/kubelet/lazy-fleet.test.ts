import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ControllerDefinition } from '../controllers/runtime/controller.js';
import { defaultClusterConfig } from '../machinery/cluster-config.js';
import { createKubeletFleet } from './index.js';
import { lazyKubeletFleet } from './lazy-fleet.js';

const identity = ({ start: _start, ...rest }: ControllerDefinition) => rest;

test('the lazily loaded fleet is named and identified as the fleet is', () => {
  assert.deepEqual(identity(lazyKubeletFleet(defaultClusterConfig()).definition), identity(createKubeletFleet(defaultClusterConfig()).definition));
});

test('the node connections of kubelets not yet running answer 503', async () => {
  const fleet = lazyKubeletFleet(defaultClusterConfig());
  await assert.rejects(fleet.connections.dialNode('kubemu-worker', 10250, new AbortController().signal), { name: 'KubeletError', code: 503, reason: 'ServiceUnavailable' });
  await assert.rejects(fleet.connections.logs('default', 'web', {} as never, new AbortController().signal), { code: 503 });
});
