// Indexes on the shared pod informer that several controllers read.
import type { Pod } from '../../machinery/api-types.js';
import type { Informer } from '../runtime/informer.js';
import { controllerRefOf } from './controller-ref.js';

/** Pods by the uid of their controller (ReplicaSet, Job, StatefulSet, DaemonSet…). */
export const controllerUidIndex = 'controller-uid';

export function indexPodsByController(pods: Informer<Pod>): void {
  pods.addIndex(controllerUidIndex, (p) => {
    const ref = controllerRefOf(p);
    return ref?.uid ? [ref.uid] : [];
  });
}

/** Pods no controller owns, by namespace: the only ones a controller may adopt. */
export const orphanPodsIndex = 'orphans-by-namespace';

export function indexOrphanPods(pods: Informer<Pod>): void {
  pods.addIndex(orphanPodsIndex, (p) => (controllerRefOf(p) ? [] : [p.metadata?.namespace ?? '']));
}

/**
 * The pods a controller's claim looks at: its own and the namespace's orphans. Pods of other
 * controllers are never claimed, so skipping them keeps a sync proportional to the controller's
 * own pods rather than to the whole namespace.
 */
export function claimCandidates(pods: Informer<Pod>, ownerUid: string | undefined, namespace: string | undefined): Pod[] {
  return [...pods.byIndex(controllerUidIndex, ownerUid ?? ''), ...pods.byIndex(orphanPodsIndex, namespace ?? '')];
}
