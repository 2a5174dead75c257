// /openapi/v2 (JSON, or protobuf for the kubectl versions that ask for it) and /openapi/v3
// (a root listing one hashed URL per group-version, and the documents themselves, cacheable
// forever under their hash as kube-apiserver serves them).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { resourceNotFound } from '../apierrors/index.js';
import type { OpenApiDocuments } from '../schema/openapi-documents.js';

import { parseAccept } from './media-types.js';
import { sendJsonText } from './responses.js';

// The form kube-openapi answers with: Go's mime parser rejects the '@' clients put in Accept.
const v2ProtobufType = 'application/com.github.proto-openapi.spec.v2.v1.0+protobuf';

const protobufDocs = new WeakMap<OpenApiDocuments, { body: Uint8Array; etag: string }>();

function wantsV2Protobuf(accept: string | undefined): boolean {
  for (const m of parseAccept(accept)) {
    if (m.type.startsWith('application/com.github.proto-openapi.spec.v2')) return true;
    if (m.type === 'application/json' || m.type === '*/*') return false;
  }
  return false;
}

function notModified(req: IncomingMessage, res: ServerResponse, etag: string): boolean {
  res.setHeader('ETag', etag);
  if (req.headers['if-none-match'] === etag) {
    res.statusCode = 304;
    res.end();
    return true;
  }
  return false;
}

export async function serveOpenApi(
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
  query: URLSearchParams,
  docs: OpenApiDocuments,
  /** Root entries of group-versions other servers serve (aggregated APIServices), which they answer themselves. */
  remoteV3Paths?: () => Record<string, { serverRelativeURL: string }>,
): Promise<void> {
  if (path === '/openapi/v2' || path === '/swagger-2.0.0.pb-v1') {
    const json = docs.v2Json();
    if (path === '/swagger-2.0.0.pb-v1' || wantsV2Protobuf(req.headers.accept)) {
      let proto = protobufDocs.get(docs);
      // A CRD change makes a new JSON document (and etag): the protobuf one follows it.
      if (!proto || proto.etag !== json.etag) {
        // Only kubectl 1.27/1.28 ask for this: the encoder (and protobufjs) load on first use.
        const { encodeOpenApiV2Document } = await import('../schema/protobuf/openapi-v2-document.js');
        proto = { body: encodeOpenApiV2Document(docs.v2Document() as unknown as Record<string, unknown>), etag: json.etag };
        protobufDocs.set(docs, proto);
      }
      if (notModified(req, res, proto.etag)) return;
      res.statusCode = 200;
      res.setHeader('Content-Type', v2ProtobufType);
      res.setHeader('Content-Length', proto.body.byteLength);
      res.end(proto.body);
      return;
    }
    if (notModified(req, res, json.etag)) return;
    return sendJsonText(res, 200, json.json);
  }
  if (path === '/openapi/v3') {
    res.setHeader('Cache-Control', 'no-cache, private');
    const remote = remoteV3Paths?.() ?? {};
    if (Object.keys(remote).length === 0) return sendJsonText(res, 200, docs.v3Root());
    const root = JSON.parse(docs.v3Root()) as { paths: Record<string, unknown> };
    return sendJsonText(res, 200, JSON.stringify({ paths: { ...root.paths, ...remote } }));
  }
  const gv = path.slice('/openapi/v3/'.length);
  const doc = docs.v3Document(gv);
  if (!doc) throw resourceNotFound();
  const hash = query.get('hash');
  const current = docs.v3Hash(gv);
  if (hash && hash !== current) {
    res.statusCode = 301;
    res.setHeader('Location', `/openapi/v3/${gv}?hash=${current}`);
    res.setHeader('Cache-Control', 'no-cache, private');
    res.end();
    return;
  }
  if (hash) {
    res.setHeader('Cache-Control', 'public, immutable');
    res.setHeader('Expires', new Date(Date.now() + 365 * 24 * 3600 * 1000).toUTCString());
  } else {
    res.setHeader('Cache-Control', 'no-cache, private');
  }
  if (notModified(req, res, doc.etag)) return;
  sendJsonText(res, 200, doc.json);
}

