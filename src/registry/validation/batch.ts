// Jobs and CronJobs (pkg/apis/batch/validation).
import type { FieldError } from '../../apierrors/field-errors.js';
import { field } from '../../apierrors/field-errors.js';
import { cronScheduleError } from './cron-schedule.js';
import { child, index, key } from './field-path.js';
import { isDNS1123Label, isDomainPrefixedPath } from './formats.js';
import { isSet, list, num, optStr, record, recordOrEmpty, str, type JsonRecord } from './json-value.js';
import { labelSelectorAsSelector, pushLabelName, pushLabelSelector, selectorMatches } from './labels.js';
import { FIELD_IMMUTABLE, pushNonNegative } from './object-meta.js';
import { pushPodTemplateSpec } from './pods.js';
import { semanticEqual } from './semantic-equal.js';
import { loadLocationError, unknownTimeZoneError } from './time-zones.js';

const MAX_PARALLELISM_INDEXED = 100000;
const MAX_FAILED_INDEXES = 100000;
const COMPLETIONS_SOFT_LIMIT = 100000;
const PARALLELISM_HIGH_COMPLETIONS = 10000;
const MAX_FAILED_INDEXES_HIGH_COMPLETIONS = 10000;
const MAX_POD_FAILURE_POLICY_RULES = 20;
const MAX_ON_EXIT_CODES_VALUES = 255;
const MAX_ON_POD_CONDITIONS = 20;
const MAX_MANAGED_BY_LENGTH = 63;
const MAX_SUCCESS_POLICY_RULES = 20;

const podFailureActions = ['Count', 'FailIndex', 'FailJob', 'Ignore'];

function pushHasLabel(errs: FieldError[], labels: JsonRecord, labelKey: string, expected: string): void {
  const path = key('spec.template.metadata.labels', labelKey);
  if (!Object.prototype.hasOwnProperty.call(labels, labelKey)) errs.push(field.required(path, `must be '${expected}'`));
  else if (labels[labelKey] !== expected) errs.push(field.invalid(path, labels, `must be '${expected}'`));
}

/** Without manualSelector, the selector and template labels must be the generated ones. */
function pushGeneratedSelector(errs: FieldError[], job: JsonRecord, requirePrefixedLabels: boolean): void {
  const spec = recordOrEmpty(job.spec);
  if (spec.manualSelector === true || !isSet(spec.selector)) return;
  const meta = recordOrEmpty(job.metadata);
  const uid = str(meta.uid);
  const name = str(meta.name);
  if (uid === '') errs.push(field.required('metadata.uid', ''));
  const labels = recordOrEmpty(recordOrEmpty(recordOrEmpty(spec.template).metadata).labels);
  pushHasLabel(errs, labels, 'controller-uid', uid);
  pushHasLabel(errs, labels, 'job-name', name);
  const expected: JsonRecord = { 'controller-uid': uid, 'job-name': name };
  if (requirePrefixedLabels) {
    pushHasLabel(errs, labels, 'batch.kubernetes.io/controller-uid', uid);
    pushHasLabel(errs, labels, 'batch.kubernetes.io/job-name', name);
    expected['batch.kubernetes.io/controller-uid'] = uid;
    expected['batch.kubernetes.io/job-name'] = name;
  }
  const selector = labelSelectorAsSelector(spec.selector);
  if (selector && !selectorMatches(selector, expected)) errs.push(field.invalid('spec.selector', spec.selector, '`selector` not auto-generated'));
}

function pushPodFailurePolicy(errs: FieldError[], spec: JsonRecord, path: string): void {
  const policy = recordOrEmpty(spec.podFailurePolicy);
  const rules = list(policy.rules);
  const rulesPath = child(path, 'rules');
  if (rules.length > MAX_POD_FAILURE_POLICY_RULES) errs.push(field.tooMany(rulesPath, rules.length, MAX_POD_FAILURE_POLICY_RULES));
  const tspec = recordOrEmpty(recordOrEmpty(spec.template).spec);
  const containerNames = new Set<string>();
  for (const c of [...list(tspec.containers), ...list(tspec.initContainers)]) containerNames.add(str(recordOrEmpty(c).name));
  for (let i = 0; i < rules.length; i++) {
    const rule = recordOrEmpty(rules[i]);
    const rp = index(rulesPath, i);
    const action = str(rule.action);
    if (action === '') errs.push(field.required(child(rp, 'action'), `valid values: ["${podFailureActions.join('" "')}"]`));
    else if (action === 'FailIndex') {
      if (!isSet(spec.backoffLimitPerIndex)) errs.push(field.invalid(child(rp, 'action'), action, 'requires the backoffLimitPerIndex to be set'));
    } else if (!podFailureActions.includes(action)) errs.push(field.notSupported(child(rp, 'action'), action, podFailureActions));
    const onExit = record(rule.onExitCodes);
    const onConditions = list(rule.onPodConditions);
    if (onExit) {
      const ep = child(rp, 'onExitCodes');
      const op = str(onExit.operator);
      if (op === '') errs.push(field.required(child(ep, 'operator'), 'valid values: ["In" "NotIn"]'));
      else if (op !== 'In' && op !== 'NotIn') errs.push(field.notSupported(child(ep, 'operator'), op, ['In', 'NotIn']));
      const containerName = optStr(onExit.containerName);
      if (containerName !== undefined && !containerNames.has(containerName)) {
        errs.push(field.invalid(child(ep, 'containerName'), containerName, 'must be one of the container or initContainer names in the pod template'));
      }
      const values = list(onExit.values);
      const vp = child(ep, 'values');
      if (values.length === 0) errs.push(field.invalid(vp, values, 'at least one value is required'));
      else if (values.length > MAX_ON_EXIT_CODES_VALUES) errs.push(field.tooMany(vp, values.length, MAX_ON_EXIT_CODES_VALUES));
      let ordered = true;
      const seen = new Set<number>();
      for (let j = 0; j < values.length; j++) {
        const v = num(values[j]) ?? 0;
        if (op === 'In' && v === 0) errs.push(field.invalid(index(vp, j), v, 'must not be 0 for the In operator'));
        if (seen.has(v)) errs.push(field.duplicate(index(vp, j), v));
        else seen.add(v);
        if (j > 0 && (num(values[j - 1]) ?? 0) > v) ordered = false;
      }
      if (!ordered) errs.push(field.invalid(vp, values, 'must be ordered'));
    }
    if (onConditions.length > 0) {
      const cp = child(rp, 'onPodConditions');
      if (onConditions.length > MAX_ON_POD_CONDITIONS) errs.push(field.tooMany(cp, onConditions.length, MAX_ON_POD_CONDITIONS));
      for (let j = 0; j < onConditions.length; j++) {
        const pattern = recordOrEmpty(onConditions[j]);
        pushLabelName(errs, str(pattern.type), child(index(cp, j), 'type'));
        const status = str(pattern.status);
        const sp = child(index(cp, j), 'status');
        if (status === '') errs.push(field.required(sp, 'valid values: ["False" "True" "Unknown"]'));
        else if (status !== 'True' && status !== 'False' && status !== 'Unknown') errs.push(field.notSupported(sp, status, ['False', 'True', 'Unknown']));
      }
    }
    if (onExit && onConditions.length > 0) {
      errs.push({ type: 'FieldValueInvalid', field: rp, detail: 'specifying both OnExitCodes and OnPodConditions is not supported' });
    }
    if (!onExit && onConditions.length === 0) {
      errs.push({ type: 'FieldValueInvalid', field: rp, detail: 'specifying one of OnExitCodes and OnPodConditions is required' });
    }
  }
}

/** Rules of the job spec that also apply to CronJob job templates (Go's validateJobSpec). */
function pushJobSpecCommon(errs: FieldError[], specValue: unknown, path: string): void {
  const spec = recordOrEmpty(specValue);
  for (const f of ['parallelism', 'completions', 'activeDeadlineSeconds', 'backoffLimit', 'ttlSecondsAfterFinished', 'backoffLimitPerIndex']) {
    pushNonNegative(errs, spec[f], child(path, f));
  }
  if (isSet(spec.maxFailedIndexes)) {
    pushNonNegative(errs, spec.maxFailedIndexes, child(path, 'maxFailedIndexes'));
    if (!isSet(spec.backoffLimitPerIndex)) errs.push(field.required(child(path, 'backoffLimitPerIndex'), 'when maxFailedIndexes is specified'));
  }
  const managedBy = optStr(spec.managedBy);
  if (managedBy !== undefined) {
    for (const e of isDomainPrefixedPath(child(path, 'managedBy'), managedBy)) errs.push(e);
    if (managedBy.length > MAX_MANAGED_BY_LENGTH) errs.push(field.tooLong(child(path, 'managedBy'), managedBy, MAX_MANAGED_BY_LENGTH));
  }
  const mode = optStr(spec.completionMode);
  const completions = num(spec.completions);
  const parallelism = num(spec.parallelism);
  const maxFailed = num(spec.maxFailedIndexes);
  if (mode !== undefined) {
    if (mode !== 'NonIndexed' && mode !== 'Indexed') errs.push(field.notSupported(child(path, 'completionMode'), mode, ['NonIndexed', 'Indexed']));
    if (mode === 'Indexed') {
      if (completions === undefined) errs.push(field.required(child(path, 'completions'), 'when completion mode is Indexed'));
      if (parallelism !== undefined && parallelism > MAX_PARALLELISM_INDEXED) {
        errs.push(field.invalid(child(path, 'parallelism'), parallelism, `must be less than or equal to ${MAX_PARALLELISM_INDEXED} when completion mode is Indexed`));
      }
      if (completions !== undefined && maxFailed !== undefined && maxFailed > completions) {
        errs.push(field.invalid(child(path, 'maxFailedIndexes'), maxFailed, 'must be less than or equal to completions'));
      }
      if (maxFailed !== undefined && maxFailed > MAX_FAILED_INDEXES) {
        errs.push(field.invalid(child(path, 'maxFailedIndexes'), maxFailed, `must be less than or equal to ${MAX_FAILED_INDEXES}`));
      }
      if (completions !== undefined && completions > COMPLETIONS_SOFT_LIMIT && isSet(spec.backoffLimitPerIndex)) {
        if (maxFailed === undefined) {
          errs.push(field.required(child(path, 'maxFailedIndexes'), `must be specified when completions is above ${COMPLETIONS_SOFT_LIMIT}`));
        }
        if (parallelism !== undefined && parallelism > PARALLELISM_HIGH_COMPLETIONS) {
          errs.push(
            field.invalid(
              child(path, 'parallelism'),
              parallelism,
              `must be less than or equal to ${PARALLELISM_HIGH_COMPLETIONS} when completions are above ${COMPLETIONS_SOFT_LIMIT} and used with backoff limit per index`,
            ),
          );
        }
        if (maxFailed !== undefined && maxFailed > MAX_FAILED_INDEXES_HIGH_COMPLETIONS) {
          errs.push(
            field.invalid(
              child(path, 'maxFailedIndexes'),
              maxFailed,
              `must be less than or equal to ${MAX_FAILED_INDEXES_HIGH_COMPLETIONS} when completions are above ${COMPLETIONS_SOFT_LIMIT} and used with backoff limit per index`,
            ),
          );
        }
      }
    }
  }
  if (mode === undefined || mode === 'NonIndexed') {
    if (isSet(spec.backoffLimitPerIndex)) errs.push(field.invalid(child(path, 'backoffLimitPerIndex'), spec.backoffLimitPerIndex, 'requires indexed completion mode'));
    if (maxFailed !== undefined) errs.push(field.invalid(child(path, 'maxFailedIndexes'), maxFailed, 'requires indexed completion mode'));
  }
  if (isSet(spec.podFailurePolicy)) pushPodFailurePolicy(errs, spec, child(path, 'podFailurePolicy'));
  const success = record(spec.successPolicy);
  if (success) {
    if (mode !== 'Indexed') {
      errs.push(field.invalid(child(path, 'successPolicy'), success, 'requires indexed completion mode'));
    } else {
      const rules = list(success.rules);
      const rp = child(child(path, 'successPolicy'), 'rules');
      if (rules.length === 0) errs.push(field.required(rp, 'at least one rules must be specified when the successPolicy is specified'));
      if (rules.length > MAX_SUCCESS_POLICY_RULES) errs.push(field.tooMany(rp, rules.length, MAX_SUCCESS_POLICY_RULES));
      for (let i = 0; i < rules.length; i++) {
        const rule = recordOrEmpty(rules[i]);
        if (!isSet(rule.succeededCount) && !isSet(rule.succeededIndexes)) {
          errs.push(field.required(index(rp, i), 'at least one of succeededCount or succeededIndexes must be specified'));
        }
        const count = num(rule.succeededCount);
        if (count !== undefined) {
          pushNonNegative(errs, count, child(index(rp, i), 'succeededCount'));
          if (completions !== undefined && count > completions) {
            errs.push(field.invalid(child(index(rp, i), 'succeededCount'), count, `must be less than or equal to ${completions} (the number of specified completions)`));
          }
        }
      }
    }
  }
  const replacement = optStr(spec.podReplacementPolicy);
  if (replacement !== undefined) {
    if (isSet(spec.podFailurePolicy)) {
      if (replacement !== 'Failed') errs.push(field.notSupported(child(path, 'podReplacementPolicy'), replacement, ['Failed']));
    } else if (replacement !== 'Failed' && replacement !== 'TerminatingOrFailed') {
      errs.push(field.notSupported(child(path, 'podReplacementPolicy'), replacement, ['Failed', 'TerminatingOrFailed']));
    }
  }
  pushPodTemplateSpec(errs, spec.template, child(path, 'template'));
  const rpPath = child(child(child(path, 'template'), 'spec'), 'restartPolicy');
  const restartPolicy = str(recordOrEmpty(recordOrEmpty(spec.template).spec).restartPolicy);
  if (restartPolicy === 'Always' || restartPolicy === '') {
    errs.push(field.required(rpPath, 'valid values: "OnFailure", "Never"'));
  } else if (restartPolicy !== 'OnFailure' && restartPolicy !== 'Never') {
    errs.push(field.notSupported(rpPath, restartPolicy, ['OnFailure', 'Never']));
  } else if (isSet(spec.podFailurePolicy) && restartPolicy !== 'Never') {
    errs.push(field.invalid(rpPath, restartPolicy, 'only "Never" is supported when podFailurePolicy is specified'));
  }
}

function pushJobSpec(errs: FieldError[], specValue: unknown, path: string): void {
  const spec = recordOrEmpty(specValue);
  pushJobSpecCommon(errs, spec, path);
  if (!isSet(spec.selector)) errs.push(field.required(child(path, 'selector'), ''));
  else pushLabelSelector(errs, spec.selector, child(path, 'selector'));
  const selector = labelSelectorAsSelector(spec.selector);
  const labels = recordOrEmpty(recordOrEmpty(spec.template).metadata).labels;
  if (selector && !selectorMatches(selector, labels)) {
    errs.push(field.invalid(child(child(child(path, 'template'), 'metadata'), 'labels'), labels ?? null, '`selector` does not match template `labels`'));
  }
}

/**
 * Job create. Runs after uid assignment and selector generation, as in kube-apiserver, since it
 * checks the generated `controller-uid`/`job-name` labels.
 */
export function validateJob(obj: unknown): FieldError[] {
  const job = recordOrEmpty(obj);
  const errs: FieldError[] = [];
  pushGeneratedSelector(errs, job, true);
  pushJobSpec(errs, job.spec, 'spec');
  const spec = recordOrEmpty(job.spec);
  const completions = num(spec.completions);
  if (spec.completionMode === 'Indexed' && completions !== undefined && completions > 0) {
    const name = str(recordOrEmpty(job.metadata).name);
    // Pod hostnames get an index suffix: the longest one must still be a DNS label.
    const hostname = `${name}-${completions - 1}`;
    if (isDNS1123Label(hostname).length > 0) {
      errs.push(field.invalid('metadata.name', name, `will not able to create pod with invalid DNS label: ${hostname}`));
    }
  }
  return errs;
}

/** Scheduling directives of a suspended job that never started may change. */
function mutableSchedulingTemplate(template: unknown, oldTemplate: unknown): JsonRecord {
  const t = recordOrEmpty(template);
  const old: JsonRecord = structuredClone(recordOrEmpty(oldTemplate));
  const oldSpec: JsonRecord = record(old.spec) ?? {};
  old.spec = oldSpec;
  const tspec = recordOrEmpty(t.spec);
  const newAffinity = record(tspec.affinity);
  const oldAffinity = record(oldSpec.affinity);
  if (!newAffinity && oldAffinity) {
    delete oldAffinity.nodeAffinity;
    if (Object.keys(oldAffinity).length === 0) delete oldSpec.affinity;
  } else if (newAffinity && !oldAffinity) {
    oldSpec.affinity = { nodeAffinity: newAffinity.nodeAffinity };
  } else if (newAffinity && oldAffinity) {
    oldAffinity.nodeAffinity = newAffinity.nodeAffinity;
  }
  oldSpec.nodeSelector = tspec.nodeSelector;
  oldSpec.tolerations = tspec.tolerations;
  oldSpec.schedulingGates = tspec.schedulingGates;
  const meta = { ...recordOrEmpty(old.metadata) };
  meta.annotations = recordOrEmpty(t.metadata).annotations;
  meta.labels = recordOrEmpty(t.metadata).labels;
  old.metadata = meta;
  return old;
}

export function validateJobUpdate(obj: unknown, oldObj: unknown): FieldError[] {
  const job = recordOrEmpty(obj);
  const old = recordOrEmpty(oldObj);
  const spec = recordOrEmpty(job.spec);
  const oldSpec = recordOrEmpty(old.spec);
  const errs: FieldError[] = [];
  pushJobSpec(errs, spec, 'spec');
  // ElasticIndexedJob: an indexed job may change completions together with parallelism.
  if (!semanticEqual(spec.completions, oldSpec.completions)) {
    if (spec.completionMode !== 'Indexed') errs.push(field.invalid('spec.completions', spec.completions ?? null, FIELD_IMMUTABLE));
    else if (isSet(spec.completions) && spec.completions !== spec.parallelism) {
      errs.push(field.invalid('spec.completions', spec.completions, 'can only be modified in tandem with spec.parallelism'));
    }
  }
  if (!semanticEqual(spec.selector, oldSpec.selector)) errs.push(field.invalid('spec.selector', spec.selector ?? null, FIELD_IMMUTABLE));
  const oldStatus = recordOrEmpty(old.status);
  const schedulingMutable = oldSpec.suspend === true && !isSet(oldStatus.startTime);
  const oldTemplate = schedulingMutable ? mutableSchedulingTemplate(spec.template, oldSpec.template) : oldSpec.template;
  if (!semanticEqual(spec.template, oldTemplate)) errs.push(field.invalid('spec.template', spec.template ?? null, FIELD_IMMUTABLE));
  for (const f of ['completionMode', 'podFailurePolicy', 'backoffLimitPerIndex', 'managedBy', 'successPolicy']) {
    if (!semanticEqual(spec[f], oldSpec[f])) errs.push(field.invalid(`spec.${f}`, spec[f] ?? null, FIELD_IMMUTABLE));
  }
  return errs;
}

export function validateJobStatusUpdate(obj: unknown): FieldError[] {
  const status = recordOrEmpty(recordOrEmpty(obj).status);
  const errs: FieldError[] = [];
  for (const f of ['active', 'succeeded', 'failed', 'ready', 'terminating']) pushNonNegative(errs, status[f], `status.${f}`);
  const uncounted = record(status.uncountedTerminatedPods);
  if (uncounted) {
    const seen = new Set<string>();
    for (const kind of ['succeeded', 'failed']) {
      const uids = list(uncounted[kind]);
      for (let i = 0; i < uids.length; i++) {
        const uid = str(uids[i]);
        const p = index(`status.uncountedTerminatedPods.${kind}`, i);
        if (uid === '') errs.push(field.invalid(p, uid, 'must not be empty'));
        else if (seen.has(uid)) errs.push(field.duplicate(p, uid));
        else seen.add(uid);
      }
    }
  }
  return errs;
}

const validTimeZoneCharacters = /^[A-Za-z.\-_0-9+]{1,14}$/;

function pushTimeZone(errs: FieldError[], tz: string, path: string): void {
  if (tz === '') {
    errs.push(field.invalid(path, tz, 'timeZone must be nil or non-empty string'));
    return;
  }
  for (const part of tz.split('/')) {
    if (part === '.' || part === '..' || part.startsWith('-') || !validTimeZoneCharacters.test(part)) {
      errs.push(field.invalid(path, tz, unknownTimeZoneError(tz)));
      return;
    }
  }
  if (tz.toLowerCase() === 'local') {
    errs.push(field.invalid(path, tz, 'timeZone must be an explicit time zone as defined in https://www.iana.org/time-zones'));
  }
  const err = loadLocationError(tz);
  if (err) errs.push(field.invalid(path, tz, err));
}

function pushCronJobSpec(errs: FieldError[], specValue: unknown, oldSpecValue: unknown | undefined): void {
  const spec = recordOrEmpty(specValue);
  const schedule = str(spec.schedule);
  if (schedule === '') {
    errs.push(field.required('spec.schedule', ''));
  } else {
    const parseErr = cronScheduleError(schedule);
    if (parseErr) errs.push(field.invalid('spec.schedule', schedule, parseErr));
    // TZ= prefixes are only tolerated on objects that already had them.
    const allowTZ = oldSpecValue !== undefined && str(recordOrEmpty(oldSpecValue).schedule).includes('TZ');
    if (allowTZ && schedule.includes('TZ') && isSet(spec.timeZone)) {
      errs.push(field.invalid('spec.schedule', schedule, 'cannot use both timeZone field and TZ or CRON_TZ in schedule'));
    } else if (!allowTZ && schedule.includes('TZ')) {
      errs.push(field.invalid('spec.schedule', schedule, 'cannot use TZ or CRON_TZ in schedule, use timeZone field instead'));
    }
  }
  pushNonNegative(errs, spec.startingDeadlineSeconds, 'spec.startingDeadlineSeconds');
  const tz = optStr(spec.timeZone);
  if (tz !== undefined && (oldSpecValue === undefined || recordOrEmpty(oldSpecValue).timeZone !== tz)) pushTimeZone(errs, tz, 'spec.timeZone');
  const policy = str(spec.concurrencyPolicy);
  if (policy === '') errs.push(field.required('spec.concurrencyPolicy', ''));
  else if (policy !== 'Allow' && policy !== 'Forbid' && policy !== 'Replace') {
    errs.push(field.notSupported('spec.concurrencyPolicy', policy, ['Allow', 'Forbid', 'Replace']));
  }
  const jobSpec = recordOrEmpty(recordOrEmpty(spec.jobTemplate).spec);
  pushJobSpecCommon(errs, jobSpec, 'spec.jobTemplate.spec');
  if (isSet(jobSpec.selector)) errs.push(field.invalid('spec.jobTemplate.spec.selector', jobSpec.selector, '`selector` will be auto-generated'));
  if (jobSpec.manualSelector === true) errs.push(field.notSupported('spec.jobTemplate.spec.manualSelector', true, ['nil', 'false']));
  pushNonNegative(errs, spec.successfulJobsHistoryLimit, 'spec.successfulJobsHistoryLimit');
  pushNonNegative(errs, spec.failedJobsHistoryLimit, 'spec.failedJobsHistoryLimit');
}

export function validateCronJob(obj: unknown): FieldError[] {
  const cj = recordOrEmpty(obj);
  const errs: FieldError[] = [];
  pushCronJobSpec(errs, cj.spec, undefined);
  const name = str(recordOrEmpty(cj.metadata).name);
  // Jobs get an 11-character "-<timestamp>" suffix and must stay within 63 characters.
  if (name.length > 52) errs.push(field.invalid('metadata.name', name, 'must be no more than 52 characters'));
  return errs;
}

export function validateCronJobUpdate(obj: unknown, old: unknown): FieldError[] {
  const errs: FieldError[] = [];
  pushCronJobSpec(errs, recordOrEmpty(obj).spec, recordOrEmpty(recordOrEmpty(old).spec));
  return errs;
}
