// Authentication and RBAC on `kubemu serve`, through the newest real kubectl: a user with a client
// certificate signed by the cluster CA is held to the Role bound to them (and gets the real 403
// messages otherwise); a ServiceAccount token and a --token-auth-file token are judged the same
// way; impersonation needs the impersonate verb; `kubectl auth can-i` (also --list) and `kubectl
// auth whoami` answer from the same authorizer; role writes cannot grant what the writer lacks;
// anonymous requests reach /version and nothing else.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { issueLeafCertificate } from '../../src/pki/certificates.js';
import { kubectlAsUser, kubectlFor, kubectlVersionsUnderTest, removeDir, startKubemu, tempDir, type Kubectl, type KubemuProcess } from './harness.js';

let server: KubemuProcess;
let work: string;
let admin: Kubectl;
let alice: Kubectl;
let caPem: string;
const ns = 'rbac-test';
const newest = kubectlVersionsUnderTest().at(-1)!;

function kubeconfigWith(name: string, user: Record<string, string>): Kubectl {
  return kubectlAsUser({ url: server.url, caPem }, work, name, user);
}

async function certificateUser(commonName: string, organizations: string[]): Promise<Kubectl> {
  const pki = join(server.dataDir, 'data', 'pki');
  const ca = { certPem: readFileSync(join(pki, 'ca.crt'), 'utf8'), keyPem: readFileSync(join(pki, 'ca.key'), 'utf8') };
  const now = Date.now();
  const leaf = await issueLeafCertificate(ca, { commonName, organizations, usage: 'client', notBefore: new Date(now - 60_000), notAfter: new Date(now + 3_600_000) });
  return kubeconfigWith(commonName, {
    'client-certificate-data': Buffer.from(leaf.certPem).toString('base64'),
    'client-key-data': Buffer.from(leaf.keyPem).toString('base64'),
  });
}

/** A request with no credentials at all. */
function anonymousGet(path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(new URL(path, server.url), { ca: caPem }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** kubectl exits non-zero printing the server's 403 message (after `prefix`, as this kubectl command words it). */
async function refused(kubectl: Kubectl, args: string[], message: string, prefix = 'Error from server (Forbidden): '): Promise<void> {
  const r = await kubectl.run(args);
  assert.notEqual(r.code, 0, `kubectl ${args.join(' ')} should have been refused:\n${r.stdout}`);
  assert.equal(r.stderr.trim(), `${prefix}${message}`);
}

async function whoami(kubectl: Kubectl, extra: string[] = []): Promise<{ username: string; groups: string[] }> {
  return (JSON.parse(await kubectl.ok(['auth', 'whoami', '-o', 'json', ...extra])) as { status: { userInfo: { username: string; groups: string[] } } }).status.userInfo;
}

before(async () => {
  work = tempDir('kubemu-rbac-');
  const tokenFile = join(work, 'tokens.csv');
  writeFileSync(tokenFile, 'carol-token,carol,carol-uid,"viewers,auditors"\nplain-token,dave,dave-uid\n');
  server = await startKubemu({ extraArgs: ['--token-auth-file', tokenFile, '--nodes', '0', '--controllers', 'serviceaccount,clusterrole-aggregation'] });
  admin = kubectlFor(newest, server.kubeconfig, work);
  caPem = Buffer.from(await admin.ok(['config', 'view', '--raw', '-o', 'jsonpath={.clusters[0].cluster.certificate-authority-data}']), 'base64').toString();
  await admin.ok(['create', 'namespace', ns]);
  await admin.ok(['-n', ns, 'create', 'role', 'pod-reader', '--verb=get,list,watch', '--resource=pods,pods/log']);
  await admin.ok(['-n', ns, 'create', 'role', 'one-configmap', '--verb=get', '--resource=configmaps', '--resource-name=allowed']);
  await admin.ok(['-n', ns, 'create', 'role', 'role-writer', '--verb=create,update', '--resource=roles.rbac.authorization.k8s.io']);
  for (const role of ['pod-reader', 'one-configmap', 'role-writer']) await admin.ok(['-n', ns, 'create', 'rolebinding', `alice-${role}`, `--role=${role}`, '--user=alice']);
  await admin.ok(['-n', ns, 'create', 'configmap', 'allowed', '--from-literal=a=1']);
  await admin.ok(['-n', ns, 'create', 'configmap', 'other', '--from-literal=a=1']);
  alice = await certificateUser('alice', ['dev']);
});

after(async () => {
  await server.stop();
  removeDir(server.dataDir);
  removeDir(work);
});

describe(`authentication and RBAC with kubectl ${newest.version}`, () => {
  test('the admin kubeconfig (system:masters) may do anything', async () => {
    assert.equal((await whoami(admin)).groups.includes('system:masters'), true);
    assert.equal((await admin.ok(['auth', 'can-i', '*', '*'])).trim(), 'yes');
  });

  test('a certificate user: what their Role grants works, everything else is 403 with the real message', async () => {
    assert.deepEqual(await whoami(alice), { username: 'alice', groups: ['dev', 'system:authenticated'] });
    assert.match(await alice.ok(['-n', ns, 'get', 'pods']), /^$|No resources/);
    await refused(alice, ['-n', 'default', 'get', 'pods'], 'pods is forbidden: User "alice" cannot list resource "pods" in API group "" in the namespace "default"');
    await refused(alice, ['get', 'nodes'], 'nodes is forbidden: User "alice" cannot list resource "nodes" in API group "" at the cluster scope');
    await refused(alice, ['-n', ns, 'create', 'configmap', 'x'], 'configmaps is forbidden: User "alice" cannot create resource "configmaps" in API group "" in the namespace "rbac-test"', 'error: failed to create configmap: ');
    await refused(alice, ['-n', ns, 'get', 'deployments'], 'deployments.apps is forbidden: User "alice" cannot list resource "deployments" in API group "apps" in the namespace "rbac-test"');
    // resourceNames: the named object only.
    assert.match(await alice.ok(['-n', ns, 'get', 'configmap', 'allowed', '-o', 'name']), /configmap\/allowed/);
    await refused(alice, ['-n', ns, 'get', 'configmap', 'other'], 'configmaps "other" is forbidden: User "alice" cannot get resource "configmaps" in API group "" in the namespace "rbac-test"');
    // A subresource is named with its resource.
    await refused(alice, ['-n', ns, 'get', 'pods/missing', '--subresource=status'], 'pods "missing" is forbidden: User "alice" cannot get resource "pods/status" in API group "" in the namespace "rbac-test"');
    await refused(alice, ['-n', ns, 'create', 'token', 'default'], 'serviceaccounts "default" is forbidden: User "alice" cannot create resource "serviceaccounts/token" in API group "" in the namespace "rbac-test"', 'error: failed to create token: ');
  });

  test('kubectl auth can-i answers from the authorizer, and --list shows the rules', async () => {
    const canI = async (...args: string[]) => (await alice.run(['auth', 'can-i', ...args])).stdout.trim();
    assert.equal(await canI('list', 'pods', '-n', ns), 'yes');
    assert.equal(await canI('get', 'pods', '--subresource=log', '-n', ns), 'yes');
    assert.equal(await canI('delete', 'pods', '-n', ns), 'no');
    assert.equal(await canI('list', 'pods', '-n', 'default'), 'no');
    assert.equal(await canI('get', 'configmaps/allowed', '-n', ns), 'yes');
    assert.equal(await canI('get', 'configmaps/other', '-n', ns), 'no');
    assert.equal(await canI('get', '/version'), 'yes');
    assert.equal(await canI('get', '/metrics'), 'no');
    // Asked by the admin about alice (a SubjectAccessReview through impersonation).
    assert.equal((await admin.run(['auth', 'can-i', 'list', 'pods', '-n', ns, '--as', 'alice'])).stdout.trim(), 'yes');
    const list = await alice.ok(['auth', 'can-i', '--list', '-n', ns]);
    assert.match(list, /^pods\s+\[\]\s+\[\]\s+\[get list watch\]$/m);
    assert.match(list, /^configmaps\s+\[\]\s+\[allowed\]\s+\[get\]$/m);
    assert.match(list, /^selfsubjectaccessreviews\.authorization\.k8s\.io\s+\[\]\s+\[\]\s+\[create\]$/m);
    assert.match(list, /^\s+\[\/version\]\s+\[\]\s+\[get\]$/m);
  });

  test('impersonation: allowed for the admin, refused to a user without the impersonate verb', async () => {
    assert.deepEqual(await whoami(admin, ['--as', 'alice', '--as-group', 'dev']), { username: 'alice', groups: ['dev', 'system:authenticated'] });
    assert.match(await admin.ok(['-n', ns, 'get', 'pods', '--as', 'alice']), /^$|No resources/);
    await refused(admin, ['-n', 'default', 'get', 'pods', '--as', 'alice'], 'pods is forbidden: User "alice" cannot list resource "pods" in API group "" in the namespace "default"');
    await refused(alice, ['-n', ns, 'get', 'pods', '--as', 'bob'], 'users "bob" is forbidden: User "alice" cannot impersonate resource "users" in API group "" at the cluster scope');
    await refused(alice, ['-n', ns, 'get', 'pods', '--as', 'system:serviceaccount:rbac-test:default'], 'serviceaccounts "default" is forbidden: User "alice" cannot impersonate resource "serviceaccounts" in API group "" in the namespace "rbac-test"');
  });

  test('a service-account token from kubectl create token: refused until a RoleBinding names the service account', async () => {
    await admin.ok(['-n', ns, 'create', 'serviceaccount', 'bot']);
    const token = (await admin.ok(['-n', ns, 'create', 'token', 'bot'])).trim();
    const bot = kubeconfigWith('bot', { token });
    await refused(bot, ['-n', ns, 'get', 'pods'], 'pods is forbidden: User "system:serviceaccount:rbac-test:bot" cannot list resource "pods" in API group "" in the namespace "rbac-test"');
    await admin.ok(['-n', ns, 'create', 'rolebinding', 'bot-view', '--clusterrole=view', `--serviceaccount=${ns}:bot`]);
    assert.match(await bot.ok(['-n', ns, 'get', 'configmaps', '-o', 'name']), /configmap\/other/);
    await refused(bot, ['-n', ns, 'delete', 'configmap', 'other'], 'configmaps "other" is forbidden: User "system:serviceaccount:rbac-test:bot" cannot delete resource "configmaps" in API group "" in the namespace "rbac-test"');
    // The same token also works with --token on a kubeconfig that has no user.
    assert.equal((await bot.run(['auth', 'can-i', 'list', 'secrets', '-n', ns])).stdout.trim(), 'no');
  });

  test('token-file users: their groups come from the file, and a binding to a group gives them access', async () => {
    const carol = kubeconfigWith('carol', { token: 'carol-token' });
    assert.deepEqual(await whoami(carol), { username: 'carol', uid: 'carol-uid', groups: ['viewers', 'auditors', 'system:authenticated'] });
    await refused(carol, ['get', 'pods', '-A'], 'pods is forbidden: User "carol" cannot list resource "pods" in API group "" at the cluster scope');
    await admin.ok(['create', 'clusterrolebinding', 'viewers-view', '--clusterrole=view', '--group=viewers']);
    // view is aggregated from system:aggregate-to-view by the clusterrole-aggregation controller.
    await carol.ok(['get', 'pods', '-A']);
    await refused(carol, ['-n', ns, 'delete', 'configmap', 'other'], 'configmaps "other" is forbidden: User "carol" cannot delete resource "configmaps" in API group "" in the namespace "rbac-test"');
    const wrong = kubeconfigWith('wrong', { token: 'not-a-token' });
    const r = await wrong.run(['get', 'pods']);
    assert.match(r.stderr, /Unauthorized|You must be logged in/);
  });

  test('privilege escalation: a role may only grant what its writer holds', async () => {
    const r = await alice.run(['-n', ns, 'create', 'role', 'deleter', '--verb=delete,get', '--resource=pods,secrets']);
    assert.notEqual(r.code, 0);
    assert.equal(
      r.stderr.trim(),
      'Error from server (Forbidden): roles.rbac.authorization.k8s.io "deleter" is forbidden: user "alice" (groups=["dev" "system:authenticated"]) is attempting to grant RBAC permissions not currently held:\n' +
        '{APIGroups:[""], Resources:["pods"], Verbs:["delete"]}\n{APIGroups:[""], Resources:["secrets"], Verbs:["delete" "get"]}',
    );
    await alice.ok(['-n', ns, 'create', 'role', 'reader-copy', '--verb=get,list', '--resource=pods']);
  });

  test('anonymous requests: /version and health are public, everything else is 403', async () => {
    const version = await anonymousGet('/version');
    assert.equal(version.status, 200);
    assert.match(version.body, /"gitVersion"/);
    assert.equal((await anonymousGet('/readyz')).status, 200);
    const pods = await anonymousGet('/api/v1/pods');
    assert.equal(pods.status, 403);
    assert.equal((JSON.parse(pods.body) as { message: string }).message, 'pods is forbidden: User "system:anonymous" cannot list resource "pods" in API group "" at the cluster scope');
    const api = await anonymousGet('/api');
    assert.equal(api.status, 403);
    assert.equal((JSON.parse(api.body) as { message: string }).message, 'forbidden: User "system:anonymous" cannot get path "/api"');
  });
});
