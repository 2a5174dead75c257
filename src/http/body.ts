// Request bodies: read with a size limit, decoded by Content-Type. JSON and YAML report
// duplicate fields (for fieldValidation); protobuf bodies go through the Kubernetes codec.
import type { IncomingMessage } from 'node:http';
import { badRequest, requestEntityTooLarge, unsupportedMediaType, ApiError } from '../apierrors/index.js';
import { lazyModule } from '../machinery/lazy-module.js';
import { findDuplicateJsonFields } from '../schema/validation/duplicate-fields.js';
import type { ProtobufCodec } from '../schema/protobuf/index.js';
import { bodyEncodingOf, jsonType, protobufType, yamlType } from './media-types.js';
import { noteRequestBody } from './audit/index.js';
import { maxBodyDepth, nestsDeeperThan, valueDepth } from './nesting-depth.js';

/** kube-apiserver's limit for a request body. */
export const maxBodyBytes = 3 * 1024 * 1024;

export function readBody(req: IncomingMessage, limit = maxBodyBytes): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? NaN);
  if (declared > limit) {
    req.resume();
    return Promise.reject(requestEntityTooLarge(limit));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let failed = false;
    req.on('data', (chunk: Buffer) => {
      if (failed) return;
      size += chunk.length;
      if (size > limit) {
        failed = true;
        reject(requestEntityTooLarge(limit));
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (failed) return;
      const body = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
      noteRequestBody(req, body);
      resolve(body);
    });
    req.on('error', (err) => {
      if (!failed) reject(err);
    });
  });
}

export interface DecodedBody {
  value: unknown;
  duplicateFields: string[];
  /** YAML bodies: go-yaml's own duplicate-key lines, which the real server reports instead of field paths. */
  yamlDuplicateKeyErrors?: string[];
}

export const objectBodyTypes = [jsonType, yamlType, protobufType];

// The YAML parser is only needed for YAML bodies (kubectl sends JSON): loaded on first use.
const yamlParser = lazyModule(() => import('../schema/validation/yaml-strict.js'));

/** Decodes a create/update body. */
export async function decodeObjectBody(raw: Buffer, contentType: string | undefined, protobuf: () => ProtobufCodec): Promise<DecodedBody> {
  const encoding = bodyEncodingOf(contentType);
  if (!encoding) throw unsupportedMediaType(contentType ?? '', objectBodyTypes);
  if (raw.length === 0) throw badRequest('the body of the request was empty');
  if (encoding === 'protobuf') {
    try {
      return { value: protobuf().decode(raw), duplicateFields: [] };
    } catch (err) {
      if (err instanceof ApiError) throw err;
      throw badRequest(`the body of the request could not be decoded as protobuf: ${(err as Error).message}`);
    }
  }
  const text = raw.toString('utf8');
  if (encoding === 'yaml' || !looksLikeJson(text)) return decodeYaml(text);
  return decodeJson(text);
}

function looksLikeJson(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) continue;
    return c === 0x7b || c === 0x5b; // { or [
  }
  return false;
}

function tooDeep(): ApiError {
  return badRequest(`the request body is nested more than ${maxBodyDepth} levels deep, which kubemu does not accept (kube-apiserver's JSON decoder stops at 10000)`);
}

export function decodeJson(text: string): DecodedBody {
  if (nestsDeeperThan(text)) throw tooDeep();
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw badRequest(`couldn't get version/kind; json parse error: ${(err as Error).message}`);
  }
  // JSON.parse reads 1e400 as Infinity, which would be stored as null; Go's decoder refuses a
  // number no float64 holds. Only a text with such an exponent or digit run needs the walk.
  if (/\d[eE]\+?\d{3}|\d{309}/.test(text)) {
    const huge = nonFiniteNumber(value, text);
    if (huge) throw badRequest(`couldn't get version/kind; json parse error: json: cannot unmarshal number ${huge} into Go value of type float64`);
  }
  return { value, duplicateFields: findDuplicateJsonFields(text) };
}

/** A number JSON.parse turned into ±Infinity, as the text wrote it; undefined when there is none. */
function nonFiniteNumber(value: unknown, text: string): string | undefined {
  const stack: unknown[] = [value];
  let found = false;
  while (stack.length && !found) {
    const v = stack.pop();
    if (typeof v === 'number' && !Number.isFinite(v)) found = true;
    else if (typeof v === 'object' && v !== null) for (const child of Array.isArray(v) ? v : Object.values(v)) stack.push(child);
  }
  if (!found) return undefined;
  for (const m of text.matchAll(/-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/g)) if (!Number.isFinite(Number(m[0]))) return m[0];
  return 'Inf';
}

export async function decodeYaml(text: string): Promise<DecodedBody> {
  // Flow collections nest by brackets; block ones by indentation, which a 3 MiB body bounds.
  if (nestsDeeperThan(text)) throw tooDeep();
  const { parseYamlStrict } = await yamlParser.load();
  let decoded: ReturnType<typeof parseYamlStrict>;
  try {
    decoded = parseYamlStrict(text);
  } catch (err) {
    throw badRequest(`error converting YAML to JSON: ${(err as Error).message}`);
  }
  if (valueDepth(decoded.value) > maxBodyDepth) throw tooDeep();
  return { value: decoded.value, duplicateFields: decoded.duplicateFields, yamlDuplicateKeyErrors: decoded.duplicateKeyErrors };
}
