// CustomResourceDefinitions (apiextensions-apiserver's CRD strategy and REST delete): the
// definition is validated as apiextensions' validation.go does (names, group, versions, structural
// schemas); the storage version is recorded in status.storedVersions; deletion holds the CRD with
// the customresourcecleanup finalizer until its custom resources are gone.
import { field, type FieldError } from '../../apierrors/index.js';
import type { KubeObject } from '../../machinery/object.js';
import { storageVersionOf, type CustomResourceDefinition, type CustomResourceVersion, type PrinterColumn } from '../../schema/custom-resources.js';
import { validateCustomResourceSchema } from '../validation/crd-schema.js';
import { isDNS1035Label, isDNS1123Subdomain } from '../validation/formats.js';
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
  // Runs before validation: a definition without a list of versions is validation's to refuse.
  if (!Array.isArray(crd.spec?.versions)) return;
  const storage = storageVersionOf(crd);
  if (!storage) return;
  const status = (crd.status ??= {});
  const stored = status.storedVersions ?? [];
  if (!stored.includes(storage)) status.storedVersions = [...stored, storage];
}

type Names = Partial<CustomResourceDefinition['spec']['names']>;

function validateNames(names: Names, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const label = (value: string | undefined, at: string, prefix = '', lower = false) => {
    if (!value) return;
    const problems = isDNS1035Label(lower ? value.toLowerCase() : value);
    if (problems.length) errs.push(field.invalid(at, value, prefix + problems.join(',')));
  };
  label(names.plural, `${path}.plural`);
  label(names.singular, `${path}.singular`);
  label(names.kind, `${path}.kind`, 'may have mixed case, but should otherwise match: ', true);
  label(names.listKind, `${path}.listKind`, 'may have mixed case, but should otherwise match: ', true);
  (names.shortNames ?? []).forEach((n, i) => label(n, `${path}.shortNames[${i}]`));
  if (names.kind && names.kind === names.listKind) errs.push(field.invalid(`${path}.listKind`, names.listKind, 'kind and listKind may not be the same'));
  (names.categories ?? []).forEach((n, i) => label(n, `${path}.categories[${i}]`));
  return errs;
}

const sameJson = (values: unknown[]) => values.every((v) => JSON.stringify(v) === JSON.stringify(values[0]));

/**
 * Which per-version fields the real server moves to the top level of its internal form (the v1
 * conversion hoists a schema, subresources or columns that all versions share), and so where
 * their problems are named: spec.validation, spec.subresources, spec.additionalPrinterColumns.
 */
function hoisted(versions: CustomResourceVersion[]) {
  const all = versions.length > 0;
  return {
    schema: all && versions.every((v) => v.schema) && sameJson(versions.map((v) => v.schema)),
    subresources: all && versions.every((v) => v.subresources) && sameJson(versions.map((v) => v.subresources)),
    columns: all && versions.every((v) => v.additionalPrinterColumns?.length) && sameJson(versions.map((v) => v.additionalPrinterColumns)),
  };
}

/** validateSimpleJSONPath: a dot path such as .spec.replicas. */
function simpleJsonPath(value: string, path: string): FieldError[] {
  if (value.length === 0) return [field.invalid(path, value, 'must not be empty')];
  if (!value.startsWith('.')) return [field.invalid(path, value, 'must be a simple json path starting with .')];
  return [];
}

function validateSubresources(sub: CustomResourceVersion['subresources'], path: string): FieldError[] {
  const scale = sub?.scale;
  if (!scale) return [];
  const errs: FieldError[] = [];
  const under = (value: string | undefined, name: string, prefixes: string[], detail: string, required: boolean) => {
    const at = `${path}.scale.${name}`;
    if (!value) {
      if (required) errs.push(field.required(at, ''));
      return;
    }
    const bad = simpleJsonPath(value, at);
    if (bad.length) errs.push(...bad);
    else if (!prefixes.some((p) => value.startsWith(p))) errs.push(field.invalid(at, value, detail));
  };
  under(scale.specReplicasPath, 'specReplicasPath', ['.spec.'], 'should be a json path under .spec', true);
  under(scale.statusReplicasPath, 'statusReplicasPath', ['.status.'], 'should be a json path under .status', true);
  under(scale.labelSelectorPath, 'labelSelectorPath', ['.spec.', '.status.'], 'should be a json path under either .spec or .status', false);
  return errs;
}

const columnTypes = ['boolean', 'date', 'integer', 'number', 'string'];
const columnFormats = ['byte', 'date', 'date-time', 'double', 'float', 'int32', 'int64', 'password'];

function validateColumn(col: PrinterColumn, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (!col.name) errs.push(field.required(`${path}.name`, ''));
  if (!col.type) errs.push(field.required(`${path}.type`, `must be one of ${columnTypes.join(',')}`));
  else if (!columnTypes.includes(col.type)) errs.push(field.invalid(`${path}.type`, col.type, `must be one of ${columnTypes.join(',')}`));
  if (col.format && !columnFormats.includes(col.format)) errs.push(field.invalid(`${path}.format`, col.format, `must be one of ${columnFormats.join(',')}`));
  if (!col.jsonPath) errs.push(field.required(`${path}.JSONPath`, ''));
  else errs.push(...simpleJsonPath(col.jsonPath, `${path}.JSONPath`));
  return errs;
}

function validateDeprecationWarning(v: CustomResourceVersion, path: string): FieldError[] {
  if (v.deprecationWarning === undefined || v.deprecationWarning === null) return [];
  const at = `${path}.deprecationWarning`;
  if (!v.deprecated) return [field.invalid(at, v.deprecationWarning, 'can only be set for deprecated versions')];
  const errs: FieldError[] = [];
  if (Buffer.byteLength(v.deprecationWarning) > 256) errs.push(field.invalid(at, v.deprecationWarning, 'must be <= 256 characters long'));
  if (v.deprecationWarning.length === 0) errs.push(field.invalid(at, v.deprecationWarning, 'must not be an empty string'));
  return errs;
}

const approvalAnnotation = 'api-approved.kubernetes.io';
type Annotated = { metadata?: { annotations?: Record<string, string> } };

function approvalState(crd: Annotated | undefined): 'missing' | 'bypassed' | 'approved' | 'invalid' {
  const value = crd?.metadata?.annotations?.[approvalAnnotation] ?? '';
  if (!value) return 'missing';
  if (value.startsWith('unapproved')) return 'bypassed';
  try {
    const url = new URL(value);
    if (url.host && url.protocol) return 'approved';
  } catch {
    // not a URL
  }
  return 'invalid';
}

/** validateAPIApproval: groups under k8s.io and kubernetes.io belong to the community and need an approval link. */
function validateApiApproval(crd: CustomResourceDefinition, old: CustomResourceDefinition | undefined): FieldError[] {
  const group = crd.spec?.group ?? '';
  const isProtected = group === 'k8s.io' || group.endsWith('.k8s.io') || group === 'kubernetes.io' || group.endsWith('.kubernetes.io');
  if (!isProtected) return [];
  const now = approvalState(crd as Annotated);
  // An unchanged approval state never fails: a controller updating the spec is not refused.
  if (old && approvalState(old as Annotated) === now) return [];
  const at = `metadata.annotations[${approvalAnnotation}]`;
  if (now === 'missing') return [field.required(at, `protected groups must have approval annotation "${approvalAnnotation}", see https://github.com/kubernetes/enhancements/pull/1111`)];
  if (now === 'invalid') {
    const value = (crd as Annotated).metadata?.annotations?.[approvalAnnotation];
    return [field.invalid(at, value, `protected groups must have approval annotation "${approvalAnnotation}" with either a URL or a reason starting with "unapproved", see https://github.com/kubernetes/enhancements/pull/1111`)];
  }
  return [];
}

/** ValidateCustomResourceDefinitionStoredVersions. */
function validateStoredVersions(crd: CustomResourceDefinition): FieldError[] {
  const stored = crd.status?.storedVersions ?? [];
  const versions = crd.spec?.versions ?? [];
  if (stored.length === 0) return [field.invalid('status.storedVersions', stored, 'must have at least one stored version')];
  const errs: FieldError[] = [];
  for (const v of versions) {
    if (v.storage && !stored.includes(v.name)) errs.push(field.invalid('status.storedVersions', stored, `must have the storage version ${v.name}`));
  }
  stored.forEach((v, i) => {
    if (!versions.some((version) => version.name === v)) {
      errs.push(
        field.invalid(
          `status.storedVersions[${i}]`,
          v,
          `missing from spec.versions; ${v} was previously a storage version, and must remain in spec.versions until a storage migration ensures no data remains persisted in ${v} and removes ${v} from status.storedVersions`,
        ),
      );
    }
  });
  return errs;
}

/** apiextensions' ValidateCustomResourceDefinition (v1), in its order. */
function validateDefinition(obj: KubeObject, old?: KubeObject): FieldError[] {
  const crd = obj as unknown as CustomResourceDefinition;
  const before = old as unknown as CustomResourceDefinition | undefined;
  const errs: FieldError[] = [];
  const spec = crd.spec ?? ({} as CustomResourceDefinition['spec']);
  const names: Names = spec.names ?? {};
  const group = spec.group ?? '';
  const name = crd.metadata?.name ?? '';
  // The name rule is ValidateObjectMeta's name function: on create only (an update cannot rename).
  if (!old && name && name !== `${names.plural ?? ''}.${group}`) errs.push(field.invalid('metadata.name', name, 'must be spec.names.plural+"."+spec.group'));

  if (!group) errs.push(field.required('spec.group', ''));
  else {
    const problems = isDNS1123Subdomain(group);
    if (problems.length) errs.push(field.invalid('spec.group', group, problems.join(',')));
    else if (group.split('.').length < 2) errs.push(field.invalid('spec.group', group, 'should be a domain with at least one dot'));
  }

  if (!spec.scope) errs.push(field.required('spec.scope', ''));
  else if (spec.scope !== 'Namespaced' && spec.scope !== 'Cluster') errs.push(field.notSupported('spec.scope', spec.scope, ['Cluster', 'Namespaced']));

  const versions = spec.versions ?? [];
  versions.forEach((v, i) => {
    if (!v.schema?.openAPIV3Schema) errs.push(field.required(`spec.versions[${i}].schema.openAPIV3Schema`, 'schemas are required'));
  });
  const top = hoisted(versions);
  const seen = new Set<string>();
  let unique = true;
  versions.forEach((v, i) => {
    const at = `spec.versions[${i}]`;
    if (seen.has(v.name)) unique = false;
    seen.add(v.name);
    const problems = isDNS1035Label(v.name ?? '');
    if (problems.length) errs.push(field.invalid(`${at}.name`, v.name ?? '', problems.join(',')));
    errs.push(...validateDeprecationWarning(v, at));
    if (!top.schema && v.schema?.openAPIV3Schema) {
      const status = top.subresources ? !!versions[0]!.subresources?.status : !!v.subresources?.status;
      errs.push(...validateCustomResourceSchema(v.schema.openAPIV3Schema, `${at}.schema.openAPIV3Schema`, status));
    }
    if (!top.subresources) errs.push(...validateSubresources(v.subresources, `${at}.subresources`));
    if (!top.columns) (v.additionalPrinterColumns ?? []).forEach((c, j) => errs.push(...validateColumn(c, `${at}.additionalPrinterColumns[${j}]`)));
  });
  if (!unique) errs.push(field.invalid('spec.versions', versions, 'must contain unique version names'));
  if (versions.filter((v) => v.storage).length !== 1) errs.push(field.invalid('spec.versions', versions, 'must have exactly one version marked as storage version'));

  if (!names.plural) errs.push(field.required('spec.names.plural', ''));
  if (!names.singular) errs.push(field.required('spec.names.singular', ''));
  if (!names.kind) errs.push(field.required('spec.names.kind', ''));
  if (!names.listKind) errs.push(field.required('spec.names.listKind', ''));
  errs.push(...validateNames(names, 'spec.names'));

  if (top.schema) {
    const anyStatus = versions.some((v) => v.subresources?.status);
    errs.push(...validateCustomResourceSchema(versions[0]!.schema!.openAPIV3Schema!, 'spec.validation.openAPIV3Schema', anyStatus));
  }
  if (top.subresources) errs.push(...validateSubresources(versions[0]!.subresources, 'spec.subresources'));
  if (top.columns) (versions[0]!.additionalPrinterColumns ?? []).forEach((c, j) => errs.push(...validateColumn(c, `spec.additionalPrinterColumns[${j}]`)));

  errs.push(...validateConversion(spec.conversion));

  if (crd.status?.acceptedNames) errs.push(...validateNames(crd.status.acceptedNames, 'status.acceptedNames'));
  errs.push(...validateStoredVersions(crd));
  errs.push(...validateApiApproval(crd, before));
  if (spec.preserveUnknownFields === true && before?.spec?.preserveUnknownFields !== true) {
    errs.push(field.invalid('spec.preserveUnknownFields', true, 'cannot set to true, set x-kubernetes-preserve-unknown-fields to true in spec.versions[*].schema instead'));
  }
  return errs;
}

/** ValidateCustomResourceDefinitionUpdate: the group and plural make the name and cannot change; scope and kind neither once served. */
function validateDefinitionUpdate(obj: KubeObject, old: KubeObject): FieldError[] {
  const crd = obj as unknown as CustomResourceDefinition;
  const before = old as unknown as CustomResourceDefinition;
  const errs = validateDefinition(obj, old);
  const immutable = (path: string, next: unknown, prev: unknown) => {
    if (next !== prev) errs.push(field.invalid(path, next ?? '', 'field is immutable'));
  };
  const established = before.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True') ?? false;
  if (established) {
    immutable('spec.scope', crd.spec?.scope, before.spec?.scope);
    immutable('spec.names.kind', crd.spec?.names?.kind, before.spec?.names?.kind);
  }
  immutable('spec.group', crd.spec?.group, before.spec?.group);
  immutable('spec.names.plural', crd.spec?.names?.plural, before.spec?.names?.plural);
  return errs;
}

/** True when any schema node carries CEL rules (x-kubernetes-validations). */
function usesCelRules(schema: unknown): boolean {
  if (Array.isArray(schema)) return schema.some(usesCelRules);
  if (typeof schema !== 'object' || schema === null) return false;
  const node = schema as Record<string, unknown>;
  if (Array.isArray(node['x-kubernetes-validations']) && node['x-kubernetes-validations'].length > 0) return true;
  return Object.entries(node).some(([k, v]) => k !== 'default' && k !== 'example' && k !== 'enum' && usesCelRules(v));
}

/** kubemu does not evaluate CEL: a CRD that relies on it is told so rather than silently unguarded. */
function celWarnings(obj: KubeObject): string[] {
  const crd = obj as unknown as CustomResourceDefinition;
  return (crd.spec?.versions ?? [])
    .filter((v) => usesCelRules(v.schema?.openAPIV3Schema))
    .map((v) => `spec.versions[${crd.spec.versions.indexOf(v)}].schema.openAPIV3Schema: x-kubernetes-validations rules are not enforced by kubemu; custom resources of version ${v.name} are not checked against them`);
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
  validate: (obj) => validateDefinition(obj),
  validateUpdate: validateDefinitionUpdate,
  warningsOnCreate: celWarnings,
  warningsOnUpdate: celWarnings,
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
