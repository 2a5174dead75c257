// The Kubernetes protobuf codec: request bodies in, response bodies and watch frames out.
import protobuf from 'protobufjs';
import { ChunkWriter, varintSize } from './chunk-writer.js';
import { ProtobufDecodeError, ProtobufEncodeError } from './errors.js';
import { envelopeTail, frameWatchEvent, PROTOBUF_MAGIC, readEnvelope, writeEnvelope, writeEnvelopeHead } from './envelope.js';
import { goFieldRules } from './go-field-rules.js';
import { decodeMessageInto, type DecodeContext } from './json-from-protobuf.js';
import { protoMessageCandidates } from './kind-messages.js';
import { createPlanCache, type MessagePlan } from './message-plan.js';
import { createProtoSchema } from './proto-schema.js';
import { writeMessage } from './protobuf-from-json.js';
import { NotOnFastPath, writeMessageFromJson, writeMessageFromJsonAt } from './protobuf-from-json-bytes.js';
import { memberValueStart } from '../../machinery/json-members.js';
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
  /**
   * One object given as its stored JSON bytes, in the form `form` names: the same bytes as
   * encode() of that form built from the parsed object.
   */
  encodeStored(form: StoredForm, raw: Buffer): Uint8Array;
  /** encodeWatchEvent() of encodeStored()'s object: the same frame. */
  encodeStoredWatchEvent(type: string, form: StoredForm, raw: Buffer): Uint8Array;
  /**
   * A meta.k8s.io/v1 PartialObjectMetadataList of objects given as their stored JSON bytes: the
   * same bytes as encode() of the list built from the parsed objects, as pieces.
   */
  encodeMetadataList(metadata: Record<string, unknown>, items: readonly Buffer[]): EncodedList;
}

/**
 * What of a stored object a response carries: the object itself (expected to be of apiVersion
 * and kind, as the resource serves it), or its PartialObjectMetadata (meta.k8s.io/<asVersion>,
 * the object's metadata alone) for metadata-only clients.
 */
export type StoredForm = { readonly as: 'object'; readonly apiVersion: string; readonly kind: string } | { readonly as: 'PartialObjectMetadata'; readonly asVersion: string };

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

  /** The message of the typed list's item plan from an item's stored bytes, else (NotOnFastPath) from it parsed. */
  function itemWriter(itemPlan: MessagePlan): WriteStored {
    return (raw, out) => {
      const at = out.pos;
      try {
        writeMessageFromJson(itemPlan, raw, out);
      } catch (err) {
        if (err !== NotOnFastPath) throw err;
        out.pos = at;
        const bytes = itemFromParsed(itemPlan, raw);
        out.copy(bytes, 0, bytes.length);
      }
    };
  }

  /**
   * A list of `listKind` whose items are written by `writeItem` from their stored bytes, or
   * undefined when the list message is not shaped so (items its last field, of messages).
   */
  function listFromStored(apiVersion: string, listKind: string, metadata: Record<string, unknown>, items: readonly Buffer[], writeItem: (itemPlan: MessagePlan) => WriteStored): EncodedList | undefined {
    const { plan } = requirePlan({ apiVersion, kind: listKind });
    const itemsField = plan.fields.at(-1);
    const itemPlan = itemsField?.jsonName === 'items' && itemsField.repeated && !itemsField.map && itemsField.value.type === 'message' ? itemsField.value.message : undefined;
    // Items are written after the list's other fields: so Go orders every list message. An item
    // message with fields named like TypeMeta's (none is known) would see them dropped below.
    if (!itemsField || !itemPlan || itemPlan.fields.some((f) => f.jsonName === 'kind' || f.jsonName === 'apiVersion')) return undefined;
    const write = writeItem(itemPlan);
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
      write(raw, out);
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

  function encodeList(apiVersion: string, listKind: string, metadata: Record<string, unknown>, items: readonly Buffer[]): EncodedList {
    const list = listFromStored(apiVersion, listKind, metadata, items, itemWriter);
    if (list) return list;
    const whole = Buffer.from(encodeWhole({ kind: listKind, apiVersion, metadata, items: items.map((raw) => listItem(JSON.parse(raw.toString('utf8')) as Record<string, unknown>)) }));
    return { pieces: [whole], length: whole.length };
  }

  // ---------- one stored object, in the form a response carries ----------

  /** How encodeStored writes one form: its envelope's TypeMeta and its message from the stored bytes. */
  interface StoredWriter {
    apiVersion: string;
    kind: string;
    write: WriteStored;
  }

  function storedWriter(form: StoredForm, raw: Buffer): StoredWriter | undefined {
    if (form.as === 'PartialObjectMetadata') {
      const apiVersion = `meta.k8s.io/${form.asVersion}`;
      return { apiVersion, kind: 'PartialObjectMetadata', write: metadataWriter(requirePlan({ apiVersion, kind: 'PartialObjectMetadata' }).plan) };
    }
    const { plan } = requirePlan({ apiVersion: form.apiVersion, kind: form.kind });
    // The object's own TypeMeta is what encode() would write: taken as given only when the bytes start with it.
    if (!startsWithTypeMeta(raw, form.apiVersion, form.kind) || plan.fields.some((f) => f.jsonName === 'kind' || f.jsonName === 'apiVersion')) return undefined;
    return { apiVersion: form.apiVersion, kind: form.kind, write: itemWriter(plan) };
  }

  /** The form built from the parsed object, as the object encoder takes it. */
  function parsedForm(form: StoredForm, raw: Buffer): Record<string, unknown> {
    const obj = JSON.parse(raw.toString('utf8')) as Record<string, unknown>;
    if (form.as === 'object') return obj;
    return { kind: 'PartialObjectMetadata', apiVersion: `meta.k8s.io/${form.asVersion}`, metadata: obj.metadata ?? {} };
  }

  /** Envelope of `writer`'s form around its message, into `out`. */
  function writeStoredEnvelope(writer: StoredWriter, raw: Buffer, out: ChunkWriter): void {
    out.copy(PROTOBUF_MAGIC, 0, 4);
    out.byte(0x0a);
    const typeMetaAt = out.beginLength(1);
    out.byte(0x0a);
    out.lengthPrefixedString(writer.apiVersion);
    out.byte(0x12);
    out.lengthPrefixedString(writer.kind);
    out.endLength(typeMetaAt, 1);
    out.byte(0x12);
    const reserved = varintSize(raw.length);
    const at = out.beginLength(reserved);
    writer.write(raw, out);
    out.endLength(at, reserved);
    out.copy(envelopeTail, 0, envelopeTail.length);
  }

  function encodeStored(form: StoredForm, raw: Buffer): Uint8Array {
    const writer = storedWriter(form, raw);
    if (!writer) return encodeWhole(parsedForm(form, raw));
    const out = new ChunkWriter(raw.length + 64);
    writeStoredEnvelope(writer, raw, out);
    return onePiece(out);
  }

  function encodeStoredWatchEvent(type: string, form: StoredForm, raw: Buffer): Uint8Array {
    const writer = storedWriter(form, raw);
    if (!writer) return encodeWatchEvent(type, parsedForm(form, raw));
    const out = new ChunkWriter(raw.length + 96);
    // As frameWatchEvent: the frame's length, then WatchEvent {1: type, 2: RawExtension {1: envelope}}.
    out.pos = 4;
    out.byte(0x0a);
    out.lengthPrefixedString(type);
    out.byte(0x12);
    const reserved = varintSize(raw.length + 64);
    const objectAt = out.beginLength(reserved);
    out.byte(0x0a);
    const rawAt = out.beginLength(reserved);
    writeStoredEnvelope(writer, raw, out);
    out.endLength(rawAt, reserved);
    out.endLength(objectAt, reserved);
    const frame = onePiece(out);
    frame.writeUInt32BE(frame.length - 4, 0);
    return frame;
  }

  function encodeMetadataList(metadata: Record<string, unknown>, items: readonly Buffer[]): EncodedList {
    const apiVersion = 'meta.k8s.io/v1';
    const list = listFromStored(apiVersion, 'PartialObjectMetadataList', metadata, items, metadataWriter);
    if (list) return list;
    const form: StoredForm = { as: 'PartialObjectMetadata', asVersion: 'v1' };
    const whole = Buffer.from(encodeWhole({ kind: 'PartialObjectMetadataList', apiVersion, metadata, items: items.map((raw) => parsedForm(form, raw)) }));
    return { pieces: [whole], length: whole.length };
  }

  function encodeWatchEvent(type: string, obj: Record<string, unknown>): Uint8Array {
    // The event's object is a nested envelope, as kube-apiserver's embedded encoder writes it.
    requirePlan(obj);
    return frameWatchEvent(type, (writer) => writeObject(obj, writer));
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
    encodeWatchEvent,
    encodeStored,
    encodeStoredWatchEvent,
    encodeMetadataList,
    schemaLoadMillis: () => schema.loadMillis(),
  };
}

/** Writes a message from an object's stored bytes (without its length), whatever the bytes hold. */
type WriteStored = (raw: Buffer, out: ChunkWriter) => void;

/**
 * The PartialObjectMetadata message of an object from its stored bytes: its metadata member
 * transcoded as the ObjectMeta field. An object without an object as metadata (never stored)
 * goes through JSON.parse, as NotOnFastPath does.
 */
function metadataWriter(partialPlan: MessagePlan): WriteStored {
  const metaField = partialPlan.fields.find((f) => f.jsonName === 'metadata');
  if (partialPlan.fields.length !== 1 || !metaField || metaField.repeated || metaField.value.type !== 'message') {
    throw new ProtobufEncodeError(`${partialPlan.fullName} is not shaped as PartialObjectMetadata {metadata}`);
  }
  const metaPlan = metaField.value.message;
  const metaTag = ((metaField.id << 3) | 2) >>> 0;
  let lengthBytes = 2;
  return (raw, out) => {
    const at = out.pos;
    try {
      let metaStart: number | undefined;
      try {
        metaStart = memberValueStart(raw, 0, 'metadata');
      } catch {
        throw NotOnFastPath;
      }
      if (metaStart === undefined) throw NotOnFastPath;
      out.varint(metaTag);
      const reserved = lengthBytes;
      const lengthAt = out.beginLength(reserved);
      writeMessageFromJsonAt(metaPlan, raw, metaStart, out);
      lengthBytes = out.endLength(lengthAt, reserved);
    } catch (err) {
      if (err !== NotOnFastPath) throw err;
      out.pos = at;
      const obj = JSON.parse(raw.toString('utf8')) as Record<string, unknown>;
      const writer = protobuf.Writer.create();
      writeMessage(partialPlan, { metadata: obj.metadata ?? {} }, writer);
      const bytes = writer.finish();
      out.copy(bytes, 0, bytes.length);
    }
  };
}

/** Whether the stored bytes start with this TypeMeta (`{"kind":…,"apiVersion":…,`), as stored objects do. */
function startsWithTypeMeta(raw: Buffer, apiVersion: string, kind: string): boolean {
  const typeMeta = `{"kind":${JSON.stringify(kind)},"apiVersion":${JSON.stringify(apiVersion)},`;
  return raw.length > typeMeta.length && raw.toString('latin1', 0, typeMeta.length) === typeMeta;
}

/** A ChunkWriter's output, written into one chunk (nothing here starts a new one). */
function onePiece(out: ChunkWriter): Buffer {
  const chunks = out.finish();
  return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
}

/** An object as an item of its typed list: without kind and apiVersion (as responses.ts's listItem). */
function listItem(obj: Record<string, unknown>): Record<string, unknown> {
  const { kind: _kind, apiVersion: _apiVersion, ...item } = obj;
  return item;
}
