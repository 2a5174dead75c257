// The admission plugins' contract with the store, in kube-apiserver's two phases: mutating
// plugins change an object being created before its defaults are prepared and it is validated;
// validating plugins see the final object (and the stored one, on an update) just before it is
// written. A validating plugin may take something for the write — ResourceQuota charges the
// quota — which the store gives back when the write does not happen after all.
import type { KubeObject } from '../../machinery/object.js';
import type { UserInfo } from '../service-account-tokens.js';

export interface ValidationAttributes {
  operation: 'CREATE' | 'UPDATE';
  object: KubeObject;
  /** The stored object, on an update. */
  oldObject?: KubeObject;
  /** Checked as usual, but nothing is taken. */
  dryRun: boolean;
  /** The requesting user, when the write came over HTTP. */
  user?: UserInfo;
}

export interface AdmissionReservation {
  /** The write failed: give back what admission took for it. */
  release(): Promise<void>;
}

export type MutatingAdmission = (obj: KubeObject) => Promise<void> | void;
export type ValidatingAdmission = (attrs: ValidationAttributes) => Promise<AdmissionReservation | undefined | void>;

/** Mutating plugins, one after another, in order. */
export function mutatingChain(plugins: readonly MutatingAdmission[]): ((obj: KubeObject) => Promise<void>) | undefined {
  if (plugins.length === 0) return undefined;
  return async (obj) => {
    for (const plugin of plugins) await plugin(obj);
  };
}

/**
 * Validating plugins in order; the first refusal ends the chain and gives back what the earlier
 * ones took. The reservation releases everything taken.
 */
export function validatingChain(plugins: readonly ValidatingAdmission[]): ((attrs: ValidationAttributes) => Promise<AdmissionReservation | undefined>) | undefined {
  if (plugins.length === 0) return undefined;
  return async (attrs) => {
    const taken: AdmissionReservation[] = [];
    try {
      for (const plugin of plugins) {
        const reservation = await plugin(attrs);
        if (reservation) taken.push(reservation);
      }
    } catch (err) {
      await releaseAll(taken);
      throw err;
    }
    if (taken.length === 0) return undefined;
    return { release: () => releaseAll(taken) };
  };
}

async function releaseAll(taken: readonly AdmissionReservation[]): Promise<void> {
  for (const r of [...taken].reverse()) await r.release();
}
