// The Kubernetes protobuf codec: request bodies in, response bodies and watch frames out.
import protobuf from 'protobufjs';
import { ChunkWriter, varintSize } from './chunk-writer.js';
import { ProtobufDecodeError, ProtobufEncodeError } from './errors.js';
import { envelopeTail, frameWatchEvent, readEnvelope, writeEnvelope, writeEnvelopeHead } from './envelope.js';
import { goFieldRules } from './go-field-rules.js';
import { decodeMessageInto, type DecodeContext } from './json-from-protobuf.js';
import { protoMessageCandidates } from './kind-messages.js';
import { createPlanCache, type MessagePlan } from './message-plan.js';
import { createProtoSchema } from './proto-schema.js';
import { writeMessage } from './protobuf-from-json.js';
import { NotOnFastPath, writeMessageFromJson } from './protobuf-from-json-bytes.js';
import { specialKindOf } from './special-messages.js';

export interface ProtobufCodec {
  /** Body bytes of a request with Content-Type application/vnd.kubernetes.protobuf → the JSON object (apiVersion/kind set). */
  decode(body: Uint8Array): Record<string, unknown>;
  /** JSON object (apiVersion and kind set) → envelope bytes. */
  encode(obj: Record<string, unknown>): Uint8Array;
  canEncode(apiVersion: string, kind: string): boolean;
  /** One framed watch event for a protobuf watch stream. */
  encodeWatchEvent(type: string, obj: Record<string, unknown>): Uint8Array;
  /**
   * A typed list (apiVersion and listKind with a protobuf form: see canEncode) of objects given
   * as their stored JSON bytes: the same bytes as encode() of the list with the items parsed,
   * as pieces to send one after the other.
   */
  encodeList(apiVersion: string, listKind: string, metadata: Record<string, unknown>, items: readonly Buffer[]): EncodedList;
}

export interface EncodedList {
  pieces: Buffer[];
  length: number;
}

export interface ProtobufCodecStats {
  /** Milliseconds spent so far parsing .proto files (they are loaded per API group on first use). */
  schemaLoadMillis(): number;
}

/** Nesting limit for envelopes inside RawExtensions, against hostile bodies. */
const MAX_EMBEDDING_DEPTH = 16;

export function createProtobufCodec(protoDir: string): ProtobufCodec & ProtobufCodecStats {
  const schema = createProtoSchema(protoDir);
  const plans = createPlanCache(goFieldRules);
  // apiVersion + "\n" + kind → its plan. Misses are not remembered: kinds come from request
  // bodies, and a map of every name a client ever made up would only grow.
  const kinds = new Map<string, MessagePlan>();

  function planOf(apiVersion: string, kind: string): MessagePlan | undefined {
    const key = `${apiVersion}\n${kind}`;
    const cached = kinds.get(key);
    if (cached) return cached;
    for (const ref of protoMessageCandidates(apiVersion, kind)) {
      const type = schema.lookup(ref.file, ref.fullName);
      if (type && !specialKindOf(type)) {
        const plan = plans.planFor(type);
        kinds.set(key, plan);
        return plan;
      }
    }
    return undefined;
  }

  function decodeEnvelope(body: Uint8Array, depth: number): Record<string, unknown> {
    const envelope = readEnvelope(body);
    if (envelope.contentEncoding !== '') {
      throw new ProtobufDecodeError('unsupported-encoding', `unsupported protobuf contentEncoding ${JSON.stringify(envelope.contentEncoding)}`);
    }
    const plan = planOf(envelope.apiVersion, envelope.kind);
    if (!plan) {
      throw new ProtobufDecodeError(
        'unknown-kind',
        `no protobuf message is known for apiVersion ${JSON.stringify(envelope.apiVersion)}, kind ${JSON.stringify(envelope.kind)}`,
      );
    }
    const ctx: DecodeContext = {
      decodeEmbedded(bytes) {
        if (depth >= MAX_EMBEDDING_DEPTH) throw new ProtobufDecodeError('malformed', 'embedded objects are nested too deeply');
        return decodeEnvelope(bytes, depth + 1);
      },
    };
    // Go's JSON puts TypeMeta first: kind, then apiVersion.
    return decodeMessageInto(plan, envelope.raw, { kind: envelope.kind, apiVersion: envelope.apiVersion }, ctx);
  }

  function requirePlan(obj: Record<string, unknown>): { apiVersion: string; kind: string; plan: MessagePlan } {
    const apiVersion = obj.apiVersion;
    const kind = obj.kind;
    if (typeof apiVersion !== 'string' || typeof kind !== 'string') throw new ProtobufEncodeError('object to encode has no apiVersion/kind');
    const plan = planOf(apiVersion, kind);
    if (!plan) throw new ProtobufEncodeError(`${apiVersion}, Kind=${kind} has no protobuf form`);
    return { apiVersion, kind, plan };
  }

  function writeObject(obj: Record<string, unknown>, writer: protobuf.Writer): void {
    const { apiVersion, kind, plan } = requirePlan(obj);
    writeEnvelope(writer, apiVersion, kind, (w) => writeMessage(plan, obj, w));
  }

  /** An item of a list the old way: parsed, then written from the object. */
  function itemFromParsed(plan: MessagePlan, raw: Buffer): Uint8Array {
    const writer = protobuf.Writer.create();
    writeMessage(plan, listItem(JSON.parse(raw.toString('utf8')) as Record<string, unknown>), writer);
    return writer.finish();
  }

  function encodeList(apiVersion: string, listKind: string, metadata: Record<string, unknown>, items: readonly Buffer[]): EncodedList {
    const { plan } = requirePlan({ apiVersion, kind: listKind });
    const itemsField = plan.fields.at(-1);
    const itemPlan = itemsField?.jsonName === 'items' && itemsField.repeated && !itemsField.map && itemsField.value.type === 'message' ? itemsField.value.message : undefined;
    // Items are written after the list's other fields: so Go orders every list message. An item
    // message with fields named like TypeMeta's (none is known) would see them dropped below.
    if (!itemsField || !itemPlan || itemPlan.fields.some((f) => f.jsonName === 'kind' || f.jsonName === 'apiVersion')) {
      const whole = Buffer.from(encodeWhole({ kind: listKind, apiVersion, metadata, items: items.map((raw) => listItem(JSON.parse(raw.toString('utf8')) as Record<string, unknown>)) }));
      return { pieces: [whole], length: whole.length };
    }
    const headWriter = protobuf.Writer.create();
    writeMessage(plan, { metadata }, headWriter);
    const head = Buffer.from(headWriter.finish());

    const out = new ChunkWriter();
    const itemTag = ((itemsField.id << 3) | 2) >>> 0;
    for (const raw of items) {
      out.startUnit(raw.length + 64);
      out.varint(itemTag);
      // The JSON's length is a good guess of the length's length.
      const reserved = varintSize(raw.length);
      const at = out.beginLength(reserved);
      try {
        writeMessageFromJson(itemPlan, raw, out);
      } catch (err) {
        if (err !== NotOnFastPath) throw err;
        out.pos = at + reserved;
        const bytes = itemFromParsed(itemPlan, raw);
        out.copy(bytes, 0, bytes.length);
      }
      out.endLength(at, reserved);
    }
    const rawLength = head.length + out.length;
    const body = out.finish();

    const prefixWriter = protobuf.Writer.create();
    writeEnvelopeHead(prefixWriter, apiVersion, listKind, rawLength);
    const prefix = Buffer.from(prefixWriter.finish());
    const pieces = [prefix, head, ...body, envelopeTail];
    return { pieces, length: prefix.length + rawLength + envelopeTail.length };
  }

  function encodeWhole(obj: Record<string, unknown>): Uint8Array {
    const writer = protobuf.Writer.create();
    writeObject(obj, writer);
    return writer.finish();
  }

  return {
    decode: (body) => decodeEnvelope(body, 0),
    encode: encodeWhole,
    encodeList,
    canEncode: (apiVersion, kind) => planOf(apiVersion, kind) !== undefined,
    encodeWatchEvent(type, obj) {
      // The event's object is a nested envelope, as kube-apiserver's embedded encoder writes it.
      requirePlan(obj);
      return frameWatchEvent(type, (writer) => writeObject(obj, writer));
    },
    schemaLoadMillis: () => schema.loadMillis(),
  };
}

/** An object as an item of its typed list: without kind and apiVersion (as responses.ts's listItem). */
function listItem(obj: Record<string, unknown>): Record<string, unknown> {
  const { kind: _kind, apiVersion: _apiVersion, ...item } = obj;
  return item;
}
