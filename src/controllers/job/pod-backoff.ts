// The delay before a job replaces failed pods: 10 s after the first failure since the last
// success, doubling with each further one up to 10 minutes, measured from when the last failed
// pod finished. The failure counts live in the controller's memory only (upstream's backoffStore),
// so a restarted controller starts counting afresh.
import type { Pod } from '../../machinery/api-types.js';
import { podCondition } from '../workload/pod-status.js';

export const podFailureBackoffMs = 10_000;
export const maxPodFailureBackoffMs = 10 * 60_000;

export interface BackoffRecord {
  failuresAfterLastSuccess: number;
  lastFailureTime?: number;
}

export class BackoffStore {
  private readonly records = new Map<string, BackoffRecord>();

  /** The record as it will be once the newly finished pods are counted. */
  next(key: string, newSucceeded: readonly Pod[], newFailed: readonly Pod[]): BackoffRecord {
    const old = this.records.get(key) ?? { failuresAfterLastSuccess: 0 };
    const failed = [...newFailed].sort((a, b) => finishedTime(a) - finishedTime(b));
    if (newSucceeded.length === 0) {
      if (failed.length === 0) return { ...old };
      return { failuresAfterLastSuccess: old.failuresAfterLastSuccess + failed.length, lastFailureTime: finishedTime(failed[failed.length - 1]!) };
    }
    // Only the failures after the last success still count.
    const lastSuccess = Math.max(...newSucceeded.map(finishedTime));
    const record: BackoffRecord = { failuresAfterLastSuccess: 0 };
    for (let i = failed.length - 1; i >= 0; i--) {
      const t = finishedTime(failed[i]!);
      if (t <= lastSuccess) break;
      record.lastFailureTime ??= t;
      record.failuresAfterLastSuccess++;
    }
    return record;
  }

  update(key: string, record: BackoffRecord): void {
    this.records.set(key, record);
  }

  remove(key: string): void {
    this.records.delete(key);
  }
}

export function remainingBackoffMs(record: BackoffRecord, now: number): number {
  return remainingForFailures(record.failuresAfterLastSuccess, record.lastFailureTime, now);
}

/** With backoffLimitPerIndex, each index waits after its own last failed pod. */
export function remainingIndexBackoffMs(lastFailedPod: Pod | undefined, absoluteFailureCount: number, now: number): number {
  if (!lastFailedPod) return 0;
  return remainingForFailures(absoluteFailureCount + 1, finishedTime(lastFailedPod), now);
}

function remainingForFailures(failures: number, lastFailureTime: number | undefined, now: number): number {
  if (failures === 0 || lastFailureTime === undefined) return 0;
  let backoff = podFailureBackoffMs;
  for (let i = 1; i < failures; i++) {
    backoff *= 2;
    if (backoff >= maxPodFailureBackoffMs) {
      backoff = maxPodFailureBackoffMs;
      break;
    }
  }
  const elapsed = now - lastFailureTime;
  return backoff < elapsed ? 0 : backoff - elapsed;
}

/**
 * When a pod finished: the last of its containers' finish times when all have one, else when it
 * turned not-ready, else its deletion time less the grace period, else its creation.
 */
export function finishedTime(pod: Pod): number {
  const fromContainers = containersFinishedTime(pod);
  if (fromContainers !== undefined) return fromContainers;
  const ready = podCondition(pod, 'Ready');
  if (ready?.status === 'False' && ready.lastTransitionTime) {
    const t = Date.parse(ready.lastTransitionTime);
    if (!Number.isNaN(t)) return t;
  }
  const deletion = pod.metadata?.deletionTimestamp;
  if (deletion) return Date.parse(deletion) - (pod.metadata?.deletionGracePeriodSeconds ?? 0) * 1000;
  return Date.parse(pod.metadata?.creationTimestamp ?? '') || 0;
}

function containersFinishedTime(pod: Pod): number | undefined {
  let latest: number | undefined;
  for (const c of pod.status?.containerStatuses ?? []) {
    const finishedAt = c.state?.terminated?.finishedAt;
    if (!finishedAt) return undefined;
    const t = Date.parse(finishedAt);
    if (Number.isNaN(t)) return undefined;
    if (latest === undefined || t > latest) latest = t;
  }
  return latest;
}
