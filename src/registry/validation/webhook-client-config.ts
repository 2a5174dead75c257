// A webhook's clientConfig (admission webhooks and CRD conversion webhooks share it), checked as
// k8s.io/apiserver's webhook.ValidateWebhookURL and ValidateWebhookService do.
import type { FieldError } from '../../apierrors/index.js';

export interface ClientConfigInput {
  url?: string;
  service?: { namespace?: string; name?: string; path?: string; port?: number };
  caBundle?: string;
}

export function validateWebhookClientConfig(path: string, config: ClientConfigInput | undefined): FieldError[] {
  const errors: FieldError[] = [];
  const hasUrl = typeof config?.url === 'string';
  const hasService = config?.service != null;
  if (hasUrl === hasService) {
    errors.push({ type: 'FieldValueRequired', field: path, detail: 'exactly one of url or service is required' });
    return errors;
  }
  if (hasUrl) errors.push(...validateUrl(`${path}.url`, config!.url!));
  else errors.push(...validateService(`${path}.service`, config!.service!));
  return errors;
}

function validateUrl(field: string, raw: string): FieldError[] {
  const invalid = (detail: string): FieldError => ({ type: 'FieldValueInvalid', field, badValue: raw, detail });
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return [invalid('host must be specified')];
  }
  const errors: FieldError[] = [];
  if (url.protocol !== 'https:') errors.push(invalid("'https' is the only allowed URL scheme"));
  if (!url.hostname) errors.push(invalid('host must be specified'));
  if (url.username || url.password) errors.push(invalid('user information is not permitted in the URL'));
  if (url.hash || raw.includes('#')) errors.push(invalid('fragments are not permitted in the URL'));
  if (url.search || raw.includes('?')) errors.push(invalid('query parameters are not permitted in the URL'));
  return errors;
}

function validateService(field: string, service: NonNullable<ClientConfigInput['service']>): FieldError[] {
  const errors: FieldError[] = [];
  if (!service.name) errors.push({ type: 'FieldValueRequired', field: `${field}.name`, detail: 'service name is required' });
  if (!service.namespace) errors.push({ type: 'FieldValueRequired', field: `${field}.namespace`, detail: 'service namespace is required' });
  const port = service.port ?? 443;
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    errors.push({ type: 'FieldValueInvalid', field: `${field}.port`, badValue: port, detail: 'port is not valid: must be between 1 and 65535, inclusive' });
  }
  if (service.path !== undefined && service.path !== '') {
    if (!service.path.startsWith('/')) errors.push({ type: 'FieldValueInvalid', field: `${field}.path`, badValue: service.path, detail: "must start with a '/'" });
  }
  return errors;
}
