// kube-apiserver's DefaultStorageClass admission plugin: a PersistentVolumeClaim created without
// a storageClassName (absent, not "") gets the cluster's default class — the StorageClass
// annotated storageclass.kubernetes.io/is-default-class=true, the newest one if several are.
import type { PersistentVolumeClaim } from '../../machinery/api-types.js';
import { parseCached } from '../../storage/watch-cache/types.js';
import type { ResourceStore } from '../store.js';

const defaultClassAnnotation = 'storageclass.kubernetes.io/is-default-class';
const betaDefaultClassAnnotation = 'storageclass.beta.kubernetes.io/is-default-class';

interface StorageClassMeta {
  metadata?: { name?: string; creationTimestamp?: string; annotations?: Record<string, string> };
}

export function admitClaimStorageClass(claim: PersistentVolumeClaim, storageClasses: ResourceStore): void {
  const spec = (claim.spec ??= {});
  if (spec.storageClassName !== undefined && spec.storageClassName !== null) return;
  let chosen: StorageClassMeta | undefined;
  for (const cached of storageClasses.cachedAll()) {
    const sc = parseCached<StorageClassMeta>(cached);
    const annotations = sc.metadata?.annotations ?? {};
    if (annotations[defaultClassAnnotation] !== 'true' && annotations[betaDefaultClassAnnotation] !== 'true') continue;
    const newer = !chosen || (sc.metadata?.creationTimestamp ?? '') > (chosen.metadata?.creationTimestamp ?? '') ||
      ((sc.metadata?.creationTimestamp ?? '') === (chosen.metadata?.creationTimestamp ?? '') && (sc.metadata?.name ?? '') < (chosen.metadata?.name ?? ''));
    if (newer) chosen = sc;
  }
  if (chosen?.metadata?.name) spec.storageClassName = chosen.metadata.name;
}
