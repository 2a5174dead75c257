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
  credentials: FrontProxyCredentials;
  /** Group-versions this server serves itself are never handed to another server. */
  servesLocally(group: string, version: string): boolean;
}

const probeTimeoutMs = 5_000;
// The identity the discovery check is made as, so that the backend's authorizer never refuses it.
const checker = { username: 'system:kube-aggregator', groups: ['system:masters'] };

export class AggregatedApis implements AggregationBackend {
  private readonly entries = new Map<string, Entry>();
  private readonly discovered = new Map<string, ExtraResource[]>();
  private readonly unreachable: ((name: string) => void)[] = [];
  private changes = 0;

  constructor(private readonly deps: AggregatedApisDeps) {}

  probe(target: AggregatedApiTarget): Promise<string | undefined> {
    const path = target.group === '' ? `/api/${target.version}` : `/apis/${target.group}/${target.version}`;
    const url = backendUrl(target, path);
    const failed = (why: string) => `failing or missing response from ${url}: ${why}`;
    return new Promise((resolve) => {
      const req = backendRequest(target, this.deps.credentials, {
        method: 'GET',
        path,
        headers: { accept: 'application/json', 'user-agent': 'kube-aggregator', ...identityHeaders(checker) },
        timeoutMs: probeTimeoutMs,
      });
      req.on('timeout', () => req.destroy(Object.assign(new Error(`timed out waiting for ${url}`), { code: 'KUBEMU_TIMEOUT' })));
      req.on('error', (err) => resolve((err as NodeJS.ErrnoException).code === 'KUBEMU_TIMEOUT' ? err.message : failed(`Get "${url}": ${describeFailure(err, target)}`)));
      req.on('response', (answer) => {
        const chunks: Buffer[] = [];
        answer.on('data', (c: Buffer) => chunks.push(c));
        answer.on('error', (err) => resolve(failed(describeFailure(err, target))));
        answer.on('end', () => {
          const code = answer.statusCode ?? 0;
          if (code < 200 || code >= 300) return resolve(failed(`bad status from ${url}: ${code}`));
          this.discovered.set(target.name, resourcesOf(Buffer.concat(chunks).toString('utf8')));
          resolve(undefined);
        });
      });
      req.end();
    });
  }

  publish(target: AggregatedApiTarget): void {
    const previous = this.entries.get(target.name);
    const resources = this.discovered.get(target.name) ?? previous?.resources;
    this.entries.set(target.name, { target, resources });
    if (!previous || previous.target.available !== target.available || JSON.stringify(previous.resources) !== JSON.stringify(resources)) this.changes++;
  }

  withdraw(name: string): void {
    this.discovered.delete(name);
    if (this.entries.delete(name)) this.changes++;
  }

  onUnreachable(fn: (name: string) => void): void {
    this.unreachable.push(fn);
  }

  /** Changes whenever discovery would list something else. */
  generation(): number {
    return this.changes;
  }

  /** The remote group-versions discovery lists: the available ones whose resources are known. */
  discoverable(): ExtraGroupVersion[] {
    const out: ExtraGroupVersion[] = [];
    const sorted = [...this.entries.values()].sort(
      (a, b) => b.target.groupPriorityMinimum - a.target.groupPriorityMinimum || a.target.group.localeCompare(b.target.group) || b.target.versionPriority - a.target.versionPriority,
    );
    for (const entry of sorted) {
      const { group, version } = entry.target;
      if (!entry.target.available || !entry.resources || this.deps.servesLocally(group, version)) continue;
      out.push({ group, version, resources: entry.resources, handle: (req, res) => this.proxy(req, res, entry.target.name) });
    }
    return out;
  }

  /** The APIService a request for /apis/<group>/<version>[/…] belongs to, when another server serves it. */
  servedRemotely(group: string, version: string): string | undefined {
    if (this.deps.servesLocally(group, version)) return undefined;
    for (const [name, entry] of this.entries) if (entry.target.group === group && entry.target.version === version) return name;
    return undefined;
  }

  /** Passes the request on to the APIService's backend, or refuses it as kube-aggregator does. */
  proxy(req: IncomingMessage, res: ServerResponse, name: string): Promise<void> {
    const entry = this.entries.get(name);
    const target = entry?.target;
    if (!target?.available || !target.endpoint) {
      plainError(res, 503, 'service unavailable');
      return Promise.resolve();
    }
    if (req.headers.upgrade) return Promise.reject(badRequest('kubemu does not pass protocol upgrades (exec, attach, port-forward) on to aggregated API servers'));
    return new Promise((resolve) => {
      const upstream = backendRequest(target, this.deps.credentials, {
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
