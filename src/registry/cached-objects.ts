// What the registry hands out of its watch cache, for the layers above it (HTTP, the in-process
// client), which may not reach into storage themselves.
export type { CacheEvent, CacheEventType, CachedObject } from '../storage/watch-cache/types.js';
export { parseCached } from '../storage/watch-cache/types.js';
