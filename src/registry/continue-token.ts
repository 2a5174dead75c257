// Continue tokens, shaped like kube-apiserver's: base64 of {"v":"meta.k8s.io/v1","rv":<list revision>,"start":"<next key>"}
// with the key relative to the resource's prefix.
import { badRequest } from '../apierrors/index.js';

export interface ContinuePosition {
  revision: number;
  /** Resume after this key (relative to the resource prefix). */
  startAfter: string;
}

export function encodeContinue(pos: ContinuePosition): string {
  const json = JSON.stringify({ v: 'meta.k8s.io/v1', rv: pos.revision, start: pos.startAfter + '\u0000' });
  return Buffer.from(json).toString('base64url');
}

export function decodeContinue(token: string): ContinuePosition {
  let parsed: { v?: string; rv?: number; start?: string };
  try {
    parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as typeof parsed;
  } catch {
    throw badRequest(`continue key is not valid: ${token}`);
  }
  if (parsed.v !== 'meta.k8s.io/v1') throw badRequest('continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)');
  if (typeof parsed.rv !== 'number' || parsed.rv <= 0 || typeof parsed.start !== 'string') throw badRequest('continue key is not valid: incorrect encoded start resourceVersion');
  const start = parsed.start.endsWith('\u0000') ? parsed.start.slice(0, -1) : parsed.start;
  if (start.includes('..') || start.startsWith('/')) throw badRequest('continue key is not valid: invalid start key');
  return { revision: parsed.rv, startAfter: start };
}
