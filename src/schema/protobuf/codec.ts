// The Kubernetes protobuf codec: request bodies in, response bodies and watch frames out.
import protobuf from 'protobufjs';
import { ProtobufDecodeError, ProtobufEncodeError } from './errors.js';
import { frameWatchEvent, readEnvelope, writeEnvelope } from './envelope.js';
import { goFieldRules } from './go-field-rules.js';
import { decodeMessageInto, type DecodeContext } from './json-from-protobuf.js';
import { protoMessageCandidates } from './kind-messages.js';
import { createPlanCache, type MessagePlan } from './message-plan.js';
import { createProtoSchema } from './proto-schema.js';
import { writeMessage } from './protobuf-from-json.js';
import { specialKindOf } from './special-messages.js';

export interface ProtobufCodec {
  /** Body bytes of a request with Content-Type application/vnd.kubernetes.protobuf → the JSON object (apiVersion/kind set). */
  decode(body: Uint8Array): Record<string, unknown>;
  /** JSON object (apiVersion and kind set) → envelope bytes. */
  encode(obj: Record<string, unknown>): Uint8Array;
  canEncode(apiVersion: string, kind: string): boolean;
  /** One framed watch event for a protobuf watch stream. */
  encodeWatchEvent(type: string, obj: Record<string, unknown>): Uint8Array;
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

  return {
    decode: (body) => decodeEnvelope(body, 0),
    encode(obj) {
      const writer = protobuf.Writer.create();
      writeObject(obj, writer);
      return writer.finish();
    },
    canEncode: (apiVersion, kind) => planOf(apiVersion, kind) !== undefined,
    encodeWatchEvent(type, obj) {
      // The event's object is a nested envelope, as kube-apiserver's embedded encoder writes it.
      requirePlan(obj);
      return frameWatchEvent(type, (writer) => writeObject(obj, writer));
    },
    schemaLoadMillis: () => schema.loadMillis(),
  };
}
