import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ControllerDefinition } from './runtime/controller.js';
import { builtinControllerDefinitions } from './builtin-definitions.js';
import { builtinControllers } from './index.js';

const identity = ({ start: _start, ...rest }: ControllerDefinition) => rest;

test('the lazily loaded definitions name and identify every controller as the definitions do, in the same order', () => {
  assert.deepEqual(builtinControllerDefinitions.map(identity), builtinControllers.map(identity));
});
