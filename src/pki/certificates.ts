// Issues the cluster's certificates: an ECDSA P-256 CA and the leaf certificates it signs, in the
// shapes Go's crypto/tls (kubectl, client-go) accepts: positive serials, SANs for every host name
// (Go ignores the CN), a CA-flagged root with key and subject key identifiers, EKUs on the leaves.
import type * as X509 from '@peculiar/x509';
import { createRequire } from 'node:module';
import { isIP } from 'node:net';
import { webcrypto } from 'node:crypto';

// Both are CommonJS packages: required, not imported. Node's ESM loader scans a CommonJS file for
// its export names before running it, and x509's 150 KB build took it 30 ms of CPU (and over
// 100 ms of a first start's wall time) more than require does.
const requireHere = createRequire(import.meta.url);
requireHere('reflect-metadata');
const x509 = requireHere('@peculiar/x509') as typeof X509;

// Passed to every call instead of setting @peculiar/x509's process-wide default provider.
const crypto = webcrypto;
const KEY_ALGORITHM: webcrypto.EcKeyGenParams = { name: 'ECDSA', namedCurve: 'P-256' };
const SIGNING_ALGORITHM: webcrypto.EcdsaParams = { name: 'ECDSA', hash: 'SHA-256' };

export interface CertificateAndKey {
  certPem: string;
  keyPem: string;
}

export interface Validity {
  notBefore: Date;
  notAfter: Date;
}

export interface LeafSpec extends Validity {
  commonName: string;
  organizations?: readonly string[];
  usage: 'server' | 'client';
  /** Server certificates: DNS names and IP addresses for the subjectAltName. */
  hosts?: readonly string[];
}

function randomSerialNumber(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  // A positive, minimally encoded DER integer: Go rejects negative serial numbers.
  bytes[0] = bytes[0]! & 0x7f || 0x01;
  return Buffer.from(bytes).toString('hex');
}

async function newKeyPair(): Promise<webcrypto.CryptoKeyPair> {
  return crypto.subtle.generateKey(KEY_ALGORITHM, true, ['sign', 'verify']);
}

async function privateKeyPem(key: webcrypto.CryptoKey): Promise<string> {
  return x509.PemConverter.encode(await crypto.subtle.exportKey('pkcs8', key), 'PRIVATE KEY');
}

function subjectName(commonName: string, organizations: readonly string[] = []): X509.JsonName {
  const name: X509.JsonName = [];
  for (const organization of organizations) name.push({ O: [organization] });
  name.push({ CN: [commonName] });
  return name;
}

function subjectAltNames(hosts: readonly string[]): X509.JsonGeneralNames {
  return hosts.map((host) => ({ type: isIP(host) === 0 ? 'dns' : 'ip', value: host }));
}

export async function createCertificateAuthority(commonName: string, validity: Validity): Promise<CertificateAndKey> {
  const keys = await newKeyPair();
  const cert = await x509.X509CertificateGenerator.createSelfSigned(
    {
      serialNumber: randomSerialNumber(),
      name: subjectName(commonName),
      notBefore: validity.notBefore,
      notAfter: validity.notAfter,
      keys,
      signingAlgorithm: SIGNING_ALGORITHM,
      extensions: [
        new x509.BasicConstraintsExtension(true, undefined, true),
        new x509.KeyUsagesExtension(
          x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign | x509.KeyUsageFlags.digitalSignature,
          true,
        ),
        await x509.SubjectKeyIdentifierExtension.create(keys.publicKey, false, crypto),
      ],
    },
    crypto,
  );
  return { certPem: cert.toString('pem'), keyPem: await privateKeyPem(keys.privateKey) };
}

export async function issueLeafCertificate(ca: CertificateAndKey, spec: LeafSpec): Promise<CertificateAndKey> {
  const caCert = new x509.X509Certificate(ca.certPem);
  const caKey = await crypto.subtle.importKey('pkcs8', x509.PemConverter.decodeFirst(ca.keyPem), KEY_ALGORITHM, false, ['sign']);
  const caKeyId = caCert.getExtension(x509.SubjectKeyIdentifierExtension)?.keyId;
  const keys = await newKeyPair();
  const extensions: X509.Extension[] = [
    new x509.BasicConstraintsExtension(false, undefined, true),
    new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
    new x509.ExtendedKeyUsageExtension([spec.usage === 'server' ? x509.ExtendedKeyUsage.serverAuth : x509.ExtendedKeyUsage.clientAuth]),
    await x509.SubjectKeyIdentifierExtension.create(keys.publicKey, false, crypto),
  ];
  if (caKeyId !== undefined) extensions.push(new x509.AuthorityKeyIdentifierExtension(caKeyId));
  if (spec.hosts !== undefined && spec.hosts.length > 0) {
    extensions.push(new x509.SubjectAlternativeNameExtension(subjectAltNames(spec.hosts)));
  }
  const cert = await x509.X509CertificateGenerator.create(
    {
      serialNumber: randomSerialNumber(),
      subject: subjectName(spec.commonName, spec.organizations),
      // The issuer must be the CA subject byte for byte: Go finds parents (and picks which client
      // certificate to send) by comparing raw names.
      issuer: caCert.subjectName,
      notBefore: spec.notBefore,
      notAfter: spec.notAfter,
      publicKey: keys.publicKey,
      signingKey: caKey,
      signingAlgorithm: SIGNING_ALGORITHM,
      extensions,
    },
    crypto,
  );
  return { certPem: cert.toString('pem'), keyPem: await privateKeyPem(keys.privateKey) };
}
