// Renders decoded JSON the way Go's fmt prints a map[string]interface{} tree, because kube-apiserver
// puts such renderings verbatim into the messages of strategic-merge-patch failures
// (e.g. `map: map[image:x] does not contain declared merge key: name`).
import type { JsonValue } from '../object.js';
import { jsonKind } from './json-value.js';

function formatNumber(value: number): string {
  // JSON integers decode to int64 on the Go side; other numbers print as %v of a float64,
  // whose exponent always has at least two digits (1e-07, 1e+21).
  if (Number.isInteger(value)) return String(value);
  return String(value).replace(/e([+-])(\d)$/, 'e$10$2');
}

function formatScalarAsString(value: JsonValue | undefined): string {
  // %s on a value that is not a string: Go prints %!s(type=value).
  switch (jsonKind(value)) {
    case 'string':
      return value as string;
    case 'number':
      return `%!s(${Number.isInteger(value) ? 'int64' : 'float64'}=${formatNumber(value as number)})`;
    case 'boolean':
      return `%!s(bool=${String(value)})`;
    default:
      return '%!s(<nil>)';
  }
}

/** Go's `%v` (or `%s` with verb 's') of a decoded JSON value: map[a:1 b:[x y]] with sorted keys, <nil> for null. */
export function goFormat(value: JsonValue | undefined, verb: 'v' | 's' = 'v'): string {
  switch (jsonKind(value)) {
    case 'object': {
      const object = value as Record<string, JsonValue>;
      const keys = Object.keys(object).sort();
      return `map[${keys.map((k) => `${k}:${goFormat(object[k], verb)}`).join(' ')}]`;
    }
    case 'array':
      return `[${(value as JsonValue[]).map((v) => goFormat(v, verb)).join(' ')}]`;
    case 'null':
      return verb === 's' ? '%!s(<nil>)' : '<nil>';
    case 'number':
      return verb === 's' ? formatScalarAsString(value) : formatNumber(value as number);
    case 'boolean':
      return verb === 's' ? formatScalarAsString(value) : String(value);
    default:
      return value as string;
  }
}

/** reflect.TypeOf(v).String() for a decoded JSON value, as mergepatch.ErrBadArgType prints it. */
export function goTypeName(value: JsonValue | undefined): string {
  switch (jsonKind(value)) {
    case 'object':
      return 'map[string]interface {}';
    case 'array':
      return '[]interface {}';
    case 'string':
      return 'string';
    case 'boolean':
      return 'bool';
    case 'number':
      return Number.isInteger(value) ? 'int64' : 'float64';
    default:
      return '%!s(<nil>)';
  }
}

/** The JSON type word encoding/json uses in "cannot unmarshal <word> into Go value of type …". */
export function goJsonTypeWord(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'boolean') return 'bool';
  return typeof value === 'object' ? 'object' : typeof value;
}

/**
 * Go's `%#v` of a decoded JSON value, as field.Error prints a structured bad value:
 * `map[string]interface {}{"port":80, "protocol":"TCP"}` (keys sorted), `[]interface {}{"a"}`.
 */
export function goSyntaxFormat(value: JsonValue | undefined): string {
  switch (jsonKind(value)) {
    case 'object': {
      const object = value as Record<string, JsonValue>;
      const keys = Object.keys(object).sort();
      return `map[string]interface {}{${keys.map((k) => `${JSON.stringify(k)}:${goSyntaxFormat(object[k])}`).join(', ')}}`;
    }
    case 'array':
      return `[]interface {}{${(value as JsonValue[]).map(goSyntaxFormat).join(', ')}}`;
    case 'null':
      return 'interface {}(nil)';
    case 'number':
      return formatNumber(value as number);
    case 'boolean':
      return String(value);
    default:
      return JSON.stringify(value);
  }
}
