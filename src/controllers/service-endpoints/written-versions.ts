// What a controller last wrote, per owner (a Service), so that it can tell when its informer cache
// has not yet caught up with its own writes (client-go's EndpointSliceTracker and the endpoints
// controller's staleEndpointsTracker). Acting on such a cache would create a slice a second
// time or undo a write; the caller waits instead for the informer event, which syncs the owner
// again. resourceVersions are kubemu's storage revisions, so newer means larger.
import type { KubeObject } from '../../machinery/object.js';

export class WrittenVersions {
  /** owner key → object name → resourceVersion written, or null for deleted. */
  private readonly written = new Map<string, Map<string, number | null>>();

  wrote(owner: string, obj: KubeObject): void {
    this.entries(owner).set(obj.metadata?.name ?? '', Number(obj.metadata?.resourceVersion ?? 0));
  }

  deleted(owner: string, name: string): void {
    this.entries(owner).set(name, null);
  }

  forget(owner: string): void {
    this.written.delete(owner);
  }

  /**
   * True while the cache misses one of our writes. `cached(name)` is the cached object of that
   * name, if any. Entries the cache has caught up with are dropped.
   */
  isStale(owner: string, cached: (name: string) => KubeObject | undefined): boolean {
    const entries = this.written.get(owner);
    if (!entries) return false;
    let stale = false;
    for (const [name, rv] of entries) {
      const obj = cached(name);
      const fresh = rv === null ? !obj || !!obj.metadata?.deletionTimestamp : !!obj && Number(obj.metadata?.resourceVersion ?? 0) >= rv;
      if (fresh) entries.delete(name);
      else stale = true;
    }
    if (entries.size === 0) this.written.delete(owner);
    return stale;
  }

  private entries(owner: string): Map<string, number | null> {
    let entries = this.written.get(owner);
    if (!entries) this.written.set(owner, (entries = new Map()));
    return entries;
  }
}
