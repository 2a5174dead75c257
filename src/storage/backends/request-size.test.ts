import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isStorageError } from '../types.js';
import { openBackend } from './index.js';
import { maxRequestBytes } from './request-size.js';

test('a value over etcd’s 1.5 MiB request limit is refused and nothing is written; one under it is stored', async () => {
  const backend = await openBackend('memory:');
  try {
    const before = backend.currentRevision();
    const big = { data: 'x'.repeat(maxRequestBytes) };
    await assert.rejects(backend.create('/registry/configmaps/default/big', big), (err: unknown) => isStorageError(err, 'RequestTooLarge') && err.message === 'etcdserver: request is too large');
    assert.equal(backend.currentRevision(), before);
    assert.equal(await backend.get('/registry/configmaps/default/big'), undefined);
    // Multi-byte characters count as their UTF-8 bytes.
    await assert.rejects(backend.create('/registry/configmaps/default/wide', { data: 'é'.repeat(maxRequestBytes / 2) }), (err: unknown) => isStorageError(err, 'RequestTooLarge'));
    const small = await backend.create('/registry/configmaps/default/small', { data: 'x'.repeat(maxRequestBytes - 1000) });
    await assert.rejects(backend.update(small.key, { data: 'y'.repeat(maxRequestBytes) }, small.modRevision), (err: unknown) => isStorageError(err, 'RequestTooLarge'));
    assert.equal((await backend.get(small.key))!.modRevision, small.modRevision);
  } finally {
    await backend.close();
  }
});
