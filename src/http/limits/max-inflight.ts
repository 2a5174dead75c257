// kube-apiserver's max-in-flight filter (--max-requests-inflight, --max-mutating-requests-inflight):
// two counters, one for read-only and one for mutating requests. A request over its limit is
// answered 429 with `Retry-After: 1` and Go's http.Error text — not a Status, as the real filter
// writes it — unless its user is in system:masters, who always gets an answer. A limit of 0
// means no limit. Long-running requests are never counted (the caller skips them).
import type { ServerResponse } from 'node:http';

export interface InflightLimits {
  /** --max-requests-inflight: read-only requests at once (0: unlimited). */
  readOnly: number;
  /** --max-mutating-requests-inflight: mutating requests at once (0: unlimited). */
  mutating: number;
}

export const defaultInflightLimits: InflightLimits = { readOnly: 400, mutating: 200 };

const privilegedGroup = 'system:masters';
const noSlot = () => undefined;

export class MaxInflight {
  private readOnlyCount = 0;
  private mutatingCount = 0;

  constructor(private readonly limits: InflightLimits) {}

  /**
   * Takes a slot for the request: the function to give it back when the response closes (a no-op
   * when no slot was taken). False when the request is refused: the 429 has then been written.
   */
  admit(res: ServerResponse, readOnly: boolean, groups: readonly string[]): (() => void) | false {
    const limit = readOnly ? this.limits.readOnly : this.limits.mutating;
    if (limit === 0) return noSlot;
    const current = readOnly ? this.readOnlyCount : this.mutatingCount;
    if (current >= limit) {
      // Served, but not counted: the filter lets it through without a slot.
      if (groups.includes(privilegedGroup)) return noSlot;
      tooManyRequests(res);
      return false;
    }
    if (readOnly) this.readOnlyCount++;
    else this.mutatingCount++;
    return readOnly ? this.releaseReadOnly : this.releaseMutating;
  }

  private readonly releaseReadOnly = () => void this.readOnlyCount--;
  private readonly releaseMutating = () => void this.mutatingCount--;

  inflight(): { readOnly: number; mutating: number } {
    return { readOnly: this.readOnlyCount, mutating: this.mutatingCount };
  }
}

function tooManyRequests(res: ServerResponse): void {
  const body = 'Too many requests, please try again later.\n';
  res.statusCode = 429;
  res.setHeader('Retry-After', '1');
  // What Go's http.Error sets.
  res.setHeader('Content-Type', 'text/plain; charset=utf-8');
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Content-Length', Buffer.byteLength(body));
  res.end(body);
}
