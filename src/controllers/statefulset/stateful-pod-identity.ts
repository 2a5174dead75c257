// What makes a pod a member of a StatefulSet (pkg/controller/statefulset's stateful_set_utils.go):
// its name "<set>-<ordinal>", the labels naming it and its index, the hostname and subdomain that
// give it a DNS name under the headless service, one PersistentVolumeClaim per claim template
// ("<template>-<set>-<ordinal>") mounted as the template's volume, and the revision label.
import type { OwnerReference, PersistentVolumeClaim, Pod, StatefulSet } from '../../machinery/api-types.js';
import { isPodAvailable, isPodReady } from '../workload/pod-status.js';
import { podFromTemplate, podNamePrefix } from '../workload/pod-template.js';

export const podNameLabel = 'statefulset.kubernetes.io/pod-name';
export const podIndexLabel = 'apps.kubernetes.io/pod-index';
export const revisionLabel = 'controller-revision-hash';

type Volume = NonNullable<NonNullable<Pod['spec']>['volumes']>[number];

const statefulPodName = /^(.*)-([0-9]+)$/;
const maxInt32 = 2 ** 31 - 1;

/** The parent set's name and the ordinal a pod name carries; ordinal -1 when it has none. */
export function parentAndOrdinal(pod: Pod): { parent: string; ordinal: number } {
  const m = statefulPodName.exec(pod.metadata?.name ?? '');
  if (!m) return { parent: '', ordinal: -1 };
  const n = Number(m[2]);
  return { parent: m[1]!, ordinal: Number.isSafeInteger(n) && n <= maxInt32 ? n : -1 };
}

export function ordinalOf(pod: Pod): number {
  return parentAndOrdinal(pod).ordinal;
}

export function startOrdinal(set: StatefulSet): number {
  return set.spec?.ordinals?.start ?? 0;
}

export function replicasOf(set: StatefulSet): number {
  return set.spec?.replicas ?? 1;
}

/** The last ordinal the set keeps (inclusive). */
export function endOrdinal(set: StatefulSet): number {
  return startOrdinal(set) + replicasOf(set) - 1;
}

export function podInOrdinalRange(pod: Pod, set: StatefulSet): boolean {
  const ordinal = ordinalOf(pod);
  return ordinal >= startOrdinal(set) && ordinal <= endOrdinal(set);
}

export function podName(set: StatefulSet, ordinal: number): string {
  return `${set.metadata?.name ?? ''}-${ordinal}`;
}

export function claimName(set: StatefulSet, templateName: string, ordinal: number): string {
  return `${templateName}-${set.metadata?.name ?? ''}-${ordinal}`;
}

/** Only pods named after the set are claimed by it, whatever their labels say. */
export function isMemberOf(set: StatefulSet, pod: Pod): boolean {
  return parentAndOrdinal(pod).parent === set.metadata?.name;
}

export function identityMatches(set: StatefulSet, pod: Pod): boolean {
  const { parent, ordinal } = parentAndOrdinal(pod);
  return (
    ordinal >= 0 &&
    parent === set.metadata?.name &&
    pod.metadata?.name === podName(set, ordinal) &&
    pod.metadata?.namespace === set.metadata?.namespace &&
    pod.metadata?.labels?.[podNameLabel] === pod.metadata?.name
  );
}

/** The pod mounts each claim template's volume from the claim for its ordinal. */
export function storageMatches(set: StatefulSet, pod: Pod): boolean {
  const ordinal = ordinalOf(pod);
  if (ordinal < 0) return false;
  const volumes = new Map((pod.spec?.volumes ?? []).map((v) => [v.name, v]));
  return (set.spec?.volumeClaimTemplates ?? []).every((t) => {
    const name = t.metadata?.name ?? '';
    return volumes.get(name)?.persistentVolumeClaim?.claimName === claimName(set, name, ordinal);
  });
}

/**
 * The claims a pod of `ordinal` uses, by template name: the template with the claim's name and the
 * set's namespace, its labels joined by the set's selector labels.
 */
export function claimsFor(set: StatefulSet, ordinal: number): Map<string, PersistentVolumeClaim> {
  const claims = new Map<string, PersistentVolumeClaim>();
  const selectorLabels = set.spec?.selector?.matchLabels ?? {};
  for (const template of set.spec?.volumeClaimTemplates ?? []) {
    const templateName = template.metadata?.name ?? '';
    const claim = structuredClone(template) as PersistentVolumeClaim;
    delete claim.status;
    claim.apiVersion = 'v1';
    claim.kind = 'PersistentVolumeClaim';
    const { creationTimestamp: _ts, ...meta } = claim.metadata ?? {};
    claim.metadata = { ...meta, name: claimName(set, templateName, ordinal), namespace: set.metadata?.namespace, labels: { ...meta.labels, ...selectorLabels } };
    claims.set(templateName, claim);
  }
  return claims;
}

/** Replaces the pod's claim-template volumes with its own claims, keeping its other volumes. */
export function updateStorage(set: StatefulSet, pod: Pod): void {
  const claims = claimsFor(set, ordinalOf(pod));
  const volumes: Volume[] = [...claims].map(([name, claim]) => ({ name, persistentVolumeClaim: { claimName: claim.metadata?.name ?? '' } }));
  for (const v of pod.spec?.volumes ?? []) if (!claims.has(v.name)) volumes.push(v);
  pod.spec = { ...pod.spec!, volumes };
}

/** Name, namespace and the pod-name and pod-index labels. */
export function updateIdentity(set: StatefulSet, pod: Pod): void {
  const ordinal = ordinalOf(pod);
  const meta = (pod.metadata ??= {});
  meta.name = podName(set, ordinal);
  meta.namespace = set.metadata?.namespace;
  meta.labels = { ...meta.labels, [podNameLabel]: meta.name, [podIndexLabel]: String(ordinal) };
}

// Hostname and subdomain are immutable, so they are set only when the pod is created.
function initIdentity(set: StatefulSet, pod: Pod): void {
  updateIdentity(set, pod);
  const spec = pod.spec!;
  spec.hostname = pod.metadata!.name;
  if (set.spec?.serviceName) spec.subdomain = set.spec.serviceName;
}

export function podRevision(pod: Pod): string {
  return pod.metadata?.labels?.[revisionLabel] ?? '';
}

export function newStatefulSetPod(set: StatefulSet, ordinal: number, controllerRef: OwnerReference): Pod {
  // GetPodFromTemplate leaves generateName "<set>-" on the pod, which a real StatefulSet's pods show.
  const pod = podFromTemplate(set.spec?.template, podNamePrefix(set.metadata?.name ?? ''), controllerRef);
  pod.metadata!.name = podName(set, ordinal);
  pod.spec ??= { containers: [] };
  initIdentity(set, pod);
  updateStorage(set, pod);
  return pod;
}

/**
 * A new pod at the revision its ordinal should have: below the partition (or, without a
 * rollingUpdate block, below the count of current replicas) the current revision, above it the update.
 */
export function newVersionedStatefulSetPod(
  currentSet: StatefulSet,
  updateSet: StatefulSet,
  currentRevision: string,
  updateRevision: string,
  ordinal: number,
  controllerRef: OwnerReference,
): Pod {
  const strategy = currentSet.spec?.updateStrategy;
  const start = startOrdinal(currentSet);
  // Go's precedence: (RollingUpdate && no block && below current) || (block && below partition).
  const atCurrent =
    (strategy?.type === 'RollingUpdate' && strategy.rollingUpdate === undefined && ordinal < start + (currentSet.status?.currentReplicas ?? 0)) ||
    (strategy?.rollingUpdate !== undefined && ordinal < start + (strategy.rollingUpdate.partition ?? 0));
  const pod = newStatefulSetPod(atCurrent ? currentSet : updateSet, ordinal, controllerRef);
  pod.metadata!.labels = { ...pod.metadata!.labels, [revisionLabel]: atCurrent ? currentRevision : updateRevision };
  return pod;
}

// ---------- pod states as the StatefulSet controller sees them ----------

/** Not created yet: a pod the controller is about to create has no phase. */
export function isCreated(pod: Pod): boolean {
  return !!pod.status?.phase;
}

export function isTerminating(pod: Pod): boolean {
  return !!pod.metadata?.deletionTimestamp;
}

export function isRunningAndReady(pod: Pod): boolean {
  return pod.status?.phase === 'Running' && isPodReady(pod);
}

export function isRunningAndAvailable(pod: Pod, minReadySeconds: number, now: number): boolean {
  return isPodAvailable(pod, minReadySeconds, now);
}

/** Counted against maxUnavailable: terminating, or not available yet. */
export function isUnavailable(pod: Pod, minReadySeconds: number, now: number): boolean {
  return !isRunningAndAvailable(pod, minReadySeconds, now) || isTerminating(pod);
}
