// Strategic-merge-patch metadata from the OpenAPI v2 `definitions`: which fields merge, by which key,
// and which replace. Nodes are built lazily — a definition's fields only when a patch first reaches
// it — and memoized per resolver, so a patch costs a few map lookups once a kind has been seen.
import { parsePatchStrategy, type PatchFieldSchema, type PatchSchemaNode, type PatchStrategy } from '../machinery/patch/index.js';

type Schema = Record<string, unknown>;

const definitionRefPrefix = '#/definitions/';

function isSchema(value: unknown): value is Schema {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The definition a schema stands for: `$ref`, or an `allOf` holding a single `$ref` (v3 style). */
function referencedName(schema: Schema): string | undefined {
  let ref = schema.$ref;
  if (ref === undefined && Array.isArray(schema.allOf) && schema.allOf.length === 1 && isSchema(schema.allOf[0])) {
    ref = schema.allOf[0].$ref;
  }
  if (typeof ref !== 'string') return undefined;
  return ref.startsWith(definitionRefPrefix) ? ref.slice(definitionRefPrefix.length) : undefined;
}

class SchemaField implements PatchFieldSchema {
  readonly strategy: PatchStrategy | undefined;
  readonly retainKeys: boolean;
  readonly mergeKey: string | undefined;
  #resolved = false;
  #schema: PatchSchemaNode | undefined;

  constructor(
    property: Schema,
    private readonly valueSchema: unknown,
    private readonly nodeFor: (schema: unknown) => PatchSchemaNode | undefined,
  ) {
    const { strategy, retainKeys } = parsePatchStrategy(property['x-kubernetes-patch-strategy']);
    this.strategy = strategy;
    this.retainKeys = retainKeys;
    const mergeKey = property['x-kubernetes-patch-merge-key'];
    this.mergeKey = typeof mergeKey === 'string' && mergeKey !== '' ? mergeKey : undefined;
  }

  get schema(): PatchSchemaNode | undefined {
    if (!this.#resolved) {
      this.#schema = this.nodeFor(this.valueSchema);
      this.#resolved = true;
    }
    return this.#schema;
  }
}

/** A struct: named properties, each with its own metadata. */
class ObjectNode implements PatchSchemaNode {
  readonly #fields = new Map<string, SchemaField>();

  constructor(
    private readonly properties: Schema,
    private readonly makeField: (property: Schema) => SchemaField,
  ) {}

  field(name: string): PatchFieldSchema | undefined {
    let field = this.#fields.get(name);
    if (field === undefined) {
      if (!Object.prototype.hasOwnProperty.call(this.properties, name)) return undefined;
      const property = this.properties[name];
      if (!isSchema(property)) return undefined;
      field = this.makeField(property);
      this.#fields.set(name, field);
    }
    return field;
  }
}

/** A map (`additionalProperties`): every key shares one field description. */
class MapNode implements PatchSchemaNode {
  #field: SchemaField | undefined;

  constructor(
    private readonly values: Schema,
    private readonly makeField: (property: Schema) => SchemaField,
  ) {}

  field(): PatchFieldSchema {
    return (this.#field ??= this.makeField(this.values));
  }
}

/**
 * Returns a lookup from a definition name (e.g. "io.k8s.api.apps.v1.Deployment") to the patch schema of
 * that kind, or undefined when the definition does not exist or describes no fields (free-form objects,
 * which then patch like a JSON merge patch). Each resolver keeps its own memo; none is shared.
 */
export function createPatchSchemaResolver(definitions: Record<string, unknown>): (definitionName: string) => PatchSchemaNode | undefined {
  const named = new Map<string, PatchSchemaNode | null>();
  const inline = new WeakMap<Schema, PatchSchemaNode | null>();

  function makeField(property: Schema): SchemaField {
    // A list's metadata sits on the list; the node describes its elements.
    const valueSchema = property.type === 'array' ? property.items : property;
    return new SchemaField(property, valueSchema, nodeFor);
  }

  function build(schema: Schema): PatchSchemaNode | undefined {
    if (isSchema(schema.properties)) return new ObjectNode(schema.properties, makeField);
    if (isSchema(schema.additionalProperties)) return new MapNode(schema.additionalProperties, makeField);
    return undefined;
  }

  function resolve(name: string): PatchSchemaNode | undefined {
    let node = named.get(name);
    if (node === undefined) {
      const definition = Object.prototype.hasOwnProperty.call(definitions, name) ? definitions[name] : undefined;
      node = (isSchema(definition) ? build(definition) : undefined) ?? null;
      named.set(name, node);
    }
    return node ?? undefined;
  }

  function nodeFor(schema: unknown): PatchSchemaNode | undefined {
    if (!isSchema(schema)) return undefined;
    const name = referencedName(schema);
    if (name !== undefined) return resolve(name);
    let node = inline.get(schema);
    if (node === undefined) {
      node = build(schema) ?? null;
      inline.set(schema, node);
    }
    return node ?? undefined;
  }

  return resolve;
}
