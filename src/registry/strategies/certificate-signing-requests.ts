// CertificateSigningRequests: the main resource changes metadata only, /approval the Approved and
// Denied conditions, /status the rest of status; a condition written without timestamps gets
// them from the server (kube-apiserver's csr strategies).
import type { CertificateSigningRequest } from '../../machinery/api-types.js';
import type { KubeObject } from '../../machinery/object.js';
import type { Strategy } from '../strategy.js';
import { formatTime } from '../timestamps.js';

type Condition = NonNullable<NonNullable<CertificateSigningRequest['status']>['conditions']>[number];

export const certificateSigningRequestStrategy: Strategy = {
  fieldSelectors: { 'spec.signerName': (c: CertificateSigningRequest) => c.spec?.signerName ?? '' },
  prepareForUpdate(obj: KubeObject, old: KubeObject) {
    obj.spec = old.spec;
  },
  prepareForSubresourceUpdate(subresource, obj, old, ctx) {
    if (subresource === 'status' || subresource === 'approval') stampConditions(obj as CertificateSigningRequest, old as CertificateSigningRequest, ctx.now);
  },
};

/**
 * lastUpdateTime defaults to now; lastTransitionTime to that of the stored condition with the same
 * type and status, else now.
 */
function stampConditions(csr: CertificateSigningRequest, old: CertificateSigningRequest, now: Date): void {
  const conditions = csr.status?.conditions;
  if (!Array.isArray(conditions)) return;
  const stamp = formatTime(now);
  const before: Condition[] = old.status?.conditions ?? [];
  for (const c of conditions) {
    c.lastUpdateTime ??= stamp;
    if (!c.lastTransitionTime) {
      const same = before.find((o) => o.type === c.type && o.status === c.status && o.lastTransitionTime);
      c.lastTransitionTime = same?.lastTransitionTime ?? stamp;
    }
  }
}
