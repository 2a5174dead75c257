import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runBackendConformance } from '../../conformance/backend.case.js';
import { createMemoryBackend } from './memory-backend.js';

runBackendConformance('memory', async () => createMemoryBackend());

test('memory backend stamps objects with the Versioner it is given', async () => {
  const b = createMemoryBackend({
    versioner: (obj, revision) => {
      obj.revisionAnnotation = `r${revision}`;
    },
  });
  const created = await b.create('/registry/things/a', { kind: 'Thing' });
  assert.deepEqual(JSON.parse(created.value), { kind: 'Thing', revisionAnnotation: `r${created.modRevision}` });
  await b.delete('/registry/things/a');
  const [deleted] = (await collectHistory(b)).filter((e) => e.type === 'DELETED');
  assert.equal(JSON.parse(deleted!.value).revisionAnnotation, `r${b.currentRevision()}`);
  await b.close();
});

async function collectHistory(b: ReturnType<typeof createMemoryBackend>) {
  const events: import('../../types.js').StorageEvent[] = [];
  const handle = await b.watch('/', 0, (e) => events.push(e));
  await new Promise((resolve) => setImmediate(resolve));
  handle.stop();
  return events;
}
