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
