// Events live an hour (kube-apiserver's --event-ttl) from their last write: etcd drops them with
// the lease each write attaches. kubemu's storage has no leases, so the API server sweeps: every
// minute (or sooner for short TTLs) events whose last write is older than the TTL are deleted.
// The last write is the newest of the event's own timestamps and its managedFields' times.
import { isConflict, isNotFound, type LocalClient } from '../../client/local-client.js';
import type { Clock, TimerHandle } from '../../machinery/clock.js';
import type { Event } from '../../machinery/api-types.js';

export interface EventTtlDeps {
  /** A client writing as kube-apiserver. */
  client: LocalClient;
  clock: Clock;
  ttlMs: number;
  log?: (message: string, fields?: Record<string, unknown>) => void;
}

export function startEventTtl(deps: EventTtlDeps): { sweep(): Promise<number>; stop(): void } {
  const events = deps.client.resource<Event>('', 'v1', 'events');
  const intervalMs = Math.max(1000, Math.min(60_000, deps.ttlMs / 2));
  let timer: TimerHandle | undefined;
  let stopped = false;

  async function sweep(): Promise<number> {
    const cutoff = deps.clock.now() - deps.ttlMs;
    let removed = 0;
    for (const event of (await events.list()).items) {
      if (lastWrite(event) >= cutoff) continue;
      try {
        await events.delete(event.metadata?.namespace, event.metadata?.name ?? '', { preconditions: { uid: event.metadata?.uid, resourceVersion: event.metadata?.resourceVersion } });
        removed++;
      } catch (err) {
        // Written again meanwhile (a new lease, on a real cluster) or already gone.
        if (!isConflict(err) && !isNotFound(err)) throw err;
      }
    }
    return removed;
  }

  const schedule = () => {
    if (stopped) return;
    timer = deps.clock.setTimer(intervalMs, () => {
      void sweep()
        .catch((err: unknown) => deps.log?.('expiring events failed', { err: err instanceof Error ? err.message : String(err) }))
        .finally(schedule);
    });
  };
  schedule();
  return {
    sweep,
    stop() {
      stopped = true;
      timer?.cancel();
    },
  };
}

function lastWrite(event: Event): number {
  const times = [
    event.metadata?.creationTimestamp,
    event.lastTimestamp,
    event.eventTime,
    event.series?.lastObservedTime,
    ...(event.metadata?.managedFields ?? []).map((m) => m.time),
  ];
  let latest = 0;
  for (const t of times) {
    const ms = typeof t === 'string' ? Date.parse(t) : NaN;
    if (!Number.isNaN(ms) && ms > latest) latest = ms;
  }
  return latest;
}
