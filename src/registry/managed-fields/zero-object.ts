// The "empty" object a create is compared against. The real server compares a new object with
// the Go zero value of its kind, which is not `{}`: struct-valued fields print as `{}`, some
// slices and pointers as null, some scalars as their zero. That decides, for example, that the
// creator of a Deployment owns `f:spec` only through its children (spec existed, empty) but
// owns `f:strategy: {f:rollingUpdate: {.: {}}}` (rollingUpdate did not exist). The Go printing
// rules come from the protobuf codec's table (see src/schema/protobuf/go-field-rules.ts).
import { isObject, type JsonMap } from './json-value.js';

type Schema = Record<string, unknown>;

const timeTypes = new Set(['io.k8s.apimachinery.pkg.apis.meta.v1.Time', 'io.k8s.apimachinery.pkg.apis.meta.v1.MicroTime']);
const structZeros: Readonly<Record<string, unknown>> = {
  'io.k8s.apimachinery.pkg.api.resource.Quantity': '0',
  'io.k8s.apimachinery.pkg.util.intstr.IntOrString': 0,
};

const rulePattern = /^([A-Za-z0-9_]+)([?!~$^]?)(?:=(.+))?$/;

export interface ZeroObjects {
  /** The zero value of a definition, frozen and shared: read it, never change it. */
  of(definitionName: string): JsonMap;
}

export function createZeroObjects(definitions: Record<string, unknown>, goFieldRules: Readonly<Record<string, string>>): ZeroObjects {
  const cache = new Map<string, JsonMap>();

  function of(name: string, depth = 0): JsonMap {
    const cached = cache.get(name);
    if (cached !== undefined) return cached;
    const zero: JsonMap = {};
    const definition = definitions[name];
    // Types without protobuf (apiextensions, apiregistration) follow the API convention: metadata,
    // spec and status are struct values.
    const rules = goFieldRules[protoName(name)] ?? 'metadata$ spec$ status$';
    if (isObject(definition) && isObject(definition.properties) && depth < 16) {
      const properties = definition.properties as Schema;
      for (const rule of rules.split(' ')) {
        const match = rulePattern.exec(rule);
        if (match === null) continue;
        const [, protoField, code, jsonName] = match;
        const field = jsonName ?? protoField!;
        const property = properties[field];
        if (!isObject(property)) continue;
        const value = zeroOf(code!, property, depth);
        if (value !== undefined) zero[field] = value;
      }
    }
    Object.freeze(zero);
    cache.set(name, zero);
    return zero;
  }

  function zeroOf(code: string, property: Schema, depth: number): unknown {
    switch (code) {
      case '~':
        return null;
      case '!':
        switch (property.type) {
          case 'integer':
          case 'number':
            return 0;
          case 'string':
            return property.format === 'byte' ? null : '';
          case 'boolean':
            return false;
          default:
            return undefined;
        }
      case '$': {
        const ref = typeof property.$ref === 'string' ? property.$ref.replace('#/definitions/', '') : undefined;
        if (ref === undefined) return undefined;
        if (timeTypes.has(ref)) return null;
        if (Object.hasOwn(structZeros, ref)) return structZeros[ref];
        return of(ref, depth + 1);
      }
      default:
        return undefined;
    }
  }

  return { of: (name) => of(name) };
}

/** `io.k8s.api.apps.v1.Deployment` → `k8s.io.api.apps.v1.Deployment`. */
function protoName(definitionName: string): string {
  return definitionName.startsWith('io.k8s.') ? `k8s.io.${definitionName.slice('io.k8s.'.length)}` : definitionName;
}
