// The jq that kwok Stage selectors and `…From` expressions are written in (kwok runs gojq): paths
// (`.metadata.labels["app"]`, `.spec.containers[0].name`, `.metadata.ownerReferences.[].kind`,
// `.status.conditions[]`), pipes, and `select(<path> == <literal>)` / `!=`. A query outside this
// subset is refused when the stage loads, naming the query. Evaluation yields jq's stream of
// results, or undefined where jq raises an error (iterating over null, a field of a string), which
// kwok treats as "no result".

export class QueryError extends Error {}

type PathStep = { kind: 'field'; name: string } | { kind: 'index'; index: number } | { kind: 'iterate' };

type Stage =
  | { kind: 'path'; steps: PathStep[] }
  | { kind: 'select'; path: PathStep[]; op?: '==' | '!='; literal?: unknown };

export class JqQuery {
  private constructor(
    readonly source: string,
    private readonly stages: Stage[],
  ) {}

  static parse(source: string): JqQuery {
    const parts = splitPipes(source);
    const stages = parts.map((part) => parseStage(part.trim(), source));
    return new JqQuery(source, stages);
  }

  /** Every result, or undefined when jq would stop with an error. */
  run(input: unknown): unknown[] | undefined {
    let values: unknown[] = [input];
    for (const stage of this.stages) {
      const next: unknown[] = [];
      for (const v of values) {
        if (stage.kind === 'path') {
          const out = walk(v, stage.steps);
          if (!out) return undefined;
          next.push(...out);
        } else {
          const out = walk(v, stage.path);
          if (!out) return undefined;
          for (const r of out) {
            const keep = stage.op === undefined ? r !== null && r !== false && r !== undefined : stage.op === '==' ? jsonEquals(r, stage.literal) : !jsonEquals(r, stage.literal);
            if (keep) next.push(v);
          }
        }
      }
      values = next;
    }
    return values;
  }
}

function walk(input: unknown, steps: PathStep[]): unknown[] | undefined {
  let values: unknown[] = [input];
  for (const step of steps) {
    const next: unknown[] = [];
    for (const v of values) {
      if (step.kind === 'field') {
        if (v === null || v === undefined) next.push(null);
        else if (typeof v === 'object' && !Array.isArray(v)) next.push((v as Record<string, unknown>)[step.name] ?? null);
        else return undefined;
      } else if (step.kind === 'index') {
        if (v === null || v === undefined) next.push(null);
        else if (Array.isArray(v)) next.push(v.at(step.index) ?? null);
        else return undefined;
      } else {
        if (Array.isArray(v)) next.push(...v);
        else if (v !== null && typeof v === 'object') next.push(...Object.values(v));
        else return undefined;
      }
    }
    values = next;
  }
  return values;
}

function jsonEquals(a: unknown, b: unknown): boolean {
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}

function splitPipes(source: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quoted = false;
  let start = 0;
  for (let i = 0; i < source.length; i++) {
    const c = source[i]!;
    if (quoted) {
      if (c === '\\') i++;
      else if (c === '"') quoted = false;
    } else if (c === '"') quoted = true;
    else if (c === '(' || c === '[') depth++;
    else if (c === ')' || c === ']') depth--;
    else if (c === '|' && depth === 0) {
      parts.push(source.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(source.slice(start));
  return parts;
}

function parseStage(part: string, source: string): Stage {
  const select = /^select\s*\((.*)\)$/s.exec(part);
  if (select) {
    const cond = select[1]!.trim();
    const m = /^(.*?)\s*(==|!=)\s*(.+)$/s.exec(cond);
    if (!m) return { kind: 'select', path: parsePath(cond, source) };
    let literal: unknown;
    try {
      literal = JSON.parse(m[3]!.trim());
    } catch {
      throw new QueryError(`${source}: select compares with ${m[3]!.trim()}, which is not a JSON literal`);
    }
    return { kind: 'select', path: parsePath(m[1]!.trim(), source), op: m[2] as '==' | '!=', literal };
  }
  return { kind: 'path', steps: parsePath(part, source) };
}

function parsePath(text: string, source: string): PathStep[] {
  const unsupported = (): never => {
    throw new QueryError(`${source}: only paths, pipes and select(… == …) are supported in kubemu's stage expressions (at "${text}")`);
  };
  if (!text.startsWith('.')) unsupported();
  const steps: PathStep[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c === '.') {
      i++;
      const ident = /^[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(i));
      if (ident) {
        steps.push({ kind: 'field', name: ident[0] });
        i += ident[0].length;
      } else if (text[i] === '"') {
        const end = stringEnd(text, i) ?? unsupported();
        steps.push({ kind: 'field', name: JSON.parse(text.slice(i, end)) as string });
        i = end;
      }
      // `.` alone, or `.` followed by `[`: handled by the bracket branch next.
    } else if (c === '[') {
      const close = text[i + 1] === '"' ? (stringEnd(text, i + 1) ?? unsupported()) : text.indexOf(']', i);
      if (text[i + 1] === '"') {
        if (text[close] !== ']') unsupported();
        steps.push({ kind: 'field', name: JSON.parse(text.slice(i + 1, close)) as string });
        i = close + 1;
      } else {
        const inner = text.slice(i + 1, close).trim();
        if (close < 0) unsupported();
        if (inner === '') steps.push({ kind: 'iterate' });
        else if (/^-?\d+$/.test(inner)) steps.push({ kind: 'index', index: Number(inner) });
        else unsupported();
        i = close + 1;
      }
    } else if (/\s/.test(c)) {
      i++;
    } else unsupported();
  }
  return steps;
}

/** The index just after the JSON string starting at `start`. */
function stringEnd(text: string, start: number): number | undefined {
  for (let i = start + 1; i < text.length; i++) {
    if (text[i] === '\\') i++;
    else if (text[i] === '"') return i + 1;
  }
  return undefined;
}
