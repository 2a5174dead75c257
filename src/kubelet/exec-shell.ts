// A tiny stand-in for the programs `kubectl exec` runs: env, printenv, cat, ls, hostname, echo,
// true, false, pwd, sleep, whoami, uname, and sh/bash — `-c "…"` scripts of those joined by
// ; && || and newlines, or an interactive prompt on stdin (with a terminal's echo under -t).
// It reads the container's environment and files from a ContainerView. Texts follow Debian's
// dash, bash and GNU coreutils; a program it does not know fails as runc reports a missing
// executable when exec'd directly, and with 127 inside a shell.
import { randomBytes } from 'node:crypto';
import type { Readable, Writable } from 'node:stream';
import type { Clock } from '../machinery/clock.js';
import { KubeletError, type ExecOutcome } from '../machinery/node-connection.js';
import { FileAccessError, resolvePath, type ContainerView } from './container-view.js';

export interface ExecShellIo {
  stdin?: Readable;
  stdout?: Writable;
  stderr?: Writable;
  /** A terminal: output gets CR LF, input is echoed, the shell prompts. */
  tty: boolean;
}

export interface ExecShellDeps {
  clock: Clock;
  /** The runtime's exec id (64 hex digits), named in its errors. */
  newExecId?: () => string;
}

const programNames = ['sh', 'bash', 'env', 'printenv', 'cat', 'ls', 'hostname', 'echo', 'true', 'false', 'pwd', 'sleep', 'whoami', 'uname'];
const programDirs = ['/bin', '/usr/bin', '/usr/local/bin', '/sbin', '/usr/sbin', '/usr/local/sbin'];

/** Runs `argv` in the container as exec does (no shell unless argv names one). */
export async function runInContainer(argv: string[], view: ContainerView, io: ExecShellIo, signal: AbortSignal, deps: ExecShellDeps): Promise<ExecOutcome> {
  const program = argv.length ? programName(argv[0]) : undefined;
  if (!program) {
    const execId = deps.newExecId?.() ?? randomBytes(32).toString('hex');
    const what = argv.length === 0 ? 'exec: no command' : argv[0].includes('/') ? `exec: "${argv[0]}": stat ${argv[0]}: no such file or directory` : `exec: "${argv[0]}": executable file not found in $PATH`;
    throw new KubeletError(
      500,
      `Internal error occurred: error executing command in container: failed to exec in container: failed to start exec "${execId}": OCI runtime exec failed: exec failed: unable to start container process: ${what}: unknown`,
    );
  }
  const shell = new Shell(view, io, signal, deps, program === 'bash' ? 'bash' : 'sh');
  try {
    return { exitCode: await shell.runProgram(program, argv.slice(1), 0) };
  } catch (err) {
    if (err instanceof ExitRequest) return { exitCode: err.code };
    throw err;
  } finally {
    shell.release();
  }
}

function programName(arg: string): string | undefined {
  const slash = arg.lastIndexOf('/');
  const base = slash < 0 ? arg : arg.slice(slash + 1);
  if (slash >= 0 && !programDirs.includes(arg.slice(0, slash) || '/')) return undefined;
  return programNames.includes(base) ? base : undefined;
}

class ExitRequest {
  constructor(readonly code: number) {}
}

type Token = { word: string } | { op: ';' | '&&' | '||' | '\n' } | { unsupported: string };

/** One shell process (or the program exec'd directly) with its environment, directory and $?. */
class Shell {
  private readonly env: Map<string, string>;
  private cwd: string;
  private status = 0;
  private line = 0;
  private stdinReader: LineReader | undefined;

  constructor(
    private readonly view: ContainerView,
    private readonly io: ExecShellIo,
    private readonly signal: AbortSignal,
    private readonly deps: ExecShellDeps,
    private readonly flavour: 'sh' | 'bash',
  ) {
    this.env = new Map(view.environment);
    if (io.tty && !this.env.has('TERM')) this.env.set('TERM', 'xterm');
    this.cwd = view.workingDir;
  }

  release(): void {
    this.stdinReader?.release();
  }

  private out(text: string | Buffer): void {
    this.write(this.io.stdout, text);
  }

  private err(text: string): void {
    // Under a terminal stderr is the terminal.
    this.write(this.io.tty ? this.io.stdout : this.io.stderr, text);
  }

  private write(to: Writable | undefined, text: string | Buffer): void {
    if (!to || to.destroyed || to.writableEnded) return;
    if (this.io.tty) {
      const s = typeof text === 'string' ? text : text.toString('utf8');
      to.write(s.replace(/\r?\n/g, '\r\n'));
    } else to.write(text);
  }

  private where(): string {
    return this.flavour === 'bash' ? `bash: line ${this.line}: ` : `sh: ${this.line}: `;
  }

  async runProgram(name: string, args: string[], depth: number): Promise<number> {
    switch (name) {
      case 'sh':
      case 'bash':
        return this.shellProgram(name, args, depth);
      case 'env':
        return this.envProgram(args, depth);
      case 'printenv': {
        if (args.length === 0) {
          for (const [k, v] of this.env) this.out(`${k}=${v}\n`);
          return 0;
        }
        let code = 0;
        for (const a of args) {
          const v = this.env.get(a);
          if (v === undefined) code = 1;
          else this.out(`${v}\n`);
        }
        return code;
      }
      case 'cat':
        return this.cat(args);
      case 'ls':
        return this.ls(args);
      case 'hostname':
        this.out(`${this.view.hostname}\n`);
        return 0;
      case 'echo': {
        const noNewline = args[0] === '-n';
        this.out(`${(noNewline ? args.slice(1) : args).join(' ')}${noNewline ? '' : '\n'}`);
        return 0;
      }
      case 'true':
        return 0;
      case 'false':
        return 1;
      case 'pwd':
        this.out(`${this.cwd}\n`);
        return 0;
      case 'whoami':
        this.out('root\n');
        return 0;
      case 'uname':
        this.out(args.includes('-a') ? `Linux ${this.view.hostname} 6.8.0 #1 SMP x86_64 GNU/Linux\n` : 'Linux\n');
        return 0;
      case 'sleep':
        return this.sleep(args);
    }
    return 127;
  }

  private async shellProgram(name: string, args: string[], depth: number): Promise<number> {
    const c = args.findIndex((a) => a === '-c' || (/^-[a-z]*c[a-z]*$/.test(a) && a !== '--'));
    const sub = new Shell(this.view, this.io, this.signal, this.deps, name === 'bash' ? 'bash' : 'sh');
    sub.env.clear();
    for (const [k, v] of this.env) sub.env.set(k, v);
    sub.cwd = this.cwd;
    try {
      if (c >= 0) {
        const script = args[c + 1];
        if (script === undefined) {
          this.err(`${name}: -c: option requires an argument\n`);
          return 2;
        }
        return await sub.runScript(script, depth + 1);
      }
      return await sub.interactive(depth + 1);
    } catch (err) {
      if (err instanceof ExitRequest) return err.code;
      throw err;
    } finally {
      sub.release();
    }
  }

  private async envProgram(args: string[], depth: number): Promise<number> {
    const extra = new Map<string, string>();
    let i = 0;
    for (; i < args.length && /^[^=]+=/.test(args[i]); i++) {
      const eq = args[i].indexOf('=');
      extra.set(args[i].slice(0, eq), args[i].slice(eq + 1));
    }
    if (i === args.length) {
      for (const [k, v] of this.env) if (!extra.has(k)) this.out(`${k}=${v}\n`);
      for (const [k, v] of extra) this.out(`${k}=${v}\n`);
      return 0;
    }
    const program = programName(args[i]);
    if (!program) {
      this.err(`env: '${args[i]}': No such file or directory\n`);
      return 127;
    }
    const saved = new Map(this.env);
    for (const [k, v] of extra) this.env.set(k, v);
    try {
      return await this.runProgram(program, args.slice(i + 1), depth);
    } finally {
      this.env.clear();
      for (const [k, v] of saved) this.env.set(k, v);
    }
  }

  private async cat(args: string[]): Promise<number> {
    const files = args.filter((a) => a !== '-u');
    if (files.length === 0 || (files.length === 1 && files[0] === '-')) {
      const reader = this.stdin();
      if (!reader) return 0;
      for (let chunk; (chunk = await reader.chunk()) !== undefined; ) this.out(chunk);
      return 0;
    }
    let code = 0;
    for (const f of files) {
      try {
        this.out(this.view.readFile(resolvePath(this.cwd, f)));
      } catch (err) {
        if (!(err instanceof FileAccessError)) throw err;
        this.err(`cat: ${f}: ${describe(err)}\n`);
        code = 1;
      }
    }
    return code;
  }

  private ls(args: string[]): number {
    const flags = new Set(args.filter((a) => a.startsWith('-') && a.length > 1).flatMap((a) => [...a.slice(1)]));
    const paths = args.filter((a) => !a.startsWith('-') || a === '-');
    const long = flags.has('l');
    const all = flags.has('a');
    const onePerLine = flags.has('1') || long || !this.io.tty;
    let code = 0;
    const targets = paths.length ? paths : ['.'];
    const blocks: string[] = [];
    for (const p of targets) {
      const stat = this.view.stat(resolvePath(this.cwd, p));
      if (!stat) {
        this.err(`ls: cannot access '${p}': No such file or directory\n`);
        code = 2;
        continue;
      }
      let entries = stat.kind === 'dir' ? this.view.listDir(resolvePath(this.cwd, p)) : [{ ...stat, name: p }];
      if (stat.kind === 'dir' && all) entries = [{ name: '.', kind: 'dir', size: 4096, mode: stat.mode }, { name: '..', kind: 'dir', size: 4096, mode: 0o755 }, ...entries];
      if (!all) entries = entries.filter((e) => !e.name.startsWith('.'));
      const lines = long ? [`total ${entries.reduce((n, e) => n + Math.ceil(e.size / 4096) * 4, 0)}`, ...entries.map((e) => this.longLine(e))] : entries.map((e) => e.name);
      const body = onePerLine || long ? lines.join('\n') : lines.join('  ');
      blocks.push(targets.length > 1 && stat.kind === 'dir' ? `${p}:\n${body}` : body);
    }
    const text = blocks.filter((b) => b !== '').join('\n\n');
    if (text) this.out(`${text}\n`);
    return code;
  }

  private longLine(e: { name: string; kind: 'file' | 'dir'; size: number; mode: number }): string {
    const bits = (m: number) => `${m & 4 ? 'r' : '-'}${m & 2 ? 'w' : '-'}${m & 1 ? 'x' : '-'}`;
    const perms = `${e.kind === 'dir' ? 'd' : '-'}${bits(e.mode >> 6)}${bits(e.mode >> 3)}${bits(e.mode)}`;
    const when = new Date(this.deps.clock.now());
    const month = when.toLocaleString('en-US', { month: 'short', timeZone: 'UTC' });
    const time = `${month} ${String(when.getUTCDate()).padStart(2)} ${String(when.getUTCHours()).padStart(2, '0')}:${String(when.getUTCMinutes()).padStart(2, '0')}`;
    return `${perms} ${e.kind === 'dir' ? 2 : 1} root root ${String(e.size).padStart(5)} ${time} ${e.name}`;
  }

  private async sleep(args: string[]): Promise<number> {
    const seconds = Number(args[0]?.replace(/s$/, ''));
    if (!args.length || !Number.isFinite(seconds) || seconds < 0) {
      this.err(args.length ? `sleep: invalid time interval '${args[0]}'\n` : 'sleep: missing operand\n');
      return 1;
    }
    await new Promise<void>((resolve) => {
      if (this.signal.aborted) return resolve();
      const done = () => {
        timer.cancel();
        this.signal.removeEventListener('abort', done);
        resolve();
      };
      const timer = this.deps.clock.setTimer(seconds * 1000, done);
      this.signal.addEventListener('abort', done, { once: true });
    });
    return this.signal.aborted ? 130 : 0;
  }

  private stdin(): LineReader | undefined {
    if (!this.io.stdin) return undefined;
    return (this.stdinReader ??= new LineReader(this.io.stdin, this.signal));
  }

  // ---- the shell language ----

  async runScript(script: string, depth: number): Promise<number> {
    for (const line of script.split('\n')) {
      this.line++;
      await this.runLine(line, depth);
    }
    return this.status;
  }

  private prompt(): string {
    if (this.flavour === 'sh') return '# ';
    const dirName = this.cwd === '/root' ? '~' : this.cwd;
    return `root@${this.view.hostname}:${dirName}# `;
  }

  async interactive(depth: number): Promise<number> {
    const reader = this.stdin();
    if (!reader) return 0;
    for (;;) {
      if (this.io.tty) this.out(this.prompt());
      const line = this.io.tty ? await reader.terminalLine((s) => this.write(this.io.stdout, s)) : await reader.line();
      if (line === undefined) {
        if (this.io.tty && this.flavour === 'bash') this.out('exit\n');
        return this.status;
      }
      if (line === '\x03') continue; // ^C: a fresh prompt
      this.line++;
      await this.runLine(line, depth);
    }
  }

  private async runLine(line: string, depth: number): Promise<void> {
    let skip = false;
    // Each command is expanded when it runs, so $? and assignments see what came before.
    for (const { text, op } of splitCommands(line)) {
      if (!skip) {
        const tokens = tokenize(text, (name) => (name === '?' ? String(this.status) : (this.env.get(name) ?? '')));
        const bad = tokens.find((t): t is { unsupported: string } => 'unsupported' in t);
        if (bad) {
          this.err(`${this.where()}kubemu's shell does not support ${JSON.stringify(bad.unsupported)}\n`);
          this.status = 2;
          return;
        }
        const words = tokens.flatMap((t) => ('word' in t ? [t.word] : []));
        if (words.length) this.status = await this.runSimple(words, depth);
        if (this.signal.aborted) throw new ExitRequest(130);
      }
      if (op === '&&') skip = this.status !== 0;
      else if (op === '||') skip = this.status === 0;
      else skip = false;
    }
  }

  private async runSimple(words: string[], depth: number): Promise<number> {
    // Leading NAME=value words set shell variables (or the command's environment).
    let i = 0;
    const assignments: [string, string][] = [];
    for (; i < words.length && /^[A-Za-z_][A-Za-z0-9_]*=/.test(words[i]); i++) {
      const eq = words[i].indexOf('=');
      assignments.push([words[i].slice(0, eq), words[i].slice(eq + 1)]);
    }
    if (i === words.length) {
      for (const [k, v] of assignments) this.env.set(k, v);
      return 0;
    }
    const [name, ...args] = words.slice(i);
    switch (name) {
      case 'exit': {
        const code = args[0] === undefined ? this.status : Number(args[0]);
        if (!/^\d+$/.test(args[0] ?? '0')) {
          this.err(this.flavour === 'bash' ? `${this.where()}exit: ${args[0]}: numeric argument required\n` : `${this.where()}exit: Illegal number: ${args[0]}\n`);
          throw new ExitRequest(2);
        }
        throw new ExitRequest(code & 0xff);
      }
      case 'cd': {
        const target = resolvePath(this.cwd, args[0] ?? this.env.get('HOME') ?? '/');
        const stat = this.view.stat(target);
        if (!stat || stat.kind !== 'dir') {
          this.err(this.flavour === 'bash' ? `${this.where()}cd: ${args[0]}: ${stat ? 'Not a directory' : 'No such file or directory'}\n` : `${this.where()}cd: can't cd to ${args[0]}\n`);
          return this.flavour === 'bash' ? 1 : 2;
        }
        this.cwd = target;
        return 0;
      }
      case 'export':
        for (const a of args) {
          const eq = a.indexOf('=');
          if (eq > 0) this.env.set(a.slice(0, eq), a.slice(eq + 1));
        }
        return 0;
      case 'unset':
        for (const a of args) this.env.delete(a);
        return 0;
    }
    const program = programName(name);
    if (!program) {
      this.err(this.flavour === 'bash' ? `${this.where()}${name}: command not found\n` : `${this.where()}${name}: not found\n`);
      return 127;
    }
    if (!assignments.length) return this.runProgram(program, args, depth);
    const saved = new Map(this.env);
    for (const [k, v] of assignments) this.env.set(k, v);
    try {
      return await this.runProgram(program, args, depth);
    } finally {
      this.env.clear();
      for (const [k, v] of saved) this.env.set(k, v);
    }
  }
}

function describe(err: FileAccessError): string {
  return err.code === 'ENOENT' ? 'No such file or directory' : err.code === 'EISDIR' ? 'Is a directory' : 'Not a directory';
}

/** A line cut at ; && || outside quotes (a # comment ends it), each command with the operator after it. */
export function splitCommands(line: string): { text: string; op?: ';' | '&&' | '||' }[] {
  const out: { text: string; op?: ';' | '&&' | '||' }[] = [];
  let start = 0;
  let quote = '';
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quote) {
      if (c === '\\' && quote === '"') i++;
      else if (c === quote) quote = '';
      continue;
    }
    if (c === '\\') {
      i++;
    } else if (c === "'" || c === '"') {
      quote = c;
    } else if (c === '#' && (i === 0 || /\s/.test(line[i - 1]))) {
      out.push({ text: line.slice(start, i) });
      return out;
    } else if (c === ';' || line.startsWith('&&', i) || line.startsWith('||', i)) {
      const op = c === ';' ? ';' : (line.slice(i, i + 2) as '&&' | '||');
      out.push({ text: line.slice(start, i), op });
      i += op.length - 1;
      start = i + 1;
    }
  }
  out.push({ text: line.slice(start) });
  return out;
}

/** Words and operators of one command: quotes, $VAR, ${VAR} and $? expansion, # comments. */
export function tokenize(line: string, variable: (name: string) => string): Token[] {
  const tokens: Token[] = [];
  let word = '';
  let inWord = false;
  const end = () => {
    if (inWord) tokens.push({ word });
    word = '';
    inWord = false;
  };
  const expand = (at: number): [string, number] => {
    // at points at '$'
    const rest = line.slice(at + 1);
    const braced = /^\{([A-Za-z_][A-Za-z0-9_]*|\?)\}/.exec(rest);
    if (braced) return [variable(braced[1]), at + 1 + braced[0].length];
    const plain = /^([A-Za-z_][A-Za-z0-9_]*|\?)/.exec(rest);
    if (plain) return [variable(plain[1]), at + 1 + plain[0].length];
    return ['$', at + 1];
  };
  for (let i = 0; i < line.length; ) {
    const c = line[i];
    if (c === ' ' || c === '\t') {
      end();
      i++;
    } else if (c === '#' && !inWord) {
      break;
    } else if (c === ';' || c === '\n') {
      end();
      tokens.push({ op: c });
      i++;
    } else if (line.startsWith('&&', i) || line.startsWith('||', i)) {
      end();
      tokens.push({ op: line.slice(i, i + 2) as '&&' | '||' });
      i += 2;
    } else if ('|&<>`'.includes(c) || line.startsWith('$(', i)) {
      tokens.push({ unsupported: line.startsWith('$(', i) ? '$(' : c });
      return tokens;
    } else if (c === "'") {
      const close = line.indexOf("'", i + 1);
      if (close < 0) return [...tokens, { unsupported: 'an unterminated quote' }];
      word += line.slice(i + 1, close);
      inWord = true;
      i = close + 1;
    } else if (c === '"') {
      inWord = true;
      i++;
      for (;;) {
        if (i >= line.length) return [...tokens, { unsupported: 'an unterminated quote' }];
        const d = line[i];
        if (d === '"') {
          i++;
          break;
        }
        if (d === '\\' && i + 1 < line.length && '"\\$`'.includes(line[i + 1])) {
          word += line[i + 1];
          i += 2;
        } else if (d === '$') {
          const [value, next] = expand(i);
          word += value;
          i = next;
        } else if (d === '`' || line.startsWith('$(', i)) {
          return [...tokens, { unsupported: d === '`' ? '`' : '$(' }];
        } else {
          word += d;
          i++;
        }
      }
    } else if (c === '\\' && i + 1 < line.length) {
      word += line[i + 1];
      inWord = true;
      i += 2;
    } else if (c === '$') {
      const [value, next] = expand(i);
      // An unquoted expansion splits into words.
      const parts = value.split(/[ \t\n]+/);
      parts.forEach((p, n) => {
        if (n > 0) end();
        word += p;
        if (p !== '' || n > 0) inWord = true;
      });
      if (value === '' && !inWord) inWord = false;
      i = next;
    } else {
      word += c;
      inWord = true;
      i++;
    }
  }
  end();
  return tokens;
}

/** stdin as lines (or chunks), ending at EOF or when the session is aborted. */
class LineReader {
  private buffered = '';
  private ended = false;
  private waiting: (() => void) | undefined;
  private readonly onData = (chunk: Buffer | string) => {
    this.buffered += typeof chunk === 'string' ? chunk : chunk.toString('utf8');
    this.wake();
  };
  private readonly onEnd = () => {
    this.ended = true;
    this.wake();
  };

  constructor(
    private readonly stream: Readable,
    private readonly signal: AbortSignal,
  ) {
    stream.on('data', this.onData);
    stream.on('end', this.onEnd);
    stream.on('close', this.onEnd);
    stream.on('error', this.onEnd);
    signal.addEventListener('abort', this.onEnd);
  }

  release(): void {
    this.stream.off('data', this.onData);
    this.stream.off('end', this.onEnd);
    this.stream.off('close', this.onEnd);
    this.stream.off('error', this.onEnd);
    this.signal.removeEventListener('abort', this.onEnd);
  }

  private wake(): void {
    const w = this.waiting;
    this.waiting = undefined;
    w?.();
  }

  private wait(): Promise<void> {
    return new Promise((resolve) => (this.waiting = resolve));
  }

  async chunk(): Promise<string | undefined> {
    while (!this.buffered && !this.ended) await this.wait();
    if (!this.buffered) return undefined;
    const out = this.buffered;
    this.buffered = '';
    return out;
  }

  async line(): Promise<string | undefined> {
    for (;;) {
      const nl = this.buffered.indexOf('\n');
      if (nl >= 0) {
        const line = this.buffered.slice(0, nl);
        this.buffered = this.buffered.slice(nl + 1);
        return line;
      }
      if (this.ended) {
        if (!this.buffered) return undefined;
        const line = this.buffered;
        this.buffered = '';
        return line;
      }
      await this.wait();
    }
  }

  /** A line typed at a terminal: echoed as typed, with backspace, ^C and ^D on an empty line. */
  async terminalLine(echo: (s: string) => void): Promise<string | undefined> {
    let line = '';
    for (;;) {
      while (!this.buffered && !this.ended) await this.wait();
      if (!this.buffered) return undefined;
      const c = this.buffered[0];
      this.buffered = this.buffered.slice(1);
      if (c === '\r' || c === '\n') {
        echo('\r\n');
        return line;
      }
      if (c === '\x04') {
        if (line === '') return undefined;
        continue;
      }
      if (c === '\x03') {
        echo('^C\r\n');
        return '\x03';
      }
      if (c === '\x7f' || c === '\b') {
        if (line) {
          line = line.slice(0, -1);
          echo('\b \b');
        }
        continue;
      }
      line += c;
      echo(c);
    }
  }
}
