// Which requests are long-running, as kube-apiserver's BasicLongRunningRequestCheck decides:
// watches and the deprecated proxy verb, and the attach, exec, proxy, log and portforward
// subresources. They are neither counted against the in-flight limits nor given a deadline:
// they last as long as the client wants.
import type { RequestInfo } from '../request-info.js';

const longRunningSubresources = new Set(['attach', 'exec', 'proxy', 'log', 'portforward']);

export function isLongRunning(info: RequestInfo): boolean {
  if (!info.isResourceRequest) return false;
  if (info.verb === 'watch') return true;
  return info.subresource !== undefined && longRunningSubresources.has(info.subresource);
}

/** get, list and watch; every other verb (and a non-resource request other than GET) mutates. */
export function isReadOnly(method: string, info: RequestInfo): boolean {
  if (info.isResourceRequest) return info.verb === 'get' || info.verb === 'list' || info.verb === 'watch';
  // A non-resource request's verb is its lower-cased method: only "get" is read-only.
  return method === 'GET';
}
