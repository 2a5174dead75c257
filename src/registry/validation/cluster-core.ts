// Core kinds with small rule sets: Namespace, Node, Event (core/v1 and events.k8s.io/v1),
// ResourceQuota.
import type { FieldError } from '../../apierrors/field-errors.js';
import { field } from '../../apierrors/field-errors.js';
import { child, index, key } from './field-path.js';
import { byteLength, isDNS1123Subdomain, isLabelValue, isQualifiedName } from './formats.js';
import { parseCIDR, pushValidCIDR } from './ip-addresses.js';
import { isSet, list, record, recordOrEmpty, str } from './json-value.js';
import { pushLabelName } from './labels.js';
import { FIELD_IMMUTABLE, pushKubeFinalizerName } from './object-meta.js';
import { pushQuotaResourceName, pushResourceQuantityValue } from './resources.js';
import { semanticEqual } from './semantic-equal.js';

export function validateNamespace(obj: unknown): FieldError[] {
  const errs: FieldError[] = [];
  // Go reports every spec finalizer against the list path, without an index.
  for (const f of list(recordOrEmpty(recordOrEmpty(obj).spec).finalizers)) {
    const name = str(f);
    for (const msg of isQualifiedName(name)) errs.push(field.invalid('spec.finalizers', name, msg));
    pushKubeFinalizerName(errs, name, 'spec.finalizers');
  }
  return errs;
}

export function validateNamespaceStatusUpdate(obj: unknown): FieldError[] {
  const ns = recordOrEmpty(obj);
  const phase = str(recordOrEmpty(ns.status).phase);
  if (!isSet(recordOrEmpty(ns.metadata).deletionTimestamp)) {
    if (phase !== 'Active') return [field.invalid('status.Phase', phase, "may only be 'Active' if `deletionTimestamp` is empty")];
  } else if (phase !== 'Terminating') {
    return [field.invalid('status.Phase', phase, "may only be 'Terminating' if `deletionTimestamp` is not empty")];
  }
  return [];
}

function pushNodeTaints(errs: FieldError[], taintsValue: unknown, path: string): void {
  const taints = list(taintsValue);
  const unique = new Map<string, Set<string>>();
  for (let i = 0; i < taints.length; i++) {
    const t = recordOrEmpty(taints[i]);
    const p = index(path, i);
    const k = str(t.key);
    const effect = str(t.effect);
    pushLabelName(errs, k, child(p, 'key'));
    const msgs = isLabelValue(str(t.value));
    if (msgs.length) errs.push(field.invalid(child(p, 'value'), str(t.value), msgs.join(';')));
    if (effect === '') errs.push(field.required(child(p, 'effect'), ''));
    else if (effect !== 'NoSchedule' && effect !== 'PreferNoSchedule' && effect !== 'NoExecute') {
      errs.push(field.notSupported(child(p, 'effect'), effect, ['NoSchedule', 'PreferNoSchedule', 'NoExecute']));
    }
    const keys = unique.get(effect) ?? new Set<string>();
    if (keys.has(k)) {
      errs.push({ type: 'FieldValueDuplicate', field: p, badValue: t, detail: 'taints must be unique by key and effect pair' });
      continue;
    }
    keys.add(k);
    unique.set(effect, keys);
  }
}

function pushNodeCommon(errs: FieldError[], node: Record<string, unknown>): void {
  const spec = recordOrEmpty(node.spec);
  // Go files spec taints under "metadata.taints".
  if (list(spec.taints).length > 0) pushNodeTaints(errs, spec.taints, 'metadata.taints');
  const status = recordOrEmpty(node.status);
  for (const kind of ['capacity', 'allocatable']) {
    const resources = recordOrEmpty(status[kind]);
    for (const name in resources) pushResourceQuantityValue(errs, name, resources[name], `status.${kind}.${name}`);
  }
}

export function validateNode(obj: unknown): FieldError[] {
  const node = recordOrEmpty(obj);
  const errs: FieldError[] = [];
  pushNodeCommon(errs, node);
  const cidrs = list(recordOrEmpty(node.spec).podCIDRs).map(str);
  for (let i = 0; i < cidrs.length; i++) pushValidCIDR(errs, index('spec.podCIDRs', i), cidrs[i]);
  if (cidrs.length > 1) {
    const families = new Set(cidrs.map((c) => parseCIDR(c)?.ip.family));
    if (families.size !== 2 || cidrs.length > 2) errs.push(field.invalid('spec.podCIDRs', cidrs, 'may specify no more than one CIDR for each IP family'));
    const seen = new Set<string>();
    for (let i = 0; i < cidrs.length; i++) {
      if (seen.has(cidrs[i])) errs.push(field.duplicate(index('spec.podCIDRs', i), cidrs[i]));
      seen.add(cidrs[i]);
    }
  }
  return errs;
}

export function validateNodeUpdate(obj: unknown, oldObj: unknown): FieldError[] {
  const node = recordOrEmpty(obj);
  const old = recordOrEmpty(oldObj);
  const spec = recordOrEmpty(node.spec);
  const oldSpec = recordOrEmpty(old.spec);
  const errs: FieldError[] = [];
  const status = recordOrEmpty(node.status);
  const seen = new Set<string>();
  const addresses = list(status.addresses);
  for (let i = 0; i < addresses.length; i++) {
    const a = recordOrEmpty(addresses[i]);
    const k = `${str(a.type)}\u0000${str(a.address)}`;
    if (seen.has(k)) errs.push(field.duplicate(index('status.addresses', i), a));
    seen.add(k);
  }
  const oldCIDRs = list(oldSpec.podCIDRs).map(str);
  const cidrs = list(spec.podCIDRs).map(str);
  if (oldCIDRs.length > 0) {
    const msg = 'node updates may not change podCIDR except from "" to valid';
    if (oldCIDRs.length !== cidrs.length) errs.push(field.forbidden('spec.podCIDRs', msg));
    else for (let i = 0; i < oldCIDRs.length; i++) if (oldCIDRs[i] !== cidrs[i]) errs.push(field.forbidden('spec.podCIDRs', msg));
  }
  const oldProvider = str(oldSpec.providerID);
  if (oldProvider !== '' && oldProvider !== str(spec.providerID)) {
    errs.push(field.forbidden('spec.providerID', 'node updates may not change providerID except from "" to valid'));
  }
  pushNodeCommon(errs, node);
  if (str(spec.externalID) !== str(oldSpec.externalID)) errs.push(field.forbidden('spec.externalID', 'may not be updated'));
  return errs;
}

const REPORTING_INSTANCE_LIMIT = 128;
const ACTION_LIMIT = 128;
const REASON_LIMIT = 128;
const NOTE_LIMIT = 1024;

/**
 * The checks every Event gets, whatever API group it came through (legacyValidateEvent). Events
 * are validated in their stored (core/v1) shape: events.k8s.io/v1 ones are renamed before this.
 */
function pushLegacyEvent(errs: FieldError[], e: Record<string, unknown>, controllerField: string): void {
  const namespace = str(recordOrEmpty(e.metadata).namespace);
  const involvedNamespace = str(recordOrEmpty(e.involvedObject).namespace);
  if (!isSet(e.eventTime)) {
    if (involvedNamespace === '') {
      if (namespace !== '' && namespace !== 'default') {
        errs.push(field.invalid('involvedObject.namespace', involvedNamespace, 'does not match event.namespace'));
      }
    } else if (namespace !== involvedNamespace) {
      errs.push(field.invalid('involvedObject.namespace', involvedNamespace, 'does not match event.namespace'));
    }
  } else {
    if (involvedNamespace === '' && namespace !== 'default' && namespace !== 'kube-system') {
      errs.push(field.invalid('involvedObject.namespace', involvedNamespace, 'does not match event.namespace'));
    }
    const controller = str(e.reportingComponent);
    if (controller === '') errs.push(field.required(controllerField, ''));
    for (const msg of isQualifiedName(controller)) errs.push(field.invalid(controllerField, controller, msg));
    const instance = str(e.reportingInstance);
    if (instance === '') errs.push(field.required('reportingInstance', ''));
    if (byteLength(instance) > REPORTING_INSTANCE_LIMIT) {
      errs.push(field.invalid('reportingInstance', '', `can have at most ${REPORTING_INSTANCE_LIMIT} characters`));
    }
    const action = str(e.action);
    if (action === '') errs.push(field.required('action', ''));
    if (byteLength(action) > ACTION_LIMIT) errs.push(field.invalid('action', '', `can have at most ${ACTION_LIMIT} characters`));
    const reason = str(e.reason);
    if (reason === '') errs.push(field.required('reason', ''));
    if (byteLength(reason) > REASON_LIMIT) errs.push(field.invalid('reason', '', `can have at most ${REASON_LIMIT} characters`));
    if (byteLength(str(e.message)) > NOTE_LIMIT) errs.push(field.invalid('message', '', `can have at most ${NOTE_LIMIT} characters`));
  }
  for (const msg of isDNS1123Subdomain(namespace)) errs.push(field.invalid('namespace', namespace, msg));
}

/**
 * Events created through core/v1 only get the legacy checks, for compatibility with old clients;
 * their errors name the core/v1 field "reportingComponent".
 */
export function validateCoreEvent(obj: unknown): FieldError[] {
  const errs: FieldError[] = [];
  pushLegacyEvent(errs, recordOrEmpty(obj), 'reportingComponent');
  return errs;
}

/**
 * Events created through events.k8s.io/v1: the legacy checks plus the strict ones. Takes the
 * stored (core/v1) shape; paths use the internal field names, as kube-apiserver reports them.
 */
export function validateEventsEvent(obj: unknown): FieldError[] {
  const e = recordOrEmpty(obj);
  const errs: FieldError[] = [];
  pushLegacyEvent(errs, e, 'reportingController');
  pushEventSeries(errs, e.series);
  if (!isSet(e.eventTime)) errs.push(field.required('eventTime', ''));
  const type = str(e.type);
  if (type !== 'Normal' && type !== 'Warning') errs.push(field.invalid('type', '', `has invalid value: ${type}`));
  if (isSet(e.firstTimestamp)) errs.push(field.invalid('firstTimestamp', '', 'needs to be unset'));
  if (isSet(e.lastTimestamp)) errs.push(field.invalid('lastTimestamp', '', 'needs to be unset'));
  if (isSet(e.count) && e.count !== 0) errs.push(field.invalid('count', '', 'needs to be unset'));
  const source = recordOrEmpty(e.source);
  if (str(source.component) !== '' || str(source.host) !== '') errs.push(field.invalid('source', '', 'needs to be unset'));
  return errs;
}

// Go checks reason twice; both errors reach the causes list.
const immutableEventFields = [
  'involvedObject', 'reason', 'message', 'source', 'firstTimestamp', 'lastTimestamp', 'count', 'reason',
  'type', 'eventTime', 'action', 'related', 'reportingComponent', 'reportingInstance',
] as const;

/** Updates through events.k8s.io/v1: the new object passes the checks, and little may change. */
export function validateEventsEventUpdate(obj: unknown, oldObj: unknown): FieldError[] {
  const e = recordOrEmpty(obj);
  const old = recordOrEmpty(oldObj);
  const errs: FieldError[] = [];
  pushLegacyEvent(errs, e, 'reportingController');
  if (!semanticEqual(e.series, old.series)) pushEventSeries(errs, e.series);
  for (const k of immutableEventFields) {
    if (!semanticEqual(e[k], old[k])) {
      errs.push(field.invalid(k === 'reportingComponent' ? 'reportingController' : k, e[k] ?? null, FIELD_IMMUTABLE));
    }
  }
  return errs;
}

function pushEventSeries(errs: FieldError[], seriesValue: unknown): void {
  const series = record(seriesValue);
  if (!series) return;
  if (((series.count as number) ?? 0) < 2) errs.push(field.invalid('series.count', '', 'should be at least 2'));
  if (!isSet(series.lastObservedTime)) errs.push(field.required('series.lastObservedTime', ''));
}

const quotaScopes = new Set([
  'Terminating', 'NotTerminating', 'BestEffort', 'NotBestEffort', 'PriorityClass', 'CrossNamespacePodAffinity', 'VolumeAttributesClass',
]);
const conflictingScopes: readonly [string, string][] = [
  ['BestEffort', 'NotBestEffort'],
  ['Terminating', 'NotTerminating'],
];

function pushQuotaResources(errs: FieldError[], resourcesValue: unknown, path: string): void {
  const resources = recordOrEmpty(resourcesValue);
  for (const name in resources) {
    const p = key(path, name);
    pushQuotaResourceName(errs, name, p);
    pushResourceQuantityValue(errs, name, resources[name], p);
  }
}

/**
 * spec.hard and the scope list. Which scopes may go with which resources is not checked (Go's
 * "unsupported scope applied to resource").
 */
export function validateResourceQuota(obj: unknown): FieldError[] {
  const spec = recordOrEmpty(recordOrEmpty(obj).spec);
  const errs: FieldError[] = [];
  pushQuotaResources(errs, spec.hard, 'spec.hard');
  const scopes = list(spec.scopes);
  if (scopes.length > 0) {
    for (const scope of scopes) {
      if (!quotaScopes.has(str(scope))) errs.push(field.invalid('spec.scopes', scopes, 'unsupported scope'));
    }
    const present = new Set(scopes.map(str));
    for (const [a, b] of conflictingScopes) {
      if (present.has(a) && present.has(b)) errs.push(field.invalid('spec.scopes', scopes, 'conflicting scopes'));
    }
  }
  return errs;
}

export function validateResourceQuotaUpdate(obj: unknown, oldObj: unknown): FieldError[] {
  const errs = validateResourceQuota(obj);
  const scopes = list(recordOrEmpty(recordOrEmpty(obj).spec).scopes);
  const oldScopes = new Set(list(recordOrEmpty(recordOrEmpty(oldObj).spec).scopes).map(str));
  const newScopes = new Set(scopes.map(str));
  if (newScopes.size !== oldScopes.size || [...newScopes].some((s) => !oldScopes.has(s))) {
    errs.push(field.invalid('spec.scopes', scopes, FIELD_IMMUTABLE));
  }
  return errs;
}

export function validateResourceQuotaStatusUpdate(obj: unknown): FieldError[] {
  const status = recordOrEmpty(recordOrEmpty(obj).status);
  const errs: FieldError[] = [];
  pushQuotaResources(errs, status.hard, 'status.hard');
  pushQuotaResources(errs, status.used, 'status.used');
  return errs;
}
