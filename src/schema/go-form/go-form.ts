// The JSON an API object has on a real cluster, where every object is decoded into its Go type
// and encoded again by encoding/json: fields in the struct's order, the fields Go always prints
// (no omitempty: counters such as a DaemonSet's status.numberReady, struct values such as a
// template's metadata with its `creationTimestamp: null`) present with their zero values, what
// a Go value cannot hold (null for a pointer, an empty list or map with omitempty, a zero scalar
// with omitempty) gone, and map keys sorted. Strict clients (the generated Python, Java and C#
// models) refuse objects without the zero values; tools comparing JSON notice the rest.
//
// The facts come from three places, all generic: the OpenAPI definitions (structure), the Go
// field rules read from kubectl's type metadata (presence; see protobuf/go-field-rules.ts), and
// the generated .proto files (order; see struct-order.ts). A type the rules do not know (newer
// than kubectl's, or outside k8s.io/api) falls back to the definition's `required` list, which
// by the API conventions names exactly the fields without omitempty.
import { isPlainObject } from '../../machinery/object.js';
import { parseFieldRules, protoMessageName, type FieldRule, type Presence } from '../protobuf/field-rules.js';
import { goFieldRules } from '../protobuf/go-field-rules.js';
import { createStructOrder, type StructOrder } from './struct-order.js';

type Schema = Record<string, unknown>;
type Obj = Record<string, unknown>;

type Shape =
  | { readonly kind: 'scalar'; readonly zero: unknown }
  /** `form` is the definition's, once first needed (saves a lookup per object on the hot path). */
  | { readonly kind: 'struct'; readonly definition: string; form?: TypeForm }
  /** A type with a JSON form of its own (Time, Quantity, IntOrString, RawExtension, free-form objects): kept as written. */
  | { readonly kind: 'opaque'; readonly zero: unknown }
  | { readonly kind: 'array'; readonly item: Shape }
  | { readonly kind: 'map'; readonly item: Shape };

interface Field {
  readonly name: string;
  readonly presence: Presence;
  readonly shape: Shape;
  /** Go's omitempty is known for this field (its type has rules): only then do empty lists and maps go. */
  readonly tagsKnown: boolean;
}

interface TypeForm {
  /** The fields whose place in the Go struct is known, in that order. */
  readonly ordered: readonly Field[];
  /** Position in `ordered`, by JSON name. */
  readonly positions: ReadonlyMap<string, number>;
  /** The key list last seen for this type and where its keys go (see placesOf). */
  lastPlaces?: Places;
  /** The ordered fields Go prints even when absent, and their positions. */
  readonly orderedFills: readonly Field[];
  readonly fillPositions: readonly number[];
  /** Every field, by JSON name. */
  readonly byName: ReadonlyMap<string, Field>;
  /** Printed-when-absent fields whose place is not known: they go after the others. */
  readonly unorderedFills: readonly Field[];
}

/** Where an object's keys go in its type's order (-1: a key the order does not place). */
interface Places {
  readonly keys: readonly string[];
  readonly positions: readonly number[];
  readonly inOrder: boolean;
}

export interface GoForms {
  /**
   * `obj`, an object of the definition, as Go would write it once decoded into its type. A new
   * object (the argument is left as it was, though the two share unchanged parts).
   */
  normalize(definitionName: string, obj: Obj): Obj;
  /** The JSON of the definition's Go zero value: a new object on every call. */
  zero(definitionName: string): Obj;
  /** The definition of a top-level kind, from the spec's x-kubernetes-group-version-kind. */
  definitionOf(group: string, version: string, kind: string): string | undefined;
}

export interface GoFormOptions {
  /** Where the generated .proto files are (field order); without it fields keep their written order. */
  protoDir?: string;
  /** Go field rules by proto message name (default: go-field-rules.ts). */
  rules?: Readonly<Record<string, string>>;
}

/** Zero values of the types with their own JSON form, where Go prints them (struct values). */
const opaqueZeros: Readonly<Record<string, unknown>> = {
  'io.k8s.apimachinery.pkg.api.resource.Quantity': '0',
  'io.k8s.apimachinery.pkg.util.intstr.IntOrString': 0,
};

const REF_PREFIX = '#/definitions/';
const DROP = Symbol('drop');
/** Struct values nest finitely in Go; this only guards against a malformed spec. */
const maxZeroDepth = 32;

// The .proto scan is the same for every server in a process (tests start many).
const structOrders = new Map<string, StructOrder>();
function structOrderFor(protoDir: string | undefined): StructOrder {
  const key = protoDir ?? '';
  let order = structOrders.get(key);
  if (!order) structOrders.set(key, (order = createStructOrder(protoDir)));
  return order;
}

function refName(schema: Schema): string | undefined {
  const ref = schema.$ref;
  if (typeof ref === 'string' && ref.startsWith(REF_PREFIX)) return ref.slice(REF_PREFIX.length);
  const allOf = schema.allOf;
  if (Array.isArray(allOf) && allOf.length === 1 && isPlainObject(allOf[0])) return refName(allOf[0]);
  return undefined;
}

export function createGoForms(definitions: Readonly<Record<string, unknown>>, options: GoFormOptions = {}): GoForms {
  const rulesTable = options.rules ?? goFieldRules;
  const order = structOrderFor(options.protoDir);
  const forms = new Map<string, TypeForm>();
  let kinds: Map<string, string> | undefined;

  function definition(name: string): Schema | undefined {
    const def = definitions[name];
    return isPlainObject(def) ? def : undefined;
  }

  function shapeOf(schema: Schema): Shape {
    const ref = refName(schema);
    if (ref !== undefined) {
      const def = definition(ref);
      if (def !== undefined && isPlainObject(def.properties)) return { kind: 'struct', definition: ref };
      return { kind: 'opaque', zero: Object.hasOwn(opaqueZeros, ref) ? opaqueZeros[ref] : null };
    }
    switch (schema.type) {
      case 'array':
        return { kind: 'array', item: shapeOf(isPlainObject(schema.items) ? schema.items : {}) };
      case 'object':
        return isPlainObject(schema.additionalProperties) ? { kind: 'map', item: shapeOf(schema.additionalProperties) } : { kind: 'opaque', zero: null };
      case 'string':
        // []byte is base64 text in JSON, and nil prints as null.
        return { kind: 'scalar', zero: schema.format === 'byte' ? null : '' };
      case 'integer':
      case 'number':
        return { kind: 'scalar', zero: 0 };
      case 'boolean':
        return { kind: 'scalar', zero: false };
      default:
        return { kind: 'opaque', zero: null };
    }
  }

  /**
   * Presence of a field of a type the rules do not know: `required` fields have no omitempty,
   * and metadata, spec and status are struct values by the API conventions.
   */
  function fallbackPresence(jsonName: string, required: boolean, shape: Shape): Presence {
    if (shape.kind === 'struct' && (jsonName === 'metadata' || jsonName === 'spec' || jsonName === 'status')) return 'struct';
    if (!required) return 'pointer';
    switch (shape.kind) {
      case 'scalar':
        return 'always';
      case 'array':
      case 'map':
        return 'nullable';
      default:
        return 'struct';
    }
  }

  function formOf(name: string): TypeForm {
    const cached = forms.get(name);
    if (cached) return cached;
    const def = definition(name) ?? {};
    const properties = (isPlainObject(def.properties) ? def.properties : {}) as Record<string, Schema>;
    const required = new Set(Array.isArray(def.required) ? (def.required as string[]) : []);
    const byName = new Map<string, Field>();
    const ordered: Field[] = [];
    const field = (jsonName: string, rule: FieldRule | undefined, tagsKnown: boolean): Field | undefined => {
      const schema = properties[jsonName];
      if (!isPlainObject(schema)) return undefined;
      const shape = shapeOf(schema);
      const presence = tagsKnown ? (rule?.presence ?? 'pointer') : fallbackPresence(jsonName, required.has(jsonName), shape);
      const f: Field = { name: jsonName, presence, shape, tagsKnown };
      byName.set(jsonName, f);
      return f;
    };
    const place = (f: Field | undefined) => {
      if (f && !ordered.includes(f)) ordered.push(f);
    };

    const message = protoMessageName(name);
    const rule = rulesTable[message];
    const rules = rule !== undefined ? parseFieldRules(rule) : undefined;
    const byJson = new Map<string, FieldRule>();
    for (const [protoField, r] of rules ?? []) byJson.set(r.jsonName ?? protoField, r);
    const declared = order.fieldsOf(message);
    // TypeMeta is embedded first in every top-level type (kind, then apiVersion) and is no proto field.
    if (!declared?.some((d) => d.name === 'kind' || d.name === 'apiVersion') && isPlainObject(properties.kind) && isPlainObject(properties.apiVersion)) {
      place(field('kind', { presence: 'omitZero', inline: false }, true));
      place(field('apiVersion', { presence: 'omitZero', inline: false }, true));
    }
    if (declared) {
      // Inlined structs (Go `json:",inline"`) put their own fields, in their order, in the parent's place.
      const expand = (messageName: string, depth: number) => {
        const rule = rulesTable[messageName];
        const rules = rule !== undefined ? parseFieldRules(rule) : undefined;
        for (const decl of order.fieldsOf(messageName) ?? []) {
          const r = rules?.get(decl.name);
          if (r?.inline && decl.messageType !== undefined && depth < 4) expand(decl.messageType, depth + 1);
          else place(field(r?.jsonName ?? decl.name, r, rules !== undefined));
        }
      };
      expand(message, 0);
    } else if (Array.isArray(def['x-kubernetes-group-version-kind'])) {
      // No .proto for this kind (apiextensions, apiregistration): the API conventions' order at least.
      for (const jsonName of ['metadata', 'spec', 'status']) place(field(jsonName, byJson.get(jsonName), rules !== undefined));
    }
    const unorderedFills: Field[] = [];
    for (const jsonName of Object.keys(properties)) {
      if (byName.has(jsonName)) continue;
      const f = field(jsonName, byJson.get(jsonName), rules !== undefined);
      if (f && printsWhenAbsent(f)) unorderedFills.push(f);
    }
    const form: TypeForm = {
      ordered,
      positions: new Map(ordered.map((f, i) => [f.name, i])),
      orderedFills: ordered.filter(printsWhenAbsent),
      fillPositions: ordered.flatMap((f, i) => (printsWhenAbsent(f) ? [i] : [])),
      byName,
      unorderedFills,
    };
    forms.set(name, form);
    return form;
  }

  function printsWhenAbsent(f: Field): boolean {
    return f.presence === 'always' || f.presence === 'struct' || f.presence === 'nullable';
  }

  function zeroOf(shape: Shape, depth: number): unknown {
    switch (shape.kind) {
      case 'scalar':
      case 'opaque':
        return shape.zero;
      case 'struct':
        return depth < maxZeroDepth ? formObject((shape.form ??= formOf(shape.definition)), {}, depth + 1) : {};
      default:
        return null;
    }
  }

  function absent(f: Field, depth: number): unknown {
    return f.presence === 'nullable' ? null : zeroOf(f.shape, depth);
  }

  // Most objects written back are in Go's form already (the store forms every object it writes,
  // and clients send back what they read): those are checked and kept, not rebuilt.
  function formObject(form: TypeForm, obj: Obj, depth: number): Obj {
    const keys = Object.keys(obj);
    const { positions, inOrder: ordered } = placesOf(form, keys);
    let inOrder = ordered;
    if (inOrder) {
      for (const f of form.orderedFills) if (obj[f.name] === undefined) inOrder = false;
      for (const f of form.unorderedFills) if (obj[f.name] === undefined) inOrder = false;
    }
    if (!inOrder) return rebuild(form, obj, keys, positions, depth);
    let out: Obj | undefined;
    for (let i = 0; i < keys.length; i++) {
      const k = keys[i]!;
      const v = obj[k];
      if (v === undefined) return rebuild(form, obj, keys, positions, depth);
      const r = formField(form.ordered[positions[i]!]!, v, depth);
      if (r === v && out === undefined) continue;
      if (out === undefined) {
        out = {};
        for (let j = 0; j < i; j++) out[keys[j]!] = obj[keys[j]!];
      }
      if (r !== DROP) out[k] = r;
    }
    return out ?? obj;
  }

  // Objects of one type mostly share their set of keys (every env entry, every port), and V8
  // hands out the same interned key strings for them: one remembered key list per type spares
  // the lookups.
  function placesOf(form: TypeForm, keys: string[]): Places {
    const last = form.lastPlaces;
    if (last !== undefined && last.keys.length === keys.length) {
      let same = true;
      for (let i = 0; i < keys.length; i++) {
        if (last.keys[i] !== keys[i]) {
          same = false;
          break;
        }
      }
      if (same) return last;
    }
    const positions = new Array<number>(keys.length);
    let inOrder = true;
    let previous = -1;
    for (let i = 0; i < keys.length; i++) {
      const position = form.positions.get(keys[i]!) ?? -1;
      positions[i] = position;
      if (position <= previous) inOrder = false;
      previous = position;
    }
    return (form.lastPlaces = { keys, positions, inOrder });
  }

  /**
   * The object rebuilt in Go's order: the known fields by their place (with the zero values Go
   * prints for absent ones), then the others in the order they were written in.
   */
  function rebuild(form: TypeForm, obj: Obj, keys: string[], positions: readonly number[], depth: number): Obj {
    const known: number[] = [];
    for (let i = 0; i < keys.length; i++) {
      const position = positions[i]!;
      if (position < 0 || obj[keys[i]!] === undefined) continue;
      // Insertion sort: a handful of keys, mostly in order already.
      let j = known.length;
      known.push(position);
      while (j > 0 && known[j - 1]! > position) {
        known[j] = known[j - 1]!;
        j--;
      }
      known[j] = position;
    }
    const out: Obj = {};
    const fills = form.orderedFills;
    const fillAt = form.fillPositions;
    let next = 0;
    for (const position of known) {
      for (; next < fills.length && fillAt[next]! < position; next++) {
        if (obj[fills[next]!.name] === undefined) out[fills[next]!.name] = absent(fills[next]!, depth);
      }
      if (next < fills.length && fillAt[next] === position) next++;
      const f = form.ordered[position]!;
      const r = formField(f, obj[f.name], depth);
      if (r !== DROP) out[f.name] = r;
    }
    for (; next < fills.length; next++) {
      if (obj[fills[next]!.name] === undefined) out[fills[next]!.name] = absent(fills[next]!, depth);
    }
    if (known.length !== keys.length) {
      for (let i = 0; i < keys.length; i++) {
        if (positions[i]! >= 0) continue;
        const k = keys[i]!;
        const v = obj[k];
        if (v === undefined) continue;
        const f = form.byName.get(k);
        const r = f === undefined ? v : formField(f, v, depth);
        if (r === DROP) continue;
        if (k === '__proto__') Object.defineProperty(out, k, { value: r, enumerable: true, writable: true, configurable: true });
        else out[k] = r;
      }
    }
    for (const f of form.unorderedFills) {
      if (obj[f.name] === undefined) out[f.name] = absent(f, depth);
    }
    return out;
  }

  function formField(f: Field, v: unknown, depth: number): unknown {
    if (v === null) {
      switch (f.presence) {
        case 'nullable':
          return null;
        case 'always':
        case 'struct':
          // Decoding null into a Go value leaves its zero value.
          return zeroOf(f.shape, depth);
        default:
          return DROP;
      }
    }
    const { shape } = f;
    switch (shape.kind) {
      case 'scalar':
        return f.presence === 'omitZero' && (v === '' || v === 0 || v === false) ? DROP : v;
      case 'array':
        if (!Array.isArray(v)) return v;
        if (v.length === 0 && f.tagsKnown && (f.presence === 'pointer' || f.presence === 'omitZero')) return DROP;
        return formValue(shape, v, depth);
      case 'map':
        if (!isPlainObject(v)) return v;
        if (f.tagsKnown && (f.presence === 'pointer' || f.presence === 'omitZero') && isEmpty(v)) return DROP;
        return formValue(shape, v, depth);
      default:
        return formValue(shape, v, depth);
    }
  }

  /** A value of the shape (list items and map values included); anything not of the shape is left to validation. */
  function formValue(shape: Shape, v: unknown, depth: number): unknown {
    switch (shape.kind) {
      case 'struct':
        return isPlainObject(v) ? formObject((shape.form ??= formOf(shape.definition)), v, depth + 1) : v;
      case 'array': {
        if (!Array.isArray(v) || !hasStructs(shape.item)) return v;
        let out: unknown[] | undefined;
        for (let i = 0; i < v.length; i++) {
          const r = formValue(shape.item, v[i], depth + 1);
          if (r === v[i] && out === undefined) continue;
          out ??= v.slice(0, i);
          out.push(r);
        }
        return out ?? v;
      }
      case 'map': {
        if (!isPlainObject(v)) return v;
        // encoding/json writes a map's keys sorted.
        const keys = Object.keys(v);
        const sorted = isSorted(keys);
        if (sorted && !hasStructs(shape.item)) return v;
        if (!sorted) keys.sort();
        const out: Obj = {};
        let changed = !sorted;
        for (const k of keys) {
          const r = formValue(shape.item, v[k], depth + 1);
          if (r !== v[k]) changed = true;
          if (k === '__proto__') Object.defineProperty(out, k, { value: r, enumerable: true, writable: true, configurable: true });
          else out[k] = r;
        }
        return changed ? out : v;
      }
      default:
        return v;
    }
  }

  return {
    normalize(definitionName, obj) {
      return formObject(formOf(definitionName), obj, 0);
    },
    zero(definitionName) {
      return formObject(formOf(definitionName), {}, 0);
    },
    definitionOf(group, version, kind) {
      if (kinds === undefined) {
        kinds = new Map();
        for (const [name, def] of Object.entries(definitions)) {
          const gvks = isPlainObject(def) ? def['x-kubernetes-group-version-kind'] : undefined;
          if (!Array.isArray(gvks)) continue;
          for (const gvk of gvks as { group?: string; version?: string; kind?: string }[]) {
            kinds.set(`${gvk.group ?? ''}/${gvk.version ?? ''}/${gvk.kind ?? ''}`, name);
          }
        }
      }
      return kinds.get(`${group}/${version}/${kind}`);
    },
  };
}

/** Lists and maps of scalars are kept as they are; only structs inside need a walk. */
function hasStructs(shape: Shape): boolean {
  return shape.kind === 'struct' || ((shape.kind === 'array' || shape.kind === 'map') && hasStructs(shape.item));
}

function isSorted(keys: string[]): boolean {
  for (let i = 1; i < keys.length; i++) if (keys[i - 1]! > keys[i]!) return false;
  return true;
}

function isEmpty(v: Obj): boolean {
  for (const _ in v) return false;
  return true;
}
