import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { test } from 'node:test';
import { tempDir, removeDir } from '../../testing/temp-dir.js';
import type { ControllerDefinition } from './controller.js';
import { loadControllerModule, selectControllers } from './controller-manager.js';

const defs: ControllerDefinition[] = [
  { name: 'deployment', start: () => ({ stop() {} }) },
  { name: 'garbagecollector', aliases: ['garbage-collector-controller'], start: () => ({ stop() {} }) },
  { name: 'bootstrapsigner', enabledByDefault: false, start: () => ({ stop() {} }) },
];

test('--controllers as kube-controller-manager reads it', () => {
  assert.deepEqual(selectControllers(['*'], defs), ['deployment', 'garbagecollector']);
  assert.deepEqual(selectControllers(['*', '-deployment'], defs), ['garbagecollector']);
  assert.deepEqual(selectControllers(['*', 'bootstrapsigner'], defs), ['deployment', 'garbagecollector', 'bootstrapsigner']);
  assert.deepEqual(selectControllers([''], defs), []);
  assert.deepEqual(selectControllers([], defs), []);
  assert.deepEqual(selectControllers(['deployment-controller'], defs), ['deployment']);
  assert.deepEqual(selectControllers(['*', '-garbage-collector-controller'], defs), ['deployment']);
  assert.throws(() => selectControllers(['*', '-nope'], defs), /--controllers: "nope" is not in the list of known controllers \(bootstrapsigner, deployment, garbagecollector\)/);
});

test('--controller-module takes a default export of one definition or a list, and says what is wrong otherwise', async () => {
  const dir = tempDir();
  try {
    writeFileSync(`${dir}/one.mjs`, `export default { name: 'mine', start() { return { stop() {} }; } };`);
    writeFileSync(`${dir}/two.mjs`, `export default [{ name: 'a', start() {} }, { name: 'b', start() {} }];`);
    writeFileSync(`${dir}/bad.mjs`, `export const x = 1;`);
    assert.deepEqual((await loadControllerModule(`${dir}/one.mjs`)).map((d) => d.name), ['mine']);
    assert.deepEqual((await loadControllerModule(`${dir}/two.mjs`)).map((d) => d.name), ['a', 'b']);
    await assert.rejects(loadControllerModule(`${dir}/bad.mjs`), /the default export must be \{ name, start\(ctx\) \} or a list of them/);
  } finally {
    removeDir(dir);
  }
});
