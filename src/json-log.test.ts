import { test } from 'node:test';
import assert from 'node:assert/strict';
import { jsonLog } from './json-log.js';

test('lines as pino writes them: level, time, the fields in order (undefined left out), msg last', () => {
  const lines: string[] = [];
  const log = jsonLog((text) => lines.push(text), () => new Date('2026-01-02T03:04:05.678Z'));
  log.info({ url: 'https://127.0.0.1:6443', dataDir: undefined, revision: 4 }, 'listening');
  log.error({ err: Object.assign(new TypeError('boom'), { code: 'E1' }) }, 'shutdown failed');
  assert.equal(lines[0], '{"level":30,"time":"2026-01-02T03:04:05.678Z","url":"https://127.0.0.1:6443","revision":4,"msg":"listening"}\n');
  const second = JSON.parse(lines[1]!) as { level: number; err: { type: string; message: string; stack: string; code: string }; msg: string };
  assert.equal(second.level, 50);
  assert.equal(second.err.type, 'TypeError');
  assert.equal(second.err.message, 'boom');
  assert.equal(second.err.code, 'E1');
  assert.match(second.err.stack, /TypeError: boom/);
  assert.equal(second.msg, 'shutdown failed');
});
