// Issues the cluster's certificates: an ECDSA P-256 CA and the leaf certificates it signs, in the
// shapes Go's crypto/tls (kubectl, client-go) accepts: positive serials, SANs for every host name
// (Go ignores the CN), a CA-flagged root with key and subject key identifiers, EKUs on the leaves.
// Keys and signatures come from node:crypto and the certificate is DER written by der.ts: an X.509
// library took ~100 ms to load on every first start, longer than making the three certificates.
import { createHash, createPrivateKey, generateKeyPairSync, randomBytes, sign, X509Certificate, type KeyObject } from 'node:crypto';
import { ipFamily } from './ip-family.js';
import {
  bitString,
  boolean,
  directoryString,
  explicit,
  implicit,
  namedBits,
  nullValue,
  objectIdentifier,
  octetString,
  readElements,
  readObjectIdentifier,
  sequence,
  set,
  smallInteger,
  time,
  unsignedInteger,
  type Der,
} from './der.js';

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

const OID = {
  ecdsaWithSha256: '1.2.840.10045.4.3.2',
  sha256WithRsa: '1.2.840.113549.1.1.11',
  commonName: '2.5.4.3',
  organization: '2.5.4.10',
  subjectKeyIdentifier: '2.5.29.14',
  keyUsage: '2.5.29.15',
  subjectAltName: '2.5.29.17',
  basicConstraints: '2.5.29.19',
  authorityKeyIdentifier: '2.5.29.35',
  extKeyUsage: '2.5.29.37',
  serverAuth: '1.3.6.1.5.5.7.3.1',
  clientAuth: '1.3.6.1.5.5.7.3.2',
} as const;

// KeyUsage bit numbers (RFC 5280 4.2.1.3).
const DIGITAL_SIGNATURE = 0;
const KEY_CERT_SIGN = 5;
const CRL_SIGN = 6;

function randomSerialNumber(): Buffer {
  const bytes = randomBytes(16);
  // A positive, minimally encoded DER integer: Go rejects negative serial numbers.
  bytes[0] = bytes[0]! & 0x7f || 0x01;
  return bytes;
}

function newKeyPair(): { publicKey: KeyObject; privateKey: KeyObject } {
  return generateKeyPairSync('ec', { namedCurve: 'P-256' });
}

function privateKeyPem(key: KeyObject): string {
  return key.export({ type: 'pkcs8', format: 'pem' }) as string;
}

/** The algorithm a key signs with, as the certificate names it (ECDSA keys carry no parameters). */
function signatureAlgorithm(key: KeyObject): Der {
  if (key.asymmetricKeyType === 'ec') return sequence(objectIdentifier(OID.ecdsaWithSha256));
  if (key.asymmetricKeyType === 'rsa') return sequence(objectIdentifier(OID.sha256WithRsa), nullValue());
  throw new Error(`cannot sign certificates with a ${key.asymmetricKeyType} key (ECDSA or RSA only)`);
}

function subjectName(commonName: string, organizations: readonly string[] = []): Der {
  const attribute = (oid: string, value: string) => set(sequence(objectIdentifier(oid), directoryString(value)));
  return sequence(...organizations.map((o) => attribute(OID.organization, o)), attribute(OID.commonName, commonName));
}

/** RFC 5280's first method: the SHA-1 of the subjectPublicKey bits (what Go and kubeadm use too). */
function keyIdentifier(publicKey: KeyObject): Buffer {
  const spki = readElements(publicKey.export({ type: 'spki', format: 'der' }))[0]!;
  const bits = readElements(spki.contents)[1]!.contents.subarray(1);
  return createHash('sha1').update(bits).digest();
}

function extension(oid: string, critical: boolean, value: Der): Der {
  return sequence(objectIdentifier(oid), ...(critical ? [boolean(true)] : []), octetString(value));
}

/** An IP address's bytes for a subjectAltName: 4 for IPv4, 16 for IPv6. */
function ipBytes(ip: string): Buffer {
  if (ipFamily(ip) === 4) return Buffer.from(ip.split('.').map(Number));
  let text = ip;
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  let tail: number[] = [];
  if (v4) {
    tail = v4[1]!.split('.').map(Number);
    text = text.slice(0, -v4[1]!.length) + '0:0';
  }
  const [head, rest] = text.split('::') as [string, string | undefined];
  const groups = (s: string) => (s === '' ? [] : s.split(':').map((g) => parseInt(g, 16)));
  const front = groups(head);
  const back = rest === undefined ? [] : groups(rest);
  const all = [...front, ...new Array<number>(8 - front.length - back.length).fill(0), ...back];
  const bytes = Buffer.alloc(16);
  all.forEach((g, i) => bytes.writeUInt16BE(g, 2 * i));
  if (v4) Buffer.from(tail).copy(bytes, 12);
  return bytes;
}

function subjectAltNames(hosts: readonly string[]): Der {
  // GeneralName dNSName [2] IA5String, iPAddress [7] OCTET STRING.
  return sequence(...hosts.map((host) => (ipFamily(host) === 0 ? implicit(2, Buffer.from(host, 'latin1')) : implicit(7, ipBytes(host)))));
}

interface CertificateFields extends Validity {
  issuer: Der;
  subject: Der;
  publicKey: KeyObject;
  signingKey: KeyObject;
  extensions: Der[];
}

function signCertificate(fields: CertificateFields): string {
  const algorithm = signatureAlgorithm(fields.signingKey);
  const tbs = sequence(
    explicit(0, smallInteger(2)), // v3
    unsignedInteger(randomSerialNumber()),
    algorithm,
    fields.issuer,
    sequence(time(fields.notBefore), time(fields.notAfter)),
    fields.subject,
    fields.publicKey.export({ type: 'spki', format: 'der' }),
    explicit(3, sequence(...fields.extensions)),
  );
  // ECDSA signatures come DER-encoded (r, s), as X.509 carries them.
  const signature = sign('sha256', tbs, fields.signingKey);
  const der = sequence(tbs, algorithm, bitString(signature));
  return new X509Certificate(der).toString();
}

/** The subject (raw DER) and subject key identifier of a certificate. */
function readIssuer(certPem: string): { subject: Der; keyId?: Buffer } {
  const cert = readElements(new X509Certificate(certPem).raw)[0]!;
  const tbs = readElements(readElements(cert.contents)[0]!.contents);
  // version [0] is present in every v3 certificate; then serial, signature, issuer, validity, subject.
  const fields = tbs[0]!.tag === 0xa0 ? tbs.slice(1) : tbs;
  const subject = fields[4]!.encoded;
  const extensions = tbs.find((e) => e.tag === 0xa3);
  let keyId: Buffer | undefined;
  for (const ext of extensions ? readElements(readElements(extensions.contents)[0]!.contents) : []) {
    const [oid, ...rest] = readElements(ext.contents);
    if (readObjectIdentifier(oid!.contents) !== OID.subjectKeyIdentifier) continue;
    keyId = readElements(rest[rest.length - 1]!.contents)[0]!.contents;
  }
  return { subject, keyId };
}

export async function createCertificateAuthority(commonName: string, validity: Validity): Promise<CertificateAndKey> {
  const keys = newKeyPair();
  const name = subjectName(commonName);
  const certPem = signCertificate({
    issuer: name,
    subject: name,
    notBefore: validity.notBefore,
    notAfter: validity.notAfter,
    publicKey: keys.publicKey,
    signingKey: keys.privateKey,
    extensions: [
      extension(OID.basicConstraints, true, sequence(boolean(true))),
      extension(OID.keyUsage, true, namedBits([DIGITAL_SIGNATURE, KEY_CERT_SIGN, CRL_SIGN])),
      extension(OID.subjectKeyIdentifier, false, octetString(keyIdentifier(keys.publicKey))),
    ],
  });
  return { certPem, keyPem: privateKeyPem(keys.privateKey) };
}

export async function issueLeafCertificate(ca: CertificateAndKey, spec: LeafSpec): Promise<CertificateAndKey> {
  // The issuer must be the CA subject byte for byte: Go finds parents (and picks which client
  // certificate to send) by comparing raw names.
  const issuer = readIssuer(ca.certPem);
  const keys = newKeyPair();
  const extensions = [
    extension(OID.basicConstraints, true, sequence()),
    extension(OID.keyUsage, true, namedBits([DIGITAL_SIGNATURE])),
    extension(OID.extKeyUsage, false, sequence(objectIdentifier(spec.usage === 'server' ? OID.serverAuth : OID.clientAuth))),
    extension(OID.subjectKeyIdentifier, false, octetString(keyIdentifier(keys.publicKey))),
  ];
  // AuthorityKeyIdentifier ::= SEQUENCE { keyIdentifier [0] IMPLICIT OCTET STRING, … }
  if (issuer.keyId !== undefined) extensions.push(extension(OID.authorityKeyIdentifier, false, sequence(implicit(0, issuer.keyId))));
  if (spec.hosts !== undefined && spec.hosts.length > 0) extensions.push(extension(OID.subjectAltName, false, subjectAltNames(spec.hosts)));
  const certPem = signCertificate({
    issuer: issuer.subject,
    subject: subjectName(spec.commonName, spec.organizations),
    notBefore: spec.notBefore,
    notAfter: spec.notAfter,
    publicKey: keys.publicKey,
    signingKey: createPrivateKey(ca.keyPem),
    extensions,
  });
  return { certPem, keyPem: privateKeyPem(keys.privateKey) };
}

