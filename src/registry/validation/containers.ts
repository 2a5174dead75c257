// Containers (regular, init and ephemeral): names, images, ports, env, mounts, probes,
// lifecycle hooks, resources and security contexts, as core validateContainerCommon and friends.
import type { FieldError } from '../../apierrors/field-errors.js';
import { field } from '../../apierrors/field-errors.js';
import { envFieldPathExpressions, pushObjectFieldSelector, pushResourceFieldSelector } from './downward-api.js';
import { child, index } from './field-path.js';
import {
  isConfigMapKey,
  isDNS1123Label,
  isHTTPHeaderName,
  isRelaxedEnvVarName,
  isValidGroupID,
  isValidPortName,
  isValidPortNum,
  isValidUserID,
} from './formats.js';
import { isSet, list, num, optStr, record, recordOrEmpty, str, type JsonRecord } from './json-value.js';
import { nameValidators } from './name-validators.js';
import { pushNonNegative } from './object-meta.js';
import { pushLocalDescendingPath } from './paths-on-disk.js';
import { pushContainerResourceName, pushResourceRequirements } from './resources.js';
import { pushPullPolicy } from './volumes.js';

export const supportedPortProtocols = ['SCTP', 'TCP', 'UDP'];

/** Context a container is validated in. */
export interface ContainerContext {
  volumes: ReadonlyMap<string, JsonRecord>;
  claimNames: ReadonlySet<string>;
  podRestartPolicy: string;
  /** spec.securityContext.hostUsers is not false. */
  hostUsers: boolean;
  gracePeriod: number | undefined;
}

export function pushPortNumOrName(errs: FieldError[], port: unknown, path: string): void {
  if (typeof port === 'number') {
    for (const msg of isValidPortNum(port)) errs.push(field.invalid(path, port, msg));
  } else if (typeof port === 'string') {
    for (const msg of isValidPortName(port)) errs.push(field.invalid(path, port, msg));
  } else {
    errs.push({ type: 'InternalError', field: path, detail: `unknown type: ${port === undefined ? 0 : typeof port}` });
  }
}

function pushContainerPorts(errs: FieldError[], portsValue: unknown, path: string): void {
  const ports = list(portsValue);
  const names = new Set<string>();
  for (let i = 0; i < ports.length; i++) {
    const port = recordOrEmpty(ports[i]);
    const p = index(path, i);
    const name = str(port.name);
    if (name !== '') {
      const msgs = isValidPortName(name);
      if (msgs.length !== 0) for (const msg of msgs) errs.push(field.invalid(child(p, 'name'), name, msg));
      else if (names.has(name)) errs.push(field.duplicate(child(p, 'name'), name));
      else names.add(name);
    }
    const containerPort = num(port.containerPort) ?? 0;
    if (containerPort === 0) errs.push(field.required(child(p, 'containerPort'), ''));
    else for (const msg of isValidPortNum(containerPort)) errs.push(field.invalid(child(p, 'containerPort'), containerPort, msg));
    const hostPort = num(port.hostPort) ?? 0;
    if (hostPort !== 0) for (const msg of isValidPortNum(hostPort)) errs.push(field.invalid(child(p, 'hostPort'), hostPort, msg));
    const protocol = str(port.protocol);
    if (protocol === '') errs.push(field.required(child(p, 'protocol'), ''));
    else if (!supportedPortProtocols.includes(protocol)) errs.push(field.notSupported(child(p, 'protocol'), protocol, supportedPortProtocols));
  }
}

function pushKeySelector(errs: FieldError[], selector: unknown, path: string): void {
  const s = recordOrEmpty(selector);
  const name = str(s.name);
  for (const msg of nameValidators.dnsSubdomain(name, false)) errs.push(field.invalid(child(path, 'name'), name, msg));
  const k = str(s.key);
  if (k === '') errs.push(field.required(child(path, 'key'), ''));
  else for (const msg of isConfigMapKey(k)) errs.push(field.invalid(child(path, 'key'), k, msg));
}

function pushEnv(errs: FieldError[], envValue: unknown, path: string): void {
  const env = list(envValue);
  for (let i = 0; i < env.length; i++) {
    const ev = recordOrEmpty(env[i]);
    const p = index(path, i);
    const name = str(ev.name);
    if (name === '') errs.push(field.required(child(p, 'name'), ''));
    else for (const msg of isRelaxedEnvVarName(name)) errs.push(field.invalid(child(p, 'name'), name, msg));
    const from = record(ev.valueFrom);
    if (!from) continue;
    const fromPath = child(p, 'valueFrom');
    let sources = 0;
    if (isSet(from.fieldRef)) {
      sources++;
      pushObjectFieldSelector(errs, from.fieldRef, envFieldPathExpressions, child(fromPath, 'fieldRef'));
    }
    if (isSet(from.resourceFieldRef)) {
      sources++;
      pushResourceFieldSelector(errs, from.resourceFieldRef, child(fromPath, 'resourceFieldRef'), false);
    }
    if (isSet(from.configMapKeyRef)) {
      sources++;
      pushKeySelector(errs, from.configMapKeyRef, child(fromPath, 'configMapKeyRef'));
    }
    if (isSet(from.secretKeyRef)) {
      sources++;
      pushKeySelector(errs, from.secretKeyRef, child(fromPath, 'secretKeyRef'));
    }
    if (sources === 0) {
      errs.push(field.invalid(fromPath, '', 'must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`'));
    } else if (str(ev.value) !== '') {
      errs.push(field.invalid(fromPath, '', 'may not be specified when `value` is not empty'));
    } else if (sources > 1) {
      errs.push(field.invalid(fromPath, '', 'may not have more than one field specified at a time'));
    }
  }
}

function pushEnvFrom(errs: FieldError[], envFromValue: unknown, path: string): void {
  const items = list(envFromValue);
  for (let i = 0; i < items.length; i++) {
    const ev = recordOrEmpty(items[i]);
    const p = index(path, i);
    const prefix = str(ev.prefix);
    if (prefix !== '') for (const msg of isRelaxedEnvVarName(prefix)) errs.push(field.invalid(child(p, 'prefix'), prefix, msg));
    let sources = 0;
    for (const kind of ['configMapRef', 'secretRef'] as const) {
      const ref = record(ev[kind]);
      if (!ref) continue;
      sources++;
      const name = str(ref.name);
      const namePath = child(child(p, kind), 'name');
      if (name === '') errs.push(field.required(namePath, ''));
      else for (const msg of nameValidators.dnsSubdomain(name, true)) errs.push(field.invalid(namePath, name, msg));
    }
    // Go reports these against the whole envFrom list.
    if (sources === 0) errs.push(field.invalid(path, '', 'must specify one of: `configMapRef` or `secretRef`'));
    else if (sources > 1) errs.push(field.invalid(path, '', 'may not have more than one field specified at a time'));
  }
}

const supportedMountPropagations = ['Bidirectional', 'HostToContainer', 'None'];
const supportedRecursiveReadOnly = ['Disabled', 'Enabled', 'IfPossible'];

function isPrivileged(container: JsonRecord): boolean {
  return recordOrEmpty(container.securityContext).privileged === true;
}

function pushVolumeMounts(errs: FieldError[], container: JsonRecord, volumes: ReadonlyMap<string, JsonRecord>, path: string): void {
  const mounts = list(container.volumeMounts);
  const devices = new Map<string, string>();
  for (const d of list(container.volumeDevices)) devices.set(str(recordOrEmpty(d).name), str(recordOrEmpty(d).devicePath));
  const devicePaths = new Set(devices.values());
  const mountPoints = new Set<string>();
  for (let i = 0; i < mounts.length; i++) {
    const m = recordOrEmpty(mounts[i]);
    const p = index(path, i);
    const name = str(m.name);
    const mountPath = str(m.mountPath);
    if (name === '') errs.push(field.required(child(p, 'name'), ''));
    if (!volumes.has(name)) errs.push(field.notFound(child(p, 'name'), name));
    if (mountPath === '') errs.push(field.required(child(p, 'mountPath'), ''));
    if (mountPoints.has(mountPath)) errs.push(field.invalid(child(p, 'mountPath'), mountPath, 'must be unique'));
    mountPoints.add(mountPath);
    if (devices.has(name)) errs.push(field.invalid(child(p, 'name'), name, 'must not already exist in volumeDevices'));
    if (devicePaths.has(mountPath)) errs.push(field.invalid(child(p, 'mountPath'), mountPath, 'must not already exist as a path in volumeDevices'));
    const subPath = str(m.subPath);
    const subPathExpr = str(m.subPathExpr);
    if (isSet(volumes.get(name)?.image)) {
      if (subPath !== '') errs.push(field.invalid(child(p, 'subPath'), subPath, 'not allowed in image volume sources'));
      if (subPathExpr !== '') errs.push(field.invalid(child(p, 'subPathExpr'), subPathExpr, 'not allowed in image volume sources'));
    }
    // Go checks sub-paths against the list path rather than the item path.
    if (subPath !== '') pushLocalDescendingPath(errs, subPath, child(path, 'subPath'));
    if (subPathExpr !== '') {
      if (subPath !== '') errs.push(field.invalid(child(p, 'subPathExpr'), subPathExpr, 'subPathExpr and subPath are mutually exclusive'));
      pushLocalDescendingPath(errs, subPathExpr, child(path, 'subPathExpr'));
    }
    const propagation = optStr(m.mountPropagation);
    if (propagation !== undefined) {
      const pp = child(path, 'mountPropagation');
      if (!supportedMountPropagations.includes(propagation)) errs.push(field.notSupported(pp, propagation, supportedMountPropagations));
      if (propagation === 'Bidirectional' && !isPrivileged(container)) {
        errs.push(field.forbidden(pp, 'Bidirectional mount propagation is available only to privileged containers'));
      }
    }
    const rro = optStr(m.recursiveReadOnly);
    if (rro !== undefined) {
      const rp = child(path, 'recursiveReadOnly');
      if (rro === 'Enabled' || rro === 'IfPossible') {
        if (m.readOnly !== true) errs.push(field.forbidden(rp, 'may only be specified when readOnly is true'));
        if (propagation !== undefined && propagation !== 'None') {
          errs.push(field.forbidden(rp, 'may only be specified when mountPropagation is None or not specified'));
        }
      } else if (rro !== 'Disabled') {
        errs.push(field.notSupported(rp, rro, supportedRecursiveReadOnly));
      }
    }
  }
}

function pushVolumeDevices(errs: FieldError[], container: JsonRecord, volumes: ReadonlyMap<string, JsonRecord>, path: string): void {
  const devices = list(container.volumeDevices);
  const mounts = new Map<string, string>();
  for (const m of list(container.volumeMounts)) mounts.set(str(recordOrEmpty(m).name), str(recordOrEmpty(m).mountPath));
  const mountPaths = new Set(mounts.values());
  const names = new Set<string>();
  const paths = new Set<string>();
  for (let i = 0; i < devices.length; i++) {
    const d = recordOrEmpty(devices[i]);
    const p = index(path, i);
    const name = str(d.name);
    const devicePath = str(d.devicePath);
    const vol = volumes.get(name);
    if (name === '') errs.push(field.required(child(p, 'name'), ''));
    if (names.has(name)) errs.push(field.invalid(child(p, 'name'), name, 'must be unique'));
    if (vol && !isSet(vol.persistentVolumeClaim) && !isSet(vol.ephemeral)) {
      errs.push(field.invalid(child(p, 'name'), name, 'can only use volume source type of PersistentVolumeClaim or Ephemeral for block mode'));
    }
    if (!vol) errs.push(field.notFound(child(p, 'name'), name));
    if (devicePath === '') errs.push(field.required(child(p, 'devicePath'), ''));
    if (paths.has(devicePath)) errs.push(field.invalid(child(p, 'devicePath'), devicePath, 'must be unique'));
    if (devicePath !== '' && devicePath.split('/').includes('..')) {
      errs.push(field.invalid(child(p, 'devicePath'), devicePath, "can not contain backsteps ('..')"));
    } else {
      paths.add(devicePath);
    }
    if (mounts.has(name)) errs.push(field.invalid(child(p, 'name'), name, 'must not already exist in volumeMounts'));
    if (mountPaths.has(devicePath)) errs.push(field.invalid(child(p, 'devicePath'), devicePath, 'must not already exist as a path in volumeMounts'));
    if (name !== '') names.add(name);
  }
}

const supportedHTTPSchemes = ['HTTP', 'HTTPS'];

function pushHandler(errs: FieldError[], handler: JsonRecord, path: string, gracePeriod: number | undefined, allowSleep: boolean, allowGRPC: boolean): void {
  let count = 0;
  const kinds = ['exec', 'httpGet', 'tcpSocket', ...(allowGRPC ? ['grpc'] : []), ...(allowSleep ? ['sleep'] : [])];
  for (const kind of kinds) {
    const h = record(handler[kind]);
    if (!h) continue;
    const p = child(path, kind);
    if (count > 0) {
      errs.push(field.forbidden(p, 'may not specify more than 1 handler type'));
      continue;
    }
    count++;
    switch (kind) {
      case 'exec':
        if (list(h.command).length === 0) errs.push(field.required(child(p, 'command'), ''));
        break;
      case 'httpGet': {
        if (str(h.path) === '') errs.push(field.required(child(p, 'path'), ''));
        pushPortNumOrName(errs, h.port, child(p, 'port'));
        if (!supportedHTTPSchemes.includes(str(h.scheme))) errs.push(field.notSupported(child(p, 'scheme'), str(h.scheme), supportedHTTPSchemes));
        for (const header of list(h.httpHeaders)) {
          const name = str(recordOrEmpty(header).name);
          for (const msg of isHTTPHeaderName(name)) errs.push(field.invalid(child(p, 'httpHeaders'), name, msg));
        }
        break;
      }
      case 'tcpSocket':
        pushPortNumOrName(errs, h.port, child(p, 'port'));
        break;
      case 'grpc':
        pushPortNumOrName(errs, num(h.port) ?? 0, child(p, 'port'));
        break;
      case 'sleep': {
        const seconds = num(h.seconds) ?? 0;
        if (gracePeriod !== undefined && (seconds < 0 || seconds > gracePeriod)) {
          errs.push(field.invalid(p, seconds, `must be non-negative and less than terminationGracePeriodSeconds (${gracePeriod})`));
        }
        break;
      }
    }
  }
  if (count === 0) errs.push(field.required(path, 'must specify a handler type'));
}

function pushProbe(errs: FieldError[], probeValue: unknown, path: string, kind: 'liveness' | 'readiness' | 'startup', gracePeriod: number | undefined): void {
  const probe = record(probeValue);
  if (!probe) return;
  pushHandler(errs, probe, path, gracePeriod, false, true);
  for (const f of ['initialDelaySeconds', 'timeoutSeconds', 'periodSeconds', 'successThreshold', 'failureThreshold']) {
    pushNonNegative(errs, probe[f], child(path, f));
  }
  const tgps = num(probe.terminationGracePeriodSeconds);
  if (tgps !== undefined && tgps <= 0) errs.push(field.invalid(child(path, 'terminationGracePeriodSeconds'), tgps, 'must be greater than 0'));
  if (kind === 'readiness') {
    if (isSet(probe.terminationGracePeriodSeconds)) {
      errs.push(field.invalid(child(path, 'terminationGracePeriodSeconds'), probe.terminationGracePeriodSeconds, 'must not be set for readinessProbes'));
    }
  } else {
    const st = num(probe.successThreshold) ?? 0;
    if (st !== 1) errs.push(field.invalid(child(path, 'successThreshold'), st, 'must be 1'));
  }
}

function pushLifecycle(errs: FieldError[], lifecycleValue: unknown, path: string, gracePeriod: number | undefined): void {
  const lifecycle = recordOrEmpty(lifecycleValue);
  for (const hook of ['postStart', 'preStop']) {
    const h = record(lifecycle[hook]);
    if (h) pushHandler(errs, h, child(path, hook), gracePeriod, true, false);
  }
}

/** Probes and hooks, which regular and restartable init containers may have. */
export function pushProbesAndLifecycle(errs: FieldError[], c: JsonRecord, path: string, gracePeriod: number | undefined): void {
  if (isSet(c.lifecycle)) pushLifecycle(errs, c.lifecycle, child(path, 'lifecycle'), gracePeriod);
  pushProbe(errs, c.livenessProbe, child(path, 'livenessProbe'), 'liveness', gracePeriod);
  pushProbe(errs, c.readinessProbe, child(path, 'readinessProbe'), 'readiness', gracePeriod);
  pushProbe(errs, c.startupProbe, child(path, 'startupProbe'), 'startup', gracePeriod);
}

function pushResizePolicy(errs: FieldError[], policies: unknown, path: string, podRestartPolicy: string): void {
  const items = list(policies);
  const seen = new Set<string>();
  for (let i = 0; i < items.length; i++) {
    const p = recordOrEmpty(items[i]);
    const name = str(p.resourceName);
    if (seen.has(name)) errs.push(field.duplicate(index(path, i), name));
    seen.add(name);
    if (name === '') errs.push(field.required(path, ''));
    else if (name !== 'cpu' && name !== 'memory') errs.push(field.notSupported(path, name, ['cpu', 'memory']));
    const policy = str(p.restartPolicy);
    if (policy === '') errs.push(field.required(path, ''));
    else if (policy !== 'NotRequired' && policy !== 'RestartContainer') errs.push(field.notSupported(path, policy, ['NotRequired', 'RestartContainer']));
    if (podRestartPolicy === 'Never' && policy !== 'NotRequired') {
      errs.push(field.invalid(path, policy, "must be 'NotRequired' when `restartPolicy` is 'Never'"));
    }
  }
}

const seccompTypes = ['Localhost', 'RuntimeDefault', 'Unconfined'];

export function pushSeccompProfile(errs: FieldError[], profileValue: unknown, path: string): void {
  const sp = record(profileValue);
  if (!sp) return;
  const type = str(sp.type);
  if (type === '') errs.push(field.required(child(path, 'type'), 'type is required when seccompProfile is set'));
  else if (!seccompTypes.includes(type)) errs.push(field.notSupported(child(path, 'type'), type, seccompTypes));
  const localhost = optStr(sp.localhostProfile);
  if (type === 'Localhost') {
    if (localhost === undefined) errs.push(field.required(child(path, 'localhostProfile'), 'must be set when seccomp type is Localhost'));
    else pushLocalDescendingPath(errs, localhost, child(path, 'localhostProfile'));
  } else if (localhost !== undefined) {
    errs.push(field.invalid(child(path, 'localhostProfile'), sp, 'can only be set when seccomp type is Localhost'));
  }
}

export function pushAppArmorProfile(errs: FieldError[], profileValue: unknown, path: string): void {
  const profile = record(profileValue);
  if (!profile) return;
  const type = str(profile.type);
  const localhost = optStr(profile.localhostProfile);
  switch (type) {
    case 'Localhost':
      if (localhost === undefined) {
        errs.push(field.required(child(path, 'localhostProfile'), 'must be set when AppArmor type is Localhost'));
      } else {
        const trimmed = localhost.trim();
        if (trimmed !== localhost) errs.push(field.invalid(child(path, 'localhostProfile'), localhost, 'must not be padded with whitespace'));
        else if (trimmed === '') errs.push(field.required(child(path, 'localhostProfile'), 'must be set when AppArmor type is Localhost'));
        if (localhost.length > 4095) errs.push(field.tooLong(child(path, 'localhostProfile'), '', 4095));
      }
      break;
    case 'RuntimeDefault':
    case 'Unconfined':
      if (localhost !== undefined) errs.push(field.invalid(child(path, 'localhostProfile'), localhost, 'can only be set when AppArmor type is Localhost'));
      break;
    case '':
      errs.push(field.required(child(path, 'type'), 'type is required when appArmorProfile is set'));
      break;
    default:
      errs.push(field.notSupported(child(path, 'type'), type, ['Localhost', 'RuntimeDefault', 'Unconfined']));
  }
}

function pushSecurityContext(errs: FieldError[], scValue: unknown, path: string, hostUsers: boolean): void {
  const sc = record(scValue);
  if (!sc) return;
  const runAsUser = num(sc.runAsUser);
  if (runAsUser !== undefined) for (const msg of isValidUserID(runAsUser)) errs.push(field.invalid(child(path, 'runAsUser'), runAsUser, msg));
  const runAsGroup = num(sc.runAsGroup);
  if (runAsGroup !== undefined) for (const msg of isValidGroupID(runAsGroup)) errs.push(field.invalid(child(path, 'runAsGroup'), runAsGroup, msg));
  const procMount = optStr(sc.procMount);
  if (procMount !== undefined) {
    if (procMount !== 'Default' && procMount !== 'Unmasked') errs.push(field.notSupported(child(path, 'procMount'), procMount, ['Default', 'Unmasked']));
    if (hostUsers && procMount === 'Unmasked') errs.push(field.invalid(child(path, 'procMount'), procMount, '`hostUsers` must be false to use `Unmasked`'));
  }
  pushSeccompProfile(errs, sc.seccompProfile, child(path, 'seccompProfile'));
  if (sc.allowPrivilegeEscalation === false) {
    if (sc.privileged === true) errs.push(field.invalid(path, sc, 'cannot set `allowPrivilegeEscalation` to false and `privileged` to true'));
    for (const cap of list(recordOrEmpty(sc.capabilities).add)) {
      if (cap === 'CAP_SYS_ADMIN') errs.push(field.invalid(path, sc, 'cannot set `allowPrivilegeEscalation` to false and `capabilities.Add` CAP_SYS_ADMIN'));
    }
  }
  pushAppArmorProfile(errs, sc.appArmorProfile, child(path, 'appArmorProfile'));
}

/** The checks every kind of container gets. */
export function pushContainerCommon(errs: FieldError[], c: JsonRecord, path: string, ctx: ContainerContext): void {
  const name = str(c.name);
  const namePath = child(path, 'name');
  if (name === '') errs.push(field.required(namePath, ''));
  else for (const msg of isDNS1123Label(name)) errs.push(field.invalid(namePath, name, msg));
  // Leading and trailing spaces are tolerated here for compatibility; pods check them separately.
  if (str(c.image) === '') errs.push(field.required(child(path, 'image'), ''));
  const tmp = str(c.terminationMessagePolicy);
  if (tmp === '') errs.push(field.required(child(path, 'terminationMessagePolicy'), ''));
  else if (tmp !== 'File' && tmp !== 'FallbackToLogsOnError') {
    errs.push(field.notSupported(child(path, 'terminationMessagePolicy'), tmp, ['File', 'FallbackToLogsOnError']));
  }
  pushContainerPorts(errs, c.ports, child(path, 'ports'));
  pushEnv(errs, c.env, child(path, 'env'));
  pushEnvFrom(errs, c.envFrom, child(path, 'envFrom'));
  pushVolumeMounts(errs, c, ctx.volumes, child(path, 'volumeMounts'));
  pushVolumeDevices(errs, c, ctx.volumes, child(path, 'volumeDevices'));
  pushPullPolicy(errs, c.imagePullPolicy, child(path, 'imagePullPolicy'));
  pushResourceRequirements(errs, c.resources, child(path, 'resources'), pushContainerResourceName, ctx.claimNames);
  pushResizePolicy(errs, c.resizePolicy, child(path, 'resizePolicy'), ctx.podRestartPolicy);
  pushSecurityContext(errs, c.securityContext, child(path, 'securityContext'), ctx.hostUsers);
}

/** Colliding hostPort values (protocol/hostIP/port) across the given containers. */
export function pushHostPortConflicts(errs: FieldError[], containers: readonly unknown[], path: string, indexes?: readonly number[]): void {
  const seen = new Set<string>();
  for (let ci = 0; ci < containers.length; ci++) {
    const c = recordOrEmpty(containers[ci]);
    const portsPath = child(index(path, indexes ? indexes[ci] : ci), 'ports');
    const ports = list(c.ports);
    for (let pi = 0; pi < ports.length; pi++) {
      const port = recordOrEmpty(ports[pi]);
      const hostPort = num(port.hostPort) ?? 0;
      if (hostPort === 0) continue;
      const k = `${str(port.protocol)}/${str(port.hostIP)}/${hostPort}`;
      if (seen.has(k)) errs.push(field.duplicate(child(index(portsPath, pi), 'hostPort'), k));
      else seen.add(k);
    }
  }
}

export function pushContainers(errs: FieldError[], containersValue: unknown, path: string, ctx: ContainerContext): void {
  const containers = list(containersValue);
  if (containers.length === 0) {
    errs.push(field.required(path, ''));
    return;
  }
  const names = new Set<string>();
  for (let i = 0; i < containers.length; i++) {
    const c = recordOrEmpty(containers[i]);
    const p = index(path, i);
    pushContainerCommon(errs, c, p, ctx);
    const name = str(c.name);
    if (names.has(name)) errs.push(field.duplicate(child(p, 'name'), name));
    else names.add(name);
    pushProbesAndLifecycle(errs, c, p, ctx.gracePeriod);
    if (isSet(c.restartPolicy)) errs.push(field.forbidden(child(p, 'restartPolicy'), 'may not be set for non-init containers'));
  }
  pushHostPortConflicts(errs, containers, path);
}

const initOnlyForbidden = 'may not be set for init containers without restartPolicy=Always';

export function pushInitContainers(errs: FieldError[], initValue: unknown, regularValue: unknown, path: string, ctx: ContainerContext): void {
  const containers = list(initValue);
  const names = new Set<string>();
  for (const c of list(regularValue)) names.add(str(recordOrEmpty(c).name));
  for (let i = 0; i < containers.length; i++) {
    const c = recordOrEmpty(containers[i]);
    const p = index(path, i);
    pushContainerCommon(errs, c, p, ctx);
    let restartAlways = false;
    const rp = optStr(c.restartPolicy);
    if (rp !== undefined) {
      if (rp !== 'Always') errs.push(field.notSupported(child(p, 'restartPolicy'), rp, ['Always']));
      restartAlways = rp === 'Always';
    }
    const name = str(c.name);
    if (names.has(name)) errs.push(field.duplicate(child(p, 'name'), name));
    else if (name !== '') names.add(name);
    // Init containers run one at a time, so their host ports only conflict within one container.
    pushHostPortConflicts(errs, [c], path, [i]);
    if (restartAlways) {
      pushProbesAndLifecycle(errs, c, p, ctx.gracePeriod);
    } else {
      for (const f of ['lifecycle', 'livenessProbe', 'readinessProbe', 'startupProbe']) {
        if (isSet(c[f])) errs.push(field.forbidden(child(p, f), initOnlyForbidden));
      }
    }
  }
}

// Fields an ephemeral container may set; the others are reported as forbidden.
const allowedEphemeralFields = new Set([
  'name', 'image', 'command', 'args', 'workingDir', 'envFrom', 'env', 'volumeMounts', 'volumeDevices',
  'terminationMessagePath', 'terminationMessagePolicy', 'imagePullPolicy', 'securityContext', 'stdin', 'stdinOnce', 'tty',
  'targetContainerName',
]);

export function pushEphemeralContainers(errs: FieldError[], spec: JsonRecord, path: string, ctx: ContainerContext): void {
  const items = list(spec.ephemeralContainers);
  if (items.length === 0) return;
  const other = new Set<string>();
  for (const c of list(spec.containers)) other.add(str(recordOrEmpty(c).name));
  for (const c of list(spec.initContainers)) other.add(str(recordOrEmpty(c).name));
  const all = new Set(other);
  for (let i = 0; i < items.length; i++) {
    const c = recordOrEmpty(items[i]);
    const p = index(path, i);
    pushContainerCommon(errs, c, p, ctx);
    pushImageWhitespace(errs, c, p);
    const name = str(c.name);
    if (all.has(name)) errs.push(field.duplicate(child(p, 'name'), name));
    else all.add(name);
    const target = str(c.targetContainerName);
    if (target !== '' && !other.has(target)) errs.push(field.notFound(child(p, 'targetContainerName'), target));
    for (const k in c) {
      if (allowedEphemeralFields.has(k) || !isSet(c[k])) continue;
      errs.push(field.forbidden(child(p, k), 'cannot be set for an Ephemeral Container'));
    }
    const mounts = list(c.volumeMounts);
    for (let j = 0; j < mounts.length; j++) {
      const m = recordOrEmpty(mounts[j]);
      const mp = index(child(p, 'volumeMounts'), j);
      if (str(m.subPath) !== '') errs.push(field.forbidden(child(mp, 'subPath'), 'cannot be set for an Ephemeral Container'));
      if (str(m.subPathExpr) !== '') errs.push(field.forbidden(child(mp, 'subPathExpr'), 'cannot be set for an Ephemeral Container'));
    }
  }
}

/** Pods (not templates) reject images with surrounding whitespace. */
export function pushImageWhitespace(errs: FieldError[], c: JsonRecord, path: string): void {
  const image = str(c.image);
  if (image.length !== image.trim().length) errs.push(field.invalid(child(path, 'image'), image, 'must not have leading or trailing whitespace'));
}

