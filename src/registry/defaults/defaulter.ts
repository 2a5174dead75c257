// The generic defaulter: given the OpenAPI definition of a top-level object, it walks the object
// by schema ($ref, arrays, maps) and runs each definition's SetDefaults function, the struct's own
// before its fields', as the generated Go defaulters (zz_generated.defaults.go) do. Every
// resource.Quantity on the way is re-printed in canonical form, and those of core/v1 ResourceLists
// are first rounded up to milli precision (SetDefaults_ResourceList).
//
// Plans are compiled once per definition: a field is only visited when its schema can reach a
// defaulter or a quantity, so a ConfigMap or a Role costs one lookup.
import { badRequest } from '../../apierrors/index.js';
import { realClock, type Clock } from '../../machinery/clock.js';
import { isPlainObject } from '../../machinery/object.js';
import { canonicalQuantity, canonicalResourceQuantity, QuantityError } from '../../machinery/quantity.js';
import { builtinDefaults } from './builtin.js';
import type { DefaultingContext, DefaultsTable, Defaulter, JsonMap } from './types.js';

export interface DefaulterDeps {
  /** Time for the defaults that are timestamps (DRA device taints); the real clock if omitted. */
  clock?: Pick<Clock, 'now'>;
  /** The per-definition defaults; all GA built-in groups if omitted. */
  table?: DefaultsTable;
}

/** Mutates obj, an object of the named OpenAPI definition, in place. */
export type ApplyDefaults = (definitionName: string, obj: Record<string, unknown>) => void;

type Schema = Record<string, unknown>;
type Holder = Record<string | number, unknown>;
/** Visits holder[key]: the value of one field, list item or map entry. */
type Visit = (holder: Holder, key: string | number, ctx: DefaultingContext) => void;

interface Plan {
  apply: Defaulter | undefined;
  /** Value-struct fields to create when absent, because something beneath them gets defaults. */
  ensure: string[];
  fields: [string, Visit][];
}

const QUANTITY = 'io.k8s.apimachinery.pkg.api.resource.Quantity';
const REF_PREFIX = '#/definitions/';
/** ResourceList is a core/v1 type: only its maps of quantities are rounded to milli precision. */
const RESOURCE_LIST_OWNER = 'io.k8s.api.core.v1.';

function refName(schema: Schema): string | undefined {
  const ref = schema['$ref'];
  if (typeof ref === 'string' && ref.startsWith(REF_PREFIX)) return ref.slice(REF_PREFIX.length);
  const allOf = schema['allOf'];
  if (Array.isArray(allOf) && allOf.length === 1 && isPlainObject(allOf[0])) return refName(allOf[0]);
  return undefined;
}

function asSchema(v: unknown): Schema | undefined {
  return isPlainObject(v) ? v : undefined;
}

/** Definitions a schema mentions through $ref, arrays and maps. */
function referencedDefinitions(schema: Schema | undefined, out: Set<string>): void {
  if (!schema) return;
  const ref = refName(schema);
  if (ref !== undefined) out.add(ref);
  referencedDefinitions(asSchema(schema['items']), out);
  referencedDefinitions(asSchema(schema['additionalProperties']), out);
}

function quantityVisit(round: boolean): Visit {
  const canonical = round ? canonicalResourceQuantity : canonicalQuantity;
  return (holder, key) => {
    const v = holder[key];
    if (typeof v === 'string' || typeof v === 'number') holder[key] = canonical(v);
    // null is a nil pointer (or the zero quantity in a map): nothing to print.
    else if (v !== null && v !== undefined) throw new QuantityError('FormatWrong');
  };
}

function arrayVisit(item: Visit): Visit {
  return (holder, key, ctx) => {
    const list = holder[key];
    if (!Array.isArray(list)) return;
    for (let i = 0; i < list.length; i++) {
      if (list[i] !== null && list[i] !== undefined) item(list as unknown as Holder, i, ctx);
    }
  };
}

function mapVisit(entry: Visit): Visit {
  return (holder, key, ctx) => {
    const map = holder[key];
    if (!isPlainObject(map)) return;
    for (const k of Object.keys(map)) {
      if (map[k] !== null && map[k] !== undefined) entry(map, k, ctx);
    }
  };
}

function runPlan(plan: Plan, obj: JsonMap, ctx: DefaultingContext): void {
  for (const name of plan.ensure) {
    if (obj[name] === undefined || obj[name] === null) obj[name] = {};
  }
  plan.apply?.(obj, ctx);
  for (const [name, visit] of plan.fields) {
    if (obj[name] !== undefined && obj[name] !== null) visit(obj, name, ctx);
  }
}

function objectVisit(plan: Plan): Visit {
  return (holder, key, ctx) => {
    const v = holder[key];
    if (isPlainObject(v)) runPlan(plan, v, ctx);
  };
}

function rejection(definition: Schema | undefined, err: QuantityError): Error {
  // The decode error kube-apiserver answers with when a quantity does not parse.
  const gvks = definition?.['x-kubernetes-group-version-kind'];
  const gvk = Array.isArray(gvks) && gvks.length === 1 && isPlainObject(gvks[0]) ? gvks[0] : undefined;
  if (!gvk || typeof gvk['kind'] !== 'string' || typeof gvk['version'] !== 'string') return badRequest(err.message);
  const kind = gvk['kind'];
  const group = typeof gvk['group'] === 'string' ? gvk['group'] : '';
  const version = group === '' ? gvk['version'] : `${group}/${gvk['version']}`;
  return badRequest(`${kind} in version "${version}" cannot be handled as a ${kind}: ${err.message}`);
}

/**
 * Compiles the defaulting plans for an OpenAPI v2 `definitions` map. The returned function fills
 * in the defaults of the named definition's object in place; it throws a 400 BadRequest ApiError
 * for a quantity that does not parse, as decoding does in kube-apiserver. Unknown definitions and
 * definitions without defaults are left untouched.
 */
export function createDefaulter(definitions: Record<string, unknown>, deps: DefaulterDeps = {}): ApplyDefaults {
  const table = deps.table ?? builtinDefaults;
  const clock = deps.clock ?? realClock;
  const ctx: DefaultingContext = { now: () => clock.now() };

  const propertiesOf = (name: string): [string, Schema][] => {
    const def = asSchema(definitions[name]);
    const props = def && asSchema(def['properties']);
    if (!props) return [];
    return Object.entries(props).flatMap(([k, v]) => (isPlainObject(v) ? [[k, v] as [string, Schema]] : []));
  };

  // Which definitions have anything to do: those with a defaulter or a quantity, and everything
  // that refers to them, found backwards over the reference graph (which has cycles:
  // JSONSchemaProps refers to itself).
  const referrers = new Map<string, string[]>();
  for (const name of Object.keys(definitions)) {
    const refs = new Set<string>();
    for (const [, schema] of propertiesOf(name)) referencedDefinitions(schema, refs);
    for (const ref of refs) {
      const list = referrers.get(ref);
      if (list) list.push(name);
      else referrers.set(ref, [name]);
    }
  }
  const active = new Set<string>();
  const pending = [QUANTITY, ...Object.keys(table).filter((name) => table[name]?.apply)];
  while (pending.length > 0) {
    const name = pending.pop()!;
    if (active.has(name)) continue;
    active.add(name);
    for (const referrer of referrers.get(name) ?? []) {
      if (!active.has(referrer)) pending.push(referrer);
    }
  }

  const plans = new Map<string, Plan>();

  const visitFor = (schema: Schema, inResourceListOwner: boolean): Visit | undefined => {
    const ref = refName(schema);
    if (ref !== undefined) {
      if (ref === QUANTITY) return quantityVisit(false);
      return active.has(ref) ? objectVisit(planFor(ref)) : undefined;
    }
    const items = asSchema(schema['items']);
    if (items) {
      const item = visitFor(items, false);
      return item && arrayVisit(item);
    }
    const values = asSchema(schema['additionalProperties']);
    if (values) {
      const valueIsQuantity = refName(values) === QUANTITY;
      const entry = valueIsQuantity ? quantityVisit(inResourceListOwner) : visitFor(values, false);
      return entry && mapVisit(entry);
    }
    return undefined;
  };

  const planFor = (name: string): Plan => {
    let plan = plans.get(name);
    if (plan) return plan;
    // Registered before its fields are compiled, so recursive definitions refer to this plan.
    plan = { apply: table[name]?.apply, ensure: [], fields: [] };
    plans.set(name, plan);
    const inResourceListOwner = name.startsWith(RESOURCE_LIST_OWNER);
    const valueStructs = new Set(table[name]?.valueStructs ?? []);
    for (const [field, schema] of propertiesOf(name)) {
      const visit = visitFor(schema, inResourceListOwner);
      if (!visit) continue;
      plan.fields.push([field, visit]);
      if (valueStructs.has(field)) plan.ensure.push(field);
    }
    return plan;
  };

  return (definitionName, obj) => {
    if (!active.has(definitionName) || !isPlainObject(obj)) return;
    try {
      runPlan(planFor(definitionName), obj, ctx);
    } catch (err) {
      if (err instanceof QuantityError) throw rejection(asSchema(definitions[definitionName]), err);
      throw err;
    }
  };
}
