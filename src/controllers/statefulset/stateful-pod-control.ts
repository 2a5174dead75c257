// The StatefulSet controller's writes to pods and claims (stateful_pod_control.go), each recorded
// as an Event on the set in upstream's words: "create Pod web-0 in StatefulSet web successful",
// "create Claim www-web-0 Pod web-0 in StatefulSet web success", their Failed* counterparts.
import type { ResourceClient } from '../../client/local-client.js';
import { isAlreadyExists, isConflict } from '../../client/local-client.js';
import type { PersistentVolumeClaim, Pod, StatefulSet } from '../../machinery/api-types.js';
import type { EventRecorder } from '../runtime/event-recorder.js';
import type { Informer } from '../runtime/informer.js';
import { hasStaleOwnerRef, hasUnexpectedController, isClaimOwnerUpToDate, ownerRefsForPolicy, retentionPolicy } from './claim-retention.js';
import { claimName, claimsFor, identityMatches, ordinalOf, storageMatches, updateIdentity, updateStorage } from './stateful-pod-identity.js';

export interface StatefulPodControlDeps {
  pods: ResourceClient<Pod>;
  claims: ResourceClient<PersistentVolumeClaim>;
  podInformer: Informer<Pod>;
  claimInformer: Informer<PersistentVolumeClaim>;
  recorder: EventRecorder;
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function capitalized(verb: string): string {
  return verb[0]!.toUpperCase() + verb.slice(1);
}

export class StatefulPodControl {
  constructor(private readonly deps: StatefulPodControlDeps) {}

  /** Creates the pod's claims, then the pod; an AlreadyExists pod is returned as an error without an event. */
  async createStatefulPod(set: StatefulSet, pod: Pod): Promise<void> {
    try {
      await this.createPersistentVolumeClaims(set, pod);
    } catch (err) {
      this.recordPodEvent('create', set, pod, err);
      throw err;
    }
    let created: Pod;
    try {
      created = await this.deps.pods.create(set.metadata?.namespace, pod);
    } catch (err) {
      if (!isAlreadyExists(err)) this.recordPodEvent('create', set, pod, err);
      throw err;
    }
    try {
      // The pod's uid exists now, so the policy can be written as far as it goes.
      await this.updatePodClaimForRetentionPolicy(set, created);
    } catch (err) {
      this.recordPodEvent('update', set, pod, err);
      throw err;
    }
    this.recordPodEvent('create', set, pod, undefined);
  }

  /** Restores the pod's identity, storage and claim ownership when they drifted from the set. */
  async updateStatefulPod(set: StatefulSet, current: Pod): Promise<void> {
    let pod = structuredClone(current);
    let attempted = false;
    for (let attempt = 0; ; attempt++) {
      let consistent = true;
      if (!identityMatches(set, pod)) {
        updateIdentity(set, pod);
        consistent = false;
      }
      if (!storageMatches(set, pod)) {
        updateStorage(set, pod);
        consistent = false;
        try {
          await this.createPersistentVolumeClaims(set, pod);
        } catch (err) {
          this.recordPodEvent('update', set, pod, err);
          throw err;
        }
      }
      if (!this.claimsMatchRetentionPolicy(set, pod)) {
        try {
          await this.updatePodClaimForRetentionPolicy(set, pod);
        } catch (err) {
          this.recordPodEvent('update', set, pod, err);
          throw err;
        }
        consistent = false;
      }
      if (consistent) {
        if (attempted) this.recordPodEvent('update', set, pod, undefined);
        return;
      }
      attempted = true;
      try {
        await this.deps.pods.update(set.metadata?.namespace, pod);
        this.recordPodEvent('update', set, pod, undefined);
        return;
      } catch (err) {
        if (!isConflict(err) || attempt >= 4) {
          this.recordPodEvent('update', set, pod, err);
          throw err;
        }
        const fresh = this.deps.podInformer.getByName(set.metadata?.namespace, pod.metadata?.name ?? '');
        if (fresh) pod = structuredClone(fresh);
      }
    }
  }

  async deleteStatefulPod(set: StatefulSet, pod: Pod): Promise<void> {
    try {
      await this.deps.pods.delete(set.metadata?.namespace, pod.metadata?.name ?? '');
    } catch (err) {
      this.recordPodEvent('delete', set, pod, err);
      throw err;
    }
    this.recordPodEvent('delete', set, pod, undefined);
  }

  /** Do the pod's claims carry the ownerReferences the retention policy asks for? Missing claims do not count. */
  claimsMatchRetentionPolicy(set: StatefulSet, pod: Pod): boolean {
    const ordinal = ordinalOf(pod);
    return (set.spec?.volumeClaimTemplates ?? []).every((t) => {
      const claim = this.claim(set, claimName(set, t.metadata?.name ?? '', ordinal));
      return !claim || isClaimOwnerUpToDate(claim, set, pod);
    });
  }

  async updatePodClaimForRetentionPolicy(set: StatefulSet, pod: Pod): Promise<void> {
    const ordinal = ordinalOf(pod);
    for (const t of set.spec?.volumeClaimTemplates ?? []) {
      const name = claimName(set, t.metadata?.name ?? '', ordinal);
      const claim = this.claim(set, name);
      if (!claim) continue; // created later; its policy is written then
      if (hasUnexpectedController(claim, set, pod)) {
        this.deps.recorder.event(
          set,
          'Warning',
          'ConflictingController',
          `PersistentVolumeClaim ${name} has a conflicting OwnerReference that acts as a manging controller, the retention policy is ignored for this claim`,
        );
      }
      if (isClaimOwnerUpToDate(claim, set, pod)) continue;
      const ownerReferences = ownerRefsForPolicy(claim, set, pod);
      try {
        await this.deps.claims.update(set.metadata?.namespace, { ...claim, metadata: { ...claim.metadata, ownerReferences } });
      } catch (err) {
        throw new Error(`could not update claim ${name} for delete policy ownerRefs: ${message(err)}`);
      }
    }
  }

  /** With whenScaled=Delete, a claim still owned by an earlier pod of this name must be collected before the pod returns. */
  podClaimIsStale(set: StatefulSet, pod: Pod): boolean {
    if (retentionPolicy(set).whenScaled === 'Retain') return false;
    for (const claim of claimsFor(set, ordinalOf(pod)).values()) {
      const existing = this.claim(set, claim.metadata?.name ?? '');
      if (existing && hasStaleOwnerRef(existing, pod, 'pod')) return true;
    }
    return false;
  }

  /** Creates the claims a pending pod still lacks, and sets their ownership. */
  async createMissingPersistentVolumeClaims(set: StatefulSet, pod: Pod): Promise<void> {
    await this.createPersistentVolumeClaims(set, pod);
    try {
      await this.updatePodClaimForRetentionPolicy(set, pod);
    } catch (err) {
      this.recordPodEvent('update', set, pod, err);
      throw err;
    }
  }

  private async createPersistentVolumeClaims(set: StatefulSet, pod: Pod): Promise<void> {
    const errors: string[] = [];
    for (const claim of claimsFor(set, ordinalOf(pod)).values()) {
      const name = claim.metadata?.name ?? '';
      const existing = this.claim(set, name);
      if (!existing) {
        try {
          await this.deps.claims.create(set.metadata?.namespace, claim);
          this.recordClaimEvent('create', set, pod, name, undefined);
        } catch (err) {
          errors.push(`failed to create PVC ${name}: ${message(err)}`);
          if (!isAlreadyExists(err)) this.recordClaimEvent('create', set, pod, name, err);
        }
      } else if (existing.metadata?.deletionTimestamp) {
        errors.push(`pvc ${name} is being deleted`);
      }
    }
    if (errors.length === 1) throw new Error(errors[0]);
    if (errors.length > 1) throw new Error(`[${errors.join(', ')}]`);
  }

  private claim(set: StatefulSet, name: string): PersistentVolumeClaim | undefined {
    return this.deps.claimInformer.getByName(set.metadata?.namespace, name);
  }

  private recordPodEvent(verb: string, set: StatefulSet, pod: Pod, err: unknown): void {
    const name = pod.metadata?.name ?? '';
    const setName = set.metadata?.name ?? '';
    if (err === undefined) this.deps.recorder.event(set, 'Normal', `Successful${capitalized(verb)}`, `${verb} Pod ${name} in StatefulSet ${setName} successful`);
    else this.deps.recorder.event(set, 'Warning', `Failed${capitalized(verb)}`, `${verb} Pod ${name} in StatefulSet ${setName} failed error: ${message(err)}`);
  }

  private recordClaimEvent(verb: string, set: StatefulSet, pod: Pod, claim: string, err: unknown): void {
    const name = pod.metadata?.name ?? '';
    const setName = set.metadata?.name ?? '';
    if (err === undefined) this.deps.recorder.event(set, 'Normal', `Successful${capitalized(verb)}`, `${verb} Claim ${claim} Pod ${name} in StatefulSet ${setName} success`);
    else this.deps.recorder.event(set, 'Warning', `Failed${capitalized(verb)}`, `${verb} Claim ${claim} for Pod ${name} in StatefulSet ${setName} failed error: ${message(err)}`);
  }
}
