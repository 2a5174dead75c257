import { test } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate, generateKeyPairSync } from 'node:crypto';
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { createCertificateAuthority, issueLeafCertificate } from './certificates.js';

// The certificate shapes Go's crypto/tls needs, read back with node:crypto and the X.509 library.
const HOUR = 3_600_000;
const now = Date.now();
const validity = { notBefore: new Date(now - HOUR), notAfter: new Date(now + 24 * HOUR) };

test('a CA: self-signed, CA-flagged, keyCertSign, with a subject key identifier', async () => {
  const ca = await createCertificateAuthority('test-ca', validity);
  const cert = new X509Certificate(ca.certPem);
  assert.equal(cert.ca, true);
  assert.equal(cert.subject, 'CN=test-ca');
  assert.equal(cert.checkIssued(cert), true);
  assert.equal(cert.verify(cert.publicKey), true);
  assert.equal(Date.parse(cert.validFrom), Math.floor(validity.notBefore.getTime() / 1000) * 1000);
  const parsed = new x509.X509Certificate(ca.certPem);
  const usages = parsed.getExtension(x509.KeyUsagesExtension)!;
  assert.equal(usages.critical, true);
  assert.equal(usages.usages, x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign | x509.KeyUsageFlags.digitalSignature);
  const constraints = parsed.getExtension(x509.BasicConstraintsExtension)!;
  assert.equal(constraints.ca, true);
  assert.equal(constraints.critical, true);
  assert.equal(parsed.getExtension(x509.SubjectKeyIdentifierExtension)!.keyId.length, 40);
  assert.match(ca.keyPem, /^-----BEGIN PRIVATE KEY-----/);
});

test('a server certificate: issuer bytes, key identifiers, every host as a DNS or IP name, a validity past 2049', async () => {
  const ca = await createCertificateAuthority('test-ca', validity);
  const hosts = ['localhost', '127.0.0.1', '::1', 'fe80::1:2', 'kubernetes.default.svc'];
  const notAfter = new Date(Date.UTC(2051, 5, 1, 12, 30, 15));
  const leaf = await issueLeafCertificate(ca, { commonName: 'kube-apiserver', usage: 'server', hosts, notBefore: validity.notBefore, notAfter });
  const cert = new X509Certificate(leaf.certPem);
  const caCert = new X509Certificate(ca.certPem);
  assert.equal(cert.ca, false);
  assert.equal(cert.checkIssued(caCert), true);
  assert.equal(cert.verify(caCert.publicKey), true);
  assert.equal(Date.parse(cert.validTo), notAfter.getTime()); // GeneralizedTime from 2050 on
  assert.deepEqual(cert.keyUsage, ['1.3.6.1.5.5.7.3.1']);
  for (const ip of ['127.0.0.1', '::1', 'fe80::1:2']) assert.ok(cert.checkIP(ip), ip);
  assert.equal(cert.checkIP('10.1.2.3'), undefined);
  assert.equal(cert.checkHost('kubernetes.default.svc'), 'kubernetes.default.svc');
  const parsed = new x509.X509Certificate(leaf.certPem);
  const caKeyId = new x509.X509Certificate(ca.certPem).getExtension(x509.SubjectKeyIdentifierExtension)!.keyId;
  assert.equal(parsed.getExtension(x509.AuthorityKeyIdentifierExtension)!.keyId, caKeyId);
  assert.equal(parsed.getExtension(x509.KeyUsagesExtension)!.usages, x509.KeyUsageFlags.digitalSignature);
  assert.equal(parsed.getExtension(x509.BasicConstraintsExtension)!.ca, false);
  assert.deepEqual(Buffer.from(parsed.issuerName.toArrayBuffer()), Buffer.from(new x509.X509Certificate(ca.certPem).subjectName.toArrayBuffer()));
  const names = parsed.getExtension(x509.SubjectAlternativeNameExtension)!.names.toJSON();
  assert.deepEqual(names.map((n) => n.type), ['dns', 'ip', 'ip', 'ip', 'dns']);
});

test('a client certificate names its groups as organizations, in order, UTF-8 where needed', async () => {
  const ca = await createCertificateAuthority('test-ca', validity);
  const leaf = await issueLeafCertificate(ca, { commonName: 'alice', organizations: ['system:masters', 'équipe'], usage: 'client', ...validity });
  const cert = new X509Certificate(leaf.certPem);
  assert.equal(cert.subject, 'O=system:masters\nO=équipe\nCN=alice');
  assert.deepEqual(cert.keyUsage, ['1.3.6.1.5.5.7.3.2']);
});
