// Pods, PodTemplates and the pod template embedded in workload kinds.
import type { FieldError } from '../../apierrors/field-errors.js';
import { field } from '../../apierrors/field-errors.js';
import { pushImageWhitespace } from './containers.js';
import { child, index, key } from './field-path.js';
import { pushValidIP } from './ip-addresses.js';
import { isSet, list, num, record, recordOrEmpty, str, type JsonRecord } from './json-value.js';
import { pushLabelName, pushLabels } from './labels.js';
import { nameValidators } from './name-validators.js';
import { FIELD_IMMUTABLE, pushAnnotations } from './object-meta.js';
import { pushLocalDescendingPath } from './paths-on-disk.js';
import { pushPodSpec, pushTolerations } from './pod-spec.js';
import { semanticEqual } from './semantic-equal.js';

const MIRROR_POD_ANNOTATION = 'kubernetes.io/config.mirror';
const TOLERATIONS_ANNOTATION = 'scheduler.alpha.kubernetes.io/tolerations';
const DELETION_COST_ANNOTATION = 'controller.kubernetes.io/pod-deletion-cost';
const SECCOMP_POD_ANNOTATION = 'seccomp.security.alpha.kubernetes.io/pod';
const SECCOMP_CONTAINER_PREFIX = 'container.seccomp.security.alpha.kubernetes.io/';
const APPARMOR_CONTAINER_PREFIX = 'container.apparmor.security.beta.kubernetes.io/';
const MAX_INT32 = 2147483647;

function validDeletionCost(value: string): boolean {
  // No "+" sign and no leading zeros, as helper.GetDeletionCostFromPodAnnotations demands.
  if (!/^(-?[1-9]\d*|0|-0)$/.test(value)) return false;
  const n = Number(value);
  return n >= -2147483648 && n <= MAX_INT32;
}

function pushSeccompAnnotation(errs: FieldError[], profile: string, path: string): void {
  if (profile === 'runtime/default' || profile === 'docker/default' || profile === 'unconfined') return;
  if (profile.startsWith('localhost/')) {
    pushLocalDescendingPath(errs, profile.slice('localhost/'.length), path);
    return;
  }
  errs.push(field.invalid(path, profile, 'must be a valid seccomp profile'));
}

function specHasContainer(spec: JsonRecord, name: string): boolean {
  for (const kind of ['initContainers', 'containers', 'ephemeralContainers']) {
    for (const c of list(spec[kind])) if (str(recordOrEmpty(c).name) === name) return true;
  }
  return false;
}

/** Annotations with meaning for pods (mirror pods, deletion cost, legacy seccomp/AppArmor). */
export function pushPodSpecificAnnotations(errs: FieldError[], annotationsValue: unknown, spec: JsonRecord, path: string): void {
  const annotations = record(annotationsValue);
  if (!annotations) return;
  if (Object.prototype.hasOwnProperty.call(annotations, MIRROR_POD_ANNOTATION) && str(spec.nodeName) === '') {
    errs.push(field.invalid(key(path, MIRROR_POD_ANNOTATION), annotations[MIRROR_POD_ANNOTATION], 'must set spec.nodeName if mirror pod annotation is set'));
  }
  const tolerations = str(annotations[TOLERATIONS_ANNOTATION]);
  if (tolerations !== '') {
    let parsed: unknown;
    try {
      parsed = JSON.parse(tolerations);
    } catch (e) {
      errs.push(field.invalid(path, TOLERATIONS_ANNOTATION, (e as Error).message));
    }
    if (Array.isArray(parsed) && parsed.length > 0) pushTolerations(errs, parsed, child(path, TOLERATIONS_ANNOTATION));
  }
  if (Object.prototype.hasOwnProperty.call(annotations, DELETION_COST_ANNOTATION) && !validDeletionCost(str(annotations[DELETION_COST_ANNOTATION]))) {
    errs.push(field.invalid(key(path, DELETION_COST_ANNOTATION), annotations[DELETION_COST_ANNOTATION], 'must be a 32bit integer'));
  }
  for (const k in annotations) {
    const v = str(annotations[k]);
    if (k === SECCOMP_POD_ANNOTATION || k.startsWith(SECCOMP_CONTAINER_PREFIX)) pushSeccompAnnotation(errs, v, child(path, k));
    if (k.startsWith(APPARMOR_CONTAINER_PREFIX)) {
      const containerName = k.slice(APPARMOR_CONTAINER_PREFIX.length);
      if (!specHasContainer(spec, containerName)) errs.push(field.invalid(key(path, k), containerName, 'container not found'));
      if (v !== '' && v !== 'runtime/default' && v !== 'unconfined' && !v.startsWith('localhost/')) {
        errs.push(field.invalid(key(path, k), v, `invalid AppArmor profile name: ${JSON.stringify(v)}`));
      }
    }
  }
}

/**
 * A PodTemplateSpec inside another object. Note that Go reports template labels at
 * "<path>.labels", not "<path>.metadata.labels".
 */
export function pushPodTemplateSpec(errs: FieldError[], templateValue: unknown, path: string): void {
  const template = recordOrEmpty(templateValue);
  const meta = recordOrEmpty(template.metadata);
  const spec = recordOrEmpty(template.spec);
  pushLabels(errs, meta.labels, child(path, 'labels'));
  pushAnnotations(errs, meta.annotations, child(path, 'annotations'));
  pushPodSpecificAnnotations(errs, meta.annotations, spec, child(path, 'annotations'));
  pushPodSpec(errs, spec, child(path, 'spec'), { resourceIsPod: false });
  if (list(spec.ephemeralContainers).length > 0) {
    errs.push(field.forbidden(child(child(path, 'spec'), 'ephemeralContainers'), 'ephemeral containers not allowed in pod template'));
  }
}

/** Everything of Go's validatePodMetadataAndSpec except the generic ObjectMeta checks. */
function pushPodMetadataAndSpec(errs: FieldError[], pod: JsonRecord): void {
  const meta = recordOrEmpty(pod.metadata);
  const spec = recordOrEmpty(pod.spec);
  pushPodSpecificAnnotations(errs, meta.annotations, spec, 'metadata.annotations');
  pushPodSpec(errs, spec, 'spec', { resourceIsPod: true, podName: str(meta.name) || undefined });
  if (str(spec.serviceAccountName) === '') {
    const volumes = list(spec.volumes);
    for (let vi = 0; vi < volumes.length; vi++) {
      const projected = record(recordOrEmpty(volumes[vi]).projected);
      if (!projected) continue;
      const sources = list(projected.sources);
      for (let si = 0; si < sources.length; si++) {
        if (isSet(recordOrEmpty(sources[si]).serviceAccountToken)) {
          errs.push(
            field.forbidden(
              `spec.volumes[${vi}].projected.sources[${si}].serviceAccountToken`,
              'must not be specified when serviceAccountName is not set',
            ),
          );
        }
      }
    }
  }
  for (const kind of ['containers', 'initContainers']) {
    const items = list(spec[kind]);
    for (let i = 0; i < items.length; i++) pushImageWhitespace(errs, recordOrEmpty(items[i]), index(child('spec', kind), i));
  }
}

export function validatePodCreate(obj: unknown): FieldError[] {
  const pod = recordOrEmpty(obj);
  const spec = recordOrEmpty(pod.spec);
  const errs: FieldError[] = [];
  pushPodMetadataAndSpec(errs, pod);
  if (list(spec.ephemeralContainers).length > 0) errs.push(field.forbidden('spec.ephemeralContainers', 'cannot be set on create'));
  if (str(spec.nodeName) !== '' && list(spec.schedulingGates).length !== 0) {
    errs.push(field.forbidden('spec.nodeName', 'cannot be set until all schedulingGates have been cleared'));
  }
  return errs;
}

const updatablePodSpecFields = [
  '`spec.containers[*].image`',
  '`spec.initContainers[*].image`',
  '`spec.activeDeadlineSeconds`',
  '`spec.tolerations` (only additions to existing tolerations)',
  '`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)',
].join(',');

function pushContainerUpdates(errs: FieldError[], newValue: unknown, oldValue: unknown, path: string): boolean {
  const n = list(newValue);
  if (n.length !== list(oldValue).length) {
    errs.push(field.forbidden(path, 'pod updates may not add or remove containers'));
    return true;
  }
  for (let i = 0; i < n.length; i++) {
    const image = str(recordOrEmpty(n[i]).image);
    if (image === '') errs.push(field.required(child(index(path, i), 'image'), ''));
    if (image.trim().length !== image.length) {
      errs.push(field.invalid(child(index(path, i), 'image'), image, 'must not have leading or trailing whitespace'));
    }
  }
  return false;
}

function tolerationEqualIgnoringSeconds(a: unknown, b: unknown): boolean {
  const ra = { ...recordOrEmpty(a) };
  const rb = { ...recordOrEmpty(b) };
  delete ra.tolerationSeconds;
  delete rb.tolerationSeconds;
  return semanticEqual(ra, rb);
}

/** A cmp.Diff-like rendering of the changed top-level PodSpec fields (Go prints its own diff). */
function specDiff(oldSpec: JsonRecord, newSpec: JsonRecord): string {
  const keys = new Set([...Object.keys(oldSpec), ...Object.keys(newSpec)]);
  const lines = ['  core.PodSpec{'];
  for (const k of [...keys].sort()) {
    if (semanticEqual(oldSpec[k], newSpec[k])) continue;
    if (oldSpec[k] !== undefined) lines.push(`- \t${k}: ${JSON.stringify(oldSpec[k])},`);
    if (newSpec[k] !== undefined) lines.push(`+ \t${k}: ${JSON.stringify(newSpec[k])},`);
  }
  lines.push('  }');
  return lines.join('\n');
}

export function validatePodUpdate(obj: unknown, oldObj: unknown): FieldError[] {
  const pod = recordOrEmpty(obj);
  const old = recordOrEmpty(oldObj);
  const errs: FieldError[] = [];
  pushPodMetadataAndSpec(errs, pod);
  pushPodAnnotationUpdates(errs, pod, old);
  const spec = recordOrEmpty(pod.spec);
  const oldSpec = recordOrEmpty(old.spec);
  if (pushContainerUpdates(errs, spec.containers, oldSpec.containers, 'spec.containers')) return errs;
  if (pushContainerUpdates(errs, spec.initContainers, oldSpec.initContainers, 'spec.initContainers')) return errs;

  const newADS = num(spec.activeDeadlineSeconds);
  const oldADS = num(oldSpec.activeDeadlineSeconds);
  if (newADS !== undefined) {
    if (newADS < 0 || newADS > MAX_INT32) {
      errs.push(field.invalid('spec.activeDeadlineSeconds', newADS, `must be between 0 and ${MAX_INT32}, inclusive`));
      return errs;
    }
    if (oldADS !== undefined && oldADS < newADS) {
      errs.push(field.invalid('spec.activeDeadlineSeconds', newADS, 'must be less than or equal to previous value'));
      return errs;
    }
  } else if (oldADS !== undefined) {
    errs.push(field.invalid('spec.activeDeadlineSeconds', null, 'must not update from a positive integer to nil value'));
  }

  const newTolerations = list(spec.tolerations);
  for (const t of list(oldSpec.tolerations)) {
    if (!newTolerations.some((n) => tolerationEqualIgnoringSeconds(t, n))) {
      errs.push(field.forbidden('spec.tolerations', 'existing toleration can not be modified except its tolerationSeconds'));
      break;
    }
  }
  if (!errs.some((e) => e.field === 'spec.tolerations' && e.type === 'FieldValueForbidden')) {
    pushTolerations(errs, spec.tolerations, 'spec.tolerations');
  }

  const newGates = list(spec.schedulingGates);
  if (newGates.length > 0) {
    const oldGates = new Set(list(oldSpec.schedulingGates).map((g) => str(recordOrEmpty(g).name)));
    for (let i = 0; i < newGates.length; i++) {
      const name = str(recordOrEmpty(newGates[i]).name);
      if (!oldGates.has(name)) {
        errs.push(field.forbidden(`spec.schedulingGates[${i}].name`, `only deletion is allowed, but found new scheduling gate '${name}'`));
      }
    }
  }

  if (semanticEqual(spec, oldSpec)) return errs;
  const munged: JsonRecord = structuredClone(spec);
  const mungeImages = (kind: string): void => {
    const items = list(munged[kind]);
    const oldItems = list(oldSpec[kind]);
    for (let i = 0; i < items.length; i++) {
      const c = record(items[i]);
      if (c) c.image = recordOrEmpty(oldItems[i]).image;
    }
  };
  mungeImages('containers');
  mungeImages('initContainers');
  munged.activeDeadlineSeconds = oldSpec.activeDeadlineSeconds;
  munged.schedulingGates = oldSpec.schedulingGates;
  munged.tolerations = oldSpec.tolerations;
  const oldTGPS = num(oldSpec.terminationGracePeriodSeconds);
  if (oldTGPS !== undefined && oldTGPS < 0 && munged.terminationGracePeriodSeconds === 1) munged.terminationGracePeriodSeconds = oldTGPS;
  if (list(oldSpec.schedulingGates).length > 0 && !semanticEqual(munged.nodeSelector, oldSpec.nodeSelector)) {
    // Gated pods may gain nodeSelector entries, but not lose or change them.
    const oldSel = recordOrEmpty(oldSpec.nodeSelector);
    const newSel = recordOrEmpty(munged.nodeSelector);
    for (const k in oldSel) {
      if (newSel[k] !== oldSel[k]) {
        errs.push(field.invalid('spec.nodeSelector', munged.nodeSelector, 'only additions to spec.nodeSelector are allowed (no mutations or deletions)'));
        break;
      }
    }
    munged.nodeSelector = oldSpec.nodeSelector;
  }
  if (!semanticEqual(munged, oldSpec)) {
    errs.push(field.forbidden('spec', `pod updates may not change fields other than ${updatablePodSpecFields}\n${specDiff(oldSpec, munged)}`));
  }
  return errs;
}

function pushPodAnnotationUpdates(errs: FieldError[], pod: JsonRecord, old: JsonRecord): void {
  const newA = recordOrEmpty(recordOrEmpty(pod.metadata).annotations);
  const oldA = recordOrEmpty(recordOrEmpty(old.metadata).annotations);
  const path = 'metadata.annotations';
  for (const k in oldA) {
    if (Object.prototype.hasOwnProperty.call(newA, k) && newA[k] === oldA[k]) continue;
    if (k.startsWith(APPARMOR_CONTAINER_PREFIX)) errs.push(field.forbidden(key(path, k), 'may not remove or update AppArmor annotations'));
    if (k === MIRROR_POD_ANNOTATION) errs.push(field.forbidden(key(path, k), 'may not remove or update mirror pod annotation'));
  }
  for (const k in newA) {
    if (Object.prototype.hasOwnProperty.call(oldA, k)) continue;
    if (k.startsWith(APPARMOR_CONTAINER_PREFIX)) errs.push(field.forbidden(key(path, k), 'may not add AppArmor annotations'));
    if (k === MIRROR_POD_ANNOTATION) errs.push(field.forbidden(key(path, k), 'may not add mirror pod annotation'));
  }
}

const systemPodConditions = new Set(['PodScheduled', 'Ready', 'Initialized']);

function pushStateTransitions(errs: FieldError[], newStatuses: unknown, oldStatuses: unknown, path: string, restartPolicy: string, restartable: Set<string>): void {
  if (restartPolicy === 'Always') return;
  const olds = list(oldStatuses);
  const news = list(newStatuses);
  for (let i = 0; i < olds.length; i++) {
    const o = recordOrEmpty(olds[i]);
    const terminated = record(recordOrEmpty(o.state).terminated);
    if (!terminated) continue;
    if ((num(terminated.exitCode) ?? 0) !== 0 && restartPolicy === 'OnFailure') continue;
    if (restartable.has(str(o.name))) continue;
    for (const n of news) {
      const nr = recordOrEmpty(n);
      if (str(nr.name) === str(o.name) && !isSet(recordOrEmpty(nr.state).terminated)) {
        errs.push(field.forbidden(child(index(path, i), 'state'), 'may not be transitioned to non-terminated state'));
      }
    }
  }
}

function pushIPList(errs: FieldError[], ipsValue: unknown, path: string): void {
  const ips = list(ipsValue);
  for (let i = 0; i < ips.length; i++) pushValidIP(errs, index(path, i), str(recordOrEmpty(ips[i]).ip));
  if (ips.length > 1) {
    const seen = new Set<string>();
    for (let i = 0; i < ips.length; i++) {
      const ip = str(recordOrEmpty(ips[i]).ip);
      if (seen.has(ip)) errs.push(field.duplicate(index(path, i), ips[i]));
      seen.add(ip);
    }
    const families = new Set(ips.map((ip) => (str(recordOrEmpty(ip).ip).includes(':') ? 6 : 4)));
    if (families.size !== 2 || ips.length > 2) errs.push(field.invalid(path, ips, 'may specify no more than one IP for each IP family'));
  }
}

export function validatePodStatusUpdate(obj: unknown, oldObj: unknown): FieldError[] {
  const pod = recordOrEmpty(obj);
  const old = recordOrEmpty(oldObj);
  const errs: FieldError[] = [];
  pushPodAnnotationUpdates(errs, pod, old);
  const status = recordOrEmpty(pod.status);
  const oldStatus = recordOrEmpty(old.status);
  const conditions = list(status.conditions);
  for (let i = 0; i < conditions.length; i++) {
    const type = str(recordOrEmpty(conditions[i]).type);
    if (!systemPodConditions.has(type)) pushLabelName(errs, type, `metadata.conditions[${i}].Type`);
  }
  const spec = recordOrEmpty(pod.spec);
  const oldSpec = recordOrEmpty(old.spec);
  if (str(spec.nodeName) !== str(oldSpec.nodeName)) errs.push(field.forbidden('status.nodeName', 'may not be changed directly'));
  const nominated = str(status.nominatedNodeName);
  if (nominated !== str(oldStatus.nominatedNodeName) && nominated !== '') {
    for (const msg of nameValidators.dnsSubdomain(nominated, false)) errs.push(field.invalid('status.nominatedNodeName', nominated, msg));
  }
  if (str(status.qosClass) !== str(oldStatus.qosClass)) errs.push(field.invalid('status.qosClass', str(status.qosClass), FIELD_IMMUTABLE));
  const restartPolicy = str(oldSpec.restartPolicy);
  pushStateTransitions(errs, status.containerStatuses, oldStatus.containerStatuses, 'status.containerStatuses', restartPolicy, new Set());
  const restartableInit = new Set<string>();
  for (const c of list(oldSpec.initContainers)) if (recordOrEmpty(c).restartPolicy === 'Always') restartableInit.add(str(recordOrEmpty(c).name));
  pushStateTransitions(errs, status.initContainerStatuses, oldStatus.initContainerStatuses, 'status.initContainerStatuses', restartPolicy, restartableInit);
  pushStateTransitions(errs, status.ephemeralContainerStatuses, oldStatus.ephemeralContainerStatuses, 'status.ephemeralContainerStatuses', 'Never', new Set());
  pushIPList(errs, status.podIPs, 'status.podIPs');
  const hostIPs = list(status.hostIPs);
  if (hostIPs.length > 0) {
    const first = str(recordOrEmpty(hostIPs[0]).ip);
    if (str(status.hostIP) !== first) errs.push(field.invalid('status.hostIPs[0].ip', first, 'must be equal to `hostIP`'));
    pushIPList(errs, status.hostIPs, 'status.hostIPs');
  }
  return errs;
}

/** PodTemplate, on create and on update alike. */
export function validatePodTemplate(obj: unknown): FieldError[] {
  const errs: FieldError[] = [];
  pushPodTemplateSpec(errs, recordOrEmpty(obj).template, 'template');
  return errs;
}

