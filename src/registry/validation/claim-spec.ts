// PersistentVolumeClaimSpec rules, shared by PVCs and by generic ephemeral volumes in pods.
import type { FieldError } from '../../apierrors/field-errors.js';
import { field } from '../../apierrors/field-errors.js';
import { child, key } from './field-path.js';
import { isDNS1123Subdomain } from './formats.js';
import { isSet, list, optStr, record, recordOrEmpty, str } from './json-value.js';
import { pushLabelSelector } from './labels.js';
import { nameValidators } from './name-validators.js';
import { quantityMilli, quantityText } from './quantities.js';
import { pushResourceQuantityValue } from './resources.js';

export const supportedAccessModes = ['ReadOnlyMany', 'ReadWriteMany', 'ReadWriteOnce', 'ReadWriteOncePod'];
export const supportedVolumeModes = ['Block', 'Filesystem'];

export function pushAccessModes(errs: FieldError[], modes: readonly unknown[], path: string): void {
  let rwop = false;
  let other = false;
  for (const m of modes) {
    if (!supportedAccessModes.includes(str(m))) errs.push(field.notSupported(path, m, supportedAccessModes));
    if (m === 'ReadWriteOncePod') rwop = true;
    else if (supportedAccessModes.includes(str(m))) other = true;
  }
  if (rwop && other) errs.push(field.forbidden(path, 'may not use ReadWriteOncePod with other access modes'));
}

function pushDataSource(errs: FieldError[], ref: Record<string, unknown>, path: string, withNamespace: boolean): void {
  const name = str(ref.name);
  const kind = str(ref.kind);
  if (name === '') errs.push(field.required(child(path, 'name'), ''));
  if (kind === '') errs.push(field.required(child(path, 'kind'), ''));
  const group = str(ref.apiGroup);
  if (group === '' && kind !== 'PersistentVolumeClaim') {
    errs.push(field.invalid(path, kind, "must be 'PersistentVolumeClaim' when referencing the default apiGroup"));
  }
  if (group !== '') for (const msg of isDNS1123Subdomain(group)) errs.push(field.invalid(child(path, 'apiGroup'), group, msg));
  const ns = optStr(ref.namespace);
  if (withNamespace && ns) {
    for (const msg of nameValidators.dnsLabel(ns, false)) errs.push(field.invalid(child(path, 'namespace'), ns, msg));
  }
}

export function pushClaimSpec(errs: FieldError[], specValue: unknown, path: string): void {
  const spec = recordOrEmpty(specValue);
  const modes = list(spec.accessModes);
  if (modes.length === 0) errs.push(field.required(child(path, 'accessModes'), 'at least 1 access mode is required'));
  if (isSet(spec.selector)) pushLabelSelector(errs, spec.selector, child(path, 'selector'));
  pushAccessModes(errs, modes, child(path, 'accessModes'));

  const storagePath = key(child(path, 'resources'), 'storage');
  const requests = record(recordOrEmpty(spec.resources).requests);
  if (!requests || !Object.prototype.hasOwnProperty.call(requests, 'storage')) {
    errs.push(field.required(storagePath, ''));
  } else {
    const storage = requests.storage;
    const milli = quantityMilli(storage);
    if (milli !== undefined && milli <= 0n) errs.push(field.invalid(storagePath, quantityText(storage), 'must be greater than zero'));
    else pushResourceQuantityValue(errs, 'storage', storage, storagePath);
  }
  const className = optStr(spec.storageClassName);
  if (className) {
    for (const msg of nameValidators.dnsSubdomain(className, false)) errs.push(field.invalid(child(path, 'storageClassName'), className, msg));
  }
  const volumeMode = optStr(spec.volumeMode);
  if (volumeMode !== undefined && !supportedVolumeModes.includes(volumeMode)) {
    errs.push(field.notSupported(child(path, 'volumeMode'), volumeMode, supportedVolumeModes));
  }
  const dataSource = record(spec.dataSource);
  const dataSourceRef = record(spec.dataSourceRef);
  if (dataSource) pushDataSource(errs, dataSource, child(path, 'dataSource'), false);
  if (dataSourceRef) pushDataSource(errs, dataSourceRef, child(path, 'dataSourceRef'), true);
  if (dataSourceRef && optStr(dataSourceRef.namespace)) {
    if (dataSource) errs.push(field.invalid(path, child(path, 'dataSource'), 'may not be specified when dataSourceRef.namespace is specified'));
  } else if (dataSource && dataSourceRef) {
    const same =
      str(dataSource.apiGroup) === str(dataSourceRef.apiGroup) &&
      isSet(dataSource.apiGroup) === isSet(dataSourceRef.apiGroup) &&
      str(dataSource.kind) === str(dataSourceRef.kind) &&
      str(dataSource.name) === str(dataSourceRef.name);
    if (!same) errs.push(field.invalid(path, child(path, 'dataSource'), 'must match dataSourceRef'));
  }
  const vac = optStr(spec.volumeAttributesClassName);
  if (vac) {
    for (const msg of nameValidators.dnsSubdomain(vac, false)) errs.push(field.invalid(child(path, 'volumeAttributesClassName'), vac, msg));
  }
}
