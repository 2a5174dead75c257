// The functions a kwok statusTemplate can call: Go's template built-ins, kwok's own (Quote, Now,
// StartTime, YAML, Version, NodeConditions and, for pods, NodeIP/NodeIPWith/PodIP/PodIPWith…),
// and the part of sprig that kwok's published stages and their users' reach for. A template
// naming any other function fails to load with `function "x" not defined`.
import { stringify } from 'yaml';
import { printValue, truthy, type TemplateFunction } from './go-template.js';
import { rfc3339Nano } from '../../machinery/rfc3339.js';

/** What a template's node and pod functions need from the kubelets. */
export interface TemplateHost {
  now(): number;
  startedAt: number;
  kubeletVersion: string;
  nodeIP(nodeName: string): string;
  /** The pod's IP on that node (the node's IP with hostNetwork); stable for one pod uid. */
  podIP(nodeName: string, hostNetwork: boolean, uid: string, name: string, namespace: string): string;
}

/** The names every stage template can use, before a host is known (for parse-time checks). */
export function templateFunctionNames(): string[] {
  return Object.keys(templateFunctions(placeholderHost, {}));
}

const placeholderHost: TemplateHost = { now: () => 0, startedAt: 0, kubeletVersion: '', nodeIP: () => '', podIP: () => '' };

/** `object` is the object being staged: NodeName, NodeIP and PodIP read it. */
export function templateFunctions(host: TemplateHost, object: Record<string, unknown>): Record<string, TemplateFunction> {
  const spec = (object.spec ?? {}) as Record<string, unknown>;
  const meta = (object.metadata ?? {}) as Record<string, unknown>;
  const nodeName = String((object.kind === 'Node' ? meta.name : spec.nodeName) ?? '');
  return {
    ...goBuiltins,
    ...sprigSubset,
    Quote: (v) => quote(v),
    Now: () => rfc3339Nano(host.now()),
    StartTime: () => rfc3339Nano(host.startedAt),
    YAML: (v, indent) => {
      let text = stringify(v ?? null);
      if (typeof indent === 'number' && indent > 0) text = `\n${text}`.replaceAll('\n', `\n${' '.repeat(indent * 2)}`);
      return text;
    },
    Version: () => host.kubeletVersion,
    NodeConditions: () => structuredClone(nodeConditions),
    NodeName: () => nodeName,
    NodeIP: () => host.nodeIP(nodeName),
    NodeIPWith: (name) => host.nodeIP(String(name ?? '')),
    PodIP: () => host.podIP(nodeName, spec.hostNetwork === true, String(meta.uid ?? ''), String(meta.name ?? ''), String(meta.namespace ?? '')),
    PodIPWith: (node, hostNetwork, uid, name, namespace) => host.podIP(String(node ?? ''), hostNetwork === true, String(uid ?? ''), String(name ?? ''), String(namespace ?? '')),
  };
}

/** kwok's Quote: JSON for strings, and the JSON text quoted again for anything else. */
function quote(v: unknown): string {
  const json = JSON.stringify(v ?? null);
  return json.startsWith('"') ? json : JSON.stringify(json);
}

const nodeConditions = [
  { type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status' },
  { type: 'MemoryPressure', status: 'False', reason: 'KubeletHasSufficientMemory', message: 'kubelet has sufficient memory available' },
  { type: 'DiskPressure', status: 'False', reason: 'KubeletHasNoDiskPressure', message: 'kubelet has no disk pressure' },
  { type: 'PIDPressure', status: 'False', reason: 'KubeletHasSufficientPID', message: 'kubelet has sufficient PID available' },
  { type: 'NetworkUnavailable', status: 'False', reason: 'RouteCreated', message: 'RouteController created a route' },
];

function equal(a: unknown, b: unknown): boolean {
  if (a === null || a === undefined || b === null || b === undefined) return (a ?? null) === (b ?? null);
  if (typeof a === 'object' || typeof b === 'object') throw new Error('incompatible types for comparison');
  if (typeof a !== typeof b) throw new Error('incompatible types for comparison');
  return a === b;
}

function compare(a: unknown, b: unknown): number {
  if ((typeof a !== 'number' || typeof b !== 'number') && (typeof a !== 'string' || typeof b !== 'string')) throw new Error('incompatible types for comparison');
  return a < b ? -1 : a > b ? 1 : 0;
}

function length(v: unknown): number {
  if (typeof v === 'string' || Array.isArray(v)) return v.length;
  if (v !== null && typeof v === 'object') return Object.keys(v).length;
  throw new Error(`len of ${printValue(v)}`);
}

function indexInto(v: unknown, ...keys: unknown[]): unknown {
  let cur = v;
  for (const k of keys) {
    if (cur === null || cur === undefined) throw new Error('index of untyped nil');
    if (Array.isArray(cur)) {
      if (typeof k !== 'number' || k < 0 || k >= cur.length) throw new Error(`index out of range: ${printValue(k)}`);
      cur = cur[k];
    } else if (typeof cur === 'object') cur = (cur as Record<string, unknown>)[String(k)] ?? null;
    else throw new Error(`can't index item of type ${typeof cur}`);
  }
  return cur;
}

/** Go's fmt verbs that templates use: %s %v %d %q %f %t %%. */
function sprintf(format: unknown, ...args: unknown[]): string {
  let i = 0;
  return String(format).replace(/%([-+ 0#]*\d*(?:\.\d+)?)([svdqftx%])/g, (_m, flags: string, verb: string) => {
    if (verb === '%') return '%';
    const arg = args[i++];
    switch (verb) {
      case 'q':
        return JSON.stringify(printValue(arg));
      case 'd':
        return typeof arg === 'number' ? String(Math.trunc(arg)) : `%!d(${printValue(arg)})`;
      case 'f': {
        const precision = /\.(\d+)/.exec(flags)?.[1];
        return typeof arg === 'number' ? arg.toFixed(precision === undefined ? 6 : Number(precision)) : `%!f(${printValue(arg)})`;
      }
      case 'x':
        return typeof arg === 'number' ? arg.toString(16) : Buffer.from(printValue(arg)).toString('hex');
      default:
        return printValue(arg);
    }
  });
}

const goBuiltins: Record<string, TemplateFunction> = {
  // and/or are evaluated lazily by the executor; these serve piped calls.
  and: (...args) => args.find((a) => !truthy(a)) ?? args.at(-1),
  or: (...args) => args.find((a) => truthy(a)) ?? args.at(-1),
  not: (v) => !truthy(v),
  len: (v) => length(v),
  index: (v, ...keys) => indexInto(v, ...keys),
  print: (...args) => args.map((a, i) => (i > 0 && typeof a !== 'string' && typeof args[i - 1] !== 'string' ? ' ' : '') + printValue(a)).join(''),
  println: (...args) => `${args.map(printValue).join(' ')}\n`,
  printf: (format, ...args) => sprintf(format, ...args),
  eq: (a, ...bs) => bs.some((b) => equal(a, b)),
  ne: (a, b) => !equal(a, b),
  lt: (a, b) => compare(a, b) < 0,
  le: (a, b) => compare(a, b) <= 0,
  gt: (a, b) => compare(a, b) > 0,
  ge: (a, b) => compare(a, b) >= 0,
};

const number = (v: unknown): number => (typeof v === 'number' ? v : Number(v ?? 0) || 0);

const sprigSubset: Record<string, TemplateFunction> = {
  dict: (...kv) => {
    const out: Record<string, unknown> = {};
    for (let i = 0; i < kv.length; i += 2) out[String(kv[i])] = kv[i + 1] ?? '';
    return out;
  },
  list: (...items) => items,
  default: (fallback, v) => (truthy(v) ? v : fallback),
  empty: (v) => !truthy(v),
  coalesce: (...args) => args.find((a) => truthy(a)) ?? null,
  ternary: (yes, no, cond) => (truthy(cond) ? yes : no),
  quote: (...args) => args.filter((a) => a !== null && a !== undefined).map((a) => JSON.stringify(printValue(a))).join(' '),
  squote: (...args) => args.filter((a) => a !== null && a !== undefined).map((a) => `'${printValue(a)}'`).join(' '),
  toJson: (v) => JSON.stringify(v ?? null),
  toString: (v: unknown) => printValue(v),
  upper: (s) => String(s ?? '').toUpperCase(),
  lower: (s) => String(s ?? '').toLowerCase(),
  trim: (s) => String(s ?? '').trim(),
  trimPrefix: (prefix, s) => (String(s).startsWith(String(prefix)) ? String(s).slice(String(prefix).length) : String(s)),
  trimSuffix: (suffix, s) => (String(s).endsWith(String(suffix)) ? String(s).slice(0, -String(suffix).length || undefined) : String(s)),
  contains: (sub, s) => String(s).includes(String(sub)),
  hasPrefix: (prefix, s) => String(s).startsWith(String(prefix)),
  hasSuffix: (suffix, s) => String(s).endsWith(String(suffix)),
  replace: (from, to, s) => String(s).replaceAll(String(from), String(to)),
  join: (sep, items) => (Array.isArray(items) ? items.map(printValue).join(String(sep)) : printValue(items)),
  split: (sep, s) => Object.fromEntries(String(s).split(String(sep)).map((part, i) => [`_${i}`, part])),
  hasKey: (m, key) => m !== null && typeof m === 'object' && String(key) in (m as object),
  get: (m, key) => (m !== null && typeof m === 'object' ? ((m as Record<string, unknown>)[String(key)] ?? '') : ''),
  add: (...args) => args.reduce<number>((sum, a) => sum + number(a), 0),
  add1: (a) => number(a) + 1,
  sub: (a, b) => number(a) - number(b),
  mul: (...args) => args.reduce<number>((p, a) => p * number(a), 1),
  div: (a, b) => Math.trunc(number(a) / number(b)),
  mod: (a, b) => number(a) % number(b),
  max: (...args) => Math.max(...args.map(number)),
  min: (...args) => Math.min(...args.map(number)),
  int: (v) => Math.trunc(number(v)),
  int64: (v) => Math.trunc(number(v)),
  float64: (v) => number(v),
  atoi: (v) => Number.parseInt(String(v), 10) || 0,
  b64enc: (s) => Buffer.from(String(s)).toString('base64'),
  b64dec: (s) => Buffer.from(String(s), 'base64').toString(),
};
