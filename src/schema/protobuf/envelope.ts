// The Kubernetes protobuf envelope: the magic "k8s\0", then a runtime.Unknown message
// {1: typeMeta {1: apiVersion, 2: kind}, 2: raw, 3: contentEncoding, 4: contentType} whose raw
// holds the object's own message. Watch streams frame each WatchEvent with a 4-byte big-endian
// length (kube-apiserver's LengthDelimitedFramer) and carry it without magic or envelope.
import protobuf from 'protobufjs';
import { ProtobufDecodeError } from './errors.js';

export const PROTOBUF_MAGIC: Readonly<Uint8Array> = Uint8Array.of(0x6b, 0x38, 0x73, 0x00);
/** The magic read as a little-endian fixed32, so a Writer can emit it in place. */
const MAGIC_FIXED32 = 0x0073386b;

export interface Envelope {
  apiVersion: string;
  kind: string;
  raw: Uint8Array;
  contentEncoding: string;
  contentType: string;
}

export function hasMagic(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && bytes[0] === 0x6b && bytes[1] === 0x38 && bytes[2] === 0x73 && bytes[3] === 0x00;
}

export function readEnvelope(body: Uint8Array): Envelope {
  if (!hasMagic(body)) {
    throw new ProtobufDecodeError('missing-magic', 'the body is not Kubernetes protobuf: it does not start with the "k8s\\x00" prefix');
  }
  const envelope: Envelope = { apiVersion: '', kind: '', raw: new Uint8Array(0), contentEncoding: '', contentType: '' };
  try {
    const reader = protobuf.Reader.create(body.subarray(4));
    while (reader.pos < reader.len) {
      const tag = reader.uint32();
      switch (tag) {
        case 0x0a: {
          const end = reader.uint32() + reader.pos;
          if (end > reader.len) throw new RangeError('typeMeta overruns the body');
          while (reader.pos < end) {
            const inner = reader.uint32();
            if (inner === 0x0a) envelope.apiVersion = reader.string();
            else if (inner === 0x12) envelope.kind = reader.string();
            else reader.skipType(inner & 7);
          }
          break;
        }
        case 0x12:
          envelope.raw = reader.bytes();
          break;
        case 0x1a:
          envelope.contentEncoding = reader.string();
          break;
        case 0x22:
          envelope.contentType = reader.string();
          break;
        default:
          reader.skipType(tag & 7);
      }
    }
  } catch (err) {
    throw new ProtobufDecodeError('malformed', `the body is not a valid runtime.Unknown envelope: ${(err as Error).message}`);
  }
  return envelope;
}

/** Writes magic + runtime.Unknown; `writeRaw` writes the object's message fields. */
export function writeEnvelope(writer: protobuf.Writer, apiVersion: string, kind: string, writeRaw: (writer: protobuf.Writer) => void): void {
  writer.fixed32(MAGIC_FIXED32);
  writer.uint32(0x0a).fork().uint32(0x0a).string(apiVersion).uint32(0x12).string(kind).ldelim();
  writer.uint32(0x12).fork();
  writeRaw(writer);
  writer.ldelim();
  // Go always writes the two (empty) strings; kept for byte-compatible output.
  writer.uint32(0x1a).string('').uint32(0x22).string('');
}

/**
 * What writeEnvelope writes before the object's message, when its length is known: for a body
 * whose message is written elsewhere, in pieces. envelopeTail follows the message.
 */
export function writeEnvelopeHead(writer: protobuf.Writer, apiVersion: string, kind: string, rawLength: number): void {
  writer.fixed32(MAGIC_FIXED32);
  writer.uint32(0x0a).fork().uint32(0x0a).string(apiVersion).uint32(0x12).string(kind).ldelim();
  writer.uint32(0x12).uint32(rawLength);
}

/** The two empty strings writeEnvelope ends with. */
export const envelopeTail: Buffer = Buffer.from([0x1a, 0x00, 0x22, 0x00]);

/** One watch-stream frame: big-endian length, then a meta/v1 WatchEvent {1: type, 2: object {1: raw}}. */
export function frameWatchEvent(type: string, writeObject: (writer: protobuf.Writer) => void): Uint8Array {
  const writer = protobuf.Writer.create();
  writer.fixed32(0); // the length, patched below once known
  writer.uint32(0x0a).string(type);
  writer.uint32(0x12).fork().uint32(0x0a).fork();
  writeObject(writer);
  writer.ldelim().ldelim();
  const frame = writer.finish();
  new DataView(frame.buffer, frame.byteOffset, 4).setUint32(0, frame.length - 4);
  return frame;
}
