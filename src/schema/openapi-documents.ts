// The OpenAPI documents the server publishes, derived from the v2 spec: /openapi/v2 limited to the
// served group-versions, and one OpenAPI 3.0 document per group-version for /openapi/v3
// (#/definitions/ refs rewritten to #/components/schemas/, bodies as requestBody, parameter types
// wrapped in schemas), plus what every served custom resource version adds. Each is built on first
// request and kept until the served custom resources change (the catalogue's generation moves).
import { createHash } from 'node:crypto';
import type { Catalogue } from './catalogue.js';
import { customResourceOpenApi, type CustomResourceOpenApi } from './custom-resource-openapi.js';
import type { LoadedSpec, SwaggerDocument, SwaggerOperation, SwaggerSchema } from './openapi-spec.js';

export interface PublishedDocument {
  json: string;
  etag: string;
}

const httpMethods = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'] as const;

/** "api/v1" or "apis/apps/v1" for a path, when it belongs to a group-version. */
export function groupVersionOfPath(path: string): string | undefined {
  const parts = path.split('/').filter(Boolean);
  if (parts[0] === 'api' && parts[1]) return `api/${parts[1]}`;
  if (parts[0] === 'apis' && parts[1] && parts[2]) return `apis/${parts[1]}/${parts[2]}`;
  return undefined;
}

function gvServed(catalogue: Catalogue, gvPath: string): boolean {
  const parts = gvPath.split('/');
  return parts[0] === 'api' ? catalogue.servesGroupVersion('', parts[1]) : catalogue.servesGroupVersion(parts[1], parts[2]);
}

/** gvServed against a set of "group/version" names ("/v1" for the core group). */
function gvServedIn(served: ReadonlySet<string>, gvPath: string): boolean {
  const parts = gvPath.split('/');
  return served.has(parts[0] === 'api' ? `/${parts[1]}` : `${parts[1]}/${parts[2]}`);
}

export class OpenApiDocuments {
  private v2: PublishedDocument | undefined;
  private readonly v3 = new Map<string, PublishedDocument>();
  private specHashValue: string | undefined;
  private pathsByGvValue: Map<string, string[]> | undefined;
  /** The group-versions ("group/version") served when the server started: built-in paths of others are left out. */
  private readonly servedAtStart: ReadonlySet<string>;
  /** The catalogue generation the custom parts below were built at. */
  private customGeneration = -1;
  /** Custom resources' paths and definitions: all of them filtered for v2, and whole per group-version for v3. */
  private customV2: CustomResourceOpenApi = { paths: {}, definitions: {} };
  private customV3 = new Map<string, CustomResourceOpenApi & { hash: string }>();

  constructor(
    private readonly spec: LoadedSpec,
    private readonly catalogue: Catalogue,
    private readonly serverVersion: string,
  ) {
    // The spec itself is only read when a document or hash is first asked for: not at start-up.
    this.servedAtStart = new Set(catalogue.groups().flatMap((g) => g.versions.map((v) => `${g.group}/${v}`)));
  }

  private get specHash(): string {
    return (this.specHashValue ??= createHash('sha256').update(this.spec.text).update(this.serverVersion).digest('hex'));
  }

  private get pathsByGv(): Map<string, string[]> {
    if (this.pathsByGvValue) return this.pathsByGvValue;
    const byGv = new Map<string, string[]>();
    for (const path of Object.keys(this.spec.document.paths)) {
      const gv = groupVersionOfPath(path);
      if (!gv || !gvServedIn(this.servedAtStart, gv)) continue;
      const list = byGv.get(gv) ?? [];
      list.push(path);
      byGv.set(gv, list);
    }
    return (this.pathsByGvValue = byGv);
  }

  /** The served group-versions as /openapi/v3 names them ("api/v1", "apis/apps/v1"). */
  groupVersions(): string[] {
    this.refreshCustom();
    return [...new Set([...this.pathsByGv.keys(), ...this.customV3.keys()])];
  }

  /**
   * A stable hash per group-version document: changes only when the spec or kubemu's version does,
   * or, for a custom resource's group-version, when what its CRDs publish does.
   */
  v3Hash(gv: string): string {
    this.refreshCustom();
    const custom = this.customV3.get(gv);
    if (custom) return custom.hash;
    return createHash('sha512').update(this.specHash).update(gv).digest('hex').toUpperCase();
  }

  /** Rebuilds the custom resources' parts after a CRD changed what is served, dropping stale documents. */
  private refreshCustom(): void {
    const generation = this.catalogue.generation();
    if (generation === this.customGeneration) return;
    this.customGeneration = generation;
    const doc = this.spec.document;
    const v2: CustomResourceOpenApi = { paths: {}, definitions: {} };
    const v3 = new Map<string, CustomResourceOpenApi & { hash: string }>();
    const custom = this.catalogue
      .all()
      .filter((info) => info.custom)
      .sort((a, b) => a.qualified.localeCompare(b.qualified) || a.version.localeCompare(b.version));
    for (const info of custom) {
      const forV2 = customResourceOpenApi(info, doc, true);
      Object.assign(v2.paths, forV2.paths);
      Object.assign(v2.definitions, forV2.definitions);
      const gv = `apis/${info.group}/${info.version}`;
      const forV3 = customResourceOpenApi(info, doc, false);
      const entry = v3.get(gv) ?? { paths: {}, definitions: {}, hash: '' };
      Object.assign(entry.paths, forV3.paths);
      Object.assign(entry.definitions, forV3.definitions);
      v3.set(gv, entry);
    }
    for (const [gv, entry] of v3) {
      entry.hash = createHash('sha512').update(this.specHash).update(gv).update(JSON.stringify([entry.paths, entry.definitions])).digest('hex').toUpperCase();
    }
    for (const gv of [...this.customV3.keys(), ...v3.keys()]) this.v3.delete(gv);
    this.customV2 = v2;
    this.customV3 = v3;
    this.v2 = undefined;
  }

  v3Root(): string {
    const paths: Record<string, { serverRelativeURL: string }> = {};
    for (const gv of this.groupVersions()) paths[gv] = { serverRelativeURL: `/openapi/v3/${gv}?hash=${this.v3Hash(gv)}` };
    return JSON.stringify({ paths });
  }

  v2Document(): SwaggerDocument {
    this.refreshCustom();
    const doc = this.spec.document;
    const paths: SwaggerDocument['paths'] = {};
    for (const [path, item] of Object.entries(doc.paths)) {
      const gv = groupVersionOfPath(path);
      if (gv && !gvServed(this.catalogue, gv)) continue;
      paths[path] = item;
    }
    Object.assign(paths, this.customV2.paths);
    return { ...doc, paths, definitions: { ...doc.definitions, ...this.customV2.definitions } };
  }

  v2Json(): PublishedDocument {
    this.refreshCustom();
    if (!this.v2) {
      const json = JSON.stringify(this.v2Document());
      this.v2 = { json, etag: `"${createHash('sha512').update(json).digest('hex').toUpperCase()}"` };
    }
    return this.v2;
  }

  v3Document(gv: string): PublishedDocument | undefined {
    this.refreshCustom();
    const custom = this.customV3.get(gv);
    const builtIn = this.pathsByGv.get(gv);
    if (!builtIn && !custom) return undefined;
    let doc = this.v3.get(gv);
    if (!doc) {
      const spec = this.spec.document;
      const source = custom
        ? { paths: { ...spec.paths, ...custom.paths }, definitions: { ...spec.definitions, ...custom.definitions } }
        : { paths: spec.paths, definitions: spec.definitions };
      const pathNames = [...(builtIn ?? []), ...Object.keys(custom?.paths ?? {})];
      const json = JSON.stringify(this.buildV3(source, pathNames));
      doc = { json, etag: `"${this.v3Hash(gv)}"` };
      this.v3.set(gv, doc);
    }
    return doc;
  }

  private buildV3(v2: Pick<SwaggerDocument, 'paths' | 'definitions'>, pathNames: string[]): Record<string, unknown> {
    const refs = new Set<string>();
    const paths: Record<string, unknown> = {};
    for (const path of pathNames) {
      const item = v2.paths[path];
      const out: Record<string, unknown> = {};
      if (item.parameters) out.parameters = item.parameters.map((p) => this.convertParameter(p, refs)).filter(Boolean);
      for (const method of httpMethods) {
        const op = item[method];
        if (op) out[method] = this.convertOperation(op, refs);
      }
      paths[path] = out;
    }
    // Every definition reachable from the operations.
    const schemas: Record<string, unknown> = {};
    const queue = [...refs];
    while (queue.length) {
      const name = queue.pop()!;
      if (schemas[name]) continue;
      const def = v2.definitions[name];
      if (!def) continue;
      const found = new Set<string>();
      schemas[name] = rewriteRefs(def, found);
      for (const r of found) if (!schemas[r]) queue.push(r);
    }
    return {
      openapi: '3.0.0',
      info: { title: 'Kubernetes', version: this.serverVersion },
      paths,
      components: {
        schemas,
        securitySchemes: { BearerToken: { type: 'apiKey', description: 'Bearer Token authentication', name: 'authorization', in: 'header' } },
      },
    };
  }

  private resolveParameter(p: unknown): Record<string, unknown> | undefined {
    const param = p as { $ref?: string };
    if (param.$ref) {
      const name = param.$ref.replace('#/parameters/', '');
      return this.spec.document.parameters?.[name] as Record<string, unknown> | undefined;
    }
    return p as Record<string, unknown>;
  }

  private convertParameter(p: unknown, refs: Set<string>): Record<string, unknown> | undefined {
    const param = this.resolveParameter(p);
    if (!param || param.in === 'body') return undefined;
    const { type, uniqueItems, format, items, ...rest } = param as Record<string, unknown>;
    const schema: Record<string, unknown> = { type };
    if (uniqueItems !== undefined) schema.uniqueItems = uniqueItems;
    if (format !== undefined) schema.format = format;
    if (items !== undefined) schema.items = rewriteRefs(items as SwaggerSchema, refs);
    return { ...rest, schema };
  }

  private convertOperation(op: SwaggerOperation, refs: Set<string>): Record<string, unknown> {
    const { parameters, consumes, produces, responses, schemes: _schemes, ...rest } = op;
    const out: Record<string, unknown> = { ...rest };
    const params: Record<string, unknown>[] = [];
    for (const p of parameters ?? []) {
      const param = this.resolveParameter(p);
      if (!param) continue;
      if (param.in === 'body') {
        const schema = rewriteRefs(param.schema as SwaggerSchema, refs);
        const content: Record<string, unknown> = {};
        for (const type of consumes ?? ['*/*']) content[type] = { schema };
        out.requestBody = { content, required: param.required ?? false };
      } else {
        const converted = this.convertParameter(param, refs);
        if (converted) params.push(converted);
      }
    }
    if (params.length) out.parameters = params;
    const outResponses: Record<string, unknown> = {};
    for (const [code, response] of Object.entries((responses ?? {}) as Record<string, { description?: string; schema?: SwaggerSchema }>)) {
      const r: Record<string, unknown> = { description: response.description ?? '' };
      if (response.schema) {
        const schema = rewriteRefs(response.schema, refs);
        const content: Record<string, unknown> = {};
        for (const type of produces ?? ['application/json']) content[type] = { schema };
        r.content = content;
      }
      outResponses[code] = r;
    }
    out.responses = outResponses;
    return out;
  }
}

/** A deep copy with #/definitions/ refs pointed at #/components/schemas/, recording each name. */
function rewriteRefs(schema: SwaggerSchema, found: Set<string>): SwaggerSchema {
  const text = JSON.stringify(schema, (key, value: unknown) => {
    if (key === '$ref' && typeof value === 'string' && value.startsWith('#/definitions/')) {
      const name = value.slice('#/definitions/'.length);
      found.add(name);
      return `#/components/schemas/${name}`;
    }
    return value;
  });
  return JSON.parse(text) as SwaggerSchema;
}
