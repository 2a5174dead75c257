// The in-process components act as the users they are on a real cluster (kube-controller-manager
// with --use-service-account-credentials, kube-scheduler, kubelets), held to the bootstrap
// policy's roles: a controller's ServiceAccount is in kube-system, what its role grants works
// (a Deployment runs: ReplicaSet, Pod scheduled, started by the node's kubelet), and without
// its binding the controller is refused, says so in the log, and recovers once it is back.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { kubectlFor, kubectlVersionsUnderTest, removeDir, startKubemu, tempDir, type Kubectl, type KubemuProcess } from './harness.js';
import { eventually } from './kubelet-stand-in.js';

let server: KubemuProcess;
let work: string;
let kubectl: Kubectl;
const ns = 'identities';

before(async () => {
  work = tempDir('kubemu-identities-');
  server = await startKubemu({ extraArgs: ['--nodes', '1'] });
  kubectl = kubectlFor(kubectlVersionsUnderTest().at(-1)!, server.kubeconfig, work);
  await kubectl.ok(['create', 'namespace', ns]);
});

after(async () => {
  await server.stop();
  removeDir(server.dataDir);
  removeDir(work);
});

test('each running controller has its ServiceAccount in kube-system; RBAC answers for it as for any account', async () => {
  const names = await eventually('the controllers\' service accounts', async () => {
    const out = await kubectl.ok(['-n', 'kube-system', 'get', 'sa', '-o', 'name']);
    return out.includes('serviceaccount/replicaset-controller') ? out : undefined;
  });
  for (const sa of ['deployment-controller', 'replicaset-controller', 'service-account-controller']) assert.match(names, new RegExp(`^serviceaccount/${sa}$`, 'm'));
  const canI = async (...args: string[]) => (await kubectl.run(['auth', 'can-i', ...args])).stdout.trim();
  assert.equal(await canI('create', 'replicasets.apps', '-n', ns, '--as=system:serviceaccount:kube-system:deployment-controller'), 'yes');
  assert.equal(await canI('create', 'pods', '-n', ns, '--as=system:serviceaccount:kube-system:deployment-controller'), 'no');
  assert.equal(await canI('create', 'pods', '--subresource=binding', '-n', ns, '--as=system:kube-scheduler'), 'yes');
  assert.equal(await canI('patch', 'pods', '--subresource=status', '-n', ns, '--as=system:node:kubemu-control-plane', '--as-group=system:nodes'), 'yes');
});

test('a Deployment runs with every component under its own identity', async () => {
  await kubectl.ok(['-n', ns, 'create', 'deployment', 'web', '--image=nginx', '--replicas=1']);
  const pod = await eventually('a running pod', async () => {
    const out = JSON.parse(await kubectl.ok(['-n', ns, 'get', 'pods', '-l', 'app=web', '-o', 'json'])) as { items: { spec: { nodeName?: string }; status: { phase?: string } }[] };
    return out.items.find((p) => p.status.phase === 'Running');
  });
  assert.equal(pod.spec.nodeName, 'kubemu-control-plane');
  assert.equal((await kubectl.ok(['-n', 'kube-node-lease', 'get', 'lease', 'kubemu-control-plane', '-o', 'jsonpath={.spec.holderIdentity}'])).trim(), 'kubemu-control-plane');
});

test('without its ClusterRoleBinding the deployment controller is refused (and logs it); with it back, the Deployment gets its ReplicaSet', async () => {
  const binding = 'system:controller:deployment-controller';
  await kubectl.ok(['delete', 'clusterrolebinding', binding]);
  await kubectl.ok(['-n', ns, 'create', 'deployment', 'refused', '--image=nginx']);
  await eventually('the refusal in the log', async () =>
    /system:serviceaccount:kube-system:deployment-controller\\?" cannot create resource \\?"replicasets\\?" in API group \\?"apps\\?" in the namespace \\?"identities/.test(server.stderr()) ? true : undefined,
  );
  assert.equal((await kubectl.ok(['-n', ns, 'get', 'rs', '-l', 'app=refused', '-o', 'name'])).trim(), '');

  await kubectl.ok(['create', 'clusterrolebinding', binding, `--clusterrole=${binding}`, '--serviceaccount=kube-system:deployment-controller']);
  await eventually('the ReplicaSet', async () => ((await kubectl.ok(['-n', ns, 'get', 'rs', '-l', 'app=refused', '-o', 'name'])).trim() || undefined));
});
