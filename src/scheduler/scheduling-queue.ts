// kube-scheduler's scheduling queue (pkg/scheduler/backend/queue) on the injected clock:
//  - activeQ: pods to try now, highest priority first, then longest waiting (PrioritySort);
//  - backoffQ: pods to try again after a back-off of 1 s doubling to 10 s per failed attempt,
//    released on whole-second windows; pods that failed for an unschedulable reason are taken
//    from it early whenever activeQ is empty (SchedulerPopFromBackoffQ), pods that hit an error
//    wait their back-off out;
//  - unschedulable pods: parked until a cluster event that one of the plugins that rejected them
//    says may help (QueueingHint), or for at most 5 minutes (checked every 30 s);
//  - gated pods (spec.schedulingGates): not tried until the gates are gone.
// Events that arrive while a pod is being scheduled are kept and replayed when it fails, so a
// change during the attempt is not missed. Timers are set only for pods that wait: an idle queue
// costs nothing.
import type { Pod } from '../machinery/api-types.js';
import type { Clock, TimerHandle } from '../machinery/clock.js';
import { podChanges as podChangesOf, type ClusterEvent } from './cluster-events.js';
import { ActiveHeap } from './active-heap.js';
import { newPodInfo, podKey, podPriority, type PodInfo } from './pod-info.js';

export interface QueuedPodInfo {
  key: string;
  info: PodInfo;
  /** When the pod was last added to the queue (or last failed). */
  timestamp: number;
  attempts: number;
  unschedulableCount: number;
  consecutiveErrorsCount: number;
  /** The plugins that rejected it last time; empty after an error. */
  unschedulablePlugins: Set<string>;
}

export interface SchedulingQueueDeps {
  clock: Clock;
  /** A pod became ready to pop. */
  wake(): void;
  /** The queueing hint of `plugin`: may `event` make this pod, which the plugin rejected, schedulable? */
  hint(plugin: string, event: ClusterEvent, pod: PodInfo): boolean;
  initialBackoffMs?: number;
  maxBackoffMs?: number;
  /** How long a pod stays unschedulable without any helpful event (podMaxInUnschedulablePodsDuration). */
  maxUnschedulableMs?: number;
}

const flushUnschedulableEveryMs = 30_000;
const backoffWindowMs = 1000;

type Strategy = 'skip' | 'afterBackoff';

function window(ms: number): number {
  return Math.floor(ms / backoffWindowMs) * backoffWindowMs;
}

function isGated(pod: Pod): boolean {
  return (pod.spec?.schedulingGates?.length ?? 0) > 0;
}

/** Backing off after an error rather than a rejection: such a pod waits its back-off out. */
function lastFailedWithError(q: QueuedPodInfo): boolean {
  return q.consecutiveErrorsCount > 0;
}

/** PrioritySort.Less: higher priority first, then the one queued earlier. */
function before(a: QueuedPodInfo, b: QueuedPodInfo): boolean {
  const pa = podPriority(a.info.pod);
  const pb = podPriority(b.info.pod);
  return pa !== pb ? pa > pb : a.timestamp < b.timestamp;
}

export class SchedulingQueue {
  private readonly active = new Map<string, QueuedPodInfo>();
  /** activeQ's order; an entry counts only while `active` holds that very entry for its key. */
  private readonly activeOrder = new ActiveHeap<{ q: QueuedPodInfo; seq: number }>((a, b) => before(a.q, b.q));
  private readonly activeSeq = new Map<string, number>();
  private seq = 0;
  private readonly backoff = new Map<string, QueuedPodInfo>();
  private readonly unschedulable = new Map<string, QueuedPodInfo>();
  private readonly gated = new Map<string, QueuedPodInfo>();
  /** Popped and being scheduled, with the events seen meanwhile. */
  private readonly inFlight = new Map<string, { q: QueuedPodInfo; events: ClusterEvent[]; gone: boolean }>();
  private readonly started: number;
  private backoffTimer: { at: number; handle: TimerHandle } | undefined;
  private flushTimer: { at: number; handle: TimerHandle } | undefined;
  private stopped = false;

  constructor(private readonly deps: SchedulingQueueDeps) {
    this.started = deps.clock.now();
  }

  private get initialBackoff(): number {
    return this.deps.initialBackoffMs ?? 1000;
  }

  private get maxBackoff(): number {
    return this.deps.maxBackoffMs ?? 10_000;
  }

  /** A new unscheduled pod. */
  add(pod: Pod): void {
    const key = podKey(pod);
    if (this.has(key)) return this.update(undefined, pod);
    const q: QueuedPodInfo = {
      key,
      info: newPodInfo(pod),
      timestamp: this.deps.clock.now(),
      attempts: 0,
      unschedulableCount: 0,
      consecutiveErrorsCount: 0,
      unschedulablePlugins: new Set(),
    };
    if (isGated(pod)) this.gated.set(key, q);
    else this.moveToActive(q);
  }

  /** An unscheduled pod changed. */
  update(oldPod: Pod | undefined, pod: Pod): void {
    const key = podKey(pod);
    const flying = this.inFlight.get(key);
    if (flying) {
      if (oldPod) flying.events.push({ type: 'TargetPodUpdate', oldPod, pod, changes: podChangesOf(oldPod, pod) });
      return;
    }
    const queued = this.active.get(key) ?? this.backoff.get(key);
    if (queued) {
      queued.info = newPodInfo(pod);
      return;
    }
    const gated = this.gated.get(key);
    if (gated) {
      gated.info = newPodInfo(pod);
      if (!isGated(pod)) {
        this.gated.delete(key);
        this.moveToActive(gated);
      }
      return;
    }
    const parked = this.unschedulable.get(key);
    if (!parked) return this.add(pod);
    parked.info = newPodInfo(pod);
    if (!oldPod) return;
    const event: ClusterEvent = { type: 'TargetPodUpdate', oldPod, pod, changes: podChangesOf(oldPod, pod) };
    if (this.strategyFor(parked, event) === 'afterBackoff') {
      this.unschedulable.delete(key);
      this.requeue(parked);
    }
  }

  /** The pod is gone, bound elsewhere, or no longer ours. */
  delete(key: string): void {
    this.active.delete(key);
    this.activeSeq.delete(key);
    this.backoff.delete(key);
    this.unschedulable.delete(key);
    this.gated.delete(key);
    const flying = this.inFlight.get(key);
    if (flying) flying.gone = true;
  }

  has(key: string): boolean {
    return this.active.has(key) || this.backoff.has(key) || this.unschedulable.has(key) || this.gated.has(key) || this.inFlight.has(key);
  }

  /** Whether pop() would return a pod. */
  hasReady(): boolean {
    if (this.active.size > 0) return true;
    for (const q of this.backoff.values()) if (!lastFailedWithError(q)) return true;
    return false;
  }

  /**
   * The next pod to schedule: the head of activeQ, or — when it is empty — the backoffQ pod whose
   * back-off ends first, unless it is backing off after an error.
   */
  pop(): QueuedPodInfo | undefined {
    let best = this.activeOrder.popCurrent((e) => this.active.get(e.q.key) === e.q && this.activeSeq.get(e.q.key) === e.seq)?.q;
    if (best) {
      this.active.delete(best.key);
      this.activeSeq.delete(best.key);
    } else {
      let bestAt = Infinity;
      for (const q of this.backoff.values()) {
        if (lastFailedWithError(q)) continue;
        const at = this.backoffExpiration(q);
        if (!best || at < bestAt || (at === bestAt && before(q, best))) {
          best = q;
          bestAt = at;
        }
      }
      if (best) this.backoff.delete(best.key);
    }
    if (!best) return undefined;
    best.attempts++;
    this.inFlight.set(best.key, { q: best, events: [], gone: false });
    return best;
  }

  /** The pod was bound (or dropped): it leaves the queue. */
  done(key: string): void {
    this.inFlight.delete(key);
  }

  /**
   * The attempt failed (AddUnschedulableIfNotPresent): rejected by `plugins` (none when there are
   * no nodes at all), or an error. Events seen during the attempt may send a rejected pod straight
   * back to the queue; without them it waits for a helpful event or the 5-minute flush.
   */
  failed(q: QueuedPodInfo, pod: Pod, plugins: ReadonlySet<string>, rejected = plugins.size > 0): void {
    const flying = this.inFlight.get(q.key);
    this.inFlight.delete(q.key);
    if (flying?.gone || this.stopped) return;
    q.info = newPodInfo(pod);
    q.unschedulablePlugins = new Set(plugins);
    if (!rejected) q.consecutiveErrorsCount++;
    else {
      q.unschedulableCount++;
      q.consecutiveErrorsCount = 0;
    }
    q.timestamp = this.deps.clock.now();
    if (isGated(pod)) {
      this.gated.set(q.key, q);
      return;
    }
    const helped = !rejected || (flying?.events ?? []).some((e) => this.strategyFor(q, e) === 'afterBackoff');
    if (helped) this.requeue(q);
    else this.park(q);
  }

  /** MoveAllToActiveOrBackoffQueue: an event that may help unschedulable pods. */
  moveAll(event: ClusterEvent): void {
    for (const flying of this.inFlight.values()) flying.events.push(event);
    for (const q of [...this.unschedulable.values()]) {
      if (this.strategyFor(q, event) === 'skip') continue;
      this.unschedulable.delete(q.key);
      this.requeue(q);
    }
  }

  stop(): void {
    this.stopped = true;
    this.backoffTimer?.handle.cancel();
    this.flushTimer?.handle.cancel();
  }

  /** How many pods wait in each part of the queue (for tests and logs). */
  sizes(): { active: number; backoff: number; unschedulable: number; gated: number } {
    return { active: this.active.size, backoff: this.backoff.size, unschedulable: this.unschedulable.size, gated: this.gated.size };
  }

  // ---------- moving between the parts ----------

  /** isPodWorthRequeuing: a wildcard event or an error requeues; otherwise a rejecting plugin must agree. */
  private strategyFor(q: QueuedPodInfo, event: ClusterEvent): Strategy {
    if (q.unschedulablePlugins.size === 0 || event.type === 'UnschedulableTimeout') return 'afterBackoff';
    for (const plugin of q.unschedulablePlugins) if (this.deps.hint(plugin, event, q.info)) return 'afterBackoff';
    return 'skip';
  }

  private requeue(q: QueuedPodInfo): void {
    if (this.isBackingOff(q)) {
      this.backoff.set(q.key, q);
      this.armBackoffTimer();
      if (!lastFailedWithError(q)) this.deps.wake();
    } else this.moveToActive(q);
  }

  private moveToActive(q: QueuedPodInfo): void {
    if (isGated(q.info.pod)) {
      this.gated.set(q.key, q);
      return;
    }
    this.active.set(q.key, q);
    const seq = ++this.seq;
    this.activeSeq.set(q.key, seq);
    this.activeOrder.push({ q, seq });
    this.deps.wake();
  }

  private park(q: QueuedPodInfo): void {
    this.unschedulable.set(q.key, q);
    this.armFlushTimer();
  }

  /** The end of the pod's back-off, aligned to the start of a one-second window (0: none). */
  private backoffExpiration(q: QueuedPodInfo): number {
    const count = q.consecutiveErrorsCount > 0 ? q.consecutiveErrorsCount : q.unschedulableCount;
    if (count === 0) return 0;
    const duration = Math.min(this.maxBackoff, this.initialBackoff * 2 ** Math.min(count - 1, 30));
    return window(q.timestamp + duration);
  }

  /** A back-off ending in the current window is not over yet: pods leave at the next window. */
  private isBackingOff(q: QueuedPodInfo): boolean {
    const exp = this.backoffExpiration(q);
    return exp !== 0 && exp >= window(this.deps.clock.now());
  }

  private armBackoffTimer(): void {
    if (this.stopped || this.backoff.size === 0) return;
    const at = Math.min(...[...this.backoff.values()].map((q) => this.backoffExpiration(q) + backoffWindowMs));
    if (this.backoffTimer && this.backoffTimer.at <= at) return;
    this.backoffTimer?.handle.cancel();
    this.backoffTimer = {
      at,
      handle: this.deps.clock.setTimer(Math.max(0, at - this.deps.clock.now()), () => {
        this.backoffTimer = undefined;
        this.flushBackoffCompleted();
      }),
    };
  }

  private flushBackoffCompleted(): void {
    for (const q of [...this.backoff.values()]) {
      if (this.isBackingOff(q)) continue;
      this.backoff.delete(q.key);
      this.moveToActive(q);
    }
    this.armBackoffTimer();
  }

  /** The first 30-second tick at which the pod has been unschedulable for longer than the maximum. */
  private flushTimeFor(q: QueuedPodInfo): number {
    const due = q.timestamp + (this.deps.maxUnschedulableMs ?? 300_000);
    return this.started + (Math.floor((due - this.started) / flushUnschedulableEveryMs) + 1) * flushUnschedulableEveryMs;
  }

  private armFlushTimer(): void {
    if (this.stopped || this.unschedulable.size === 0) return;
    const at = Math.min(...[...this.unschedulable.values()].map((q) => this.flushTimeFor(q)));
    if (this.flushTimer && this.flushTimer.at <= at) return;
    this.flushTimer?.handle.cancel();
    this.flushTimer = {
      at,
      handle: this.deps.clock.setTimer(Math.max(0, at - this.deps.clock.now()), () => {
        this.flushTimer = undefined;
        this.flushUnschedulableLeftover();
      }),
    };
  }

  private flushUnschedulableLeftover(): void {
    const now = this.deps.clock.now();
    for (const q of [...this.unschedulable.values()]) {
      if (this.flushTimeFor(q) > now) continue;
      this.unschedulable.delete(q.key);
      this.requeue(q);
    }
    this.armFlushTimer();
  }
}
