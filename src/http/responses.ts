// Writing responses: objects, lists (streamed from cached JSON), Tables, Status errors, in the
// encoding the client negotiated.
import type { ServerResponse } from 'node:http';
import { lazyModule } from '../machinery/lazy-module.js';
import { ApiError, statusInGoOrder, statusJson, toStatus, type Status } from '../apierrors/index.js';
import { parseApiVersion, type KubeObject } from '../machinery/object.js';
import type { ObjectOut } from '../registry/object-out.js';
import type { ListResult, ResourceStore } from '../registry/store.js';
import type { ResourceInfo } from '../schema/catalogue.js';
import type { ProtobufCodec } from '../schema/protobuf/index.js';
import { jsonListBody, sendListBody } from './list-body.js';
import { jsonType, protobufType, yamlType, type OutputFormat } from './media-types.js';
import { buildTable, metadataListBody, printerFor, scalePrinter, partialObjectMetadata, partialObjectMetadataJson, tableListBody, type IncludeObject } from './table.js';
import { internalTypeName } from './internal-type-names.js';
import { goJsonEscape } from '../machinery/go-json-text.js';

// YAML output is for the few clients that ask for it: the library loads on their first request.
const yaml = lazyModule(() => import('yaml'));

/** Call (and await) before answering a request that may be answered in YAML. */
export function loadYamlOutput(): Promise<unknown> {
  return yaml.load();
}

export interface ResponseContext {
  format: OutputFormat;
  includeObject: IncludeObject;
  now: Date;
  protobuf: () => ProtobufCodec;
  warnings?: string[];
  pretty?: boolean;
  /** The request's Accept-Encoding: large lists are gzipped for a client that accepts it. */
  acceptEncoding?: string;
}

export function setWarnings(res: ServerResponse, warnings: string[] | undefined): void {
  if (!warnings?.length) return;
  // RFC 7234 warn-code 299 "Miscellaneous persistent warning", agent "-", as kube-apiserver sends;
  // added to those already set (a deprecated resource's warning comes first).
  const already = res.getHeader('Warning');
  const values = new Set(already === undefined ? [] : Array.isArray(already) ? already : [String(already)]);
  for (const w of warnings) values.add(`299 - ${JSON.stringify(w)}`);
  res.setHeader('Warning', [...values]);
}

function send(res: ServerResponse, status: number, contentType: string, body: string | Uint8Array): void {
  res.statusCode = status;
  res.setHeader('Content-Type', contentType);
  res.setHeader('Content-Length', typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength);
  res.end(body);
}

export function sendJsonText(res: ServerResponse, status: number, json: string, contentType = jsonType): void {
  send(res, status, contentType, json);
}

// Go's json.Encoder, which kube-apiserver writes API responses with, ends each value with a
// newline; ?pretty=true goes through json.MarshalIndent instead, which does not.

/** An API value's JSON text as a response body: compact with the encoder's newline, or indented without; escaped as Go escapes. */
function apiJson(value: unknown, pretty: boolean | undefined): string {
  return goJsonEscape(pretty ? JSON.stringify(value, null, 2) : `${JSON.stringify(value)}\n`);
}

/** An error as kube-apiserver writes it: its Status, with the HTTP code the Status carries. */
export function sendStatus(res: ServerResponse, err: unknown, pretty = false): Status {
  const status = toStatus(err);
  if (res.headersSent) {
    res.destroy();
    return status;
  }
  sendJsonText(res, status.code, pretty ? statusJson(status, 2) : `${statusJson(status)}\n`);
  return status;
}

/** A Success Status (a delete's, a binding's) in the negotiated encoding. */
export function sendSuccessStatus(res: ServerResponse, httpCode: number, status: Status, ctx: ResponseContext): void {
  if (ctx.format.encoding !== 'json') return sendValue(res, httpCode, statusInGoOrder(status), ctx);
  setWarnings(res, ctx.warnings);
  sendJsonText(res, httpCode, ctx.pretty ? statusJson(status, 2) : `${statusJson(status)}\n`);
}

/** One object (or Table / PartialObjectMetadata of it). */
export function sendObject(res: ServerResponse, status: number, info: ResourceInfo | undefined, out: ObjectOut, ctx: ResponseContext): void {
  setWarnings(res, ctx.warnings);
  const { format } = ctx;
  if (format.as === 'PartialObjectMetadataList') {
    const { group, kind } = info ?? groupAndKindOf(out.object);
    throw metadataFormRefused(`you requested PartialObjectMetadataList, but the requested object is not a list (${internalTypeName(group, kind, info?.custom !== undefined, false)})`);
  }
  if (format.as === 'Table') {
    // A status subresource prints as its resource does; the scale subresource as a Scale.
    const printer = info ? printerFor(info) : out.object.kind === 'Scale' ? scalePrinter() : undefined;
    if (printer) {
      return sendValue(res, status, buildTable(printer, [out.object], { includeObject: ctx.includeObject, now: ctx.now, withColumns: true, resourceVersion: undefined, asVersion: format.asVersion }), ctx);
    }
  }
  // The metadata and protobuf forms are written from the object's JSON bytes, without a parse.
  if (format.as === 'PartialObjectMetadata') {
    if (format.encoding === 'protobuf') return send(res, status, protobufType, ctx.protobuf().encodeStored({ as: 'PartialObjectMetadata', asVersion: format.asVersion ?? 'v1' }, out.raw));
    if (format.encoding === 'json' && !ctx.pretty) return send(res, status, jsonType, partialObjectMetadataJson(out.raw, format.asVersion, '\n'));
    return sendValue(res, status, partialObjectMetadata(out.object, format.asVersion), ctx);
  }
  if (format.encoding === 'protobuf') {
    // An object not of the resource's own kind (a subresource's) goes through the parse: encodeStored checks.
    const body = info ? ctx.protobuf().encodeStored({ as: 'object', apiVersion: info.apiVersion, kind: info.kind }, out.raw) : ctx.protobuf().encode(out.object as Record<string, unknown>);
    return send(res, status, protobufType, body);
  }
  if (format.encoding === 'yaml') return send(res, status, yamlType, yaml.get().stringify(out.object));
  if (ctx.pretty) return sendJsonText(res, status, goJsonEscape(JSON.stringify(out.object, null, 2)));
  send(res, status, jsonType, out.line);
}

/**
 * kube-apiserver negotiates either metadata form for any GET and refuses, once it has the answer,
 * the one that does not fit it: the list form of one object, the object form of a list (406).
 */
function metadataFormRefused(message: string): ApiError {
  return new ApiError(406, 'NotAcceptable', message);
}

function groupAndKindOf(obj: KubeObject): { group: string; kind: string } {
  return { group: parseApiVersion(String(obj.apiVersion ?? '')).group, kind: String(obj.kind ?? '') };
}

/** Any JSON value, in the negotiated encoding (JSON or YAML; protobuf for objects with a proto). */
export function sendValue(res: ServerResponse, status: number, value: unknown, ctx: ResponseContext): void {
  setWarnings(res, ctx.warnings);
  const { contentType, body } = encodeValue(value, ctx);
  send(res, status, contentType, body);
}

function encodeValue(value: unknown, ctx: ResponseContext): { contentType: string; body: string | Uint8Array } {
  if (ctx.format.encoding === 'yaml') return { contentType: yamlType, body: yaml.get().stringify(value) };
  if (ctx.format.encoding === 'protobuf' && ctx.protobuf().canEncode(String((value as KubeObject).apiVersion), String((value as KubeObject).kind))) {
    return { contentType: protobufType, body: ctx.protobuf().encode(value as Record<string, unknown>) };
  }
  return { contentType: jsonType, body: apiJson(value, ctx.pretty) };
}

/** A list built whole (protobuf, YAML, a Table, …): gzipped on the same terms as a streamed one. */
function sendWholeList(res: ServerResponse, value: unknown, ctx: ResponseContext): Promise<void> {
  setWarnings(res, ctx.warnings);
  const { contentType, body } = encodeValue(value, ctx);
  const bytes = typeof body === 'string' ? Buffer.from(body) : Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  return sendListBody(res, contentType, { pieces: [bytes], length: bytes.length }, ctx.acceptEncoding);
}

// kube-apiserver converts a typed list (a PodList) to the requested version as a whole, and the
// items' TypeMeta stays empty: their kind and apiVersion are not written (clients infer them
// from the list, as client-go's unstructured decoder says it must).
/** An object as an item of its typed list: without kind and apiVersion. */
export function listItem(obj: KubeObject): KubeObject {
  const { kind: _kind, apiVersion: _apiVersion, ...item } = obj;
  return item;
}

/**
 * A list. JSON is streamed from each object's cached bytes (see list-body.ts), and resolves once
 * sent; other encodings and forms are built whole.
 */
export function sendList(res: ServerResponse, info: ResourceInfo, store: ResourceStore, list: ListResult, ctx: ResponseContext): void | Promise<void> {
  setWarnings(res, ctx.warnings);
  const metadata: Record<string, unknown> = { resourceVersion: String(list.revision) };
  if (list.continueToken) metadata.continue = list.continueToken;
  if (list.remainingItemCount !== undefined) metadata.remainingItemCount = list.remainingItemCount;
  const { format } = ctx;

  const converts = store.convertsOnRead();
  const raws = (): Buffer[] => list.items.map((i) => (converts ? store.served(i).raw : i.raw));
  if (format.as === 'Table') {
    const tableOpts = {
      includeObject: ctx.includeObject,
      now: ctx.now,
      withColumns: true,
      resourceVersion: String(list.revision),
      continueToken: list.continueToken,
      remainingItemCount: list.remainingItemCount,
      asVersion: format.asVersion,
    };
    // A Table has no protobuf form: JSON, built from the items' bytes (see tableListBody).
    if ((format.encoding === 'json' || format.encoding === 'protobuf') && !ctx.pretty) {
      return sendListBody(res, jsonType, tableListBody(info, raws(), tableOpts), ctx.acceptEncoding);
    }
    const table = buildTable(
      printerFor(info),
      list.items.map((i) => store.served(i).object),
      tableOpts,
    );
    return sendWholeList(res, table, ctx);
  }
  if (format.as === 'PartialObjectMetadata') {
    throw metadataFormRefused(`you requested PartialObjectMetadata, but the requested object is a list (${internalTypeName(info.group, info.kind, info.custom !== undefined, true)})`);
  }
  if (format.as === 'PartialObjectMetadataList') {
    const v = format.asVersion ?? 'v1';
    // From the items' bytes: each item is (a transcoding of) a slice of them, their metadata.
    if (format.encoding === 'protobuf' && v === 'v1') return sendListBody(res, protobufType, ctx.protobuf().encodeMetadataList(metadata, raws()), ctx.acceptEncoding);
    if (format.encoding === 'json' && !ctx.pretty) return sendListBody(res, jsonType, metadataListBody(v, metadata, raws()), ctx.acceptEncoding);
    return sendWholeList(
      res,
      {
        kind: 'PartialObjectMetadataList',
        apiVersion: `meta.k8s.io/${v}`,
        metadata,
        items: list.items.map((i) => partialObjectMetadata(store.served(i).object, v)),
      },
      ctx,
    );
  }
  if (format.encoding === 'protobuf' && !ctx.pretty && ctx.protobuf().canEncode(info.apiVersion, info.listKind)) {
    // Straight from each item's JSON bytes to protobuf (no parse): see protobuf-from-json-bytes.ts.
    const body = ctx.protobuf().encodeList(info.apiVersion, info.listKind, metadata, raws());
    return sendListBody(res, protobufType, body, ctx.acceptEncoding);
  }
  if (format.encoding !== 'json' || ctx.pretty) {
    return sendWholeList(
      res,
      { kind: info.listKind, apiVersion: info.apiVersion, metadata, items: list.items.map((i) => listItem(store.served(i).object)) },
      ctx,
    );
  }
  const head = `{"kind":"${info.listKind}","apiVersion":"${info.apiVersion}","metadata":${JSON.stringify(metadata)},"items":[`;
  const typeMeta = Buffer.from(`{"kind":${JSON.stringify(info.kind)},"apiVersion":${JSON.stringify(info.apiVersion)},`);
  const body = jsonListBody(head, typeMeta, raws(), (raw) => Buffer.from(goJsonEscape(JSON.stringify(listItem(JSON.parse(raw.toString('utf8')) as KubeObject)))));
  return sendListBody(res, jsonType, body, ctx.acceptEncoding);
}
