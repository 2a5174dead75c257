// Pod volumes (core ValidateVolumes): unique DNS-label names and exactly one volume source,
// with the per-source rules users hit in practice.
import type { FieldError } from '../../apierrors/field-errors.js';
import { field } from '../../apierrors/field-errors.js';
import { pushClaimSpec } from './claim-spec.js';
import { child, index } from './field-path.js';
import { isDNS1123Label, isDNS1123Subdomain } from './formats.js';
import { isSet, list, num, optStr, record, recordOrEmpty, str, type JsonRecord } from './json-value.js';
import { pushLabels } from './labels.js';
import { nameValidators } from './name-validators.js';
import { pushAnnotations } from './object-meta.js';
import { pushLocalDescendingPath, pushLocalNonReservedPath, pushNoBacksteps } from './paths-on-disk.js';
import { quantityMilli } from './quantities.js';
import { pushObjectFieldSelector, pushResourceFieldSelector, volumeFieldPathExpressions } from './downward-api.js';

const FILE_MODE_ERROR = 'must be a number between 0 and 0777 (octal), both inclusive';
const MAX_FILE_MODE = 0o777;

export const supportedPullPolicies = ['Always', 'IfNotPresent', 'Never'];

export function pushPullPolicy(errs: FieldError[], policy: unknown, path: string): void {
  const p = str(policy);
  if (p === 'Always' || p === 'IfNotPresent' || p === 'Never') return;
  if (p === '') errs.push(field.required(path, ''));
  else errs.push(field.notSupported(path, p, supportedPullPolicies));
}

function pushFileMode(errs: FieldError[], mode: unknown, path: string): void {
  const m = num(mode);
  if (m !== undefined && (m > MAX_FILE_MODE || m < 0)) errs.push(field.invalid(path, m, FILE_MODE_ERROR));
}

function pushRequired(errs: FieldError[], src: JsonRecord, fieldName: string, path: string, detail = ''): void {
  const v = src[fieldName];
  if (v === undefined || v === null || v === '' || (Array.isArray(v) && v.length === 0)) errs.push(field.required(child(path, fieldName), detail));
}

function pushKeyToPaths(errs: FieldError[], items: unknown, path: string, paths?: Set<string>, conflictPath?: string, owner?: string): void {
  const list_ = list(items);
  for (let i = 0; i < list_.length; i++) {
    const kp = recordOrEmpty(list_[i]);
    const p = index(path, i);
    if (str(kp.key) === '') errs.push(field.required(child(p, 'key'), ''));
    const target = str(kp.path);
    if (target === '') errs.push(field.required(child(p, 'path'), ''));
    pushLocalNonReservedPath(errs, target, child(p, 'path'));
    pushFileMode(errs, kp.mode, child(p, 'mode'));
    if (paths && target !== '') {
      if (paths.has(target)) errs.push(field.invalid(conflictPath as string, owner ?? '', 'conflicting duplicate paths'));
      else paths.add(target);
    }
  }
}

function pushDownwardAPIFile(errs: FieldError[], fileValue: unknown, path: string): void {
  const file = recordOrEmpty(fileValue);
  const target = str(file.path);
  if (target === '') errs.push(field.required(child(path, 'path'), ''));
  pushLocalNonReservedPath(errs, target, child(path, 'path'));
  if (isSet(file.fieldRef)) {
    pushObjectFieldSelector(errs, file.fieldRef, volumeFieldPathExpressions, child(path, 'fieldRef'));
    if (isSet(file.resourceFieldRef)) {
      errs.push(field.invalid(path, 'resource', 'fieldRef and resourceFieldRef can not be specified simultaneously'));
    }
  } else if (isSet(file.resourceFieldRef)) {
    pushResourceFieldSelector(errs, file.resourceFieldRef, child(path, 'resourceFieldRef'), true);
  } else {
    errs.push(field.required(path, 'one of fieldRef and resourceFieldRef is required'));
  }
  pushFileMode(errs, file.mode, child(path, 'mode'));
}

function pushProjected(errs: FieldError[], projected: JsonRecord, path: string): void {
  pushFileMode(errs, projected.defaultMode, child(path, 'defaultMode'));
  const allPaths = new Set<string>();
  const sources = list(projected.sources);
  for (let i = 0; i < sources.length; i++) {
    const source = recordOrEmpty(sources[i]);
    const srcPath = index(child(path, 'sources'), i);
    let count = 0;
    for (const kind of ['secret', 'configMap'] as const) {
      const s = record(source[kind]);
      if (!s) continue;
      count++;
      const projPath = child(srcPath, kind);
      if (str(s.name) === '') errs.push(field.required(child(projPath, 'name'), ''));
      pushKeyToPaths(errs, s.items, child(projPath, 'items'), allPaths, path, str(s.name));
    }
    const downward = record(source.downwardAPI);
    if (downward) {
      count++;
      const projPath = child(srcPath, 'downwardAPI');
      for (const item of list(downward.items)) {
        pushDownwardAPIFile(errs, item, projPath);
        const target = str(recordOrEmpty(item).path);
        if (target !== '') {
          if (allPaths.has(target)) errs.push(field.invalid(path, target, 'conflicting duplicate paths'));
          else allPaths.add(target);
        }
      }
    }
    const token = record(source.serviceAccountToken);
    if (token) {
      count++;
      const projPath = child(srcPath, 'serviceAccountToken');
      const expiration = num(token.expirationSeconds) ?? 0;
      if (expiration < 600) {
        errs.push(field.invalid(child(projPath, 'expirationSeconds'), expiration, 'may not specify a duration less than 10 minutes'));
      }
      if (expiration > 2 ** 32) {
        errs.push(field.invalid(child(projPath, 'expirationSeconds'), expiration, 'may not specify a duration larger than 2^32 seconds'));
      }
      const target = str(token.path);
      if (target === '') errs.push(field.required(child(path, 'path'), ''));
      else pushLocalNonReservedPath(errs, target, child(path, 'path'));
    }
    if (isSet(source.clusterTrustBundle)) {
      count++;
      const bundle = recordOrEmpty(source.clusterTrustBundle);
      const projPath = child(srcPath, 'clusterTrustBundle');
      const target = str(bundle.path);
      if (target === '') errs.push(field.required(child(projPath, 'path'), ''));
      pushLocalNonReservedPath(errs, target, child(projPath, 'path'));
      if (allPaths.has(target)) errs.push(field.invalid(path, target, 'conflicting duplicate paths'));
      else allPaths.add(target);
    }
    if (count > 1) errs.push(field.forbidden(srcPath, 'may not specify more than 1 volume type per source'));
  }
}

const supportedHostPathTypes = ['', 'BlockDevice', 'CharDevice', 'Directory', 'DirectoryOrCreate', 'File', 'FileOrCreate', 'Socket'];

export function pushCSIDriverName(errs: FieldError[], driver: string, path: string): void {
  if (driver === '') errs.push(field.required(path, ''));
  if (driver.length > 63) errs.push(field.tooLong(path, '', 63));
  for (const msg of isDNS1123Subdomain(driver.toLowerCase())) errs.push(field.invalid(path, driver, msg));
}

export interface VolumeContext {
  volumeName: string;
  podName: string | undefined;
  resourceIsPod: boolean;
}

export type SourceCheck = (errs: FieldError[], src: JsonRecord, path: string, ctx: VolumeContext) => void;

/** Per-source checks, keyed by JSON field name; PersistentVolumes reuse most of them. */
export const sourceChecks: Readonly<Record<string, SourceCheck>> = {
  hostPath(errs, src, path) {
    const p = str(src.path);
    if (p === '') {
      errs.push(field.required(child(path, 'path'), ''));
      return;
    }
    pushNoBacksteps(errs, p, child(path, 'path'));
    const type = optStr(src.type);
    if (type !== undefined && !supportedHostPathTypes.includes(type)) errs.push(field.notSupported(child(path, 'type'), type, supportedHostPathTypes));
  },
  gitRepo(errs, src, path) {
    pushRequired(errs, src, 'repository', path);
    pushLocalDescendingPath(errs, str(src.directory), child(path, 'directory'));
  },
  gcePersistentDisk(errs, src, path) {
    // Go reports these under "persistentDisk", not the JSON name.
    const p = `${path.slice(0, path.lastIndexOf('.'))}.persistentDisk`;
    pushRequired(errs, src, 'pdName', p);
    const partition = num(src.partition) ?? 0;
    if (partition < 0 || partition > 255) errs.push(field.invalid(child(p, 'partition'), partition, 'must be between 1 and 255, inclusive'));
  },
  awsElasticBlockStore(errs, src, path) {
    pushRequired(errs, src, 'volumeID', path);
    const partition = num(src.partition) ?? 0;
    if (partition < 0 || partition > 255) errs.push(field.invalid(child(path, 'partition'), partition, 'must be between 1 and 255, inclusive'));
  },
  secret(errs, src, path) {
    pushRequired(errs, src, 'secretName', path);
    pushFileMode(errs, src.defaultMode, child(path, 'defaultMode'));
    pushKeyToPaths(errs, src.items, child(path, 'items'));
  },
  nfs(errs, src, path) {
    pushRequired(errs, src, 'server', path);
    pushRequired(errs, src, 'path', path);
    if (!str(src.path).startsWith('/')) errs.push(field.invalid(child(path, 'path'), str(src.path), 'must be an absolute path'));
  },
  iscsi(errs, src, path) {
    pushRequired(errs, src, 'targetPortal', path);
    pushRequired(errs, src, 'iqn', path);
    const lun = num(src.lun) ?? 0;
    if (lun < 0 || lun > 255) errs.push(field.invalid(child(path, 'lun'), lun, 'must be between 0 and 255, inclusive'));
    if ((src.discoveryCHAPAuth === true || src.sessionCHAPAuth === true) && !isSet(src.secretRef)) {
      errs.push(field.required(child(path, 'secretRef'), ''));
    }
  },
  glusterfs(errs, src, path) {
    pushRequired(errs, src, 'endpoints', path);
    pushRequired(errs, src, 'path', path);
  },
  flocker(errs, src, path) {
    const name = str(src.datasetName);
    const uuid = str(src.datasetUUID);
    if (name === '' && uuid === '') errs.push(field.required(path, 'one of datasetName and datasetUUID is required'));
    if (name !== '' && uuid !== '') errs.push(field.invalid(path, 'resource', 'datasetName and datasetUUID can not be specified simultaneously'));
    if (name.includes('/')) errs.push(field.invalid(child(path, 'datasetName'), name, "must not contain '/'"));
  },
  persistentVolumeClaim(errs, src, path) {
    pushRequired(errs, src, 'claimName', path);
  },
  rbd(errs, src, path) {
    pushRequired(errs, src, 'monitors', path);
    pushRequired(errs, src, 'image', path);
  },
  cinder(errs, src, path) {
    pushRequired(errs, src, 'volumeID', path);
    const ref = record(src.secretRef);
    if (ref && str(ref.name) === '') errs.push(field.required(child(child(path, 'secretRef'), 'name'), ''));
  },
  cephfs(errs, src, path) {
    pushRequired(errs, src, 'monitors', path);
  },
  quobyte(errs, src, path) {
    if (str(src.registry) === '') {
      errs.push(field.required(child(path, 'registry'), 'must be a host:port pair or multiple pairs separated by commas'));
    }
    pushRequired(errs, src, 'volume', path);
  },
  downwardAPI(errs, src, path) {
    pushFileMode(errs, src.defaultMode, child(path, 'defaultMode'));
    // Go validates every item against the source path itself, without an index.
    for (const item of list(src.items)) pushDownwardAPIFile(errs, item, path);
  },
  fc(errs, src, path) {
    const wwns = list(src.targetWWNs);
    const wwids = list(src.wwids);
    if (wwns.length < 1 && wwids.length < 1) {
      errs.push(field.required(child(path, 'targetWWNs'), 'must specify either targetWWNs or wwids, but not both'));
    }
    if (wwns.length !== 0 && wwids.length !== 0) {
      errs.push(field.invalid(child(path, 'targetWWNs'), src.targetWWNs, 'targetWWNs and wwids can not be specified simultaneously'));
    }
    if (wwns.length !== 0) {
      const lun = num(src.lun);
      if (lun === undefined) errs.push(field.required(child(path, 'lun'), 'lun is required if targetWWNs is specified'));
      else if (lun < 0 || lun > 255) errs.push(field.invalid(child(path, 'lun'), lun, 'must be between 0 and 255, inclusive'));
    }
  },
  flexVolume(errs, src, path) {
    pushRequired(errs, src, 'driver', path);
  },
  configMap(errs, src, path) {
    pushRequired(errs, src, 'name', path);
    pushFileMode(errs, src.defaultMode, child(path, 'defaultMode'));
    pushKeyToPaths(errs, src.items, child(path, 'items'));
  },
  azureFile(errs, src, path) {
    pushRequired(errs, src, 'secretName', path);
    pushRequired(errs, src, 'shareName', path);
  },
  vsphereVolume(errs, src, path) {
    pushRequired(errs, src, 'volumePath', path);
  },
  photonPersistentDisk(errs, src, path) {
    pushRequired(errs, src, 'pdID', path);
  },
  portworxVolume(errs, src, path) {
    pushRequired(errs, src, 'volumeID', path);
  },
  azureDisk(errs, src, path) {
    pushRequired(errs, src, 'diskName', path);
    pushRequired(errs, src, 'diskURI', path);
  },
  storageos(errs, src, path) {
    const name = str(src.volumeName);
    if (name === '') errs.push(field.required(child(path, 'volumeName'), ''));
    else for (const msg of isDNS1123Label(name)) errs.push(field.invalid(child(path, 'volumeName'), name, msg));
  },
  projected(errs, src, path) {
    pushProjected(errs, src, path);
  },
  scaleIO(errs, src, path) {
    pushRequired(errs, src, 'gateway', path);
    pushRequired(errs, src, 'system', path);
    pushRequired(errs, src, 'volumeName', path);
  },
  csi(errs, src, path) {
    pushCSIDriverName(errs, str(src.driver), child(path, 'driver'));
    const ref = record(src.nodePublishSecretRef);
    if (ref) {
      const name = str(ref.name);
      if (name === '') errs.push(field.required(child(child(path, 'nodePublishSecretRef'), 'name'), ''));
      else for (const msg of nameValidators.dnsSubdomain(name, false)) errs.push(field.invalid(child(path, 'name'), name, msg));
    }
  },
  ephemeral(errs, src, path, ctx) {
    const template = record(src.volumeClaimTemplate);
    if (!template) {
      errs.push(field.required(child(path, 'volumeClaimTemplate'), ''));
    } else {
      const tPath = child(path, 'volumeClaimTemplate');
      pushTemplateObjectMeta(errs, template.metadata, child(tPath, 'metadata'));
      pushClaimSpec(errs, template.spec, child(tPath, 'spec'));
    }
    if (ctx.podName && ctx.volumeName) {
      const pvcName = `${ctx.podName}-${ctx.volumeName}`;
      for (const msg of nameValidators.dnsSubdomain(pvcName, false)) {
        errs.push(field.invalid(`${path.slice(0, path.lastIndexOf('.'))}.name`, ctx.volumeName, `PVC name "${pvcName}": ${msg}`));
      }
    }
  },
  image(errs, src, path, ctx) {
    if (ctx.resourceIsPod && str(src.reference) === '') errs.push(field.required(child(path, 'reference'), ''));
    pushPullPolicy(errs, src.pullPolicy, child(path, 'pullPolicy'));
  },
};

/** Volume sources in the order Go checks them, with the path Go names in "more than 1" errors. */
const volumeSources: readonly (readonly [string, string])[] = [
  ['hostPath', 'hostPath'],
  ['gitRepo', 'gitRepo'],
  ['gcePersistentDisk', 'gcePersistentDisk'],
  ['awsElasticBlockStore', 'awsElasticBlockStore'],
  ['secret', 'secret'],
  ['nfs', 'nfs'],
  ['iscsi', 'iscsi'],
  ['glusterfs', 'glusterfs'],
  ['flocker', 'flocker'],
  ['persistentVolumeClaim', 'persistentVolumeClaim'],
  ['rbd', 'rbd'],
  ['cinder', 'cinder'],
  ['cephfs', 'cephFS'],
  ['quobyte', 'quobyte'],
  ['downwardAPI', 'downwarAPI'],
  ['fc', 'fc'],
  ['flexVolume', 'flexVolume'],
  ['configMap', 'configMap'],
  ['azureFile', 'azureFile'],
  ['vsphereVolume', 'vsphereVolume'],
  ['photonPersistentDisk', 'photonPersistentDisk'],
  ['portworxVolume', 'portworxVolume'],
  ['azureDisk', 'azureDisk'],
  ['storageos', 'storageos'],
  ['projected', 'projected'],
  ['scaleIO', 'scaleIO'],
  ['csi', 'csi'],
  ['ephemeral', 'ephemeral'],
  ['image', 'image'],
];

// ObjectMeta fields in Go struct order, with the names Go's reflection-based check reports.
const templateMetaForbiddenFields: readonly (readonly [string, string])[] = [
  ['name', 'name'],
  ['generateName', 'generateName'],
  ['namespace', 'namespace'],
  ['selfLink', 'selfLink'],
  ['uid', 'uID'],
  ['resourceVersion', 'resourceVersion'],
  ['generation', 'generation'],
  ['creationTimestamp', 'creationTimestamp'],
  ['deletionTimestamp', 'deletionTimestamp'],
  ['deletionGracePeriodSeconds', 'deletionGracePeriodSeconds'],
  ['ownerReferences', 'ownerReferences'],
  ['finalizers', 'finalizers'],
  ['managedFields', 'managedFields'],
];

/** Embedded object metadata where only labels and annotations may be set. */
export function pushTemplateObjectMeta(errs: FieldError[], metaValue: unknown, path: string): void {
  const meta = recordOrEmpty(metaValue);
  pushAnnotations(errs, meta.annotations, child(path, 'annotations'));
  pushLabels(errs, meta.labels, child(path, 'labels'));
  for (const [jsonKey, goName] of templateMetaForbiddenFields) {
    const v = meta[jsonKey];
    if (v === undefined || v === null || v === '' || v === 0 || (Array.isArray(v) && v.length === 0)) continue;
    errs.push(field.forbidden(child(path, goName), 'cannot be set'));
  }
}

function pushVolumeSource(errs: FieldError[], volume: JsonRecord, path: string, ctx: VolumeContext): void {
  let count = 0;
  const emptyDir = record(volume.emptyDir);
  if (emptyDir) {
    count++;
    const limit = quantityMilli(emptyDir.sizeLimit);
    if (limit !== undefined && limit < 0n) {
      errs.push(field.forbidden(child(child(path, 'emptyDir'), 'sizeLimit'), 'SizeLimit field must be a valid resource quantity'));
    }
  }
  for (const [jsonKey, pathName] of volumeSources) {
    const src = volume[jsonKey];
    if (src === undefined || src === null) continue;
    if (count > 0) {
      errs.push(field.forbidden(child(path, pathName), 'may not specify more than 1 volume type'));
      continue;
    }
    count++;
    sourceChecks[jsonKey](errs, recordOrEmpty(src), child(path, jsonKey), ctx);
    if (jsonKey === 'iscsi') {
      const src_ = recordOrEmpty(src);
      if (isSet(src_.initiatorName) && `${ctx.volumeName}:${str(src_.targetPortal)}`.length > 64) {
        errs.push(
          field.invalid(
            child(path, 'name'),
            ctx.volumeName,
            'Total length of <volume name>:<iscsi.targetPortal> must be under 64 characters if iscsi.initiatorName is specified.',
          ),
        );
      }
    }
  }
  if (count === 0) errs.push(field.required(path, 'must specify a volume type'));
}

export interface VolumesOptions {
  podName?: string;
  resourceIsPod: boolean;
}

/**
 * Validates spec.volumes and returns the volumes that are valid, by name; mounts may only refer
 * to those (an invalid volume makes its mounts "Not found", as in Go).
 */
export function pushVolumes(errs: FieldError[], volumesValue: unknown, path: string, opts: VolumesOptions): Map<string, JsonRecord> {
  const valid = new Map<string, JsonRecord>();
  const volumes = list(volumesValue);
  const seen = new Set<string>();
  const ephemeralClaims = new Set<string>();
  if (opts.podName) {
    for (const v of volumes) {
      const vol = recordOrEmpty(v);
      if (isSet(vol.ephemeral)) ephemeralClaims.add(`${opts.podName}-${str(vol.name)}`);
    }
  }
  for (let i = 0; i < volumes.length; i++) {
    const vol = recordOrEmpty(volumes[i]);
    const p = index(path, i);
    const namePath = child(p, 'name');
    const name = str(vol.name);
    const el: FieldError[] = [];
    pushVolumeSource(el, vol, p, { volumeName: name, podName: opts.podName, resourceIsPod: opts.resourceIsPod });
    if (name === '') el.push(field.required(namePath, ''));
    else for (const msg of isDNS1123Label(name)) el.push(field.invalid(namePath, name, msg));
    if (seen.has(name)) el.push(field.duplicate(namePath, name));
    if (el.length === 0) {
      seen.add(name);
      valid.set(name, vol);
    } else {
      for (const e of el) errs.push(e);
    }
    const claim = record(vol.persistentVolumeClaim);
    if (claim && ephemeralClaims.has(str(claim.claimName))) {
      errs.push(
        field.invalid(
          child(child(p, 'persistentVolumeClaim'), 'claimName'),
          str(claim.claimName),
          'must not reference a PVC that gets created for an ephemeral volume',
        ),
      );
    }
  }
  return valid;
}
