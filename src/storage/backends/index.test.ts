import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { LevelDbBackend, MemoryBackend, openBackend } from './index.js';

test('memory: opens an empty in-memory backend that uses the given versioner', async () => {
  const b = await openBackend('memory:', { versioner: (obj, rev) => void (obj.rv = rev) });
  assert.ok(b instanceof MemoryBackend);
  const created = await b.create('/registry/x/a', {});
  assert.deepEqual(JSON.parse(created.value), { rv: created.modRevision });
  await b.close();
});

test('leveldb:<path> and leveldb:///<path> open LevelDB at that path', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kubemu-open-backend-'));
  try {
    const first = await openBackend(`leveldb:${dir}/db`);
    assert.ok(first instanceof LevelDbBackend);
    await first.create('/registry/x/a', { a: 1 });
    await first.close();
    const second = await openBackend(`leveldb://${dir}/db`);
    assert.equal(await second.count('/registry/x/'), 1);
    await second.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('unknown schemes and missing paths are refused with a clear message', async () => {
  await assert.rejects(openBackend('etcd://localhost:2379'), /unsupported storage URL "etcd:\/\/localhost:2379".*memory:, leveldb:/);
  await assert.rejects(openBackend('/var/lib/kubemu'), /unsupported storage URL/);
  await assert.rejects(openBackend('leveldb:'), /needs a path/);
});
