// Impersonation (Impersonate-User, -Group, -Uid and -Extra-<key> headers), as kube-apiserver's
// WithImpersonation filter does it: every part asked for must be authorized with the verb
// `impersonate` (users, groups, serviceaccounts for system:serviceaccount:<ns>:<name> names,
// uids and userextras/<key> in authentication.k8s.io); then the request runs as the new user.
import type { IncomingMessage } from 'node:http';
import { badRequest } from '../apierrors/index.js';
import type { Authorizer } from '../registry/rbac/authorizer.js';
import { forbiddenError } from '../registry/rbac/authorizer.js';
import type { ResourceAttributes } from '../registry/rbac/attributes.js';
import { requestUser, setRequestUser, type UserInfo } from './authentication.js';

const extraPrefix = 'impersonate-extra-';
const serviceAccountPrefix = 'system:serviceaccount:';

/** Whether the request asks to impersonate (cheap: most requests do not). */
function asksToImpersonate(req: IncomingMessage): boolean {
  const h = req.headers;
  if (h['impersonate-user'] !== undefined || h['impersonate-group'] !== undefined || h['impersonate-uid'] !== undefined) return true;
  for (const name in h) if (name.startsWith(extraPrefix)) return true;
  return false;
}

/** Checks and applies the request's impersonation headers; throws 400 or 403. */
export function impersonate(req: IncomingMessage, authorizer: Authorizer): void {
  if (!asksToImpersonate(req)) return;
  const actor = requestUser(req);
  const username = headerValues(req, 'impersonate-user')[0];
  const groups = headerValues(req, 'impersonate-group');
  const uid = headerValues(req, 'impersonate-uid')[0];
  const extra: Record<string, string[]> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (!name.startsWith(extraPrefix) || value === undefined) continue;
    const key = safeDecode(name.slice(extraPrefix.length)).toLowerCase();
    extra[key] = (Array.isArray(value) ? value : value.split(',')).map((v) => v.trim());
  }
  if (username === undefined) {
    throw badRequest(`requested impersonation of groups, extra or uid without impersonating a user (Impersonate-User)`);
  }
  const check = (resource: ResourceAttributes) => {
    const attrs = { user: actor, resourceRequest: true as const, resource };
    const decision = authorizer.authorize(attrs);
    if (!decision.allowed) throw forbiddenError(attrs, decision.reason);
  };
  const authGroup = 'authentication.k8s.io';
  let newGroups = [...groups];
  if (username.startsWith(serviceAccountPrefix) && username.split(':').length === 4) {
    const [, , namespace, name] = username.split(':') as [string, string, string, string];
    check({ verb: 'impersonate', apiGroup: '', resource: 'serviceaccounts', namespace, name });
    if (!groups.length) newGroups = ['system:serviceaccounts', `system:serviceaccounts:${namespace}`];
  } else {
    check({ verb: 'impersonate', apiGroup: '', resource: 'users', name: username });
  }
  for (const group of groups) check({ verb: 'impersonate', apiGroup: '', resource: 'groups', name: group });
  if (uid !== undefined) check({ verb: 'impersonate', apiGroup: authGroup, resource: 'uids', name: uid });
  for (const [key, values] of Object.entries(extra)) {
    for (const value of values) check({ verb: 'impersonate', apiGroup: authGroup, resource: 'userextras', subresource: key, name: value });
  }
  if (username === 'system:anonymous') {
    if (!newGroups.includes('system:unauthenticated')) newGroups.push('system:unauthenticated');
  } else if (!newGroups.includes('system:authenticated')) newGroups.push('system:authenticated');
  const user: UserInfo = { username, groups: newGroups };
  if (uid !== undefined) user.uid = uid;
  if (Object.keys(extra).length) user.extra = extra;
  setRequestUser(req, user);
}

/** Extra keys are percent-encoded in header names; a malformed one is taken as written. */
function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

function headerValues(req: IncomingMessage, name: string): string[] {
  // Node joins repeated headers with ", " (set-cookie aside): Impersonate-Group may repeat.
  const raw = req.headersDistinct?.[name];
  if (raw) return raw;
  const v = req.headers[name];
  if (v === undefined) return [];
  return Array.isArray(v) ? v : [v];
}
