// Opening a storage backend from a URL: `memory:` or `leveldb:<path>`. The scheme map is explicit
// (no registration by import side effect), so the composition root sees every backend there is.
import type { Backend, BackendOptions } from '../types.js';
import { createMemoryBackend } from './memory/memory-backend.js';
import { openLevelDbBackend } from './leveldb/leveldb-backend.js';

export { MemoryBackend, createMemoryBackend } from './memory/memory-backend.js';
export { LevelDbBackend, openLevelDbBackend, type LevelDbBackendOptions } from './leveldb/leveldb-backend.js';

/** Opens a backend at `location` (the URL after "<scheme>:"). */
type BackendFactory = (location: string, options: BackendOptions) => Promise<Backend>;

const factories = new Map<string, BackendFactory>([
  ['memory', async (_location, options) => createMemoryBackend(options)],
  ['leveldb', openLevelDb],
]);

/**
 * Opens the backend a storage URL names: `memory:` (nothing persisted), `leveldb:<path>`
 * (`leveldb:./data`, `leveldb:/var/lib/kubemu`, `leveldb:///var/lib/kubemu`).
 */
export async function openBackend(url: string, options: BackendOptions = {}): Promise<Backend> {
  const colon = url.indexOf(':');
  const scheme = colon > 0 ? url.slice(0, colon).toLowerCase() : '';
  const factory = factories.get(scheme);
  if (!factory) {
    const known = [...factories.keys()].map((s) => `${s}:`).join(', ');
    throw new Error(`unsupported storage URL ${JSON.stringify(url)}: expected one of the schemes ${known}`);
  }
  return factory(url.slice(colon + 1), options);
}

async function openLevelDb(location: string, options: BackendOptions): Promise<Backend> {
  // "leveldb:///abs/path" is the URL spelling of "leveldb:/abs/path".
  const path = location.startsWith('//') ? location.slice(2) : location;
  if (path === '') throw new Error('the leveldb storage URL needs a path: leveldb:<directory>');
  return openLevelDbBackend(path, options);
}
