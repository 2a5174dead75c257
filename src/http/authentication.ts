// Who is asking, as kube-apiserver's authenticator chain decides it: a client certificate signed
// by the cluster CA names the user (CN) and groups (O); otherwise a bearer token must be one of
// --token-auth-file's or a service-account token this cluster issued and still honours (anything
// else is 401 Unauthorized, never a quiet fall-back to anonymous); a request with neither is
// system:anonymous while --anonymous-auth is on (the default), else 401. Every authenticated user
// is in system:authenticated. Over --insecure-http nothing can be proven, so a request without a
// token is the privileged system:unsecured (as kube-apiserver's old insecure port treated it).
import type { IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';
import { unauthorized } from '../apierrors/index.js';
import type { Registry } from '../registry/registry.js';
import type { UserInfo } from '../registry/service-account-tokens.js';

export type { UserInfo };

/** Reads CN and O of a client certificate the server's TLS layer has verified (pki/client-identity.ts). */
export type CertificateIdentity = (der: Buffer) => { user: string; groups: string[] };

export const anonymousUser: UserInfo = { username: 'system:anonymous', groups: ['system:unauthenticated'] };
export const unsecuredUser: UserInfo = { username: 'system:unsecured', groups: ['system:masters', 'system:authenticated'] };

const authenticatedGroup = 'system:authenticated';

export interface AuthenticationOptions {
  /** Reads a verified client certificate's user and groups (absent: certificates name nobody). */
  certificateIdentity?: CertificateIdentity;
  /** --token-auth-file's users by token. */
  staticTokens?: ReadonlyMap<string, UserInfo>;
  /** --anonymous-auth (default true). */
  anonymous?: boolean;
  /** --insecure-http: credential-less requests are system:unsecured. */
  insecure?: boolean;
}

const users = new WeakMap<IncomingMessage, UserInfo>();
const warnings = new WeakMap<IncomingMessage, string[]>();
const certificateUsers = new WeakMap<object, UserInfo | null>();

/** The user an authenticated request was made by (after impersonation). */
export function requestUser(req: IncomingMessage): UserInfo {
  return users.get(req) ?? anonymousUser;
}

/** What the authenticator has to tell the client about its credential (Warning headers). */
export function authenticationWarnings(req: IncomingMessage): string[] | undefined {
  return warnings.get(req);
}

/** Replaces the request's user (impersonation acts as another). */
export function setRequestUser(req: IncomingMessage, user: UserInfo): void {
  users.set(req, user);
}

export class Authenticator {
  private readonly staticTokens: ReadonlyMap<string, UserInfo>;

  constructor(
    private readonly registry: Registry,
    private readonly options: AuthenticationOptions,
  ) {
    // The group adder of kube-apiserver's chain, applied once here rather than per request.
    this.staticTokens = new Map([...(options.staticTokens ?? new Map<string, UserInfo>())].map(([token, u]) => [token, withAuthenticated(u)]));
  }

  /** Records the request's user; a promise only when a token must be verified. Throws (or rejects with) a 401. */
  authenticate(req: IncomingMessage): void | Promise<void> {
    // The x509 authenticator comes before the token ones: a verified client certificate decides,
    // whatever Authorization header comes with it (kubectl sends both when --token meets a
    // kubeconfig with a certificate, and a real cluster answers as the certificate's user).
    const certified = this.certificateUser(req.socket as TLSSocket);
    if (certified) {
      users.set(req, certified);
      return;
    }
    const header = req.headers.authorization;
    if (header !== undefined) {
      const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
      if (!m) throw unauthorized();
      const fromFile = this.staticTokens.get(m[1]!);
      if (fromFile) {
        users.set(req, fromFile);
        return;
      }
      const tokens = this.registry.serviceAccountTokens;
      if (!tokens) throw unauthorized();
      return tokens.authenticate(m[1]!).then((verdict) => {
        if ('error' in verdict) throw unauthorized();
        users.set(req, verdict.user);
        if (verdict.warnings) warnings.set(req, verdict.warnings);
      });
    }
    if (this.options.insecure) users.set(req, unsecuredUser);
    else if (this.options.anonymous === false) throw unauthorized();
  }

  private certificateUser(socket: TLSSocket): UserInfo | undefined {
    if (!this.options.certificateIdentity || typeof socket.getPeerCertificate !== 'function') return undefined;
    // One TLS connection has one client certificate: read it once per connection.
    const known = certificateUsers.get(socket);
    if (known !== undefined) return known ?? undefined;
    let user: UserInfo | null = null;
    const cert = socket.authorized ? socket.getPeerCertificate() : undefined;
    if (cert?.raw) {
      try {
        const id = this.options.certificateIdentity(cert.raw);
        if (id.user) user = withAuthenticated({ username: id.user, groups: id.groups });
      } catch {
        user = null;
      }
    }
    certificateUsers.set(socket, user);
    return user ?? undefined;
  }
}

function withAuthenticated(u: UserInfo): UserInfo {
  return u.groups.includes(authenticatedGroup) ? u : { ...u, groups: [...u.groups, authenticatedGroup] };
}
