import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ClientList, ClientWatchSink } from '../../client/local-client.js';
import { ApiError } from '../../apierrors/index.js';
import { FakeClock } from '../../machinery/clock.js';
import type { KubeObject } from '../../machinery/object.js';
import { Informer, type ListWatch } from './informer.js';
import { silentLogger } from './logger.js';

/** A ListWatch the test drives: what the server holds, and the one open watch. */
class FakeSource implements ListWatch<KubeObject> {
  objects = new Map<string, KubeObject>();
  rv = 10;
  sink: ClientWatchSink<KubeObject> | undefined;
  watchedFrom: string[] = [];
  expireBelow = 0;
  lists = 0;

  put(name: string, labels: Record<string, string> = {}): KubeObject {
    const obj = { metadata: { name, namespace: 'ns', resourceVersion: String(++this.rv), labels } };
    const type = this.objects.has(name) ? 'MODIFIED' : 'ADDED';
    this.objects.set(name, obj);
    this.sink?.event(type, obj);
    return obj;
  }
  remove(name: string): void {
    const obj = this.objects.get(name)!;
    this.objects.delete(name);
    this.sink?.event('DELETED', { ...obj, metadata: { ...obj.metadata, resourceVersion: String(++this.rv) } });
  }
  async list(): Promise<ClientList<KubeObject>> {
    this.lists++;
    return { items: [...this.objects.values()], resourceVersion: String(this.rv) };
  }
  watch(resourceVersion: string, sink: ClientWatchSink<KubeObject>) {
    if (Number(resourceVersion) < this.expireBelow) throw new ApiError(410, 'Expired', 'too old resource version');
    this.watchedFrom.push(resourceVersion);
    this.sink = sink;
    return { stop: () => (this.sink = undefined) };
  }
}

const tick = () => new Promise((r) => setImmediate(r));

function setup() {
  const clock = new FakeClock();
  const source = new FakeSource();
  const informer = new Informer(source, { clock, log: silentLogger, name: 'things' });
  const seen: string[] = [];
  informer.addHandler({
    onAdd: (o) => seen.push(`add ${o.metadata!.name}`),
    onUpdate: (_a, b) => seen.push(`update ${b.metadata!.name}`),
    onDelete: (o) => seen.push(`delete ${o.metadata!.name}`),
  });
  return { clock, source, informer, seen };
}

test('lists, then follows changes; indexes follow the objects', async () => {
  const { source, informer, seen } = setup();
  source.put('a', { tier: 'web' });
  informer.addIndex('tier', (o) => [o.metadata?.labels?.tier ?? '']);
  informer.start();
  await informer.whenSynced();
  assert.deepEqual(seen, ['add a']);
  source.put('b', { tier: 'web' });
  source.put('a', { tier: 'db' });
  source.remove('b');
  assert.deepEqual(seen, ['add a', 'add b', 'update a', 'delete b']);
  assert.deepEqual(informer.byIndex('tier', 'db').map((o) => o.metadata!.name), ['a']);
  assert.deepEqual(informer.byIndex('tier', 'web'), []);
  assert.equal(informer.getByName('ns', 'a')!.metadata!.labels!.tier, 'db');
  assert.deepEqual(informer.list('ns').map((o) => o.metadata!.name), ['a']);
});

test('a watch the server ends is resumed from the last resourceVersion seen', async () => {
  const { clock, source, informer } = setup();
  informer.start();
  await informer.whenSynced();
  source.put('x');
  const last = source.rv;
  source.sink!.close('server shutting down');
  assert.equal(source.watchedFrom.length, 1, 'no new watch before the retry delay');
  clock.advance(1000);
  assert.deepEqual(source.watchedFrom, ['10', String(last)]);
  assert.equal(source.lists, 1, 'no relist needed');
});

test('a resourceVersion no longer kept (410) makes it list again and tell handlers what changed', async () => {
  const { clock, source, informer, seen } = setup();
  source.put('stays');
  source.put('goes');
  informer.start();
  await informer.whenSynced();
  // Changes while the watch was down, and the history compacted past our resourceVersion.
  const sink = source.sink!;
  source.sink = undefined;
  source.put('stays', { changed: 'yes' });
  source.remove('goes');
  source.put('new');
  source.expireBelow = source.rv;
  sink.close('too slow');
  clock.advance(1000);
  await tick();
  await tick();
  assert.equal(source.lists, 2);
  assert.deepEqual(seen.slice(2).sort(), ['add new', 'delete goes', 'update stays']);
  assert.deepEqual(informer.list().map((o) => o.metadata!.name).sort(), ['new', 'stays']);
});

test('a failing handler does not stop the others', async () => {
  const { source, informer, seen } = setup();
  informer.addHandler({ onAdd: () => { throw new Error('bug'); } });
  informer.start();
  await informer.whenSynced();
  source.put('z');
  assert.deepEqual(seen, ['add z']);
});
