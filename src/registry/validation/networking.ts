// Ingress, IngressClass and NetworkPolicy (pkg/apis/networking/validation).
import type { FieldError } from '../../apierrors/field-errors.js';
import { field } from '../../apierrors/field-errors.js';
import { child, index } from './field-path.js';
import { isDNS1035Label, isDNS1123Subdomain, isDomainPrefixedPath, isValidPathSegmentName, isValidPortName, isValidPortNum, isWildcardDNS1123Subdomain } from './formats.js';
import { cidrContains, parseCIDR, parseIP, pushValidCIDR } from './ip-addresses.js';
import { isSet, list, num, optStr, record, recordOrEmpty, str, type JsonRecord } from './json-value.js';
import { pushLabelSelector } from './labels.js';
import { nameValidators } from './name-validators.js';
import { FIELD_IMMUTABLE } from './object-meta.js';

const INGRESS_CLASS_ANNOTATION = 'kubernetes.io/ingress.class';
const pathTypes = ['Exact', 'ImplementationSpecific', 'Prefix'];
const invalidPathSequences = ['//', '/./', '/../', '%2f', '%2F'];
const invalidPathSuffixes = ['/..', '/.'];

function pushTypedLocalObjectReference(errs: FieldError[], refValue: unknown, path: string): void {
  const ref = recordOrEmpty(refValue);
  const group = optStr(ref.apiGroup);
  if (group !== undefined) for (const msg of isDNS1123Subdomain(group)) errs.push(field.invalid(child(path, 'apiGroup'), group, msg));
  const kind = str(ref.kind);
  if (kind === '') errs.push(field.required(child(path, 'kind'), 'kind is required'));
  else for (const msg of isValidPathSegmentName(kind)) errs.push(field.invalid(child(path, 'kind'), kind, msg));
  const name = str(ref.name);
  if (name === '') errs.push(field.required(child(path, 'name'), 'name is required'));
  else for (const msg of isValidPathSegmentName(name)) errs.push(field.invalid(child(path, 'name'), name, msg));
}

function pushIngressBackend(errs: FieldError[], backendValue: unknown, path: string): void {
  const backend = recordOrEmpty(backendValue);
  const resource = backend.resource;
  const service = record(backend.service);
  if (isSet(resource) && service) {
    errs.push(field.invalid(path, '', 'cannot set both resource and service backends'));
  } else if (isSet(resource)) {
    pushTypedLocalObjectReference(errs, resource, child(path, 'resource'));
  } else if (service) {
    const name = str(service.name);
    if (name === '') errs.push(field.required(`${path}.service.name`, ''));
    else for (const msg of isDNS1035Label(name)) errs.push(field.invalid(`${path}.service.name`, name, msg));
    const port = recordOrEmpty(service.port);
    const portName = str(port.name);
    const portNumber = num(port.number) ?? 0;
    if (portName !== '' && portNumber !== 0) errs.push(field.invalid(path, '', 'cannot set both port name & port number'));
    else if (portName !== '') for (const msg of isValidPortName(portName)) errs.push(field.invalid(`${path}.service.port.name`, portName, msg));
    else if (portNumber !== 0) for (const msg of isValidPortNum(portNumber)) errs.push(field.invalid(`${path}.service.port.number`, portNumber, msg));
    else errs.push(field.required(path, 'port name or number is required'));
  } else {
    errs.push(field.invalid(path, '', 'resource or service backend is required'));
  }
}

function pushHTTPIngressPath(errs: FieldError[], pathValue: unknown, path: string): void {
  const p = recordOrEmpty(pathValue);
  const pathType = optStr(p.pathType);
  if (pathType === undefined) {
    errs.push(field.required(child(path, 'pathType'), 'pathType must be specified'));
    return;
  }
  const value = str(p.path);
  switch (pathType) {
    case 'Exact':
    case 'Prefix':
      if (!value.startsWith('/')) errs.push(field.invalid(child(path, 'path'), value, 'must be an absolute path'));
      if (value !== '') {
        for (const seq of invalidPathSequences) if (value.includes(seq)) errs.push(field.invalid(child(path, 'path'), value, `must not contain '${seq}'`));
        for (const suffix of invalidPathSuffixes) if (value.endsWith(suffix)) errs.push(field.invalid(child(path, 'path'), value, `cannot end with '${suffix}'`));
      }
      break;
    case 'ImplementationSpecific':
      if (value !== '' && !value.startsWith('/')) errs.push(field.invalid(child(path, 'path'), value, 'must be an absolute path'));
      break;
    default:
      errs.push(field.notSupported(child(path, 'pathType'), pathType, pathTypes));
  }
  pushIngressBackend(errs, p.backend, child(path, 'backend'));
}

function pushIngressSpec(errs: FieldError[], specValue: unknown, allowInvalidSecretName: boolean, allowInvalidWildcardRules: boolean): void {
  const spec = recordOrEmpty(specValue);
  const rules = list(spec.rules);
  if (rules.length === 0 && !isSet(spec.defaultBackend)) {
    errs.push(field.invalid('spec', spec.rules ?? null, 'either `defaultBackend` or `rules` must be specified'));
  }
  if (isSet(spec.defaultBackend)) pushIngressBackend(errs, spec.defaultBackend, 'spec.defaultBackend');
  for (let i = 0; i < rules.length; i++) {
    const rule = recordOrEmpty(rules[i]);
    const rp = index('spec.rules', i);
    const host = str(rule.host);
    let wildcard = false;
    if (host !== '') {
      if (parseIP(host)) errs.push(field.invalid(child(rp, 'host'), host, 'must be a DNS name, not an IP address'));
      if (host.includes('*')) {
        for (const msg of isWildcardDNS1123Subdomain(host)) errs.push(field.invalid(child(rp, 'host'), host, msg));
        wildcard = true;
      } else {
        for (const msg of isDNS1123Subdomain(host)) errs.push(field.invalid(child(rp, 'host'), host, msg));
      }
    }
    if (wildcard && allowInvalidWildcardRules) continue;
    const http = record(rule.http);
    if (!http) continue;
    const paths = list(http.paths);
    if (paths.length === 0) errs.push(field.required(`${rp}.http.paths`, ''));
    for (let j = 0; j < paths.length; j++) pushHTTPIngressPath(errs, paths[j], index(`${rp}.http.paths`, j));
  }
  const tls = list(spec.tls);
  for (let t = 0; t < tls.length; t++) {
    const entry = recordOrEmpty(tls[t]);
    const hosts = list(entry.hosts);
    for (let i = 0; i < hosts.length; i++) {
      const host = str(hosts[i]);
      const p = index(child(index('spec.tls', t), 'hosts'), i);
      const msgs = host.includes('*') ? isWildcardDNS1123Subdomain(host) : isDNS1123Subdomain(host);
      for (const msg of msgs) errs.push(field.invalid(p, host, msg));
    }
    const secretName = str(entry.secretName);
    if (!allowInvalidSecretName && secretName !== '') {
      for (const msg of nameValidators.dnsSubdomain(secretName, false)) errs.push(field.invalid(child(index('spec.tls', t), 'secretName'), secretName, msg));
    }
  }
  const className = optStr(spec.ingressClassName);
  if (className !== undefined) for (const msg of nameValidators.dnsSubdomain(className, false)) errs.push(field.invalid('spec.ingressClassName', className, msg));
}

export function validateIngress(obj: unknown): FieldError[] {
  const ing = recordOrEmpty(obj);
  const errs: FieldError[] = [];
  pushIngressSpec(errs, ing.spec, false, false);
  const annotations = recordOrEmpty(recordOrEmpty(ing.metadata).annotations);
  const className = optStr(recordOrEmpty(ing.spec).ingressClassName);
  if (Object.prototype.hasOwnProperty.call(annotations, INGRESS_CLASS_ANNOTATION) && className !== undefined && annotations[INGRESS_CLASS_ANNOTATION] !== className) {
    errs.push(field.invalid(`annotations.${INGRESS_CLASS_ANNOTATION}`, annotations[INGRESS_CLASS_ANNOTATION], 'must match `ingressClassName` when both are specified'));
  }
  return errs;
}

/** Objects stored before a rule existed keep passing it on update. */
export function validateIngressUpdate(obj: unknown, oldObj: unknown): FieldError[] {
  const ing = recordOrEmpty(obj);
  const oldSpec = recordOrEmpty(recordOrEmpty(oldObj).spec);
  const allowInvalidSecretName = list(oldSpec.tls).some((t) => {
    const name = str(recordOrEmpty(t).secretName);
    return name !== '' && nameValidators.dnsSubdomain(name, false).length > 0;
  });
  const allowInvalidWildcard = list(oldSpec.rules).some((r) => {
    const rule = recordOrEmpty(r);
    if (!str(rule.host).includes('*')) return false;
    const probe: FieldError[] = [];
    for (const p of list(recordOrEmpty(rule.http).paths)) pushHTTPIngressPath(probe, p, '');
    return probe.length > 0 || (isSet(rule.http) && list(recordOrEmpty(rule.http).paths).length === 0);
  });
  const errs: FieldError[] = [];
  pushIngressSpec(errs, ing.spec, allowInvalidSecretName, allowInvalidWildcard);
  return errs;
}

export function validateIngressStatusUpdate(obj: unknown): FieldError[] {
  const ingress = list(recordOrEmpty(recordOrEmpty(recordOrEmpty(obj).status).loadBalancer).ingress);
  const errs: FieldError[] = [];
  for (let i = 0; i < ingress.length; i++) {
    const ing = recordOrEmpty(ingress[i]);
    const p = index('status.loadBalancer.ingress', i);
    const ip = str(ing.ip);
    if (ip !== '' && !parseIP(ip)) errs.push(field.invalid(child(p, 'ip'), ip, 'must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)'));
    const hostname = str(ing.hostname);
    if (hostname !== '') {
      for (const msg of isDNS1123Subdomain(hostname)) errs.push(field.invalid(child(p, 'hostname'), hostname, msg));
      if (parseIP(hostname)) errs.push(field.invalid(child(p, 'hostname'), hostname, 'must be a DNS name, not an IP address'));
    }
  }
  return errs;
}

const MAX_CONTROLLER_LENGTH = 250;

function pushIngressClassSpec(errs: FieldError[], specValue: unknown): void {
  const spec = recordOrEmpty(specValue);
  const controller = str(spec.controller);
  if (controller.length > MAX_CONTROLLER_LENGTH) errs.push(field.tooLong('spec.controller', '', MAX_CONTROLLER_LENGTH));
  for (const e of isDomainPrefixedPath('spec.controller', controller)) errs.push(e);
  const params = record(spec.parameters);
  if (!params) return;
  pushTypedLocalObjectReference(errs, params, 'spec.parameters');
  const scope = optStr(params.scope);
  if (scope === undefined) {
    errs.push(field.required('spec.parameters.scope', ''));
    return;
  }
  if (scope !== 'Cluster' && scope !== 'Namespace') {
    errs.push(field.notSupported('spec.parameters.scope', scope, ['Cluster', 'Namespace']));
    return;
  }
  const ns = optStr(params.namespace);
  if (scope === 'Namespace') {
    if (ns === undefined) errs.push(field.required('spec.parameters.namespace', "`parameters.scope` is set to 'Namespace'"));
    else for (const msg of nameValidators.dnsLabel(ns, false)) errs.push(field.invalid('spec.parameters.namespace', ns, msg));
  }
  if (scope === 'Cluster' && ns !== undefined) errs.push(field.forbidden('spec.parameters.namespace', "`parameters.scope` is set to 'Cluster'"));
}

export function validateIngressClass(obj: unknown): FieldError[] {
  const errs: FieldError[] = [];
  pushIngressClassSpec(errs, recordOrEmpty(obj).spec);
  return errs;
}

export function validateIngressClassUpdate(obj: unknown, oldObj: unknown): FieldError[] {
  const errs: FieldError[] = [];
  const controller = str(recordOrEmpty(recordOrEmpty(obj).spec).controller);
  if (controller !== str(recordOrEmpty(recordOrEmpty(oldObj).spec).controller)) errs.push(field.invalid('spec.controller', controller, FIELD_IMMUTABLE));
  pushIngressClassSpec(errs, recordOrEmpty(obj).spec);
  return errs;
}

function pushNetworkPolicyPort(errs: FieldError[], portValue: unknown, path: string): void {
  const port = recordOrEmpty(portValue);
  const protocol = optStr(port.protocol);
  if (protocol !== undefined && protocol !== 'TCP' && protocol !== 'UDP' && protocol !== 'SCTP') {
    errs.push(field.notSupported(child(path, 'protocol'), protocol, ['TCP', 'UDP', 'SCTP']));
  }
  const endPort = num(port.endPort);
  if (typeof port.port === 'number') {
    for (const msg of isValidPortNum(port.port)) errs.push(field.invalid(child(path, 'port'), port.port, msg));
    if (endPort !== undefined) {
      if (endPort < port.port) errs.push(field.invalid(child(path, 'endPort'), port.port, 'must be greater than or equal to `port`'));
      for (const msg of isValidPortNum(endPort)) errs.push(field.invalid(child(path, 'endPort'), endPort, msg));
    }
  } else if (typeof port.port === 'string') {
    if (endPort !== undefined) errs.push(field.invalid(child(path, 'endPort'), endPort, 'may not be specified when `port` is non-numeric'));
    for (const msg of isValidPortName(port.port)) errs.push(field.invalid(child(path, 'port'), port.port, msg));
  } else if (endPort !== undefined) {
    errs.push(field.invalid(child(path, 'endPort'), endPort, 'may not be specified when `port` is not specified'));
  }
}

function pushIPBlock(errs: FieldError[], blockValue: unknown, path: string): void {
  const block = recordOrEmpty(blockValue);
  const cidr = str(block.cidr);
  if (cidr === '') {
    errs.push(field.required(child(path, 'cidr'), ''));
    return;
  }
  if (!pushValidCIDR(errs, child(path, 'cidr'), cidr)) return;
  const outer = parseCIDR(cidr);
  const except = list(block.except);
  for (let i = 0; i < except.length; i++) {
    const p = index(child(path, 'except'), i);
    const text = str(except[i]);
    if (!pushValidCIDR(errs, p, text)) continue;
    const inner = parseCIDR(text);
    if (outer && inner && (!cidrContains(outer, inner) || outer.prefix >= inner.prefix)) {
      errs.push(field.invalid(p, text, 'must be a strict subset of `cidr`'));
    }
  }
}

function pushPeer(errs: FieldError[], peerValue: unknown, path: string): void {
  const peer = recordOrEmpty(peerValue);
  let count = 0;
  if (isSet(peer.podSelector)) {
    count++;
    pushLabelSelector(errs, peer.podSelector, child(path, 'podSelector'));
  }
  if (isSet(peer.namespaceSelector)) {
    count++;
    pushLabelSelector(errs, peer.namespaceSelector, child(path, 'namespaceSelector'));
  }
  if (isSet(peer.ipBlock)) {
    count++;
    pushIPBlock(errs, peer.ipBlock, child(path, 'ipBlock'));
  }
  if (count === 0) errs.push(field.required(path, 'must specify a peer'));
  else if (count > 1 && isSet(peer.ipBlock)) errs.push(field.forbidden(path, 'may not specify both ipBlock and another peer'));
}

function pushRules(errs: FieldError[], rules: unknown, path: string, peersKey: 'from' | 'to'): void {
  const items = list(rules);
  for (let i = 0; i < items.length; i++) {
    const rule: JsonRecord = recordOrEmpty(items[i]);
    const rp = index(path, i);
    const ports = list(rule.ports);
    for (let j = 0; j < ports.length; j++) pushNetworkPolicyPort(errs, ports[j], index(child(rp, 'ports'), j));
    const peers = list(rule[peersKey]);
    for (let j = 0; j < peers.length; j++) pushPeer(errs, peers[j], index(child(rp, peersKey), j));
  }
}

export function validateNetworkPolicy(obj: unknown): FieldError[] {
  const spec = recordOrEmpty(recordOrEmpty(obj).spec);
  const errs: FieldError[] = [];
  pushLabelSelector(errs, spec.podSelector, 'spec.podSelector');
  pushRules(errs, spec.ingress, 'spec.ingress', 'from');
  pushRules(errs, spec.egress, 'spec.egress', 'to');
  const types = list(spec.policyTypes);
  if (types.length > 2) {
    errs.push(field.invalid('spec.policyTypes', types, 'may not specify more than two policyTypes'));
    return errs;
  }
  for (let i = 0; i < types.length; i++) {
    const t = str(types[i]);
    if (t !== 'Ingress' && t !== 'Egress') errs.push(field.notSupported(index('spec.policyTypes', i), t, ['Ingress', 'Egress']));
  }
  return errs;
}
