// certificates.k8s.io CertificateSigningRequest (pkg/apis/certificates/validation). Which write
// may touch what: Approved and Denied conditions only through /approval, status.certificate only
// through /status, and no Approved, Denied or Failed condition is ever taken back.
import { X509Certificate } from 'node:crypto';
import type { FieldError } from '../../apierrors/field-errors.js';
import { field } from '../../apierrors/field-errors.js';
import { isDNS1123Label, isDNS1123Subdomain } from './formats.js';
import { list, num, optStr, recordOrEmpty, str } from './json-value.js';
import { semanticEqual } from './semantic-equal.js';

type CsrWrite = 'create' | 'update' | 'status' | 'approval';

const knownUsages = [
  'any', 'cert sign', 'client auth', 'code signing', 'content commitment', 'crl sign', 'data encipherment', 'decipher only',
  'digital signature', 'email protection', 'encipher only', 'ipsec end system', 'ipsec tunnel', 'ipsec user', 'key agreement',
  'key encipherment', 'microsoft sgc', 'netscape sgc', 'ocsp signing', 's/mime', 'server auth', 'signing', 'timestamping',
];
const trueOnlyConditions = ['Approved', 'Denied', 'Failed'];
const legacySigner = 'kubernetes.io/legacy-unknown';

export function validateCertificateSigningRequest(obj: unknown): FieldError[] {
  return validateCsr(obj, undefined, 'create');
}

export function validateCertificateSigningRequestUpdate(obj: unknown, old: unknown): FieldError[] {
  return validateCsr(obj, old, 'update');
}

export function validateCertificateSigningRequestStatusUpdate(obj: unknown, old: unknown): FieldError[] {
  return validateCsr(obj, old, 'status');
}

export function validateCertificateSigningRequestApprovalUpdate(obj: unknown, old: unknown): FieldError[] {
  return validateCsr(obj, old, 'approval');
}

/**
 * The rules for one write. Problems already present in the stored object (a legacy signer, a
 * duplicate or empty condition type, both Approved and Denied, odd usages or certificate data)
 * are tolerated on update, as kube-apiserver tolerates them for compatibility.
 */
function validateCsr(obj: unknown, old: unknown, write: CsrWrite): FieldError[] {
  const errs: FieldError[] = [];
  const spec = recordOrEmpty(recordOrEmpty(obj).spec);
  const oldSpec = old === undefined ? undefined : recordOrEmpty(recordOrEmpty(old).spec);
  const conditions = list(recordOrEmpty(recordOrEmpty(obj).status).conditions).map(recordOrEmpty);
  const oldConditions = old === undefined ? [] : list(recordOrEmpty(recordOrEmpty(old).status).conditions).map(recordOrEmpty);

  const requestError = pemRequestError(str(spec.request));
  if (requestError) errs.push(field.invalid('spec.request', str(spec.request), requestError));
  const usages = list(spec.usages);
  if (usages.length === 0) errs.push(field.required('spec.usages', ''));
  const oldUsages = oldSpec === undefined ? [] : list(oldSpec.usages);
  if (!oldUsages.some((u) => !knownUsages.includes(str(u)))) {
    usages.forEach((u, i) => {
      if (!knownUsages.includes(str(u))) errs.push(field.notSupported(`spec.usages[${i}]`, u, knownUsages));
    });
  }
  if (new Set(oldUsages).size === oldUsages.length) {
    const seen = new Set<unknown>();
    usages.forEach((u, i) => {
      if (seen.has(u)) errs.push(field.duplicate(`spec.usages[${i}]`, u));
      seen.add(u);
    });
  }
  const signerName = str(spec.signerName);
  if (signerName === legacySigner && oldSpec?.signerName !== legacySigner) {
    errs.push(field.invalid('spec.signerName', signerName, 'the legacy signerName is not allowed via this API version'));
  } else if (signerName !== legacySigner) errs.push(...signerNameErrors('spec.signerName', signerName));
  const expiration = num(spec.expirationSeconds);
  if (expiration !== undefined && expiration < 600) {
    errs.push(field.invalid('spec.expirationSeconds', expiration, 'may not specify a duration less than 600 seconds (10 minutes)'));
  }
  errs.push(...conditionErrors(conditions, oldConditions));

  const certificate = optStr(recordOrEmpty(recordOrEmpty(obj).status).certificate) ?? '';
  const oldCertificate = old === undefined ? '' : (optStr(recordOrEmpty(recordOrEmpty(old).status).certificate) ?? '');
  const tolerateCertificate = (old !== undefined && certificate === oldCertificate) || (old !== undefined && certificateError(oldCertificate) !== undefined);
  if (!tolerateCertificate) {
    const problem = certificateError(certificate);
    if (problem) errs.push(field.invalid('status.certificate', '<certificate data>', problem));
  }

  if (old !== undefined) {
    for (const type of trueOnlyConditions) {
      if (ofType(conditions, type).length < ofType(oldConditions, type).length) {
        errs.push(field.forbidden('status.conditions', `updates may not remove a condition of type "${type}"`));
      }
    }
    if (write !== 'approval') {
      for (const type of ['Approved', 'Denied']) {
        const before = ofType(oldConditions, type);
        const after = ofType(conditions, type);
        if (after.length > before.length) errs.push(field.forbidden('status.conditions', `updates may not add a condition of type "${type}"`));
        else if (after.length === before.length && !semanticEqual(before, after)) {
          errs.push(field.forbidden('status.conditions', `updates may not modify a condition of type "${type}"`));
        }
      }
    }
    if (certificate !== oldCertificate) {
      if (write !== 'status') errs.push(field.forbidden('status.certificate', 'updates may not set certificate content'));
      else if (oldCertificate !== '') errs.push(field.forbidden('status.certificate', 'updates may not modify existing certificate content'));
    }
  }
  return errs;
}

function ofType(conditions: Record<string, unknown>[], type: string): Record<string, unknown>[] {
  return conditions.filter((c) => c.type === type);
}

function conditionErrors(conditions: Record<string, unknown>[], oldConditions: Record<string, unknown>[]): FieldError[] {
  const errs: FieldError[] = [];
  const oldTypes = oldConditions.map((c) => str(c.type));
  const allowEmptyType = oldTypes.includes('');
  const allowDuplicates = new Set(oldTypes).size !== oldTypes.length;
  const allowBoth = oldTypes.includes('Approved') && oldTypes.includes('Denied');
  const seen = new Set<string>();
  let approved = false;
  let denied = false;
  conditions.forEach((c, i) => {
    const path = `status.conditions[${i}]`;
    const type = str(c.type);
    if (type === '' && !allowEmptyType) errs.push(field.required(`${path}.type`, ''));
    const allowed = trueOnlyConditions.includes(type) ? ['True'] : ['False', 'True', 'Unknown'];
    const status = str(c.status);
    if (status === '') errs.push(field.required(`${path}.status`, ''));
    else if (!allowed.includes(status)) errs.push(field.notSupported(`${path}.status`, status, allowed));
    if (!allowBoth) {
      if (type === 'Approved') {
        approved = true;
        if (denied) errs.push(field.invalid(`${path}.type`, type, 'Approved and Denied conditions are mutually exclusive'));
      } else if (type === 'Denied') {
        denied = true;
        if (approved) errs.push(field.invalid(`${path}.type`, type, 'Approved and Denied conditions are mutually exclusive'));
      }
    }
    if (!allowDuplicates && seen.has(type)) errs.push(field.duplicate(`${path}.type`, type));
    seen.add(type);
  });
  return errs;
}

/** spec.request is base64 in JSON: it must hold a PEM "CERTIFICATE REQUEST" block. */
function pemRequestError(base64: string): string | undefined {
  const block = firstPemBlock(Buffer.from(base64, 'base64').toString('latin1'));
  if (block === undefined || block.type !== 'CERTIFICATE REQUEST') return 'PEM block type must be CERTIFICATE REQUEST';
  return undefined;
}

/** status.certificate (base64 in JSON): one or more PEM CERTIFICATE blocks, each a parseable certificate. */
function certificateError(base64: string): string | undefined {
  if (base64 === '') return undefined;
  let text = Buffer.from(base64, 'base64').toString('latin1');
  let blocks = 0;
  for (;;) {
    const block = firstPemBlock(text);
    if (block === undefined) break;
    if (block.type !== 'CERTIFICATE') return `only CERTIFICATE PEM blocks are allowed, found "${block.type}"`;
    if (block.headers) return 'no PEM block headers are permitted';
    try {
      new X509Certificate(block.der);
    } catch (err) {
      return `x509: ${(err as Error).message}`;
    }
    blocks++;
    text = block.rest;
  }
  return blocks === 0 ? 'must contain at least one CERTIFICATE PEM block' : undefined;
}

interface PemBlock {
  type: string;
  headers: boolean;
  der: Buffer;
  rest: string;
}

const pemBlock = /-----BEGIN ([^-\r\n]+)-----\r?\n([\s\S]*?)-----END \1-----/;

function firstPemBlock(text: string): PemBlock | undefined {
  const m = pemBlock.exec(text);
  if (!m) return undefined;
  const body = m[2]!;
  return { type: m[1]!, headers: /^[^\s:]+:/m.test(body), der: Buffer.from(body.replace(/\s+/g, ''), 'base64'), rest: text.slice(m.index + m[0].length) };
}

/** A signer name is "<domain>/<path>": a DNS domain of two or more labels, then dot-separated subdomains. */
export function signerNameErrors(path: string, signerName: string): FieldError[] {
  if (signerName === '') return [field.required(path, '')];
  const segments = signerName.split('/');
  if (segments.length !== 2) return [field.invalid(path, signerName, "must be a fully qualified domain and path of the form 'example.com/signer-name'")];
  const [domain, rest] = segments as [string, string];
  const errs: FieldError[] = [];
  if (domain.length > 253) errs.push(field.tooLong(path, '', 253));
  const domainLabels = domain.split('.');
  for (const label of domainLabels) {
    const problems = isDNS1123Label(label);
    if (problems.length) {
      for (const p of problems) errs.push(field.invalid(path, domain, `validating label "${label}": ${p}`));
      break;
    }
  }
  if (domainLabels.length < 2) errs.push(field.invalid(path, domain, 'should be a domain with at least two segments separated by dots'));
  for (const label of rest.split('.')) {
    const problems = isDNS1123Subdomain(label);
    if (problems.length) {
      for (const p of problems) errs.push(field.invalid(path, rest, `validating label "${label}": ${p}`));
      break;
    }
  }
  const max = 253 + (253 + 63 + 1) + 1;
  if (signerName.length > max) errs.push(field.tooLong(path, '', max));
  return errs;
}
