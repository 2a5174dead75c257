// The Kubernetes OpenAPI v2 document, read once per server from where locateSpec() finds it.
import { readFileSync } from 'node:fs';
import { locateSpec } from './spec-files.js';

export interface SwaggerOperation {
  operationId?: string;
  description?: string;
  parameters?: unknown[];
  consumes?: string[];
  produces?: string[];
  responses?: Record<string, unknown>;
  'x-kubernetes-action'?: string;
  'x-kubernetes-group-version-kind'?: { group: string; version: string; kind: string };
  [extra: string]: unknown;
}

export type SwaggerPathItem = { parameters?: unknown[] } & Partial<
  Record<'get' | 'put' | 'post' | 'delete' | 'patch' | 'head' | 'options', SwaggerOperation>
>;

export interface SwaggerSchema {
  type?: string;
  format?: string;
  description?: string;
  properties?: Record<string, SwaggerSchema>;
  additionalProperties?: SwaggerSchema | boolean;
  items?: SwaggerSchema;
  required?: string[];
  $ref?: string;
  [extension: string]: unknown;
}

export interface SwaggerDocument {
  swagger: string;
  info: Record<string, unknown>;
  paths: Record<string, SwaggerPathItem>;
  definitions: Record<string, SwaggerSchema>;
  parameters?: Record<string, unknown>;
  security?: unknown[];
  securityDefinitions?: Record<string, unknown>;
}

export interface LoadedSpec {
  path: string;
  /** The raw file text: served as-is where possible, and hashed for cache validation. */
  readonly text: string;
  readonly document: SwaggerDocument;
}

export function loadSpec(path = locateSpec()): LoadedSpec {
  const text = readFileSync(path, 'utf8');
  return { path, text, document: parseSpec(path, text) };
}

function parseSpec(path: string, text: string): SwaggerDocument {
  const document = JSON.parse(text) as SwaggerDocument;
  if (!document.paths || !document.definitions) throw new Error(`${path} is not an OpenAPI v2 document`);
  return document;
}

/**
 * The spec read and parsed on first use of `text` or `document`: ~50 ms (4 MB of JSON) that a
 * restart need not spend before it serves, when the catalogue comes from its cached digest.
 */
export function lazySpec(path: string): LoadedSpec {
  let text: string | undefined;
  let document: SwaggerDocument | undefined;
  return {
    path,
    get text() {
      return (text ??= readFileSync(path, 'utf8'));
    },
    get document() {
      return (document ??= parseSpec(path, this.text));
    },
  };
}

/** "#/definitions/io.k8s.api.core.v1.Pod" → "io.k8s.api.core.v1.Pod". */
export function refName(ref: string): string {
  return ref.startsWith('#/definitions/') ? ref.slice('#/definitions/'.length) : ref;
}
