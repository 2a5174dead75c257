// The front-proxy PKI kubeadm makes beside the cluster CA: a separate CA (front-proxy-ca) whose
// only job is to sign the client certificate (CN front-proxy-client) the API server presents when
// it passes requests on to aggregated API servers. Those servers trust the X-Remote-User headers
// of a request only when it comes with a certificate from this CA and with an allowed name, which
// they read from kube-system/extension-apiserver-authentication. Kept in the data directory;
// re-issued when missing, unreadable, expiring or not signed by the CA kept there.
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { CertificateAndKey } from './certificates.js';

export interface FrontProxyPki {
  caCertPem: string;
  clientCertPem: string;
  clientKeyPem: string;
}

/** The name aggregated API servers are told to accept (requestheader-allowed-names). */
export const FRONT_PROXY_CLIENT_NAME = 'front-proxy-client';
const CA_COMMON_NAME = 'front-proxy-ca';

const DAY = 24 * 3_600_000;
const RENEW_BEFORE = 30 * DAY;

async function readPair(dir: string, base: string): Promise<Partial<CertificateAndKey>> {
  const read = (f: string) => readFile(join(dir, f), 'utf8').catch(() => undefined);
  return { certPem: await read(`${base}.crt`), keyPem: await read(`${base}.key`) };
}

async function writePair(dir: string, base: string, pair: CertificateAndKey): Promise<void> {
  await writeFile(join(dir, `${base}.key`), pair.keyPem, { mode: 0o600 });
  await writeFile(join(dir, `${base}.crt`), pair.certPem, { mode: 0o644 });
}

function usable(pair: Partial<CertificateAndKey>, now: number, issuer?: X509Certificate): pair is CertificateAndKey {
  if (!pair.certPem || !pair.keyPem) return false;
  try {
    const cert = new X509Certificate(pair.certPem);
    if (!cert.checkPrivateKey(createPrivateKey(pair.keyPem))) return false;
    if (Date.parse(cert.validTo) - now < RENEW_BEFORE) return false;
    return issuer ? cert.checkIssued(issuer) && cert.verify(issuer.publicKey) : true;
  } catch {
    return false;
  }
}

/** Loads the front-proxy CA and client certificate from `dir` (the PKI directory), making what is missing. */
export async function loadOrCreateFrontProxyPki(dir: string, now = Date.now()): Promise<FrontProxyPki> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  let ca = await readPair(dir, 'front-proxy-ca');
  let client = await readPair(dir, 'front-proxy-client');
  const validity = { notBefore: new Date(now - 3_600_000), notAfter: new Date(now + 365 * DAY) };
  if (!usable(ca, now)) {
    const { createCertificateAuthority } = await import('./certificates.js');
    ca = await createCertificateAuthority(CA_COMMON_NAME, { notBefore: validity.notBefore, notAfter: new Date(now + 3650 * DAY) });
    await writePair(dir, 'front-proxy-ca', ca as CertificateAndKey);
  }
  const caPair = ca as CertificateAndKey;
  if (!usable(client, now, new X509Certificate(caPair.certPem))) {
    const { issueLeafCertificate } = await import('./certificates.js');
    client = await issueLeafCertificate(caPair, { commonName: FRONT_PROXY_CLIENT_NAME, usage: 'client', ...validity });
    await writePair(dir, 'front-proxy-client', client as CertificateAndKey);
  }
  return { caCertPem: caPair.certPem, clientCertPem: client.certPem!, clientKeyPem: client.keyPem! };
}
