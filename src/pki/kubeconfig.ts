// The kubeconfig that lets a plain `kubectl` reach this cluster: one cluster, one user and one
// context named "kubemu" (namespace default), with credentials inlined as base64 *-data fields.
import { randomBytes } from 'node:crypto';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { parse, stringify } from 'yaml';

export const KUBECONFIG_CONTEXT = 'kubemu';

export interface KubeconfigOptions {
  /** e.g. https://127.0.0.1:6443 */
  server: string;
  caCertPem?: string;
  clientCertPem?: string;
  clientKeyPem?: string;
  token?: string;
  /** Defaults to "kubemu". */
  clusterName?: string;
  /** Defaults to "kubemu-admin". */
  user?: string;
  /** insecure-skip-tls-verify: the CA is then left out, since kubectl refuses both together. */
  insecure?: boolean;
}

function base64(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64');
}

export function renderKubeconfig(opts: KubeconfigOptions): string {
  const clusterName = opts.clusterName ?? 'kubemu';
  const userName = opts.user ?? 'kubemu-admin';
  const tls = opts.server.toLowerCase().startsWith('https:');
  const cluster: Record<string, unknown> = { server: opts.server };
  if (tls && opts.insecure) cluster['insecure-skip-tls-verify'] = true;
  else if (tls && opts.caCertPem !== undefined) cluster['certificate-authority-data'] = base64(opts.caCertPem);
  const user: Record<string, unknown> = {};
  if (opts.clientCertPem !== undefined) user['client-certificate-data'] = base64(opts.clientCertPem);
  if (opts.clientKeyPem !== undefined) user['client-key-data'] = base64(opts.clientKeyPem);
  if (opts.token !== undefined) user['token'] = opts.token;
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: clusterName, cluster }],
    users: [{ name: userName, user }],
    contexts: [{ name: KUBECONFIG_CONTEXT, context: { cluster: clusterName, user: userName, namespace: 'default' } }],
    'current-context': KUBECONFIG_CONTEXT,
    preferences: {},
  });
}

type NamedEntry = { name?: unknown };

function upsertByName(existing: unknown, additions: unknown): NamedEntry[] {
  const merged = Array.isArray(existing) ? [...(existing as NamedEntry[])] : [];
  for (const entry of Array.isArray(additions) ? (additions as NamedEntry[]) : []) {
    const at = merged.findIndex((e) => e?.name === entry.name);
    if (at >= 0) merged[at] = entry;
    else merged.push(entry);
  }
  return merged;
}

/**
 * Adds (or replaces, by name) the clusters, users and contexts of `addition` in an existing
 * kubeconfig and makes its context current, keeping everything else the user has. Comments are
 * not preserved. Throws if `existing` is not a YAML mapping.
 */
export function mergeKubeconfig(existing: string, addition: string): string {
  const base: unknown = parse(existing) ?? {};
  if (typeof base !== 'object' || Array.isArray(base)) throw new Error('existing kubeconfig is not a YAML mapping');
  const ours = parse(addition) as Record<string, unknown>;
  const merged: Record<string, unknown> = { apiVersion: 'v1', kind: 'Config', ...(base as Record<string, unknown>) };
  for (const section of ['clusters', 'users', 'contexts']) merged[section] = upsertByName(merged[section], ours[section]);
  merged['current-context'] = ours['current-context'];
  return stringify(merged);
}

/** Writes a kubeconfig readable only by its owner, creating parent folders, replacing atomically. */
export async function writeKubeconfig(path: string, content: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  const temporary = `${path}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    const file = await open(temporary, 'wx', 0o600);
    try {
      await file.writeFile(content, 'utf8');
      // Flushed before the rename, so a crash leaves the old file or the new one, never a torn one.
      await file.sync();
    } finally {
      await file.close();
    }
    await rename(temporary, path);
  } catch (err) {
    await rm(temporary, { force: true });
    throw err;
  }
}
