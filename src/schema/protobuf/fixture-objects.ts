// Test support (imported only by *.test.ts): objects of any message with every field set, in
// the JSON form the API server stores them, for tests that compare two encoders byte by byte.
import { goFieldRules } from './go-field-rules.js';
import type { TestProtos } from './fixture-bodies.js';
import { protoMessageCandidates } from './kind-messages.js';
import { createPlanCache, type FieldPlan, type MessagePlan, type ScalarType, type ValuePlan } from './message-plan.js';
import type { SpecialKind } from './special-messages.js';

export type Json = Record<string, unknown>;

export interface SamplePlans {
  /** The message plan of apiVersion/kind, if it has a protobuf form. */
  of(apiVersion: string, kind: string): MessagePlan | undefined;
}

export function samplePlans(protos: TestProtos): SamplePlans {
  const plans = createPlanCache(goFieldRules);
  return {
    of(apiVersion, kind) {
      for (const ref of protoMessageCandidates(apiVersion, kind)) {
        try {
          return plans.planFor(protos.type(ref.fullName));
        } catch {
          // not declared in that file
        }
      }
      return undefined;
    },
  };
}

/** Values that take every branch: escapes, non-ASCII, lengths whose varint is 1, 2 and 3 bytes. */
const strings = ['plain', 'quote " back \\ nl \n tab \t ctrl \u0001 slash /', 'héllo ✓ 日本語 😀', 'x'.repeat(70), 'y'.repeat(200), ''];

function scalarSample(type: ScalarType, n: number): unknown {
  switch (type) {
    case 'string':
      return strings[n % strings.length];
    case 'bytes':
      return Buffer.from(`bytes ${n} ✓`).toString('base64');
    case 'bool':
      return n % 2 === 0;
    case 'int32':
      return [7, -7, 2147483647, -2147483648, 0, 300][n % 6];
    case 'uint32':
      return [7, 4294967295, 0, 300][n % 4];
    case 'int64':
      return [7, -7, 2 ** 40, -(2 ** 40), Number.MAX_SAFE_INTEGER, 0][n % 6];
    case 'uint64':
      return [7, 2 ** 40, 0][n % 3];
    case 'double':
    case 'float':
      return [1.5, -0.25, 3, 1e21, 0][n % 5];
  }
}

function specialSample(special: SpecialKind, n: number): unknown {
  switch (special) {
    case 'time':
      return ['2026-12-06T22:50:43Z', '1969-07-20T20:17:40Z', '2026-01-01T00:00:00+02:00'][n % 3];
    case 'microTime':
      return ['2026-12-06T22:50:43.123456Z', '2026-12-06T22:50:43.000001Z'][n % 2];
    case 'duration':
      return ['1h2m3.5s', '-5m', '250ms', '0s'][n % 4];
    case 'intOrString':
      return [8080, 'http', -1, '25%'][n % 4];
    case 'quantity':
      return ['100m', '1.5Gi', '0'][n % 3];
    case 'rawExtension':
      return n % 2 ? { apiVersion: 'v1', kind: 'ConfigMap', data: { a: 'x "y" \\ ✓', n: [1, 2.5, null, true, { '10': 'ten', '2': 'two' }] } } : 'a string';
    case 'fieldsV1':
      return { 'f:metadata': { 'f:labels': { '.': {}, 'f:app': {} } }, 'f:spec': { 'k:{"name":"app"}': { '.': {}, 'f:image': {} } } };
    case 'stringList':
      return ['get', 'list', strings[n % strings.length]];
  }
}

function valueSample(value: ValuePlan, n: number, depth: number): unknown {
  switch (value.type) {
    case 'scalar':
      return scalarSample(value.scalar, n);
    case 'special':
      return specialSample(value.special, n);
    case 'message':
      return depth > 3 ? {} : objectSample(value.message, n, depth + 1);
  }
}

function fieldSample(field: FieldPlan, n: number, depth: number): unknown {
  if (field.map) return { 'b-key': valueSample(field.value, n, depth), 'a/key.io': valueSample(field.value, n + 1, depth), 'k ✓': null };
  if (field.repeated) return [valueSample(field.value, n, depth), null, valueSample(field.value, n + 1, depth)];
  return valueSample(field.value, n, depth);
}

/** An object with every field of the message set (inlined messages' fields among its own), as Go orders them. */
export function objectSample(plan: MessagePlan, n: number, depth: number): Json {
  const obj: Json = {};
  for (const field of plan.fields) {
    if (field.inline && field.value.type === 'message') Object.assign(obj, objectSample(field.value.message, n, depth));
    else obj[field.jsonName] = fieldSample(field, n + field.id, depth);
  }
  return obj;
}

