// The Kubernetes protobuf wire format (application/vnd.kubernetes.protobuf) and the protobuf
// form of /openapi/v2 (application/com.github.proto-openapi.spec.v2.v1.0+protobuf).
export { createProtobufCodec, type ProtobufCodec, type ProtobufCodecStats, type StoredForm } from './codec.js';
export { ProtobufDecodeError, ProtobufEncodeError, type ProtobufDecodeProblem } from './errors.js';
export { PROTOBUF_MAGIC } from './envelope.js';
export { encodeOpenApiV2Document } from './openapi-v2-document.js';
