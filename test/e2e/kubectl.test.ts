// The real kubectl (1.27, 1.30 and the newest installed) against a real `kubemu serve` process
// over HTTPS with the generated CA and admin client certificate, each kubectl with a fresh cache.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { requestPem } from '../../src/testing/certificate-fixtures.js';
import { kubectlFor, kubectlVersionsUnderTest, removeDir, startKubemu, tempDir, type Kubectl, type KubemuProcess } from './harness.js';

let server: KubemuProcess;
let work: string;

before(async () => {
  server = await startKubemu({ extraArgs: ['--advertise-address', '192.0.2.10'] });
  work = tempDir('kubemu-kubectl-');
});

after(async () => {
  const code = await server.stop();
  assert.equal(code, 0, `kubemu exited with ${code} on SIGTERM:\n${server.stderr()}`);
  removeDir(server.dataDir);
  removeDir(work);
});

const manifests = (ns: string) => `apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
  namespace: ${ns}
data:
  mode: fast
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: ${ns}
  labels:
    app: web
spec:
  replicas: 2
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
      - name: app
        image: nginx:1.25
        ports:
        - containerPort: 80
---
apiVersion: v1
kind: Service
metadata:
  name: web
  namespace: ${ns}
spec:
  selector:
    app: web
  ports:
  - port: 80
    targetPort: 80
---
apiVersion: batch/v1
kind: CronJob
metadata:
  name: nightly
  namespace: ${ns}
spec:
  schedule: "0 3 * * *"
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: OnFailure
          containers:
          - name: job
            image: busybox
            command: ["true"]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata:
  name: reader
  namespace: ${ns}
rules:
- apiGroups: [""]
  resources: ["pods"]
  verbs: ["get", "list"]
`;

for (const binary of kubectlVersionsUnderTest()) {
  describe(`kubectl ${binary.version}`, () => {
    let k: Kubectl;
    const ns = `e2e-${binary.version.replace('.', '')}`;
    const dir = () => join(work, ns);

    before(() => {
      k = kubectlFor(binary, server.kubeconfig, work);
      mkdirSync(join(dir(), 'manifests'), { recursive: true });
      writeFileSync(join(dir(), 'manifests', 'app.yaml'), manifests(ns));
    });

    test('version and api-resources', async () => {
      const version = await k.ok(['version', '-o', 'json']);
      const parsed = JSON.parse(version) as { serverVersion: { major: string; minor: string; gitVersion: string } };
      assert.equal(parsed.serverVersion.major, '1');
      assert.equal(parsed.serverVersion.minor, '36');
      assert.match(parsed.serverVersion.gitVersion, /^v1\.36\.\d+\+kubemu/);
      const resources = await k.ok(['api-resources']);
      assert.match(resources, /^pods\s+po\s+v1\s+true\s+Pod$/m);
      assert.match(resources, /^deployments\s+deploy\s+apps\/v1\s+true\s+Deployment$/m);
      assert.match(resources, /^namespaces\s+ns\s+v1\s+false\s+Namespace$/m);
      // metrics-server's group is beta on every real cluster; no built-in beta or alpha API is served.
      assert.match(resources, /^pods\s+metrics\.k8s\.io\/v1beta1\s+true\s+PodMetrics$/m);
      assert.doesNotMatch(resources.replace(/^.*\smetrics\.k8s\.io\/v1beta1\s.*$/gm, ''), /v1beta1|v1alpha/);
    });

    test('create a namespace and a configmap, read them back as a table and as YAML', async () => {
      assert.match(await k.ok(['create', 'namespace', ns]), new RegExp(`namespace/${ns} created`));
      assert.match(await k.ok(['-n', ns, 'create', 'configmap', 'app', '--from-literal=a=1']), /configmap\/app created/);
      const table = await k.ok(['-n', ns, 'get', 'configmaps']);
      assert.match(table, /^NAME\s+DATA\s+AGE$/m);
      assert.match(table, /^app\s+1\s+\d+s$/m);
      const yaml = await k.ok(['-n', ns, 'get', 'cm', 'app', '-o', 'yaml']);
      assert.match(yaml, /^ {2}a: "1"$/m);
      assert.match(yaml, /^ {2}uid: [0-9a-f-]{36}$/m);
      assert.match(yaml, /^ {2}resourceVersion: "\d+"$/m);
      const all = await k.ok(['get', 'ns']);
      for (const name of ['default', 'kube-system', 'kube-public', 'kube-node-lease', ns]) assert.match(all, new RegExp(`^${name}\\s+Active\\s+`, 'm'));
    });

    test('apply a folder of manifests, then apply again unchanged and changed', async () => {
      const first = await k.ok(['apply', '-f', join(dir(), 'manifests')]);
      assert.match(first, /configmap\/settings created/);
      assert.match(first, /deployment.apps\/web created/);
      assert.match(first, /service\/web created/);
      assert.match(first, /cronjob.batch\/nightly created/);
      assert.match(first, /role.rbac.authorization.k8s.io\/reader created/);
      const again = await k.ok(['apply', '-f', join(dir(), 'manifests')]);
      assert.match(again, /deployment.apps\/web unchanged/);
      writeFileSync(join(dir(), 'manifests', 'app.yaml'), manifests(ns).replace('replicas: 2', 'replicas: 3').replace('nginx:1.25', 'nginx:1.26'));
      const changed = await k.ok(['apply', '-f', join(dir(), 'manifests')]);
      assert.match(changed, /deployment.apps\/web configured/);
      const dep = JSON.parse(await k.ok(['-n', ns, 'get', 'deploy', 'web', '-o', 'json'])) as {
        metadata: { generation: number };
        spec: { replicas: number; strategy: { type: string }; template: { spec: { containers: { image: string; imagePullPolicy: string }[] } } };
      };
      assert.equal(dep.spec.replicas, 3);
      assert.equal(dep.spec.template.spec.containers[0].image, 'nginx:1.26');
      assert.equal(dep.spec.template.spec.containers[0].imagePullPolicy, 'IfNotPresent');
      assert.equal(dep.spec.strategy.type, 'RollingUpdate');
      assert.equal(dep.metadata.generation, 2);
      const deployTable = await k.ok(['-n', ns, 'get', 'deploy', '-o', 'wide']);
      assert.match(deployTable, /^NAME\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+AGE\s+CONTAINERS\s+IMAGES\s+SELECTOR$/m);
      // Controllers, the scheduler and kubelets run: how far the rollout got by now varies.
      assert.match(deployTable, /^web\s+\d\/3\s+\d\s+\d\s+\S+\s+app\s+nginx:1\.26\s+app=web$/m);
    });

    test('generators (protobuf bodies on 1.32+), get all and describe', async () => {
      assert.match(await k.ok(['-n', ns, 'create', 'deployment', 'gen', '--image=nginx', '--replicas=2']), /deployment.apps\/gen created/);
      assert.match(await k.ok(['-n', ns, 'create', 'secret', 'generic', 'creds', '--from-literal=password=s3cret']), /secret\/creds created/);
      assert.match(await k.ok(['-n', ns, 'create', 'serviceaccount', 'robot']), /serviceaccount\/robot created/);
      const secret = JSON.parse(await k.ok(['-n', ns, 'get', 'secret', 'creds', '-o', 'json'])) as { type: string; data: Record<string, string> };
      assert.equal(secret.type, 'Opaque');
      assert.equal(Buffer.from(secret.data.password, 'base64').toString(), 's3cret');
      const all = await k.ok(['-n', ns, 'get', 'all']);
      assert.match(all, /^deployment\.apps\/gen\s+\d\/2\s+\d\s+\d\s+/m);
      assert.match(all, /^service\/web\s+ClusterIP\s+/m);
      assert.match(all, /^cronjob\.batch\/nightly\s+0 3 \* \* \*\s+/m);
      const described = await k.ok(['-n', ns, 'describe', 'deployment', 'gen']);
      assert.match(described, /^Name:\s+gen$/m);
      assert.match(described, /^Replicas:\s+2 desired \| \d updated \| \d total \| \d available \| \d unavailable$/m);
      assert.match(described, /^StrategyType:\s+RollingUpdate$/m);
      await k.ok(['-n', ns, 'delete', 'deployment', 'gen']);
    });

    test('edit through KUBE_EDITOR', async () => {
      const editor = join(dir(), 'editor.sh');
      writeFileSync(editor, `#!/bin/sh\nsed -i 's/mode: fast/mode: slow/' "$1"\n`);
      chmodSync(editor, 0o755);
      assert.match(await k.ok(['-n', ns, 'edit', 'configmap', 'settings'], { env: { KUBE_EDITOR: editor } }), /configmap\/settings edited/);
      assert.equal(await k.ok(['-n', ns, 'get', 'cm', 'settings', '-o', 'jsonpath={.data.mode}']), 'slow');
    });

    test('patch with all three patch types, label, annotate and scale', async () => {
      await k.ok(['-n', ns, 'patch', 'deploy', 'web', '-p', '{"spec":{"template":{"spec":{"containers":[{"name":"app","image":"nginx:1.27"}]}}}}']);
      await k.ok(['-n', ns, 'patch', 'cm', 'settings', '--type=merge', '-p', '{"data":{"extra":"yes"}}']);
      await k.ok(['-n', ns, 'patch', 'cm', 'settings', '--type=json', '-p', '[{"op":"replace","path":"/data/mode","value":"json"}]']);
      const cm = JSON.parse(await k.ok(['-n', ns, 'get', 'cm', 'settings', '-o', 'json'])) as { data: Record<string, string> };
      assert.deepEqual(cm.data, { mode: 'json', extra: 'yes' });
      const containers = await k.ok(['-n', ns, 'get', 'deploy', 'web', '-o', 'jsonpath={.spec.template.spec.containers[*].image}']);
      assert.equal(containers, 'nginx:1.27');
      await k.ok(['-n', ns, 'label', 'cm', 'settings', 'tier=backend']);
      await k.ok(['-n', ns, 'label', 'cm', 'settings', 'tier=frontend', '--overwrite']);
      await k.ok(['-n', ns, 'annotate', 'cm', 'settings', 'note=hello']);
      const meta = await k.ok(['-n', ns, 'get', 'cm', 'settings', '-o', 'jsonpath={.metadata.labels.tier} {.metadata.annotations.note}']);
      assert.equal(meta, 'frontend hello');
      assert.match(await k.ok(['-n', ns, 'scale', 'deploy', 'web', '--replicas=5']), /deployment.apps\/web scaled/);
      assert.equal(await k.ok(['-n', ns, 'get', 'deploy', 'web', '-o', 'jsonpath={.spec.replicas}']), '5');
      const selected = await k.ok(['-n', ns, 'get', 'cm', '-l', 'tier=frontend', '-o', 'name']);
      assert.equal(selected.trim(), 'configmap/settings');
    });

    test('get -w streams changes until the server ends the watch', async () => {
      const watcher = spawn(binary.path, ['--kubeconfig', server.kubeconfig, '--cache-dir', join(work, `cache-${binary.version}`), '-n', ns, 'get', 'cm', '-w', '--request-timeout=0']);
      let out = '';
      watcher.stdout.on('data', (d: Buffer) => (out += d.toString()));
      const waitFor = async (re: RegExp) => {
        for (let i = 0; i < 200 && !re.test(out); i++) await new Promise((r) => setTimeout(r, 50));
        assert.match(out, re);
      };
      try {
        await waitFor(/^settings\s+\d+\s+/m);
        await k.ok(['-n', ns, 'create', 'configmap', 'watched', '--from-literal=x=1']);
        await waitFor(/^watched\s+1\s+/m);
        await k.ok(['-n', ns, 'delete', 'configmap', 'watched']);
        await waitFor(/^watched\s+1\s+\S+\n[\s\S]*watched/m);
      } finally {
        watcher.kill();
      }
    });

    test('explain reads the served OpenAPI', async () => {
      const out = await k.ok(['explain', 'pods.spec.containers.ports']);
      assert.match(out, /containerPort/);
      assert.match(out, /KIND:\s+Pod/);
      const dep = await k.ok(['explain', 'deployment.spec.strategy']);
      assert.match(dep, /rollingUpdate/);
    });

    test('default/kubernetes has its endpoints; deprecated APIs warn; component statuses print as a table', async () => {
      const port = new URL(server.url).port;
      const svc = await k.ok(['describe', 'service', 'kubernetes']);
      assert.match(svc, new RegExp(`TargetPort:\\s+${port}/TCP`));
      assert.match(svc, new RegExp(`Endpoints:\\s+192\\.0\\.2\\.10:${port}`));
      const ep = await k.run(['get', 'endpoints', 'kubernetes']);
      assert.equal(ep.code, 0, ep.stderr);
      assert.match(ep.stdout, new RegExp(`^kubernetes\\s+192\\.0\\.2\\.10:${port}\\s`, 'm'));
      assert.match(ep.stderr, /^Warning: v1 Endpoints is deprecated in v1\.33\+; use discovery\.k8s\.io\/v1 EndpointSlice$/m);
      const slices = await k.run(['get', 'endpointslices', '-l', 'kubernetes.io/service-name=kubernetes']);
      assert.match(slices.stdout, new RegExp(`^kubernetes\\s+IPv4\\s+${port}\\s+192\\.0\\.2\\.10\\s`, 'm'));
      assert.doesNotMatch(slices.stderr, /deprecated/);
      const cs = await k.run(['get', 'componentstatuses']);
      assert.match(cs.stdout, /^NAME\s+STATUS\s+MESSAGE\s+ERROR/);
      assert.match(cs.stdout, /^etcd-0\s+Healthy\s+ok/m);
      assert.match(cs.stderr, /^Warning: v1 ComponentStatus is deprecated in v1\.19\+$/m);
    });

    test('certificate approve and deny set the conditions `get csr` shows', async () => {
      const csr = (name: string) => `apiVersion: certificates.k8s.io/v1
kind: CertificateSigningRequest
metadata:
  name: ${name}
spec:
  request: ${Buffer.from(requestPem).toString('base64')}
  signerName: kubernetes.io/kube-apiserver-client
  expirationSeconds: 86400
  usages: [client auth]
`;
      const [ok, no] = [`${ns}-ok`, `${ns}-no`];
      await k.ok(['create', '-f', '-'], { input: csr(ok) + '---\n' + csr(no) });
      assert.match(await k.ok(['certificate', 'approve', ok]), new RegExp(`certificatesigningrequest.certificates.k8s.io/${ok} approved`));
      assert.match(await k.ok(['certificate', 'deny', no]), new RegExp(`certificatesigningrequest.certificates.k8s.io/${no} denied`));
      const table = await k.ok(['get', 'csr', ok, no]);
      assert.match(table, new RegExp(`^${ok}\\s+\\S+\\s+kubernetes.io/kube-apiserver-client\\s+24h\\s+Approved$`, 'm'));
      assert.match(table, new RegExp(`^${no}\\s+\\S+\\s+kubernetes.io/kube-apiserver-client\\s+24h\\s+Denied$`, 'm'));
      await k.ok(['delete', 'csr', ok, no]);
    });

    test('bad input is refused with the message a real cluster gives', async () => {
      const badName = await k.run(['-n', ns, 'create', 'configmap', 'Bad_Name']);
      assert.notEqual(badName.code, 0);
      assert.match(badName.stderr, /ConfigMap "Bad_Name" is invalid: metadata.name: Invalid value: "Bad_Name": a lowercase RFC 1123 subdomain/);
      writeFileSync(join(dir(), 'unknown.yaml'), `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: strict\n  namespace: ${ns}\nbogusField: 1\n`);
      const unknown = await k.run(['create', '-f', join(dir(), 'unknown.yaml')]);
      assert.notEqual(unknown.code, 0);
      assert.match(unknown.stderr, /unknown field "bogusField"/);
      const missingNs = await k.run(['-n', 'no-such-namespace', 'create', 'configmap', 'x']);
      assert.match(missingNs.stderr, /namespaces "no-such-namespace" not found/);
      const unknownType = await k.run(['get', 'widgets']);
      assert.match(unknownType.stderr, /the server doesn't have a resource type "widgets"/);
    });

    test('delete removes what apply created; deleting the namespace empties it first', async () => {
      const out = await k.ok(['delete', '-f', join(dir(), 'manifests')]);
      assert.match(out, /deployment.apps "web" deleted/);
      assert.match(out, /configmap "settings" deleted/);
      const left = await k.run(['-n', ns, 'get', 'deploy', 'web']);
      assert.match(left.stderr, /deployments.apps "web" not found/);
      assert.match(await k.ok(['delete', 'namespace', ns, '--timeout=30s']), new RegExp(`namespace "${ns}" deleted`));
      const gone = await k.run(['get', 'namespace', ns]);
      assert.match(gone.stderr, new RegExp(`namespaces "${ns}" not found`));
      const cms = await k.run(['-n', ns, 'get', 'configmaps', '-o', 'name']);
      assert.equal(cms.stdout.trim(), '');
    });
  });
}
