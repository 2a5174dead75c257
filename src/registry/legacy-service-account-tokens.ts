// Secret-based ("legacy") service-account tokens, as kube-apiserver makes and accepts them
// (pkg/serviceaccount/legacy.go): a JWT with issuer `kubernetes/serviceaccount`, no expiry and no
// audience, naming the ServiceAccount and the Secret that holds it. It has no expiry, so it is
// only as good as its Secret: it is accepted while that Secret exists (not being deleted), still
// holds this very token and carries no `kubernetes.io/legacy-token-invalid-since` label, and
// while the ServiceAccount exists with the uid the token names. Each use stamps the Secret's
// `kubernetes.io/legacy-token-last-used` label with the day (LegacyServiceAccountTokenTracking).
import type { KubeObject } from '../machinery/object.js';
import type { UserInfo } from './service-account-tokens.js';

export const legacyIssuer = 'kubernetes/serviceaccount';
export const lastUsedLabel = 'kubernetes.io/legacy-token-last-used';
export const invalidSinceLabel = 'kubernetes.io/legacy-token-invalid-since';

const claimNamespace = 'kubernetes.io/serviceaccount/namespace';
const claimSecretName = 'kubernetes.io/serviceaccount/secret.name';
const claimServiceAccountName = 'kubernetes.io/serviceaccount/service-account.name';
const claimServiceAccountUid = 'kubernetes.io/serviceaccount/service-account.uid';

export interface LegacyTokenSubject {
  namespace: string;
  serviceAccountName: string;
  serviceAccountUid: string;
  secretName: string;
}

/** The claims of a legacy token (LegacyClaims): sub plus the four private claims, no times. */
export function legacyClaims(s: LegacyTokenSubject): Record<string, unknown> {
  return {
    iss: legacyIssuer,
    [claimNamespace]: s.namespace,
    [claimSecretName]: s.secretName,
    [claimServiceAccountName]: s.serviceAccountName,
    [claimServiceAccountUid]: s.serviceAccountUid,
    sub: `system:serviceaccount:${s.namespace}:${s.serviceAccountName}`,
  };
}

/** What the validator reads and writes: the objects as the watch cache has them, and a label stamp. */
export interface LegacyTokenLookup {
  secret(namespace: string, name: string): KubeObject | undefined;
  serviceAccount(namespace: string, name: string): KubeObject | undefined;
  /** Sets the last-used label on the Secret of that uid (best effort: a failure must not fail the request). */
  markUsed(namespace: string, secretName: string, secretUid: string, day: string): void;
}

export type LegacyVerdict = { user: UserInfo; warnings: string[] } | { error: string };

/** legacyValidator.Validate, with lookup on (kube-apiserver's default). */
export function validateLegacyToken(token: string, claims: Record<string, unknown>, lookup: LegacyTokenLookup, now: Date): LegacyVerdict {
  const str = (k: string) => (typeof claims[k] === 'string' ? (claims[k] as string) : '');
  const sub = str('sub');
  if (!sub) return { error: 'sub claim is missing' };
  const namespace = str(claimNamespace);
  if (!namespace) return { error: 'namespace claim is missing' };
  const secretName = str(claimSecretName);
  if (!secretName) return { error: 'secretName claim is missing' };
  const saName = str(claimServiceAccountName);
  if (!saName) return { error: 'serviceAccountName claim is missing' };
  const saUid = str(claimServiceAccountUid);
  if (!saUid) return { error: 'serviceAccountUID claim is missing' };
  if (sub !== `system:serviceaccount:${namespace}:${saName}`) return { error: 'sub claim is invalid' };

  const secret = lookup.secret(namespace, secretName);
  if (!secret || secret.metadata?.deletionTimestamp) return { error: 'token has been invalidated' };
  const stored = (secret.data as Record<string, string> | undefined)?.token;
  if (stored === undefined || Buffer.from(stored, 'base64').toString('utf8') !== token) return { error: "token does not match server's copy" };
  const sa = lookup.serviceAccount(namespace, saName);
  if (!sa) return { error: `serviceaccounts "${saName}" not found` };
  if (sa.metadata?.deletionTimestamp) return { error: `service account ${namespace}/${saName} has been deleted` };
  if (sa.metadata?.uid !== saUid) return { error: `service account UID (${sa.metadata?.uid}) does not match claim (${saUid})` };

  // An invalidated token's use is tracked too (the cleaner reads the label to decide what to delete).
  const labels = secret.metadata?.labels ?? {};
  const today = now.toISOString().slice(0, 10);
  const tomorrow = new Date(now.getTime() + 86_400_000).toISOString().slice(0, 10);
  if (labels[lastUsedLabel] !== today && labels[lastUsedLabel] !== tomorrow) lookup.markUsed(namespace, secretName, secret.metadata?.uid ?? '', today);
  if (labels[invalidSinceLabel]) {
    return {
      error: `the token in secret ${namespace}/${secretName} for service account ${namespace}/${saName} has been marked invalid. Use tokens from the TokenRequest API or manually created secret-based tokens, or remove the '${invalidSinceLabel}' label from the secret to temporarily allow use of this token`,
    };
  }
  // A Secret the account lists in .secrets is one the tokens controller made before 1.24.
  const autoGenerated = ((sa.secrets as { name?: string }[] | undefined) ?? []).some((ref) => ref.name === secretName);
  const warnings = autoGenerated ? ['Use tokens from the TokenRequest API or manually created secret-based tokens instead of auto-generated secret-based tokens.'] : [];

  return {
    user: {
      username: sub,
      uid: saUid,
      groups: ['system:serviceaccounts', `system:serviceaccounts:${namespace}`, 'system:authenticated'],
    },
    warnings,
  };
}
