// The part of the OpenAPI spec the kind catalogue is built from — each path's operations with their
// action, group-version-kind and response type, nothing else — kept in the data directory so that
// a restart builds the catalogue without reading and parsing the whole 4 MB spec (~50 ms, plus the
// catalogue's walk over every operation). The full spec is then read on first use (the first
// write, OpenAPI document or CRD). The cache is keyed by the spec file's path, size and
// modification time and by this file's format: a changed spec, or a kubemu that digests
// differently, just makes a new one.
import { readFileSync, statSync } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { lazySpec, loadSpec, type LoadedSpec, type SwaggerDocument, type SwaggerOperation, type SwaggerPathItem } from './openapi-spec.js';

/** Bump when catalogueDigest keeps something else. */
const FORMAT = 1;
const FILE = 'catalogue-digest.json';
const methods = ['get', 'put', 'post', 'delete', 'patch'] as const;

interface DigestFile {
  key: string;
  paths: SwaggerDocument['paths'];
}

export interface SpecAtStart {
  /** The whole spec: already parsed when there was no usable digest, else read on first use. */
  spec: LoadedSpec;
  /** What the Catalogue is built from: the digest, or the parsed spec itself. */
  catalogueSource: SwaggerDocument;
  /** True when the digest came from the cache (the spec is not parsed yet). */
  cached: boolean;
  /** Writes the digest for the next start when it was missing or stale (nothing to do otherwise). */
  saveDigest(): Promise<void>;
}

/** The operations of every path, cut down to what Catalogue reads. */
export function catalogueDigest(doc: SwaggerDocument): SwaggerDocument {
  const paths: Record<string, SwaggerPathItem> = {};
  for (const [path, item] of Object.entries(doc.paths)) {
    const kept: SwaggerPathItem = {};
    for (const method of methods) {
      const op = item[method];
      if (!op) continue;
      const digest: SwaggerOperation = {};
      if (op['x-kubernetes-action'] !== undefined) digest['x-kubernetes-action'] = op['x-kubernetes-action'];
      if (op['x-kubernetes-group-version-kind'] !== undefined) digest['x-kubernetes-group-version-kind'] = op['x-kubernetes-group-version-kind'];
      const responses = op.responses as Record<string, { schema?: { $ref?: string } }> | undefined;
      for (const code of ['200', '201']) {
        const ref = responses?.[code]?.schema?.$ref;
        if (ref !== undefined) (digest.responses ??= {})[code] = { schema: { $ref: ref } };
      }
      kept[method] = digest;
    }
    paths[path] = kept;
  }
  return { swagger: doc.swagger, info: {}, paths, definitions: {} };
}

function cacheKey(specPath: string): string {
  const stat = statSync(specPath);
  return JSON.stringify([FORMAT, specPath, stat.size, stat.mtimeMs]);
}

/** The spec at `specPath`, with the catalogue's source from the digest cached in `cacheDir` when it is current. */
export function openSpecForStart(specPath: string, cacheDir: string | undefined): SpecAtStart {
  const key = cacheDir === undefined ? undefined : cacheKey(specPath);
  if (cacheDir !== undefined) {
    try {
      const file = JSON.parse(readFileSync(join(cacheDir, FILE), 'utf8')) as DigestFile;
      if (file.key === key && file.paths) {
        return { spec: lazySpec(specPath), catalogueSource: { swagger: '2.0', info: {}, paths: file.paths, definitions: {} }, cached: true, saveDigest: async () => {} };
      }
    } catch {
      // No digest yet, or an unreadable one: made again below.
    }
  }
  const spec = loadSpec(specPath);
  return {
    spec,
    catalogueSource: spec.document,
    cached: false,
    saveDigest: async () => {
      if (cacheDir === undefined || key === undefined) return;
      await mkdir(cacheDir, { recursive: true });
      const body: DigestFile = { key, paths: catalogueDigest(spec.document).paths };
      // Written aside and renamed, so a concurrent start never reads half a file.
      const temporary = join(cacheDir, `${FILE}.${process.pid}.tmp`);
      try {
        await writeFile(temporary, JSON.stringify(body));
        await rename(temporary, join(cacheDir, FILE));
      } catch (err) {
        await rm(temporary, { force: true });
        throw err;
      }
    },
  };
}
