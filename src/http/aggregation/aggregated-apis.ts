// The aggregator's side of API aggregation inside the HTTP layer: which group-versions other
// servers serve (as the availability controller last found them), their discovery entries (read
// from the backend's /apis/<group>/<version> answer of the last successful check), and the proxy
// that passes requests for them on — streaming both ways, so watches flow as they come. A
// group-version whose APIService is not Available is refused with kube-aggregator's plain-text
// 503 "service unavailable"; a backend that cannot be reached mid-request is a 503 "error trying
// to reach service: …", and the availability controller is told to look again at once.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AggregatedApiTarget, AggregationBackend } from '../../machinery/aggregated-api.js';
import { badRequest } from '../../apierrors/index.js';
import { requestUser } from '../authentication.js';
import type { ExtraGroupVersion, ExtraResource } from '../extra-groups.js';
import { backendRequest, backendUrl, describeFailure, identityHeaders, passedHeaders, type FrontProxyCredentials } from './backend-request.js';

interface Entry {
  target: AggregatedApiTarget;
  /** From the last successful discovery check; undefined until there was one. */
  resources?: ExtraResource[];
}

export interface AggregatedApisDeps {
  /**
   * The front-proxy client certificate. A promise: making it must not hold start-up; nothing is
   * published (so nothing proxied) before the availability controller, which starts later, runs.
   */
  credentials: Promise<FrontProxyCredentials>;
  /** Group-versions this server serves itself are never handed to another server. */
  servesLocally(group: string, version: string): boolean;
  /** Changes when what this server serves itself does (CRDs). */
  generation?(): number;
}

const probeTimeoutMs = 5_000;
// The identity the discovery check is made as, so that the backend's authorizer never refuses it.
const checker = { username: 'system:kube-aggregator', groups: ['system:masters'] };

export class AggregatedApis implements AggregationBackend {
  private readonly entries = new Map<string, Entry>();
  private readonly discovered = new Map<string, ExtraResource[]>();
  private readonly openApiV3 = new Map<string, string>();
  private readonly unreachable: ((name: string) => void)[] = [];
  private changes = 0;
  private listed: { key: string; list: readonly ExtraGroupVersion[] } | undefined;
  private credentials: FrontProxyCredentials | undefined;

  constructor(private readonly deps: AggregatedApisDeps) {
    void deps.credentials.then(
      (c) => (this.credentials = c),
      () => {},
    );
  }

  async probe(target: AggregatedApiTarget): Promise<string | undefined> {
    const path = target.group === '' ? `/api/${target.version}` : `/apis/${target.group}/${target.version}`;
    const url = backendUrl(target, path);
    const answer = await this.get(target, path);
    if ('timedOut' in answer) return `timed out waiting for ${url}`;
    if ('error' in answer) return `failing or missing response from ${url}: Get "${url}": ${answer.error}`;
    if (answer.code < 200 || answer.code >= 300) return `failing or missing response from ${url}: bad status from ${url}: ${answer.code}`;
    this.discovered.set(target.name, resourcesOf(answer.body));
    // Where the backend keeps its OpenAPI v3 document of the group-version (its root names it,
    // with the hash that makes it cacheable), for this server's /openapi/v3 to point at.
    const root = await this.get(target, '/openapi/v3');
    const listed = 'body' in root && root.code === 200 ? openApiV3Url(root.body, `apis/${target.group}/${target.version}`) : undefined;
    if (listed) this.openApiV3.set(target.name, listed);
    else this.openApiV3.delete(target.name);
    return undefined;
  }

  /** One GET to the backend as the aggregator itself. */
  private async get(target: AggregatedApiTarget, path: string): Promise<{ code: number; body: string } | { error: string } | { timedOut: true }> {
    const credentials = await this.deps.credentials;
    return new Promise((resolve) => {
      const req = backendRequest(target, credentials, {
        method: 'GET',
        path,
        headers: { accept: 'application/json', 'user-agent': 'kube-aggregator', ...identityHeaders(checker) },
        timeoutMs: probeTimeoutMs,
      });
      let timedOut = false;
      req.on('timeout', () => {
        timedOut = true;
        req.destroy();
      });
      req.on('error', (err) => resolve(timedOut ? { timedOut: true } : { error: describeFailure(err, target) }));
      req.on('response', (answer) => {
        const chunks: Buffer[] = [];
        answer.on('data', (c: Buffer) => chunks.push(c));
        answer.on('error', (err) => resolve({ error: describeFailure(err, target) }));
        answer.on('end', () => resolve({ code: answer.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      });
      req.end();
    });
  }

  /** The OpenAPI v3 root entries ("apis/<group>/<version>") of the available remote group-versions. */
  openApiV3Paths(): Record<string, { serverRelativeURL: string }> {
    const out: Record<string, { serverRelativeURL: string }> = {};
    for (const api of this.discoverable()) {
      if (api.stale) continue;
      const url = this.openApiV3.get(apiServiceName(api.group, api.version));
      if (url) out[`apis/${api.group}/${api.version}`] = { serverRelativeURL: url };
    }
    return out;
  }

  publish(target: AggregatedApiTarget): void {
    const previous = this.entries.get(target.name);
    const resources = this.discovered.get(target.name) ?? previous?.resources;
    this.entries.set(target.name, { target, resources });
    if (!previous || previous.target.available !== target.available || JSON.stringify(previous.resources) !== JSON.stringify(resources)) this.changes++;
  }

  withdraw(name: string): void {
    this.discovered.delete(name);
    this.openApiV3.delete(name);
    if (this.entries.delete(name)) this.changes++;
  }

  onUnreachable(fn: (name: string) => void): void {
    this.unreachable.push(fn);
  }

  /** Changes whenever discovery would list something else. */
  generation(): number {
    return this.changes;
  }

  /** The remote group-versions discovery lists: those whose resources are known. */
  discoverable(): readonly ExtraGroupVersion[] {
    // Built once per change (and per change of the catalogue, which can take a group over).
    const key = `${this.changes}/${this.deps.generation?.() ?? 0}`;
    if (this.listed?.key === key) return this.listed.list;
    const out: ExtraGroupVersion[] = [];
    const sorted = [...this.entries.values()].sort(
      (a, b) => b.target.groupPriorityMinimum - a.target.groupPriorityMinimum || a.target.group.localeCompare(b.target.group) || b.target.versionPriority - a.target.versionPriority,
    );
    for (const entry of sorted) {
      const { group, version } = entry.target;
      // An unavailable group-version stays listed (Stale in aggregated discovery) with what its
      // server last reported, as kube-aggregator keeps it; its /apis/<group>/<version> is a 503.
      if (!entry.resources || this.deps.servesLocally(group, version)) continue;
      out.push({ group, version, resources: entry.resources, stale: !entry.target.available, handle: (req, res) => this.proxy(req, res, entry.target.name) });
    }
    this.listed = { key, list: out };
    return out;
  }

  /** The APIService a request for /apis/<group>/<version>[/…] belongs to, when another server serves it. */
  servedRemotely(group: string, version: string): string | undefined {
    // Every request asks: with no remote APIService (the usual case) the answer costs nothing.
    if (this.entries.size === 0) return undefined;
    const name = `${version}.${group}`;
    if (!this.entries.has(name) || this.deps.servesLocally(group, version)) return undefined;
    return name;
  }

  /** Passes the request on to the APIService's backend, or refuses it as kube-aggregator does. */
  proxy(req: IncomingMessage, res: ServerResponse, name: string): Promise<void> {
    const entry = this.entries.get(name);
    const target = entry?.target;
    if (!target?.available || !target.endpoint || !this.credentials) {
      plainError(res, 503, 'service unavailable');
      return Promise.resolve();
    }
    if (req.headers.upgrade) return Promise.reject(badRequest('kubemu does not pass protocol upgrades (exec, attach, port-forward) on to aggregated API servers'));
    return new Promise((resolve) => {
      const upstream = backendRequest(target, this.credentials!, {
        method: req.method ?? 'GET',
        path: req.url ?? '/',
        headers: { ...passedHeaders(req.headers), ...identityHeaders(requestUser(req)) },
      });
      upstream.on('response', (answer) => {
        res.statusCode = answer.statusCode ?? 502;
        for (const [header, value] of Object.entries(answer.headers)) {
          if (value != null && !['connection', 'keep-alive', 'transfer-encoding'].includes(header)) res.setHeader(header, value);
        }
        // Watch events go out as they come in.
        res.flushHeaders();
        answer.pipe(res);
        answer.on('error', () => res.destroy());
        answer.on('end', resolve);
      });
      upstream.on('error', (err) => {
        for (const fn of this.unreachable) fn(name);
        if (res.headersSent) res.destroy();
        else plainError(res, 503, `error trying to reach service: ${describeFailure(err, target)}`);
        resolve();
      });
      // The client leaving ends the backend's request too (a watch would otherwise run on).
      res.on('close', () => {
        if (!res.writableFinished) upstream.destroy();
        resolve();
      });
      req.pipe(upstream);
    });
  }
}

/** Go's http.Error: what kube-aggregator answers with when it cannot proxy. */
function plainError(res: ServerResponse, code: number, message: string): void {
  res.statusCode = code;
  res.setHeader('Content-Type', 'text/plain; charset=utf-8');
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.end(`${message}\n`);
}

function apiServiceName(group: string, version: string): string {
  return `${version}.${group}`;
}

/** The serverRelativeURL a backend's /openapi/v3 root gives `path`, if it lists it. */
function openApiV3Url(body: string, path: string): string | undefined {
  try {
    const url = (JSON.parse(body) as { paths?: Record<string, { serverRelativeURL?: string }> }).paths?.[path]?.serverRelativeURL;
    return typeof url === 'string' && url.startsWith(`/openapi/v3/${path}`) ? url : undefined;
  } catch {
    return undefined;
  }
}

/** A backend's APIResourceList as discovery entries (subresources are not listed on their own). */
function resourcesOf(body: string): ExtraResource[] {
  let list: { resources?: { name?: string; singularName?: string; kind?: string; namespaced?: boolean; verbs?: string[]; shortNames?: string[]; categories?: string[] }[] };
  try {
    list = JSON.parse(body) as typeof list;
  } catch {
    return [];
  }
  return (list.resources ?? [])
    .filter((r) => r.name && !r.name.includes('/') && r.kind)
    .map((r) => ({
      resource: r.name!,
      singular: r.singularName ?? '',
      kind: r.kind!,
      namespaced: r.namespaced === true,
      verbs: r.verbs ?? [],
      shortNames: r.shortNames,
      categories: r.categories,
    }));
}
