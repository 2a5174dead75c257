// Rate limiting of NoExecute tainting per zone (the node lifecycle controller's
// RateLimitedTimedQueue over a token bucket): nodes to taint wait in a queue, and one is tainted
// per token — by default a token every 10 s (0.1 per second, burst 1) — so a zone losing many
// nodes at once has its pods evicted gradually. A zone in disruption gets fewer tokens, or none.
import type { Node } from '../../machinery/api-types.js';
import type { NodeCondition } from './node-health.js';

export type ZoneState = 'Initial' | 'Normal' | 'FullDisruption' | 'PartialDisruption';

/** kube-controller-manager's defaults (--node-eviction-rate and friends). */
export const evictionLimiterQps = 0.1;
export const secondaryEvictionLimiterQps = 0.01;
export const largeClusterThreshold = 50;
export const unhealthyZoneThreshold = 0.55;

/** The zone a node is in: "" without topology labels, else region ":\0:" zone (GetZoneKey). */
export function zoneKey(node: Node): string {
  const labels = node.metadata?.labels ?? {};
  const zone = labels['topology.kubernetes.io/zone'] ?? labels['failure-domain.beta.kubernetes.io/zone'] ?? '';
  const region = labels['topology.kubernetes.io/region'] ?? labels['failure-domain.beta.kubernetes.io/region'] ?? '';
  if (region === '' && zone === '') return '';
  return `${region}:\u0000:${zone}`;
}

/** ComputeZoneState: how many nodes of the zone are not Ready, and what that makes the zone. */
export function computeZoneState(readyConditions: readonly (NodeCondition | undefined)[]): { unhealthy: number; state: ZoneState } {
  let ready = 0;
  let notReady = 0;
  for (const c of readyConditions) {
    if (c?.status === 'True') ready++;
    else notReady++;
  }
  if (ready === 0 && notReady > 0) return { unhealthy: notReady, state: 'FullDisruption' };
  if (notReady > 2 && notReady / (notReady + ready) >= unhealthyZoneThreshold) return { unhealthy: notReady, state: 'PartialDisruption' };
  return { unhealthy: notReady, state: 'Normal' };
}

/** A token bucket of burst 1 (client-go's TokenBucketRateLimiter); qps 0 never admits. */
class TokenBucket {
  private tokens = 1;
  private last: number;

  constructor(
    readonly qps: number,
    now: number,
  ) {
    this.last = now;
  }

  tryAccept(now: number): boolean {
    if (this.qps <= 0) return false;
    this.tokens = Math.min(1, this.tokens + ((now - this.last) / 1000) * this.qps);
    this.last = now;
    // A hair of tolerance: the wait msUntilToken computed is rounded to whole milliseconds.
    if (this.tokens < 1 - 1e-9) return false;
    this.tokens = Math.max(0, this.tokens - 1);
    return true;
  }

  /** Milliseconds until tryAccept can succeed (Infinity when it never will). */
  msUntilToken(now: number): number {
    if (this.qps <= 0) return Infinity;
    const tokens = Math.min(1, this.tokens + ((now - this.last) / 1000) * this.qps);
    return tokens >= 1 - 1e-9 ? 0 : Math.ceil(((1 - tokens) / this.qps) * 1000);
  }
}

interface QueuedNode {
  name: string;
  uid: string;
  processAt: number;
}

/** Whether the node was dealt with, or when to try it again (ms from now). */
export type TaintOutcome = { done: true } | { done: false; retryAfterMs: number };

export class ZoneTainter {
  private limiter: TokenBucket;
  /** Nodes added and not removed since, tainted already or not: adding one again does nothing. */
  private readonly members = new Set<string>();
  private queue: QueuedNode[] = [];

  constructor(now: number) {
    this.limiter = new TokenBucket(evictionLimiterQps, now);
  }

  add(name: string, uid: string, now: number): boolean {
    if (this.members.has(name)) return false;
    this.members.add(name);
    this.queue.push({ name, uid, processAt: now });
    return true;
  }

  /** Forgets the node (its taint was removed, or it is healthy again). Returns whether it was known. */
  remove(name: string): boolean {
    this.queue = this.queue.filter((q) => q.name !== name);
    return this.members.delete(name);
  }

  /** SwapLimiter: a new rate; a limiter that was out of tokens passes that on. */
  swapLimiter(qps: number, now: number): void {
    if (this.limiter.qps === qps) return;
    const next = new TokenBucket(qps, now);
    if (qps > 0 && !this.limiter.tryAccept(now)) next.tryAccept(now);
    this.limiter = next;
  }

  /**
   * Try: while tokens last, hands the nodes due to `act`, oldest first. Returns the wait until
   * the next one could be handled (undefined when nothing is waiting or the zone admits none).
   */
  async process(now: () => number, act: (name: string, uid: string) => Promise<TaintOutcome>): Promise<number | undefined> {
    for (;;) {
      const head = this.head();
      if (!head) return undefined;
      const t = now();
      // The token is spent before the head is known to be due, as upstream does.
      if (!this.limiter.tryAccept(t)) break;
      if (t < head.processAt) break;
      const outcome = await act(head.name, head.uid);
      if (outcome.done) this.queue = this.queue.filter((q) => q !== head);
      else head.processAt = now() + outcome.retryAfterMs + 1;
    }
    const head = this.head();
    if (!head) return undefined;
    const t = now();
    const wait = Math.max(this.limiter.msUntilToken(t), head.processAt - t);
    return Number.isFinite(wait) ? Math.max(1, wait) : undefined;
  }

  private head(): QueuedNode | undefined {
    let best: QueuedNode | undefined;
    for (const q of this.queue) if (!best || q.processAt < best.processAt) best = q;
    return best;
  }
}
