// Test support (imported only by *.test.ts): builds Kubernetes protobuf bodies independently
// of the codec, with protobufjs' own encoder over the real .proto files.
import protobuf from 'protobufjs';
import { locateProtoDir } from '../spec-files.js';
import { createProtoSchema, type ProtoSchema } from './proto-schema.js';

export interface TestProtos {
  readonly protoDir: string;
  type(fullName: string): protobuf.Type;
  /** `value` (protobufjs object form: int64 as numbers, bytes as Uint8Array) as an object message. */
  message(fullName: string, value: Record<string, unknown>): Uint8Array;
  /** "k8s\0" + runtime.Unknown around `raw`, as a Go client sends it. */
  envelope(apiVersion: string, kind: string, raw: Uint8Array, contentEncoding?: string): Uint8Array;
  /** message + envelope. */
  body(apiVersion: string, kind: string, fullName: string, value: Record<string, unknown>): Uint8Array;
  /** Decodes bytes (without magic) with protobufjs into its plain-object form. */
  decode(fullName: string, bytes: Uint8Array): Record<string, unknown>;
}

export function loadTestProtos(protoDir: string = locateProtoDir()): TestProtos {
  const schema: ProtoSchema = createProtoSchema(protoDir);
  const type = (fullName: string): protobuf.Type => {
    // "k8s.io.api.apps.v1.Deployment" is declared in k8s.io/api/apps/v1/generated.proto.
    const pkg = fullName.slice('k8s.io.'.length, fullName.lastIndexOf('.'));
    const found = schema.lookup(`k8s.io/${pkg.replaceAll('.', '/')}/generated.proto`, fullName);
    if (!found) throw new Error(`no message ${fullName}`);
    return found;
  };
  const message = (fullName: string, value: Record<string, unknown>): Uint8Array => {
    const t = type(fullName);
    const problem = t.verify(value);
    if (problem) throw new Error(`${fullName}: ${problem}`);
    return t.encode(t.fromObject(value)).finish();
  };
  const envelope = (apiVersion: string, kind: string, raw: Uint8Array, contentEncoding = ''): Uint8Array => {
    const unknown = message('k8s.io.apimachinery.pkg.runtime.Unknown', { typeMeta: { apiVersion, kind }, raw, contentEncoding, contentType: '' });
    const out = new Uint8Array(4 + unknown.length);
    out.set([0x6b, 0x38, 0x73, 0x00]);
    out.set(unknown, 4);
    return out;
  };
  return {
    protoDir,
    type,
    message,
    envelope,
    body: (apiVersion, kind, fullName, value) => envelope(apiVersion, kind, message(fullName, value)),
    decode: (fullName, bytes) => type(fullName).toObject(type(fullName).decode(bytes), { longs: Number, bytes: String, defaults: false }),
  };
}
