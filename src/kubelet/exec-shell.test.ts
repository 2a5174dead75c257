import assert from 'node:assert/strict';
import { PassThrough, Writable } from 'node:stream';
import { test } from 'node:test';
import type { Pod } from '../machinery/api-types.js';
import { FakeClock } from '../machinery/clock.js';
import { KubeletError } from '../machinery/node-connection.js';
import { FileAccessError, resolvePath, type ContainerView, type DirEntry } from './container-view.js';
import { runInContainer } from './exec-shell.js';

const files: Record<string, string> = { '/etc/hostname': 'web\n', '/etc/app/a.conf': 'A\n', '/etc/app/b.conf': 'B\n' };

const view: ContainerView = {
  pod: { metadata: { name: 'web' } } as Pod,
  container: { name: 'app' },
  hostname: 'web',
  environment: new Map([
    ['PATH', '/usr/bin:/bin'],
    ['HOSTNAME', 'web'],
    ['GREETING', 'hello world'],
  ]),
  workingDir: '/',
  readFile(path) {
    const p = resolvePath('/', path);
    if (p in files) return Buffer.from(files[p]);
    throw new FileAccessError(Object.keys(files).some((f) => f.startsWith(`${p}/`)) ? 'EISDIR' : 'ENOENT', path);
  },
  listDir(path) {
    const p = resolvePath('/', path);
    const names = new Set<string>();
    for (const f of Object.keys(files)) if (f.startsWith(p === '/' ? '/' : `${p}/`)) names.add(f.slice(p === '/' ? 1 : p.length + 1).split('/')[0]);
    if (!names.size) throw new FileAccessError('ENOENT', path);
    return [...names].sort().map((name): DirEntry => ({ name, kind: `${p}/${name}`.replace('//', '/') in files ? 'file' : 'dir', size: 2, mode: 0o644 }));
  },
  stat(path) {
    const p = resolvePath('/', path);
    if (p in files) return { name: p, kind: 'file', size: files[p].length, mode: 0o644 };
    if (p === '/' || Object.keys(files).some((f) => f.startsWith(`${p}/`))) return { name: p, kind: 'dir', size: 4096, mode: 0o755 };
    return undefined;
  },
};

function sink(): { stream: Writable; text: () => string } {
  const chunks: Buffer[] = [];
  return { stream: new Writable({ write: (c: Buffer, _e, cb) => (chunks.push(Buffer.from(c)), cb()) }), text: () => Buffer.concat(chunks).toString() };
}

async function run(argv: string[], opts: { stdin?: string; tty?: boolean } = {}) {
  const out = sink();
  const err = sink();
  let stdin: PassThrough | undefined;
  if (opts.stdin !== undefined) {
    stdin = new PassThrough();
    stdin.end(opts.stdin);
  }
  const { exitCode } = await runInContainer(argv, view, { stdin, stdout: out.stream, stderr: err.stream, tty: opts.tty ?? false }, new AbortController().signal, {
    clock: new FakeClock(),
    newExecId: () => 'e'.repeat(64),
  });
  return { exitCode, stdout: out.text(), stderr: err.text() };
}

test('programs: env, printenv, cat, ls, hostname, echo, pwd, true/false', async () => {
  assert.match((await run(['env'])).stdout, /^PATH=\/usr\/bin:\/bin\nHOSTNAME=web\nGREETING=hello world\n$/);
  assert.deepEqual(await run(['printenv', 'GREETING', 'NOPE']), { exitCode: 1, stdout: 'hello world\n', stderr: '' });
  assert.deepEqual(await run(['/bin/cat', '/etc/app/a.conf', '/etc/app/b.conf']), { exitCode: 0, stdout: 'A\nB\n', stderr: '' });
  assert.deepEqual(await run(['cat', '/nope']), { exitCode: 1, stdout: '', stderr: 'cat: /nope: No such file or directory\n' });
  assert.deepEqual(await run(['ls', '/etc/app']), { exitCode: 0, stdout: 'a.conf\nb.conf\n', stderr: '' });
  assert.deepEqual(await run(['ls', '/x']), { exitCode: 2, stdout: '', stderr: "ls: cannot access '/x': No such file or directory\n" });
  assert.match((await run(['ls', '-l', '/etc/app'])).stdout, /^total \d+\n-rw-r--r-- 1 root root +2 Jan  1 00:00 a\.conf\n/);
  assert.equal((await run(['hostname'])).stdout, 'web\n');
  assert.equal((await run(['echo', '-n', 'a', 'b'])).stdout, 'a b');
  assert.equal((await run(['pwd'])).stdout, '/\n');
  assert.equal((await run(['true'])).exitCode, 0);
  assert.equal((await run(['false'])).exitCode, 1);
  assert.equal((await run(['cat'], { stdin: 'piped\n' })).stdout, 'piped\n');
});

test('an unknown program fails as the runtime reports it', async () => {
  await assert.rejects(
    run(['nosuch']),
    (err: unknown) =>
      err instanceof KubeletError &&
      err.code === 500 &&
      err.message ===
        `Internal error occurred: error executing command in container: failed to exec in container: failed to start exec "${'e'.repeat(64)}": OCI runtime exec failed: exec failed: unable to start container process: exec: "nosuch": executable file not found in $PATH: unknown`,
  );
});

test('sh -c: chains with ; && ||, quoting, $VAR and $?, exit codes, unknown commands', async () => {
  assert.deepEqual(await run(['sh', '-c', 'echo "$GREETING"; false && echo no || echo "status $?"; exit 4']), { exitCode: 4, stdout: 'hello world\nstatus 1\n', stderr: '' });
  assert.deepEqual(await run(['sh', '-c', "X='a  b'; echo $X; echo \"$X\""]), { exitCode: 0, stdout: 'a b\na  b\n', stderr: '' });
  assert.deepEqual(await run(['sh', '-c', 'nosuch; echo $?']), { exitCode: 0, stdout: '127\n', stderr: 'sh: 1: nosuch: not found\n' });
  assert.deepEqual(await run(['bash', '-c', 'nosuch']), { exitCode: 127, stdout: '', stderr: 'bash: line 1: nosuch: command not found\n' });
  assert.deepEqual(await run(['sh', '-c', 'cd /etc/app && cat a.conf && pwd']), { exitCode: 0, stdout: 'A\n/etc/app\n', stderr: '' });
  assert.equal((await run(['sh', '-c', 'echo a | cat'])).exitCode, 2);
});

test('interactive sh reads commands from stdin until exit; with a tty it prompts and echoes', async () => {
  assert.deepEqual(await run(['sh'], { stdin: 'echo one\nexit 5\necho never\n' }), { exitCode: 5, stdout: 'one\n', stderr: '' });
  assert.deepEqual(await run(['sh'], { stdin: 'hostname\n' }), { exitCode: 0, stdout: 'web\n', stderr: '' });
  const tty = await run(['sh'], { stdin: 'echo hi\rexit\r', tty: true });
  assert.equal(tty.stdout, '# echo hi\r\nhi\r\n# exit\r\n');
  assert.equal(tty.exitCode, 0);
});
