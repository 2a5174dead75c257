// ObjectMeta rules shared by every kind (apimachinery api/validation/objectmeta.go plus the
// core-group finalizer rule from pkg/apis/core/validation).
import type { FieldError } from '../../apierrors/field-errors.js';
import { field } from '../../apierrors/field-errors.js';
import { child, index } from './field-path.js';
import { byteLength, isQualifiedName } from './formats.js';
import { isSet, list, num, record, recordOrEmpty, str } from './json-value.js';
import { pushLabels } from './labels.js';
import { nameValidators, type NameValidator } from './name-validators.js';

export const FIELD_IMMUTABLE = 'field is immutable';
export const IS_NEGATIVE = 'must be greater than or equal to 0';
const TOTAL_ANNOTATION_SIZE_LIMIT = 256 * 1024;
const FIELD_MANAGER_MAX_LENGTH = 128;
const MAX_SUBRESOURCE_NAME_LENGTH = 256;

/** Finalizers the core group accepts without a domain prefix. */
const STANDARD_FINALIZERS = new Set(['kubernetes', 'orphan', 'foregroundDeletion']);

export function pushNonNegative(errs: FieldError[], value: unknown, path: string): void {
  if (typeof value === 'number' && value < 0) errs.push(field.invalid(path, value, IS_NEGATIVE));
}

export function pushAnnotations(errs: FieldError[], annotations: unknown, path: string): void {
  const r = record(annotations);
  if (!r) return;
  let total = 0;
  for (const k in r) {
    // Annotation keys are qualified names, except that case does not matter.
    for (const msg of isQualifiedName(k.toLowerCase())) errs.push(field.invalid(path, k, msg));
    const v = r[k];
    total += byteLength(k) + (typeof v === 'string' ? byteLength(v) : 0);
  }
  if (total > TOTAL_ANNOTATION_SIZE_LIMIT) errs.push(field.tooLong(path, '', TOTAL_ANNOTATION_SIZE_LIMIT));
}

function parseApiVersion(apiVersion: string): { group: string; version: string } {
  if (apiVersion === '') return { group: '', version: '' };
  const parts = apiVersion.split('/');
  if (parts.length === 1) return { group: '', version: apiVersion };
  if (parts.length === 2) return { group: parts[0], version: parts[1] };
  return { group: '', version: '' };
}

export function pushOwnerReferences(errs: FieldError[], refs: unknown, path: string): void {
  let firstController = '';
  for (const item of list(refs)) {
    const ref = recordOrEmpty(item);
    const apiVersion = str(ref.apiVersion);
    const kind = str(ref.kind);
    const gv = parseApiVersion(apiVersion);
    if (gv.version === '') errs.push(field.invalid(child(path, 'apiVersion'), apiVersion, 'version must not be empty'));
    if (kind === '') errs.push(field.invalid(child(path, 'kind'), kind, 'must not be empty'));
    if (str(ref.name) === '') errs.push(field.invalid(child(path, 'name'), str(ref.name), 'must not be empty'));
    if (str(ref.uid) === '') errs.push(field.invalid(child(path, 'uid'), str(ref.uid), 'must not be empty'));
    if (gv.group === '' && gv.version === 'v1' && kind === 'Event') {
      errs.push(field.invalid(path, ref, '/v1, Kind=Event is disallowed from being an owner'));
    }
    if (ref.controller === true) {
      const name = `${kind}/${str(ref.name)}`;
      if (firstController !== '') {
        errs.push(
          field.invalid(
            path,
            refs,
            `Only one reference can have Controller set to true. Found "true" in references for ${firstController} and ${name}`,
          ),
        );
      } else {
        firstController = name;
      }
    }
  }
}

/** Qualified-name finalizers; errors point at the list, as apimachinery's ValidateFinalizers does. */
export function pushFinalizers(errs: FieldError[], finalizers: unknown, path: string): void {
  let orphan = false;
  let foreground = false;
  for (const f of list(finalizers)) {
    const name = str(f);
    for (const msg of isQualifiedName(name)) errs.push(field.invalid(path, name, msg));
    if (name === 'orphan') orphan = true;
    if (name === 'foregroundDeletion') foreground = true;
  }
  if (orphan && foreground) errs.push(field.invalid(path, finalizers, 'finalizer orphan and foregroundDeletion cannot be both set'));
}

/** The core group's extra rule: a finalizer without a domain prefix must be a standard one. */
export function pushKubeFinalizerName(errs: FieldError[], name: string, path: string): void {
  if (!name.includes('/') && !STANDARD_FINALIZERS.has(name)) {
    errs.push(field.invalid(path, name, 'name is neither a standard finalizer name nor is it fully qualified'));
  }
}

export function pushKubeFinalizerNames(errs: FieldError[], finalizers: unknown, path: string): void {
  const items = list(finalizers);
  for (let i = 0; i < items.length; i++) pushKubeFinalizerName(errs, str(items[i]), index(path, i));
}

function pushManagedFields(errs: FieldError[], entries: unknown, path: string): void {
  const items = list(entries);
  for (let i = 0; i < items.length; i++) {
    const e = recordOrEmpty(items[i]);
    const p = index(path, i);
    const op = str(e.operation);
    if (op !== 'Apply' && op !== 'Update') errs.push(field.invalid(child(p, 'operation'), op, 'must be `Apply` or `Update`'));
    const ft = str(e.fieldsType);
    if (ft !== '' && ft !== 'FieldsV1') errs.push(field.invalid(child(p, 'fieldsType'), ft, 'must be `FieldsV1`'));
    pushFieldManager(errs, str(e.manager), child(p, 'manager'));
    const sub = str(e.subresource);
    if (byteLength(sub) > MAX_SUBRESOURCE_NAME_LENGTH) errs.push(field.tooLong(child(p, 'subresource'), sub, MAX_SUBRESOURCE_NAME_LENGTH));
  }
}

function pushFieldManager(errs: FieldError[], manager: string, path: string): void {
  if (byteLength(manager) > FIELD_MANAGER_MAX_LENGTH) errs.push(field.tooLong(path, manager, FIELD_MANAGER_MAX_LENGTH));
  let bytePos = 0;
  for (const ch of manager) {
    const cp = ch.codePointAt(0) as number;
    if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0)) {
      const hex = cp.toString(16).toUpperCase().padStart(4, '0');
      errs.push(field.invalid(path, manager, `invalid character U+${hex} (at position ${bytePos})`));
    }
    bytePos += byteLength(ch);
  }
}

export interface ObjectMetaOptions {
  namespaced: boolean;
  validateName: NameValidator;
  path?: string;
  /**
   * Also apply the core group's standard-finalizer rule. Off by default because custom resources
   * are held only to apimachinery's rules; built-in kinds get it from their KindValidation.
   */
  kubeFinalizers?: boolean;
}

export function pushObjectMeta(errs: FieldError[], metaValue: unknown, opts: ObjectMetaOptions): void {
  const meta = recordOrEmpty(metaValue);
  const path = opts.path ?? 'metadata';
  const generateName = str(meta.generateName);
  if (generateName !== '') {
    for (const msg of opts.validateName(generateName, true)) errs.push(field.invalid(child(path, 'generateName'), generateName, msg));
  }
  const name = str(meta.name);
  if (name === '') errs.push(field.required(child(path, 'name'), 'name or generateName is required'));
  else for (const msg of opts.validateName(name, false)) errs.push(field.invalid(child(path, 'name'), name, msg));

  const namespace = str(meta.namespace);
  if (opts.namespaced) {
    if (namespace === '') errs.push(field.required(child(path, 'namespace'), ''));
    else for (const msg of nameValidators.dnsLabel(namespace, false)) errs.push(field.invalid(child(path, 'namespace'), namespace, msg));
  } else if (namespace !== '') {
    errs.push(field.forbidden(child(path, 'namespace'), 'not allowed on this type'));
  }
  pushNonNegative(errs, meta.generation, child(path, 'generation'));
  pushLabels(errs, meta.labels, child(path, 'labels'));
  pushAnnotations(errs, meta.annotations, child(path, 'annotations'));
  pushOwnerReferences(errs, meta.ownerReferences, child(path, 'ownerReferences'));
  pushFinalizers(errs, meta.finalizers, child(path, 'finalizers'));
  pushManagedFields(errs, meta.managedFields, child(path, 'managedFields'));
  if (opts.kubeFinalizers === true) pushKubeFinalizerNames(errs, meta.finalizers, child(path, 'finalizers'));
}

/** Metadata checks on create. The name must already be generated from generateName. */
export function validateObjectMeta(meta: unknown, opts: ObjectMetaOptions): FieldError[] {
  const errs: FieldError[] = [];
  pushObjectMeta(errs, meta, opts);
  return errs;
}

export function pushImmutable(errs: FieldError[], newValue: unknown, path: string, equal: boolean): void {
  if (!equal) errs.push(field.invalid(path, newValue === undefined ? null : newValue, FIELD_IMMUTABLE));
}

function sameInstant(a: unknown, b: unknown): boolean {
  if (!isSet(a) || !isSet(b)) return !isSet(a) && !isSet(b);
  if (a === b) return true;
  // metav1.Time compares at second precision, whatever the textual form.
  const ta = Date.parse(str(a));
  const tb = Date.parse(str(b));
  return !Number.isNaN(ta) && Math.floor(ta / 1000) === Math.floor(tb / 1000);
}

export function pushObjectMetaUpdate(errs: FieldError[], newValue: unknown, oldValue: unknown, path = 'metadata', kubeFinalizers = false): void {
  const n = recordOrEmpty(newValue);
  const o = recordOrEmpty(oldValue);
  // kube-apiserver re-runs the generic create-time checks on every update (rest.BeforeUpdate),
  // with the path-segment name rule; these are the ones the update checks below do not cover.
  const generateName = str(n.generateName);
  if (generateName !== '') {
    for (const msg of nameValidators.pathSegmentOrPrefix(generateName, true)) errs.push(field.invalid(child(path, 'generateName'), generateName, msg));
  }
  pushNonNegative(errs, n.generation, child(path, 'generation'));
  pushFinalizers(errs, n.finalizers, child(path, 'finalizers'));
  if (isSet(o.deletionTimestamp)) {
    const old = new Set(list(o.finalizers).map(str));
    const extra = [...new Set(list(n.finalizers).map(str))].filter((f) => !old.has(f)).sort();
    if (extra.length > 0) {
      errs.push(
        field.forbidden(
          child(path, 'finalizers'),
          `no new finalizers can be added if the object is being deleted, found new finalizers []string{${extra.map((f) => JSON.stringify(f)).join(', ')}}`,
        ),
      );
    }
  }
  const rv = str(n.resourceVersion);
  if (rv === '') errs.push(field.invalid(child(path, 'resourceVersion'), rv, 'must be specified for an update'));
  const newGen = num(n.generation) ?? 0;
  if (newGen < (num(o.generation) ?? 0)) errs.push(field.invalid(child(path, 'generation'), newGen, 'must not be decremented'));

  for (const k of ['name', 'namespace', 'uid'] as const) {
    pushImmutable(errs, str(n[k]), child(path, k), str(n[k]) === str(o[k]));
  }
  pushImmutable(errs, n.creationTimestamp ?? null, child(path, 'creationTimestamp'), sameInstant(n.creationTimestamp, o.creationTimestamp));
  pushImmutable(errs, n.deletionTimestamp ?? null, child(path, 'deletionTimestamp'), sameInstant(n.deletionTimestamp, o.deletionTimestamp));
  pushImmutable(
    errs,
    n.deletionGracePeriodSeconds ?? null,
    child(path, 'deletionGracePeriodSeconds'),
    (n.deletionGracePeriodSeconds ?? null) === (o.deletionGracePeriodSeconds ?? null),
  );
  pushLabels(errs, n.labels, child(path, 'labels'));
  pushAnnotations(errs, n.annotations, child(path, 'annotations'));
  pushOwnerReferences(errs, n.ownerReferences, child(path, 'ownerReferences'));
  pushManagedFields(errs, n.managedFields, child(path, 'managedFields'));
  if (kubeFinalizers) pushKubeFinalizerNames(errs, n.finalizers, child(path, 'finalizers'));
}

/**
 * Metadata checks on update: immutable identity fields, resourceVersion present, valid labels…
 * (apimachinery's rules; see ObjectMetaOptions.kubeFinalizers for the core-group extra).
 */
export function validateObjectMetaUpdate(newMeta: unknown, oldMeta: unknown, path = 'metadata'): FieldError[] {
  const errs: FieldError[] = [];
  pushObjectMetaUpdate(errs, newMeta, oldMeta, path);
  return errs;
}
