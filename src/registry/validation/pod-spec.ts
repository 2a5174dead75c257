// PodSpec rules (core ValidatePodSpec), shared by Pods and every pod template.
import type { FieldError } from '../../apierrors/field-errors.js';
import { field } from '../../apierrors/field-errors.js';
import { pushAppArmorProfile, pushContainers, pushEphemeralContainers, pushInitContainers, pushSeccompProfile, type ContainerContext } from './containers.js';
import { child, index, key } from './field-path.js';
import {
  byteLength,
  inclusiveRangeError,
  isDNS1123Label,
  isDNS1123Subdomain,
  isDNS1123SubdomainWithUnderscore,
  isLabelValue,
  isValidGroupID,
  isValidUserID,
} from './formats.js';
import { pushValidIP } from './ip-addresses.js';
import { isSet, list, num, optStr, record, recordOrEmpty, str, type JsonRecord } from './json-value.js';
import { pushLabelName, pushLabels, pushLabelSelector } from './labels.js';
import { nameValidators } from './name-validators.js';
import { compareQuantities, quantityMilli, quantityText } from './quantities.js';
import { pushContainerResourceName, pushPodResourceName, pushResourceRequirements } from './resources.js';
import { pushVolumes } from './volumes.js';

const MAX_INT32 = 2147483647;

export interface PodSpecOptions {
  /** The spec belongs to a Pod rather than a template (hostPort and image-volume rules differ). */
  resourceIsPod: boolean;
  /** The pod's name, for generic ephemeral volume claim names; undefined for templates. */
  podName?: string;
}

function pushTaintEffect(errs: FieldError[], effect: string, path: string): void {
  if (effect !== 'NoSchedule' && effect !== 'PreferNoSchedule' && effect !== 'NoExecute') {
    errs.push(field.notSupported(path, effect, ['NoSchedule', 'PreferNoSchedule', 'NoExecute']));
  }
}

export function pushTolerations(errs: FieldError[], tolerationsValue: unknown, path: string): void {
  const items = list(tolerationsValue);
  for (let i = 0; i < items.length; i++) {
    const t = recordOrEmpty(items[i]);
    const p = index(path, i);
    const k = str(t.key);
    const op = str(t.operator);
    const effect = str(t.effect);
    const value = str(t.value);
    if (k !== '') pushLabelName(errs, k, child(p, 'key'));
    if (k === '' && op !== 'Exists') {
      errs.push(field.invalid(child(p, 'operator'), op, 'operator must be Exists when `key` is empty, which means "match all values and all keys"'));
    }
    if (isSet(t.tolerationSeconds) && effect !== 'NoExecute') {
      errs.push(field.invalid(child(p, 'effect'), effect, "effect must be 'NoExecute' when `tolerationSeconds` is set"));
    }
    switch (op) {
      case 'Equal':
      case '': {
        const msgs = isLabelValue(value);
        if (msgs.length !== 0) errs.push(field.invalid(child(p, 'operator'), value, msgs.join(';')));
        break;
      }
      case 'Exists':
        if (value !== '') errs.push(field.invalid(child(p, 'operator'), value, "value must be empty when `operator` is 'Exists'"));
        break;
      default:
        errs.push(field.notSupported(child(p, 'operator'), op, ['Equal', 'Exists']));
    }
    if (effect !== '') pushTaintEffect(errs, effect, child(p, 'effect'));
  }
}

function pushNodeSelectorRequirement(errs: FieldError[], rqValue: unknown, allowInvalidValues: boolean, path: string): void {
  const rq = recordOrEmpty(rqValue);
  const values = list(rq.values);
  const op = str(rq.operator);
  switch (op) {
    case 'In':
    case 'NotIn':
      if (values.length === 0) errs.push(field.required(child(path, 'values'), "must be specified when `operator` is 'In' or 'NotIn'"));
      break;
    case 'Exists':
    case 'DoesNotExist':
      if (values.length > 0) errs.push(field.forbidden(child(path, 'values'), "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"));
      break;
    case 'Gt':
    case 'Lt':
      if (values.length !== 1) errs.push(field.required(child(path, 'values'), "must be specified single value when `operator` is 'Lt' or 'Gt'"));
      break;
    default:
      errs.push(field.invalid(child(path, 'operator'), op, 'not a valid selector operator'));
  }
  pushLabelName(errs, str(rq.key), child(path, 'key'));
  if (!allowInvalidValues) {
    for (let i = 0; i < values.length; i++) {
      for (const msg of isLabelValue(str(values[i]))) errs.push(field.invalid(index(child(path, 'values'), i), values[i], msg));
    }
  }
}

function pushNodeFieldSelectorRequirement(errs: FieldError[], rqValue: unknown, path: string): void {
  const rq = recordOrEmpty(rqValue);
  const values = list(rq.values);
  const op = str(rq.operator);
  if (op === 'In' || op === 'NotIn') {
    if (values.length !== 1) {
      errs.push(field.required(child(path, 'values'), "must be only one value when `operator` is 'In' or 'NotIn' for node field selector"));
    }
  } else {
    errs.push(field.invalid(child(path, 'operator'), op, 'not a valid selector operator'));
  }
  if (str(rq.key) !== 'metadata.name') {
    errs.push(field.invalid(child(path, 'key'), str(rq.key), 'not a valid field selector key'));
  } else {
    for (let i = 0; i < values.length; i++) {
      for (const msg of nameValidators.dnsSubdomain(str(values[i]), false)) errs.push(field.invalid(index(child(path, 'values'), i), values[i], msg));
    }
  }
}

function pushNodeSelectorTerm(errs: FieldError[], termValue: unknown, allowInvalidValues: boolean, path: string): void {
  const term = recordOrEmpty(termValue);
  const exprs = list(term.matchExpressions);
  for (let j = 0; j < exprs.length; j++) pushNodeSelectorRequirement(errs, exprs[j], allowInvalidValues, index(child(path, 'matchExpressions'), j));
  const fields = list(term.matchFields);
  for (let j = 0; j < fields.length; j++) pushNodeFieldSelectorRequirement(errs, fields[j], index(child(path, 'matchFields'), j));
}

/** A NodeSelector (required node affinity, PersistentVolume node affinity). */
export function pushNodeSelector(errs: FieldError[], selectorValue: unknown, allowInvalidValues: boolean, path: string): void {
  const terms = list(recordOrEmpty(selectorValue).nodeSelectorTerms);
  const termsPath = child(path, 'nodeSelectorTerms');
  if (terms.length === 0) {
    errs.push(field.required(termsPath, 'must have at least one node selector term'));
    return;
  }
  for (let i = 0; i < terms.length; i++) pushNodeSelectorTerm(errs, terms[i], allowInvalidValues, index(termsPath, i));
}

function pushWeight(errs: FieldError[], weight: unknown, path: string): void {
  const w = num(weight) ?? 0;
  if (w <= 0 || w > 100) errs.push(field.invalid(path, w, 'must be in the range 1-100'));
}

function pushLabelKeys(errs: FieldError[], keys: readonly unknown[], selector: unknown, path: string): void {
  if (keys.length === 0) return;
  if (!isSet(selector)) {
    errs.push(field.forbidden(path, 'must not be specified when labelSelector is not set'));
    return;
  }
  for (let i = 0; i < keys.length; i++) pushLabelName(errs, str(keys[i]), index(path, i));
}

function pushPodAffinityTerm(errs: FieldError[], termValue: unknown, path: string): void {
  const term = recordOrEmpty(termValue);
  pushLabelSelector(errs, term.labelSelector, child(path, 'labelSelector'));
  pushLabelSelector(errs, term.namespaceSelector, child(path, 'namespaceSelector'));
  for (const ns of list(term.namespaces)) {
    for (const msg of nameValidators.dnsLabel(str(ns), false)) errs.push(field.invalid(child(path, 'namespace'), ns, msg));
  }
  const matchKeys = list(term.matchLabelKeys);
  const mismatchKeys = list(term.mismatchLabelKeys);
  pushLabelKeys(errs, matchKeys, term.labelSelector, child(path, 'matchLabelKeys'));
  pushLabelKeys(errs, mismatchKeys, term.labelSelector, child(path, 'mismatchLabelKeys'));
  const mismatch = new Set(mismatchKeys.map(str));
  for (let i = 0; i < matchKeys.length; i++) {
    if (mismatch.has(str(matchKeys[i]))) {
      errs.push(field.invalid(index(child(path, 'matchLabelKeys'), i), matchKeys[i], 'exists in both matchLabelKeys and mismatchLabelKeys'));
    }
  }
  const topologyKey = str(term.topologyKey);
  if (topologyKey === '') errs.push(field.required(child(path, 'topologyKey'), 'can not be empty'));
  pushLabelName(errs, topologyKey, child(path, 'topologyKey'));
}

function pushPodAffinity(errs: FieldError[], affinityValue: unknown, path: string): void {
  const a = record(affinityValue);
  if (!a) return;
  const required = list(a.requiredDuringSchedulingIgnoredDuringExecution);
  const rp = child(path, 'requiredDuringSchedulingIgnoredDuringExecution');
  for (let i = 0; i < required.length; i++) pushPodAffinityTerm(errs, required[i], index(rp, i));
  const preferred = list(a.preferredDuringSchedulingIgnoredDuringExecution);
  const pp = child(path, 'preferredDuringSchedulingIgnoredDuringExecution');
  for (let i = 0; i < preferred.length; i++) {
    const w = recordOrEmpty(preferred[i]);
    pushWeight(errs, w.weight, child(index(pp, i), 'weight'));
    pushPodAffinityTerm(errs, w.podAffinityTerm, child(index(pp, i), 'podAffinityTerm'));
  }
}

function pushAffinity(errs: FieldError[], affinityValue: unknown, path: string): void {
  const affinity = record(affinityValue);
  if (!affinity) return;
  const na = record(affinity.nodeAffinity);
  if (na) {
    const np = child(path, 'nodeAffinity');
    if (isSet(na.requiredDuringSchedulingIgnoredDuringExecution)) {
      pushNodeSelector(errs, na.requiredDuringSchedulingIgnoredDuringExecution, false, child(np, 'requiredDuringSchedulingIgnoredDuringExecution'));
    }
    const preferred = list(na.preferredDuringSchedulingIgnoredDuringExecution);
    const pp = child(np, 'preferredDuringSchedulingIgnoredDuringExecution');
    for (let i = 0; i < preferred.length; i++) {
      const term = recordOrEmpty(preferred[i]);
      pushWeight(errs, term.weight, child(index(pp, i), 'weight'));
      // Invalid label values are tolerated in preferences: they may still match one node.
      pushNodeSelectorTerm(errs, term.preference, true, child(index(pp, i), 'preference'));
    }
  }
  pushPodAffinity(errs, affinity.podAffinity, child(path, 'podAffinity'));
  pushPodAffinity(errs, affinity.podAntiAffinity, child(path, 'podAntiAffinity'));
}

const sysctlFmt = '^([a-z0-9]([-_a-z0-9]*[a-z0-9])?[\\./])*[a-z0-9]([-_a-z0-9]*[a-z0-9])?$';
const sysctlRe = new RegExp(sysctlFmt);

function sysctlNamespace(name: string): 'net' | 'ipc' | undefined {
  const n = name.replace(/\//g, '.');
  if (n.startsWith('net.')) return 'net';
  if (n.startsWith('kernel.shm') || n.startsWith('kernel.msg') || n === 'kernel.sem' || n.startsWith('fs.mqueue.')) return 'ipc';
  return undefined;
}

function pushPodSecurityContext(errs: FieldError[], spec: JsonRecord, path: string): void {
  const sc = record(spec.securityContext);
  if (!sc) return;
  const fsGroup = num(sc.fsGroup);
  if (fsGroup !== undefined) for (const msg of isValidGroupID(fsGroup)) errs.push(field.invalid(child(path, 'fsGroup'), fsGroup, msg));
  const runAsUser = num(sc.runAsUser);
  if (runAsUser !== undefined) for (const msg of isValidUserID(runAsUser)) errs.push(field.invalid(child(path, 'runAsUser'), runAsUser, msg));
  const runAsGroup = num(sc.runAsGroup);
  if (runAsGroup !== undefined) for (const msg of isValidGroupID(runAsGroup)) errs.push(field.invalid(child(path, 'runAsGroup'), runAsGroup, msg));
  const groups = list(sc.supplementalGroups);
  for (let g = 0; g < groups.length; g++) {
    const gid = num(groups[g]) ?? 0;
    for (const msg of isValidGroupID(gid)) errs.push(field.invalid(index(child(path, 'supplementalGroups'), g), gid, msg));
  }
  if (sc.shareProcessNamespace === true && spec.hostPID === true) {
    errs.push(field.invalid(child(path, 'shareProcessNamespace'), true, 'ShareProcessNamespace and HostPID cannot both be enabled'));
  }
  const sysctls = list(sc.sysctls);
  const names = new Set<string>();
  for (let i = 0; i < sysctls.length; i++) {
    const name = str(recordOrEmpty(sysctls[i]).name);
    const np = child(index(child(path, 'sysctls'), i), 'name');
    if (name === '') errs.push(field.required(np, ''));
    else if (byteLength(name) > 253 || !sysctlRe.test(name)) {
      errs.push(field.invalid(np, name, `must have at most 253 characters and match regex ${sysctlFmt}`));
    } else if (names.has(name)) errs.push(field.duplicate(np, name));
    const ns = sysctlNamespace(name);
    if (spec.hostNetwork === true && ns === 'net') errs.push(field.invalid(np, name, "may not be specified when 'hostNetwork' is true"));
    else if (spec.hostIPC === true && ns === 'ipc') errs.push(field.invalid(np, name, "may not be specified when 'hostIPC' is true"));
    names.add(name);
  }
  const fsPolicy = optStr(sc.fsGroupChangePolicy);
  if (fsPolicy !== undefined && fsPolicy !== 'Always' && fsPolicy !== 'OnRootMismatch') {
    errs.push(field.notSupported(child(path, 'fsGroupChangePolicy'), fsPolicy, ['Always', 'OnRootMismatch']));
  }
  pushSeccompProfile(errs, sc.seccompProfile, child(path, 'seccompProfile'));
  pushAppArmorProfile(errs, sc.appArmorProfile, child(path, 'appArmorProfile'));
  const sgPolicy = optStr(sc.supplementalGroupsPolicy);
  if (sgPolicy !== undefined && sgPolicy !== 'Merge' && sgPolicy !== 'Strict') {
    errs.push(field.notSupported(child(path, 'supplementalGroupsPolicy'), sgPolicy, ['Merge', 'Strict']));
  }
  const seLinux = optStr(sc.seLinuxChangePolicy);
  if (seLinux !== undefined && seLinux !== 'MountOption' && seLinux !== 'Recursive') {
    errs.push(field.notSupported(child(path, 'seLinuxChangePolicy'), seLinux, ['MountOption', 'Recursive']));
  }
}

function pushDNSConfig(errs: FieldError[], spec: JsonRecord, path: string): void {
  const config = record(spec.dnsConfig);
  if (spec.dnsPolicy === 'None') {
    if (!config) {
      errs.push(field.required(path, 'must provide `dnsConfig` when `dnsPolicy` is None'));
      return;
    }
    if (list(config.nameservers).length === 0) {
      errs.push(field.required(child(path, 'nameservers'), 'must provide at least one DNS nameserver when `dnsPolicy` is None'));
      return;
    }
  }
  if (!config) return;
  const nameservers = list(config.nameservers);
  if (nameservers.length > 3) errs.push(field.invalid(child(path, 'nameservers'), nameservers, 'must not have more than 3 nameservers'));
  for (let i = 0; i < nameservers.length; i++) pushValidIP(errs, index(child(path, 'nameservers'), i), str(nameservers[i]));
  const searches = list(config.searches).map(str);
  if (searches.length > 32) errs.push(field.invalid(child(path, 'searches'), searches, 'must not have more than 32 search paths'));
  if (searches.join(' ').length > 2048) {
    errs.push(field.invalid(child(path, 'searches'), searches, 'must not have more than 2048 characters (including spaces) in the search list'));
  }
  for (let i = 0; i < searches.length; i++) {
    // RelaxedDNSSearchValidation (GA): "." and underscores are allowed.
    if (searches[i] === '.') continue;
    const s = searches[i].endsWith('.') ? searches[i].slice(0, -1) : searches[i];
    for (const msg of isDNS1123SubdomainWithUnderscore(s)) errs.push(field.invalid(index(child(path, 'searches'), i), s, msg));
  }
  const options = list(config.options);
  for (let i = 0; i < options.length; i++) {
    if (str(recordOrEmpty(options[i]).name) === '') errs.push(field.required(index(child(path, 'options'), i), 'must not be empty'));
  }
}

function pushTopologySpreadConstraints(errs: FieldError[], constraintsValue: unknown, path: string): void {
  const items = list(constraintsValue);
  for (let i = 0; i < items.length; i++) {
    const c = recordOrEmpty(items[i]);
    const p = index(path, i);
    const maxSkew = num(c.maxSkew) ?? 0;
    if (maxSkew <= 0) errs.push(field.invalid(child(p, 'maxSkew'), maxSkew, 'must be greater than zero'));
    const topologyKey = str(c.topologyKey);
    if (topologyKey === '') errs.push(field.required(child(p, 'topologyKey'), 'can not be empty'));
    const when = str(c.whenUnsatisfiable);
    if (when !== 'DoNotSchedule' && when !== 'ScheduleAnyway') {
      errs.push(field.notSupported(child(p, 'whenUnsatisfiable'), when, ['DoNotSchedule', 'ScheduleAnyway']));
    }
    for (let j = i + 1; j < items.length; j++) {
      const other = recordOrEmpty(items[j]);
      if (str(other.topologyKey) === topologyKey && str(other.whenUnsatisfiable) === when) {
        errs.push(field.duplicate(child(p, '{topologyKey, whenUnsatisfiable}'), `{${topologyKey}, ${when}}`));
        break;
      }
    }
    const minDomains = num(c.minDomains);
    if (minDomains !== undefined) {
      if (minDomains <= 0) errs.push(field.invalid(child(p, 'minDomains'), minDomains, 'must be greater than zero'));
      if (when !== 'DoNotSchedule') {
        errs.push(field.invalid(child(p, 'minDomains'), minDomains, `can only use minDomains if whenUnsatisfiable=DoNotSchedule, not ${when}`));
      }
    }
    for (const policyField of ['nodeAffinityPolicy', 'nodeTaintsPolicy']) {
      const policy = optStr(c[policyField]);
      if (policy !== undefined && policy !== 'Honor' && policy !== 'Ignore') {
        errs.push(field.notSupported(child(p, policyField), policy, ['Honor', 'Ignore']));
      }
    }
    const matchKeys = list(c.matchLabelKeys);
    if (matchKeys.length > 0) {
      const selector = record(c.labelSelector);
      const selectorKeys = new Set<string>();
      if (selector) {
        for (const k in recordOrEmpty(selector.matchLabels)) selectorKeys.add(k);
        for (const e of list(selector.matchExpressions)) selectorKeys.add(str(recordOrEmpty(e).key));
      } else {
        errs.push(field.forbidden(child(p, 'matchLabelKeys'), 'must not be specified when labelSelector is not set'));
      }
      for (let j = 0; j < matchKeys.length; j++) {
        const k = str(matchKeys[j]);
        pushLabelName(errs, k, index(child(p, 'matchLabelKeys'), j));
        if (selectorKeys.has(k)) errs.push(field.invalid(index(child(p, 'matchLabelKeys'), j), k, 'exists in both matchLabelKeys and labelSelector'));
      }
    }
    pushLabelSelector(errs, c.labelSelector, child(p, 'labelSelector'));
  }
}

function pushPodLevelResources(errs: FieldError[], spec: JsonRecord, path: string, claimNames: ReadonlySet<string>): void {
  const resources = record(spec.resources);
  if (!resources) return;
  if (isSet(resources.claims)) errs.push(field.forbidden(child(path, 'claims'), 'claims cannot be set for Resources at pod-level'));
  pushResourceRequirements(errs, { limits: resources.limits, requests: resources.requests }, path, pushPodResourceName, claimNames);
  const podRequests = recordOrEmpty(resources.requests);
  const podLimits = recordOrEmpty(resources.limits);
  // Aggregate of regular containers; sidecar and init container arithmetic is not modelled.
  const totals = new Map<string, bigint>();
  for (const c of list(spec.containers)) {
    const requests = recordOrEmpty(recordOrEmpty(recordOrEmpty(c).resources).requests);
    for (const name in requests) {
      const m = quantityMilli(requests[name]);
      if (m !== undefined) totals.set(name, (totals.get(name) ?? 0n) + m);
    }
  }
  for (const [name, total] of totals) {
    const pod = quantityMilli(podRequests[name] ?? '0') ?? 0n;
    if (total > pod) {
      errs.push(
        field.invalid(
          key(child(path, 'requests'), name),
          quantityText(podRequests[name] ?? '0'),
          `must be greater than or equal to aggregate container requests of ${formatMilli(total)}`,
        ),
      );
    }
  }
  const containers = list(spec.containers);
  for (let i = 0; i < containers.length; i++) {
    const limits = recordOrEmpty(recordOrEmpty(recordOrEmpty(containers[i]).resources).limits);
    for (const name in limits) {
      if (!Object.prototype.hasOwnProperty.call(podLimits, name)) continue;
      const cmp = compareQuantities(limits[name], podLimits[name]);
      if (cmp !== undefined && cmp > 0) {
        errs.push(
          field.invalid(
            child(key(index(child(path, 'containers'), i), name), 'limits'),
            quantityText(limits[name]),
            `must be less than or equal to pod limits of ${quantityText(podLimits[name])}`,
          ),
        );
      }
    }
  }
}

function formatMilli(milli: bigint): string {
  return milli % 1000n === 0n ? String(milli / 1000n) : `${milli}m`;
}

function pushOS(errs: FieldError[], spec: JsonRecord, path: string, specPath: string): void {
  const os = record(spec.os);
  if (!os) return;
  const name = str(os.name);
  if (name === '') {
    errs.push(field.required(child(path, 'name'), 'cannot be empty'));
    return;
  }
  if (name !== 'linux' && name !== 'windows') {
    errs.push(field.notSupported(path, name, ['linux', 'windows']));
    return;
  }
  const sc = recordOrEmpty(spec.securityContext);
  const containerPaths = allContainers(spec, specPath);
  if (name === 'linux') {
    if (isSet(sc.windowsOptions)) {
      errs.push(field.forbidden(child(child(specPath, 'securityContext'), 'windowsOptions'), 'windows options cannot be set for a linux pod'));
    }
    for (const [c, cPath] of containerPaths) {
      if (isSet(recordOrEmpty(c.securityContext).windowsOptions)) {
        errs.push(field.forbidden(child(child(cPath, 'securityContext'), 'windowsOptions'), 'windows options cannot be set for a linux pod'));
      }
    }
    return;
  }
  const windowsPodForbidden: readonly (readonly [string, string])[] = [
    ['appArmorProfile', 'securityContext.appArmorProfile'],
    ['seLinuxOptions', 'securityContext.seLinuxOptions'],
    ['seccompProfile', 'securityContext.seccompProfile'],
    ['fsGroup', 'securityContext.fsGroup'],
    ['fsGroupChangePolicy', 'securityContext.fsGroupChangePolicy'],
    ['sysctls', 'securityContext.sysctls'],
    ['runAsUser', 'securityContext.runAsUser'],
    ['runAsGroup', 'securityContext.runAsGroup'],
    ['supplementalGroups', 'securityContext.supplementalGroups'],
    ['supplementalGroupsPolicy', 'securityContext.supplementalGroupsPolicy'],
    ['seLinuxChangePolicy', 'securityContext.seLinuxChangePolicy'],
  ];
  for (const [f, rel] of windowsPodForbidden) {
    const v = sc[f];
    if (v === undefined || v === null || (Array.isArray(v) && v.length === 0)) continue;
    errs.push(field.forbidden(`${specPath}.${rel}`, 'cannot be set for a windows pod'));
  }
  if (isSet(spec.hostUsers)) errs.push(field.forbidden(child(specPath, 'hostUsers'), 'cannot be set for a windows pod'));
  if (spec.hostPID === true) errs.push(field.forbidden(child(specPath, 'hostPID'), 'cannot be set for a windows pod'));
  if (spec.hostIPC === true) errs.push(field.forbidden(child(specPath, 'hostIPC'), 'cannot be set for a windows pod'));
  if (isSet(spec.shareProcessNamespace)) errs.push(field.forbidden(child(specPath, 'shareProcessNamespace'), 'cannot be set for a windows pod'));
  const windowsContainerForbidden = [
    'appArmorProfile', 'seLinuxOptions', 'seccompProfile', 'capabilities', 'readOnlyRootFilesystem', 'privileged',
    'allowPrivilegeEscalation', 'procMount', 'runAsUser', 'runAsGroup',
  ];
  for (const [c, cPath] of containerPaths) {
    const csc = record(c.securityContext);
    if (!csc) continue;
    for (const f of windowsContainerForbidden) {
      if (isSet(csc[f])) errs.push(field.forbidden(child(child(cPath, 'securityContext'), f), 'cannot be set for a windows pod'));
    }
  }
}

/** Every container with its path: init, then regular, then ephemeral (podshelper order). */
function allContainers(spec: JsonRecord, specPath: string): [JsonRecord, string][] {
  const out: [JsonRecord, string][] = [];
  for (const kind of ['initContainers', 'containers', 'ephemeralContainers']) {
    const items = list(spec[kind]);
    for (let i = 0; i < items.length; i++) out.push([recordOrEmpty(items[i]), index(child(specPath, kind), i)]);
  }
  return out;
}

/** Validates a PodSpec; `path` is where the spec sits ("spec", "spec.template.spec", …). */
export function pushPodSpec(errs: FieldError[], specValue: unknown, path: string, opts: PodSpecOptions): void {
  const spec = recordOrEmpty(specValue);
  if (!isSet(spec.terminationGracePeriodSeconds)) errs.push(field.required(child(path, 'terminationGracePeriodSeconds'), ''));
  const gracePeriod = num(spec.terminationGracePeriodSeconds);
  const hostUsers = recordOrEmpty(spec.securityContext).hostUsers !== false && spec.hostUsers !== false;

  const volumes = pushVolumes(errs, spec.volumes, child(path, 'volumes'), { podName: opts.podName, resourceIsPod: opts.resourceIsPod });
  const claimNames = pushPodResourceClaims(errs, spec.resourceClaims, child(path, 'resourceClaims'));
  const ctx: ContainerContext = { volumes, claimNames, podRestartPolicy: str(spec.restartPolicy), hostUsers, gracePeriod };
  pushContainers(errs, spec.containers, child(path, 'containers'), ctx);
  pushInitContainers(errs, spec.initContainers, spec.containers, child(path, 'initContainers'), ctx);
  pushEphemeralContainers(errs, spec, child(path, 'ephemeralContainers'), ctx);
  pushPodLevelResources(errs, spec, child(path, 'resources'), claimNames);

  if (spec.hostNetwork === true) {
    const containers = list(spec.containers);
    for (let i = 0; i < containers.length; i++) {
      const ports = list(recordOrEmpty(containers[i]).ports);
      for (let j = 0; j < ports.length; j++) {
        const port = recordOrEmpty(ports[j]);
        const hp = num(port.hostPort) ?? 0;
        const cp = num(port.containerPort) ?? 0;
        // Templates may leave hostPort at 0: it is defaulted when the pod is created.
        if ((opts.resourceIsPod || hp !== 0) && hp !== cp) {
          errs.push(field.invalid(child(index(child(index(child(path, 'containers'), i), 'ports'), j), 'hostPort'), hp, 'must match `containerPort` when `hostNetwork` is true'));
        }
      }
    }
  }

  const restartPolicy = str(spec.restartPolicy);
  if (restartPolicy === '') errs.push(field.required(child(path, 'restartPolicy'), ''));
  else if (restartPolicy !== 'Always' && restartPolicy !== 'OnFailure' && restartPolicy !== 'Never') {
    errs.push(field.notSupported(child(path, 'restartPolicy'), restartPolicy, ['Always', 'OnFailure', 'Never']));
  }
  const dnsPolicy = str(spec.dnsPolicy);
  if (dnsPolicy === '') errs.push(field.required(child(path, 'dnsPolicy'), ''));
  else if (dnsPolicy !== 'ClusterFirstWithHostNet' && dnsPolicy !== 'ClusterFirst' && dnsPolicy !== 'Default' && dnsPolicy !== 'None') {
    errs.push(field.notSupported(child(path, 'dnsPolicy'), dnsPolicy, ['ClusterFirstWithHostNet', 'ClusterFirst', 'Default', 'None']));
  }
  pushLabels(errs, spec.nodeSelector, child(path, 'nodeSelector'));
  pushPodSecurityContext(errs, spec, child(path, 'securityContext'));
  const pullSecrets = list(spec.imagePullSecrets);
  for (let i = 0; i < pullSecrets.length; i++) {
    const ref = recordOrEmpty(pullSecrets[i]);
    for (const k in ref) {
      if (k !== 'name') {
        errs.push(field.invalid(index(child(path, 'imagePullSecrets'), i), ref, 'only name may be set'));
        break;
      }
    }
  }
  pushAffinity(errs, spec.affinity, child(path, 'affinity'));
  pushDNSConfig(errs, spec, child(path, 'dnsConfig'));
  const gates = list(spec.readinessGates);
  for (let i = 0; i < gates.length; i++) {
    pushLabelName(errs, str(recordOrEmpty(gates[i]).conditionType), child(index(child(path, 'readinessGates'), i), 'conditionType'));
  }
  const schedulingGates = list(spec.schedulingGates);
  const seenGates = new Set<string>();
  for (let i = 0; i < schedulingGates.length; i++) {
    const name = str(recordOrEmpty(schedulingGates[i]).name);
    const p = index(child(path, 'schedulingGates'), i);
    pushLabelName(errs, name, p);
    if (seenGates.has(name)) errs.push(field.duplicate(p, name));
    seenGates.add(name);
  }
  pushTopologySpreadConstraints(errs, spec.topologySpreadConstraints, child(path, 'topologySpreadConstraints'));
  if (!hostUsers) {
    if (spec.hostNetwork === true) errs.push(field.forbidden(child(path, 'hostNetwork'), 'when `pod.Spec.HostUsers` is false'));
    if (spec.hostPID === true) errs.push(field.forbidden(child(path, 'HostPID'), 'when `pod.Spec.HostUsers` is false'));
    if (spec.hostIPC === true) errs.push(field.forbidden(child(path, 'HostIPC'), 'when `pod.Spec.HostUsers` is false'));
  }
  for (const [f, validate] of [
    ['serviceAccountName', nameValidators.dnsSubdomain],
    ['nodeName', nameValidators.dnsSubdomain],
  ] as const) {
    const v = str(spec[f]);
    if (v !== '') for (const msg of validate(v, false)) errs.push(field.invalid(child(path, f), v, msg));
  }
  const ads = num(spec.activeDeadlineSeconds);
  if (ads !== undefined && (ads < 1 || ads > MAX_INT32)) {
    errs.push(field.invalid(child(path, 'activeDeadlineSeconds'), ads, inclusiveRangeError(1, MAX_INT32)));
  }
  for (const f of ['hostname', 'subdomain']) {
    const v = str(spec[f]);
    if (v !== '') for (const msg of isDNS1123Label(v)) errs.push(field.invalid(child(path, f), v, msg));
  }
  if (list(spec.tolerations).length > 0) pushTolerations(errs, spec.tolerations, child(path, 'tolerations'));
  const aliases = list(spec.hostAliases);
  for (let i = 0; i < aliases.length; i++) {
    const alias = recordOrEmpty(aliases[i]);
    const p = index(child(path, 'hostAliases'), i);
    pushValidIP(errs, child(p, 'ip'), str(alias.ip));
    const hostnames = list(alias.hostnames);
    for (let j = 0; j < hostnames.length; j++) {
      for (const msg of isDNS1123Subdomain(str(hostnames[j]))) errs.push(field.invalid(index(child(p, 'hostnames'), j), hostnames[j], msg));
    }
  }
  const pcn = str(spec.priorityClassName);
  if (pcn !== '') for (const msg of nameValidators.dnsSubdomain(pcn, false)) errs.push(field.invalid(child(path, 'priorityClassName'), pcn, msg));
  const rcn = optStr(spec.runtimeClassName);
  if (rcn !== undefined) for (const msg of nameValidators.dnsSubdomain(rcn, false)) errs.push(field.invalid(child(path, 'runtimeClassName'), rcn, msg));
  const preemption = optStr(spec.preemptionPolicy);
  if (preemption !== undefined) pushPreemptionPolicy(errs, preemption, child(path, 'preemptionPolicy'));
  if (isSet(spec.overhead)) {
    pushResourceRequirements(errs, { limits: spec.overhead }, child(path, 'overhead'), pushContainerResourceName, claimNames);
  }
  pushOS(errs, spec, child(path, 'os'), path);
}

export function pushPreemptionPolicy(errs: FieldError[], policy: string, path: string): void {
  if (policy === 'PreemptLowerPriority' || policy === 'Never') return;
  if (policy === '') errs.push(field.required(path, ''));
  else errs.push(field.notSupported(path, policy, ['PreemptLowerPriority', 'Never']));
}

function pushPodResourceClaims(errs: FieldError[], claimsValue: unknown, path: string): Set<string> {
  const names = new Set<string>();
  const claims = list(claimsValue);
  for (let i = 0; i < claims.length; i++) {
    const claim = recordOrEmpty(claims[i]);
    const p = index(path, i);
    const name = str(claim.name);
    if (name === '') errs.push(field.required(child(p, 'name'), ''));
    else if (names.has(name)) errs.push(field.duplicate(child(p, 'name'), name));
    else {
      for (const msg of isDNS1123Label(name)) errs.push(field.invalid(child(p, 'name'), name, msg));
      names.add(name);
    }
    const rcName = optStr(claim.resourceClaimName);
    const tplName = optStr(claim.resourceClaimTemplateName);
    if (rcName !== undefined && tplName !== undefined) {
      errs.push(field.invalid(p, claim, 'at most one of `resourceClaimName` or `resourceClaimTemplateName` may be specified'));
    }
    if (rcName === undefined && tplName === undefined) {
      errs.push(field.invalid(p, claim, 'must specify one of: `resourceClaimName`, `resourceClaimTemplateName`'));
    }
    if (rcName !== undefined) for (const msg of nameValidators.dnsSubdomain(rcName, false)) errs.push(field.invalid(child(p, 'resourceClaimName'), rcName, msg));
    if (tplName !== undefined) {
      for (const msg of nameValidators.dnsSubdomain(tplName, false)) errs.push(field.invalid(child(p, 'resourceClaimTemplateName'), tplName, msg));
    }
  }
  return names;
}
