import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ControllerDefinition } from '../controllers/runtime/controller.js';
import { lazySchedulerDefinition } from './lazy-definition.js';
import { schedulerDefinition } from './index.js';

const identity = ({ start: _start, ...rest }: ControllerDefinition) => rest;

test('the lazily loaded scheduler is named and identified as the scheduler definition is', () => {
  assert.deepEqual(identity(lazySchedulerDefinition), identity(schedulerDefinition));
});
