// Services (core ValidateService / ValidateServiceUpdate).
import type { FieldError } from '../../apierrors/field-errors.js';
import { field } from '../../apierrors/field-errors.js';
import { pushPortNumOrName, supportedPortProtocols } from './containers.js';
import { child, index, key } from './field-path.js';
import { isDNS1123Label, isDNS1123Subdomain, isValidPortNum } from './formats.js';
import { parseIP, pushValidCIDR, pushValidIP } from './ip-addresses.js';
import { isSet, list, num, optStr, record, recordOrEmpty, str, type JsonRecord } from './json-value.js';
import { pushLabelName, pushLabels } from './labels.js';

const TOPOLOGY_HINTS_ANNOTATION = 'service.kubernetes.io/topology-aware-hints';
const TOPOLOGY_MODE_ANNOTATION = 'service.kubernetes.io/topology-mode';
const LB_SOURCE_RANGES_ANNOTATION = 'service.beta.kubernetes.io/load-balancer-source-ranges';
const MAX_CLIENT_IP_AFFINITY_SECONDS = 86400;
/** The default --service-node-port-range of kube-apiserver. */
const NODE_PORT_MIN = 30000;
const NODE_PORT_MAX = 32767;

const serviceTypes = ['ClusterIP', 'ExternalName', 'LoadBalancer', 'NodePort'];
const trafficDistributions = ['PreferClose', 'PreferSameZone', 'PreferSameNode'];

/**
 * clusterIPs as the service strategy normalizes them before validation: a lone clusterIP is
 * mirrored into clusterIPs.
 */
function clusterIPs(spec: JsonRecord): string[] {
  const ips = list(spec.clusterIPs).map(str);
  if (ips.length === 0 && str(spec.clusterIP) !== '' && spec.type !== 'ExternalName') return [str(spec.clusterIP)];
  return ips;
}

function isHeadless(spec: JsonRecord): boolean {
  const ips = clusterIPs(spec);
  return ips.length === 1 && ips[0] === 'None';
}

function externallyAccessible(spec: JsonRecord): boolean {
  return spec.type === 'LoadBalancer' || spec.type === 'NodePort' || (spec.type === 'ClusterIP' && list(spec.externalIPs).length > 0);
}

function needsHealthCheck(spec: JsonRecord): boolean {
  return spec.type === 'LoadBalancer' && spec.externalTrafficPolicy === 'Local';
}

function pushNonSpecialIP(errs: FieldError[], ip: string, path: string): void {
  const parsed = parseIP(ip);
  if (!parsed) return;
  const v4 = parsed.family === 4 ? parsed.bits : (parsed.bits >> 32n) === 0xffffn ? parsed.bits & 0xffffffffn : undefined;
  if (v4 !== undefined) {
    if (v4 === 0n) errs.push(field.invalid(path, ip, `may not be unspecified (${ip})`));
    if (v4 >> 24n === 127n) errs.push(field.invalid(path, ip, 'may not be in the loopback range (127.0.0.0/8, ::1/128)'));
    if (v4 >> 16n === 0xa9fen) errs.push(field.invalid(path, ip, 'may not be in the link-local range (169.254.0.0/16, fe80::/10)'));
    if (v4 >> 8n === 0xe00000n) errs.push(field.invalid(path, ip, 'may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)'));
    return;
  }
  const bits = parsed.bits;
  if (bits === 0n) errs.push(field.invalid(path, ip, `may not be unspecified (${ip})`));
  if (bits === 1n) errs.push(field.invalid(path, ip, 'may not be in the loopback range (127.0.0.0/8, ::1/128)'));
  if (bits >> 118n === 0x3fan) errs.push(field.invalid(path, ip, 'may not be in the link-local range (169.254.0.0/16, fe80::/10)'));
  if (bits >> 112n === 0xff02n) errs.push(field.invalid(path, ip, 'may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)'));
}

function pushServicePort(errs: FieldError[], portValue: unknown, requireName: boolean, names: Set<string>, path: string): void {
  const port = recordOrEmpty(portValue);
  const name = str(port.name);
  if (requireName && name === '') errs.push(field.required(child(path, 'name'), ''));
  else if (name !== '') {
    for (const msg of isDNS1123Label(name)) errs.push(field.invalid(child(path, 'name'), name, msg));
    if (names.has(name)) errs.push(field.duplicate(child(path, 'name'), name));
    else names.add(name);
  }
  const p = num(port.port) ?? 0;
  for (const msg of isValidPortNum(p)) errs.push(field.invalid(child(path, 'port'), p, msg));
  const protocol = str(port.protocol);
  if (protocol === '') errs.push(field.required(child(path, 'protocol'), ''));
  else if (!supportedPortProtocols.includes(protocol)) errs.push(field.notSupported(child(path, 'protocol'), protocol, supportedPortProtocols));
  pushPortNumOrName(errs, port.targetPort ?? 0, child(path, 'targetPort'));
  const appProtocol = optStr(port.appProtocol);
  if (appProtocol !== undefined) pushLabelName(errs, appProtocol, child(path, 'appProtocol'));
}

function pushClusterIPFields(errs: FieldError[], spec: JsonRecord): void {
  if (spec.type === 'ExternalName') return;
  const ips = clusterIPs(spec);
  const ipsPath = 'spec.clusterIPs';
  const clusterIP = str(spec.clusterIP);
  if (clusterIP !== '') {
    if (ips.length === 0) errs.push(field.required(ipsPath, ''));
    else if (ips[0] !== clusterIP) errs.push(field.invalid(ipsPath, ips, 'first value must match `clusterIP`'));
  } else if (ips.length !== 0) {
    errs.push(field.invalid(ipsPath, ips, 'must be empty when `clusterIP` is not specified'));
  }
  const families = list(spec.ipFamilies).map(str);
  const seen = new Set<string>();
  for (let i = 0; i < families.length; i++) {
    if (families[i] !== 'IPv4' && families[i] !== 'IPv6') errs.push(field.notSupported(index('spec.ipFamilies', i), families[i], ['IPv4', 'IPv6']));
    if (seen.has(families[i])) errs.push(field.duplicate(index('spec.ipFamilies', i), families[i]));
    seen.add(families[i]);
  }
  const policy = optStr(spec.ipFamilyPolicy);
  if (policy !== undefined && policy !== 'SingleStack' && policy !== 'PreferDualStack' && policy !== 'RequireDualStack') {
    errs.push(field.notSupported('spec.ipFamilyPolicy', policy, ['PreferDualStack', 'RequireDualStack', 'SingleStack']));
  }
  let invalid = false;
  for (let i = 0; i < ips.length; i++) {
    if (i === 0 && ips[i] === 'None') {
      if (ips.length > 1) {
        invalid = true;
        errs.push(field.invalid(ipsPath, ips, "'None' must be the first and only value"));
      }
      continue;
    }
    if (!pushValidIP(errs, index(ipsPath, i), ips[i])) invalid = true;
  }
  if (ips.length > 2) errs.push(field.invalid(ipsPath, ips, 'may only hold up to 2 values'));
  if (invalid) return;
  if (ips.length > 1) {
    const f0 = parseIP(ips[0])?.family;
    const f1 = parseIP(ips[1])?.family;
    if (ips.length > 2 || f0 === f1) errs.push(field.invalid(ipsPath, ips, 'may specify no more than one IP for each IP family'));
  }
  if (!isHeadless(spec)) {
    for (let i = 0; i < ips.length && i < families.length; i++) {
      const family = parseIP(ips[i])?.family;
      if (families[i] === 'IPv4' && family === 6) errs.push(field.invalid(index(ipsPath, i), ips[i], `expected an IPv4 value as indicated by \`ipFamilies[${i}]\``));
      if (families[i] === 'IPv6' && family === 4) errs.push(field.invalid(index(ipsPath, i), ips[i], `expected an IPv6 value as indicated by \`ipFamilies[${i}]\``));
    }
  }
}

function pushLoadBalancerClass(errs: FieldError[], spec: JsonRecord, oldSpec: JsonRecord | undefined): void {
  const cls = optStr(spec.loadBalancerClass);
  if (oldSpec && oldSpec.type === 'LoadBalancer' && spec.type === 'LoadBalancer' && (optStr(oldSpec.loadBalancerClass) ?? null) !== (cls ?? null)) {
    errs.push(field.invalid('spec.loadBalancerClass', cls ?? null, 'may not change once set'));
  }
  if (spec.type === 'LoadBalancer') {
    if (cls !== undefined) pushLabelName(errs, cls, 'spec.loadBalancerClass');
  } else if (cls !== undefined) {
    errs.push(field.forbidden('spec.loadBalancerClass', "may only be used when `type` is 'LoadBalancer'"));
  }
}

function pushService(errs: FieldError[], svc: JsonRecord, oldSpec: JsonRecord | undefined): void {
  const spec = recordOrEmpty(svc.spec);
  const annotations = recordOrEmpty(recordOrEmpty(svc.metadata).annotations);
  const hints = optStr(annotations[TOPOLOGY_HINTS_ANNOTATION]);
  const mode = optStr(annotations[TOPOLOGY_MODE_ANNOTATION]);
  if (hints !== undefined && mode !== undefined && hints !== mode) {
    errs.push(
      field.invalid(key('metadata.annotations', TOPOLOGY_MODE_ANNOTATION), mode, `must match annotations[${TOPOLOGY_HINTS_ANNOTATION}] when both are specified`),
    );
  }
  const type = str(spec.type);
  const ports = list(spec.ports);
  const headless = isHeadless(spec);
  if (ports.length === 0 && !headless && type !== 'ExternalName') errs.push(field.required('spec.ports', ''));
  if ((type === 'LoadBalancer' || type === 'NodePort') && headless) {
    errs.push(field.invalid('spec.clusterIPs[0]', 'None', `may not be set to 'None' for ${type} services`));
  }
  if (type === 'ExternalName') {
    if (list(spec.clusterIPs).length > 0) errs.push(field.forbidden('spec.clusterIPs', 'may not be set for ExternalName services'));
    if (list(spec.ipFamilies).length > 0) errs.push(field.forbidden('spec.ipFamilies', 'may not be set for ExternalName services'));
    if (isSet(spec.ipFamilyPolicy)) errs.push(field.forbidden('spec.ipFamilyPolicy', 'may not be set for ExternalName services'));
    const cname = str(spec.externalName).replace(/\.$/, '');
    if (cname !== '') for (const msg of isDNS1123Subdomain(cname)) errs.push(field.invalid('spec.externalName', cname, msg));
    else errs.push(field.required('spec.externalName', ''));
  }
  const names = new Set<string>();
  for (let i = 0; i < ports.length; i++) pushServicePort(errs, ports[i], ports.length > 1, names, index('spec.ports', i));
  if (isSet(spec.selector)) pushLabels(errs, spec.selector, 'spec.selector');

  const affinity = str(spec.sessionAffinity);
  if (affinity === '') errs.push(field.required('spec.sessionAffinity', ''));
  else if (affinity !== 'ClientIP' && affinity !== 'None') errs.push(field.notSupported('spec.sessionAffinity', affinity, ['ClientIP', 'None']));
  if (affinity === 'ClientIP') {
    const detail = 'when session affinity type is ClientIP';
    const config = record(spec.sessionAffinityConfig);
    const clientIP = record(config?.clientIP);
    if (!config) errs.push(field.required('spec.sessionAffinityConfig', detail));
    else if (!clientIP) errs.push(field.required('spec.sessionAffinityConfig.clientIP', detail));
    else if (!isSet(clientIP.timeoutSeconds)) errs.push(field.required('spec.sessionAffinityConfig.clientIP.timeoutSeconds', detail));
    else {
      const t = num(clientIP.timeoutSeconds) ?? 0;
      if (t <= 0 || t > MAX_CLIENT_IP_AFFINITY_SECONDS) {
        errs.push(field.invalid('spec.sessionAffinityConfig.clientIP.timeoutSeconds', t, `must be greater than 0 and less than ${MAX_CLIENT_IP_AFFINITY_SECONDS}`));
      }
    }
  } else if (affinity === 'None' && isSet(spec.sessionAffinityConfig)) {
    errs.push(field.forbidden('spec.sessionAffinityConfig', 'must not be set when session affinity is None'));
  }
  pushClusterIPFields(errs, spec);
  const externalIPs = list(spec.externalIPs);
  for (let i = 0; i < externalIPs.length; i++) {
    const p = index('spec.externalIPs', i);
    if (pushValidIP(errs, p, str(externalIPs[i]))) pushNonSpecialIP(errs, str(externalIPs[i]), p);
  }
  if (type === '') errs.push(field.required('spec.type', ''));
  else if (!serviceTypes.includes(type)) errs.push(field.notSupported('spec.type', type, serviceTypes));

  const nodePorts = new Set<string>();
  const portKeys = new Set<string>();
  for (let i = 0; i < ports.length; i++) {
    const port = recordOrEmpty(ports[i]);
    const p = index('spec.ports', i);
    const nodePort = num(port.nodePort) ?? 0;
    if (type === 'ClusterIP' && nodePort !== 0) errs.push(field.forbidden(child(p, 'nodePort'), "may not be used when `type` is 'ClusterIP'"));
    if (nodePort !== 0) {
      if ((type === 'NodePort' || type === 'LoadBalancer') && (nodePort < NODE_PORT_MIN || nodePort > NODE_PORT_MAX)) {
        errs.push(
          field.invalid(
            child(p, 'nodePort'),
            nodePort,
            `provided port is not in the valid range. The range of valid ports is ${NODE_PORT_MIN}-${NODE_PORT_MAX}`,
          ),
        );
      }
      const k = `${str(port.protocol)}/${nodePort}`;
      if (nodePorts.has(k)) errs.push(field.duplicate(child(p, 'nodePort'), nodePort));
      nodePorts.add(k);
    }
    const pk = `${str(port.protocol)}/${num(port.port) ?? 0}`;
    if (portKeys.has(pk)) errs.push(field.duplicate(p, { protocol: str(port.protocol), port: num(port.port) ?? 0 }));
    portKeys.add(pk);
  }

  const ranges = list(spec.loadBalancerSourceRanges);
  if (ranges.length > 0) {
    if (type !== 'LoadBalancer') errs.push(field.forbidden('spec.LoadBalancerSourceRanges', "may only be used when `type` is 'LoadBalancer'"));
    // Values may be space-padded: a leftover from the annotation days.
    for (let i = 0; i < ranges.length; i++) pushValidCIDR(errs, index('spec.LoadBalancerSourceRanges', i), str(ranges[i]).trim());
  } else if (Object.prototype.hasOwnProperty.call(annotations, LB_SOURCE_RANGES_ANNOTATION)) {
    const p = key('metadata.annotations', LB_SOURCE_RANGES_ANNOTATION);
    if (type !== 'LoadBalancer') errs.push(field.forbidden(p, "may only be used when `type` is 'LoadBalancer'"));
    const val = str(annotations[LB_SOURCE_RANGES_ANNOTATION]).trim();
    if (val !== '') for (const cidr of val.split(',')) pushValidCIDR(errs, p, cidr.trim());
  }
  if (isSet(spec.allocateLoadBalancerNodePorts) && type !== 'LoadBalancer') {
    errs.push(field.forbidden('spec.allocateLoadBalancerNodePorts', "may only be used when `type` is 'LoadBalancer'"));
  }
  if (type === 'LoadBalancer' && !isSet(spec.allocateLoadBalancerNodePorts)) errs.push(field.required('allocateLoadBalancerNodePorts', ''));
  pushLoadBalancerClass(errs, spec, oldSpec);

  const etp = str(spec.externalTrafficPolicy);
  if (!externallyAccessible(spec)) {
    if (etp !== '') errs.push(field.invalid('spec.externalTrafficPolicy', etp, 'may only be set for externally-accessible services'));
  } else if (etp === '') {
    errs.push(field.required('spec.externalTrafficPolicy', ''));
  } else if (etp !== 'Cluster' && etp !== 'Local') {
    errs.push(field.notSupported('spec.externalTrafficPolicy', etp, ['Cluster', 'Local']));
  }
  const hcnp = num(spec.healthCheckNodePort) ?? 0;
  if (!needsHealthCheck(spec)) {
    if (hcnp !== 0) {
      errs.push(field.invalid('spec.healthCheckNodePort', hcnp, "may only be set when `type` is 'LoadBalancer' and `externalTrafficPolicy` is 'Local'"));
    }
  } else if (hcnp === 0) {
    errs.push(field.required('spec.healthCheckNodePort', ''));
  } else {
    for (const msg of isValidPortNum(hcnp)) errs.push(field.invalid('spec.healthCheckNodePort', hcnp, msg));
  }
  const itp = optStr(spec.internalTrafficPolicy);
  if (itp === undefined) {
    if (type === 'NodePort' || type === 'LoadBalancer' || type === 'ClusterIP') errs.push(field.required('spec.internalTrafficPolicy', ''));
  } else if (itp !== 'Cluster' && itp !== 'Local') {
    errs.push(field.notSupported('spec.internalTrafficPolicy', itp, ['Cluster', 'Local']));
  }
  const td = optStr(spec.trafficDistribution);
  if (td !== undefined && !trafficDistributions.includes(td)) errs.push(field.notSupported('spec.trafficDistribution', td, trafficDistributions));
}

export function validateService(obj: unknown): FieldError[] {
  const errs: FieldError[] = [];
  pushService(errs, recordOrEmpty(obj), undefined);
  return errs;
}

function pushClusterIPsUpdate(errs: FieldError[], spec: JsonRecord, oldSpec: JsonRecord): void {
  if (spec.type === 'ExternalName' || oldSpec.type === 'ExternalName') return;
  const newHeadless = isHeadless(spec);
  const oldHeadless = isHeadless(oldSpec);
  const ips = clusterIPs(spec);
  const oldIPs = clusterIPs(oldSpec);
  if (!(newHeadless && oldHeadless)) {
    if (oldIPs.length === ips.length) {
      for (let i = 0; i < oldIPs.length; i++) {
        if (oldIPs[i] !== ips[i]) errs.push(field.invalid(index('spec.clusterIPs', i), ips, 'may not change once set'));
      }
    } else if (oldIPs.length > ips.length) {
      if (ips.length === 0) errs.push(field.invalid('spec.clusterIPs[0]', ips, 'primary clusterIP can not be unset'));
      if (oldIPs.length > 0 && ips.length > 0 && ips[0] !== oldIPs[0]) errs.push(field.invalid('spec.clusterIPs[0]', ips, 'may not change once set'));
      if (ips.length === 1 && spec.ipFamilyPolicy !== 'SingleStack') {
        errs.push(field.invalid('spec.ipFamilyPolicy', spec.ipFamilyPolicy ?? null, "must be set to 'SingleStack' when releasing the secondary clusterIP"));
      }
    } else if (oldIPs.length > 0 && ips[0] !== oldIPs[0]) {
      errs.push(field.invalid('spec.clusterIPs[0]', ips, 'may not change once set'));
    }
  }
  if (newHeadless !== oldHeadless || newHeadless) return;
  const families = list(spec.ipFamilies).map(str);
  const oldFamilies = list(oldSpec.ipFamilies).map(str);
  if (oldFamilies.length === families.length) {
    for (let i = 0; i < oldFamilies.length; i++) {
      if (oldFamilies[i] !== families[i]) errs.push(field.invalid('spec.ipFamilies[0]', families, 'may not change once set'));
    }
  } else if (oldFamilies.length > families.length) {
    if (ips.length === 0) errs.push(field.invalid('spec.ipFamilies[0]', families, 'primary ipFamily can not be unset'));
    if (families.length > 0 && families[0] !== oldFamilies[0]) errs.push(field.invalid('spec.ipFamilies[0]', ips, 'may not change once set'));
    if (families.length === 1 && spec.ipFamilyPolicy !== 'SingleStack') {
      errs.push(field.invalid('spec.ipFamilyPolicy', spec.ipFamilyPolicy ?? null, "must be set to 'SingleStack' when releasing the secondary ipFamily"));
    }
  } else if (oldFamilies.length > 0 && families.length > 0 && families[0] !== oldFamilies[0]) {
    errs.push(field.invalid('spec.ipFamilies[0]', ips, 'may not change once set'));
  }
}

export function validateServiceUpdate(obj: unknown, oldObj: unknown): FieldError[] {
  const svc = recordOrEmpty(obj);
  const spec = recordOrEmpty(svc.spec);
  const oldSpec = recordOrEmpty(recordOrEmpty(oldObj).spec);
  const errs: FieldError[] = [];
  pushClusterIPsUpdate(errs, spec, oldSpec);
  if (needsHealthCheck(oldSpec) && needsHealthCheck(spec) && num(spec.healthCheckNodePort) !== num(oldSpec.healthCheckNodePort)) {
    errs.push(field.forbidden('spec.healthCheckNodePort', 'field is immutable'));
  }
  pushService(errs, svc, oldSpec);
  return errs;
}

export function validateServiceStatusUpdate(obj: unknown): FieldError[] {
  const svc = recordOrEmpty(obj);
  const spec = recordOrEmpty(svc.spec);
  const ingress = list(recordOrEmpty(recordOrEmpty(recordOrEmpty(svc.status).loadBalancer)).ingress);
  const errs: FieldError[] = [];
  const path = 'status.loadBalancer.ingress';
  if (spec.type !== 'LoadBalancer' && ingress.length !== 0) {
    errs.push(field.forbidden(path, "may only be used when `spec.type` is 'LoadBalancer'"));
    return errs;
  }
  for (let i = 0; i < ingress.length; i++) {
    const ing = recordOrEmpty(ingress[i]);
    const p = index(path, i);
    const ip = str(ing.ip);
    if (ip !== '') pushValidIP(errs, child(p, 'ip'), ip);
    const ipMode = optStr(ing.ipMode);
    if (ipMode === undefined) {
      if (ip !== '') errs.push(field.required(child(p, 'ipMode'), 'must be specified when `ip` is set'));
    } else if (ip === '') {
      errs.push(field.forbidden(child(p, 'ipMode'), 'may not be specified when `ip` is not set'));
    } else if (ipMode !== 'Proxy' && ipMode !== 'VIP') {
      errs.push(field.notSupported(child(p, 'ipMode'), ipMode, ['Proxy', 'VIP']));
    }
    const hostname = str(ing.hostname);
    if (hostname !== '') {
      for (const msg of isDNS1123Subdomain(hostname)) errs.push(field.invalid(child(p, 'hostname'), hostname, msg));
      if (parseIP(hostname)) errs.push(field.invalid(child(p, 'hostname'), hostname, 'must be a DNS name, not an IP address'));
    }
  }
  return errs;
}
