// Controllers that own pods through a template: Deployment, ReplicaSet, StatefulSet, DaemonSet
// (apps/validation), ReplicationController (core) and ControllerRevision.
import type { FieldError } from '../../apierrors/field-errors.js';
import { field } from '../../apierrors/field-errors.js';
import { child } from './field-path.js';
import { isValidPercent } from './formats.js';
import { isSet, num, record, recordOrEmpty, str, type JsonRecord } from './json-value.js';
import { labelSelectorAsSelector, mapAsSelector, pushLabels, pushLabelSelector, selectorIsEmpty, selectorMatches, type Selector } from './labels.js';
import { FIELD_IMMUTABLE, pushAnnotations, pushNonNegative } from './object-meta.js';
import { pushPodSpecificAnnotations, pushPodTemplateSpec } from './pods.js';
import { semanticEqual } from './semantic-equal.js';

/** An int (≥ 0) or a percent string (apps ValidatePositiveIntOrPercent). */
export function pushPositiveIntOrPercent(errs: FieldError[], value: unknown, path: string): void {
  if (typeof value === 'string') {
    for (const msg of isValidPercent(value)) errs.push(field.invalid(path, value, msg));
  } else if (typeof value === 'number') {
    pushNonNegative(errs, value, path);
  } else if (value !== undefined && value !== null) {
    errs.push(field.invalid(path, value, "must be an integer or percentage (e.g '5%%')"));
  }
}

function percentValue(value: unknown): number | undefined {
  if (typeof value !== 'string' || isValidPercent(value).length !== 0) return undefined;
  return Number(value.slice(0, -1));
}

/** The number of an int-or-percent, as getIntOrPercentValue (a non-percent string counts as 0). */
export function intOrPercentValue(value: unknown): number {
  const p = percentValue(value);
  if (p !== undefined) return p;
  return typeof value === 'number' ? value : 0;
}

export function pushNotMoreThan100Percent(errs: FieldError[], value: unknown, path: string): void {
  const p = percentValue(value);
  if (p !== undefined && p > 100) errs.push(field.invalid(path, value, 'must not be greater than 100%'));
}

function pushImmutableSelector(errs: FieldError[], spec: JsonRecord, oldSpec: JsonRecord): void {
  if (!semanticEqual(spec.selector, oldSpec.selector)) errs.push(field.invalid('spec.selector', spec.selector ?? null, FIELD_IMMUTABLE));
}

function pushTemplateForReplicaSet(errs: FieldError[], template: unknown, selector: Selector, path: string, owner: string): void {
  const t = recordOrEmpty(template);
  const labels = recordOrEmpty(t.metadata).labels;
  if (!selectorIsEmpty(selector) && !selectorMatches(selector, labels)) {
    errs.push(field.invalid(child(child(path, 'metadata'), 'labels'), labels ?? null, '`selector` does not match template `labels`'));
  }
  pushPodTemplateSpec(errs, t, path);
  const spec = recordOrEmpty(t.spec);
  const rp = str(spec.restartPolicy);
  if (rp !== 'Always') errs.push(field.notSupported(child(child(path, 'spec'), 'restartPolicy'), rp, ['Always']));
  if (isSet(spec.activeDeadlineSeconds)) {
    errs.push(field.forbidden(child(child(path, 'spec'), 'activeDeadlineSeconds'), `activeDeadlineSeconds in ${owner} is not Supported`));
  }
}

/** selector required, valid and non-empty; returns the converted selector, if any. */
function pushStrictSelector(errs: FieldError[], spec: JsonRecord, emptyMessage: string): Selector | undefined {
  const sel = record(spec.selector);
  if (!sel) {
    errs.push(field.required('spec.selector', ''));
  } else {
    pushLabelSelector(errs, sel, 'spec.selector');
    const exprs = Array.isArray(sel.matchExpressions) ? sel.matchExpressions.length : 0;
    let labels = 0;
    for (const _ in recordOrEmpty(sel.matchLabels)) labels++;
    if (labels + exprs === 0) errs.push(field.invalid('spec.selector', sel, emptyMessage));
  }
  return labelSelectorAsSelector(spec.selector);
}

function pushDeploymentStrategy(errs: FieldError[], strategyValue: unknown, path: string): void {
  const strategy = recordOrEmpty(strategyValue);
  switch (str(strategy.type)) {
    case 'Recreate':
      if (isSet(strategy.rollingUpdate)) {
        errs.push(field.forbidden(child(path, 'rollingUpdate'), "may not be specified when strategy `type` is 'Recreate'"));
      }
      break;
    case 'RollingUpdate': {
      const ru = record(strategy.rollingUpdate);
      if (!ru) {
        errs.push(field.required(child(path, 'rollingUpdate'), 'this should be defaulted and never be nil'));
        break;
      }
      const p = child(path, 'rollingUpdate');
      pushPositiveIntOrPercent(errs, ru.maxUnavailable, child(p, 'maxUnavailable'));
      pushPositiveIntOrPercent(errs, ru.maxSurge, child(p, 'maxSurge'));
      if (intOrPercentValue(ru.maxUnavailable) === 0 && intOrPercentValue(ru.maxSurge) === 0) {
        errs.push(field.invalid(child(p, 'maxUnavailable'), ru.maxUnavailable ?? 0, 'may not be 0 when `maxSurge` is 0'));
      }
      pushNotMoreThan100Percent(errs, ru.maxUnavailable, child(p, 'maxUnavailable'));
      break;
    }
    default:
      errs.push(field.notSupported(path, strategyValue ?? null, ['Recreate', 'RollingUpdate']));
  }
}

function pushDeploymentSpec(errs: FieldError[], specValue: unknown): void {
  const spec = recordOrEmpty(specValue);
  pushNonNegative(errs, spec.replicas, 'spec.replicas');
  const selector = pushStrictSelector(errs, spec, 'empty selector is invalid for deployment');
  if (!selector) errs.push(field.invalid('spec.selector', spec.selector, 'invalid label selector'));
  else pushTemplateForReplicaSet(errs, spec.template, selector, 'spec.template', 'ReplicaSet');
  pushDeploymentStrategy(errs, spec.strategy, 'spec.strategy');
  pushNonNegative(errs, spec.minReadySeconds, 'spec.minReadySeconds');
  pushNonNegative(errs, spec.revisionHistoryLimit, 'spec.revisionHistoryLimit');
  const pds = num(spec.progressDeadlineSeconds);
  if (pds !== undefined) {
    pushNonNegative(errs, pds, 'spec.progressDeadlineSeconds');
    if (pds <= (num(spec.minReadySeconds) ?? 0)) errs.push(field.invalid('spec.progressDeadlineSeconds', pds, 'must be greater than minReadySeconds'));
  }
}

const GT_REPLICAS = 'cannot be greater than status.replicas';

/** Non-negative counters and "x ≤ replicas" rules shared by the workload statuses. */
function pushReplicaCounts(errs: FieldError[], status: JsonRecord, nonNegative: readonly string[], notAboveReplicas: readonly string[], availableVsReady: string): void {
  for (const f of nonNegative) pushNonNegative(errs, status[f], `status.${f}`);
  const replicas = num(status.replicas) ?? 0;
  for (const f of notAboveReplicas) {
    const v = num(status[f]) ?? 0;
    if (v > replicas) errs.push(field.invalid(`status.${f}`, v, GT_REPLICAS));
  }
  const available = num(status.availableReplicas) ?? 0;
  if (availableVsReady && available > (num(status.readyReplicas) ?? 0)) errs.push(field.invalid('status.availableReplicas', available, availableVsReady));
}

function pushCollisionCount(errs: FieldError[], status: JsonRecord, oldStatus: JsonRecord): void {
  const n = num(status.collisionCount);
  const o = num(oldStatus.collisionCount);
  if (o !== undefined && (n === undefined || n < o)) errs.push(field.invalid('status.collisionCount', n ?? 0, 'cannot be decremented'));
}

function statuses(obj: unknown, old: unknown): [JsonRecord, JsonRecord] {
  return [recordOrEmpty(recordOrEmpty(obj).status), recordOrEmpty(recordOrEmpty(old).status)];
}

export function validateDeployment(obj: unknown): FieldError[] {
  const errs: FieldError[] = [];
  pushDeploymentSpec(errs, recordOrEmpty(obj).spec);
  return errs;
}

export function validateDeploymentUpdate(obj: unknown, old: unknown): FieldError[] {
  const errs = validateDeployment(obj);
  pushImmutableSelector(errs, recordOrEmpty(recordOrEmpty(obj).spec), recordOrEmpty(recordOrEmpty(old).spec));
  return errs;
}

export function validateDeploymentStatusUpdate(obj: unknown, old: unknown): FieldError[] {
  const errs: FieldError[] = [];
  const [status, oldStatus] = statuses(obj, old);
  pushReplicaCounts(
    errs,
    status,
    ['observedGeneration', 'replicas', 'updatedReplicas', 'readyReplicas', 'availableReplicas', 'unavailableReplicas', 'terminatingReplicas', 'collisionCount'],
    ['updatedReplicas', 'readyReplicas', 'availableReplicas'],
    'cannot be greater than readyReplicas',
  );
  pushCollisionCount(errs, status, oldStatus);
  return errs;
}

export function validateReplicaSet(obj: unknown): FieldError[] {
  const errs: FieldError[] = [];
  const spec = recordOrEmpty(recordOrEmpty(obj).spec);
  pushNonNegative(errs, spec.replicas, 'spec.replicas');
  pushNonNegative(errs, spec.minReadySeconds, 'spec.minReadySeconds');
  // Go reuses the Deployment wording here.
  const selector = pushStrictSelector(errs, spec, 'empty selector is invalid for deployment');
  if (!selector) errs.push(field.invalid('spec.selector', spec.selector, 'invalid label selector'));
  else pushTemplateForReplicaSet(errs, spec.template, selector, 'spec.template', 'ReplicaSet');
  return errs;
}

export function validateReplicaSetUpdate(obj: unknown, old: unknown): FieldError[] {
  const errs = validateReplicaSet(obj);
  pushImmutableSelector(errs, recordOrEmpty(recordOrEmpty(obj).spec), recordOrEmpty(recordOrEmpty(old).spec));
  return errs;
}

export function validateReplicaSetStatusUpdate(obj: unknown, old: unknown): FieldError[] {
  const errs: FieldError[] = [];
  const [status] = statuses(obj, old);
  pushReplicaCounts(
    errs,
    status,
    ['replicas', 'fullyLabeledReplicas', 'readyReplicas', 'availableReplicas', 'observedGeneration', 'terminatingReplicas'],
    ['fullyLabeledReplicas', 'readyReplicas', 'availableReplicas'],
    'cannot be greater than readyReplicas',
  );
  return errs;
}

const retentionPolicies = ['Retain', 'Delete'];

export function validateStatefulSet(obj: unknown): FieldError[] {
  const errs: FieldError[] = [];
  const spec = recordOrEmpty(recordOrEmpty(obj).spec);
  const pmp = str(spec.podManagementPolicy);
  if (pmp === '') errs.push(field.required('spec.podManagementPolicy', ''));
  else if (pmp !== 'OrderedReady' && pmp !== 'Parallel') errs.push(field.invalid('spec.podManagementPolicy', pmp, "must be 'OrderedReady' or 'Parallel'"));

  const us = recordOrEmpty(spec.updateStrategy);
  const ru = record(us.rollingUpdate);
  switch (str(us.type)) {
    case '':
      errs.push(field.required('spec.updateStrategy', ''));
      break;
    case 'OnDelete':
      if (ru) errs.push(field.invalid('spec.updateStrategy.rollingUpdate', ru, "only allowed for updateStrategy 'RollingUpdate'"));
      break;
    case 'RollingUpdate':
      if (ru) {
        pushNonNegative(errs, ru.partition, 'spec.updateStrategy.rollingUpdate.partition');
        if (isSet(ru.maxUnavailable)) {
          const p = 'spec.updateStrategy.rollingUpdate.maxUnavailable';
          pushPositiveIntOrPercent(errs, ru.maxUnavailable, p);
          if (intOrPercentValue(ru.maxUnavailable) === 0) errs.push(field.invalid(p, ru.maxUnavailable, 'cannot be 0'));
          pushNotMoreThan100Percent(errs, ru.maxUnavailable, p);
        }
      }
      break;
    default:
      errs.push(field.invalid('spec.updateStrategy', spec.updateStrategy, "must be 'RollingUpdate' or 'OnDelete'"));
  }
  const retention = record(spec.persistentVolumeClaimRetentionPolicy);
  if (retention) {
    for (const f of ['whenDeleted', 'whenScaled']) {
      const v = str(retention[f]);
      if (!retentionPolicies.includes(v)) errs.push(field.notSupported(`spec.persistentVolumeClaimRetentionPolicy.${f}`, v, retentionPolicies));
    }
  }
  pushNonNegative(errs, spec.replicas, 'spec.replicas');
  pushNonNegative(errs, spec.minReadySeconds, 'spec.minReadySeconds');
  const ordinals = record(spec.ordinals);
  if (ordinals) pushNonNegative(errs, ordinals.start, 'spec.ordinals.start');

  const selector = pushStrictSelector(errs, spec, 'empty selector is invalid for statefulset');
  const template = recordOrEmpty(spec.template);
  const meta = recordOrEmpty(template.metadata);
  const tspec = recordOrEmpty(template.spec);
  if (!selector) {
    errs.push(field.invalid('spec.selector', spec.selector, ''));
  } else {
    // StatefulSets validate only the template's metadata, not its pod spec.
    if (!selectorIsEmpty(selector) && !selectorMatches(selector, meta.labels)) {
      errs.push(field.invalid('spec.template.metadata.labels', meta.labels ?? null, '`selector` does not match template `labels`'));
    }
    pushLabels(errs, meta.labels, 'spec.template.labels');
    pushAnnotations(errs, meta.annotations, 'spec.template.annotations');
    pushPodSpecificAnnotations(errs, meta.annotations, tspec, 'spec.template.annotations');
  }
  const rp = str(tspec.restartPolicy);
  if (rp !== 'Always') errs.push(field.notSupported('spec.template.spec.restartPolicy', rp, ['Always']));
  if (isSet(tspec.activeDeadlineSeconds)) {
    errs.push(field.forbidden('spec.template.spec.activeDeadlineSeconds', 'activeDeadlineSeconds in StatefulSet is not Supported'));
  }
  return errs;
}

const statefulSetMutable = ['replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy', 'minReadySeconds'];

export function validateStatefulSetUpdate(obj: unknown, old: unknown): FieldError[] {
  const errs = validateStatefulSet(obj);
  const spec = { ...recordOrEmpty(recordOrEmpty(obj).spec) };
  const oldSpec = recordOrEmpty(recordOrEmpty(old).spec);
  for (const f of statefulSetMutable) spec[f] = oldSpec[f];
  if (!semanticEqual(spec, oldSpec)) {
    errs.push(
      field.forbidden(
        'spec',
        "updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden",
      ),
    );
  }
  return errs;
}

export function validateStatefulSetStatusUpdate(obj: unknown, old: unknown): FieldError[] {
  const errs: FieldError[] = [];
  const [status, oldStatus] = statuses(obj, old);
  pushReplicaCounts(
    errs,
    status,
    ['replicas', 'readyReplicas', 'currentReplicas', 'updatedReplicas', 'availableReplicas', 'observedGeneration', 'collisionCount'],
    ['readyReplicas', 'currentReplicas', 'updatedReplicas', 'availableReplicas'],
    'cannot be greater than status.readyReplicas',
  );
  pushCollisionCount(errs, status, oldStatus);
  return errs;
}

export function validateDaemonSet(obj: unknown): FieldError[] {
  const errs: FieldError[] = [];
  const spec = recordOrEmpty(recordOrEmpty(obj).spec);
  pushLabelSelector(errs, spec.selector, 'spec.selector');
  const template = recordOrEmpty(spec.template);
  const labels = recordOrEmpty(template.metadata).labels;
  const selector = labelSelectorAsSelector(spec.selector);
  if (selector && !selectorMatches(selector, labels)) {
    errs.push(field.invalid('spec.template.metadata.labels', labels ?? null, '`selector` does not match template `labels`'));
  }
  const sel = record(spec.selector);
  if (sel && Object.keys(recordOrEmpty(sel.matchLabels)).length + (Array.isArray(sel.matchExpressions) ? sel.matchExpressions.length : 0) === 0) {
    errs.push(field.invalid('spec.selector', sel, 'empty selector is invalid for daemonset'));
  }
  pushPodTemplateSpec(errs, template, 'spec.template');
  const tspec = recordOrEmpty(template.spec);
  const rp = str(tspec.restartPolicy);
  if (rp !== 'Always') errs.push(field.notSupported('spec.template.spec.restartPolicy', rp, ['Always']));
  if (isSet(tspec.activeDeadlineSeconds)) {
    errs.push(field.forbidden('spec.template.spec.activeDeadlineSeconds', 'activeDeadlineSeconds in DaemonSet is not Supported'));
  }
  pushNonNegative(errs, spec.minReadySeconds, 'spec.minReadySeconds');
  pushNonNegative(errs, spec.templateGeneration, 'spec.templateGeneration');
  const strategy = recordOrEmpty(spec.updateStrategy);
  switch (str(strategy.type)) {
    case 'OnDelete':
      break;
    case 'RollingUpdate': {
      const ru = record(strategy.rollingUpdate);
      if (!ru) {
        errs.push(field.required('spec.updateStrategy.rollingUpdate', ''));
        break;
      }
      const p = 'spec.updateStrategy.rollingUpdate';
      pushPositiveIntOrPercent(errs, ru.maxUnavailable, `${p}.maxUnavailable`);
      pushPositiveIntOrPercent(errs, ru.maxSurge, `${p}.maxSurge`);
      pushNotMoreThan100Percent(errs, ru.maxUnavailable, `${p}.maxUnavailable`);
      pushNotMoreThan100Percent(errs, ru.maxSurge, `${p}.maxSurge`);
      const hasUnavailable = intOrPercentValue(ru.maxUnavailable) !== 0;
      const hasSurge = intOrPercentValue(ru.maxSurge) !== 0;
      if (hasUnavailable && hasSurge) errs.push(field.invalid(`${p}.maxSurge`, ru.maxSurge, 'may not be set when maxUnavailable is non-zero'));
      else if (!hasUnavailable && !hasSurge) errs.push(field.required(`${p}.maxUnavailable`, 'cannot be 0 when maxSurge is 0'));
      break;
    }
    default:
      errs.push(field.notSupported('spec.updateStrategy', spec.updateStrategy ?? null, ['RollingUpdate', 'OnDelete']));
  }
  pushNonNegative(errs, spec.revisionHistoryLimit, 'spec.revisionHistoryLimit');
  return errs;
}

export function validateDaemonSetUpdate(obj: unknown, old: unknown): FieldError[] {
  const errs = validateDaemonSet(obj);
  pushImmutableSelector(errs, recordOrEmpty(recordOrEmpty(obj).spec), recordOrEmpty(recordOrEmpty(old).spec));
  return errs;
}

export function validateDaemonSetStatusUpdate(obj: unknown, old: unknown): FieldError[] {
  const errs: FieldError[] = [];
  const [status, oldStatus] = statuses(obj, old);
  for (const f of [
    'currentNumberScheduled',
    'numberMisscheduled',
    'desiredNumberScheduled',
    'numberReady',
    'observedGeneration',
    'updatedNumberScheduled',
    'numberAvailable',
    'numberUnavailable',
    'collisionCount',
  ]) {
    pushNonNegative(errs, status[f], `status.${f}`);
  }
  pushCollisionCount(errs, status, oldStatus);
  return errs;
}

export function validateReplicationController(obj: unknown): FieldError[] {
  const errs: FieldError[] = [];
  const spec = recordOrEmpty(recordOrEmpty(obj).spec);
  pushNonNegative(errs, spec.minReadySeconds, 'spec.minReadySeconds');
  const selector = mapAsSelector(spec.selector);
  if (selectorIsEmpty(selector)) errs.push(field.required('spec.selector', ''));
  pushNonNegative(errs, spec.replicas, 'spec.replicas');
  const template = record(spec.template);
  if (!template) {
    errs.push(field.required('spec.template', ''));
    return errs;
  }
  const labels = recordOrEmpty(template.metadata).labels;
  if (!selectorIsEmpty(selector) && !selectorMatches(selector, labels)) {
    errs.push(field.invalid('spec.template.metadata.labels', labels ?? null, '`selector` does not match template `labels`'));
  }
  pushPodTemplateSpec(errs, template, 'spec.template');
  const tspec = recordOrEmpty(template.spec);
  const rp = str(tspec.restartPolicy);
  if (rp !== 'Always') errs.push(field.notSupported('spec.template.spec.restartPolicy', rp, ['Always']));
  if (isSet(tspec.activeDeadlineSeconds)) {
    errs.push(field.forbidden('spec.template.spec.activeDeadlineSeconds', 'activeDeadlineSeconds in ReplicationController is not Supported'));
  }
  return errs;
}

export function validateReplicationControllerStatusUpdate(obj: unknown, old: unknown): FieldError[] {
  return validateReplicaSetStatusUpdate(obj, old);
}

export function validateControllerRevision(obj: unknown): FieldError[] {
  const errs: FieldError[] = [];
  const cr = recordOrEmpty(obj);
  if (cr.data === undefined || cr.data === null) errs.push(field.required('data', 'data is mandatory'));
  pushNonNegative(errs, cr.revision, 'revision');
  return errs;
}

export function validateControllerRevisionUpdate(obj: unknown, old: unknown): FieldError[] {
  const errs = validateControllerRevision(obj);
  const data = recordOrEmpty(obj).data;
  if (!semanticEqual(data, recordOrEmpty(old).data)) errs.push(field.invalid('data', data ?? null, FIELD_IMMUTABLE));
  return errs;
}

