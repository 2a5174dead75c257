// A per-message description of how each protobuf field maps to Go's JSON form, built once per
// message type and shared by the decoder and the encoder.
import { messageTypeOf, type ProtoField, type ProtoType } from './proto-schema.js';
import { parseFieldRules, type Presence } from './field-rules.js';
import { specialKindOf, type SpecialKind } from './special-messages.js';

export { parseFieldRules, type Presence } from './field-rules.js';

export type ScalarType = 'string' | 'bytes' | 'bool' | 'int32' | 'int64' | 'uint32' | 'uint64' | 'double' | 'float';

export type ValuePlan =
  | { readonly type: 'scalar'; readonly scalar: ScalarType }
  | { readonly type: 'special'; readonly special: SpecialKind }
  | { readonly type: 'message'; readonly message: MessagePlan };

export interface FieldPlan {
  readonly id: number;
  /** Position in MessagePlan.fields: the decoder's slot. */
  readonly index: number;
  readonly protoName: string;
  readonly jsonName: string;
  readonly presence: Presence;
  /** The field's message is merged into the parent's JSON object (Go `json:",inline"`). */
  readonly inline: boolean;
  readonly repeated: boolean;
  readonly map: boolean;
  /** The key type of a map field (Kubernetes maps are keyed by strings). */
  readonly key: ScalarType | undefined;
  /** The element type of a repeated field, the value type of a map. */
  readonly value: ValuePlan;
}

export interface MessagePlan {
  readonly fullName: string;
  /** Declaration order, which is Go's struct (and so JSON) order. */
  readonly fields: readonly FieldPlan[];
  /** Indexed by field number. */
  readonly byId: readonly (FieldPlan | undefined)[];
}

export interface PlanCache {
  planFor(type: ProtoType): MessagePlan;
}

const SCALARS: ReadonlySet<string> = new Set<ScalarType>(['string', 'bytes', 'bool', 'int32', 'int64', 'uint32', 'uint64', 'double', 'float']);

function scalarOf(name: string, field: ProtoField): ScalarType {
  if (!SCALARS.has(name)) throw new Error(`unsupported protobuf type ${name} in ${field.fullName}`);
  return name as ScalarType;
}

/** Plans are memoized per cache; one cache per codec keeps two servers independent. */
export function createPlanCache(rules: Readonly<Record<string, string>>): PlanCache {
  const plans = new Map<string, MessagePlan>();

  function valuePlanOf(field: ProtoField): ValuePlan {
    const message = messageTypeOf(field);
    if (message) {
      const special = specialKindOf(message);
      return special ? { type: 'special', special } : { type: 'message', message: planFor(message) };
    }
    return { type: 'scalar', scalar: scalarOf(field.type, field) };
  }

  function planFor(type: ProtoType): MessagePlan {
    const fullName = type.fullName.slice(1);
    const cached = plans.get(fullName);
    if (cached) return cached;
    const fields: FieldPlan[] = [];
    const byId: (FieldPlan | undefined)[] = [];
    const plan: MessagePlan = { fullName, fields, byId };
    // Registered before the fields are planned, so self-referencing messages terminate.
    plans.set(fullName, plan);
    const rule = rules[fullName];
    const fieldRules = rule ? parseFieldRules(rule) : undefined;
    for (const field of type.fieldsArray) {
      const r = fieldRules?.get(field.name);
      const fieldPlan: FieldPlan = {
        id: field.id,
        index: fields.length,
        protoName: field.name,
        // Fields kubectl's Go types do not know yet keep the proto name, which matches the Go
        // json tag except for names go-to-protobuf had to invent (listed in the rules).
        jsonName: r?.jsonName ?? field.name,
        presence: r?.presence ?? 'pointer',
        inline: r?.inline ?? false,
        repeated: field.repeated,
        map: field.map,
        key: field.map ? scalarOf((field as ProtoField & { keyType: string }).keyType, field) : undefined,
        value: valuePlanOf(field),
      };
      fields.push(fieldPlan);
      byId[field.id] = fieldPlan;
    }
    return plan;
  }

  return { planFor };
}
