// Fan-out of committed storage events to watchers, shared by the backends.
//
// Backends publish each committed event once, in revision order; the hub hands the same event
// object to every watcher whose prefix matches (serialized once, never copied per watcher).
// A new watcher first replays history from the backend's log while live events queue up in
// its buffer; goLive() drains the buffer and switches to direct delivery, so no event is lost
// or repeated at the seam between history and live.
import type { StorageEvent, WatchHandle } from '../types.js';

export class WatchHub {
  /** Watchers grouped by prefix: a backend usually has one watcher per resource (the watch cache). */
  private readonly groups = new Map<string, Set<Subscription>>();
  private readonly queue: StorageEvent[] = [];
  private draining = false;

  /**
   * Registers a watcher for keys under `prefix` that has already seen (or will replay) every
   * event up to `replayedThrough`; it buffers newer events until goLive().
   */
  subscribe(prefix: string, replayedThrough: number, onEvent: (event: StorageEvent) => void, prevValues = true): Subscription {
    const sub = new Subscription(this, prefix, replayedThrough, onEvent, prevValues);
    let group = this.groups.get(prefix);
    if (!group) this.groups.set(prefix, (group = new Set()));
    group.add(sub);
    return sub;
  }

  /**
   * Delivers one committed event; call in revision order. A watcher callback that writes (and
   * so publishes) while we are delivering only queues its event: every watcher sees every event
   * in revision order, never nested out of order.
   */
  publish(event: StorageEvent): void {
    if (this.groups.size === 0) return;
    this.queue.push(event);
    if (this.draining) return;
    this.draining = true;
    try {
      for (let i = 0; i < this.queue.length; i++) this.fanOut(this.queue[i]!);
    } finally {
      this.queue.length = 0;
      this.draining = false;
    }
  }

  /** Stops every watcher (backend closing). */
  stopAll(): void {
    for (const group of this.groups.values()) for (const sub of group) sub.stop();
    this.groups.clear();
  }

  /** Number of active watchers (for tests and metrics). */
  get watcherCount(): number {
    let n = 0;
    for (const group of this.groups.values()) n += group.size;
    return n;
  }

  /** Whether some watcher wants live MODIFIED events to carry the previous value. */
  get wantsPrevValues(): boolean {
    for (const group of this.groups.values()) for (const sub of group) if (sub.prevValues) return true;
    return false;
  }

  /** @internal */
  remove(sub: Subscription): void {
    const group = this.groups.get(sub.prefix);
    if (!group) return;
    group.delete(sub);
    if (group.size === 0) this.groups.delete(sub.prefix);
  }

  private fanOut(event: StorageEvent): void {
    for (const [prefix, group] of this.groups) {
      if (!event.key.startsWith(prefix)) continue;
      for (const sub of group) sub.receive(event);
    }
  }
}

export class Subscription implements WatchHandle {
  private stopped = false;
  /** Live events held back while history is replayed; null once live. */
  private buffer: StorageEvent[] | null = [];

  constructor(
    private readonly hub: WatchHub,
    readonly prefix: string,
    /** Events at or below this revision come from replay, never from the hub. */
    private readonly replayedThrough: number,
    private readonly onEvent: (event: StorageEvent) => void,
    /** Live MODIFIED events must carry prevValue for it. */
    readonly prevValues = true,
  ) {}

  get isStopped(): boolean {
    return this.stopped;
  }

  /** Delivers one replayed (historical) event directly. */
  deliver(event: StorageEvent): void {
    if (!this.stopped) this.call(event);
  }

  /** History is done: deliver what was buffered meanwhile, then stream directly. */
  goLive(): void {
    const buffer = this.buffer;
    if (!buffer) return;
    // A callback may cause more events to be buffered while we drain: read the length each time.
    for (let i = 0; i < buffer.length && !this.stopped; i++) this.call(buffer[i]!);
    this.buffer = null;
  }

  /** @internal called by the hub. */
  receive(event: StorageEvent): void {
    if (this.stopped || event.revision <= this.replayedThrough) return;
    if (this.buffer) this.buffer.push(event);
    else this.call(event);
  }

  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.buffer = null;
    this.hub.remove(this);
  }

  private call(event: StorageEvent): void {
    try {
      this.onEvent(event);
    } catch (err) {
      // A throwing watcher is a bug in its owner. Other watchers must still get this event,
      // and the writer whose commit triggered delivery must not fail: surface the error
      // asynchronously, as an uncaught exception, instead of swallowing it.
      queueMicrotask(() => {
        throw err;
      });
    }
  }
}
