// storage.k8s.io/v1 defaults: k8s.io/kubernetes pkg/apis/storage/v1/defaults.go (1.36), with
// SELinuxMountReadWriteOncePod (beta, on) defaulting CSIDriver seLinuxMount. The alpha CSIDriver
// fields (serviceAccountTokenInSecrets, preventPodSchedulingIfMissing) are gated off: no default.
import { isEmptyList, isNil, structField, type DefaultsTable, type JsonMap } from './types.js';

function storageClass(obj: JsonMap): void {
  if (isNil(obj['reclaimPolicy'])) obj['reclaimPolicy'] = 'Delete';
  if (isNil(obj['volumeBindingMode'])) obj['volumeBindingMode'] = 'Immediate';
}

function csiDriver(obj: JsonMap): void {
  const spec = structField(obj, 'spec');
  if (isNil(spec['attachRequired'])) spec['attachRequired'] = true;
  if (isNil(spec['podInfoOnMount'])) spec['podInfoOnMount'] = false;
  if (isNil(spec['storageCapacity'])) spec['storageCapacity'] = false;
  if (isNil(spec['fsGroupPolicy'])) spec['fsGroupPolicy'] = 'ReadWriteOnceWithFSType';
  if (isEmptyList(spec['volumeLifecycleModes'])) spec['volumeLifecycleModes'] = ['Persistent'];
  if (isNil(spec['requiresRepublish'])) spec['requiresRepublish'] = false;
  if (isNil(spec['seLinuxMount'])) spec['seLinuxMount'] = false;
}

export const storageV1Defaults: DefaultsTable = {
  'io.k8s.api.storage.v1.StorageClass': { apply: storageClass },
  'io.k8s.api.storage.v1.CSIDriver': { apply: csiDriver },
};
