// A simulated kubelet's HTTPS port (10250) as `nodes/<name>/proxy/…` reaches it: /healthz and the
// pods the kubelet runs (/pods, a PodList). Other handlers a real kubelet has — metrics, stats,
// configz, logs, checkpoints, debugging — answer 501 with a line saying kubemu does not simulate
// them (never an empty or made-up answer); anything else is the Go mux's 404.
import type { Pod } from '../machinery/api-types.js';
import type { HttpAnswer, HttpRequestHead } from './http-responder.js';

export const kubeletPort = 10250;

const healthChecks = new Set(['/healthz', '/healthz/ping', '/healthz/log', '/healthz/syncloop']);
const notSimulated = ['/metrics', '/stats', '/spec', '/configz', '/logs', '/runningpods', '/checkpoint', '/debug', '/cri', '/flagz', '/statusz'];
const servedElsewhere = ['/containerLogs', '/exec', '/attach', '/portForward', '/run'];

export interface KubeletServerView {
  /** The pods bound to this node, as the kubelet knows them. */
  pods(): Pod[];
}

export function kubeletAnswer(request: HttpRequestHead, view: KubeletServerView): HttpAnswer {
  const path = (request.target.split('?')[0] ?? '/').replace(/\/+$/, '') || '/';
  const under = (prefixes: string[]) => prefixes.some((p) => path === p || path.startsWith(`${p}/`));
  const read = request.method === 'GET' || request.method === 'HEAD';
  if (healthChecks.has(path)) return read ? { status: 200, body: 'ok' } : methodNotAllowed();
  if (path === '/pods') {
    if (!read) return methodNotAllowed();
    const items = view.pods().map((p) => ({ ...p, apiVersion: undefined, kind: undefined }));
    return { status: 200, contentType: 'application/json', body: `${JSON.stringify({ kind: 'PodList', apiVersion: 'v1', metadata: {}, items })}\n` };
  }
  if (under(notSimulated)) return { status: 501, body: `kubemu: the simulated kubelet does not serve ${path}\n` };
  if (under(servedElsewhere)) {
    return { status: 501, body: `kubemu: the simulated kubelet serves ${path} only through the pods' log, exec, attach and portforward subresources\n` };
  }
  return { status: 404, body: '404 page not found\n' };
}

function methodNotAllowed(): HttpAnswer {
  return { status: 405, body: 'Method Not Allowed\n' };
}
