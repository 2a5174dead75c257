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

/**
 * Fields of types outside kubectl's metadata whose Go tags break the API conventions the
 * fallback relies on: an APIService's spec.service is a pointer without omitempty, so a local
 * APIService prints `service: null`.
 */
const untaggedExceptions: Readonly<Record<string, Readonly<Record<string, Presence>>>> = {
  'io.k8s.kube-aggregator.pkg.apis.apiregistration.v1.APIServiceSpec': { service: 'nullable' },
};
type Obj = Record<string, unknown>;

type StructShape = { readonly kind: 'struct'; readonly definition: string; form?: TypeForm };
type Shape =
  | { readonly kind: 'scalar'; readonly zero: unknown }
  /** `form` is the definition's, once first needed (saves a lookup per object on the hot path). */
  | StructShape
  /** A type with a JSON form of its own (Time, Quantity, IntOrString, RawExtension, free-form objects): kept as written. */
  | { readonly kind: 'opaque'; readonly zero: unknown }
  /** `structs`: items hold structs somewhere, so they need a walk (lists and maps of scalars are kept as they are). */
  | { readonly kind: 'array'; readonly item: Shape; readonly structs: boolean }
  | { readonly kind: 'map'; readonly item: Shape; readonly structs: boolean };

interface Field {
  readonly name: string;
  readonly presence: Presence;
  readonly shape: Shape;
  /** Go's omitempty is known for this field (its type has rules): only then do empty lists and maps go. */
  readonly tagsKnown: boolean;
}

interface TypeForm {
  /** The definition's name (names the compiled functions, so profiles show which type they walk). */
  readonly name: string;
  /** The fields whose place in the Go struct is known, in that order. */
  readonly ordered: readonly Field[];
  /** Position in `ordered`, by JSON name. */
  readonly positions: ReadonlyMap<string, number>;
  /** Every field, by JSON name. */
  readonly byName: ReadonlyMap<string, Field>;
  /** Printed-when-absent fields whose place is not known: they go after the others. */
  readonly unorderedFills: readonly Field[];
  /** The type's walk, compiled on first use. */
  compiled?: (obj: Obj, depth: number) => Obj;
  /** The key lists last found in Go's order, the latest first (see inGoOrder). */
  readonly inOrder: (readonly string[])[];
  /** The type's in-place filling (see GoForms.fill), compiled on first use. */
  filler?: (obj: Obj, depth: number) => void;
}

export interface GoForms {
  /**
   * What decoding `obj` into its Go type does to its content, in place: the zero values Go always
   * prints filled in, what a Go value cannot hold taken out. Key order is left as it is (for
   * `normalize`, which the stored object goes through last): cheaper where order does not matter yet.
   */
  fill(definitionName: string, obj: Obj): void;
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
/**
 * Key lists remembered per type for inGoOrder: objects of a type alternate between a few key sets
 * (a pod's app container and its sidecar; ports with and without a name), and one list missed on
 * every switch.
 */
const keyListsKept = 4;

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
      case 'array': {
        const item = shapeOf(isPlainObject(schema.items) ? schema.items : {});
        return { kind: 'array', item, structs: hasStructs(item) };
      }
      case 'object': {
        if (!isPlainObject(schema.additionalProperties)) return { kind: 'opaque', zero: null };
        const item = shapeOf(schema.additionalProperties);
        return { kind: 'map', item, structs: hasStructs(item) };
      }
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
      const presence = tagsKnown ? (rule?.presence ?? 'pointer') : (untaggedExceptions[name]?.[jsonName] ?? fallbackPresence(jsonName, required.has(jsonName), shape));
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
    const form: TypeForm = { name, inOrder: [], ordered, positions: new Map(ordered.map((f, i) => [f.name, i])), byName, unorderedFills };
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

  function formObject(form: TypeForm, obj: Obj, depth: number): Obj {
    return (form.compiled ??= compile(form))(obj, depth);
  }

  // Each type's walk is compiled to a function of its own, as ajv compiles validators: every
  // field is read and written by its literal name and handled by code chosen for its shape, so
  // each access and call site always sees one name, one shape (a generic loop makes V8 look up
  // every name and shape, at several times the cost). Scalars, most fields, are handled inline.
  //
  // The write path forms every object twice (decoded, then stored), and the second time most of
  // it is in Go's form already: such an object is checked and kept, allocating nothing; only
  // what a strategy changed since is rebuilt.
  function compile(form: TypeForm): (obj: Obj, depth: number) => Obj {
    const handlers = form.ordered.map((f) => handlerFor(f.shape));
    const rebuild: string[] = ['const out = {};', 'let v, seen = 0;'];
    const keep: string[] = ['if (!inGoOrder(form, obj)) return rebuild(obj, depth);', 'let v, changed = false;'];
    const results: string[] = [];
    form.ordered.forEach((f, i) => {
      const key = JSON.stringify(f.name);
      const handled = handlers[i] !== undefined;
      const whenAbsent = printsWhenAbsent(f) ? `out[${key}] = absent(fields[${i}], depth);` : '';
      rebuild.push(`v = obj[${key}];`, `if (v === undefined) { ${whenAbsent} } else { seen++; ${valueCode(f, i, key, handled)} }`);
      keep.push(`v = obj[${key}];`, `if (v === undefined) { ${printsWhenAbsent(f) ? 'return rebuild(obj, depth);' : ''} } else { ${keepCode(f, i, handled)} }`);
      if (handled) results.push(`if (r${i} !== undefined) out[${key}] = r${i};`);
    });
    rebuild.push('if (seen !== countKeys(obj)) others(form, out, obj, depth);');
    if (form.unorderedFills.length > 0) {
      rebuild.push('fillUnordered(form, out, obj, depth);');
      keep.push('for (const f of form.unorderedFills) if (obj[f.name] === undefined) return rebuild(obj, depth);');
    }
    rebuild.push('return out;');
    const locals = form.ordered.flatMap((_, i) => (handlers[i] ? [`r${i}`] : []));
    keep.splice(2, 0, locals.length ? `let ${locals.join(', ')};` : '');
    // A child changed: the same keys in the same order, the changed values replaced.
    keep.push('if (!changed) return obj;', 'const out = {};', 'for (const k in obj) out[k] = obj[k];', ...results, 'return out;');
    const calls = form.ordered.flatMap((f, i) => (handlers[i] ? [childCode(f.shape, `h${i}`, `c${i}`, `fields[${i}].shape`, 'compiledOf', 'r')] : []));
    const factory = new Function(
      'form', 'fields', 'handlers', 'absent', 'others', 'fillUnordered', 'countKeys', 'isEmpty', 'inGoOrder', 'compiledOf',
      `${calls.join('\n')}\nconst rebuild = function rebuild_${fnName(form.name)}(obj, depth) {\n${rebuild.join('\n')}\n};\nreturn function keep_${fnName(form.name)}(obj, depth) {\n${keep.join('\n')}\n};\n//# sourceURL=go-form/normalize/${form.name}`,
    );
    return factory(form, form.ordered, handlers, absent, others, fillUnordered, countKeys, isEmpty, inGoOrder, compiledOf) as (obj: Obj, depth: number) => Obj;
  }

  /** The check of a present value `v` of an object being kept: anything Go would write otherwise means a rebuild. */
  function keepCode(f: Field, i: number, handled: boolean): string {
    const { shape, presence } = f;
    if (shape.kind === 'scalar') {
      if (presence === 'omitZero') return `if (v === null || v === '' || v === 0 || v === false) return rebuild(obj, depth);`;
      return presence === 'nullable' ? '' : 'if (v === null) return rebuild(obj, depth);';
    }
    const checks: string[] = [];
    if (presence !== 'nullable') checks.push('if (v === null) return rebuild(obj, depth);');
    if (f.tagsKnown && (presence === 'pointer' || presence === 'omitZero')) {
      if (shape.kind === 'array') checks.push('if (Array.isArray(v) && v.length === 0) return rebuild(obj, depth);');
      if (shape.kind === 'map') checks.push('if (isEmpty(v)) return rebuild(obj, depth);');
    }
    if (handled) checks.push(`if (v !== null) { r${i} = h${i}(v, depth); if (r${i} !== v) changed = true; }`);
    return checks.join(' ');
  }

  /**
   * Whether the object's keys are all known and in Go's order. Objects of one type mostly share
   * their keys (every env entry, every port) and V8 hands out the same interned key strings, so
   * the few key lists last seen in order are compared first, without lookups.
   */
  function inGoOrder(form: TypeForm, obj: Obj): boolean {
    const lists = form.inOrder;
    for (let n = 0; n < lists.length; n++) {
      const list = lists[n]!;
      let i = 0;
      let same = true;
      for (const k in obj) {
        if (list[i] !== k) {
          same = false;
          break;
        }
        i++;
      }
      if (same && i === list.length) return true;
    }
    const keys = Object.keys(obj);
    let previous = -1;
    for (const k of keys) {
      const position = form.positions.get(k);
      if (position === undefined || position <= previous) return false;
      previous = position;
    }
    if (lists.length === keyListsKept) lists.pop();
    lists.unshift(keys);
    return true;
  }

  function fillObject(form: TypeForm, obj: Obj, depth: number): void {
    (form.filler ??= compileFiller(form))(obj, depth);
  }

  // The same decisions as the walk above, made on the object itself.
  function compileFiller(form: TypeForm): (obj: Obj, depth: number) => void {
    const fillers = form.ordered.map((f) => fillerFor(f.shape));
    const code: string[] = ['let v;'];
    form.ordered.forEach((f, i) => {
      const key = JSON.stringify(f.name);
      const { shape, presence } = f;
      const whenAbsent = printsWhenAbsent(f) ? `obj[${key}] = absent(fields[${i}], depth);` : '';
      const whenNull =
        presence === 'nullable' ? '' : presence === 'always' || presence === 'struct' ? `obj[${key}] = absent(fields[${i}], depth);` : `delete obj[${key}];`;
      let present = '';
      if (shape.kind === 'scalar') {
        if (presence === 'omitZero') present = `if (v === '' || v === 0 || v === false) delete obj[${key}];`;
      } else {
        const dropsEmpty = f.tagsKnown && (presence === 'pointer' || presence === 'omitZero');
        const empty = dropsEmpty && shape.kind === 'array' ? 'Array.isArray(v) && v.length === 0' : dropsEmpty && shape.kind === 'map' ? 'isEmpty(v)' : undefined;
        const recurse = fillers[i] ? `g${i}(v, depth);` : '';
        present = empty ? `if (${empty}) delete obj[${key}]; else { ${recurse} }` : recurse;
      }
      code.push(`v = obj[${key}];`, `if (v === undefined) { ${whenAbsent} } else if (v === null) { ${whenNull} } else { ${present} }`);
    });
    if (form.unorderedFills.length > 0 || form.byName.size > form.ordered.length) code.push('othersInPlace(form, obj, depth);');
    const calls = form.ordered.flatMap((f, i) => (fillers[i] ? [childCode(f.shape, `g${i}`, `c${i}`, `fields[${i}].shape`, 'fillerOf', 'f')] : []));
    const factory = new Function('form', 'fields', 'fillers', 'absent', 'isEmpty', 'othersInPlace', 'fillerOf', `${calls.join('\n')}\nreturn function fill_${fnName(form.name)}(obj, depth) {\n${code.join('\n')}\n};\n//# sourceURL=go-form/fill/${form.name}`);
    return factory(form, form.ordered, fillers, absent, isEmpty, othersInPlace, fillerOf) as (obj: Obj, depth: number) => void;
  }

  /** The compiled walk of a struct shape's type (compiled on first use: types may nest themselves). */
  function compiledOf(shape: StructShape): (obj: Obj, depth: number) => Obj {
    const form = (shape.form ??= formOf(shape.definition));
    return (form.compiled ??= compile(form));
  }

  function fillerOf(shape: StructShape): (obj: Obj, depth: number) => void {
    const form = (shape.form ??= formOf(shape.definition));
    return (form.filler ??= compileFiller(form));
  }

  function fillerFor(shape: Shape): ((v: unknown, depth: number) => void) | undefined {
    switch (shape.kind) {
      case 'struct':
        return (v, depth) => {
          if (isPlainObject(v)) fillObject((shape.form ??= formOf(shape.definition)), v, depth + 1);
        };
      case 'array':
      case 'map': {
        const item = shape.structs ? fillerFor(shape.item) : undefined;
        if (item === undefined) return undefined;
        if (shape.kind === 'array') {
          return (v, depth) => {
            if (Array.isArray(v)) for (const x of v) item(x, depth + 1);
          };
        }
        return (v, depth) => {
          if (isPlainObject(v)) for (const k in v) item(v[k], depth + 1);
        };
      }
      default:
        return undefined;
    }
  }

  /** The fields whose place is not known, in place (types without .proto files). */
  function othersInPlace(form: TypeForm, obj: Obj, depth: number): void {
    for (const k of Object.keys(obj)) {
      if (form.positions.has(k)) continue;
      const f = form.byName.get(k);
      if (f === undefined) continue;
      const r = formField(f, obj[k], depth);
      if (r === DROP) delete obj[k];
      else obj[k] = r;
    }
    for (const f of form.unorderedFills) if (obj[f.name] === undefined) obj[f.name] = absent(f, depth);
  }

  /** The statement that writes `v` (present, maybe null) to `out[key]` as Go would. */
  function valueCode(f: Field, i: number, key: string, handled: boolean): string {
    const { shape, presence } = f;
    if (shape.kind === 'scalar') {
      switch (presence) {
        case 'pointer':
          return `if (v !== null) out[${key}] = v;`;
        case 'omitZero':
          return `if (v !== null && v !== '' && v !== 0 && v !== false) out[${key}] = v;`;
        case 'always':
          return `out[${key}] = v === null ? ${JSON.stringify(shape.zero)} : v;`;
        default:
          return `out[${key}] = v;`;
      }
    }
    // Decoding null into a Go value leaves its zero value; a nil pointer, slice or map is null or nothing.
    const whenNull =
      presence === 'nullable' ? `out[${key}] = null;` : presence === 'always' || presence === 'struct' ? `out[${key}] = absent(fields[${i}], depth);` : '';
    const write = handled ? `out[${key}] = h${i}(v, depth);` : `out[${key}] = v;`;
    const dropsEmpty = f.tagsKnown && (presence === 'pointer' || presence === 'omitZero');
    const empty =
      dropsEmpty && shape.kind === 'array' ? 'Array.isArray(v) && v.length === 0' : dropsEmpty && shape.kind === 'map' ? 'isEmpty(v)' : undefined;
    return `if (v === null) { ${whenNull} } else ${empty ? `if (${empty}) {} else ` : ''}{ ${write} }`;
  }

  /** What a value of the shape needs done, or undefined when it is kept as it is. */
  function handlerFor(shape: Shape): ((v: unknown, depth: number) => unknown) | undefined {
    switch (shape.kind) {
      case 'struct':
        return (v, depth) => (isPlainObject(v) ? formObject((shape.form ??= formOf(shape.definition)), v, depth + 1) : v);
      case 'array': {
        const item = shape.structs ? handlerFor(shape.item) : undefined;
        if (item === undefined) return undefined;
        return (v, depth) => {
          if (!Array.isArray(v)) return v;
          let out: unknown[] | undefined;
          for (let i = 0; i < v.length; i++) {
            const r = item(v[i], depth + 1);
            if (out === undefined) {
              if (r === v[i]) continue;
              out = v.slice(0, i);
            }
            out.push(r);
          }
          return out ?? v;
        };
      }
      case 'map': {
        const item = shape.structs ? handlerFor(shape.item) : undefined;
        return (v, depth) => (isPlainObject(v) ? formMap(v, item, depth) : v);
      }
      default:
        return undefined;
    }
  }

  /** encoding/json writes a map's keys sorted. */
  function formMap(v: Obj, item: ((v: unknown, depth: number) => unknown) | undefined, depth: number): Obj {
    const sorted = hasSortedKeys(v);
    if (sorted && item === undefined) return v;
    const keys = Object.keys(v);
    if (!sorted) keys.sort();
    const out: Obj = {};
    let changed = !sorted;
    for (const k of keys) {
      const r = item === undefined ? v[k] : item(v[k], depth + 1);
      if (r !== v[k]) changed = true;
      if (k === '__proto__') Object.defineProperty(out, k, { value: r, enumerable: true, writable: true, configurable: true });
      else out[k] = r;
    }
    return changed ? out : v;
  }

  /** Keys whose place Go's struct does not give keep the order they were written in, after the others. */
  function others(form: TypeForm, out: Obj, obj: Obj, depth: number): void {
    for (const k of Object.keys(obj)) {
      if (form.positions.has(k)) continue;
      const v = obj[k];
      if (v === undefined) continue;
      const f = form.byName.get(k);
      const r = f === undefined ? v : formField(f, v, depth);
      if (r === DROP) continue;
      if (k === '__proto__') Object.defineProperty(out, k, { value: r, enumerable: true, writable: true, configurable: true });
      else out[k] = r;
    }
  }

  function fillUnordered(form: TypeForm, out: Obj, obj: Obj, depth: number): void {
    for (const f of form.unorderedFills) {
      if (obj[f.name] === undefined) out[f.name] = absent(f, depth);
    }
  }

  /** The value of a field whose place is not known (the compiled walks handle the others inline, alike). */
  function formField(f: Field, v: unknown, depth: number): unknown {
    const { shape, presence } = f;
    if (v === null) {
      if (presence === 'nullable') return null;
      return presence === 'always' || presence === 'struct' ? zeroOf(shape, depth) : DROP;
    }
    if (shape.kind === 'scalar') return presence === 'omitZero' && (v === '' || v === 0 || v === false) ? DROP : v;
    if (f.tagsKnown && (presence === 'pointer' || presence === 'omitZero')) {
      if (shape.kind === 'array' && Array.isArray(v) && v.length === 0) return DROP;
      if (shape.kind === 'map' && isEmpty(v)) return DROP;
    }
    const handler = handlerFor(shape);
    return handler === undefined ? v : handler(v, depth);
  }

  return {
    fill(definitionName, obj) {
      fillObject(formOf(definitionName), obj, 0);
    },
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

/**
 * The function `name`, for a compiled walk, that handles a field's value of `shape`: a struct or a
 * list of structs calls the child type's compiled function straight, cached in `cache` once
 * looked up, so each call site only ever sees one function (V8 then inlines it; a shared generic
 * handler made every such call megamorphic). Other shapes go through the generic handler.
 * `mode` 'r' returns the formed value (unchanged values kept as they are); 'f' fills in place.
 */
function childCode(shape: Shape, name: string, cache: string, shapeExpr: string, lookup: string, mode: 'r' | 'f'): string {
  const isStruct = (x: string) => `typeof ${x} === 'object' && ${x} !== null && !Array.isArray(${x})`;
  if (shape.kind === 'struct') {
    return mode === 'r'
      ? `let ${cache};\nfunction ${name}(v, depth) { return ${isStruct('v')} ? (${cache} ??= ${lookup}(${shapeExpr}))(v, depth + 1) : v; }`
      : `let ${cache};\nfunction ${name}(v, depth) { if (${isStruct('v')}) (${cache} ??= ${lookup}(${shapeExpr}))(v, depth + 1); }`;
  }
  if (shape.kind === 'array' && shape.item.kind === 'struct') {
    const item = `${shapeExpr}.item`;
    if (mode === 'f') {
      return `let ${cache};\nfunction ${name}(v, depth) { if (!Array.isArray(v)) return; const f = (${cache} ??= ${lookup}(${item})); for (let i = 0; i < v.length; i++) { const x = v[i]; if (${isStruct('x')}) f(x, depth + 2); } }`;
    }
    return [
      `let ${cache};`,
      `function ${name}(v, depth) {`,
      `  if (!Array.isArray(v)) return v;`,
      `  const f = (${cache} ??= ${lookup}(${item}));`,
      `  let out;`,
      `  for (let i = 0; i < v.length; i++) {`,
      `    const x = v[i];`,
      `    const r = ${isStruct('x')} ? f(x, depth + 2) : x;`,
      `    if (out === undefined) { if (r === x) continue; out = v.slice(0, i); }`,
      `    out.push(r);`,
      `  }`,
      `  return out ?? v;`,
      `}`,
    ].join('\n');
  }
  const generic = mode === 'r' ? 'handlers' : 'fillers';
  return `const ${name} = ${generic}[${name.slice(1)}];`;
}

/** Lists and maps of scalars are kept as they are; only structs inside need a walk. */
function hasStructs(shape: Shape): boolean {
  return shape.kind === 'struct' || ((shape.kind === 'array' || shape.kind === 'map') && shape.structs);
}

/** A definition name as a JavaScript identifier's tail (for the compiled functions' names). */
function fnName(definitionName: string): string {
  return definitionName.slice(definitionName.lastIndexOf('.') + 1).replace(/[^A-Za-z0-9_$]/g, '_');
}

function countKeys(obj: Obj): number {
  let n = 0;
  for (const _ in obj) n++;
  return n;
}

function hasSortedKeys(v: Obj): boolean {
  let previous: string | undefined;
  for (const k in v) {
    if (previous !== undefined && previous > k) return false;
    previous = k;
  }
  return true;
}

/** An object with no keys (a map Go's omitempty leaves out). */
function isEmpty(v: unknown): boolean {
  if (!isPlainObject(v)) return false;
  for (const _ in v) return false;
  return true;
}
