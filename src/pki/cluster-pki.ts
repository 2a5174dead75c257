// The cluster's PKI kept in the data directory: created on first start, reused afterwards, and
// re-issued piecemeal when a certificate no longer fits (expiring, hosts changed, CA replaced).
import { X509Certificate, createPrivateKey, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { CertificateAndKey, Validity } from './certificates.js';
import { clientCertificateIdentity } from './client-identity.js';
import { ipFamily } from './ip-family.js';

export interface ClusterPki {
  caCertPem: string;
  caKeyPem: string;
  serverCertPem: string;
  serverKeyPem: string;
  adminCertPem: string;
  adminKeyPem: string;
}

export interface PkiOptions {
  /** Extra DNS names and IP addresses the server certificate must cover. */
  hosts: string[];
  /** The current time (tests); defaults to the system clock. */
  now?: Date;
}

/** Names every server certificate covers, as a kube-apiserver's serving certificate does. */
export const DEFAULT_SERVER_HOSTS: readonly string[] = [
  'localhost',
  '127.0.0.1',
  '::1',
  'kubernetes',
  'kubernetes.default',
  'kubernetes.default.svc',
  'kubernetes.default.svc.cluster.local',
];

export const ADMIN_USER = 'kubemu-admin';
export const ADMIN_GROUP = 'system:masters';
const CA_COMMON_NAME = 'kubemu-ca';

// The certificate issuer needs @peculiar/x509, ~100 ms to load: it loads only when a certificate
// must actually be made (first start, expiry, new hosts); a restart reads the stored ones with
// node:crypto alone.
const issuer = () => import('./certificates.js');
const SERVER_COMMON_NAME = 'kube-apiserver';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const CA_LIFETIME = 3650 * DAY;
const LEAF_LIFETIME = 365 * DAY;
/** A certificate this close to its end is replaced at startup rather than left to expire while serving. */
const RENEW_BEFORE = 30 * DAY;
/** Backdating tolerates clients whose clocks run a little behind. */
const BACKDATE = HOUR;

const FILES = {
  ca: { cert: 'ca.crt', key: 'ca.key' },
  server: { cert: 'apiserver.crt', key: 'apiserver.key' },
  admin: { cert: 'admin.crt', key: 'admin.key' },
} as const;

type Pair = keyof typeof FILES;

// Read synchronously: six small files at start, when nothing else waits for the thread, and
// fs/promises' open-stat-read-close round trips cost more (~2 ms) than the reads themselves.
function readIfPresent(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

async function writeAtomically(path: string, content: string, mode: number): Promise<void> {
  const temporary = `${path}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    await writeFile(temporary, content, { mode, flag: 'wx' });
    await rename(temporary, path);
  } catch (err) {
    await rm(temporary, { force: true });
    throw err;
  }
}

function readPair(dir: string, pair: Pair): Partial<CertificateAndKey> {
  return { certPem: readIfPresent(join(dir, FILES[pair].cert)), keyPem: readIfPresent(join(dir, FILES[pair].key)) };
}

async function writePair(dir: string, pair: Pair, issued: CertificateAndKey): Promise<void> {
  // The key first: a crash in between leaves a mismatched pair, which the next start re-issues.
  await writeAtomically(join(dir, FILES[pair].key), issued.keyPem, 0o600);
  await writeAtomically(join(dir, FILES[pair].cert), issued.certPem, 0o644);
}

/** The parsed certificate if the pair parses, belongs together and stays valid past the renewal margin. */
function usableCertificate(pair: Partial<CertificateAndKey>, now: number): X509Certificate | undefined {
  if (pair.certPem === undefined || pair.keyPem === undefined) return undefined;
  try {
    const cert = new X509Certificate(pair.certPem);
    if (!cert.checkPrivateKey(createPrivateKey(pair.keyPem))) return undefined;
    if (Date.parse(cert.validFrom) > now || Date.parse(cert.validTo) - now < RENEW_BEFORE) return undefined;
    return cert;
  } catch {
    return undefined;
  }
}

/** The stored pair when it is usable and `keep` accepts it, else a newly issued (and written) one. */
async function keepOrIssue(
  dir: string,
  pair: Pair,
  stored: Partial<CertificateAndKey>,
  now: number,
  keep: (cert: X509Certificate) => boolean,
  issue: () => Promise<CertificateAndKey>,
): Promise<CertificateAndKey> {
  const cert = usableCertificate(stored, now);
  if (cert !== undefined && keep(cert)) return stored as CertificateAndKey;
  const issued = await issue();
  await writePair(dir, pair, issued);
  return issued;
}

function issuedBy(cert: X509Certificate, ca: X509Certificate): boolean {
  return cert.checkIssued(ca) && cert.verify(ca.publicKey);
}

function covers(cert: X509Certificate, host: string): boolean {
  // checkIP and checkHost compare canonical forms ("::1" and "0:0::1" alike; DNS case-insensitively).
  return ipFamily(host) !== 0 ? cert.checkIP(host) !== undefined : cert.checkHost(host, { wildcards: false }) !== undefined;
}

function serverHosts(extra: readonly string[]): string[] {
  const hosts = new Set(DEFAULT_SERVER_HOSTS);
  for (const host of extra) if (host !== '') hosts.add(host);
  return [...hosts];
}

function isAdminCertificate(cert: X509Certificate): boolean {
  const { user, groups } = clientCertificateIdentity(cert.raw);
  return user === ADMIN_USER && groups.includes(ADMIN_GROUP);
}

/**
 * Loads the PKI from `dir`, creating what is missing. The CA is kept across starts (so existing
 * kubeconfigs keep working) unless it is within 30 days of expiry; the server certificate is
 * re-issued when it does not cover every host, and either leaf when it is expiring, unreadable,
 * or not signed by the current CA. Keys are written with mode 0600.
 * Throws if only half of the CA is present, or the CA certificate and key do not match: replacing
 * a CA silently would lock out every client that trusts it.
 */
export async function loadOrCreatePki(dir: string, opts: PkiOptions): Promise<ClusterPki> {
  const now = (opts.now ?? new Date()).getTime();
  const leafValidity: Validity = { notBefore: new Date(now - BACKDATE), notAfter: new Date(now + LEAF_LIFETIME) };
  await mkdir(dir, { recursive: true, mode: 0o700 });

  const [storedCa, storedServer, storedAdmin] = [readPair(dir, 'ca'), readPair(dir, 'server'), readPair(dir, 'admin')];
  if ((storedCa.certPem === undefined) !== (storedCa.keyPem === undefined)) {
    throw new Error(`${dir}: found only one of ${FILES.ca.cert} and ${FILES.ca.key}; restore the other or remove both to create a new CA`);
  }
  if (storedCa.certPem !== undefined && storedCa.keyPem !== undefined) {
    let matches = false;
    try {
      matches = new X509Certificate(storedCa.certPem).checkPrivateKey(createPrivateKey(storedCa.keyPem));
    } catch {
      // reported below
    }
    if (!matches) throw new Error(`${dir}: ${FILES.ca.cert} and ${FILES.ca.key} are unreadable or do not belong together`);
  }

  const ca = await keepOrIssue(
    dir,
    'ca',
    storedCa,
    now,
    () => true,
    async () => (await issuer()).createCertificateAuthority(CA_COMMON_NAME, { notBefore: new Date(now - BACKDATE), notAfter: new Date(now + CA_LIFETIME) }),
  );
  const caCert = new X509Certificate(ca.certPem);

  const hosts = serverHosts(opts.hosts);
  const server = await keepOrIssue(
    dir,
    'server',
    storedServer,
    now,
    (cert) => issuedBy(cert, caCert) && hosts.every((host) => covers(cert, host)),
    async () => (await issuer()).issueLeafCertificate(ca, { commonName: SERVER_COMMON_NAME, usage: 'server', hosts, ...leafValidity }),
  );
  const admin = await keepOrIssue(
    dir,
    'admin',
    storedAdmin,
    now,
    (cert) => issuedBy(cert, caCert) && isAdminCertificate(cert),
    async () => (await issuer()).issueLeafCertificate(ca, { commonName: ADMIN_USER, organizations: [ADMIN_GROUP], usage: 'client', ...leafValidity }),
  );

  return {
    caCertPem: ca.certPem,
    caKeyPem: ca.keyPem,
    serverCertPem: server.certPem,
    serverKeyPem: server.keyPem,
    adminCertPem: admin.certPem,
    adminKeyPem: admin.keyPem,
  };
}
