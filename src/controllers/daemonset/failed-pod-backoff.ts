// client-go's flowcontrol.Backoff as the DaemonSet controller uses it for failed pods: a node
// whose daemon pod keeps failing (a kubelet refusing it) gets its replacements 1 s, 2 s, 4 s …
// apart, up to 15 minutes, instead of the controller and the kubelet fighting in a hot loop. An
// entry idle for twice the maximum starts over.
import type { Clock } from '../../machinery/clock.js';

const initialMs = 1000;
const maxMs = 15 * 60 * 1000;

interface Entry {
  backoffMs: number;
  lastUpdate: number;
}

export class FailedPodBackoff {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly clock: Clock) {}

  /** The delay currently applied to `key`. */
  get(key: string): number {
    return this.entries.get(key)?.backoffMs ?? 0;
  }

  /** Is `key` still waiting out its delay since the last failure? */
  inBackoffSinceUpdate(key: string): boolean {
    const entry = this.entries.get(key);
    if (!entry) return false;
    const since = this.clock.now() - entry.lastUpdate;
    if (since > 2 * maxMs) return false;
    return since < entry.backoffMs;
  }

  /** Records a failure: the delay doubles (or starts at 1 s). */
  next(key: string): void {
    const now = this.clock.now();
    const entry = this.entries.get(key);
    if (!entry || now - entry.lastUpdate > 2 * maxMs) this.entries.set(key, { backoffMs: initialMs, lastUpdate: now });
    else this.entries.set(key, { backoffMs: Math.min(entry.backoffMs * 2, maxMs), lastUpdate: now });
  }

  /** Forgets entries idle for twice the maximum (upstream runs this every minute; here each sync does). */
  gc(): void {
    const now = this.clock.now();
    for (const [key, entry] of this.entries) if (now - entry.lastUpdate > 2 * maxMs) this.entries.delete(key);
  }
}
