import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ControllerDefinition } from './runtime/controller.js';
import { builtinControllerDefinitions } from './builtin-definitions.js';
import { builtinControllers } from './index.js';
import { lazySchedulerDefinition } from '../scheduler/lazy-definition.js';
import { schedulerDefinition } from '../scheduler/index.js';
import { lazyKubeletFleet } from '../kubelet/lazy-fleet.js';
import { createKubeletFleet } from '../kubelet/index.js';
import { defaultClusterConfig } from '../machinery/cluster-config.js';

const identity = ({ start: _start, ...rest }: ControllerDefinition) => rest;

test('the lazily loaded definitions name and identify every controller as the definitions do, in the same order', () => {
  assert.deepEqual(builtinControllerDefinitions.map(identity), builtinControllers.map(identity));
  assert.deepEqual(identity(lazySchedulerDefinition), identity(schedulerDefinition));
  assert.deepEqual(identity(lazyKubeletFleet(defaultClusterConfig()).definition), identity(createKubeletFleet(defaultClusterConfig()).definition));
});

test('the node connections of kubelets not yet running answer 503', async () => {
  const fleet = lazyKubeletFleet(defaultClusterConfig());
  await assert.rejects(fleet.connections.dialNode('kubemu-worker', 10250, new AbortController().signal), { name: 'KubeletError', code: 503, reason: 'ServiceUnavailable' });
});
