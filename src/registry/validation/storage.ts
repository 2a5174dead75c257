// PersistentVolumeClaims, PersistentVolumes (core) and StorageClasses (storage.k8s.io).
import type { FieldError } from '../../apierrors/field-errors.js';
import { field } from '../../apierrors/field-errors.js';
import { pushAccessModes, pushClaimSpec, supportedVolumeModes } from './claim-spec.js';
import { child, index, key } from './field-path.js';
import { isDNS1123Label, isDNS1123Subdomain, isQualifiedName } from './formats.js';
import { isSet, list, mapSize, optStr, record, recordOrEmpty, str, type JsonRecord } from './json-value.js';
import { pushLabelName } from './labels.js';
import { nameValidators } from './name-validators.js';
import { FIELD_IMMUTABLE } from './object-meta.js';
import { pushNoBacksteps } from './paths-on-disk.js';
import { pushNodeSelector } from './pod-spec.js';
import { compareQuantities, quantityMilli, quantityText } from './quantities.js';
import { semanticEqual } from './semantic-equal.js';
import { pushCSIDriverName, sourceChecks, type SourceCheck } from './volumes.js';

const BETA_STORAGE_CLASS_ANNOTATION = 'volume.beta.kubernetes.io/storage-class';

function specDiff(oldSpec: unknown, newSpec: unknown, typeName: string): string {
  const o = recordOrEmpty(oldSpec);
  const n = recordOrEmpty(newSpec);
  const lines = [`  ${typeName}{`];
  for (const k of [...new Set([...Object.keys(o), ...Object.keys(n)])].sort()) {
    if (semanticEqual(o[k], n[k])) continue;
    if (o[k] !== undefined) lines.push(`- \t${k}: ${JSON.stringify(o[k])},`);
    if (n[k] !== undefined) lines.push(`+ \t${k}: ${JSON.stringify(n[k])},`);
  }
  lines.push('  }');
  return lines.join('\n');
}

export function validatePersistentVolumeClaim(obj: unknown): FieldError[] {
  const errs: FieldError[] = [];
  pushClaimSpec(errs, recordOrEmpty(obj).spec, 'spec');
  return errs;
}

export function validatePersistentVolumeClaimUpdate(obj: unknown, oldObj: unknown): FieldError[] {
  const pvc = recordOrEmpty(obj);
  const old = recordOrEmpty(oldObj);
  const errs: FieldError[] = [];
  errs.push(...validatePersistentVolumeClaim(obj));
  const spec = recordOrEmpty(pvc.spec);
  const oldSpec = recordOrEmpty(old.spec);
  const newClone: JsonRecord = structuredClone(spec);
  const oldClone: JsonRecord = structuredClone(oldSpec);
  // The PV controller binds a claim by setting volumeName once.
  if (str(oldSpec.volumeName) === '') oldClone.volumeName = newClone.volumeName;
  const oldAnn = recordOrEmpty(recordOrEmpty(old.metadata).annotations);
  const newAnn = recordOrEmpty(recordOrEmpty(pvc.metadata).annotations);
  const oldClass = optStr(oldSpec.storageClassName);
  const newClass = optStr(spec.storageClassName);
  const hasOldAnn = Object.prototype.hasOwnProperty.call(oldAnn, BETA_STORAGE_CLASS_ANNOTATION);
  const upgradeFromAnnotation =
    hasOldAnn &&
    oldClass === undefined &&
    newClass === oldAnn[BETA_STORAGE_CLASS_ANNOTATION] &&
    (!Object.prototype.hasOwnProperty.call(newAnn, BETA_STORAGE_CLASS_ANNOTATION) || newAnn[BETA_STORAGE_CLASS_ANNOTATION] === oldAnn[BETA_STORAGE_CLASS_ANNOTATION]);
  if (upgradeFromAnnotation) {
    delete newClone.storageClassName;
  } else {
    if (str(newAnn[BETA_STORAGE_CLASS_ANNOTATION]) !== str(oldAnn[BETA_STORAGE_CLASS_ANNOTATION])) {
      errs.push(field.invalid(`metadata.annotations.${BETA_STORAGE_CLASS_ANNOTATION}`, str(newAnn[BETA_STORAGE_CLASS_ANNOTATION]), FIELD_IMMUTABLE));
    }
    // A claim without a class may get one, if it agrees with the beta annotation.
    if (newClass !== undefined && oldClass === undefined && (!hasOldAnn || newClass === oldAnn[BETA_STORAGE_CLASS_ANNOTATION])) {
      newClone.storageClassName = oldClone.storageClassName;
    }
  }
  const bound = str(recordOrEmpty(pvc.status).phase) === 'Bound';
  if (bound) {
    const requests = record(recordOrEmpty(newClone.resources).requests);
    if (requests) requests.storage = recordOrEmpty(recordOrEmpty(oldSpec.resources).requests).storage;
    if (isSet(newClone.volumeAttributesClassName)) newClone.volumeAttributesClassName = oldClone.volumeAttributesClassName;
  }
  if (!semanticEqual(newClone, oldClone)) {
    errs.push(
      field.forbidden(
        'spec',
        `spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims\n${specDiff(oldClone, newClone, 'core.PersistentVolumeClaimSpec')}`,
      ),
    );
  }
  const newSize = recordOrEmpty(recordOrEmpty(spec.resources).requests).storage;
  const oldSize = recordOrEmpty(recordOrEmpty(oldSpec.resources).requests).storage;
  const cmp = compareQuantities(newSize ?? '0', oldSize ?? '0');
  if (cmp !== undefined && cmp < 0) {
    // RecoverVolumeExpansionFailure: shrinking is allowed down to just above the actual capacity.
    const statusSize = recordOrEmpty(recordOrEmpty(old.status).capacity).storage ?? '0';
    const vsStatus = compareQuantities(newSize ?? '0', statusSize);
    if (vsStatus !== undefined && vsStatus <= 0) {
      errs.push(field.forbidden('spec.resources.requests.storage', 'field can not be less than status.capacity'));
    }
  }
  if (!semanticEqual(spec.volumeMode, oldSpec.volumeMode)) errs.push(field.invalid('volumeMode', spec.volumeMode ?? null, FIELD_IMMUTABLE));
  const oldVAC = optStr(oldSpec.volumeAttributesClassName);
  const newVAC = optStr(spec.volumeAttributesClassName);
  if (oldVAC !== undefined && oldVAC !== newVAC) {
    if (newVAC === undefined) errs.push(field.forbidden('spec.volumeAttributesClassName', 'update from non-nil value to nil is forbidden'));
    else if (newVAC === '') errs.push(field.forbidden('spec.volumeAttributesClassName', 'update from non-nil value to an empty string is forbidden'));
  }
  return errs;
}

export function validatePersistentVolumeClaimStatusUpdate(obj: unknown): FieldError[] {
  const pvc = recordOrEmpty(obj);
  const errs: FieldError[] = [];
  if (list(recordOrEmpty(pvc.spec).accessModes).length === 0) errs.push(field.required('Spec.accessModes', ''));
  const capacity = recordOrEmpty(recordOrEmpty(pvc.status).capacity);
  for (const name in capacity) {
    const milli = quantityMilli(capacity[name]);
    if (milli !== undefined && milli < 0n) errs.push(field.invalid(key('status.capacity', name), Number(milli / 1000n), 'must be a valid resource quantity'));
  }
  return errs;
}

const pvChecks: Readonly<Record<string, SourceCheck>> = {
  ...sourceChecks,
  glusterfs(errs, src, path) {
    sourceChecks.glusterfs(errs, src, path, { volumeName: '', podName: undefined, resourceIsPod: false });
    const ns = optStr(src.endpointsNamespace);
    if (ns !== undefined) {
      if (ns === '') errs.push(field.invalid(child(path, 'endpointsNamespace'), ns, 'if the endpointnamespace is set, it must be a valid namespace name'));
      else for (const msg of isDNS1123Label(ns)) errs.push(field.invalid(child(path, 'endpointsNamespace'), ns, msg));
    }
  },
  local(errs, src, path) {
    const p = str(src.path);
    if (p === '') errs.push(field.required(child(path, 'path'), ''));
    else pushNoBacksteps(errs, p, child(path, 'path'));
  },
  csi(errs, src, path) {
    pushCSIDriverName(errs, str(src.driver), child(path, 'driver'));
    if (str(src.volumeHandle) === '') errs.push(field.required(child(path, 'volumeHandle'), ''));
    for (const ref of ['controllerPublishSecretRef', 'controllerExpandSecretRef', 'nodePublishSecretRef', 'nodeExpandSecretRef']) {
      const r = record(src[ref]);
      if (!r) continue;
      const rp = child(path, ref);
      const name = str(r.name);
      if (name === '') errs.push(field.required(child(rp, 'name'), ''));
      else for (const msg of isDNS1123Subdomain(name)) errs.push(field.invalid(child(rp, 'name'), name, msg));
      const ns = str(r.namespace);
      if (ns === '') errs.push(field.required(child(rp, 'namespace'), ''));
      else for (const msg of isDNS1123Label(ns)) errs.push(field.invalid(child(rp, 'namespace'), ns, msg));
    }
  },
};

const pvSources: readonly (readonly [string, string])[] = [
  ['hostPath', 'hostPath'],
  ['gcePersistentDisk', 'gcePersistentDisk'],
  ['awsElasticBlockStore', 'awsElasticBlockStore'],
  ['glusterfs', 'glusterfs'],
  ['flocker', 'flocker'],
  ['nfs', 'nfs'],
  ['rbd', 'rbd'],
  ['quobyte', 'quobyte'],
  ['cephfs', 'cephFS'],
  ['iscsi', 'iscsi'],
  ['cinder', 'cinder'],
  ['fc', 'fc'],
  ['flexVolume', 'flexVolume'],
  ['azureFile', 'azureFile'],
  ['vsphereVolume', 'vsphereVolume'],
  ['photonPersistentDisk', 'photonPersistentDisk'],
  ['portworxVolume', 'portworxVolume'],
  ['azureDisk', 'azureDisk'],
  ['scaleIO', 'scaleIO'],
  ['local', 'local'],
  ['storageos', 'storageos'],
  ['csi', 'csi'],
];

const reclaimPolicies = ['Delete', 'Recycle', 'Retain'];

export function validatePersistentVolume(obj: unknown): FieldError[] {
  const spec = recordOrEmpty(recordOrEmpty(obj).spec);
  const errs: FieldError[] = [];
  const modes = list(spec.accessModes);
  if (modes.length === 0) errs.push(field.required('spec.accessModes', ''));
  pushAccessModes(errs, modes, 'spec.accessModes');
  const capacity = recordOrEmpty(spec.capacity);
  const size = mapSize(spec.capacity);
  if (size === 0) errs.push(field.required('spec.capacity', ''));
  if (!Object.prototype.hasOwnProperty.call(capacity, 'storage') || size > 1) errs.push(field.notSupported('spec.capacity', capacity, ['storage']));
  for (const name in capacity) {
    const p = key('spec.capacity', name);
    const milli = quantityMilli(capacity[name]);
    if (milli === undefined) continue;
    if (milli < 0n) errs.push(field.invalid(p, Number(milli / 1000n), 'must be a valid resource quantity'));
    if (milli <= 0n) errs.push(field.invalid(p, quantityText(capacity[name]), 'must be greater than zero'));
  }
  const reclaim = str(spec.persistentVolumeReclaimPolicy);
  if (reclaim !== '' && !reclaimPolicies.includes(reclaim)) errs.push(field.notSupported('spec.persistentVolumeReclaimPolicy', reclaim, reclaimPolicies));
  let nodeAffinitySet = false;
  const nodeAffinity = record(spec.nodeAffinity);
  if (nodeAffinity) {
    nodeAffinitySet = true;
    if (isSet(nodeAffinity.required)) pushNodeSelector(errs, nodeAffinity.required, false, 'spec.nodeAffinity.required');
    else errs.push(field.required('spec.nodeAffinity.required', 'must specify required node constraints'));
  }
  let count = 0;
  for (const [jsonKey, pathName] of pvSources) {
    const src = spec[jsonKey];
    if (src === undefined || src === null) continue;
    // flexVolume is counted but never reported as "more than 1", as in Go.
    if (count > 0 && jsonKey !== 'flexVolume') {
      errs.push(field.forbidden(`spec.${pathName}`, 'may not specify more than 1 volume type'));
      continue;
    }
    count++;
    pvChecks[jsonKey](errs, recordOrEmpty(src), `spec.${jsonKey}`, { volumeName: '', podName: undefined, resourceIsPod: false });
    if (jsonKey === 'local' && !nodeAffinitySet) errs.push(field.required('spec.nodeAffinity', 'Local volume requires node affinity'));
  }
  if (count === 0) errs.push(field.required('spec', 'must specify a volume type'));
  const hostPath = record(spec.hostPath);
  if (hostPath && str(hostPath.path).replace(/\/+$/, '') === '' && str(hostPath.path) !== '' && reclaim === 'Recycle') {
    errs.push(field.forbidden('spec.persistentVolumeReclaimPolicy', "may not be 'recycle' for a hostPath mount of '/'"));
  }
  const className = str(spec.storageClassName);
  if (className !== '') for (const msg of nameValidators.dnsSubdomain(className, false)) errs.push(field.invalid('spec.storageClassName', className, msg));
  const volumeMode = optStr(spec.volumeMode);
  if (volumeMode !== undefined && !supportedVolumeModes.includes(volumeMode)) errs.push(field.notSupported('spec.volumeMode', volumeMode, supportedVolumeModes));
  const vac = optStr(spec.volumeAttributesClassName);
  if (vac !== undefined) {
    if (vac === '') errs.push(field.required('spec.volumeAttributesClassName', 'an empty string is disallowed'));
    else for (const msg of nameValidators.dnsSubdomain(vac, false)) errs.push(field.invalid('spec.volumeAttributesClassName', vac, msg));
    if (!isSet(spec.csi)) errs.push(field.required('spec.csi', 'has to be specified when using volumeAttributesClassName'));
  }
  return errs;
}

/** PersistentVolumeSource: the volume source fields of a PV spec. */
function pvSource(spec: JsonRecord): JsonRecord {
  const out: JsonRecord = {};
  for (const [k] of pvSources) if (isSet(spec[k])) out[k] = spec[k];
  return out;
}

export function validatePersistentVolumeUpdate(obj: unknown, oldObj: unknown): FieldError[] {
  const pv = recordOrEmpty(obj);
  const errs: FieldError[] = [];
  errs.push(...validatePersistentVolume(obj));
  const spec = recordOrEmpty(pv.spec);
  const oldSpec = recordOrEmpty(recordOrEmpty(oldObj).spec);
  const source = pvSource(spec);
  const oldSource = pvSource(oldSpec);
  // A CSI volume may gain a controllerExpandSecretRef.
  const oldCSI = record(oldSource.csi);
  const newCSI = record(source.csi);
  if (oldCSI && newCSI && !isSet(oldCSI.controllerExpandSecretRef) && isSet(newCSI.controllerExpandSecretRef)) {
    source.csi = { ...newCSI, controllerExpandSecretRef: undefined };
  }
  if (!semanticEqual(source, oldSource)) {
    errs.push(
      field.forbidden(
        'spec.persistentvolumesource',
        `spec.persistentvolumesource is immutable after creation\n${specDiff(oldSource, source, 'core.PersistentVolumeSource')}`,
      ),
    );
  }
  if (!semanticEqual(spec.volumeMode, oldSpec.volumeMode)) errs.push(field.invalid('volumeMode', spec.volumeMode ?? null, FIELD_IMMUTABLE));
  if (isSet(oldSpec.nodeAffinity) && !semanticEqual(spec.nodeAffinity, oldSpec.nodeAffinity)) {
    errs.push(field.invalid('nodeAffinity', spec.nodeAffinity ?? null, `${FIELD_IMMUTABLE}, except for updating from beta label to GA`));
  }
  const oldVAC = optStr(oldSpec.volumeAttributesClassName);
  if (oldVAC !== undefined && optStr(spec.volumeAttributesClassName) === undefined) {
    errs.push(field.forbidden('spec.volumeAttributesClassName', 'update from non-nil value to nil is forbidden'));
  }
  return errs;
}

const MAX_PROVISIONER_PARAMETER_SIZE = 256 * 1024;
const MAX_PROVISIONER_PARAMETER_LEN = 512;

export function validateStorageClass(obj: unknown): FieldError[] {
  const sc = recordOrEmpty(obj);
  const errs: FieldError[] = [];
  const provisioner = str(sc.provisioner);
  if (provisioner === '') errs.push(field.required('provisioner', ''));
  else for (const msg of isQualifiedName(provisioner.toLowerCase())) errs.push(field.invalid('provisioner', provisioner.toLowerCase(), msg));
  const params = record(sc.parameters);
  if (params) {
    if (mapSize(params) > MAX_PROVISIONER_PARAMETER_LEN) {
      errs.push(field.tooLong('parameters', '', MAX_PROVISIONER_PARAMETER_LEN));
    } else {
      let total = 0;
      for (const k in params) {
        if (k.length < 1) errs.push(field.invalid('parameters', k, 'field can not be empty.'));
        total += k.length + str(params[k]).length;
      }
      if (total > MAX_PROVISIONER_PARAMETER_SIZE) errs.push(field.tooLong('parameters', '', MAX_PROVISIONER_PARAMETER_SIZE));
    }
  }
  const reclaim = str(sc.reclaimPolicy);
  if (reclaim !== '' && reclaim !== 'Delete' && reclaim !== 'Retain') errs.push(field.notSupported('reclaimPolicy', reclaim, ['Delete', 'Retain']));
  const mode = optStr(sc.volumeBindingMode);
  if (mode === undefined) errs.push(field.required('volumeBindingMode', ''));
  else if (mode !== 'Immediate' && mode !== 'WaitForFirstConsumer') {
    errs.push(field.notSupported('volumeBindingMode', mode, ['Immediate', 'WaitForFirstConsumer']));
  }
  const topologies = list(sc.allowedTopologies);
  for (let i = 0; i < topologies.length; i++) {
    const exprs = list(recordOrEmpty(topologies[i]).matchLabelExpressions);
    const keys = new Set<string>();
    for (let j = 0; j < exprs.length; j++) {
      const e = recordOrEmpty(exprs[j]);
      const p = index(child(index('allowedTopologies', i), 'matchLabelExpressions'), j);
      const values = list(e.values);
      if (values.length === 0) errs.push(field.required(child(p, 'values'), ''));
      const seen = new Set<string>();
      for (let v = 0; v < values.length; v++) {
        if (seen.has(str(values[v]))) errs.push(field.duplicate(index(child(p, 'values'), v), values[v]));
        seen.add(str(values[v]));
      }
      pushLabelName(errs, str(e.key), child(p, 'key'));
      if (keys.has(str(e.key))) errs.push(field.duplicate(child(p, 'key'), str(e.key)));
      keys.add(str(e.key));
    }
  }
  return errs;
}

export function validateStorageClassUpdate(obj: unknown, oldObj: unknown): FieldError[] {
  const sc = recordOrEmpty(obj);
  const old = recordOrEmpty(oldObj);
  const errs: FieldError[] = [];
  if (!semanticEqual(sc.parameters, old.parameters)) errs.push(field.forbidden('parameters', 'updates to parameters are forbidden.'));
  if (str(sc.provisioner) !== str(old.provisioner)) errs.push(field.forbidden('provisioner', 'updates to provisioner are forbidden.'));
  if (str(sc.reclaimPolicy) !== str(old.reclaimPolicy)) errs.push(field.forbidden('reclaimPolicy', 'updates to reclaimPolicy are forbidden.'));
  if (str(sc.volumeBindingMode) !== str(old.volumeBindingMode)) errs.push(field.invalid('volumeBindingMode', sc.volumeBindingMode ?? null, FIELD_IMMUTABLE));
  return errs;
}
