// Gives back the JavaScript heap that reading a large store at start-up grew and left behind.
//
// Loading keeps almost every object it allocates (keys, cached objects, index entries), and V8
// grows its young generation while most of what it holds survives: after 100,000 pods it sits at
// the launcher's --max-semi-space-size (twice 32 MB, all of it touched). V8 shrinks it again only
// in a collection made while the program allocates little or one asked to reduce memory, and an
// idle server makes neither, so the grown young generation stayed resident (about 0.5 KB per pod,
// a tenth of a stored pod's cost). One collection that reduces memory (what V8 does on a low-memory
// notification: the inspector's HeapProfiler.collectGarbage) moves the survivors to the old
// generation and shrinks the young one to its initial size; it grows back under load as before.
//
// It costs a few full collections (~50–100 ms at 100,000 pods), so only a large load pays for it.

/** Objects read at start-up above which the heap is collected once the cache is filled. */
export const COLLECT_AFTER_LOAD_OBJECTS = 5_000;

/**
 * Runs one memory-reducing garbage collection. Resolves false where Node has no inspector
 * (built without it): the young generation then stays as it is, which costs memory, not function.
 */
export async function collectHeapAfterLoad(): Promise<boolean> {
  let inspector: typeof import('node:inspector');
  try {
    inspector = await import('node:inspector');
  } catch {
    return false;
  }
  const session = new inspector.Session();
  session.connect();
  try {
    await new Promise<void>((resolve, reject) => session.post('HeapProfiler.collectGarbage', (err) => (err ? reject(err) : resolve())));
    return true;
  } catch {
    return false;
  } finally {
    session.disconnect();
  }
}
