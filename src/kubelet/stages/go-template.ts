// The part of Go's text/template that kwok Stage `statusTemplate`s are written in: text and
// {{ actions }} with trim markers and comments; pipelines with `|`; variables (`$x := …`, `$x = …`,
// `$`); fields on dot, variables and parenthesised pipelines; string, number, bool and nil
// literals; if / else if / else, range (with `$i, $v :=` and else), with; and the functions the
// caller passes. The data is JSON (as kwok re-decodes the object before executing), so a field of
// a missing key is nil and a field of nil is an error, as in Go. No npm package implements Go
// templates without native code, hence this file. Anything outside the subset (define,
// template, block, break, continue) is a parse error that names it, never a silent no-op.

export type TemplateFunction = (...args: unknown[]) => unknown;

export class TemplateError extends Error {}

type Node =
  | { kind: 'text'; text: string }
  | { kind: 'action'; pipe: Pipeline }
  | { kind: 'if' | 'with'; pipe: Pipeline; body: Node[]; otherwise: Node[] }
  | { kind: 'range'; pipe: Pipeline; body: Node[]; otherwise: Node[] };

interface Pipeline {
  decl: string[];
  /** `:=` declares, `=` assigns an existing variable. */
  assign: boolean;
  commands: Command[];
}

type Command = Operand[];

type Operand =
  | { kind: 'literal'; value: unknown }
  | { kind: 'dot'; fields: string[] }
  | { kind: 'variable'; name: string; fields: string[] }
  | { kind: 'function'; name: string }
  | { kind: 'pipe'; pipe: Pipeline; fields: string[] };

/** A parsed template, executed many times. */
export class GoTemplate {
  private constructor(private readonly nodes: Node[]) {}

  /** `functions`: the names a template may call (the values are bound at execution). */
  static parse(text: string, functions: ReadonlySet<string>): GoTemplate {
    return new GoTemplate(new Parser(text, functions).parseAll());
  }

  execute(data: unknown, functions: Readonly<Record<string, TemplateFunction>>): string {
    const out: string[] = [];
    new Executor(functions, out).run(this.nodes, data, [{ name: '$', value: data }]);
    return out.join('');
  }
}

// ---------- parsing ----------

type Token =
  | { t: 'ident'; v: string }
  /** `adjacent`: written right after the previous token (`$x.a`, `(…).a`), so it chains onto it. */
  | { t: 'field'; v: string; adjacent: boolean }
  | { t: 'var'; v: string }
  | { t: 'lit'; v: unknown }
  | { t: 'punct'; v: '(' | ')' | '|' | ':=' | '=' | ',' }
  | { t: 'dot' };

class Parser {
  private pos = 0;
  private readonly items: ({ kind: 'text'; text: string } | { kind: 'action'; tokens: Token[]; source: string })[] = [];
  private index = 0;

  constructor(
    private readonly text: string,
    private readonly functions: ReadonlySet<string>,
  ) {
    this.split();
  }

  parseAll(): Node[] {
    const { nodes, end } = this.parseList();
    if (end) throw new TemplateError(`unexpected {{${end}}}`);
    return nodes;
  }

  /** Nodes up to an `end` / `else` (returned as `end`), or to the end of the text. */
  private parseList(): { nodes: Node[]; end?: string; elseTokens?: Token[] } {
    const nodes: Node[] = [];
    while (this.index < this.items.length) {
      const item = this.items[this.index++]!;
      if (item.kind === 'text') {
        if (item.text) nodes.push({ kind: 'text', text: item.text });
        continue;
      }
      const [first, ...rest] = item.tokens;
      if (!first) continue; // a comment
      if (first.t === 'ident') {
        switch (first.v) {
          case 'end':
            return { nodes, end: 'end' };
          case 'else':
            return { nodes, end: 'else', elseTokens: rest };
          case 'if':
          case 'with':
          case 'range':
            nodes.push(this.parseControl(first.v, rest));
            continue;
          case 'define':
          case 'template':
          case 'block':
          case 'break':
          case 'continue':
            throw new TemplateError(`{{${first.v}}} is not supported in kubemu's stage templates`);
        }
      }
      nodes.push({ kind: 'action', pipe: this.pipeline(item.tokens, item.source) });
    }
    return { nodes };
  }

  private parseControl(kind: 'if' | 'with' | 'range', tokens: Token[]): Node {
    const pipe = this.pipeline(tokens, kind);
    const body = this.parseList();
    if (!body.end) throw new TemplateError(`unexpected EOF: {{${kind}}} has no {{end}}`);
    let otherwise: Node[] = [];
    if (body.end === 'else') {
      const elseTokens = body.elseTokens ?? [];
      const head = elseTokens[0];
      if (head?.t === 'ident' && (head.v === 'if' || head.v === 'with')) {
        // `else if …` is an if nested in the else branch that shares the outer {{end}}.
        otherwise = [this.parseControl(head.v, elseTokens.slice(1))];
      } else {
        if (elseTokens.length) throw new TemplateError('unexpected tokens after {{else}}');
        const rest = this.parseList();
        if (rest.end !== 'end') throw new TemplateError(`{{${kind}}}: expected {{end}} after {{else}}`);
        otherwise = rest.nodes;
      }
    }
    return { kind, pipe, body: body.nodes, otherwise } as Node;
  }

  private pipeline(tokens: Token[], source: string): Pipeline {
    let i = 0;
    const decl: string[] = [];
    let assign = false;
    // `$a := …`, `$a = …`, `$i, $v := …`
    const declEnd = tokens.findIndex((t) => t.t === 'punct' && (t.v === ':=' || t.v === '='));
    if (declEnd > 0 && tokens.slice(0, declEnd).every((t) => t.t === 'var' || (t.t === 'punct' && t.v === ','))) {
      for (const t of tokens.slice(0, declEnd)) if (t.t === 'var') decl.push(t.v);
      assign = (tokens[declEnd] as { v: string }).v === '=';
      i = declEnd + 1;
    }
    const commands: Command[] = [];
    let current: Command = [];
    for (; i < tokens.length; i++) {
      const tok = tokens[i]!;
      if (tok.t === 'punct' && tok.v === '|') {
        if (!current.length) throw new TemplateError(`missing command before | in {{${source}}}`);
        commands.push(current);
        current = [];
        continue;
      }
      if (tok.t === 'punct' && tok.v === '(') {
        // Find the matching paren and parse its contents as a pipeline.
        let depth = 1;
        let j = i + 1;
        for (; j < tokens.length && depth > 0; j++) {
          const u = tokens[j]!;
          if (u.t === 'punct' && u.v === '(') depth++;
          if (u.t === 'punct' && u.v === ')') depth--;
        }
        if (depth !== 0) throw new TemplateError(`unclosed left paren in {{${source}}}`);
        const inner = this.pipeline(tokens.slice(i + 1, j - 1), source);
        const fields: string[] = [];
        while (isChained(tokens[j])) fields.push((tokens[j++] as { v: string }).v);
        current.push({ kind: 'pipe', pipe: inner, fields });
        i = j - 1;
        continue;
      }
      if (tok.t === 'punct') throw new TemplateError(`unexpected "${tok.v}" in {{${source}}}`);
      current.push(this.operand(tok, tokens, i, (n) => (i = n)));
    }
    if (current.length) commands.push(current);
    else if (commands.length) throw new TemplateError(`missing command after | in {{${source}}}`);
    if (!commands.length) throw new TemplateError(`missing value in {{${source}}}`);
    return { decl, assign, commands };
  }

  private operand(tok: Token, tokens: Token[], i: number, moveTo: (n: number) => void): Operand {
    const trailingFields = (): string[] => {
      const fields: string[] = [];
      let j = i + 1;
      while (isChained(tokens[j])) fields.push((tokens[j++] as { v: string }).v);
      moveTo(j - 1);
      return fields;
    };
    switch (tok.t) {
      case 'lit':
        return { kind: 'literal', value: tok.v };
      case 'dot':
        return { kind: 'dot', fields: [] };
      case 'field':
        return { kind: 'dot', fields: [tok.v, ...trailingFields()] };
      case 'var':
        return { kind: 'variable', name: tok.v, fields: trailingFields() };
      case 'ident':
        if (!this.functions.has(tok.v)) throw new TemplateError(`function "${tok.v}" not defined`);
        return { kind: 'function', name: tok.v };
      default:
        throw new TemplateError('unexpected token');
    }
  }

  // ---------- lexing ----------

  private split(): void {
    const text = this.text;
    let pendingTrim = false;
    while (this.pos <= text.length) {
      const open = text.indexOf('{{', this.pos);
      let chunk = open < 0 ? text.slice(this.pos) : text.slice(this.pos, open);
      if (pendingTrim) chunk = chunk.replace(/^\s+/, '');
      if (open < 0) {
        this.items.push({ kind: 'text', text: chunk });
        break;
      }
      let start = open + 2;
      if (text.startsWith('- ', start) || text.startsWith('-\t', start) || text.startsWith('-\n', start) || text.startsWith('-\r', start)) {
        chunk = chunk.replace(/\s+$/, '');
        start += 1;
      }
      this.items.push({ kind: 'text', text: chunk });
      const { tokens, end, trimAfter } = this.lexAction(start);
      this.items.push({ kind: 'action', tokens, source: text.slice(start, end).trim() });
      pendingTrim = trimAfter;
      this.pos = end + 2;
    }
  }

  /** Tokens of one action from `start`; `end` is the index of its closing braces. */
  private lexAction(start: number): { tokens: Token[]; end: number; trimAfter: boolean } {
    const text = this.text;
    const tokens: Token[] = [];
    let i = start;
    const skipSpace = () => {
      while (i < text.length && /\s/.test(text[i]!)) i++;
    };
    skipSpace();
    if (text.startsWith('/*', i)) {
      const close = text.indexOf('*/', i + 2);
      if (close < 0) throw new TemplateError('unclosed comment');
      i = close + 2;
      skipSpace();
      const trim = text.startsWith('-}}', i);
      if (trim) i++;
      if (!text.startsWith('}}', i)) throw new TemplateError('comment ends before closing delimiter');
      return { tokens: [], end: i, trimAfter: trim };
    }
    for (;;) {
      skipSpace();
      if (i >= text.length) throw new TemplateError('unclosed action');
      if (text.startsWith('-}}', i) && (i === start || /\s/.test(text[i - 1]!))) return { tokens, end: i + 1, trimAfter: true };
      if (text.startsWith('}}', i)) return { tokens, end: i, trimAfter: false };
      const c = text[i]!;
      if (c === '"') {
        let j = i + 1;
        while (j < text.length && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
        if (j >= text.length) throw new TemplateError('unterminated quoted string');
        tokens.push({ t: 'lit', v: JSON.parse(text.slice(i, j + 1).replace(/\\x([0-9a-fA-F]{2})/g, '\\u00$1')) as string });
        i = j + 1;
      } else if (c === '`') {
        const j = text.indexOf('`', i + 1);
        if (j < 0) throw new TemplateError('unterminated raw quoted string');
        tokens.push({ t: 'lit', v: text.slice(i + 1, j) });
        i = j + 1;
      } else if (c === '(' || c === ')' || c === '|' || c === ',') {
        tokens.push({ t: 'punct', v: c });
        i++;
      } else if (text.startsWith(':=', i)) {
        tokens.push({ t: 'punct', v: ':=' });
        i += 2;
      } else if (c === '=') {
        tokens.push({ t: 'punct', v: '=' });
        i++;
      } else if (c === '$') {
        const m = /^\$[A-Za-z0-9_]*/.exec(text.slice(i))!;
        tokens.push({ t: 'var', v: m[0] });
        i += m[0].length;
      } else if (c === '.') {
        const m = /^\.[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(i));
        if (m) {
          tokens.push({ t: 'field', v: m[0].slice(1), adjacent: i > start && !/\s/.test(text[i - 1]!) });
          i += m[0].length;
        } else {
          tokens.push({ t: 'dot' });
          i++;
        }
      } else if (/[-+0-9]/.test(c)) {
        const m = /^[-+]?(0x[0-9a-fA-F]+|[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?)/.exec(text.slice(i));
        if (!m) throw new TemplateError(`bad number syntax at "${text.slice(i, i + 10)}"`);
        tokens.push({ t: 'lit', v: Number(m[0]) });
        i += m[0].length;
      } else if (/[A-Za-z_]/.test(c)) {
        const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(i))!;
        const word = m[0];
        if (word === 'true' || word === 'false') tokens.push({ t: 'lit', v: word === 'true' });
        else if (word === 'nil') tokens.push({ t: 'lit', v: null });
        else tokens.push({ t: 'ident', v: word });
        i += word.length;
      } else {
        throw new TemplateError(`unexpected "${c}" in action`);
      }
    }
  }
}

function isChained(tok: Token | undefined): boolean {
  return tok?.t === 'field' && tok.adjacent;
}

// ---------- execution ----------

interface Variable {
  name: string;
  value: unknown;
}

class Executor {
  constructor(
    private readonly functions: Readonly<Record<string, TemplateFunction>>,
    private readonly out: string[],
  ) {}

  run(nodes: Node[], dot: unknown, vars: Variable[]): void {
    const mark = vars.length;
    for (const node of nodes) {
      switch (node.kind) {
        case 'text':
          this.out.push(node.text);
          break;
        case 'action': {
          const value = this.pipeline(node.pipe, dot, vars);
          if (!node.pipe.decl.length) this.out.push(printValue(value));
          break;
        }
        case 'if':
        case 'with': {
          const inner = vars.length;
          const value = this.pipeline(node.pipe, dot, vars);
          if (truthy(value)) this.run(node.body, node.kind === 'with' ? value : dot, vars);
          else this.run(node.otherwise, dot, vars);
          vars.length = inner;
          break;
        }
        case 'range':
          this.range(node, dot, vars);
          break;
      }
    }
    vars.length = mark;
  }

  private range(node: Extract<Node, { kind: 'range' }>, dot: unknown, vars: Variable[]): void {
    const mark = vars.length;
    const value = this.pipeline({ ...node.pipe, decl: [] }, dot, vars);
    const entries: [unknown, unknown][] = Array.isArray(value)
      ? value.map((v, i) => [i, v])
      : value !== null && typeof value === 'object'
        ? Object.keys(value).sort().map((k) => [k, (value as Record<string, unknown>)[k]])
        : typeof value === 'number' && Number.isInteger(value)
          ? Array.from({ length: Math.max(0, value) }, (_, i) => [i, i])
          : value === null || value === undefined
            ? []
            : fail(`range can't iterate over ${printValue(value)}`);
    if (!entries.length) {
      this.run(node.otherwise, dot, vars);
      return;
    }
    for (const [key, item] of entries) {
      vars.length = mark;
      const [first, second] = node.pipe.decl;
      if (second !== undefined) vars.push({ name: first!, value: key }, { name: second, value: item });
      else if (first !== undefined) vars.push({ name: first, value: item });
      this.run(node.body, item, vars);
    }
    vars.length = mark;
  }

  private pipeline(pipe: Pipeline, dot: unknown, vars: Variable[]): unknown {
    let value: unknown;
    let piped = false;
    for (const command of pipe.commands) {
      value = this.command(command, dot, vars, piped ? [value] : []);
      piped = true;
    }
    if (pipe.decl.length) {
      const name = pipe.decl[0]!;
      if (pipe.assign) {
        const existing = [...vars].reverse().find((v) => v.name === name);
        if (!existing) throw new TemplateError(`undefined variable: ${name}`);
        existing.value = value;
      } else vars.push({ name, value });
    }
    return value;
  }

  private command(command: Command, dot: unknown, vars: Variable[], piped: unknown[]): unknown {
    const [head, ...args] = command;
    if (head!.kind === 'function') {
      const name = head!.name;
      // and/or evaluate their arguments lazily, as Go does.
      if ((name === 'and' || name === 'or') && piped.length === 0) {
        let last: unknown;
        for (const arg of args) {
          last = this.operand(arg, dot, vars);
          if (name === 'or' ? truthy(last) : !truthy(last)) return last;
        }
        return last;
      }
      const values = [...args.map((a) => this.operand(a, dot, vars)), ...piped];
      const fn = this.functions[name];
      if (!fn) throw new TemplateError(`function "${name}" not defined`);
      try {
        return fn(...values);
      } catch (err) {
        throw new TemplateError(`error calling ${name}: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
    if (args.length || piped.length) throw new TemplateError(`can't give argument to non-function ${describe(head!)}`);
    return this.operand(head!, dot, vars);
  }

  private operand(op: Operand, dot: unknown, vars: Variable[]): unknown {
    switch (op.kind) {
      case 'literal':
        return op.value;
      case 'dot':
        return fields(dot, op.fields);
      case 'variable': {
        const v = [...vars].reverse().find((x) => x.name === op.name);
        if (!v) throw new TemplateError(`undefined variable: ${op.name}`);
        return fields(v.value, op.fields);
      }
      case 'pipe':
        return fields(this.pipeline({ ...op.pipe, decl: [] }, dot, vars), op.fields);
      case 'function':
        return this.command([op], dot, vars, []);
    }
  }
}

function fields(value: unknown, path: string[]): unknown {
  let v = value;
  for (const f of path) {
    if (v === null || v === undefined) throw new TemplateError(`nil pointer evaluating interface {}.${f}`);
    if (typeof v !== 'object' || Array.isArray(v)) throw new TemplateError(`can't evaluate field ${f} in type ${Array.isArray(v) ? '[]interface {}' : typeof v}`);
    v = (v as Record<string, unknown>)[f] ?? null;
  }
  return v;
}

function describe(op: Operand): string {
  return op.kind === 'literal' ? JSON.stringify(op.value) : op.kind === 'variable' ? op.name : op.kind === 'dot' ? `.${op.fields.join('.')}` : 'pipeline';
}

function fail(message: string): never {
  throw new TemplateError(message);
}

/** Go's truth: false, 0, nil and empty strings, lists and maps are false. */
export function truthy(v: unknown): boolean {
  if (v === null || v === undefined || v === false || v === 0 || v === '') return false;
  if (Array.isArray(v)) return v.length > 0;
  if (typeof v === 'object') return Object.keys(v).length > 0;
  return true;
}

/** How Go's fmt prints a JSON-decoded value in a template. */
export function printValue(v: unknown): string {
  if (v === null || v === undefined) return '<no value>';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return `[${v.map((x) => (x === null ? '<nil>' : printValue(x))).join(' ')}]`;
  if (typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return `map[${Object.keys(o).sort().map((k) => `${k}:${o[k] === null ? '<nil>' : printValue(o[k])}`).join(' ')}]`;
  }
  return String(v);
}
