// Who is asking, as kube-apiserver's authenticator chain decides it: a client certificate signed
// by the cluster CA names the user (CN) and groups (O); otherwise a bearer token must be a
// service-account token this cluster issued and still honours (anything else is 401 Unauthorized,
// never a quiet fall-back to anonymous); a request with neither is system:anonymous. Authorization
// is not enforced yet, so the answer shows in `kubectl auth whoami` and reviews, and every
// authenticated identity is allowed.
import type { IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';
import { unauthorized } from '../apierrors/index.js';
import type { Registry } from '../registry/registry.js';
import type { UserInfo } from '../registry/service-account-tokens.js';

export type { UserInfo };

/** Reads CN and O of a client certificate the server's TLS layer has verified (pki/client-identity.ts). */
export type CertificateIdentity = (der: Buffer) => { user: string; groups: string[] };

export const anonymousUser: UserInfo = { username: 'system:anonymous', groups: ['system:unauthenticated'] };

const users = new WeakMap<IncomingMessage, UserInfo>();
const certificateUsers = new WeakMap<object, UserInfo | null>();

/** The user an authenticated request was made by. */
export function requestUser(req: IncomingMessage): UserInfo {
  return users.get(req) ?? anonymousUser;
}

export class Authenticator {
  constructor(
    private readonly registry: Registry,
    private readonly certificateIdentity: CertificateIdentity | undefined,
  ) {}

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
      const tokens = this.registry.serviceAccountTokens;
      if (!m || !tokens) throw unauthorized();
      return tokens.authenticate(m[1]!).then((verdict) => {
        if ('error' in verdict) throw unauthorized();
        users.set(req, verdict.user);
      });
    }
  }

  private certificateUser(socket: TLSSocket): UserInfo | undefined {
    if (!this.certificateIdentity || typeof socket.getPeerCertificate !== 'function') return undefined;
    // One TLS connection has one client certificate: read it once per connection.
    const known = certificateUsers.get(socket);
    if (known !== undefined) return known ?? undefined;
    let user: UserInfo | null = null;
    const cert = socket.authorized ? socket.getPeerCertificate() : undefined;
    if (cert?.raw) {
      try {
        const id = this.certificateIdentity(cert.raw);
        if (id.user) user = { username: id.user, groups: [...id.groups, 'system:authenticated'] };
      } catch {
        user = null;
      }
    }
    certificateUsers.set(socket, user);
    return user ?? undefined;
  }
}
