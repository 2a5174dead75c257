// ConfigMaps and Secrets: key syntax, the 1 MiB size limit, `immutable`, and the keys each
// Secret type requires.
import type { FieldError } from '../../apierrors/field-errors.js';
import { field } from '../../apierrors/field-errors.js';
import { key } from './field-path.js';
import { byteLength, isConfigMapKey } from './formats.js';
import { record, recordOrEmpty, str, type JsonRecord } from './json-value.js';
import { FIELD_IMMUTABLE } from './object-meta.js';
import { semanticEqual } from './semantic-equal.js';

const MAX_SECRET_SIZE = 1024 * 1024;
const IMMUTABLE_SET = 'field is immutable when `immutable` is set';

/** Bytes a base64 value decodes to, without decoding it. */
function base64Length(value: unknown): number {
  const s = str(value).replace(/\s/g, '');
  let padding = 0;
  if (s.endsWith('==')) padding = 2;
  else if (s.endsWith('=')) padding = 1;
  return Math.max(0, Math.floor((s.length * 3) / 4) - padding);
}

function pushImmutableData(errs: FieldError[], obj: JsonRecord, old: JsonRecord, dataFields: readonly string[]): void {
  if (old.immutable !== true) return;
  if (obj.immutable !== true) errs.push(field.forbidden('immutable', IMMUTABLE_SET));
  for (const f of dataFields) if (!semanticEqual(obj[f], old[f])) errs.push(field.forbidden(f, IMMUTABLE_SET));
}

export function validateConfigMap(obj: unknown): FieldError[] {
  const cm = recordOrEmpty(obj);
  const errs: FieldError[] = [];
  const data = record(cm.data);
  const binary = record(cm.binaryData);
  let total = 0;
  if (data) {
    for (const k in data) {
      for (const msg of isConfigMapKey(k)) errs.push(field.invalid(key('data', k), k, msg));
      if (binary && Object.prototype.hasOwnProperty.call(binary, k)) errs.push(field.invalid(key('data', k), k, 'duplicate of key present in binaryData'));
      total += byteLength(str(data[k]));
    }
  }
  if (binary) {
    for (const k in binary) {
      for (const msg of isConfigMapKey(k)) errs.push(field.invalid(key('binaryData', k), k, msg));
      total += base64Length(binary[k]);
    }
  }
  // The empty path stands for the whole object, as in Go.
  if (total > MAX_SECRET_SIZE) errs.push(field.tooLong('', '', MAX_SECRET_SIZE));
  return errs;
}

export function validateConfigMapUpdate(obj: unknown, old: unknown): FieldError[] {
  const errs: FieldError[] = [];
  pushImmutableData(errs, recordOrEmpty(obj), recordOrEmpty(old), ['data', 'binaryData']);
  errs.push(...validateConfigMap(obj));
  return errs;
}

/** The error encoding/json reports when a docker config is not a JSON object. */
function dockerConfigError(encoded: unknown): string | undefined {
  const text = Buffer.from(str(encoded), 'base64').toString('utf8');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    const first = text.trimStart()[0];
    if (first === undefined) return 'unexpected end of JSON input';
    if (!/[{["\-0-9tfn]/.test(first)) return `invalid character '${first}' looking for beginning of value`;
    return 'unexpected end of JSON input';
  }
  if (value === null || (typeof value === 'object' && !Array.isArray(value))) return undefined;
  const kind = Array.isArray(value) ? 'array' : typeof value === 'boolean' ? 'bool' : typeof value;
  return `json: cannot unmarshal ${kind} into Go value of type map[string]interface {}`;
}

/**
 * Secret data as validation sees it: v1 `stringData` is merged into `data` during conversion,
 * before validation, so its keys count as data keys here.
 */
function secretData(secret: JsonRecord): Map<string, { value: unknown }> {
  const out = new Map<string, { value: unknown }>();
  const data = recordOrEmpty(secret.data);
  for (const k in data) out.set(k, { value: data[k] });
  const stringData = recordOrEmpty(secret.stringData);
  for (const k in stringData) out.set(k, { value: Buffer.from(str(stringData[k]), 'utf8').toString('base64') });
  return out;
}

export function validateSecret(obj: unknown): FieldError[] {
  const secret = recordOrEmpty(obj);
  const errs: FieldError[] = [];
  const data = secretData(secret);
  let total = 0;
  for (const [k, v] of data) {
    for (const msg of isConfigMapKey(k)) errs.push(field.invalid(key('data', k), k, msg));
    total += base64Length(v.value);
  }
  if (total > MAX_SECRET_SIZE) errs.push(field.tooLong('data', '', MAX_SECRET_SIZE));
  switch (str(secret.type)) {
    case 'kubernetes.io/service-account-token': {
      const annotations = recordOrEmpty(recordOrEmpty(secret.metadata).annotations);
      if (str(annotations['kubernetes.io/service-account.name']) === '') {
        errs.push(field.required(key('metadata.annotations', 'kubernetes.io/service-account.name'), ''));
      }
      break;
    }
    case 'kubernetes.io/dockercfg':
    case 'kubernetes.io/dockerconfigjson': {
      const dataKey = secret.type === 'kubernetes.io/dockercfg' ? '.dockercfg' : '.dockerconfigjson';
      const entry = data.get(dataKey);
      if (!entry) {
        errs.push(field.required(key('data', dataKey), ''));
        break;
      }
      const err = dockerConfigError(entry.value);
      if (err) errs.push(field.invalid(key('data', dataKey), '<secret contents redacted>', err));
      break;
    }
    case 'kubernetes.io/basic-auth':
      // Either may be empty, but one of the keys must be present.
      if (!data.has('username') && !data.has('password')) {
        errs.push(field.required(key('data', 'username'), ''));
        errs.push(field.required(key('data', 'password'), ''));
      }
      break;
    case 'kubernetes.io/ssh-auth':
      if (base64Length(data.get('ssh-privatekey')?.value) === 0) errs.push(field.required(key('data', 'ssh-privatekey'), ''));
      break;
    case 'kubernetes.io/tls':
      if (!data.has('tls.crt')) errs.push(field.required(key('data', 'tls.crt'), ''));
      if (!data.has('tls.key')) errs.push(field.required(key('data', 'tls.key'), ''));
      break;
  }
  return errs;
}

export function validateSecretUpdate(obj: unknown, oldObj: unknown): FieldError[] {
  const secret = recordOrEmpty(obj);
  const old = recordOrEmpty(oldObj);
  const errs: FieldError[] = [];
  if (str(secret.type) !== str(old.type)) errs.push(field.invalid('type', str(secret.type), FIELD_IMMUTABLE));
  pushImmutableData(errs, secret, old, ['data']);
  errs.push(...validateSecret(obj));
  return errs;
}
