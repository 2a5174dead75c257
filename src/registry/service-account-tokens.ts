// Service-account tokens as kube-apiserver issues and accepts them: the serviceaccounts/token
// subresource (TokenRequest) makes a JWT with the real claims — iss, sub
// system:serviceaccount:<ns>:<name>, aud, iat/nbf/exp, jti and the `kubernetes.io` claim naming
// the service account and the pod, secret or node it is bound to — and the authenticator accepts
// one only while it is unexpired and the service account (and the bound object) still exist
// with the same uid. Secret-based tokens (issuer kubernetes/serviceaccount) are signed with the
// same key for the tokens controller and judged by legacy-service-account-tokens.ts. Signing is the
// signer's (pki/service-account-keys.ts).
import { randomUUID } from 'node:crypto';
import { badRequest, conflict, invalid, notFound } from '../apierrors/index.js';
import type { KubeObject } from '../machinery/object.js';
import type { Registry } from './registry.js';
import { parseCached } from '../storage/watch-cache/types.js';
import { formatTime } from './timestamps.js';
import { legacyClaims, legacyIssuer, validateLegacyToken, lastUsedLabel, type LegacyTokenSubject } from './legacy-service-account-tokens.js';

/** The issuer (and default API audience) kind and kubeadm clusters use. */
export const serviceAccountIssuer = 'https://kubernetes.default.svc.cluster.local';

export interface TokenSigner {
  sign(claims: Record<string, unknown>): Promise<string>;
  verify(token: string): Promise<Record<string, unknown>>;
}

export interface UserInfo {
  username: string;
  uid?: string;
  groups: string[];
  extra?: Record<string, string[]>;
}

/** `warnings`: for the response's Warning headers (a legacy token made before 1.24). */
export type TokenVerdict = { user: UserInfo; audiences: string[]; warnings?: string[] } | { error: string };

interface KubernetesClaim {
  namespace?: string;
  serviceaccount?: { name?: string; uid?: string };
  pod?: { name?: string; uid?: string };
  secret?: { name?: string; uid?: string };
  node?: { name?: string; uid?: string };
}

const minExpirationSeconds = 600;
const maxExpirationSeconds = 2 ** 32;
const defaultExpirationSeconds = 3600;
/** go-jose's DefaultLeeway: clocks may disagree by this much. */
const leewaySeconds = 60;
/** Verified signatures kept (a token is verified once, then looked up). */
const verifiedCacheSize = 4096;

export class ServiceAccountTokens {
  private readonly verified = new Map<string, Record<string, unknown>>();

  constructor(
    private readonly registry: Registry,
    private readonly signer: TokenSigner,
    private readonly now: () => number,
    readonly apiAudiences: readonly string[] = [serviceAccountIssuer],
  ) {}

  /** POST serviceaccounts/<name>/token: the TokenRequest with its status filled in. */
  async issue(namespace: string, name: string, request: KubeObject): Promise<KubeObject> {
    const spec = { ...((request.spec ?? {}) as { audiences?: string[]; expirationSeconds?: number; boundObjectRef?: { kind?: string; apiVersion?: string; name?: string; uid?: string } }) };
    spec.expirationSeconds ??= defaultExpirationSeconds;
    const tokenRequestKind = { group: 'authentication.k8s.io', kind: 'TokenRequest' };
    if (spec.expirationSeconds < minExpirationSeconds) {
      throw invalid(tokenRequestKind, name, [{ type: 'FieldValueInvalid', field: 'spec.expirationSeconds', badValue: spec.expirationSeconds, detail: 'may not specify a duration less than 10 minutes' }]);
    }
    if (spec.expirationSeconds > maxExpirationSeconds) {
      throw invalid(tokenRequestKind, name, [{ type: 'FieldValueInvalid', field: 'spec.expirationSeconds', badValue: spec.expirationSeconds, detail: 'may not specify a duration larger than 2^32 seconds' }]);
    }
    const sa = this.object('serviceaccounts', namespace, name);
    if (!sa) throw notFound({ group: '', resource: 'serviceaccounts' }, name);

    const claim: KubernetesClaim = { namespace, serviceaccount: { name, uid: sa.metadata?.uid } };
    const ref = spec.boundObjectRef;
    if (ref) {
      const group = (ref.apiVersion ?? '').includes('/') ? (ref.apiVersion ?? '').split('/')[0] : '';
      const version = (ref.apiVersion ?? '').split('/').at(-1);
      let bound: KubeObject | undefined;
      if (group === '' && ref.kind === 'Pod') {
        bound = this.object('pods', namespace, ref.name ?? '');
        if (!bound) throw notFound({ group: '', resource: 'pods' }, ref.name ?? '');
        const podSa = (bound.spec as { serviceAccountName?: string } | undefined)?.serviceAccountName ?? '';
        if (podSa !== name) throw badRequest(`cannot bind token for serviceaccount "${name}" to pod running with serviceaccount "${podSa}"`);
        claim.pod = { name: ref.name, uid: bound.metadata?.uid };
        const nodeName = (bound.spec as { nodeName?: string } | undefined)?.nodeName;
        const node = nodeName ? this.object('nodes', undefined, nodeName) : undefined;
        if (node) claim.node = { name: nodeName, uid: node.metadata?.uid };
      } else if (group === '' && ref.kind === 'Secret') {
        bound = this.object('secrets', namespace, ref.name ?? '');
        if (!bound) throw notFound({ group: '', resource: 'secrets' }, ref.name ?? '');
        claim.secret = { name: ref.name, uid: bound.metadata?.uid };
      } else if (group === '' && ref.kind === 'Node') {
        bound = this.object('nodes', undefined, ref.name ?? '');
        if (!bound) throw notFound({ group: '', resource: 'nodes' }, ref.name ?? '');
        claim.node = { name: ref.name, uid: bound.metadata?.uid };
      } else {
        throw badRequest(`cannot bind token to object of type ${group ? `${group}/` : ''}${version ?? ''}, Kind=${ref.kind ?? ''}`);
      }
      if (ref.uid && ref.uid !== bound.metadata?.uid) {
        throw conflict(
          { group, resource: ref.kind ?? '' },
          ref.name ?? '',
          `the UID in the bound object reference (${ref.uid}) does not match the UID in record (${bound.metadata?.uid}). The object might have been deleted and then recreated`,
        );
      }
    }
    const audiences = spec.audiences?.length ? spec.audiences : [...this.apiAudiences];
    const issuedAt = Math.floor(this.now() / 1000);
    const expiry = issuedAt + spec.expirationSeconds;
    const token = await this.signer.sign({
      aud: audiences,
      exp: expiry,
      iat: issuedAt,
      iss: serviceAccountIssuer,
      jti: randomUUID(),
      'kubernetes.io': claim,
      nbf: issuedAt,
      sub: `system:serviceaccount:${namespace}:${name}`,
    });
    return {
      kind: 'TokenRequest',
      apiVersion: 'authentication.k8s.io/v1',
      metadata: { name, namespace, creationTimestamp: null } as never,
      spec: { ...spec, audiences },
      status: { token, expirationTimestamp: formatTime(new Date(expiry * 1000)) },
    };
  }

  /**
   * A secret-based token for the tokens controller (kube-controller-manager signs these with the
   * same key the API server verifies them with; here both sit in one process).
   */
  generateLegacyToken(subject: LegacyTokenSubject): Promise<string> {
    return this.signer.sign(legacyClaims(subject));
  }

  /**
   * Who a bearer token says its holder is, if it is one of ours and still good for one of
   * `audiences` (the API's by default), or why not.
   */
  async authenticate(token: string, audiences: readonly string[] = this.apiAudiences): Promise<TokenVerdict> {
    let claims = this.verified.get(token);
    if (!claims) {
      try {
        claims = await this.signer.verify(token);
      } catch {
        return { error: 'invalid bearer token' };
      }
      if (this.verified.size >= verifiedCacheSize) this.verified.delete(this.verified.keys().next().value!);
      this.verified.set(token, claims);
    }
    if (claims.iss === legacyIssuer) {
      // A legacy token has no audience: it is good for the API's audiences only (audience-agnostic).
      const matchedApi = audiences.filter((a) => this.apiAudiences.includes(a));
      if (!matchedApi.length) return { error: 'token audiences is invalid' };
      const verdict = validateLegacyToken(token, claims, this.legacyLookup, new Date(this.now()));
      if ('error' in verdict) return verdict;
      return { user: verdict.user, audiences: matchedApi, ...(verdict.warnings.length ? { warnings: verdict.warnings } : {}) };
    }
    if (claims.iss !== serviceAccountIssuer) return { error: 'invalid bearer token' };
    const tokenAudiences = Array.isArray(claims.aud) ? (claims.aud as string[]) : typeof claims.aud === 'string' ? [claims.aud] : [];
    const matched = audiences.filter((a) => tokenAudiences.includes(a));
    if (!matched.length) return { error: 'token audiences is invalid' };
    const now = this.now() / 1000;
    if (typeof claims.exp !== 'number' || now > claims.exp + leewaySeconds) {
      this.verified.delete(token);
      return { error: 'service account token has expired' };
    }
    if (typeof claims.nbf === 'number' && now < claims.nbf - leewaySeconds) return { error: 'service account token is not valid yet' };

    const k = (claims['kubernetes.io'] ?? {}) as KubernetesClaim;
    const namespace = k.namespace ?? '';
    const saName = k.serviceaccount?.name ?? '';
    const sa = this.object('serviceaccounts', namespace, saName);
    if (!sa) return { error: `serviceaccounts "${saName}" not found` };
    if (this.deletedLongAgo(sa, now)) return { error: `service account ${namespace}/${saName} has been deleted` };
    if (sa.metadata?.uid !== k.serviceaccount?.uid) return { error: `service account UID (${sa.metadata?.uid}) does not match claim (${k.serviceaccount?.uid})` };
    for (const [resource, ref, what] of [
      ['secrets', k.secret, 'secret'],
      ['pods', k.pod, 'pod'],
      ['nodes', k.node, 'node'],
    ] as const) {
      if (!ref) continue;
      const bound = this.object(resource, resource === 'nodes' ? undefined : namespace, ref.name ?? '');
      if (!bound || this.deletedLongAgo(bound, now)) return { error: 'service account token has been invalidated' };
      if (bound.metadata?.uid !== ref.uid) return { error: `${what} UID (${bound.metadata?.uid}) does not match service account ${what} ref claim (${ref.uid})` };
    }
    const extra: Record<string, string[]> = {};
    if (typeof claims.jti === 'string') extra['authentication.kubernetes.io/credential-id'] = [`JTI=${claims.jti}`];
    if (k.node) {
      extra['authentication.kubernetes.io/node-name'] = [k.node.name ?? ''];
      extra['authentication.kubernetes.io/node-uid'] = [k.node.uid ?? ''];
    }
    if (k.pod) {
      extra['authentication.kubernetes.io/pod-name'] = [k.pod.name ?? ''];
      extra['authentication.kubernetes.io/pod-uid'] = [k.pod.uid ?? ''];
    }
    return {
      user: {
        username: `system:serviceaccount:${namespace}:${saName}`,
        uid: k.serviceaccount?.uid,
        groups: ['system:serviceaccounts', `system:serviceaccounts:${namespace}`, 'system:authenticated'],
        ...(Object.keys(extra).length ? { extra } : {}),
      },
      audiences: matched,
    };
  }

  private readonly legacyLookup = {
    secret: (namespace: string, name: string) => this.object('secrets', namespace, name),
    serviceAccount: (namespace: string, name: string) => this.object('serviceaccounts', namespace, name),
    markUsed: (namespace: string, secretName: string, secretUid: string, day: string) => {
      // kube-apiserver's own write (its loopback client), not awaited by the request. The uid in
      // the patch makes it a precondition: a Secret made again under the name is left alone.
      void this.registry
        .store({ group: '', version: 'v1', resource: 'secrets' })
        .patch(namespace, secretName, 'merge', { metadata: { uid: secretUid, labels: { [lastUsedLabel]: day } } }, { dryRun: false, fieldValidation: 'Ignore', warnings: [], userAgent: 'kube-apiserver' })
        .catch(() => undefined);
    },
  };

  private object(resource: string, namespace: string | undefined, name: string): KubeObject | undefined {
    if (!name) return undefined;
    const cached = this.registry.store({ group: '', version: 'v1', resource }).cachedObject(namespace, name);
    return cached ? parseCached<KubeObject>(cached) : undefined;
  }

  private deletedLongAgo(obj: KubeObject, nowSeconds: number): boolean {
    const at = obj.metadata?.deletionTimestamp;
    return at !== undefined && at !== null && Date.parse(at) / 1000 < nowSeconds - leewaySeconds;
  }
}
