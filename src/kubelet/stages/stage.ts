// kwok's Stage API (kwok.x-k8s.io/v1alpha1 Stage) as kubemu reads it: which objects a stage
// selects (labels, annotations, jq expressions), how long it waits (a delay with jitter, either
// fixed or read from the object), and what it does next (an event, finalizer changes, deletion,
// a status written from a Go template). Documents are checked when they load, with messages that
// name the stage and the field; what kubemu does not run (CEL expressions, `patches`, kinds other
// than Pod) is refused there instead of being ignored.
import { GoTemplate, TemplateError } from './go-template.js';
import { JqQuery, QueryError } from './jq-query.js';
import { templateFunctionNames } from './template-functions.js';
import { goDurationMs } from '../../machinery/go-duration.js';

export class StageError extends Error {}

export interface StageRequirement {
  query: JqQuery;
  operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';
  values: string[];
}

export interface Stage {
  name: string;
  kind: string;
  /** undefined: kwok's "a null selector matches nothing". */
  selector?: { matchLabels?: Record<string, string>; matchAnnotations?: Record<string, string>; requirements: StageRequirement[] };
  weight: number;
  weightFrom?: JqQuery;
  delay?: { durationMs?: number; durationFrom?: JqQuery; jitterMs?: number; jitterFrom?: JqQuery };
  next: {
    event?: { type: string; reason: string; message: string };
    finalizers?: { add: string[]; remove: string[]; empty: boolean };
    delete: boolean;
    statusTemplate?: GoTemplate;
  };
  immediateNextStage: boolean;
}

export const stageApiVersion = 'kwok.x-k8s.io/v1alpha1';

/** Whether a YAML document of `--config` is a kwok Stage (the others are kubemu's ClusterConfig). */
export function isStageDocument(doc: unknown): boolean {
  return doc !== null && typeof doc === 'object' && (doc as { kind?: unknown }).kind === 'Stage';
}

const templateNames = new Set(templateFunctionNames());

export function parseStage(doc: unknown, where: string): Stage {
  const root = mapping(doc, where);
  const name = typeof (root.metadata as { name?: unknown } | undefined)?.name === 'string' ? ((root.metadata as { name: string }).name) : '';
  const at = name ? `Stage ${name}` : where;
  const fail = (path: string, message: string): never => {
    throw new StageError(`${at}: ${path}: ${message}`);
  };
  known(root, ['apiVersion', 'kind', 'metadata', 'spec'], '', fail);
  if (root.apiVersion !== stageApiVersion) fail('apiVersion', `must be ${stageApiVersion}, got ${JSON.stringify(root.apiVersion)}`);
  if (!name) fail('metadata.name', 'is required');
  const spec = mapping(root.spec, `${at}: spec`);
  known(spec, ['resourceRef', 'selector', 'weight', 'weightFrom', 'delay', 'next', 'immediateNextStage'], 'spec.', fail);

  const ref = mapping(spec.resourceRef, `${at}: spec.resourceRef`);
  known(ref, ['apiGroup', 'kind'], 'spec.resourceRef.', fail);
  const apiGroup = ref.apiGroup ?? 'v1';
  if (typeof ref.kind !== 'string' || !ref.kind) fail('spec.resourceRef.kind', 'is required');
  const kind = ref.kind as string;
  if (kind !== 'Pod' || apiGroup !== 'v1') {
    fail('spec.resourceRef', `${String(apiGroup)} ${kind}: kubemu runs Stages for Pods (apiGroup v1, kind Pod); its kubelets drive Nodes themselves (leases, status, conditions) and other kinds are not staged yet`);
  }

  const query = (src: unknown, path: string): JqQuery => {
    if (typeof src !== 'string' || !src) fail(path, 'must be a jq expression');
    try {
      return JqQuery.parse(src as string);
    } catch (err) {
      return fail(path, err instanceof QueryError ? err.message : String(err));
    }
  };
  const from = (raw: unknown, path: string): JqQuery | undefined => {
    if (raw === undefined) return undefined;
    const m = mapping(raw, `${at}: ${path}`);
    known(m, ['expressionFrom'], `${path}.`, fail);
    return query(m.expressionFrom, `${path}.expressionFrom`);
  };
  const millis = (raw: unknown, path: string): number | undefined => {
    if (raw === undefined) return undefined;
    if (typeof raw !== 'number' || !Number.isInteger(raw) || raw < 0) fail(path, 'must be a whole number of milliseconds ≥ 0');
    return raw as number;
  };

  let selector: Stage['selector'];
  if (spec.selector !== undefined && spec.selector !== null) {
    const s = mapping(spec.selector, `${at}: spec.selector`);
    known(s, ['matchLabels', 'matchAnnotations', 'matchExpressions'], 'spec.selector.', fail);
    const requirements = (s.matchExpressions === undefined ? [] : Array.isArray(s.matchExpressions) ? s.matchExpressions : fail('spec.selector.matchExpressions', 'must be a list')).map((raw, i) => {
      const path = `spec.selector.matchExpressions[${i}]`;
      const r = mapping(raw, `${at}: ${path}`);
      if ('expression' in r || 'expressionCEL' in r) fail(path, 'CEL expressions are not supported by kubemu; use key with a jq expression');
      known(r, ['key', 'operator', 'values'], `${path}.`, fail);
      const operator = r.operator;
      if (operator !== 'In' && operator !== 'NotIn' && operator !== 'Exists' && operator !== 'DoesNotExist') fail(`${path}.operator`, `"${String(operator)}" is not supported (In, NotIn, Exists, DoesNotExist)`);
      const values = r.values === undefined ? [] : Array.isArray(r.values) && r.values.every((v) => typeof v === 'string') ? (r.values as string[]) : fail(`${path}.values`, 'must be a list of strings');
      if ((operator === 'In' || operator === 'NotIn') && values.length === 0) fail(`${path}.values`, "for 'In', 'NotIn' operators, values set can't be empty");
      if ((operator === 'Exists' || operator === 'DoesNotExist') && values.length) fail(`${path}.values`, 'values set must be empty for Exists and DoesNotExist');
      return { query: query(r.key, `${path}.key`), operator: operator as StageRequirement['operator'], values };
    });
    selector = { matchLabels: stringMap(s.matchLabels, 'spec.selector.matchLabels', fail), matchAnnotations: stringMap(s.matchAnnotations, 'spec.selector.matchAnnotations', fail), requirements };
  }

  if (spec.weight !== undefined && (typeof spec.weight !== 'number' || !Number.isInteger(spec.weight) || spec.weight < 0)) fail('spec.weight', 'must be a whole number ≥ 0');

  let delay: Stage['delay'];
  if (spec.delay !== undefined) {
    const d = mapping(spec.delay, `${at}: spec.delay`);
    known(d, ['durationMilliseconds', 'durationFrom', 'jitterDurationMilliseconds', 'jitterDurationFrom'], 'spec.delay.', fail);
    delay = {
      durationMs: millis(d.durationMilliseconds, 'spec.delay.durationMilliseconds'),
      durationFrom: from(d.durationFrom, 'spec.delay.durationFrom'),
      jitterMs: millis(d.jitterDurationMilliseconds, 'spec.delay.jitterDurationMilliseconds'),
      jitterFrom: from(d.jitterDurationFrom, 'spec.delay.jitterDurationFrom'),
    };
  }

  const n = mapping(spec.next ?? {}, `${at}: spec.next`);
  if ('patches' in n) fail('spec.next.patches', 'is not supported by kubemu yet; use statusTemplate');
  known(n, ['event', 'finalizers', 'delete', 'statusTemplate'], 'spec.next.', fail);
  const next: Stage['next'] = { delete: false };
  if (n.event !== undefined) {
    const e = mapping(n.event, `${at}: spec.next.event`);
    known(e, ['type', 'reason', 'message'], 'spec.next.event.', fail);
    if (e.type !== 'Normal' && e.type !== 'Warning') fail('spec.next.event.type', 'must be Normal or Warning');
    if (typeof e.reason !== 'string' || !e.reason) fail('spec.next.event.reason', 'is required');
    next.event = { type: e.type as string, reason: e.reason as string, message: typeof e.message === 'string' ? e.message : '' };
  }
  if (n.finalizers !== undefined) {
    const f = mapping(n.finalizers, `${at}: spec.next.finalizers`);
    known(f, ['add', 'remove', 'empty'], 'spec.next.finalizers.', fail);
    const items = (raw: unknown, path: string): string[] =>
      raw === undefined
        ? []
        : (Array.isArray(raw) ? raw : fail(path, 'must be a list')).map((item, i) => {
            const v = (item as { value?: unknown } | null)?.value;
            return typeof v === 'string' && v ? v : fail(`${path}[${i}].value`, 'must be a finalizer name');
          });
    next.finalizers = { add: items(f.add, 'spec.next.finalizers.add'), remove: items(f.remove, 'spec.next.finalizers.remove'), empty: f.empty === true };
  }
  if (n.delete !== undefined && typeof n.delete !== 'boolean') fail('spec.next.delete', 'must be true or false');
  next.delete = n.delete === true;
  if (n.statusTemplate !== undefined) {
    if (typeof n.statusTemplate !== 'string') fail('spec.next.statusTemplate', 'must be a string');
    try {
      // kwok trims the template before parsing it.
      next.statusTemplate = GoTemplate.parse((n.statusTemplate as string).trim(), templateNames);
    } catch (err) {
      fail('spec.next.statusTemplate', err instanceof TemplateError ? err.message : String(err));
    }
  }
  if (spec.immediateNextStage !== undefined && typeof spec.immediateNextStage !== 'boolean') fail('spec.immediateNextStage', 'must be true or false');

  return {
    name,
    kind,
    selector,
    weight: (spec.weight as number | undefined) ?? 0,
    weightFrom: from(spec.weightFrom, 'spec.weightFrom'),
    delay,
    next,
    immediateNextStage: spec.immediateNextStage === true,
  };
}

/** Every Stage document of a `--config` file, checked; stage names must be unique. */
export function parseStages(docs: readonly unknown[]): Stage[] {
  const stages = docs.map((doc, i) => parseStage(doc, `Stage document ${i + 1}`));
  const seen = new Set<string>();
  for (const s of stages) {
    if (seen.has(s.name)) throw new StageError(`Stage ${s.name}: metadata.name: used by two Stage documents`);
    seen.add(s.name);
  }
  return stages;
}

// ---------- matching and delays ----------

/** Whether the stage selects this object (its JSON form). */
export function stageMatches(stage: Stage, obj: Record<string, unknown>): boolean {
  const sel = stage.selector;
  if (!sel) return false;
  const meta = (obj.metadata ?? {}) as { labels?: Record<string, string>; annotations?: Record<string, string> };
  for (const [k, v] of Object.entries(sel.matchLabels ?? {})) if (meta.labels?.[k] !== v) return false;
  for (const [k, v] of Object.entries(sel.matchAnnotations ?? {})) if (meta.annotations?.[k] !== v) return false;
  for (const r of sel.requirements) {
    const results = r.query.run(obj);
    if (results === undefined) {
      if (r.operator === 'In' || r.operator === 'Exists') return false;
      continue;
    }
    const any = results.some((v) => matchable(v) !== undefined && r.values.includes(matchable(v)!));
    const exists = results.some((v) => v !== null && v !== undefined);
    const ok = r.operator === 'In' ? any : r.operator === 'NotIn' ? !any : r.operator === 'Exists' ? exists : !exists;
    if (!ok) return false;
  }
  return true;
}

/** kwok compares strings, booleans and whole numbers with the values; nothing else matches. */
function matchable(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (typeof v === 'boolean') return String(v);
  if (typeof v === 'number' && Number.isInteger(v)) return String(v);
  return undefined;
}

/**
 * The stage to run next among those that match: one alone; otherwise picked at random by weight
 * (stages of weight 0 only when no stage has a weight), as kwok does.
 */
export function chooseStage(stages: readonly Stage[], obj: Record<string, unknown>, random: () => number): Stage | undefined {
  const matched = stages.filter((s) => stageMatches(s, obj));
  if (matched.length <= 1) return matched[0];
  const weights = matched.map((s) => weightOf(s, obj));
  const total = weights.reduce((a, b) => a + b, 0);
  if (total === 0) return matched[Math.floor(random() * matched.length)];
  let off = Math.floor(random() * total);
  for (let i = 0; i < matched.length; i++) {
    if (weights[i]! <= 0) continue;
    off -= weights[i]!;
    if (off < 0) return matched[i];
  }
  return matched.at(-1);
}

function weightOf(stage: Stage, obj: Record<string, unknown>): number {
  if (stage.weightFrom) {
    const v = stage.weightFrom.run(obj)?.[0];
    const n = typeof v === 'number' ? v : typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : undefined;
    if (n !== undefined) return n;
  }
  return stage.weight;
}

/** How long the stage waits for this object, in ms (kwok: jitter picks uniformly between the delay and the jitter bound). */
export function stageDelayMs(stage: Stage, obj: Record<string, unknown>, now: number, random: () => number): number {
  const d = stage.delay;
  if (!d) return 0;
  const duration = valueMs(d.durationMs, d.durationFrom, obj, now);
  if (duration === undefined) return 0;
  const jitter = d.jitterMs !== undefined || d.jitterFrom ? valueMs(d.jitterMs, d.jitterFrom, obj, now) : undefined;
  if (jitter === undefined) return Math.max(0, duration);
  if (jitter <= duration) return Math.max(0, jitter);
  return Math.max(0, duration + Math.floor(random() * (jitter - duration)));
}

function valueMs(fixed: number | undefined, from: JqQuery | undefined, obj: Record<string, unknown>, now: number): number | undefined {
  if (!from) return fixed;
  const out = from.run(obj);
  if (out === undefined) return undefined;
  if (out.length === 0 || out[0] === null) return fixed;
  const v = out[0];
  if (typeof v !== 'string' || v === '') return undefined;
  const at = /^\d{4}-\d\d-\d\dT/.test(v) ? Date.parse(v) : NaN;
  if (!Number.isNaN(at)) return at - now;
  return goDurationMs(v);
}

// ---------- shape checks ----------

function mapping(raw: unknown, where: string): Record<string, unknown> {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw new StageError(`${where}: must be a mapping`);
  return raw as Record<string, unknown>;
}

function known(obj: Record<string, unknown>, fields: string[], prefix: string, fail: (path: string, message: string) => never): void {
  for (const k of Object.keys(obj)) if (!fields.includes(k)) fail(`${prefix}${k}`, `unknown field (known: ${fields.join(', ')})`);
}

function stringMap(raw: unknown, path: string, fail: (path: string, message: string) => never): Record<string, string> | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (typeof raw !== 'object' || Array.isArray(raw) || Object.values(raw).some((v) => typeof v !== 'string')) fail(path, 'must be a map of strings');
  return raw as Record<string, string>;
}
