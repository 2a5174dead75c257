// What client-go's event correlator does before an event reaches the API server, so that the
// events a cluster keeps look as a real one's: a burst of similar events about one object (same
// source, object, type and reason, different messages: "Created pod: web-1", "Created pod: web-2",
// …) is folded, from the tenth within ten minutes on, into one event whose message reads
// "(combined from similar events): <latest message>" and whose count grows; and each source may
// say 25 things about one object, then one more every five minutes (a token bucket), the rest
// being dropped. A 3,000-replica ReplicaSet therefore shows nine "Created pod" events and one
// combined event, as `kubectl describe` shows on a real cluster.

import { BoundedMap } from './bounded-map.js';

export interface CorrelationInput {
  /** The involved object's identity: kind, namespace, name, uid, apiVersion. */
  objectKey: string;
  /** `spec.containers{app}` and the like; part of what makes two events the same. */
  fieldPath: string;
  type: string;
  reason: string;
  message: string;
}

export interface Correlation {
  /** Events with the same key are one event on the server, counted. */
  key: string;
  /** The message to record (prefixed when the event was folded into a combined one). */
  message: string;
}

export interface CorrelatorLimits {
  /** Distinct messages within the interval after which similar events are combined (client-go: 10). */
  maxSimilar: number;
  similarIntervalMs: number;
  /** Events a source may record about one object at once (25), and how many more per second (1/300). */
  burst: number;
  refillPerSecond: number;
  /** Entries each cache keeps (client-go's LRU size). */
  cacheSize: number;
}

export const defaultCorrelatorLimits: CorrelatorLimits = { maxSimilar: 10, similarIntervalMs: 600_000, burst: 25, refillPerSecond: 1 / 300, cacheSize: 4096 };

interface SimilarEvents {
  messages: Set<string>;
  lastAt: number;
}

interface TokenBucket {
  tokens: number;
  at: number;
}

export class EventCorrelator {
  private readonly similar: BoundedMap<string, SimilarEvents>;
  private readonly buckets: BoundedMap<string, TokenBucket>;

  constructor(private readonly limits: CorrelatorLimits = defaultCorrelatorLimits) {
    this.similar = new BoundedMap(limits.cacheSize);
    this.buckets = new BoundedMap(limits.cacheSize);
  }

  /** The key and message the event is recorded under: its own, or the combined event's. */
  correlate(event: CorrelationInput, at: number): Correlation {
    const ownKey = [event.objectKey, event.fieldPath, event.type, event.reason, event.message].join('\u0000');
    // Similar events are grouped without the field path, as client-go groups them.
    const groupKey = [event.objectKey, event.type, event.reason].join('\u0000');
    let group = this.similar.get(groupKey);
    if (!group || at - group.lastAt > this.limits.similarIntervalMs) group = { messages: new Set(), lastAt: at };
    group.messages.add(event.message);
    group.lastAt = at;
    this.similar.set(groupKey, group);
    if (group.messages.size < this.limits.maxSimilar) return { key: ownKey, message: event.message };
    // Keep the set from growing: one message fewer, so the next distinct one is combined too.
    group.messages.delete(group.messages.values().next().value!);
    return { key: `combined\u0000${groupKey}`, message: `(combined from similar events): ${event.message}` };
  }

  /** Whether the source may record one more event about this object now (false: drop it). */
  admit(objectKey: string, at: number): boolean {
    const bucket = this.buckets.get(objectKey) ?? { tokens: this.limits.burst, at };
    bucket.tokens = Math.min(this.limits.burst, bucket.tokens + ((at - bucket.at) / 1000) * this.limits.refillPerSecond);
    bucket.at = at;
    this.buckets.set(objectKey, bucket);
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  }
}
