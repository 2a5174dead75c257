// When the served metrics were measured. metrics-server scrapes every kubelet once per metric
// resolution (15 s by default) and reports the usage between a node's last two samples; the
// kubelet's samples come from cAdvisor's housekeeping, every 10 s, at a phase of its own per node.
// So a metric's timestamp is the last housekeeping tick before the latest scrape, and its window
// is the distance to the tick before the previous scrape: 10 s or 20 s, alternating.
import { stableFraction } from './jitter.js';

export const metricResolutionMs = 15_000;
const housekeepingIntervalMs = 10_000;

export interface Sample {
  /** Number of the scrape the figures come from (moves every metric resolution). */
  scrape: number;
  /** When the node's kubelet measured (ms since the epoch). */
  timestampMs: number;
  windowMs: number;
}

export function sampleOf(nodeName: string, nowMs: number): Sample {
  const phase = Math.floor(stableFraction('housekeeping', nodeName) * housekeepingIntervalMs);
  const tickBefore = (t: number) => Math.floor((t - phase) / housekeepingIntervalMs) * housekeepingIntervalMs + phase;
  const scrape = Math.floor(nowMs / metricResolutionMs);
  const timestampMs = tickBefore(scrape * metricResolutionMs);
  return { scrape, timestampMs, windowMs: timestampMs - tickBefore((scrape - 1) * metricResolutionMs) };
}

/** metav1.Time as JSON: RFC 3339, whole seconds. */
export function metaTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** metav1.Duration as JSON (Go's Duration.String) for durations under an hour: "20s", "1m0s", "500ms". */
export function goDuration(ms: number): string {
  if (ms === 0) return '0s';
  if (ms < 1000) return `${ms}ms`;
  const minutes = Math.floor(ms / 60_000);
  const seconds = `${String((ms - minutes * 60_000) / 1000)}s`;
  return minutes ? `${minutes}m${seconds}` : seconds;
}
