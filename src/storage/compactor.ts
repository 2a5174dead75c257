// Periodic history compaction, like kube-apiserver's etcd compactor (every 5 minutes there):
// keep `retainMs` of event history for watches and lists at old revisions, drop the rest.
// Each tick remembers which revision was current at what time; the newest revision that has
// been current for at least `retainMs` is the one it is now safe to compact to.
import type { Clock, TimerHandle } from '../machinery/clock.js';
import type { Backend } from './types.js';

export interface CompactorOptions {
  backend: Backend;
  clock: Clock;
  /** Time between compaction attempts. */
  intervalMs: number;
  /** How long history stays available after it is superseded. */
  retainMs: number;
  /** Told about a failed compaction (the compactor keeps going); ignored when absent. */
  onError?: (err: unknown) => void;
}

export interface Compactor {
  stop(): void;
}

interface Mark {
  at: number;
  revision: number;
}

export function startCompactor(options: CompactorOptions): Compactor {
  const { backend, clock, intervalMs, retainMs, onError } = options;
  if (!(intervalMs > 0)) throw new RangeError(`compaction interval must be positive, got ${intervalMs}`);
  if (!(retainMs >= 0)) throw new RangeError(`compaction retention must not be negative, got ${retainMs}`);

  // Oldest first; bounded by retainMs / intervalMs + 1 entries, since older ones are dropped.
  let marks: Mark[] = [{ at: clock.now(), revision: backend.currentRevision() }];
  let timer: TimerHandle | undefined;
  let running = false;
  let stopped = false;

  const tick = (): void => {
    timer = undefined;
    if (stopped) return;
    const now = clock.now();
    marks.push({ at: now, revision: backend.currentRevision() });
    // The newest mark at least retainMs old: everything up to its revision has been history for that long.
    let due = -1;
    for (let i = 0; i < marks.length && marks[i]!.at <= now - retainMs; i++) due = i;
    if (due >= 0) {
      const target = marks[due]!.revision;
      marks = marks.slice(due);
      // A slow compaction (large history) must not pile up behind itself: skip this tick.
      if (!running && target > backend.compactedRevision()) {
        running = true;
        backend.compact(target).then(
          () => void (running = false),
          (err: unknown) => {
            running = false;
            onError?.(err);
          },
        );
      }
    }
    schedule();
  };

  const schedule = (): void => {
    if (!stopped) timer = clock.setTimer(intervalMs, tick);
  };

  schedule();
  return {
    stop(): void {
      stopped = true;
      timer?.cancel();
      timer = undefined;
    },
  };
}
