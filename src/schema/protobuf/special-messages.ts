// Messages whose Go type has its own JSON form instead of an object of its proto fields.
import type { ProtoType } from './proto-schema.js';

export type SpecialKind =
  /** meta/v1 Time {seconds, nanos}: RFC 3339 in UTC with second precision, zero → null. */
  | 'time'
  /** meta/v1 MicroTime: RFC 3339 in UTC with six fraction digits, zero → null. */
  | 'microTime'
  /** meta/v1 Duration {duration: nanoseconds}: Go duration text such as "1h0m0s". */
  | 'duration'
  /** intstr.IntOrString {type, intVal, strVal}: a JSON number or string. */
  | 'intOrString'
  /** resource.Quantity {string}: the quantity text. */
  | 'quantity'
  /** runtime.RawExtension {raw}: the embedded object (raw JSON, or a nested k8s protobuf envelope). */
  | 'rawExtension'
  /** meta/v1 FieldsV1 {Raw}: the raw JSON of the managed-fields set. */
  | 'fieldsV1'
  /** Go `[]string` types with a wrapper message {repeated string items = 1} (Verbs, ExtraValue, …). */
  | 'stringList';

const META = 'k8s.io.apimachinery.pkg.apis.meta.v1';

export const SPECIAL_MESSAGES: ReadonlyMap<string, SpecialKind> = new Map<string, SpecialKind>([
  [`${META}.Time`, 'time'],
  [`${META}.MicroTime`, 'microTime'],
  [`${META}.Duration`, 'duration'],
  [`${META}.FieldsV1`, 'fieldsV1'],
  ['k8s.io.apimachinery.pkg.util.intstr.IntOrString', 'intOrString'],
  ['k8s.io.apimachinery.pkg.api.resource.Quantity', 'quantity'],
  ['k8s.io.apimachinery.pkg.runtime.RawExtension', 'rawExtension'],
]);

/** The JSON form a message type needs, or undefined for an ordinary object. */
export function specialKindOf(type: ProtoType): SpecialKind | undefined {
  const known = SPECIAL_MESSAGES.get(type.fullName.slice(1));
  if (known) return known;
  // go-to-protobuf wraps named string slices (`type Verbs []string`) in a message whose only
  // field is `repeated string items = 1`; no ordinary Kubernetes struct has that shape.
  const fields = type.fieldsArray;
  if (fields.length === 1) {
    const only = fields[0]!;
    if (only.name === 'items' && only.id === 1 && only.repeated && only.type === 'string') return 'stringList';
  }
  return undefined;
}
