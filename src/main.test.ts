// The entry point runs the bundled command line only when the bundle is as new as the last
// compile: a stale bundle would run old code. Checked on a copy of the compiled main.js in a
// dist-shaped folder whose cli.js stand-ins say which one ran.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { removeDir, tempDir } from './testing/temp-dir.js';

const dist = tempDir('kubemu-launcher-');
after(() => removeDir(dist));
mkdirSync(join(dist, 'src'));
mkdirSync(join(dist, 'bundle'));
copyFileSync(join(dirname(fileURLToPath(import.meta.url)), 'main.js'), join(dist, 'src', 'main.js'));
writeFileSync(join(dist, 'src', 'cli.js'), "process.stdout.write('modules');\n");

function layout(bundleAt: number | undefined, compiledAt: number): void {
  writeFileSync(join(dist, '.tsbuildinfo'), '{}');
  utimesSync(join(dist, '.tsbuildinfo'), compiledAt, compiledAt);
  rmSync(join(dist, 'bundle', 'cli.js'), { force: true });
  if (bundleAt === undefined) return;
  writeFileSync(join(dist, 'bundle', 'cli.js'), "process.stdout.write('bundle');\n");
  utimesSync(join(dist, 'bundle', 'cli.js'), bundleAt, bundleAt);
}

function whichRuns(): string {
  const run = spawnSync(process.execPath, [join(dist, 'src', 'main.js'), '--version'], { encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
  return run.stdout;
}

test('a bundle written after the last compile is what runs', () => {
  layout(2_000_000, 1_000_000);
  assert.equal(whichRuns(), 'bundle');
});

test('a bundle older than the last compile is not run: the compiled modules are', () => {
  layout(1_000_000, 2_000_000);
  assert.equal(whichRuns(), 'modules');
});

test('without a bundle the compiled modules run', () => {
  layout(undefined, 1_000_000);
  assert.equal(whichRuns(), 'modules');
});
