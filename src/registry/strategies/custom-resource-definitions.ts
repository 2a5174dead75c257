// CustomResourceDefinitions (apiextensions-apiserver's CRD strategy and REST delete): the
// storage version is recorded in status.storedVersions; deletion holds the CRD with the
// customresourcecleanup finalizer until its custom resources are gone.
import type { FieldError } from '../../apierrors/index.js';
import type { KubeObject } from '../../machinery/object.js';
import { storageVersionOf, type CustomResourceDefinition } from '../../schema/custom-resources.js';
import { formatTime } from '../timestamps.js';
import { validateWebhookClientConfig } from '../validation/webhook-client-config.js';
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
  errors.push(...validateConversion(spec.conversion));
  return errors;
}

/** spec.conversion as apiextensions' ValidateCustomResourceConversion checks it. */
function validateConversion(conversion: CustomResourceDefinition['spec']['conversion']): FieldError[] {
  if (!conversion) return [];
  const errors: FieldError[] = [];
  const strategy = conversion.strategy ?? '';
  if (strategy !== 'None' && strategy !== 'Webhook') {
    errors.push({ type: 'FieldValueNotSupported', field: 'spec.conversion.strategy', badValue: strategy, supported: ['None', 'Webhook'] });
    return errors;
  }
  if (strategy === 'None') {
    if (conversion.webhook) errors.push({ type: 'FieldValueForbidden', field: 'spec.conversion.webhook', detail: 'should not be set when strategy is not set to Webhook' });
    return errors;
  }
  const webhook = conversion.webhook;
  if (!webhook) {
    errors.push({ type: 'FieldValueRequired', field: 'spec.conversion.webhook', detail: 'required when strategy is set to Webhook' });
    return errors;
  }
  const versions = webhook.conversionReviewVersions ?? [];
  if (versions.length === 0) {
    errors.push({ type: 'FieldValueRequired', field: 'spec.conversion.webhook.conversionReviewVersions', detail: 'must include at least one of v1, v1beta1' });
  } else if (!versions.some((v) => v === 'v1' || v === 'v1beta1')) {
    errors.push({ type: 'FieldValueInvalid', field: 'spec.conversion.webhook.conversionReviewVersions', badValue: versions, detail: 'must include at least one of v1, v1beta1' });
  }
  if (!webhook.clientConfig) {
    errors.push({ type: 'FieldValueRequired', field: 'spec.conversion.webhook.clientConfig', detail: 'required when strategy is set to Webhook' });
  } else errors.push(...validateWebhookClientConfig('spec.conversion.webhook.clientConfig', webhook.clientConfig));
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
