// The interpreting decode walk: Go's JSON decoder replayed on a parsed body, keeping track of
// where it is so that every message reads as kube-apiserver's does. It runs only when the
// compiled fast path (fast-path.ts) gave up, so it favours clarity over speed.
import { field, type FieldError } from '../../apierrors/field-errors.js';
import { NodeKind, type SchemaNode } from './compile-schema.js';
import { compareSortedKeyPaths, DecodePath, type PathSegment } from './decode-path.js';
import { checkBase64 } from './go-base64.js';
import { goQuote } from './go-quote.js';
import { parseMicroTime, parseTime } from './go-time.js';
import { canonicalQuantity, quantityFormatError } from './quantity.js';
import type { CheckOptions } from './schema-checker.js';

const REMOVE: unique symbol = Symbol('remove');

// The strict decoder stops collecting after this many messages.
const maxStrictErrors = 100;
const int32Min = -2147483648;
const int32Max = 2147483647;
const int64Bound = 9223372036854775808;

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function hasNoKeys(o: Record<string, unknown>): boolean {
  for (const _ in o) return false;
  return true;
}

/** How encoding/json names a JSON value in "cannot unmarshal <it> into …". */
function describe(v: unknown, withNumber: boolean): string {
  switch (typeof v) {
    case 'string':
      return 'string';
    case 'boolean':
      return 'bool';
    case 'number':
      return withNumber ? `number ${String(v)}` : 'number';
    default:
      return Array.isArray(v) ? 'array' : 'object';
  }
}

function isInt32(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v >= int32Min && v <= int32Max;
}

/**
 * One walk's state. It may see the fast path's partial normalization, which is idempotent.
 * A checker reuses one instance: check() runs to completion synchronously.
 */
export class DecodeWalk {
  private readonly path = new DecodePath();
  private dropUnknown = true;
  private reportStrict = true;
  private sortStrict = false;
  private duplicates: Set<string> | undefined;
  private strict: string[] = [];
  private strictPaths: PathSegment[][] = [];
  private strictSeen: Set<string> | undefined;
  /** The error of a type's own UnmarshalJSON, which ends Go's decode. */
  fatal: string | undefined;
  /** Type mismatches, in document order; Go reports the first. */
  saved: string[] = [];
  required: FieldError[] = [];

  begin(opts: CheckOptions): void {
    this.path.reset();
    this.dropUnknown = opts.mode !== 'Strict';
    this.reportStrict = opts.mode !== 'Ignore';
    this.sortStrict = opts.yamlDuplicateKeyErrors !== undefined;
    const dups = this.reportStrict && !this.sortStrict ? opts.duplicateFields : undefined;
    this.duplicates = dups && dups.length > 0 ? new Set(dups) : undefined;
    this.fatal = undefined;
    this.saved = [];
    this.strict = [];
    this.strictPaths = [];
    this.strictSeen = undefined;
    this.required = [];
  }

  private addStrict(message: string, key: string): void {
    if (this.strict.length >= maxStrictErrors) return;
    const seen = (this.strictSeen ??= new Set());
    if (seen.has(message)) return;
    seen.add(message);
    this.strict.push(message);
    if (this.sortStrict) this.strictPaths.push(this.path.snapshotWith(key));
  }

  private duplicateCheck(key: string): void {
    const p = this.path.strictChild(key);
    if (this.duplicates!.has(p)) this.addStrict(`duplicate field ${goQuote(p)}`, key);
  }

  /** A type mismatch Go records and keeps decoding past; the first one is reported. */
  private typeError(v: unknown, goType: string, withNumber: boolean): void {
    this.saved.push(`json: cannot unmarshal ${describe(v, withNumber)} into ${this.path.goContext()} of type ${goType}`);
  }

  /** An error from a type's own UnmarshalJSON: Go aborts the whole decode with it. */
  private abort(message: string): void {
    this.fatal ??= message;
  }

  struct(node: SchemaNode, obj: Record<string, unknown>): void {
    const fields = node.fields;
    for (const key in obj) {
      if (this.fatal !== undefined) return;
      const info = fields.get(key);
      if (info === undefined) {
        if (node.preserveUnknown) continue;
        if (this.reportStrict) this.addStrict(`unknown field ${goQuote(this.path.strictChild(key))}`, key);
        if (this.dropUnknown) delete obj[key];
        continue;
      }
      if (this.duplicates !== undefined) this.duplicateCheck(key);
      const v = obj[key];
      if (v === null) {
        delete obj[key];
        continue;
      }
      this.path.pushField(key, node.goName);
      const out = this.value(info.node, v);
      this.path.pop();
      if (out === REMOVE) {
        delete obj[key];
        continue;
      }
      if (out !== v) obj[key] = out;
      if (info.omitEmpty && isEmptyCollection(info.node.kind, out)) delete obj[key];
    }
    if (this.fatal !== undefined) return;
    for (const name of node.required) {
      if (obj[name] === undefined) this.required.push(field.required(this.path.fieldPath(name)));
    }
  }

  private map(node: SchemaNode, obj: Record<string, unknown>): void {
    const elem = node.elem!;
    for (const key in obj) {
      if (this.fatal !== undefined) return;
      if (this.duplicates !== undefined) this.duplicateCheck(key);
      const v = obj[key];
      this.path.pushKey(key);
      const out = v === null ? this.zero(elem) : this.value(elem, v);
      this.path.pop();
      if (out !== v) obj[key] = out === REMOVE ? null : out;
    }
  }

  private array(node: SchemaNode, arr: unknown[]): void {
    const elem = node.elem!;
    for (let i = 0; i < arr.length; i++) {
      if (this.fatal !== undefined) return;
      const v = arr[i];
      this.path.pushIndex(i);
      const out = v === null ? this.zero(elem) : this.value(elem, v);
      this.path.pop();
      if (out !== v) arr[i] = out === REMOVE ? null : out;
    }
  }

  /** What Go stores for a JSON null inside a map or list: the element type's zero value. */
  private zero(node: SchemaNode): unknown {
    switch (node.kind) {
      case NodeKind.String:
        return '';
      case NodeKind.Bool:
        return false;
      case NodeKind.Int32:
      case NodeKind.Int64:
      case NodeKind.Float:
      case NodeKind.IntOrString:
        return 0;
      case NodeKind.Quantity:
        return '0';
      case NodeKind.Struct: {
        const o: Record<string, unknown> = {};
        this.struct(node, o);
        return o;
      }
      default:
        return null;
    }
  }

  private value(node: SchemaNode, v: unknown): unknown {
    switch (node.kind) {
      case NodeKind.Struct:
        if (isPlainObject(v)) this.struct(node, v);
        else this.typeError(v, node.goType, false);
        return v;
      case NodeKind.Map:
        if (isPlainObject(v)) this.map(node, v);
        else this.typeError(v, node.goType, false);
        return v;
      case NodeKind.Array:
        if (Array.isArray(v)) this.array(node, v);
        else this.typeError(v, node.goType, false);
        return v;
      case NodeKind.String:
        if (typeof v !== 'string') this.typeError(v, 'string', false);
        return v;
      case NodeKind.Bool:
        if (typeof v !== 'boolean') this.typeError(v, 'bool', false);
        return v;
      case NodeKind.Int32:
        if (!isInt32(v)) this.typeError(v, 'int32', true);
        return v;
      case NodeKind.Int64:
        if (typeof v !== 'number' || !Number.isInteger(v) || v >= int64Bound || v < -int64Bound) this.typeError(v, 'int64', true);
        return v;
      case NodeKind.Float:
        if (typeof v !== 'number') this.typeError(v, 'float64', true);
        return v;
      case NodeKind.IntOrString:
        // IntOrString.UnmarshalJSON decodes non-strings into an int32 and returns that error.
        if (typeof v !== 'string' && !isInt32(v)) {
          this.abort(`json: cannot unmarshal ${describe(v, true)} into ${this.path.goContext()} of type int32`);
        }
        return v;
      case NodeKind.Quantity:
        return this.quantity(v);
      case NodeKind.Time:
      case NodeKind.MicroTime:
        return this.time(v, node.kind === NodeKind.MicroTime);
      case NodeKind.Bytes:
        return this.bytes(v);
      default:
        return v;
    }
  }

  private quantity(v: unknown): unknown {
    if (typeof v !== 'string' && typeof v !== 'number') {
      this.abort(quantityFormatError);
      return v;
    }
    const result = canonicalQuantity(typeof v === 'number' ? String(v) : v);
    if (!result.ok) {
      this.abort(result.error);
      return v;
    }
    return result.canonical;
  }

  private time(v: unknown, micro: boolean): unknown {
    if (typeof v !== 'string') {
      // Time.UnmarshalJSON first decodes the JSON value into a Go string.
      this.abort(`json: cannot unmarshal ${describe(v, false)} into ${this.path.goContext()} of type string`);
      return v;
    }
    const result = micro ? parseMicroTime(v) : parseTime(v);
    if (!result.ok) {
      this.abort(result.error);
      return v;
    }
    return result.value === null ? REMOVE : result.value;
  }

  private bytes(v: unknown): unknown {
    if (typeof v === 'string') {
      const result = checkBase64(v);
      if (!result.ok) {
        this.saved.push(result.error);
        return v;
      }
      return result.canonical;
    }
    if (!Array.isArray(v)) {
      this.typeError(v, '[]uint8', false);
      return v;
    }
    // A JSON array of numbers also decodes into []byte, one element per byte.
    let ok = true;
    for (const b of v) {
      if (b === null || (typeof b === 'number' && Number.isInteger(b) && b >= 0 && b <= 255)) continue;
      this.typeError(b, 'uint8', true);
      ok = false;
    }
    return ok ? Buffer.from(v.map((b) => (b === null ? 0 : (b as number)))).toString('base64') : v;
  }

  /** Strict messages in the order and grouping the real server produces for this body. */
  strictResult(opts: CheckOptions): string[] {
    if (!this.reportStrict) return [];
    let unknown = this.strict;
    if (this.sortStrict && unknown.length > 1) {
      const order = unknown.map((_, i) => i).sort((a, b) => compareSortedKeyPaths(this.strictPaths[a]!, this.strictPaths[b]!));
      unknown = order.map((i) => this.strict[i]!);
    }
    return withYamlErrors(opts, unknown);
  }
}

/** go-yaml reports all repeated keys as one error; the Warn handler splits it into lines. */
export function withYamlErrors(opts: CheckOptions, jsonErrors: string[]): string[] {
  const lines = opts.yamlDuplicateKeyErrors;
  if (!lines || lines.length === 0 || opts.mode === 'Ignore') return jsonErrors;
  if (opts.mode === 'Strict') return [`yaml: unmarshal errors:\n  ${lines.join('\n  ')}`, ...jsonErrors];
  return [...lines, ...jsonErrors];
}

function isEmptyCollection(kind: NodeKind, v: unknown): boolean {
  if (kind === NodeKind.Array) return Array.isArray(v) && v.length === 0;
  if (kind === NodeKind.Map) return isPlainObject(v) && hasNoKeys(v);
  return v === '';
}
