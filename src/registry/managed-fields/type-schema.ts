// The typed view structured merge works on, compiled from the OpenAPI v2 `definitions` the way
// kube-openapi's schema conversion builds structured-merge-diff's schema for built-in types:
// structs and maps (granular unless `x-kubernetes-map-type: atomic`), lists that are atomic,
// sets or maps keyed by `x-kubernetes-list-map-keys` (falling back to the strategic-merge
// metadata), and the two untyped shapes (atomic, and "deduced" from the value at hand).
// Nodes are built on first use and memoized per resolver, so a kind costs its compilation once.

type Schema = Record<string, unknown>;

export type ScalarKind = 'string' | 'numeric' | 'boolean' | 'untyped';

export interface ScalarType {
  readonly kind: 'scalar';
  readonly scalar: ScalarKind;
}

/** Any value, always owned as a whole (RawExtension, items of untyped lists). */
export interface AtomicType {
  readonly kind: 'atomic';
}

/** Untyped value whose shape is read from the value: objects are granular maps, the rest leaves. */
export interface DeducedType {
  readonly kind: 'deduced';
}

export interface FieldSlot {
  /** The field's path element, `f:<name>`, computed once. */
  readonly pe: string;
  /** The position of `pe` among the struct's declared fields in element order. */
  readonly rank: number;
  readonly type: TypeNode;
}

/** A struct (declared fields) and/or a map (`additionalProperties`): SMD's one "map" shape. */
export interface MapType {
  readonly kind: 'map';
  readonly atomic: boolean;
  /** True when the schema declares properties (a struct). */
  readonly isStruct: boolean;
  field(name: string): FieldSlot | undefined;
  /** The type of keys that are not declared fields; undefined when such keys are not allowed. */
  readonly elements: TypeNode | undefined;
}

export interface ListType {
  readonly kind: 'list';
  readonly relation: 'atomic' | 'set' | 'map';
  /** Key fields of a map-list, sorted by name (the order path elements use). */
  readonly keys: readonly string[];
  /** Default value for each key in `keys`, or undefined when the key has none. */
  readonly keyDefaults: readonly unknown[];
  readonly element: TypeNode;
}

export type TypeNode = ScalarType | AtomicType | DeducedType | MapType | ListType;

const ATOMIC: AtomicType = Object.freeze({ kind: 'atomic' });
export const DEDUCED: DeducedType = Object.freeze({ kind: 'deduced' });
const UNTYPED_SCALAR: ScalarType = Object.freeze({ kind: 'scalar', scalar: 'untyped' });
const SCALARS: Record<string, ScalarType> = {
  string: Object.freeze({ kind: 'scalar', scalar: 'string' }),
  numeric: Object.freeze({ kind: 'scalar', scalar: 'numeric' }),
  boolean: Object.freeze({ kind: 'scalar', scalar: 'boolean' }),
};

const definitionPrefix = '#/definitions/';
const rawExtension = 'io.k8s.apimachinery.pkg.runtime.RawExtension';
const quantity = 'io.k8s.apimachinery.pkg.api.resource.Quantity';

/**
 * Defaults of list-map key fields. The v2 document carries no `default`s, but the schema the
 * real server builds (from the v3 models) does, and it lets applied items omit these keys:
 * `ports: [{containerPort: 80}]` is keyed `{"containerPort":80,"protocol":"TCP"}`.
 */
const knownKeyDefaults: Readonly<Record<string, Readonly<Record<string, unknown>>>> = {
  'io.k8s.api.core.v1.ContainerPort': { protocol: 'TCP' },
  'io.k8s.api.core.v1.ServicePort': { protocol: 'TCP' },
  'io.k8s.api.core.v1.LocalObjectReference': { name: '' },
};

function isSchema(value: unknown): value is Schema {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function refName(schema: Schema): string | undefined {
  let ref = schema.$ref;
  if (ref === undefined && Array.isArray(schema.allOf) && schema.allOf.length === 1 && isSchema(schema.allOf[0])) {
    ref = schema.allOf[0].$ref;
  }
  if (typeof ref !== 'string' || !ref.startsWith(definitionPrefix)) return undefined;
  return ref.slice(definitionPrefix.length);
}

function mapTypeOverride(schema: Schema): boolean | undefined {
  const value = schema['x-kubernetes-map-type'];
  if (value === 'atomic') return true;
  if (value === 'granular') return false;
  return undefined;
}

class MapNode implements MapType {
  readonly kind = 'map';
  readonly #slots = new Map<string, FieldSlot | null>();
  #ranks: Map<string, number> | undefined;
  #elements: TypeNode | undefined | null = null;

  constructor(
    readonly atomic: boolean,
    private readonly properties: Schema | undefined,
    private readonly elementsOf: () => TypeNode | undefined,
    private readonly typeOf: (property: Schema) => TypeNode,
  ) {}

  get isStruct(): boolean {
    return this.properties !== undefined;
  }

  field(name: string): FieldSlot | undefined {
    let slot = this.#slots.get(name);
    if (slot === undefined) {
      const property = this.properties !== undefined && Object.hasOwn(this.properties, name) ? this.properties[name] : undefined;
      slot = isSchema(property) ? new LazySlot(name, property, this.typeOf, this.rankOf(name)) : null;
      this.#slots.set(name, slot);
    }
    return slot ?? undefined;
  }

  /** Declared fields sort as their names do (`f:` + name): ranks let nodes order them as numbers. */
  private rankOf(name: string): number {
    if (this.#ranks === undefined) {
      this.#ranks = new Map();
      const names = Object.keys(this.properties ?? {}).sort();
      for (let i = 0; i < names.length; i++) this.#ranks.set(names[i]!, i);
    }
    return this.#ranks.get(name) ?? -1;
  }

  get elements(): TypeNode | undefined {
    if (this.#elements === null) this.#elements = this.elementsOf();
    return this.#elements;
  }

  /** The same shape with another atomicity (a `$ref` carrying `x-kubernetes-map-type`). */
  withAtomic(atomic: boolean): MapNode {
    return new MapNode(atomic, this.properties, this.elementsOf, this.typeOf);
  }
}

class LazySlot implements FieldSlot {
  readonly pe: string;
  #type: TypeNode | undefined;

  constructor(
    name: string,
    private readonly property: Schema,
    private readonly typeOf: (property: Schema) => TypeNode,
    readonly rank: number,
  ) {
    this.pe = `f:${name}`;
  }

  get type(): TypeNode {
    if (this.#type === undefined) this.#type = this.typeOf(this.property);
    return this.#type;
  }
}

class ListNode implements ListType {
  readonly kind = 'list';
  #element: TypeNode | undefined;

  constructor(
    readonly relation: 'atomic' | 'set' | 'map',
    readonly keys: readonly string[],
    readonly keyDefaults: readonly unknown[],
    private readonly elementOf: () => TypeNode,
  ) {}

  get element(): TypeNode {
    if (this.#element === undefined) this.#element = this.elementOf();
    return this.#element;
  }
}

export interface TypeResolver {
  /** The type of a definition; unknown definitions are untyped (deduced), as for schemaless objects. */
  definition(name: string): TypeNode;
  /** True when the definition exists. */
  has(name: string): boolean;
  /** The raw definition, for callers that need its extensions. */
  raw(name: string): Schema | undefined;
}

export function createTypeResolver(definitions: Record<string, unknown>): TypeResolver {
  const byName = new Map<string, TypeNode>();
  const atomicVariants = new Map<string, TypeNode>();

  function definition(name: string): TypeNode {
    let node = byName.get(name);
    if (node === undefined) {
      const schema = definitions[name];
      if (name === rawExtension) node = ATOMIC;
      else if (name === quantity) node = UNTYPED_SCALAR;
      else node = isSchema(schema) ? compile(schema, false) : DEDUCED;
      byName.set(name, node);
    }
    return node;
  }

  function variant(name: string, atomic: boolean): TypeNode {
    const key = `${atomic ? 'a' : 'g'}:${name}`;
    let node = atomicVariants.get(key);
    if (node === undefined) {
      const base = definition(name);
      node = base instanceof MapNode && base.atomic !== atomic ? base.withAtomic(atomic) : base;
      atomicVariants.set(key, node);
    }
    return node;
  }

  function typeOf(schema: Schema, preserveUnknown: boolean): TypeNode {
    const name = refName(schema);
    if (name !== undefined) {
      if (name === rawExtension) return ATOMIC;
      const override = mapTypeOverride(schema);
      return override === undefined ? definition(name) : variant(name, override);
    }
    return compile(schema, preserveUnknown);
  }

  function compile(schema: Schema, inheritedPreserve: boolean): TypeNode {
    const preserveUnknown = inheritedPreserve || schema['x-kubernetes-preserve-unknown-fields'] === true;
    if (schema['x-kubernetes-int-or-string'] === true) return UNTYPED_SCALAR;
    const type = schema.type;
    const properties = isSchema(schema.properties) && Object.keys(schema.properties).length > 0 ? schema.properties : undefined;
    if (type === 'object' || (type === undefined && properties !== undefined)) {
      return compileObject(schema, properties, preserveUnknown);
    }
    if (type === 'array') return compileList(schema, preserveUnknown);
    switch (type) {
      case 'integer':
      case 'number':
        return SCALARS.numeric;
      case 'boolean':
        return SCALARS.boolean;
      case 'string': {
        const format = schema.format;
        return format === undefined || format === '' || format === 'byte' ? SCALARS.string : UNTYPED_SCALAR;
      }
      default:
        // No type: any value, its shape read at run time.
        return DEDUCED;
    }
  }

  function compileObject(schema: Schema, properties: Schema | undefined, preserveUnknown: boolean): TypeNode {
    const atomic = mapTypeOverride(schema) ?? false;
    const additional = schema.additionalProperties;
    const elementsOf = (): TypeNode | undefined => {
      if (isSchema(additional)) return typeOf(additional, preserveUnknown);
      if (additional === true || preserveUnknown || properties === undefined) return DEDUCED;
      return undefined;
    };
    return new MapNode(atomic, properties, elementsOf, (property) => typeOf(property, preserveUnknown));
  }

  function compileList(schema: Schema, preserveUnknown: boolean): TypeNode {
    const items = schema.items;
    const elementOf = (): TypeNode => (isSchema(items) ? typeOf(items, preserveUnknown) : ATOMIC);
    const listType = schema['x-kubernetes-list-type'];
    let relation: 'atomic' | 'set' | 'map' = 'atomic';
    let keys: string[] = [];
    if (listType !== undefined) {
      if (listType === 'set') relation = 'set';
      else if (listType === 'map') {
        const mapKeys = schema['x-kubernetes-list-map-keys'];
        keys = Array.isArray(mapKeys) ? mapKeys.filter((k): k is string => typeof k === 'string') : [];
        relation = keys.length > 0 ? 'map' : 'set';
      }
    } else {
      const strategy = schema['x-kubernetes-patch-strategy'];
      if (typeof strategy === 'string' && strategy.split(',').includes('merge')) {
        const mergeKey = schema['x-kubernetes-patch-merge-key'];
        if (typeof mergeKey === 'string' && mergeKey !== '') {
          relation = 'map';
          keys = [mergeKey];
        } else {
          relation = 'set';
        }
      }
    }
    keys = [...keys].sort();
    const keyDefaults = keys.map((key) => keyDefault(items, key));
    return new ListNode(relation, keys, keyDefaults, elementOf);
  }

  function keyDefault(items: unknown, key: string): unknown {
    if (!isSchema(items)) return undefined;
    const name = refName(items);
    const element = name !== undefined ? definitions[name] : items;
    if (isSchema(element) && isSchema(element.properties)) {
      const property = element.properties[key];
      if (isSchema(property) && property.default !== undefined) return property.default;
    }
    if (name !== undefined) {
      const known = knownKeyDefaults[name];
      if (known !== undefined && Object.hasOwn(known, key)) return known[key];
    }
    return undefined;
  }

  return {
    definition,
    has: (name) => isSchema(definitions[name]),
    raw: (name) => {
      const schema = definitions[name];
      return isSchema(schema) ? schema : undefined;
    },
  };
}

