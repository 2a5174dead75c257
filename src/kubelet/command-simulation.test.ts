import assert from 'node:assert/strict';
import { test } from 'node:test';
import { simulateContainer } from './command-simulation.js';

const at = () => new Date('2026-12-06T10:00:00Z');

test('trivial commands: echo, sleep, exit and sh -c chains', () => {
  assert.deepEqual(simulateContainer({ name: 'c', image: 'busybox', command: ['echo', 'hi', 'there'] }, at), {
    steps: [{ kind: 'output', text: 'hi there', stream: 'stdout' }],
    runsForever: false,
    ignoresSigterm: true,
  });
  const script = simulateContainer({ name: 'c', image: 'busybox', command: ['sh', '-c'], args: ['echo start; sleep 2 && echo "two words"; false || echo recovered; exit 3; echo never'] }, at);
  assert.deepEqual(script.steps, [
    { kind: 'output', text: 'start', stream: 'stdout' },
    { kind: 'sleep', ms: 2000 },
    { kind: 'output', text: 'two words', stream: 'stdout' },
    { kind: 'output', text: 'recovered', stream: 'stdout' },
    { kind: 'exit', code: 3 },
  ]);
  assert.equal(script.runsForever, false);
  assert.deepEqual(simulateContainer({ name: 'c', image: 'busybox', command: ['sh', '-c', 'false && echo skipped'] }, at).steps, [{ kind: 'exit', code: 1 }]);
  assert.deepEqual(simulateContainer({ name: 'c', image: 'busybox', command: ['sleep', '1.5m'] }, at).steps, [{ kind: 'sleep', ms: 90_000 }]);
});

test('what runs until stopped: servers, sleep infinity, endless loops; shell images with no command exit at once', () => {
  assert.equal(simulateContainer({ name: 'c', image: 'nginx:1.25' }, at).runsForever, true);
  assert.equal(simulateContainer({ name: 'c', image: 'registry.example.com/team/api', command: ['/app/server', '--port=8080'] }, at).runsForever, true);
  assert.equal(simulateContainer({ name: 'c', image: 'busybox', command: ['sleep', 'infinity'] }, at).runsForever, true);
  const loop = simulateContainer({ name: 'c', image: 'busybox', command: ['sh', '-c', 'echo up; while true; do date; sleep 5; done'] }, at);
  assert.equal(loop.runsForever, true);
  assert.deepEqual(loop.steps, [{ kind: 'output', text: 'up', stream: 'stdout' }]);
  assert.deepEqual(simulateContainer({ name: 'c', image: 'busybox' }, at).steps, [{ kind: 'exit', code: 0 }]);
  assert.equal(simulateContainer({ name: 'c', image: 'busybox', stdin: true, tty: true }, at).runsForever, true);
  // Servers stop on SIGTERM; a shell or sleep as PID 1 ignores it.
  assert.equal(simulateContainer({ name: 'c', image: 'nginx' }, at).ignoresSigterm, false);
  assert.equal(simulateContainer({ name: 'c', image: 'busybox', command: ['sleep', '3600'] }, at).ignoresSigterm, true);
});
