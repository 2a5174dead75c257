// Protobuf bytes of a Kubernetes message → the JSON object Go's encoding/json would print for
// the same Go value (field names, omitempty, pointers, inlined structs, special types).
import protobuf from 'protobufjs';
import { ProtobufDecodeError } from './errors.js';
import { formatGoDuration, formatMicroTime, formatTime } from './go-time.js';
import type { FieldPlan, MessagePlan, ScalarType, ValuePlan } from './message-plan.js';
import type { SpecialKind } from './special-messages.js';

const VARINT = 0, FIXED64 = 1, LENGTH_DELIMITED = 2, FIXED32 = 5;

/** Go's zero time.Time, in Unix seconds: a Time carrying it prints as null. */
const GO_ZERO_TIME_SECONDS = -62135596800;

export interface DecodeContext {
  /** Decodes an embedded k8s protobuf envelope (RawExtension holding "k8s\0…"). */
  decodeEmbedded(bytes: Uint8Array): Record<string, unknown>;
}

/** Decodes `bytes` as `plan`'s message, adding its JSON fields to `target`. */
export function decodeMessageInto(
  plan: MessagePlan,
  bytes: Uint8Array,
  target: Record<string, unknown>,
  ctx: DecodeContext,
): Record<string, unknown> {
  const reader = protobuf.Reader.create(bytes);
  try {
    return readMessage(plan, reader, reader.len, ctx, target);
  } catch (err) {
    throw asDecodeError(err, plan);
  }
}

function asDecodeError(err: unknown, plan: MessagePlan): ProtobufDecodeError {
  if (err instanceof ProtobufDecodeError) return err;
  // protobufjs reports a truncated buffer as a RangeError "index out of range: …".
  const reason = err instanceof Error ? err.message : String(err);
  return new ProtobufDecodeError('malformed', `invalid protobuf data for ${plan.fullName}: ${reason}`);
}

function readMessage(
  plan: MessagePlan,
  reader: protobuf.Reader,
  end: number,
  ctx: DecodeContext,
  target: Record<string, unknown> = {},
): Record<string, unknown> {
  const slots: unknown[] = new Array(plan.fields.length);
  while (reader.pos < end) {
    const tag = reader.uint32();
    const id = tag >>> 3;
    const wireType = tag & 7;
    const field = plan.byId[id];
    if (!field) {
      // Fields newer than the .proto files: Go would drop them too.
      skip(reader, wireType, plan);
      continue;
    }
    if (field.map) {
      expectWireType(field, wireType, LENGTH_DELIMITED);
      const entries = (slots[field.index] ??= {}) as Record<string, unknown>;
      readMapEntry(field, reader, end, ctx, entries);
    } else if (field.repeated) {
      const items = (slots[field.index] ??= []) as unknown[];
      if (wireType === LENGTH_DELIMITED && field.value.type === 'scalar' && isPackable(field.value.scalar)) {
        // A packed run of numbers; proto2 writers normally repeat the tag, but both are legal.
        const runEnd = subEnd(reader, end);
        while (reader.pos < runEnd) items.push(readScalar(field.value.scalar, reader));
      } else {
        items.push(readValue(field, field.value, wireType, reader, end, ctx));
      }
    } else {
      slots[field.index] = readValue(field, field.value, wireType, reader, end, ctx);
    }
  }
  if (reader.pos !== end) throw new ProtobufDecodeError('malformed', `invalid protobuf data for ${plan.fullName}: field overruns its message`);
  return assemble(plan, slots, target);
}

/** Builds the JSON object in Go's field order, applying each field's presence rule. */
function assemble(plan: MessagePlan, slots: unknown[], out: Record<string, unknown>): Record<string, unknown> {
  for (const field of plan.fields) {
    const value = slots[field.index];
    if (field.inline) {
      Object.assign(out, value ?? zeroValue(field.value));
      continue;
    }
    if (value === undefined) {
      switch (field.presence) {
        case 'pointer':
        case 'omitZero':
          continue;
        case 'nullable':
          out[field.jsonName] = null;
          continue;
        case 'always':
        case 'struct':
          out[field.jsonName] = field.repeated || field.map ? null : zeroValue(field.value);
          continue;
      }
    }
    if (field.presence === 'omitZero' && isZero(value)) continue;
    out[field.jsonName] = value;
  }
  return out;
}

/** The JSON Go prints for a field's zero value. */
function zeroValue(value: ValuePlan): unknown {
  switch (value.type) {
    case 'scalar':
      return zeroScalar(value.scalar);
    case 'special':
      return zeroSpecial(value.special);
    case 'message':
      return assemble(value.message, new Array(value.message.fields.length), {});
  }
}

function zeroScalar(scalar: ScalarType): unknown {
  switch (scalar) {
    case 'string':
      return '';
    case 'bool':
      return false;
    case 'bytes':
      return null;
    default:
      return 0;
  }
}

function zeroSpecial(special: SpecialKind): unknown {
  switch (special) {
    case 'duration':
      return '0s';
    case 'intOrString':
      return 0;
    case 'quantity':
      return '0';
    default:
      return null;
  }
}

function isZero(value: unknown): boolean {
  if (value === '' || value === 0 || value === false || value === null) return true;
  return Array.isArray(value) && value.length === 0;
}

function readValue(field: FieldPlan, value: ValuePlan, wireType: number, reader: protobuf.Reader, end: number, ctx: DecodeContext): unknown {
  if (value.type === 'scalar') {
    expectWireType(field, wireType, wireTypeOf(value.scalar));
    return readScalar(value.scalar, reader);
  }
  expectWireType(field, wireType, LENGTH_DELIMITED);
  const messageEnd = subEnd(reader, end);
  if (value.type === 'message') return readMessage(value.message, reader, messageEnd, ctx);
  const decoded = readSpecial(value.special, reader, messageEnd, ctx);
  if (reader.pos !== messageEnd) throw new ProtobufDecodeError('malformed', `invalid protobuf data in ${field.protoName}: field overruns its message`);
  return decoded;
}

function readMapEntry(field: FieldPlan, reader: protobuf.Reader, end: number, ctx: DecodeContext, entries: Record<string, unknown>): void {
  const entryEnd = subEnd(reader, end);
  let key: unknown;
  let value: unknown;
  while (reader.pos < entryEnd) {
    const tag = reader.uint32();
    if (tag >>> 3 === 1) {
      expectWireType(field, tag & 7, wireTypeOf(field.key!));
      key = readScalar(field.key!, reader);
    } else if (tag >>> 3 === 2) {
      value = readValue(field, field.value, tag & 7, reader, entryEnd, ctx);
    } else {
      skip(reader, tag & 7, undefined);
    }
  }
  if (reader.pos !== entryEnd) throw new ProtobufDecodeError('malformed', `invalid protobuf data in map ${field.protoName}`);
  // A missing key or value stands for its zero value, as in Go.
  entries[String(key ?? zeroScalar(field.key!))] = value === undefined ? mapZeroValue(field.value) : value;
}

function mapZeroValue(value: ValuePlan): unknown {
  return value.type === 'scalar' && value.scalar === 'bytes' ? '' : zeroValue(value);
}

function readScalar(scalar: ScalarType, reader: protobuf.Reader): unknown {
  switch (scalar) {
    case 'string':
      return reader.string();
    case 'bytes':
      return base64(reader.bytes());
    case 'bool':
      return reader.bool();
    case 'int32':
      return reader.int32();
    case 'uint32':
      return reader.uint32();
    case 'int64':
      return toNumber(reader.int64());
    case 'uint64':
      return toNumber(reader.uint64());
    case 'double':
      return reader.double();
    case 'float':
      return reader.float();
  }
}

function readSpecial(special: SpecialKind, reader: protobuf.Reader, end: number, ctx: DecodeContext): unknown {
  const start = reader.pos;
  switch (special) {
    case 'time':
    case 'microTime': {
      if (start === end) return null; // an empty Time message is Go's zero time
      let seconds = 0, nanos = 0;
      readFields(reader, end, (id, wireType) => {
        if (id === 1 && wireType === VARINT) seconds = toNumber(reader.int64());
        else if (id === 2 && wireType === VARINT) nanos = reader.int32();
        else return false;
        return true;
      });
      if (seconds === GO_ZERO_TIME_SECONDS && nanos === 0) return null;
      // meta/v1 Time keeps whole seconds when decoding protobuf, MicroTime keeps microseconds.
      return special === 'time' ? formatTime(seconds) : formatMicroTime(seconds, nanos);
    }
    case 'duration': {
      let nanos = 0;
      readFields(reader, end, (id, wireType) => {
        if (id !== 1 || wireType !== VARINT) return false;
        nanos = toNumber(reader.int64());
        return true;
      });
      return formatGoDuration(nanos);
    }
    case 'intOrString': {
      let type = 0, intVal = 0, strVal = '';
      readFields(reader, end, (id, wireType) => {
        if (id === 1 && wireType === VARINT) type = toNumber(reader.int64());
        else if (id === 2 && wireType === VARINT) intVal = reader.int32();
        else if (id === 3 && wireType === LENGTH_DELIMITED) strVal = reader.string();
        else return false;
        return true;
      });
      return type === 1 ? strVal : intVal;
    }
    case 'quantity': {
      let text = '';
      readFields(reader, end, (id, wireType) => {
        if (id !== 1 || wireType !== LENGTH_DELIMITED) return false;
        text = reader.string();
        return true;
      });
      // A Quantity is never printed as "": Go's zero Quantity prints "0".
      return text === '' ? '0' : text;
    }
    case 'rawExtension':
    case 'fieldsV1': {
      let raw: Uint8Array | undefined;
      readFields(reader, end, (id, wireType) => {
        if (id !== 1 || wireType !== LENGTH_DELIMITED) return false;
        raw = reader.bytes();
        return true;
      });
      return raw === undefined || raw.length === 0 ? null : embeddedValue(raw, ctx);
    }
    case 'stringList': {
      const items: string[] = [];
      readFields(reader, end, (id, wireType) => {
        if (id !== 1 || wireType !== LENGTH_DELIMITED) return false;
        items.push(reader.string());
        return true;
      });
      return items;
    }
  }
}

/** Calls `read` per field until `end`; fields it does not take (returns false) are skipped. */
function readFields(reader: protobuf.Reader, end: number, read: (id: number, wireType: number) => boolean): void {
  while (reader.pos < end) {
    const tag = reader.uint32();
    if (!read(tag >>> 3, tag & 7)) skip(reader, tag & 7, undefined);
  }
}

/** Embedded objects hold JSON, or — from protobuf clients — a nested k8s protobuf envelope. */
function embeddedValue(raw: Uint8Array, ctx: DecodeContext): unknown {
  if (raw.length >= 4 && raw[0] === 0x6b && raw[1] === 0x38 && raw[2] === 0x73 && raw[3] === 0x00) return ctx.decodeEmbedded(raw);
  try {
    return JSON.parse(Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength).toString('utf8'));
  } catch (err) {
    throw new ProtobufDecodeError('malformed', `embedded object is neither JSON nor protobuf: ${(err as Error).message}`);
  }
}

function subEnd(reader: protobuf.Reader, limit: number): number {
  const length = reader.uint32();
  const end = reader.pos + length;
  if (end > limit) throw new ProtobufDecodeError('malformed', `truncated protobuf data: a field of ${length} bytes overruns its container`);
  return end;
}

function skip(reader: protobuf.Reader, wireType: number, plan: MessagePlan | undefined): void {
  try {
    reader.skipType(wireType);
  } catch (err) {
    const where = plan ? ` in ${plan.fullName}` : '';
    throw new ProtobufDecodeError('malformed', `invalid protobuf data${where}: ${(err as Error).message}`);
  }
}

function expectWireType(field: FieldPlan, actual: number, expected: number): void {
  if (actual !== expected) {
    throw new ProtobufDecodeError('malformed', `field ${field.protoName} (${field.id}) has wire type ${actual}, expected ${expected}`);
  }
}

function wireTypeOf(scalar: ScalarType): number {
  switch (scalar) {
    case 'string':
    case 'bytes':
      return LENGTH_DELIMITED;
    case 'double':
      return FIXED64;
    case 'float':
      return FIXED32;
    default:
      return VARINT;
  }
}

function isPackable(scalar: ScalarType): boolean {
  return scalar !== 'string' && scalar !== 'bytes';
}

/** protobufjs returns 64-bit integers as Long objects when the "long" package is installed. */
function toNumber(value: number | protobuf.Long): number {
  if (typeof value === 'number') return value;
  const high = value.unsigned ? value.high >>> 0 : value.high;
  return high * 4294967296 + (value.low >>> 0);
}

function base64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}
