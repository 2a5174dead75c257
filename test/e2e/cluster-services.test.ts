// What a fresh cluster holds and does besides workloads, through the newest real kubectl: the
// system PriorityClasses, the default StorageClass whose claims become Bound, kube-public's
// cluster-info and `kubectl cluster-info`; and Leases that make leader election between two
// clients (@kubernetes/client-node) safe.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { CoordinationV1Api, KubeConfig, type V1Lease } from '@kubernetes/client-node';
import { parse } from 'yaml';
import { kubectlFor, kubectlVersionsUnderTest, removeDir, startKubemu, tempDir, type Kubectl, type KubemuProcess } from './harness.js';
import { eventually } from './kubelet-stand-in.js';

let server: KubemuProcess;
let work: string;
let k: Kubectl;
const newest = kubectlVersionsUnderTest().at(-1)!;

before(async () => {
  server = await startKubemu();
  work = tempDir('kubemu-cluster-services-');
  k = kubectlFor(newest, server.kubeconfig, work);
});

after(async () => {
  await server.stop();
  removeDir(server.dataDir);
  removeDir(work);
});

describe(`cluster services with kubectl ${newest.version}`, () => {
  test('the system PriorityClasses and the default StorageClass are there', async () => {
    const classes = await eventually('the priority classes', async () => {
      const out = await k.ok(['get', 'priorityclasses', '--no-headers']);
      return out.includes('system-cluster-critical') ? out : undefined;
    });
    assert.match(classes, /^system-cluster-critical\s+2000000000\s+false\s/m);
    assert.match(classes, /^system-node-critical\s+2000001000\s+false\s/m);
    assert.match(await k.ok(['get', 'storageclass']), /^standard \(default\)\s+rancher\.io\/local-path\s+Delete\s+Immediate\s+false\s/m);
  });

  test('a claim without a class gets the default one and becomes Bound to a provisioned volume', async () => {
    await k.ok(['create', '-f', '-'], {
      input: 'apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata:\n  name: data\nspec:\n  accessModes: [ReadWriteOnce]\n  resources:\n    requests:\n      storage: 1Gi\n',
    });
    const claim = await eventually('the claim bound', async () => {
      const c = JSON.parse(await k.ok(['get', 'pvc', 'data', '-o', 'json'])) as { spec: { storageClassName: string; volumeName?: string }; status: { phase: string } };
      return c.status.phase === 'Bound' ? c : undefined;
    });
    assert.equal(claim.spec.storageClassName, 'standard');
    const pv = JSON.parse(await k.ok(['get', 'pv', claim.spec.volumeName!, '-o', 'json'])) as { spec: { storageClassName: string; claimRef: { name: string } }; status: { phase: string } };
    assert.equal(pv.spec.storageClassName, 'standard');
    assert.equal(pv.spec.claimRef.name, 'data');
    assert.equal(pv.status.phase, 'Bound');
  });

  test('kubectl cluster-info names the control plane; kube-public/cluster-info holds the CA and address', async () => {
    const info = await k.ok(['cluster-info']);
    assert.match(info, new RegExp(`Kubernetes control plane.* is running at .*${server.url.replace(/[.]/g, '\\.')}`));
    const published = await eventually('cluster-info', async () => {
      const r = await k.run(['-n', 'kube-public', 'get', 'configmap', 'cluster-info', '-o', 'jsonpath={.data.kubeconfig}']);
      return r.code === 0 && r.stdout ? r.stdout : undefined;
    });
    const doc = parse(published) as { clusters: { cluster: { server: string; 'certificate-authority-data': string } }[] };
    assert.equal(doc.clusters[0]!.cluster.server, server.url);
    const ca = await k.ok(['config', 'view', '--raw', '-o', 'jsonpath={.clusters[0].cluster.certificate-authority-data}']);
    assert.equal(doc.clusters[0]!.cluster['certificate-authority-data'], ca);
  });

  test('leader election over a Lease: two candidates race, exactly one wins each round, the other gets 409', async () => {
    const candidate = () => {
      const kc = new KubeConfig();
      kc.loadFromFile(server.kubeconfig);
      return kc.makeApiClient(CoordinationV1Api);
    };
    const [a, b] = [candidate(), candidate()];
    const now = () => new Date().toISOString().replace('Z', '000Z');
    const lease = (holder: string): V1Lease => ({ metadata: { name: 'leader', namespace: 'default' }, spec: { holderIdentity: holder, leaseDurationSeconds: 15, acquireTime: now() as never, renewTime: now() as never, leaseTransitions: 0 } });
    const codeOf = (r: PromiseSettledResult<unknown>) => (r.status === 'fulfilled' ? 201 : (r.reason as { code?: number }).code);

    // Acquire: both create the lock at once.
    const created = await Promise.allSettled([a.createNamespacedLease({ namespace: 'default', body: lease('a') }), b.createNamespacedLease({ namespace: 'default', body: lease('b') })]);
    assert.deepEqual(created.map(codeOf).sort(), [201, 409]);
    const leader = created[0]!.status === 'fulfilled' ? 'a' : 'b';

    // Take-over from the same observed version: one update lands, the other is a Conflict.
    const seen = await a.readNamespacedLease({ name: 'leader', namespace: 'default' });
    assert.equal(seen.spec?.holderIdentity, leader);
    const takeOver = (client: CoordinationV1Api, holder: string) =>
      client.replaceNamespacedLease({ name: 'leader', namespace: 'default', body: { ...seen, spec: { ...seen.spec, holderIdentity: holder, leaseTransitions: 1 } } });
    const raced = await Promise.allSettled([takeOver(a, 'a2'), takeOver(b, 'b2')]);
    assert.deepEqual(raced.map(codeOf).sort(), [201, 409]);
    const current = await b.readNamespacedLease({ name: 'leader', namespace: 'default' });
    assert.equal(current.spec?.holderIdentity, raced[0]!.status === 'fulfilled' ? 'a2' : 'b2');
    assert.equal(current.spec?.leaseTransitions, 1);

    // Release: the holder clears holderIdentity; a candidate then acquires it.
    const released = await a.replaceNamespacedLease({ name: 'leader', namespace: 'default', body: { ...current, spec: { ...current.spec, holderIdentity: undefined } } });
    const acquired = await b.replaceNamespacedLease({ name: 'leader', namespace: 'default', body: { ...released, spec: { ...released.spec, holderIdentity: 'b3', leaseTransitions: 2 } } });
    assert.equal(acquired.spec?.holderIdentity, 'b3');
  });
});
