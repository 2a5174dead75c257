// HorizontalPodAutoscaler (pkg/apis/autoscaling/validation), checked in its storage form
// (autoscaling/v2): v1 objects arrive here already converted, so v1 errors carry v2 paths.
import type { FieldError } from '../../apierrors/field-errors.js';
import { field } from '../../apierrors/field-errors.js';
import { child, index } from './field-path.js';
import { isDNS1123Label, isValidPathSegmentName } from './formats.js';
import { isSet, list, num, record, recordOrEmpty, str, type JsonRecord } from './json-value.js';
import { pushNonNegative } from './object-meta.js';
import { compareQuantities } from './quantities.js';
import { pushContainerResourceName } from './resources.js';

const MAX_PERIOD_SECONDS = 1800;
const MAX_STABILIZATION_WINDOW_SECONDS = 3600;
const metricSourceTypes = ['ContainerResource', 'External', 'Object', 'Pods', 'Resource'];
/** Metric type → the member of MetricSpec that carries its details. */
const sourceFieldOfType: Readonly<Record<string, string>> = {
  Object: 'object',
  Pods: 'pods',
  Resource: 'resource',
  External: 'external',
  ContainerResource: 'containerResource',
};
// The order Go looks at the members in; only the first one present is validated in depth.
const sourceFields = ['object', 'external', 'pods', 'resource', 'containerResource'] as const;
const selectPolicies = ['Disabled', 'Max', 'Min'];
const scalingPolicyTypes = ['Percent', 'Pods'];
const SOURCE_REQUIRED = 'must populate information for the given metric source';

function pushPathSegmentRequired(errs: FieldError[], value: unknown, path: string, requiredDetail: string): void {
  const s = str(value);
  if (s === '') errs.push(field.required(path, requiredDetail));
  else for (const msg of isValidPathSegmentName(s)) errs.push(field.invalid(path, s, msg));
}

function pushCrossVersionObjectReference(errs: FieldError[], refValue: unknown, path: string): void {
  const ref = recordOrEmpty(refValue);
  pushPathSegmentRequired(errs, ref.kind, child(path, 'kind'), '');
  pushPathSegmentRequired(errs, ref.name, child(path, 'name'), '');
}

function pushMetricIdentifier(errs: FieldError[], idValue: unknown, path: string): void {
  pushPathSegmentRequired(errs, recordOrEmpty(idValue).name, child(path, 'name'), 'must specify a metric name');
}

function isPositiveQuantity(value: unknown): boolean {
  return compareQuantities(value, '0') === 1;
}

function pushMetricTarget(errs: FieldError[], target: JsonRecord, path: string): void {
  const type = str(target.type);
  if (type === '') errs.push(field.required(child(path, 'type'), 'must specify a metric target type'));
  if (type !== 'Utilization' && type !== 'Value' && type !== 'AverageValue') {
    errs.push(field.invalid(child(path, 'type'), type, 'must be either Utilization, Value, or AverageValue'));
  }
  for (const k of ['value', 'averageValue'] as const) {
    if (isSet(target[k]) && !isPositiveQuantity(target[k])) errs.push(field.invalid(child(path, k), target[k], 'must be positive'));
  }
  const utilization = num(target.averageUtilization);
  if (utilization !== undefined && utilization < 1) {
    errs.push(field.invalid(child(path, 'averageUtilization'), utilization, 'must be greater than 0'));
  }
}

function pushResourceTargetChoice(errs: FieldError[], target: JsonRecord, path: string): void {
  const targetPath = child(path, 'target');
  if (!isSet(target.averageUtilization) && !isSet(target.averageValue)) {
    errs.push(field.required(child(targetPath, 'averageUtilization'), 'must set either a target raw value or a target utilization'));
  }
  if (isSet(target.averageUtilization) && isSet(target.averageValue)) {
    errs.push(field.forbidden(child(targetPath, 'averageValue'), 'may not set both a target raw value and a target utilization'));
  }
}

type SourceCheck = (errs: FieldError[], src: JsonRecord, target: JsonRecord, path: string) => void;

const sourceChecks: Readonly<Record<(typeof sourceFields)[number], SourceCheck>> = {
  object: (errs, src, target, path) => {
    pushCrossVersionObjectReference(errs, src.describedObject, child(path, 'describedObject'));
    pushMetricIdentifier(errs, src.metric, child(path, 'metric'));
    pushMetricTarget(errs, target, child(path, 'target'));
    if (!isSet(target.value) && !isSet(target.averageValue)) {
      errs.push(field.required(child(child(path, 'target'), 'averageValue'), 'must set either a target value or averageValue'));
    }
  },
  external: (errs, src, target, path) => {
    pushMetricIdentifier(errs, src.metric, child(path, 'metric'));
    pushMetricTarget(errs, target, child(path, 'target'));
    const targetPath = child(path, 'target');
    if (!isSet(target.value) && !isSet(target.averageValue)) {
      errs.push(field.required(child(targetPath, 'averageValue'), 'must set either a target value for metric or a per-pod target'));
    }
    if (isSet(target.value) && isSet(target.averageValue)) {
      errs.push(field.forbidden(child(targetPath, 'value'), 'may not set both a target value for metric and a per-pod target'));
    }
  },
  pods: (errs, src, target, path) => {
    pushMetricIdentifier(errs, src.metric, child(path, 'metric'));
    pushMetricTarget(errs, target, child(path, 'target'));
    if (!isSet(target.averageValue)) {
      errs.push(field.required(child(child(path, 'target'), 'averageValue'), 'must specify a positive target averageValue'));
    }
  },
  resource: (errs, src, target, path) => {
    if (str(src.name) === '') errs.push(field.required(child(path, 'name'), 'must specify a resource name'));
    pushMetricTarget(errs, target, child(path, 'target'));
    pushResourceTargetChoice(errs, target, path);
  },
  containerResource: (errs, src, target, path) => {
    const name = str(src.name);
    if (name === '') errs.push(field.required(child(path, 'name'), 'must specify a resource name'));
    else pushContainerResourceName(errs, name, child(path, 'name'));
    const container = str(src.container);
    if (container === '') errs.push(field.required(child(path, 'container'), 'must specify a container'));
    else for (const msg of isDNS1123Label(container)) errs.push(field.invalid(child(path, 'container'), container, msg));
    pushMetricTarget(errs, target, child(path, 'target'));
    pushResourceTargetChoice(errs, target, path);
  },
};

function pushMetricSpec(errs: FieldError[], spec: JsonRecord, path: string): void {
  const type = str(spec.type);
  const typePath = child(path, 'type');
  if (type === '') errs.push(field.required(typePath, 'must specify a metric source type'));
  const expected = sourceFieldOfType[type];
  if (expected === undefined) errs.push(field.notSupported(typePath, type, metricSourceTypes));

  const present: string[] = [];
  for (const f of sourceFields) {
    const src = record(spec[f]);
    if (!src) continue;
    present.push(f);
    if (present.length === 1) sourceChecks[f](errs, src, recordOrEmpty(src.target), child(path, f));
  }
  if (expected === undefined) {
    // Go reports an unknown type a second time from its switch statement.
    errs.push(field.notSupported(typePath, type, metricSourceTypes));
  } else if (!record(spec[expected])) {
    errs.push(field.required(child(path, expected), SOURCE_REQUIRED));
  }
  if (present.length !== 1) {
    for (const f of present) if (f !== expected) errs.push(field.forbidden(child(path, f), 'must populate the given metric source only'));
  }
}

function pushMetrics(errs: FieldError[], metricsValue: unknown, path: string, minReplicas: number | undefined): void {
  const metrics = list(metricsValue);
  let scalesOnObjectOrExternal = false;
  for (let i = 0; i < metrics.length; i++) {
    const m = recordOrEmpty(metrics[i]);
    pushMetricSpec(errs, m, index(path, i));
    if (m.type === 'Object' || m.type === 'External') scalesOnObjectOrExternal = true;
  }
  if (minReplicas === 0 && !scalesOnObjectOrExternal) {
    errs.push(field.forbidden(path, 'must specify at least one Object or External metric to support scaling to zero replicas'));
  }
}

function pushScalingRules(errs: FieldError[], rulesValue: unknown, path: string): void {
  const rules = record(rulesValue);
  if (!rules) return;
  const window = num(rules.stabilizationWindowSeconds);
  const windowPath = child(path, 'stabilizationWindowSeconds');
  if (window !== undefined && window < 0) errs.push(field.invalid(windowPath, window, 'must be greater than or equal to zero'));
  if (window !== undefined && window > MAX_STABILIZATION_WINDOW_SECONDS) {
    errs.push(field.invalid(windowPath, window, `must be less than or equal to ${MAX_STABILIZATION_WINDOW_SECONDS}`));
  }
  if (typeof rules.selectPolicy === 'string' && !selectPolicies.includes(rules.selectPolicy)) {
    errs.push(field.notSupported(child(path, 'selectPolicy'), rules.selectPolicy, selectPolicies));
  }
  if (isSet(rules.tolerance) && compareQuantities(rules.tolerance, '0') === -1) {
    // Go words this one differently from its neighbours.
    errs.push(field.invalid(child(path, 'tolerance'), rules.tolerance, 'must be greater or equal to zero'));
  }
  const policiesPath = child(path, 'policies');
  const policies = list(rules.policies);
  if (policies.length === 0) errs.push(field.required(policiesPath, 'must specify at least one Policy'));
  for (let i = 0; i < policies.length; i++) {
    const policy = recordOrEmpty(policies[i]);
    const p = index(policiesPath, i);
    const type = str(policy.type);
    if (!scalingPolicyTypes.includes(type)) errs.push(field.notSupported(child(p, 'type'), type, scalingPolicyTypes));
    const value = num(policy.value) ?? 0;
    if (value <= 0) errs.push(field.invalid(child(p, 'value'), value, 'must be greater than zero'));
    const period = num(policy.periodSeconds) ?? 0;
    if (period <= 0) errs.push(field.invalid(child(p, 'periodSeconds'), period, 'must be greater than zero'));
    if (period > MAX_PERIOD_SECONDS) errs.push(field.invalid(child(p, 'periodSeconds'), period, `must be less than or equal to ${MAX_PERIOD_SECONDS}`));
  }
}

/**
 * minReplicasLowerBound is 1 because HPAScaleToZero is off by default; an object that already
 * has minReplicas 0 keeps it on update.
 */
function pushHPASpec(errs: FieldError[], specValue: unknown, minReplicasLowerBound: number): void {
  const spec = recordOrEmpty(specValue);
  const minReplicas = num(spec.minReplicas);
  const maxReplicas = num(spec.maxReplicas) ?? 0;
  if (minReplicas !== undefined && minReplicas < minReplicasLowerBound) {
    errs.push(field.invalid('spec.minReplicas', minReplicas, `must be greater than or equal to ${minReplicasLowerBound}`));
  }
  if (maxReplicas < 1) errs.push(field.invalid('spec.maxReplicas', maxReplicas, 'must be greater than 0'));
  if (minReplicas !== undefined && maxReplicas < minReplicas) {
    errs.push(field.invalid('spec.maxReplicas', maxReplicas, 'must be greater than or equal to `minReplicas`'));
  }
  pushCrossVersionObjectReference(errs, spec.scaleTargetRef, 'spec.scaleTargetRef');
  pushMetrics(errs, spec.metrics, 'spec.metrics', minReplicas);
  const behavior = record(spec.behavior);
  if (behavior) {
    pushScalingRules(errs, behavior.scaleUp, 'spec.behavior.scaleUp');
    pushScalingRules(errs, behavior.scaleDown, 'spec.behavior.scaleDown');
  }
}

export function validateHorizontalPodAutoscaler(obj: unknown): FieldError[] {
  const errs: FieldError[] = [];
  pushHPASpec(errs, recordOrEmpty(obj).spec, 1);
  return errs;
}

export function validateHorizontalPodAutoscalerUpdate(obj: unknown, oldObj: unknown): FieldError[] {
  const errs: FieldError[] = [];
  const oldMin = num(recordOrEmpty(recordOrEmpty(oldObj).spec).minReplicas);
  pushHPASpec(errs, recordOrEmpty(obj).spec, oldMin === 0 ? 0 : 1);
  return errs;
}

export function validateHorizontalPodAutoscalerStatusUpdate(obj: unknown): FieldError[] {
  const errs: FieldError[] = [];
  const status = recordOrEmpty(recordOrEmpty(obj).status);
  pushNonNegative(errs, status.currentReplicas, 'status.currentReplicas');
  pushNonNegative(errs, status.desiredReplicas, 'status.desiredReplicas');
  return errs;
}
