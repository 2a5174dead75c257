// A create waiting for its batch keeps nothing of the request alive: under load tens of writes
// wait at any time, and what they keep is copied by every young-generation GC.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import v8 from 'node:v8';
import vm from 'node:vm';
import { LocalClient } from '../client/local-client.js';
import { openBackend } from '../storage/backends/index.js';
import type { Backend } from '../storage/types.js';
import { createTestApp, type TestApp } from '../testing/test-app.js';
import type { ResourceStore } from './store.js';

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

let app: TestApp;
let pods: ResourceStore;
/** Writes the backend has done but not yet reported, as a batch waiting for the disk. */
const held: (() => void)[] = [];
let holding = false;

before(async () => {
  const memory = await openBackend('memory:');
  const backend = new Proxy(memory, {
    get(target, prop) {
      if (prop === 'create') {
        return (key: string, obj: Record<string, unknown>) => {
          const written = target.create(key, obj);
          if (!holding) return written;
          return new Promise((resolve, reject) => held.push(() => void written.then(resolve, reject)));
        };
      }
      const value = Reflect.get(target, prop, target) as unknown;
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  }) as Backend;
  app = await createTestApp({ backend });
  pods = app.registry.store({ group: '', version: 'v1', resource: 'pods' });
});
after(() => app.stop());

function podBody(name: string) {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { ...(name.endsWith('-') ? { generateName: name } : { name }), labels: { app: 'web' }, annotations: { note: 'x'.repeat(2000) } },
    spec: { containers: [{ name: 'app', image: 'nginx', env: [{ name: 'A', value: '1' }], resources: { requests: { cpu: '100m' } } }] },
  };
}

/** Starts a create the way the HTTP handler does, keeping only weak references to the body's parts. */
function startCreate(name: string, returnsObject: boolean): { pending: Promise<unknown>; parts: WeakRef<object>[] } {
  const body = podBody(name);
  const parts = [new WeakRef(body), new WeakRef(body.metadata), new WeakRef(body.spec), new WeakRef(body.spec.containers[0]!)];
  const pending = Promise.resolve(pods.create('default', body, { dryRun: false, fieldValidation: 'Strict', warnings: [], returnsObject }));
  return { pending, parts };
}

async function untilHeld(count: number): Promise<void> {
  while (held.length < count) await new Promise((r) => setImmediate(r));
}

for (const name of ['waiting', 'generated-']) {
  test(`a create waiting for storage keeps none of the decoded request alive (${name})`, async () => {
    holding = true;
    const { pending, parts } = startCreate(name, false);
    await untilHeld(1);
    // A few turns, so that nothing of the current job keeps them.
    for (let i = 0; i < 3; i++) await new Promise((r) => setImmediate(r));
    gc();
    gc();
    assert.deepEqual(
      parts.map((p) => p.deref() === undefined),
      [true, true, true, true],
      'the body, its metadata, spec and container are garbage while the write waits',
    );
    holding = false;
    held.splice(0).forEach((release) => release());
    const out = (await pending) as { object: { metadata: { name: string; resourceVersion: string } } };
    assert.match(out.object.metadata.name, name === 'waiting' ? /^waiting$/ : /^generated-[a-z0-9]{5}$/);
    assert.match(out.object.metadata.resourceVersion, /^\d+$/);
    // Selector attributes were taken while the writer had the object: a label selector finds it.
    const listed = await new LocalClient(app.registry, app.catalogue, { userAgent: 'test', fieldManager: 'test' })
      .resource('', 'v1', 'pods')
      .list('default', { labelSelector: 'app=web' });
    assert.ok(listed.items.some((o) => o.metadata?.name === out.object.metadata.name));
  });
}

test('an in-process writer gets the written object back', async () => {
  holding = true;
  const { pending } = startCreate('kept', true);
  await untilHeld(1);
  holding = false;
  held.splice(0).forEach((release) => release());
  const out = (await pending) as { copy(): { metadata: { name: string; resourceVersion: string } } };
  const object = out.copy();
  assert.equal(object.metadata.name, 'kept');
  assert.match(object.metadata.resourceVersion, /^\d+$/);
});
