// CustomResourceDefinitions (apiextensions-apiserver's CRD strategy and REST delete): the
// storage version is recorded in status.storedVersions; deletion holds the CRD with the
// customresourcecleanup finalizer until its custom resources are gone.
import type { FieldError } from '../../apierrors/index.js';
import type { KubeObject } from '../../machinery/object.js';
import { storageVersionOf, type CustomResourceDefinition } from '../../schema/custom-resources.js';
import { formatTime } from '../timestamps.js';
import type { Strategy } from '../strategy.js';

export const customResourceCleanupFinalizer = 'customresourcecleanup.apiextensions.k8s.io';

type Condition = NonNullable<NonNullable<CustomResourceDefinition['status']>['conditions']>[number];

/** Sets a condition, keeping lastTransitionTime when the status does not change. */
export function setCondition(crd: CustomResourceDefinition, condition: Omit<Condition, 'lastTransitionTime'>, now: Date): void {
  const status = (crd.status ??= {});
  const conditions = (status.conditions ??= []);
  const i = conditions.findIndex((c) => c.type === condition.type);
  const old = i >= 0 ? conditions[i] : undefined;
  const next: Condition = {
    type: condition.type,
    status: condition.status,
    lastTransitionTime: old && old.status === condition.status && old.lastTransitionTime ? old.lastTransitionTime : formatTime(now),
    reason: condition.reason,
    message: condition.message,
  };
  if (i >= 0) conditions[i] = next;
  else conditions.push(next);
}

function recordStoredVersion(crd: CustomResourceDefinition): void {
  // Runs before validation: a definition without a list of versions is validation's to refuse.
  if (!Array.isArray(crd.spec?.versions)) return;
  const storage = storageVersionOf(crd);
  if (!storage) return;
  const status = (crd.status ??= {});
  const stored = status.storedVersions ?? [];
  if (!stored.includes(storage)) status.storedVersions = [...stored, storage];
}

function validateDefinition(obj: KubeObject): FieldError[] {
  const crd = obj as unknown as CustomResourceDefinition;
  const errors: FieldError[] = [];
  const spec = crd.spec;
  if (!spec?.names?.plural || !spec.group) return errors; // the schema's required fields report these
  const expected = `${spec.names.plural}.${spec.group}`;
  if (crd.metadata?.name !== expected) {
    errors.push({ type: 'FieldValueInvalid', field: 'metadata.name', badValue: crd.metadata?.name ?? '', detail: 'must be spec.names.plural+"."+spec.group' });
  }
  const versions = spec.versions ?? [];
  if (versions.length === 0) errors.push({ type: 'FieldValueRequired', field: 'spec.versions', detail: 'must have exactly one version marked as storage version' });
  else if (versions.filter((v) => v.storage).length !== 1) {
    errors.push({ type: 'FieldValueInvalid', field: 'spec.versions', badValue: versions, detail: 'must have exactly one version marked as storage version' });
  }
  if (spec.scope !== 'Namespaced' && spec.scope !== 'Cluster') {
    errors.push({ type: 'FieldValueNotSupported', field: 'spec.scope', badValue: spec.scope ?? '', supported: ['Cluster', 'Namespaced'] });
  }
  if (spec.conversion?.strategy === 'Webhook') {
    // Converting through a webhook needs a webhook client kubemu does not have: refused rather than served wrong.
    errors.push({ type: 'FieldValueForbidden', field: 'spec.conversion.strategy', detail: 'Webhook conversion is not supported by kubemu yet; use None' });
  }
  return errors;
}

export const customResourceDefinitionStrategy: Strategy = {
  tracksGeneration: true,
  prepareForCreate(obj) {
    const crd = obj as unknown as CustomResourceDefinition;
    crd.status = { conditions: [], acceptedNames: { plural: '', kind: '' }, storedVersions: [] };
    recordStoredVersion(crd);
  },
  prepareForUpdate(obj) {
    recordStoredVersion(obj as unknown as CustomResourceDefinition);
  },
  validate: validateDefinition,
  validateUpdate: (obj) => validateDefinition(obj),
  // The first delete always holds the CRD: its custom resources are deleted before it goes.
  hasPendingFinalizers(obj) {
    return (obj.metadata?.finalizers?.length ?? 0) > 0 || !obj.metadata?.deletionTimestamp;
  },
  prepareForDeletion(obj) {
    const crd = obj as unknown as CustomResourceDefinition;
    const meta = obj.metadata!;
    if (!meta.finalizers?.includes(customResourceCleanupFinalizer)) meta.finalizers = [...(meta.finalizers ?? []), customResourceCleanupFinalizer];
    setCondition(
      crd,
      { type: 'Terminating', status: 'True', reason: 'InstanceDeletionPending', message: 'CustomResourceDefinition marked for deletion; CustomResource deletion will begin soon' },
      new Date(meta.deletionTimestamp!),
    );
  },
};
