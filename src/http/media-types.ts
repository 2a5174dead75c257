// Media types: parsing Content-Type and Accept headers, and choosing the response encoding.
import { notAcceptable } from '../apierrors/index.js';

export interface MediaType {
  type: string; // "application/json"
  params: Record<string, string>;
  q: number;
}

export function parseMediaType(value: string): MediaType {
  const [head, ...rest] = value.split(';');
  const params: Record<string, string> = {};
  let q = 1;
  for (const p of rest) {
    const eq = p.indexOf('=');
    if (eq < 0) continue;
    const k = p.slice(0, eq).trim().toLowerCase();
    const v = p.slice(eq + 1).trim().replace(/^"(.*)"$/, '$1');
    if (k === 'q') q = Number(v) || 0;
    else params[k] = v;
  }
  return { type: head.trim().toLowerCase(), params, q };
}

export function parseAccept(header: string | undefined): MediaType[] {
  if (!header) return [{ type: '*/*', params: {}, q: 1 }];
  return header
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map(parseMediaType)
    .filter((m) => m.q > 0);
}

export const jsonType = 'application/json';
export const yamlType = 'application/yaml';
export const protobufType = 'application/vnd.kubernetes.protobuf';

/** What a response body should be: plain object encodings, or one of the meta.k8s.io transforms. */
export interface OutputFormat {
  encoding: 'json' | 'yaml' | 'protobuf';
  /** as=Table, as=PartialObjectMetadata(List). */
  as?: 'Table' | 'PartialObjectMetadata' | 'PartialObjectMetadataList';
  /** The version of the transform (v1 or v1beta1). */
  asVersion?: string;
}

const encodingOf = (type: string): OutputFormat['encoding'] | undefined =>
  type === jsonType ? 'json' : type === yamlType ? 'yaml' : type === protobufType ? 'protobuf' : undefined;

export interface NegotiateOptions {
  /** Transforms this endpoint can serve (object and list endpoints: Table and metadata). */
  transforms: boolean;
  /** The resource's kinds can be encoded as protobuf (asked only when it matters). */
  protobuf: boolean | (() => boolean);
  /** YAML is offered (not for watch). */
  yaml: boolean;
}

/**
 * Picks the response format from an Accept header: the first acceptable entry in the client's
 * order, except that a plain protobuf entry is chosen only when the client accepts nothing else
 * (JSON is what every client reads; kube-apiserver would take the protobuf). A protobuf
 * PartialObjectMetadata(List), what client-go's metadata client asks for first, is answered in
 * protobuf as kube-apiserver answers it. A Table, which kube-apiserver has no protobuf form of
 * either, and a v1beta1 metadata transform (whose list message kubemu does not carry) are
 * answered in JSON.
 */
export function negotiateOutput(accept: string | undefined, opts: NegotiateOptions): OutputFormat {
  const offered = parseAccept(accept);
  let protobufOnly = false;
  const canProtobuf = () => (typeof opts.protobuf === 'function' ? opts.protobuf() : opts.protobuf);
  for (const m of offered) {
    if (m.params.as) {
      if (!opts.transforms) continue;
      if (m.params.g !== 'meta.k8s.io' || (m.params.v !== 'v1' && m.params.v !== 'v1beta1')) continue;
      const as = m.params.as;
      if (as !== 'Table' && as !== 'PartialObjectMetadata' && as !== 'PartialObjectMetadataList') continue;
      const encoding = encodingOf(m.type);
      if (!encoding || (encoding === 'yaml' && !opts.yaml)) continue;
      if (encoding === 'protobuf' && as !== 'Table' && m.params.v === 'v1' && canProtobuf()) return { encoding, as, asVersion: m.params.v };
      return { encoding: encoding === 'protobuf' ? 'json' : encoding, as, asVersion: m.params.v };
    }
    if (m.type === '*/*' || m.type === 'application/*' || m.type === jsonType) return { encoding: 'json' };
    if (m.type === yamlType && opts.yaml) return { encoding: 'yaml' };
    if (m.type === protobufType && canProtobuf()) protobufOnly = true;
  }
  if (protobufOnly) return { encoding: 'protobuf' };
  throw notAcceptable([jsonType, yamlType, protobufType]);
}

/** Content-Type → how to read a request body. */
export type BodyEncoding = 'json' | 'yaml' | 'protobuf';

export function bodyEncodingOf(contentType: string | undefined): BodyEncoding | undefined {
  if (!contentType) return 'json';
  const type = parseMediaType(contentType).type;
  if (type === jsonType || type === '*/*') return 'json';
  if (type === yamlType || type === 'application/x-yaml' || type === 'text/yaml') return 'yaml';
  if (type === protobufType) return 'protobuf';
  return undefined;
}
