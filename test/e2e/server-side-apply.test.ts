// Server-side apply, field ownership, dry-run and the kubectl commands built on them, with the
// real kubectl 1.27 and the newest installed.
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { kubectlFor, kubectlVersionsUnderTest, removeDir, startKubemu, tempDir, type Kubectl, type KubemuProcess } from './harness.js';

let server: KubemuProcess;
let work: string;

before(async () => {
  server = await startKubemu();
  work = tempDir('kubemu-ssa-');
});

after(async () => {
  assert.equal(await server.stop(), 0);
  removeDir(server.dataDir);
  removeDir(work);
});

const deployment = (ns: string, replicas: number, image = 'nginx:1.25') => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: ${ns}
spec:
  replicas: ${replicas}
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
        image: ${image}
`;

interface ManagedFieldsEntry {
  manager: string;
  operation: string;
  apiVersion: string;
  fieldsV1: Record<string, unknown>;
  subresource?: string;
}

const versions = kubectlVersionsUnderTest();
for (const binary of [versions[0], versions[versions.length - 1]]) {
  describe(`kubectl ${binary.version}`, () => {
    let k: Kubectl;
    const ns = `ssa-${binary.version.replace('.', '')}`;
    const file = (name: string, text: string) => {
      const p = join(work, ns, name);
      writeFileSync(p, text);
      return p;
    };
    const managedFields = async (resource: string, name: string) =>
      (JSON.parse(await k.ok(['-n', ns, 'get', resource, name, '-o', 'json', '--show-managed-fields'])) as { metadata: { managedFields: ManagedFieldsEntry[] } }).metadata
        .managedFields;

    before(async () => {
      k = kubectlFor(binary, server.kubeconfig, work);
      mkdirSync(join(work, ns), { recursive: true });
      await k.ok(['create', 'namespace', ns]);
    });

    test('apply --server-side creates, re-applies, and records the manager', async () => {
      const f = file('web.yaml', deployment(ns, 2));
      assert.match(await k.ok(['apply', '--server-side', '-f', f]), /deployment.apps\/web serverside-applied/);
      assert.match(await k.ok(['apply', '--server-side', '-f', f]), /deployment.apps\/web serverside-applied/);
      const mf = await managedFields('deployment', 'web');
      const apply = mf.find((m) => m.manager === 'kubectl' && m.operation === 'Apply');
      assert.ok(apply, JSON.stringify(mf));
      assert.equal(apply.apiVersion, 'apps/v1');
      assert.deepEqual((apply.fieldsV1['f:spec'] as Record<string, unknown>)['f:replicas'], {});
      const containers = ((apply.fieldsV1['f:spec'] as Record<string, any>)['f:template']['f:spec']['f:containers']) as Record<string, unknown>;
      assert.ok(containers['k:{"name":"app"}'], JSON.stringify(containers));
      // kubectl hides managedFields unless asked.
      assert.doesNotMatch(await k.ok(['-n', ns, 'get', 'deploy', 'web', '-o', 'yaml']), /managedFields/);
    });

    test('a field another manager owns is a conflict; --force-conflicts takes it', async () => {
      await k.ok(['-n', ns, 'create', 'deployment', 'other', '--image=nginx', '--replicas=1']);
      const f = file('other.yaml', deployment(ns, 3).replaceAll('name: web', 'name: other').replaceAll('app: web', 'app: other'));
      const conflict = await k.run(['apply', '--server-side', '-f', f]);
      assert.notEqual(conflict.code, 0);
      assert.match(conflict.stderr, /Apply failed with \d+ conflicts?: conflict with "kubectl-create" using apps\/v1: \.spec\.replicas/);
      assert.equal(await k.ok(['-n', ns, 'get', 'deploy', 'other', '-o', 'jsonpath={.spec.replicas}']), '1');
      await k.ok(['apply', '--server-side', '--force-conflicts', '-f', f]);
      assert.equal(await k.ok(['-n', ns, 'get', 'deploy', 'other', '-o', 'jsonpath={.spec.replicas}']), '3');
    });

    test('a field the applier stops applying is removed', async () => {
      const withLabel = file('cm.yaml', `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: applied\n  namespace: ${ns}\n  labels:\n    keep: "yes"\n    drop: "yes"\ndata:\n  a: "1"\n  b: "2"\n`);
      await k.ok(['apply', '--server-side', '-f', withLabel]);
      const without = file('cm2.yaml', `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: applied\n  namespace: ${ns}\n  labels:\n    keep: "yes"\ndata:\n  a: "1"\n`);
      await k.ok(['apply', '--server-side', '-f', without]);
      const cm = JSON.parse(await k.ok(['-n', ns, 'get', 'cm', 'applied', '-o', 'json'])) as { metadata: { labels: Record<string, string> }; data: Record<string, string> };
      assert.deepEqual(cm.metadata.labels, { keep: 'yes' });
      assert.deepEqual(cm.data, { a: '1' });
    });

    test('client-side apply, then apply --server-side takes the object over', async () => {
      const f = file('csa.yaml', deployment(ns, 2).replaceAll('name: web', 'name: csa').replaceAll('app: web', 'app: csa'));
      assert.match(await k.ok(['apply', '-f', f]), /deployment.apps\/csa created/);
      const before = await managedFields('deployment', 'csa');
      assert.ok(before.some((m) => m.manager === 'kubectl-client-side-apply' && m.operation === 'Update'), JSON.stringify(before));
      const changed = file('csa2.yaml', deployment(ns, 4, 'nginx:1.27').replaceAll('name: web', 'name: csa').replaceAll('app: web', 'app: csa'));
      assert.match(await k.ok(['apply', '--server-side', '-f', changed]), /serverside-applied/);
      const dep = JSON.parse(await k.ok(['-n', ns, 'get', 'deploy', 'csa', '-o', 'json'])) as { spec: { replicas: number; template: { spec: { containers: { image: string }[] } } } };
      assert.equal(dep.spec.replicas, 4);
      assert.equal(dep.spec.template.spec.containers[0].image, 'nginx:1.27');
      const after = await managedFields('deployment', 'csa');
      assert.ok(after.some((m) => m.manager === 'kubectl' && m.operation === 'Apply'), JSON.stringify(after));
    });

    test('diff exits 1 with a difference and 0 without', async () => {
      const same = file('web.yaml', deployment(ns, 2));
      const equal = await k.run(['diff', '-f', same]);
      assert.equal(equal.code, 0, equal.stderr + equal.stdout);
      const changed = file('web-changed.yaml', deployment(ns, 5));
      const diff = await k.run(['diff', '-f', changed]);
      assert.equal(diff.code, 1, diff.stderr);
      assert.match(diff.stdout, /^-\s+replicas: 2$/m);
      assert.match(diff.stdout, /^\+\s+replicas: 5$/m);
      const ssaDiff = await k.run(['diff', '--server-side', '-f', changed]);
      assert.equal(ssaDiff.code, 1, ssaDiff.stderr);
    });

    test('set image, set env, set resources', async () => {
      await k.ok(['-n', ns, 'set', 'image', 'deployment/web', 'app=nginx:1.26']);
      await k.ok(['-n', ns, 'set', 'env', 'deployment/web', 'MODE=fast']);
      await k.ok(['-n', ns, 'set', 'resources', 'deployment/web', '-c', 'app', '--limits=cpu=500m,memory=256Mi', '--requests=cpu=0.1']);
      const c = JSON.parse(await k.ok(['-n', ns, 'get', 'deploy', 'web', '-o', 'jsonpath={.spec.template.spec.containers[0]}'])) as {
        image: string;
        env: { name: string; value: string }[];
        resources: { limits: Record<string, string>; requests: Record<string, string> };
      };
      assert.equal(c.image, 'nginx:1.26');
      assert.deepEqual(c.env, [{ name: 'MODE', value: 'fast' }]);
      assert.deepEqual(c.resources, { limits: { cpu: '500m', memory: '256Mi' }, requests: { cpu: '100m' } });
    });

    test('replace and replace --force', async () => {
      const current = await k.ok(['-n', ns, 'get', 'cm', 'applied', '-o', 'yaml']);
      const edited = file('replace.yaml', current.replace('a: "1"', 'a: "replaced"'));
      assert.match(await k.ok(['replace', '-f', edited]), /configmap\/applied replaced/);
      assert.equal(await k.ok(['-n', ns, 'get', 'cm', 'applied', '-o', 'jsonpath={.data.a}']), 'replaced');
      const uid = await k.ok(['-n', ns, 'get', 'cm', 'applied', '-o', 'jsonpath={.metadata.uid}']);
      const forced = file('force.yaml', `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: applied\n  namespace: ${ns}\ndata:\n  a: forced\n`);
      const out = await k.ok(['replace', '--force', '-f', forced]);
      assert.match(out, /configmap "applied" deleted/);
      assert.match(out, /configmap\/applied replaced/);
      assert.notEqual(await k.ok(['-n', ns, 'get', 'cm', 'applied', '-o', 'jsonpath={.metadata.uid}']), uid);
    });

    test('dry-run=server: create and delete report what would happen and store nothing', async () => {
      const yaml = await k.ok(['-n', ns, 'create', 'configmap', 'dry', '--from-literal=x=1', '--dry-run=server', '-o', 'yaml']);
      assert.match(yaml, /^ {2}x: "1"$/m);
      assert.match(yaml, /^ {2}uid: /m);
      const missing = await k.run(['-n', ns, 'get', 'cm', 'dry']);
      assert.match(missing.stderr, /configmaps "dry" not found/);
      assert.match(await k.ok(['-n', ns, 'delete', 'deployment', 'web', '--dry-run=server']), /deployment.apps "web" deleted \(server dry run\)/);
      await k.ok(['-n', ns, 'get', 'deployment', 'web']);
    });

    test('kubectl edit records its manager', async () => {
      const editor = join(work, ns, 'editor.sh');
      writeFileSync(editor, `#!/bin/sh\nsed -i 's/replicas: [0-9]*/replicas: 7/' "$1"\n`);
      chmodSync(editor, 0o755);
      await k.ok(['-n', ns, 'edit', 'deployment', 'web'], { env: { KUBE_EDITOR: editor } });
      const mf = await managedFields('deployment', 'web');
      const edit = mf.find((m) => m.manager === 'kubectl-edit');
      assert.ok(edit, JSON.stringify(mf));
      assert.deepEqual((edit.fieldsV1['f:spec'] as Record<string, unknown>)['f:replicas'], {});
      // kubectl's own apply now conflicts on replicas with kubectl-edit.
      const conflict = await k.run(['apply', '--server-side', '-f', file('web.yaml', deployment(ns, 2))]);
      // Two fields, two owners: the plural message lists each owner's fields.
      assert.match(conflict.stderr, /Apply failed with 2 conflicts: conflicts with "kubectl-edit" using apps\/v1:\n- \.spec\.replicas\n/);
      assert.match(conflict.stderr, /conflicts with "kubectl-set" using apps\/v1:\n- \.spec\.template\.spec\.containers\[name="app"\]\.image/);
    });
  });
}
