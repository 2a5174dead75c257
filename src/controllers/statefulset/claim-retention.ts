// persistentVolumeClaimRetentionPolicy expressed as ownerReferences on the claims, so that the
// garbage collector deletes them (stateful_set_utils.go): whenDeleted=Delete makes the set the
// claims' controller, whenScaled=Delete makes a scaled-down pod the controller of its claims.
// References to an earlier set or pod of the same name (another uid) are left alone: the claim
// belongs to what the garbage collector is about to clean up.
import type { OwnerReference, PersistentVolumeClaim, Pod, StatefulSet } from '../../machinery/api-types.js';
import type { KubeObject } from '../../machinery/object.js';
import { newControllerRef } from '../workload/controller-ref.js';
import { podInOrdinalRange } from './stateful-pod-identity.js';

type Policy = 'Retain' | 'Delete';

interface RetentionPolicy {
  whenDeleted: Policy;
  whenScaled: Policy;
}

const setKind = { apiVersion: 'apps/v1', kind: 'StatefulSet' };
const podKind = { apiVersion: 'v1', kind: 'Pod' };

export function retentionPolicy(set: StatefulSet): RetentionPolicy {
  const p = set.spec?.persistentVolumeClaimRetentionPolicy;
  return { whenDeleted: p?.whenDeleted === 'Delete' ? 'Delete' : 'Retain', whenScaled: p?.whenScaled === 'Delete' ? 'Delete' : 'Retain' };
}

function matchesRef(ref: OwnerReference, obj: KubeObject, kind: { apiVersion: string; kind: string }): boolean {
  return ref.apiVersion === kind.apiVersion && ref.kind === kind.kind && ref.name === obj.metadata?.name;
}

function hasOwnerRef(target: KubeObject, owner: KubeObject): boolean {
  const uid = owner.metadata?.uid;
  return (target.metadata?.ownerReferences ?? []).some((r) => r.uid === uid);
}

/** A reference to the set or pod by name but with another uid: left over from an earlier incarnation. */
export function hasStaleOwnerRef(claim: PersistentVolumeClaim, owner: KubeObject, kind: 'set' | 'pod'): boolean {
  const ref = (claim.metadata?.ownerReferences ?? []).find((r) => matchesRef(r, owner, kind === 'set' ? setKind : podKind));
  return ref !== undefined && ref.uid !== owner.metadata?.uid;
}

/** Some other controller owns the claim (only a concern when the policy would have us own it). */
export function hasUnexpectedController(claim: PersistentVolumeClaim, set: StatefulSet, pod: Pod): boolean {
  const policy = retentionPolicy(set);
  if (policy.whenScaled === 'Retain' && policy.whenDeleted === 'Retain') return false;
  for (const ref of claim.metadata?.ownerReferences ?? []) {
    if (matchesRef(ref, set, setKind)) {
      if (ref.uid !== set.metadata?.uid) return true;
      continue;
    }
    if (matchesRef(ref, pod, podKind)) {
      if (ref.uid !== pod.metadata?.uid) return true;
      continue;
    }
    if (ref.controller) return true;
  }
  return false;
}

function hasNonControllerOwner(claim: PersistentVolumeClaim, set: StatefulSet, pod: Pod): boolean {
  return (claim.metadata?.ownerReferences ?? []).some((r) => (r.uid === set.metadata?.uid || r.uid === pod.metadata?.uid) && !r.controller);
}

/** Do the claim's references agree with the policy (or is it in a state we must not touch)? */
export function isClaimOwnerUpToDate(claim: PersistentVolumeClaim, set: StatefulSet, pod: Pod): boolean {
  if (hasStaleOwnerRef(claim, set, 'set') || hasStaleOwnerRef(claim, pod, 'pod')) return true;
  if (hasUnexpectedController(claim, set, pod)) return !(hasOwnerRef(claim, set) || hasOwnerRef(claim, pod));
  if (hasNonControllerOwner(claim, set, pod)) return false;
  const policy = retentionPolicy(set);
  const scaledDown = !podInOrdinalRange(pod, set);
  const wantSet = policy.whenDeleted === 'Delete' && (policy.whenScaled === 'Retain' || !scaledDown);
  const wantPod = policy.whenScaled === 'Delete' && scaledDown;
  return hasOwnerRef(claim, set) === wantSet && hasOwnerRef(claim, pod) === wantPod;
}

/** The claim's ownerReferences rewritten for the policy (a copy; the claim is not touched). */
export function ownerRefsForPolicy(claim: PersistentVolumeClaim, set: StatefulSet, pod: Pod): OwnerReference[] {
  const unexpected = hasUnexpectedController(claim, set, pod);
  let refs = (claim.metadata?.ownerReferences ?? []).filter((r) => !matchesRef(r, set, setKind) && !matchesRef(r, pod, podKind));
  if (unexpected) return refs;
  const policy = retentionPolicy(set);
  const scaledDown = !podInOrdinalRange(pod, set);
  const add = (owner: KubeObject, kind: { apiVersion: string; kind: string }) => {
    if (!refs.some((r) => r.uid === owner.metadata?.uid)) refs = [...refs, newControllerRef(owner, kind.apiVersion, kind.kind)];
  };
  if (policy.whenScaled === 'Delete' && scaledDown) add(pod, podKind);
  if (policy.whenDeleted === 'Delete' && (policy.whenScaled === 'Retain' || !scaledDown)) add(set, setKind);
  return refs;
}
