// `npm run bench`: kubemu's figures against this machine's own ceiling, printed, never asserted.
// The server runs as its own process (one core), the load generator here (the other core).
//  1. pod creates/s over HTTPS, 50 connections, ~3 KB pods — and the ceiling: a bare Node https
//     server doing a LevelDB put of the same bytes, driven by the same load generator;
//  2. GET and LIST latency (p50/p99) with 10,000 stored pods;
//  3. delivery latency of one write to 1,000 watchers (p50/p99 over repeated writes);
//  4. cold start to ready with an empty store;
//  5. RSS per stored pod.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import https from 'node:https';
import { join } from 'node:path';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { dirname } from 'node:path';

const mainScript = join(dirname(fileURLToPath(import.meta.url)), '..', 'src', 'main.js');
const createSeconds = Number(process.env.BENCH_SECONDS ?? 10);
const storedPods = Number(process.env.BENCH_PODS ?? 10_000);
const watcherCount = Number(process.env.BENCH_WATCHERS ?? 1_000);

interface Endpoint {
  host: string;
  port: number;
  agent: https.Agent;
}

function podBody(name: string): string {
  const pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: 'default',
      labels: { app: 'bench', tier: 'backend', release: 'stable', shard: name.slice(-1) },
      annotations: { 'bench.kubemu.dev/description': 'a pod of about three kilobytes, like a typical small workload'.repeat(4) },
    },
    spec: {
      containers: [
        {
          name: 'app',
          image: 'registry.example.com/team/app:1.2.3',
          args: ['--port=8080', '--log-level=info', '--metrics'],
          ports: [{ name: 'http', containerPort: 8080 }, { name: 'metrics', containerPort: 9090 }],
          env: Array.from({ length: 8 }, (_, i) => ({ name: `SETTING_${i}`, value: `value-${i}-`.repeat(3) })),
          resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '500m', memory: '256Mi' } },
          readinessProbe: { httpGet: { path: '/ready', port: 8080 }, periodSeconds: 5 },
          livenessProbe: { httpGet: { path: '/live', port: 8080 }, periodSeconds: 10 },
          volumeMounts: [{ name: 'config', mountPath: '/etc/app' }],
        },
        { name: 'sidecar', image: 'registry.example.com/team/proxy:2.0', ports: [{ containerPort: 15000 }] },
      ],
      volumes: [{ name: 'config', configMap: { name: 'app-config' } }],
      nodeSelector: { 'kubernetes.io/os': 'linux' },
      tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'bench', effect: 'NoSchedule' }],
    },
  };
  return JSON.stringify(pod);
}

function request(ep: Endpoint, method: string, path: string, body?: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = https.request(
      { host: ep.host, port: ep.port, method, path, agent: ep.agent, rejectUnauthorized: false, headers: { 'Content-Type': 'application/json', ...headers } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** Runs `connections` loops issuing requests for `seconds`; returns completed requests per second. */
async function load(ep: Endpoint, connections: number, seconds: number, next: (i: number) => { method: string; path: string; body?: string }): Promise<{ rate: number; errors: number }> {
  const deadline = performance.now() + seconds * 1000;
  let done = 0;
  let errors = 0;
  let counter = 0;
  await Promise.all(
    Array.from({ length: connections }, async () => {
      while (performance.now() < deadline) {
        const r = next(counter++);
        const res = await request(ep, r.method, r.path, r.body);
        if (res.status >= 300) errors++;
        done++;
      }
    }),
  );
  return { rate: done / seconds, errors };
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

function rssKb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)![1]);
}

async function startKubemu(dataDir: string): Promise<{ child: ChildProcess; port: number; readyMs: number }> {
  const started = performance.now();
  const child = spawn(process.execPath, [mainScript, 'serve', '--port', '0', '--data-dir', join(dataDir, 'data'), '--kubeconfig', join(dataDir, 'kubeconfig')], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /serving the Kubernetes API at https:\/\/[^:]+:(\d+)/.exec(out);
      if (m) resolve(Number(m[1]));
    });
    child.once('exit', (code) => reject(new Error(`kubemu exited ${code}`)));
  });
  const ep: Endpoint = { host: '127.0.0.1', port, agent: new https.Agent({ keepAlive: true }) };
  for (;;) {
    const r = await request(ep, 'GET', '/readyz').catch(() => ({ status: 0, body: '' }));
    if (r.status === 200) break;
    await new Promise((res) => setTimeout(res, 5));
  }
  ep.agent.destroy();
  return { child, port, readyMs: performance.now() - started };
}

/** The machine's ceiling: a bare Node https server doing one LevelDB put per request, in its own process. */
async function ceiling(dir: string, tls: { key: string; cert: string }): Promise<number> {
  const script = `
    import https from 'node:https'; import { Level } from 'level';
    const db = new Level(${JSON.stringify(join(dir, 'ceiling'))}); await db.open(); let n = 0;
    const server = https.createServer(${JSON.stringify(tls)}, (req, res) => { const chunks = [];
      req.on('data', (c) => chunks.push(c)); req.on('end', () => { const body = Buffer.concat(chunks).toString();
      db.put('/registry/pods/default/p' + (n++), body).then(() => { res.statusCode = 201; res.setHeader('Content-Type', 'application/json'); res.end(body); }); }); });
    server.listen(0, '127.0.0.1', () => console.log(server.address().port));`;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
    stdio: ['ignore', 'pipe', 'inherit'],
    cwd: join(dirname(mainScript), '..', '..'),
  });
  const port = await new Promise<number>((r) => child.stdout!.once('data', (d: Buffer) => r(Number(d.toString().trim()))));
  const ep: Endpoint = { host: '127.0.0.1', port, agent: new https.Agent({ keepAlive: true, maxSockets: 50 }) };
  const body = podBody('ceiling-pod-x');
  const result = await load(ep, 50, createSeconds, () => ({ method: 'POST', path: '/api/v1/namespaces/default/pods', body }));
  ep.agent.destroy();
  child.kill();
  return result.rate;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'kubemu-bench-'));
  const figures: [string, string][] = [];
  try {
    // 4. cold start (empty store), measured first, on its own fresh folder.
    const { child, port, readyMs } = await startKubemu(dir);
    figures.push(['cold start to ready (empty store)', `${readyMs.toFixed(0)} ms (target ≤ 500 ms)`]);
    const ep: Endpoint = { host: '127.0.0.1', port, agent: new https.Agent({ keepAlive: true, maxSockets: 64 }) };
    const rssStart = rssKb(child.pid!);

    // 1. creates/s.
    const podSize = podBody('bench-000000').length;
    const creates = await load(ep, 50, createSeconds, (i) => ({ method: 'POST', path: '/api/v1/namespaces/default/pods', body: podBody(`bench-${String(i).padStart(6, '0')}`) }));
    if (creates.errors) figures.push(['create errors', String(creates.errors)]);
    const pki = {
      key: readFileSync(join(dir, 'data', 'pki', 'apiserver.key'), 'utf8'),
      cert: readFileSync(join(dir, 'data', 'pki', 'apiserver.crt'), 'utf8'),
    };

    // Fill up to the stored-pod count for the read figures.
    const listed = JSON.parse((await request(ep, 'GET', '/api/v1/namespaces/default/pods?limit=1')).body) as { metadata: { remainingItemCount?: number } };
    let have = (listed.metadata.remainingItemCount ?? 0) + 1;
    let extra = 0;
    while (have < storedPods) {
      const batch = Math.min(50, storedPods - have);
      await Promise.all(
        Array.from({ length: batch }, () => request(ep, 'POST', '/api/v1/namespaces/default/pods', podBody(`fill-${String(extra++).padStart(6, '0')}`))),
      );
      have += batch;
    }
    const rssFull = rssKb(child.pid!);

    // 2. get and list latency.
    const getTimes: number[] = [];
    for (let i = 0; i < 2000; i++) {
      const t0 = performance.now();
      await request(ep, 'GET', `/api/v1/namespaces/default/pods/bench-${String(i % 1000).padStart(6, '0')}`);
      getTimes.push(performance.now() - t0);
    }
    const listTimes: number[] = [];
    for (let i = 0; i < 20; i++) {
      const t0 = performance.now();
      const r = await request(ep, 'GET', '/api/v1/namespaces/default/pods');
      listTimes.push(performance.now() - t0);
      if (i === 0) figures.push(['list size', `${(JSON.parse(r.body) as { items: unknown[] }).items.length} pods, ${(r.body.length / 1e6).toFixed(1)} MB`]);
    }

    // 3. one write to N watchers.
    await request(ep, 'POST', '/api/v1/namespaces/default/configmaps', JSON.stringify({ metadata: { name: 'watched' }, data: { n: '0' } }));
    const rv = (JSON.parse((await request(ep, 'GET', '/api/v1/namespaces/default/configmaps/watched')).body) as { metadata: { resourceVersion: string } }).metadata.resourceVersion;
    const watchAgent = new https.Agent({ keepAlive: false, maxSockets: Infinity });
    let arrivals: number[] = [];
    let expected = 0;
    let onAll: (() => void) | undefined;
    const watchers = await Promise.all(
      Array.from(
        { length: watcherCount },
        () =>
          new Promise<import('node:http').ClientRequest>((resolve) => {
            const req = https.request(
              { host: '127.0.0.1', port, path: `/api/v1/namespaces/default/configmaps?watch=1&resourceVersion=${rv}&fieldSelector=metadata.name%3Dwatched`, agent: watchAgent, rejectUnauthorized: false },
              (res) => {
                resolve(req);
                res.on('data', () => {
                  arrivals.push(performance.now());
                  if (arrivals.length === expected) onAll?.();
                });
              },
            );
            req.end();
          }),
      ),
    );
    const deliveries: number[] = [];
    for (let i = 1; i <= 30; i++) {
      arrivals = [];
      expected = watcherCount;
      const all = new Promise<void>((r) => (onAll = r));
      const t0 = performance.now();
      await request(ep, 'PATCH', '/api/v1/namespaces/default/configmaps/watched', JSON.stringify({ data: { n: String(i) } }), { 'Content-Type': 'application/merge-patch+json' });
      await all;
      deliveries.push(Math.max(...arrivals) - t0);
    }
    for (const w of watchers) w.destroy();
    watchAgent.destroy();

    figures.unshift([
      'pod creates/s over HTTPS, 50 connections',
      `${creates.rate.toFixed(0)} /s (${podSize} B pods; target ≥ 2,500)`,
    ]);
    figures.push(['GET one pod, 10k stored', `p50 ${percentile(getTimes, 50).toFixed(2)} ms, p99 ${percentile(getTimes, 99).toFixed(2)} ms`]);
    figures.push(['LIST 10k pods', `p50 ${percentile(listTimes, 50).toFixed(0)} ms, p99 ${percentile(listTimes, 99).toFixed(0)} ms (target ≤ 150 ms)`]);
    figures.push([`one write → ${watcherCount} watchers`, `p50 ${percentile(deliveries, 50).toFixed(1)} ms, p99 ${percentile(deliveries, 99).toFixed(1)} ms (target p99 ≤ 100 ms)`]);
    figures.push(['RSS per stored pod', `${(((rssFull - rssStart) * 1024) / have / 1024).toFixed(2)} KB (target ≤ 8 KB; ${have} pods, RSS ${Math.round(rssStart / 1024)} → ${Math.round(rssFull / 1024)} MB)`]);
    ep.agent.destroy();
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));

    const ceil = await ceiling(dir, pki);
    figures.splice(1, 0, ['ceiling: bare Node https + LevelDB put, same load', `${ceil.toFixed(0)} /s → kubemu at ${(creates.rate / ceil).toFixed(2)} of it (target ≥ 0.3)`]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const width = Math.max(...figures.map(([k]) => k.length));
  process.stdout.write(`\nkubemu benchmark (${new Date().toISOString()}, node ${process.version})\n`);
  for (const [k, v] of figures) process.stdout.write(`  ${k.padEnd(width)}  ${v}\n`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
