// The proxy subresources — services/<name>/proxy/…, pods/<name>/proxy/…, nodes/<name>/proxy/… —
// that `kubectl proxy` and `kubectl get --raw` use to reach what runs in the cluster: the target
// is resolved as kube-apiserver resolves it, then the request is passed on through the simulated
// network (a pod's port through its node's kubelet stand-in, a node's kubelet port).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { methodNotAllowed, resourceNotFound } from '../../apierrors/index.js';
import type { ResourceRequestInfo } from '../request-info.js';
import { nodeTarget, podTarget, serviceTarget, type ProxyTarget, type ProxyTargetDeps } from './proxy-targets.js';
import { proxyRequest } from './reverse-proxy.js';

/** The methods a proxy passes on (ConnectMethods of the proxy REST storage). */
const proxyMethods = new Set(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS']);

const targets: Record<string, (deps: ProxyTargetDeps, namespace: string, id: string) => Promise<ProxyTarget>> = {
  services: serviceTarget,
  pods: podTarget,
  nodes: (deps, _namespace, id) => nodeTarget(deps, id),
};

export async function serveProxy(req: IncomingMessage, res: ServerResponse, ri: ResourceRequestInfo, deps: ProxyTargetDeps): Promise<void> {
  const resolve = targets[ri.resource];
  if (!resolve || ri.group !== '') throw resourceNotFound();
  if (!proxyMethods.has(req.method ?? '')) throw methodNotAllowed();
  const target = await resolve(deps, ri.namespace ?? '', ri.name ?? '');
  const url = new URL(req.url ?? '/', 'http://kubemu');
  const path = ri.subresourcePath ?? '';
  await proxyRequest(req, res, target, { path, prefix: url.pathname.slice(0, url.pathname.length - path.length), query: url.search.slice(1) });
}
