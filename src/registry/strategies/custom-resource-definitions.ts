// CustomResourceDefinitions (apiextensions-apiserver's CRD strategy and REST delete): the
// definition is validated as apiextensions' validation.go does (names, group, versions, structural
// schemas); the storage version is recorded in status.storedVersions; deletion holds the CRD with
// the customresourcecleanup finalizer until its custom resources are gone.
import { field, type FieldError } from '../../apierrors/index.js';
import type { KubeObject } from '../../machinery/object.js';
import { storageVersionOf, type CustomResourceDefinition, type CustomResourceVersion } from '../../schema/custom-resources.js';
import { validateCustomResourceSchema } from '../validation/crd-schema.js';
import { isDNS1035Label, isDNS1123Subdomain } from '../validation/formats.js';
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

/**
 * The schemas of a v1 CRD: every version needs one; when all versions share one schema the real
 * server hoists it to spec.validation (its internal form), so that is where its problems are named.
 */
function validateSchemas(versions: CustomResourceVersion[]): FieldError[] {
  const errs: FieldError[] = [];
  versions.forEach((v, i) => {
    if (!v.schema?.openAPIV3Schema) errs.push(field.required(`spec.versions[${i}].schema.openAPIV3Schema`, 'schemas are required'));
  });
  if (errs.length || versions.length === 0) return errs;
  const texts = versions.map((v) => JSON.stringify(v.schema));
  if (texts.every((t) => t === texts[0])) return validateCustomResourceSchema(versions[0]!.schema!.openAPIV3Schema!, 'spec.validation.openAPIV3Schema');
  return versions.flatMap((v, i) => validateCustomResourceSchema(v.schema!.openAPIV3Schema!, `spec.versions[${i}].schema.openAPIV3Schema`));
}

/** apiextensions' ValidateCustomResourceDefinition (v1), in its order. */
function validateDefinition(obj: KubeObject): FieldError[] {
  const crd = obj as unknown as CustomResourceDefinition;
  const errs: FieldError[] = [];
  const spec = crd.spec ?? ({} as CustomResourceDefinition['spec']);
  const names: Names = spec.names ?? {};
  const group = spec.group ?? '';
  const name = crd.metadata?.name ?? '';
  if (name && name !== `${names.plural ?? ''}.${group}`) errs.push(field.invalid('metadata.name', name, 'must be spec.names.plural+"."+spec.group'));

  if (!group) errs.push(field.required('spec.group', ''));
  else {
    const problems = isDNS1123Subdomain(group);
    if (problems.length) errs.push(field.invalid('spec.group', group, problems.join(',')));
    else if (group.split('.').length < 2) errs.push(field.invalid('spec.group', group, 'should be a domain with at least one dot'));
  }

  if (!spec.scope) errs.push(field.required('spec.scope', ''));
  else if (spec.scope !== 'Namespaced' && spec.scope !== 'Cluster') errs.push(field.notSupported('spec.scope', spec.scope, ['Cluster', 'Namespaced']));

  const versions = spec.versions ?? [];
  const seen = new Set<string>();
  let unique = true;
  versions.forEach((v, i) => {
    if (seen.has(v.name)) unique = false;
    seen.add(v.name);
    const problems = isDNS1035Label(v.name ?? '');
    if (problems.length) errs.push(field.invalid(`spec.versions[${i}].name`, v.name ?? '', problems.join(',')));
  });
  if (!unique) errs.push(field.invalid('spec.versions', versions, 'must contain unique version names'));
  if (versions.filter((v) => v.storage).length !== 1) errs.push(field.invalid('spec.versions', versions, 'must have exactly one version marked as storage version'));

  if (!names.plural) errs.push(field.required('spec.names.plural', ''));
  if (!names.singular) errs.push(field.required('spec.names.singular', ''));
  if (!names.kind) errs.push(field.required('spec.names.kind', ''));
  if (!names.listKind) errs.push(field.required('spec.names.listKind', ''));
  errs.push(...validateNames(names, 'spec.names'));

  if (spec.conversion?.strategy === 'Webhook') {
    // Converting through a webhook needs a webhook client kubemu does not have: refused rather than served wrong.
    errs.push(field.forbidden('spec.conversion.strategy', 'Webhook conversion is not supported by kubemu yet; use None'));
  }
  errs.push(...validateSchemas(versions));
  if (spec.preserveUnknownFields === true) {
    errs.push(field.invalid('spec.preserveUnknownFields', true, 'cannot set to true, set x-kubernetes-preserve-unknown-fields to true in spec.versions[*].schema instead'));
  }
  if (crd.status?.acceptedNames) errs.push(...validateNames(crd.status.acceptedNames, 'status.acceptedNames'));
  return errs;
}

/** ValidateCustomResourceDefinitionUpdate: the group and plural make the name and cannot change; scope and kind neither once served. */
function validateDefinitionUpdate(obj: KubeObject, old: KubeObject): FieldError[] {
  const crd = obj as unknown as CustomResourceDefinition;
  const before = old as unknown as CustomResourceDefinition;
  const errs = validateDefinition(obj);
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
  const stored = crd.status?.storedVersions ?? [];
  stored.forEach((v, i) => {
    if (!(crd.spec?.versions ?? []).some((version) => version.name === v)) errs.push(field.invalid(`status.storedVersions[${i}]`, v, 'must appear in spec.versions'));
  });
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
