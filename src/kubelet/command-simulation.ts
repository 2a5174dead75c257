// What a container "does", read from its command where that is trivial: `echo`, `printf`,
// `sleep N`, `exit N`, `true`/`false`, `date`, and `sh -c`/`bash -c` scripts of those (with ;,
// && and ||, and endless loops); a server image with no command runs until stopped; a shell image
// (busybox, alpine…) with no command runs its shell, which exits at once without a terminal.
// Everything else is taken to be a long-running process.
import type { Container } from '../machinery/api-types.js';

export type ScriptStep =
  | { kind: 'output'; text: string; stream: 'stdout' | 'stderr' }
  | { kind: 'sleep'; ms: number }
  | { kind: 'exit'; code: number };

export interface ContainerScript {
  steps: ScriptStep[];
  /** After the steps, it keeps running until stopped (a server, `sleep infinity`, `while true`). */
  runsForever: boolean;
  /** Steps repeated for ever after `steps` (the body of `while true; do …; done`). */
  loop?: ScriptStep[];
  /** PID 1 ignores SIGTERM (a shell or sleep without a trap): it only stops when killed at the end of the grace period. */
  ignoresSigterm: boolean;
}

const shellImages = /(^|\/)(busybox|alpine|ubuntu|debian|centos|fedora|rockylinux|almalinux|amazonlinux|bash)(:|@|$)/;
const shells = new Set(['sh', 'bash', 'ash', 'dash', 'zsh', '/bin/sh', '/bin/bash', '/bin/ash', '/usr/bin/bash', '/usr/bin/sh']);

/** The container's argv as the runtime would run it (command replaces ENTRYPOINT, args replace CMD). */
export function containerArgv(c: Container): string[] {
  return [...(c.command ?? []), ...(c.args ?? [])];
}

export function simulateContainer(c: Container, now: () => Date = () => new Date()): ContainerScript {
  const argv = containerArgv(c);
  if (argv.length === 0) {
    if (shellImages.test(c.image ?? '') && !c.stdin && !c.tty) return { steps: [{ kind: 'exit', code: 0 }], runsForever: false, ignoresSigterm: true };
    return { steps: [], runsForever: true, ignoresSigterm: false };
  }
  const [cmd, ...rest] = argv as [string, ...string[]];
  if (shells.has(cmd) && (rest[0] === '-c' || rest[0] === '-ec' || rest[0] === '-xc') && rest[1] !== undefined) {
    const script = runScript(rest[1], now);
    return { ...script, ignoresSigterm: true };
  }
  if (shells.has(cmd) && rest.length === 0) {
    // An interactive shell: it waits on stdin when there is one, else exits at once.
    return c.stdin ? { steps: [], runsForever: true, ignoresSigterm: true } : { steps: [{ kind: 'exit', code: 0 }], runsForever: false, ignoresSigterm: true };
  }
  const one = simpleCommand(argv, now);
  if (one) return { steps: one.steps, runsForever: one.forever, ignoresSigterm: one.forever ? cmd.endsWith('sleep') || cmd.endsWith('tail') : true };
  return { steps: [], runsForever: true, ignoresSigterm: false };
}

interface Simple {
  steps: ScriptStep[];
  forever: boolean;
  /** The command's exit status (when it finishes). */
  status: number;
}

/** One command, or undefined when it is not one we simulate. */
function simpleCommand(argv: string[], now: () => Date): Simple | undefined {
  const [cmd = '', ...args] = argv;
  const base = cmd.split('/').pop()!;
  switch (base) {
    case 'echo': {
      const noNewline = args[0] === '-n';
      const text = (noNewline ? args.slice(1) : args).join(' ');
      return { steps: [{ kind: 'output', text, stream: 'stdout' }], forever: false, status: 0 };
    }
    case 'printf':
      return { steps: [{ kind: 'output', text: (args[0] ?? '').replace(/\\n$/, '').replace(/\\n/g, '\n'), stream: 'stdout' }], forever: false, status: 0 };
    case 'true':
    case ':':
      return { steps: [], forever: false, status: 0 };
    case 'false':
      return { steps: [], forever: false, status: 1 };
    case 'date':
      return { steps: [{ kind: 'output', text: now().toUTCString().replace('GMT', 'UTC'), stream: 'stdout' }], forever: false, status: 0 };
    case 'sleep': {
      const arg = args[0] ?? '';
      if (arg === 'infinity' || arg === 'inf') return { steps: [], forever: true, status: 0 };
      const ms = durationMs(arg);
      return ms === undefined ? undefined : { steps: [{ kind: 'sleep', ms }], forever: false, status: 0 };
    }
    case 'tail':
      if (args.includes('-f') && args.includes('/dev/null')) return { steps: [], forever: true, status: 0 };
      return undefined;
    case 'exit': {
      const code = Number(args[0] ?? 0);
      return Number.isInteger(code) ? { steps: [{ kind: 'exit', code: ((code % 256) + 256) % 256 }], forever: false, status: code } : undefined;
    }
    default:
      return undefined;
  }
}

// sleep takes seconds, with an optional s/m/h/d suffix.
function durationMs(arg: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)([smhd]?)$/.exec(arg);
  if (!m) return undefined;
  const unit = { '': 1000, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[m[2] as '' | 's' | 'm' | 'h' | 'd'];
  return Math.round(Number(m[1]) * unit);
}

/** A `sh -c` script: commands joined by ;, newlines, && and ||; `while true; do …; done` loops forever. */
function runScript(script: string, now: () => Date): Omit<ContainerScript, 'ignoresSigterm'> {
  const steps: ScriptStep[] = [];
  const loop = /\bwhile\s+(?:true|:)\s*;?\s*do\b([\s\S]*?)\bdone\b/.exec(script);
  if (loop || /\bsleep\s+infinity\b/.test(script) || /\btail\s+-f\s+\/dev\/null\b/.test(script)) {
    // The commands before the loop still run once (their output shows in the log).
    const before = script.split(/\bwhile\b|\bsleep\s+infinity\b|\btail\s+-f\b/)[0] ?? '';
    const head = before.trim() ? runScript(before, now) : { steps: [], runsForever: false };
    const steps = head.steps.filter((s) => s.kind !== 'exit');
    if (head.runsForever || !loop) return { steps, runsForever: true };
    // A loop body of simple commands that waits between rounds repeats for ever; one that never
    // waits would spin, so it is taken to run once and keep running.
    const body = runScript(loop[1] ?? '', now);
    const bodySteps = body.steps.filter((s) => s.kind !== 'exit');
    const waits = bodySteps.some((s) => s.kind === 'sleep' && s.ms > 0);
    return body.runsForever || !waits ? { steps: [...steps, ...bodySteps], runsForever: true } : { steps, runsForever: true, loop: bodySteps };
  }
  let status = 0;
  let skip: '&&' | '||' | undefined;
  for (const [command, joiner] of splitStatements(script)) {
    if (skip === '&&' && status !== 0) {
      skip = joiner === ';' ? undefined : joiner;
      continue;
    }
    if (skip === '||' && status === 0) {
      skip = joiner === ';' ? undefined : joiner;
      continue;
    }
    const argv = words(command);
    if (argv.length === 0) continue;
    if (argv[0] === 'exit') {
      const code = Number(argv[1] ?? status);
      steps.push({ kind: 'exit', code: Number.isInteger(code) ? ((code % 256) + 256) % 256 : 2 });
      return { steps, runsForever: false };
    }
    const one = simpleCommand(argv, now);
    if (!one) {
      // Something we do not simulate: taken to be a long-running process (an app server started by a script).
      return { steps, runsForever: true };
    }
    if (one.forever) return { steps: [...steps, ...one.steps], runsForever: true };
    steps.push(...one.steps);
    status = one.status;
    skip = joiner === ';' ? undefined : joiner;
  }
  steps.push({ kind: 'exit', code: status });
  return { steps, runsForever: false };
}

function splitStatements(script: string): [string, ';' | '&&' | '||'][] {
  const out: [string, ';' | '&&' | '||'][] = [];
  let current = '';
  let quote: string | undefined;
  for (let i = 0; i < script.length; i++) {
    const ch = script[i]!;
    if (quote) {
      if (ch === quote) quote = undefined;
      current += ch;
      continue;
    }
    if (ch === '"' || ch === "'") {
      quote = ch;
      current += ch;
      continue;
    }
    const two = script.slice(i, i + 2);
    if (two === '&&' || two === '||') {
      out.push([current, two]);
      current = '';
      i++;
      continue;
    }
    if (ch === ';' || ch === '\n') {
      out.push([current, ';']);
      current = '';
      continue;
    }
    current += ch;
  }
  out.push([current, ';']);
  return out.filter(([c]) => c.trim() !== '');
}

/** Shell words with quotes removed (no expansions). */
function words(command: string): string[] {
  const out: string[] = [];
  const re = /"((?:[^"\\]|\\.)*)"|'([^']*)'|(\S+)/g;
  for (const m of command.matchAll(re)) out.push(m[1] !== undefined ? m[1].replace(/\\(.)/g, '$1') : (m[2] ?? m[3]!));
  return out;
}
