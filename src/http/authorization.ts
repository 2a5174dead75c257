// The authorization step of every request: the attributes kube-apiserver's authorizer sees —
// RequestInfo's verb, group, resource, subresource, namespace and name for resource requests
// (a list or watch narrowed by fieldSelector=metadata.name=x names x), the lower-cased HTTP verb
// and path otherwise — judged by the registry's authorizer, refused with its 403.
import type { IncomingMessage } from 'node:http';
import type { Authorizer } from '../registry/rbac/authorizer.js';
import { forbiddenError } from '../registry/rbac/authorizer.js';
import { nameFromFieldSelector, type AuthorizationAttributes } from '../registry/rbac/attributes.js';
import { requestUser } from './authentication.js';
import { addAuditAnnotation } from './audit/index.js';
import type { RequestInfo } from './request-info.js';

const nonResourceVerbs: Record<string, string> = { GET: 'get', HEAD: 'head', POST: 'post', PUT: 'put', PATCH: 'patch', DELETE: 'delete' };

export function requestAttributes(req: IncomingMessage, info: RequestInfo, pathname: string, query: URLSearchParams): AuthorizationAttributes {
  const user = requestUser(req);
  if (!info.isResourceRequest) {
    const method = req.method ?? 'GET';
    return { user, resourceRequest: false, nonResource: { verb: nonResourceVerbs[method] ?? method.toLowerCase(), path: pathname } };
  }
  let name = info.name;
  if (name === undefined && (info.verb === 'list' || info.verb === 'watch')) name = nameFromFieldSelector(query.get('fieldSelector'));
  const resource: AuthorizationAttributes & { resourceRequest: true } = {
    user,
    resourceRequest: true,
    resource: { verb: info.verb, apiGroup: info.group, resource: info.resource },
  };
  if (info.subresource) resource.resource.subresource = info.subresource;
  if (info.namespace) resource.resource.namespace = info.namespace;
  if (name) resource.resource.name = name;
  return resource;
}

const upgradedSubresources = new Set(['exec', 'attach', 'portforward']);

/**
 * Throws the 403 a refused request gets. A WebSocket upgrade of pods/exec, attach or portforward
 * comes as a GET, but must also be allowed to `create` them, as over SPDY (a POST): 1.36's
 * AuthorizePodWebsocketUpgradeCreatePermission, on by default.
 */
export function authorizeRequest(authorizer: Authorizer, attrs: AuthorizationAttributes, req?: IncomingMessage): void {
  const decision = authorizer.authorize(attrs);
  if (req) {
    // The audit event says who allowed or refused the request, as kube-apiserver's authorization filter does.
    addAuditAnnotation(req, 'authorization.k8s.io/decision', decision.allowed ? 'allow' : 'forbid');
    addAuditAnnotation(req, 'authorization.k8s.io/reason', decision.reason);
  }
  if (!decision.allowed) throw forbiddenError(attrs, decision.reason);
  if (!attrs.resourceRequest || attrs.resource.verb !== 'get' || attrs.resource.resource !== 'pods' || !upgradedSubresources.has(attrs.resource.subresource ?? '')) return;
  if (req?.headers.upgrade?.toLowerCase() !== 'websocket') return;
  const create = { ...attrs, resource: { ...attrs.resource, verb: 'create' } };
  const createDecision = authorizer.authorize(create);
  if (!createDecision.allowed) throw forbiddenError(create, createDecision.reason);
}
