// The happy path of the decode check, compiled to JavaScript per schema node (as ajv does):
// each struct becomes a function with a `switch` over its field names and the type test of
// every field inlined. It normalizes exactly like the interpreting walk in schema-checker.ts
// (null fields dropped, empty omitempty collections dropped, quantities/times/bytes canonical)
// and gives up with FAIL at the first thing that needs a message; the caller then runs the
// interpreting walk, which can rely on every normalization here being idempotent.
import { NodeKind, type SchemaNode } from './compile-schema.js';
import { checkBase64 } from './go-base64.js';
import { parseMicroTime, parseTime } from './go-time.js';
import { canonicalQuantity } from './quantity.js';

export const FAIL: unique symbol = Symbol('fail');

/** Checks and normalizes `v` in place; returns FAIL, or the value to store (maybe replaced). */
export type FastCheck = (v: unknown, ignoreUnknown: boolean) => unknown;

interface Holder {
  fn: FastCheck;
}

// Helpers the generated code calls: undefined means "needs the slow path".
const runtime = {
  quantity(v: unknown): string | undefined {
    if (typeof v !== 'string' && typeof v !== 'number') return undefined;
    const r = canonicalQuantity(typeof v === 'number' ? String(v) : v);
    return r.ok ? r.canonical : undefined;
  },
  time(v: unknown): string | null | undefined {
    if (typeof v !== 'string') return undefined;
    const r = parseTime(v);
    return r.ok ? r.value : undefined;
  },
  microTime(v: unknown): string | null | undefined {
    if (typeof v !== 'string') return undefined;
    const r = parseMicroTime(v);
    return r.ok ? r.value : undefined;
  },
  bytes(v: unknown): string | undefined {
    if (typeof v !== 'string') return undefined;
    const r = checkBase64(v);
    return r.ok ? r.canonical : undefined;
  },
  isEmptyObject(o: object): boolean {
    for (const _ in o) return false;
    return true;
  },
};

const int64Bound = '9223372036854775808';

export interface FastPathCompiler {
  fnFor(node: SchemaNode): FastCheck;
}

export function createFastPathCompiler(): FastPathCompiler {
  const holders = new Map<SchemaNode, Holder>();

  function holderFor(node: SchemaNode): Holder {
    let h = holders.get(node);
    if (h) return h;
    // Registered before generation so recursive types refer to the same holder.
    h = { fn: () => FAIL };
    holders.set(node, h);
    const deps: Holder[] = [];
    const body = node.kind === NodeKind.Struct ? structCode(node, deps) : node.kind === NodeKind.Map ? mapCode(node, deps) : arrayCode(node, deps);
    h.fn = new Function('F', 'rt', 'h', body)(FAIL, runtime, deps) as FastCheck;
    return h;
  }

  /** Index of a dependency's holder in `h`, for container children. */
  function dep(deps: Holder[], node: SchemaNode): number {
    const holder = holderFor(node);
    const at = deps.indexOf(holder);
    if (at >= 0) return at;
    deps.push(holder);
    return deps.length - 1;
  }

  /**
   * Statements checking local `v` against `node`: `return F` on anything unusual, `store(x)`
   * to replace the value, `drop` to remove it (empty omitempty collection, zero time).
   */
  function valueCode(node: SchemaNode, deps: Holder[], store: (x: string) => string, drop: string | undefined): string {
    switch (node.kind) {
      case NodeKind.String:
        return 'if (typeof v !== "string") return F;';
      case NodeKind.Bool:
        return 'if (typeof v !== "boolean") return F;';
      case NodeKind.Int32:
        return 'if (typeof v !== "number" || (v | 0) !== v) return F;';
      case NodeKind.Int64:
        return `if (typeof v !== "number" || !Number.isInteger(v) || v >= ${int64Bound} || v < -${int64Bound}) return F;`;
      case NodeKind.Float:
        return 'if (typeof v !== "number") return F;';
      case NodeKind.IntOrString:
        return 'if (typeof v !== "string" && (typeof v !== "number" || (v | 0) !== v)) return F;';
      case NodeKind.Quantity:
        return `{ const q = rt.quantity(v); if (q === undefined) return F; if (q !== v) ${store('q')} }`;
      case NodeKind.Time:
      case NodeKind.MicroTime: {
        const fn = node.kind === NodeKind.Time ? 'time' : 'microTime';
        const zero = drop ?? 'return F;';
        return `{ const t = rt.${fn}(v); if (t === undefined) return F; if (t === null) { ${zero} } else if (t !== v) ${store('t')} }`;
      }
      case NodeKind.Bytes: {
        const empty = drop ? `if (b === "") { ${drop} }` : '';
        return `{ const b = rt.bytes(v); if (b === undefined) return F; ${empty} if (b !== v) ${store('b')} }`;
      }
      case NodeKind.Struct:
        return `if (typeof v !== "object" || Array.isArray(v) || h[${dep(deps, node)}].fn(v, ig) === F) return F;`;
      case NodeKind.Map: {
        const empty = drop ? `if (rt.isEmptyObject(v)) { ${drop} }` : '';
        return `if (typeof v !== "object" || Array.isArray(v) || h[${dep(deps, node)}].fn(v, ig) === F) return F; ${empty}`;
      }
      case NodeKind.Array: {
        const empty = drop ? `if (v.length === 0) { ${drop} }` : '';
        return `if (!Array.isArray(v) || h[${dep(deps, node)}].fn(v, ig) === F) return F; ${empty}`;
      }
      default:
        return '';
    }
  }

  function structCode(node: SchemaNode, deps: Holder[]): string {
    // Dispatch on the key's length first: a string switch is a chain of comparisons, and most
    // structs have few fields of any one length.
    const byLength = new Map<number, string[]>();
    for (const [name, info] of node.fields) {
      const drop = 'delete o[k]; continue;';
      const check = valueCode(info.node, deps, (x) => `o[k] = ${x};`, info.omitEmpty || isTime(info.node) ? drop : undefined);
      const handler = `if (k === ${JSON.stringify(name)}) { if (v === null) { delete o[k]; continue; } ${check} ${info.required ? 'req++;' : ''} continue; }`;
      const list = byLength.get(name.length) ?? [];
      list.push(handler);
      byLength.set(name.length, list);
    }
    const cases = [...byLength].map(([len, handlers]) => `case ${len}: ${handlers.join(' ')} break;`);
    const unknown = node.preserveUnknown ? '' : 'if (!ig) return F; delete o[k];';
    const requiredCheck = node.required.length > 0 ? `if (req !== ${node.required.length}) return F;` : '';
    return `return function (o, ig) {
  let req = 0;
  for (const k in o) {
    const v = o[k];
    switch (k.length) {
      ${cases.join('\n      ')}
    }
    ${unknown}
  }
  ${requiredCheck}
  return o;
};`;
  }

  function arrayCode(node: SchemaNode, deps: Holder[]): string {
    const check = valueCode(node.elem!, deps, (x) => `a[i] = ${x};`, undefined);
    return `return function (a, ig) {
  for (let i = 0; i < a.length; i++) {
    const v = a[i];
    if (v === null) return F;
    ${check}
  }
  return a;
};`;
  }

  function mapCode(node: SchemaNode, deps: Holder[]): string {
    const check = valueCode(node.elem!, deps, (x) => `m[k] = ${x};`, undefined);
    return `return function (m, ig) {
  for (const k in m) {
    const v = m[k];
    if (v === null) return F;
    ${check}
  }
  return m;
};`;
  }

  return {
    fnFor(node) {
      return holderFor(node).fn;
    },
  };
}

function isTime(node: SchemaNode): boolean {
  return node.kind === NodeKind.Time || node.kind === NodeKind.MicroTime;
}
