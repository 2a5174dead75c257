// kube-apiserver's ResourceQuota admission plugin: a create, or an update that changes usage, of a
// namespaced object is checked against every quota of its namespace, and is only let through once
// the quotas it counts against have been charged for it — status.used written with the quota's
// resourceVersion, so that two writes can never both take the last of a quota. Writes of one
// namespace are judged one at a time (as upstream's evaluator does, per namespace); a conflict with
// another writer of the quota (the resourcequota controller, another replica) is re-judged on the
// fresh quota. Dry runs are judged but charge nothing. Unlike upstream, which leaves such a charge
// to the controller's next full recalculation, the charge is given back if the object's own write
// then fails (it already exists, it lost a race).
import { forbidden, isApiError } from '../../apierrors/index.js';
import type { ResourceQuota } from '../../machinery/api-types.js';
import type { KubeObject } from '../../machinery/object.js';
import { resourceListJson, resourceList, subtractNonNegative } from '../../machinery/quota/resource-list.js';
import { evaluatorFor } from '../../machinery/quota/registry.js';
import { parseCached } from '../../storage/watch-cache/types.js';
import type { WriteOptions } from '../request-options.js';
import type { ResourceStore } from '../store.js';
import type { AdmissionReservation, ValidationAttributes } from './admission.js';
import { KeyedLock } from './keyed-lock.js';
import { checkRequest, QuotaRefusal, type QuotaCharge } from './quota-check.js';

/** Upstream tries a quota write three more times after a conflict before failing the request. */
const conflictRetries = 3;

export interface ResourceQuotaAdmissionDeps {
  quotas: () => ResourceStore;
  now: () => number;
}

export class ResourceQuotaAdmission {
  private readonly locks = new KeyedLock();

  constructor(private readonly deps: ResourceQuotaAdmissionDeps) {}

  /** The plugin for writes of one resource (undefined when quota ignores it). */
  forResource(group: string, resource: string): ((attrs: ValidationAttributes) => Promise<AdmissionReservation | undefined>) | undefined {
    const evaluator = evaluatorFor(group, resource);
    if (!evaluator) return undefined;
    const gr = { group, resource };
    return async (attrs) => {
      if (!evaluator.handles(attrs.operation)) return undefined;
      const namespace = attrs.object.metadata?.namespace;
      if (!namespace) return undefined;
      // Nothing to wait for in the many namespaces without quotas.
      if (this.deps.quotas().cachedInNamespace(namespace).length === 0) return undefined;
      return this.locks.run(namespace, async () => {
        for (let attempt = 0; ; attempt++) {
          let charges: QuotaCharge[];
          try {
            charges = checkRequest(this.quotasIn(namespace), attrs, evaluator, this.deps.now());
          } catch (err) {
            if (err instanceof QuotaRefusal) throw forbidden(gr, attrs.object.metadata?.name ?? '', err.message);
            throw err;
          }
          if (charges.length === 0 || attrs.dryRun) return undefined;
          const written: QuotaCharge[] = [];
          try {
            for (const charge of charges) {
              await this.writeUsed(charge);
              written.push(charge);
            }
          } catch (err) {
            await this.giveBack(namespace, written);
            if (isApiError(err) && err.status.reason === 'Conflict' && attempt < conflictRetries) continue;
            throw err;
          }
          return { release: () => this.locks.run(namespace, () => this.giveBack(namespace, written)) };
        }
      });
    };
  }

  private quotasIn(namespace: string): ResourceQuota[] {
    return this.deps.quotas().cachedInNamespace(namespace).map((c) => parseCached<ResourceQuota>(c));
  }

  // Conditional on the resourceVersion the charge was computed from.
  private async writeUsed(charge: QuotaCharge): Promise<void> {
    const quota = charge.quota;
    const body = { ...quota, status: { ...quota.status, used: resourceListJson(charge.used) } } as KubeObject;
    await this.deps.quotas().update(quota.metadata?.namespace, quota.metadata?.name ?? '', body, loopbackWrite(), 'status');
  }

  /** Takes the charges off the quotas as they are now (a quota deleted meanwhile has nothing to give back). */
  private async giveBack(namespace: string, charges: readonly QuotaCharge[]): Promise<void> {
    for (const { quota, delta } of charges) {
      const name = quota.metadata?.name ?? '';
      try {
        await this.deps.quotas().guaranteedUpdate(namespace, name, loopbackWrite(), 'status', (current) => {
          const latest = current as ResourceQuota | undefined;
          if (!latest) throw new QuotaGone();
          const used = resourceList(latest.status?.used);
          const reduced = subtractNonNegative(used, delta);
          for (const n of reduced.keys()) if (!used.has(n)) reduced.delete(n);
          return { update: { ...latest, status: { ...latest.status, used: resourceListJson(reduced) } } as KubeObject };
        });
      } catch (err) {
        if (err instanceof QuotaGone || (isApiError(err) && err.code === 404)) continue;
        throw err;
      }
    }
  }
}

class QuotaGone extends Error {}

/** How kube-apiserver writes quota status: through its loopback client, as itself. */
function loopbackWrite(): WriteOptions {
  return { dryRun: false, fieldManager: 'kube-apiserver', fieldValidation: 'Strict', warnings: [], userAgent: 'kube-apiserver' };
}
