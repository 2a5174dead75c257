// A Kubernetes JSON object → protobuf bytes of its message: the reverse of json-from-protobuf.
// Absent and null fields are not written, which a Go client decodes as nil or the zero value,
// exactly as it would have decoded the JSON.
import type protobuf from 'protobufjs';
import { ProtobufEncodeError } from './errors.js';
import { parseGoDuration, parseRfc3339 } from './go-time.js';
import type { FieldPlan, MessagePlan, ScalarType, ValuePlan } from './message-plan.js';
import type { SpecialKind } from './special-messages.js';

const VARINT = 0, FIXED64 = 1, LENGTH_DELIMITED = 2, FIXED32 = 5;

/** Writes the fields of `obj` as `plan`'s message (without a length prefix). */
export function writeMessage(plan: MessagePlan, obj: Record<string, unknown>, writer: protobuf.Writer): void {
  for (const field of plan.fields) {
    if (field.inline) {
      if (field.value.type !== 'message') throw new ProtobufEncodeError(`inlined field ${plan.fullName}.${field.protoName} is not a message`);
      writer.uint32(tag(field.id, LENGTH_DELIMITED)).fork();
      writeMessage(field.value.message, obj, writer);
      writer.ldelim();
      continue;
    }
    const value = obj[field.jsonName];
    if (value === undefined || value === null) continue;
    if (field.map) writeMap(field, value, writer);
    else if (field.repeated) {
      if (!Array.isArray(value)) throw mismatch(plan, field, 'an array', value);
      for (const item of value) {
        // Go reads a null element as the zero value; keep it so the list keeps its length.
        if (item === null || item === undefined) writeZero(field.id, field.value, writer);
        else writeValue(field.id, field.value, item, writer, plan, field);
      }
    } else writeValue(field.id, field.value, value, writer, plan, field);
  }
}

function writeMap(field: FieldPlan, value: unknown, writer: protobuf.Writer): void {
  if (!isRecord(value)) throw new ProtobufEncodeError(`map field ${field.protoName} must be an object`);
  for (const key of Object.keys(value)) {
    const entry = value[key];
    writer.uint32(tag(field.id, LENGTH_DELIMITED)).fork();
    writeScalar(1, field.key!, key, writer);
    if (entry !== null && entry !== undefined) writeValue(2, field.value, entry, writer, undefined, field);
    writer.ldelim();
  }
}

function writeValue(
  id: number,
  value: ValuePlan,
  json: unknown,
  writer: protobuf.Writer,
  plan: MessagePlan | undefined,
  field: FieldPlan,
): void {
  switch (value.type) {
    case 'scalar':
      writeScalar(id, value.scalar, json, writer);
      return;
    case 'message':
      if (!isRecord(json)) throw mismatch(plan, field, 'an object', json);
      writer.uint32(tag(id, LENGTH_DELIMITED)).fork();
      writeMessage(value.message, json, writer);
      writer.ldelim();
      return;
    case 'special':
      writer.uint32(tag(id, LENGTH_DELIMITED)).fork();
      writeSpecial(value.special, json, writer, field);
      writer.ldelim();
      return;
  }
}

function writeZero(id: number, value: ValuePlan, writer: protobuf.Writer): void {
  if (value.type !== 'scalar') writer.uint32(tag(id, LENGTH_DELIMITED)).uint32(0);
  else writeScalar(id, value.scalar, value.scalar === 'string' || value.scalar === 'bytes' ? '' : value.scalar === 'bool' ? false : 0, writer);
}

function writeScalar(id: number, scalar: ScalarType, json: unknown, writer: protobuf.Writer): void {
  switch (scalar) {
    case 'string':
      writer.uint32(tag(id, LENGTH_DELIMITED)).string(typeof json === 'string' ? json : String(json));
      return;
    case 'bytes':
      // JSON carries []byte as base64.
      writer.uint32(tag(id, LENGTH_DELIMITED)).bytes(Buffer.from(String(json), 'base64'));
      return;
    case 'bool':
      writer.uint32(tag(id, VARINT)).bool(json === true || json === 'true');
      return;
    case 'int32':
      writer.uint32(tag(id, VARINT)).int32(Number(json));
      return;
    case 'uint32':
      writer.uint32(tag(id, VARINT)).uint32(Number(json));
      return;
    case 'int64':
      writer.uint32(tag(id, VARINT)).int64(Number(json));
      return;
    case 'uint64':
      writer.uint32(tag(id, VARINT)).uint64(Number(json));
      return;
    case 'double':
      writer.uint32(tag(id, FIXED64)).double(Number(json));
      return;
    case 'float':
      writer.uint32(tag(id, FIXED32)).float(Number(json));
      return;
  }
}

function writeSpecial(special: SpecialKind, json: unknown, writer: protobuf.Writer, field: FieldPlan): void {
  switch (special) {
    case 'time':
    case 'microTime': {
      const time = typeof json === 'string' ? parseRfc3339(json) : undefined;
      if (!time) throw new ProtobufEncodeError(`${field.protoName}: ${JSON.stringify(json)} is not an RFC 3339 time`);
      writer.uint32(tag(1, VARINT)).int64(time.seconds);
      writer.uint32(tag(2, VARINT)).int32(time.nanos);
      return;
    }
    case 'duration': {
      const nanos = typeof json === 'string' ? parseGoDuration(json) : undefined;
      if (nanos === undefined) throw new ProtobufEncodeError(`${field.protoName}: ${JSON.stringify(json)} is not a duration`);
      writer.uint32(tag(1, VARINT)).int64(nanos);
      return;
    }
    case 'intOrString':
      if (typeof json === 'string') {
        writer.uint32(tag(1, VARINT)).int64(1);
        writer.uint32(tag(3, LENGTH_DELIMITED)).string(json);
      } else {
        writer.uint32(tag(1, VARINT)).int64(0);
        writer.uint32(tag(2, VARINT)).int32(Number(json));
      }
      return;
    case 'quantity':
      writer.uint32(tag(1, LENGTH_DELIMITED)).string(String(json));
      return;
    case 'rawExtension':
      // Embedded objects go out as JSON, which every Go client decodes (kube-apiserver does the
      // same for objects it holds as JSON); watch events nest protobuf instead (see envelope.ts).
      writer.uint32(tag(1, LENGTH_DELIMITED)).string(JSON.stringify(json));
      return;
    case 'fieldsV1':
      writer.uint32(tag(1, LENGTH_DELIMITED)).string(JSON.stringify(json));
      return;
    case 'stringList':
      if (!Array.isArray(json)) throw new ProtobufEncodeError(`${field.protoName} must be an array of strings`);
      for (const item of json) writer.uint32(tag(1, LENGTH_DELIMITED)).string(String(item));
      return;
  }
}

function tag(id: number, wireType: number): number {
  return ((id << 3) | wireType) >>> 0;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function mismatch(plan: MessagePlan | undefined, field: FieldPlan, expected: string, got: unknown): ProtobufEncodeError {
  const where = plan ? `${plan.fullName}.${field.jsonName}` : field.jsonName;
  return new ProtobufEncodeError(`${where} must be ${expected}, got ${Array.isArray(got) ? 'an array' : typeof got}`);
}
