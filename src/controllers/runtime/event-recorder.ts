// Events (core/v1) as client-go's recorder writes them, so `kubectl describe` and `kubectl events`
// show what controllers did: one Event per distinct occurrence, named <object>.<hex nanoseconds>,
// and a repeat of the same event (same object, type, reason and message) counted on the first one
// (count and lastTimestamp patched) instead of written again. Bursts of similar events are combined
// and rate-limited per object first (event-correlator.ts).
import type { LocalClient, ResourceClient } from '../../client/local-client.js';
import { isNotFound } from '../../client/local-client.js';
import type { Event } from '../../machinery/api-types.js';
import type { Clock } from '../../machinery/clock.js';
import type { KubeObject } from '../../machinery/object.js';
import { objectReference, type ObjectReference } from '../../machinery/object-reference.js';
import { BoundedMap } from './bounded-map.js';
import { EventCorrelator, type CorrelatorLimits } from './event-correlator.js';
import type { Logger } from './logger.js';

export type EventType = 'Normal' | 'Warning';

export interface EventRecorderDeps {
  client: LocalClient;
  /** The source component: "deployment-controller", "kubelet"… */
  component: string;
  /** The source host (kubelets name their node; controllers leave it empty). */
  host?: string;
  clock: Clock;
  log: Logger;
  /** client-go's defaults unless a test needs others. */
  correlation?: CorrelatorLimits;
}

interface SeenEvent {
  name: string;
  namespace: string;
  count: number;
}

// client-go keeps the last 4096 distinct events per recorder for counting repeats.
const maxRemembered = 4096;

export class EventRecorder {
  private readonly events: ResourceClient<Event>;
  private readonly seen = new BoundedMap<string, SeenEvent>(maxRemembered);
  private readonly correlator: EventCorrelator;
  private pending: Promise<void> = Promise.resolve();
  private sequence = 0;

  constructor(private readonly deps: EventRecorderDeps) {
    this.events = deps.client.resource<Event>('', 'v1', 'events');
    this.correlator = new EventCorrelator(deps.correlation);
  }

  /**
   * Records the event in the background; failures are logged, never thrown. `fieldPath` points
   * into the object (a kubelet's `spec.containers{web}`).
   */
  event(obj: KubeObject, type: EventType, reason: string, message: string, fieldPath?: string): void {
    const snapshot = objectReference(obj);
    if (fieldPath) snapshot.fieldPath = fieldPath;
    const at = this.deps.clock.now();
    this.pending = this.pending.then(() =>
      this.record(snapshot, type, reason, message, at).catch((err: unknown) =>
        this.deps.log.error('could not record an event', { reason, object: `${snapshot.namespace ?? ''}/${snapshot.name ?? ''}`, err: String(err) }),
      ),
    );
  }

  /** Resolves once every event recorded so far is written. */
  flushed(): Promise<void> {
    return this.pending;
  }

  private async record(ref: ObjectReference, type: EventType, reason: string, original: string, at: number): Promise<void> {
    const namespace = ref.namespace || 'default';
    const objectKey = [ref.kind, ref.namespace, ref.name, ref.uid, ref.apiVersion].join('\u0000');
    const { key, message } = this.correlator.correlate({ objectKey, fieldPath: ref.fieldPath ?? '', type, reason, message: original }, at);
    const timestamp = new Date(at).toISOString().replace(/\.\d{3}Z$/, 'Z');
    const known = this.seen.get(key);
    // As client-go, an occurrence dropped by the rate limit still counts on the event it repeats.
    if (known) known.count++;
    if (!this.correlator.admit(objectKey, at)) return;
    if (known) {
      try {
        await this.events.patch(known.namespace, known.name, 'strategic', { count: known.count, lastTimestamp: timestamp, message });
        this.seen.set(key, known);
        return;
      } catch (err) {
        if (!isNotFound(err)) throw err;
        this.seen.delete(key); // deleted meanwhile (expired, or the namespace emptied): start a new one
      }
    }
    const name = `${ref.name}.${eventSuffix(at, this.sequence++)}`;
    const event: Event = {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name, namespace },
      involvedObject: ref,
      reason,
      message,
      source: this.deps.host ? { component: this.deps.component, host: this.deps.host } : { component: this.deps.component },
      firstTimestamp: timestamp,
      lastTimestamp: timestamp,
      count: 1,
      type,
      reportingComponent: this.deps.component,
      reportingInstance: this.deps.host ?? '',
    };
    await this.events.create(namespace, event);
    this.seen.set(key, { name, namespace, count: 1 });
  }
}

// client-go names events by the time in nanoseconds, in hex; the sequence keeps two events of the
// same millisecond apart.
function eventSuffix(ms: number, sequence: number): string {
  return (BigInt(ms) * 1_000_000n + BigInt(sequence % 1_000_000)).toString(16);
}
