// kubectl logs, exec, attach and port-forward against a real `kubemu serve` whose fake kubelets
// run the pods, with the real kubectl binaries of three versions whose protocols differ: 1.27
// (SPDY for everything), 1.30 (WebSocket v5 for exec, SPDY for port-forward) and the newest
// (port-forward's SPDY tunnelled in a WebSocket). The release of streams a client drops is
// checked by the HTTP tests (src/http/streaming/pod-streams.test.ts).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { request } from 'node:http';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { kubectlFor, kubectlVersionsUnderTest, removeDir, startKubemu, tempDir, type Kubectl, type KubemuProcess } from './harness.js';
import { eventually } from './kubelet-stand-in.js';

let server: KubemuProcess;
let work: string;
let admin: Kubectl;

const manifests = `apiVersion: v1
kind: ConfigMap
metadata:
  name: web-config
data:
  greeting: hello from a ConfigMap
  app.conf: |
    listen 80;
---
apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  nodeName: kubemu-worker
  containers:
  - name: app
    image: nginx
    ports:
    - containerPort: 80
    env:
    - name: GREETING
      valueFrom:
        configMapKeyRef: {name: web-config, key: greeting}
    - name: MESSAGE
      value: $(GREETING), twice
    volumeMounts:
    - {name: config, mountPath: /etc/web}
  volumes:
  - name: config
    configMap: {name: web-config}
---
apiVersion: v1
kind: Pod
metadata:
  name: talker
spec:
  nodeName: kubemu-worker2
  containers:
  - name: app
    image: busybox
    command: ["sh", "-c", "echo line 1; echo line 2; echo line 3; while true; do echo tick; sleep 0.2; done"]
---
apiVersion: v1
kind: Pod
metadata:
  name: unscheduled
spec:
  schedulerName: nobody
  containers:
  - {name: app, image: nginx}
`;

before(async () => {
  server = await startKubemu();
  work = tempDir('kubemu-streaming-');
  admin = kubectlFor(kubectlVersionsUnderTest().at(-1)!, server.kubeconfig, work);
  writeFileSync(join(work, 'pods.yaml'), manifests);
  await admin.ok(['apply', '-f', join(work, 'pods.yaml')]);
  await admin.ok(['wait', '--for=condition=Ready', 'pod/web', 'pod/talker', '--timeout=30s']);
});

after(async () => {
  const code = await server.stop();
  assert.equal(code, 0, `kubemu exited with ${code} on SIGTERM:\n${server.stderr()}`);
  removeDir(server.dataDir);
  removeDir(work);
});

/** Starts a long-running kubectl, returns once its output matches, with a way to stop it. */
function startKubectl(k: { path: string }, args: string[], until: RegExp): Promise<{ match: RegExpExecArray; output: () => string; stop: () => Promise<void> }> {
  const child = spawn(k.path, ['--kubeconfig', server.kubeconfig, '--cache-dir', join(work, `cache-long`), ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const stop = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGINT');
    });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      void stop();
      reject(new Error(`kubectl ${args.join(' ')} printed no ${until}:\n${out}`));
    }, 20_000);
    const check = () => {
      const m = until.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ match: m, output: () => out, stop });
      }
    };
    child.stdout.on('data', (d: Buffer) => ((out += d.toString()), check()));
    child.stderr.on('data', (d: Buffer) => ((out += d.toString()), check()));
    child.once('exit', () => {
      clearTimeout(timer);
      check();
      reject(new Error(`kubectl ${args.join(' ')} exited before printing ${until}:\n${out}`));
    });
  });
}

function httpGet(port: number): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: '/', agent: false }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

for (const binary of kubectlVersionsUnderTest()) {
  describe(`kubectl ${binary.version}`, () => {
    let k: Kubectl;
    before(() => {
      k = kubectlFor(binary, server.kubeconfig, work);
    });

    test('logs, --tail, --limit-bytes and -f', async () => {
      assert.match(await k.ok(['logs', 'talker']), /^line 1\nline 2\nline 3\n(tick\n)*$/);
      assert.match(await k.ok(['logs', 'talker', '--tail=1']), /^(tick|line 3)\n$/);
      assert.equal(await k.ok(['logs', 'talker', '--limit-bytes=8']), 'line 1\nl');
      const follow = await startKubectl(binary, ['logs', '-f', 'talker'], /(tick\n.*){3}/s);
      assert.match(follow.output(), /^line 1\nline 2\nline 3\n/);
      await follow.stop();
      const stamped = await k.ok(['logs', 'talker', '--timestamps', '--tail=1']);
      assert.match(stamped, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z (tick|line 3)\n$/);
      assert.equal(await k.ok(['logs', 'web']), '', 'nginx prints nothing until it serves a request');
      const unscheduled = await k.run(['logs', 'unscheduled']);
      assert.equal(unscheduled.stdout, '');
    });

    test('exec: output, environment, mounted files and exit codes', async () => {
      assert.equal(await k.ok(['exec', 'web', '--', 'printenv', 'GREETING', 'MESSAGE']), 'hello from a ConfigMap\nhello from a ConfigMap, twice\n');
      assert.equal(await k.ok(['exec', 'web', '--', 'cat', '/etc/web/app.conf']), 'listen 80;\n');
      assert.equal(await k.ok(['exec', 'web', '--', 'ls', '/etc/web']), 'app.conf\ngreeting\n');
      const failed = await k.run(['exec', 'web', '--', 'sh', '-c', 'echo before; cat /nope; exit 3']);
      assert.equal(failed.code, 3);
      assert.equal(failed.stdout, 'before\n');
      assert.match(failed.stderr, /cat: \/nope: No such file or directory\n/);
      assert.match(failed.stderr, /command terminated with exit code 3/);
      const missing = await k.run(['exec', 'web', '--', 'nosuch']);
      assert.equal(missing.code, 1);
      assert.match(missing.stderr, /executable file not found in \$PATH/);
      assert.equal(await k.ok(['exec', '-i', 'web', '--', 'cat'], { input: 'from stdin\n' }), 'from stdin\n');
      const unscheduled = await k.run(['exec', 'unscheduled', '--', 'true']);
      assert.match(unscheduled.stderr, /pod unscheduled does not have a host assigned/);
    });

    test('run -i attaches to an interactive shell: its input is the shell\'s, and exiting it ends the container', async () => {
      const name = `shell-${binary.version.replace('.', '')}`;
      const overrides = '{"apiVersion":"v1","spec":{"nodeName":"kubemu-worker"}}';
      const out = await k.ok(['run', name, '--image=busybox', '--restart=Never', '-i', '--overrides', overrides, '--', 'sh'], { input: 'echo attached to $HOSTNAME\nexit 0\n' });
      assert.match(out, new RegExp(`attached to ${name}\n`));
      await eventually('the pod to finish', async () => ((await k.ok(['get', 'pod', name, '-o', 'jsonpath={.status.phase}'])) === 'Succeeded' ? true : undefined));
    });

    test('port-forward: a declared port answers, an undeclared one is refused, nothing leaks', async () => {
      const pf = await startKubectl(binary, ['port-forward', 'pod/web', ':80', ':81'], /Forwarding from 127\.0\.0\.1:(\d+) -> 80\n(?:.*\n)*Forwarding from 127\.0\.0\.1:(\d+) -> 81\n/);
      const [, port80, port81] = pf.match;
      for (let i = 0; i < 2; i++) assert.deepEqual(await httpGet(Number(port80)), { status: 200, body: 'kubemu: pod default/web port 80\n' });
      await httpGet(Number(port81)).then(
        () => assert.fail('port 81 answered'),
        () => undefined,
      );
      await eventually('the refusal', async () => (/error forwarding port 81 to pod [0-9a-f]{64}, uid : .*connection refused/.test(pf.output()) ? true : undefined));
      await pf.stop();
    });
  });
}
