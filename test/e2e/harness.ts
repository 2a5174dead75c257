// End-to-end harness: runs `kubemu serve` as a real process (HTTPS, generated CA, LevelDB in a
// temporary folder) and the real kubectl binaries against it, each with its own fresh cache dir.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const distRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const mainScript = join(distRoot, 'src', 'main.js');

/** The real kubectl binaries of this machine: kubectl.1.27 … and the newest. */
export function kubectlBinaries(): Map<string, string> {
  const found = new Map<string, string>();
  const pathDirs = (process.env.PATH ?? '').split(':');
  let real: string | undefined;
  for (const d of pathDirs) {
    const p = join(d, 'kubectl');
    if (existsSync(p)) {
      real = realpathSync(p);
      break;
    }
  }
  if (!real) throw new Error('kubectl is not on the PATH; the end-to-end tests need the real kubectl binaries');
  const dir = dirname(real);
  for (const f of readdirSync(dir)) {
    const m = /^kubectl\.1\.(\d+)$/.exec(f);
    if (m) found.set(`1.${m[1]}`, join(dir, f));
  }
  return found;
}

/** kubectl 1.27, 1.30 and the newest installed: the three differ on the wire. */
export function kubectlVersionsUnderTest(): { version: string; path: string }[] {
  const bins = kubectlBinaries();
  const newest = [...bins.keys()].sort((a, b) => Number(a.split('.')[1]) - Number(b.split('.')[1])).pop();
  const wanted = [...new Set(['1.27', '1.30', newest].filter((v): v is string => !!v))];
  const missing = wanted.filter((v) => !bins.has(v));
  if (missing.length) throw new Error(`kubectl ${missing.join(', ')} not found beside ${[...bins.values()][0] ?? 'kubectl'}`);
  return wanted.map((v) => ({ version: v, path: bins.get(v)! }));
}

export interface KubemuProcess {
  url: string;
  kubeconfig: string;
  dataDir: string;
  child: ChildProcess;
  stderr(): string;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

export async function startKubemu(opts: { dataDir?: string; extraArgs?: string[] } = {}): Promise<KubemuProcess> {
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'kubemu-e2e-'));
  const kubeconfig = join(dataDir, 'kubeconfig');
  const child = spawn(
    process.execPath,
    // As the bin's shebang and `npm start` run it.
    ['--max-semi-space-size=32', mainScript, 'serve', '--port', '0', '--data-dir', join(dataDir, 'data'), '--kubeconfig', kubeconfig, ...(opts.extraArgs ?? [])],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  let err = '';
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const url = await new Promise<string>((resolveUrl, reject) => {
    const timer = setTimeout(() => reject(new Error(`kubemu did not start in time:\n${err}`)), 30_000);
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /serving the Kubernetes API at (\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolveUrl(m[1]);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`kubemu exited with ${code}:\n${err}`));
    });
  });
  return {
    url,
    kubeconfig,
    dataDir,
    child,
    stderr: () => err,
    stop: (signal = 'SIGTERM') =>
      new Promise((resolveStop) => {
        if (child.exitCode !== null) return resolveStop(child.exitCode);
        child.once('exit', (code) => resolveStop(code));
        child.kill(signal);
      }),
  };
}

export interface KubectlResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface Kubectl {
  version: string;
  run(args: string[], opts?: { input?: string; env?: Record<string, string>; timeoutMs?: number }): Promise<KubectlResult>;
  /** Like run, but fails the test with kubectl's stderr unless it exits 0. */
  ok(args: string[], opts?: { input?: string; env?: Record<string, string> }): Promise<string>;
}

export function kubectlFor(binary: { version: string; path: string }, kubeconfig: string, cacheRoot: string): Kubectl {
  const cacheDir = join(cacheRoot, `cache-${binary.version}`);
  const run: Kubectl['run'] = (args, opts = {}) =>
    new Promise((resolveRun) => {
      const child = execFile(
        binary.path,
        ['--kubeconfig', kubeconfig, '--cache-dir', cacheDir, ...args],
        { env: { ...process.env, ...opts.env, KUBECONFIG: kubeconfig }, timeout: opts.timeoutMs ?? 60_000, maxBuffer: 64 * 1024 * 1024 },
        (error, stdout, stderr) => {
          const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
          resolveRun({ code, stdout: String(stdout), stderr: String(stderr) });
        },
      );
      if (opts.input !== undefined) child.stdin!.end(opts.input);
      else child.stdin?.end();
    });
  return {
    version: binary.version,
    run,
    async ok(args, opts) {
      const r = await run(args, opts);
      if (r.code !== 0) throw new Error(`kubectl ${binary.version} ${args.join(' ')} exited ${r.code}:\n${r.stderr}\n${r.stdout}`);
      return r.stdout;
    },
  };
}

export function tempDir(prefix = 'kubemu-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/**
 * kubectl with a kubeconfig of its own that trusts the cluster's CA and holds only `user`'s
 * credentials (a token, a client certificate): another person's or a robot's kubeconfig, without
 * the admin certificate.
 */
export function kubectlAsUser(
  cluster: { url: string; caPem: string },
  work: string,
  name: string,
  user: Record<string, string>,
  opts: { binary?: { version: string; path: string }; namespace?: string } = {},
): Kubectl {
  const binary = opts.binary ?? kubectlVersionsUnderTest().at(-1)!;
  const path = join(work, `${name}-${binary.version}.kubeconfig`);
  writeFileSync(
    path,
    JSON.stringify({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name: 'kubemu', cluster: { server: cluster.url, 'certificate-authority-data': Buffer.from(cluster.caPem).toString('base64') } }],
      users: [{ name, user }],
      contexts: [{ name, context: { cluster: 'kubemu', user: name, ...(opts.namespace ? { namespace: opts.namespace } : {}) } }],
      'current-context': name,
    }),
  );
  return kubectlFor(binary, path, work);
}
