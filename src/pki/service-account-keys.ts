// The key service-account tokens are signed with (kube-apiserver's --service-account-signing-key-file
// and --service-account-key-file in one): an RSA key kept in the data directory, made the first
// time a token is issued or the keys are asked for — not at start, where RSA generation would cost
// a cold start a hundred milliseconds — and reused across restarts, so issued tokens stay valid.
// Signing and verification are jose's (RS256, as kube-apiserver signs with an RSA key).
import { createHash, createPrivateKey, createPublicKey, generateKeyPair, type KeyObject } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

const KEY_FILE = 'sa.key';

export interface TokenClaims {
  [claim: string]: unknown;
}

export interface JsonWebKeySet {
  keys: Record<string, unknown>[];
}

interface LoadedKey {
  privateKey: KeyObject;
  publicKey: KeyObject;
  keyId: string;
}

export class ServiceAccountKeys {
  private loading: Promise<LoadedKey> | undefined;
  // jose is some 45 modules: loaded with the first token, not at every start.
  private josePending: Promise<typeof import('jose')> | undefined;
  private get jose(): Promise<typeof import('jose')> {
    return (this.josePending ??= import('jose'));
  }

  /** `dir`: where the key is kept; undefined keeps it in memory only (a cluster on the memory backend). */
  constructor(private readonly dir: string | undefined) {}

  /** A signed JWT (RS256) with the key's id in its header. */
  async sign(claims: TokenClaims): Promise<string> {
    const key = await this.key();
    const { SignJWT } = await this.jose;
    return new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid: key.keyId }).sign(key.privateKey);
  }

  /**
   * The claims of a token this key signed, or an Error saying why not. Times are not checked here
   * (the caller checks them against its clock, as kube-apiserver's validator does).
   */
  async verify(token: string): Promise<TokenClaims> {
    const key = await this.key();
    const { compactVerify } = await this.jose;
    const { payload } = await compactVerify(token, key.publicKey, { algorithms: ['RS256'] });
    const claims = JSON.parse(new TextDecoder().decode(payload)) as unknown;
    if (claims === null || typeof claims !== 'object' || Array.isArray(claims)) throw new Error('the token payload is not a JSON object');
    return claims as TokenClaims;
  }

  /** /openid/v1/jwks: the public key, as a JSON Web Key Set. */
  async jwks(): Promise<JsonWebKeySet> {
    const key = await this.key();
    const { exportJWK } = await this.jose;
    const jwk = await exportJWK(key.publicKey);
    return { keys: [{ use: 'sig', kty: jwk.kty, kid: key.keyId, alg: 'RS256', n: jwk.n, e: jwk.e }] };
  }

  private key(): Promise<LoadedKey> {
    this.loading ??= this.loadOrCreate().catch((err: unknown) => {
      this.loading = undefined;
      throw err;
    });
    return this.loading;
  }

  private async loadOrCreate(): Promise<LoadedKey> {
    const path = this.dir === undefined ? undefined : join(this.dir, KEY_FILE);
    let pem: string | undefined;
    try {
      if (path) pem = await readFile(path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    if (pem === undefined) {
      pem = await new Promise<string>((resolve, reject) =>
        generateKeyPair('rsa', { modulusLength: 2048, privateKeyEncoding: { type: 'pkcs8', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } }, (e, _pub, priv) => (e ? reject(e) : resolve(priv))),
      );
      if (path) {
        await mkdir(this.dir!, { recursive: true });
        // Written aside and renamed, so a crash never leaves half a key.
        await writeFile(`${path}.tmp`, pem, { mode: 0o600 });
        await rename(`${path}.tmp`, path);
      }
    }
    const privateKey = createPrivateKey(pem);
    const publicKey = createPublicKey(privateKey);
    return { privateKey, publicKey, keyId: keyIdOf(publicKey) };
  }
}

/** kube-apiserver's key id: the SHA-256 of the DER public key, unpadded base64url. */
function keyIdOf(publicKey: KeyObject): string {
  return createHash('sha256').update(publicKey.export({ type: 'spki', format: 'der' })).digest('base64url');
}
