// apiregistration.k8s.io APIService (kube-aggregator's pkg/apis/apiregistration/validation): the
// name is "<version>.<group>" ("v1." for the core group), priorities within their ranges, a
// local APIService (no service) carries no TLS settings, a remote one names its Service.
import type { FieldError } from '../../apierrors/field-errors.js';
import { field } from '../../apierrors/field-errors.js';
import { isDNS1035Label, isDNS1123Subdomain } from './formats.js';
import { num, recordOrEmpty, str } from './json-value.js';

export function validateApiService(obj: unknown): FieldError[] {
  const errs: FieldError[] = [];
  const api = recordOrEmpty(obj);
  const name = str(recordOrEmpty(api.metadata).name);
  const spec = recordOrEmpty(api.spec);
  const group = str(spec.group);
  const version = str(spec.version);
  const required = `${version}.${group}`;
  if (name && name !== required) errs.push(field.invalid('metadata.name', name, `must be \`spec.version+"."+spec.group\`: "${required}"`));
  if (group === '' && version !== 'v1') errs.push(field.required('spec.group', 'only v1 may have an empty group and it better be legacy kube'));
  if (group !== '') for (const msg of isDNS1123Subdomain(group)) errs.push(field.invalid('spec.group', group, msg));
  for (const msg of isDNS1035Label(version)) errs.push(field.invalid('spec.version', version, msg));
  const groupPriority = num(spec.groupPriorityMinimum) ?? 0;
  if (groupPriority <= 0 || groupPriority > 20000) errs.push(field.invalid('spec.groupPriorityMinimum', groupPriority, 'must be positive and less than 20000'));
  const versionPriority = num(spec.versionPriority) ?? 0;
  if (versionPriority <= 0 || versionPriority > 1000) errs.push(field.invalid('spec.versionPriority', versionPriority, 'must be positive and less than 1000'));
  const caBundle = str(spec.caBundle);
  const insecure = spec.insecureSkipTLSVerify === true;
  if (spec.service == null) {
    if (caBundle) errs.push(field.invalid('spec.caBundle', `${Buffer.from(caBundle, 'base64').length} bytes`, 'local APIServices may not have a caBundle'));
    if (insecure) errs.push(field.invalid('spec.insecureSkipTLSVerify', true, 'local APIServices may not have insecureSkipTLSVerify'));
    return errs;
  }
  const service = recordOrEmpty(spec.service);
  if (!str(service.namespace)) errs.push(field.required('spec.service.namespace', ''));
  if (!str(service.name)) errs.push(field.required('spec.service.name', ''));
  const port = num(service.port) ?? 443;
  if (!Number.isInteger(port) || port < 1 || port > 65535) errs.push(field.invalid('spec.service.port', port, 'port is not valid: must be between 1 and 65535, inclusive'));
  if (insecure && caBundle) errs.push(field.invalid('spec.insecureSkipTLSVerify', true, 'may not be true if caBundle is present'));
  return errs;
}
