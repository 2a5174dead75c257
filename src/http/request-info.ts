// The URL parsed once into what the request is about (kube-apiserver's RequestInfo).

export type ResourceVerb = 'get' | 'list' | 'watch' | 'create' | 'update' | 'patch' | 'delete' | 'deletecollection' | 'connect';

export interface ResourceRequestInfo {
  isResourceRequest: true;
  /** "api" or "apis". */
  prefix: 'api' | 'apis';
  group: string;
  version: string;
  namespace?: string;
  resource: string;
  name?: string;
  /** The first segment after the name ("status", "proxy"). */
  subresource?: string;
  /**
   * What follows the subresource, as sent (still percent-encoded, trailing slash kept): the
   * path a proxy request passes on, "" when there is none.
   */
  subresourcePath?: string;
  verb: ResourceVerb;
  /** The deprecated /watch/ path prefix was used. */
  watchPath: boolean;
}

export interface NonResourceRequestInfo {
  isResourceRequest: false;
  path: string;
  /** Discovery paths: /api, /api/v1, /apis, /apis/<group>, /apis/<group>/<version>. */
  discovery?: { prefix: 'api' | 'apis'; group?: string; version?: string };
}

export type RequestInfo = ResourceRequestInfo | NonResourceRequestInfo;

// Subresources of a namespace itself: /api/v1/namespaces/<name>/status is not a resource "status" in namespace <name>.
const namespaceSubresources = new Set(['status', 'finalize']);

export function parseRequestInfo(method: string, pathname: string, isWatchQuery: boolean): RequestInfo {
  const trimmed = pathname.length > 1 && pathname.endsWith('/') ? pathname.slice(0, -1) : pathname;
  const parts = trimmed.split('/').filter(Boolean).map(safeDecode);
  const prefix = parts[0];
  if (prefix !== 'api' && prefix !== 'apis') return { isResourceRequest: false, path: trimmed };

  let rest: string[];
  let group = '';
  if (prefix === 'api') {
    if (parts.length === 1) return { isResourceRequest: false, path: trimmed, discovery: { prefix } };
    rest = parts.slice(1);
  } else {
    if (parts.length === 1) return { isResourceRequest: false, path: trimmed, discovery: { prefix } };
    group = parts[1];
    if (parts.length === 2) return { isResourceRequest: false, path: trimmed, discovery: { prefix, group } };
    rest = parts.slice(2);
  }
  const version = rest[0];
  if (rest.length === 1) return { isResourceRequest: false, path: trimmed, discovery: { prefix, group, version } };
  rest = rest.slice(1);

  let watchPath = false;
  if (rest[0] === 'watch') {
    watchPath = true;
    rest = rest.slice(1);
  }
  let namespace: string | undefined;
  if (rest[0] === 'namespaces' && rest.length > 1) {
    namespace = rest[1];
    if (rest.length > 2 && !namespaceSubresources.has(rest[2])) rest = rest.slice(2);
    else namespace = undefined; // the namespace object itself: resource "namespaces", name rest[1]
  }
  const resource = rest[0] ?? '';
  const name = rest[1];
  const subresource = rest.length > 2 ? rest[2] : undefined;
  const subresourcePath = subresource === undefined ? undefined : rawPathAfter(pathname, parts.length - rest.length + 3);

  let verb: ResourceVerb;
  switch (method) {
    case 'GET':
    case 'HEAD':
      verb = name === undefined ? (watchPath || isWatchQuery ? 'watch' : 'list') : watchPath || (isWatchQuery && !subresource) ? 'watch' : 'get';
      break;
    case 'POST':
      verb = 'create';
      break;
    case 'PUT':
      verb = 'update';
      break;
    case 'PATCH':
      verb = 'patch';
      break;
    case 'DELETE':
      verb = name === undefined ? 'deletecollection' : 'delete';
      break;
    default:
      verb = 'connect';
  }
  const info: ResourceRequestInfo = { isResourceRequest: true, prefix, group, version, namespace, resource, name, subresource, verb, watchPath };
  if (subresourcePath !== undefined) info.subresourcePath = subresourcePath;
  return info;
}

/** The raw path after its first `segments` non-empty segments. */
function rawPathAfter(pathname: string, segments: number): string {
  let i = 0;
  for (let seen = 0; seen < segments && i < pathname.length; seen++) {
    while (pathname[i] === '/') i++;
    const next = pathname.indexOf('/', i);
    i = next < 0 ? pathname.length : next;
  }
  return pathname.slice(i);
}

function safeDecode(segment: string): string {
  if (!segment.includes('%')) return segment;
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
