// Errors of the protobuf codec. The HTTP layer turns a decode error into 400 BadRequest; an
// encode error means a caller asked for a kind without a protobuf form (check canEncode first).

export type ProtobufDecodeProblem =
  /** The body does not start with the Kubernetes protobuf magic "k8s\0". */
  | 'missing-magic'
  /** The bytes are not valid protobuf for the expected message (truncated, wrong wire types, bad embedded JSON). */
  | 'malformed'
  /** The envelope names an apiVersion/kind that has no protobuf message (CRDs, apiextensions, unknown kinds). */
  | 'unknown-kind'
  /** The envelope's raw bytes use a contentEncoding kubemu does not implement. */
  | 'unsupported-encoding';

export class ProtobufDecodeError extends Error {
  override readonly name = 'ProtobufDecodeError';
  constructor(
    readonly problem: ProtobufDecodeProblem,
    message: string,
  ) {
    super(message);
  }
}

export class ProtobufEncodeError extends Error {
  override readonly name = 'ProtobufEncodeError';
}
