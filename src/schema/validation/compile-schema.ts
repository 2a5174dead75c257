// Turns OpenAPI v2 definitions into a tree of small descriptors that the decode walk
// dispatches on: what Go type a value decodes into, with the names Go prints in its errors.
// Each definition is compiled once, on first use, and shared by every object checked later.

export const NodeKind = {
  Struct: 0,
  Map: 1,
  Array: 2,
  String: 3,
  Bool: 4,
  Int32: 5,
  Int64: 6,
  Float: 7,
  IntOrString: 8,
  Quantity: 9,
  Time: 10,
  MicroTime: 11,
  Bytes: 12,
  Any: 13,
} as const;
export type NodeKind = (typeof NodeKind)[keyof typeof NodeKind];

export interface FieldInfo {
  readonly node: SchemaNode;
  readonly required: boolean;
  /** An optional slice, map or []byte: Go's omitempty leaves it out when empty. */
  readonly omitEmpty: boolean;
}

export interface SchemaNode {
  readonly kind: NodeKind;
  /** The Go type as encoding/json prints it: "v1.PodSpec", "[]v1.Container", "map[string]string". */
  goType: string;
  /** Struct: the bare Go type name errors use as "Go struct field <name>.<path>". */
  goName: string;
  /** Struct: known fields. */
  fields: Map<string, FieldInfo>;
  /** Struct: required fields, in spec order. */
  required: string[];
  /** Struct: keep fields the schema does not list (x-kubernetes-preserve-unknown-fields). */
  preserveUnknown: boolean;
  /** Map values or array items. */
  elem: SchemaNode | undefined;
}

type Schema = Record<string, unknown>;

const refPrefix = '#/definitions/';
const quantityDef = 'io.k8s.apimachinery.pkg.api.resource.Quantity';
const objectMetaDef = 'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta';

// Definitions whose Go types implement their own UnmarshalJSON: decoded by what they are,
// not by the (deliberately vague) schema the spec publishes for them.
const specialDefinitions: Record<string, NodeKind> = {
  [quantityDef]: NodeKind.Quantity,
  'io.k8s.apimachinery.pkg.util.intstr.IntOrString': NodeKind.IntOrString,
  'io.k8s.apimachinery.pkg.apis.meta.v1.Time': NodeKind.Time,
  'io.k8s.apimachinery.pkg.apis.meta.v1.MicroTime': NodeKind.MicroTime,
  // Raw JSON holders: anything goes, nothing inside is checked.
  'io.k8s.apimachinery.pkg.runtime.RawExtension': NodeKind.Any,
  'io.k8s.apimachinery.pkg.apis.meta.v1.FieldsV1': NodeKind.Any,
  'io.k8s.apimachinery.pkg.apis.meta.v1.Patch': NodeKind.Any,
};

function node(kind: NodeKind, goType: string): SchemaNode {
  return { kind, goType, goName: '', fields: new Map(), required: [], preserveUnknown: false, elem: undefined };
}

const scalarNodes = {
  string: node(NodeKind.String, 'string'),
  bool: node(NodeKind.Bool, 'bool'),
  int32: node(NodeKind.Int32, 'int32'),
  int64: node(NodeKind.Int64, 'int64'),
  float: node(NodeKind.Float, 'float64'),
  intOrString: node(NodeKind.IntOrString, 'intstr.IntOrString'),
  bytes: node(NodeKind.Bytes, '[]uint8'),
  any: node(NodeKind.Any, 'interface {}'),
};

function fieldInfo(n: SchemaNode, required: boolean): FieldInfo {
  const collection = n.kind === NodeKind.Array || n.kind === NodeKind.Map || n.kind === NodeKind.Bytes;
  return { node: n, required, omitEmpty: !required && collection };
}

/** "io.k8s.api.core.v1.PodSpec" -> ["v1", "PodSpec"]: the Go package name and type name. */
function goNames(definitionName: string): [string, string] {
  const parts = definitionName.split('.');
  const name = parts[parts.length - 1] ?? definitionName;
  const pkg = parts[parts.length - 2] ?? '';
  return [pkg, name];
}

export interface SchemaCompiler {
  /** The compiled node of a definition; undefined if the spec has no such definition. */
  definition(name: string): SchemaNode | undefined;
}

export function createSchemaCompiler(definitions: Record<string, unknown>): SchemaCompiler {
  const cache = new Map<string, SchemaNode>();

  function definition(name: string): SchemaNode | undefined {
    const hit = cache.get(name);
    if (hit) return hit;
    const schema = definitions[name] as Schema | undefined;
    if (!schema || typeof schema !== 'object') return undefined;
    const special = specialDefinitions[name];
    const [pkg, short] = goNames(name);
    if (special !== undefined) {
      const n = node(special, `${pkg}.${short}`);
      cache.set(name, n);
      return n;
    }
    if (schema.type === undefined && schema.properties === undefined && schema.$ref === undefined) {
      // apiextensions JSON and JSONSchemaPropsOr*: free-form values with custom decoding.
      const n = node(NodeKind.Any, `${pkg}.${short}`);
      cache.set(name, n);
      return n;
    }
    if (schema.type === 'object' && schema.additionalProperties === undefined) {
      // A struct; registered before its fields are compiled so recursive types terminate.
      const n = node(NodeKind.Struct, `${pkg}.${short}`);
      n.goName = short;
      cache.set(name, n);
      fillStruct(n, schema);
      return n;
    }
    const n = compile(schema);
    cache.set(name, n);
    return n;
  }

  function resolveRef(ref: string): SchemaNode {
    if (!ref.startsWith(refPrefix)) return scalarNodes.any;
    return definition(ref.slice(refPrefix.length)) ?? scalarNodes.any;
  }

  function fillStruct(n: SchemaNode, schema: Schema): void {
    const props = (schema.properties ?? {}) as Record<string, Schema>;
    const required = new Set(Array.isArray(schema.required) ? (schema.required as string[]) : []);
    for (const [field, propSchema] of Object.entries(props)) {
      n.fields.set(field, fieldInfo(compile(propSchema), required.has(field)));
    }
    if (schema['x-kubernetes-embedded-resource'] === true) {
      // An embedded object carries its own type and metadata even if the schema omits them.
      if (!n.fields.has('apiVersion')) n.fields.set('apiVersion', fieldInfo(scalarNodes.string, false));
      if (!n.fields.has('kind')) n.fields.set('kind', fieldInfo(scalarNodes.string, false));
      if (!n.fields.has('metadata')) n.fields.set('metadata', fieldInfo(definition(objectMetaDef) ?? scalarNodes.any, false));
    }
    n.required = [...required];
    n.preserveUnknown = schema['x-kubernetes-preserve-unknown-fields'] === true;
  }

  function compile(schema: Schema): SchemaNode {
    if (typeof schema.$ref === 'string') return resolveRef(schema.$ref);
    if (Array.isArray(schema.allOf) && schema.allOf.length === 1) return compile(schema.allOf[0] as Schema);
    if (schema['x-kubernetes-int-or-string'] === true || schema.format === 'int-or-string') return scalarNodes.intOrString;
    switch (schema.type) {
      case 'string':
        if (schema.format === 'byte') return scalarNodes.bytes;
        if (schema.format === 'date-time') return node(NodeKind.Time, 'v1.Time');
        return scalarNodes.string;
      case 'boolean':
        return scalarNodes.bool;
      case 'integer':
        return schema.format === 'int32' ? scalarNodes.int32 : scalarNodes.int64;
      case 'number':
        return scalarNodes.float;
      case 'array': {
        const elem = schema.items ? compile(schema.items as Schema) : scalarNodes.any;
        const n = node(NodeKind.Array, `[]${elem.goType}`);
        n.elem = elem;
        return n;
      }
      case 'object': {
        const ap = schema.additionalProperties;
        if (ap !== undefined && ap !== false && schema.properties === undefined) {
          const elem = typeof ap === 'object' && ap !== null ? compile(ap as Schema) : scalarNodes.any;
          // core/v1 ResourceList is the one named map type users meet in errors.
          const goType = elem.kind === NodeKind.Quantity ? 'v1.ResourceList' : `map[string]${elem.goType}`;
          const n = node(NodeKind.Map, goType);
          n.elem = elem;
          return n;
        }
        if (schema.properties === undefined && schema['x-kubernetes-embedded-resource'] !== true) {
          return schema['x-kubernetes-preserve-unknown-fields'] === true ? scalarNodes.any : emptyStruct(schema);
        }
        const n = node(NodeKind.Struct, 'struct');
        n.goName = 'struct';
        fillStruct(n, schema);
        return n;
      }
      default:
        return scalarNodes.any;
    }
  }

  function emptyStruct(schema: Schema): SchemaNode {
    const n = node(NodeKind.Struct, 'struct {}');
    fillStruct(n, schema);
    return n;
  }

  return { definition };
}
