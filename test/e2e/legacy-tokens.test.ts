// Secret-based ServiceAccount tokens on `kubemu serve`, through the real kubectl: a Secret of type
// kubernetes.io/service-account-token is filled by the tokens controller; its token authenticates
// as the ServiceAccount (held to RBAC like any user) until the Secret is deleted; the token Secrets
// of a deleted ServiceAccount, and those naming an account that does not exist, are deleted.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { kubectlAsUser, kubectlFor, kubectlVersionsUnderTest, removeDir, startKubemu, tempDir, type Kubectl, type KubemuProcess } from './harness.js';
import { eventually } from './kubelet-stand-in.js';

let server: KubemuProcess;
let work: string;
let admin: Kubectl;
let caPem: string;
const ns = 'legacy-tokens';
const versions = kubectlVersionsUnderTest();
const newest = versions.at(-1)!;
const oldest = versions[0]!;

/** A kubeconfig that trusts the cluster CA and has the given user (no admin certificate). */
function kubeconfigWith(name: string, user: Record<string, string>, binary = newest): Kubectl {
  return kubectlAsUser({ url: server.url, caPem }, work, name, user, { binary, namespace: ns });
}

const tokenSecretYaml = (secret: string, sa: string) => `apiVersion: v1
kind: Secret
metadata:
  name: ${secret}
  namespace: ${ns}
  annotations:
    kubernetes.io/service-account.name: ${sa}
type: kubernetes.io/service-account-token
`;
const serviceAccountYaml = (sa: string) => `apiVersion: v1
kind: ServiceAccount
metadata:
  name: ${sa}
  namespace: ${ns}
`;

/** The token the controller put in a Secret (decoded), once it is there. */
function filledToken(secret: string): Promise<string> {
  return eventually(`the token of ${secret}`, async () => {
    const data = (await admin.ok(['-n', ns, 'get', 'secret', secret, '-o', 'jsonpath={.data.token}'])).trim();
    return data ? Buffer.from(data, 'base64').toString() : undefined;
  });
}

async function gone(resource: string): Promise<void> {
  await eventually(`${resource} to be deleted`, async () => {
    const r = await admin.run(['-n', ns, 'get', resource]);
    return r.code !== 0 && /NotFound/.test(r.stderr) ? true : undefined;
  });
}

before(async () => {
  work = tempDir('kubemu-legacy-tokens-');
  server = await startKubemu({ extraArgs: ['--nodes', '0', '--controllers', 'serviceaccount,serviceaccount-token'] });
  admin = kubectlFor(newest, server.kubeconfig, work);
  caPem = Buffer.from(await admin.ok(['config', 'view', '--raw', '-o', 'jsonpath={.clusters[0].cluster.certificate-authority-data}']), 'base64').toString();
  await admin.ok(['create', 'namespace', ns]);
  await admin.ok(['-n', ns, 'create', 'role', 'pod-reader', '--verb=get,list,watch', '--resource=pods']);
});

after(async () => {
  await server.stop();
  removeDir(server.dataDir);
  removeDir(work);
});

describe(`legacy ServiceAccount tokens with kubectl ${newest.version}`, () => {
  test('the tokens controller fills a token Secret: token, ca.crt, namespace and the account uid', async () => {
    await admin.ok(['apply', '-f', '-'], { input: `${serviceAccountYaml('ci')}---\n${tokenSecretYaml('ci-token', 'ci')}` });
    const token = await filledToken('ci-token');
    const secret = JSON.parse(await admin.ok(['-n', ns, 'get', 'secret', 'ci-token', '-o', 'json'])) as { metadata: { annotations: Record<string, string> }; data: Record<string, string> };
    const saUid = (await admin.ok(['-n', ns, 'get', 'serviceaccount', 'ci', '-o', 'jsonpath={.metadata.uid}'])).trim();
    assert.equal(secret.metadata.annotations['kubernetes.io/service-account.uid'], saUid);
    assert.equal(Buffer.from(secret.data.namespace!, 'base64').toString(), ns);
    assert.equal(Buffer.from(secret.data['ca.crt']!, 'base64').toString(), caPem);
    const claims = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as Record<string, unknown>;
    assert.deepEqual(claims, {
      iss: 'kubernetes/serviceaccount',
      'kubernetes.io/serviceaccount/namespace': ns,
      'kubernetes.io/serviceaccount/secret.name': 'ci-token',
      'kubernetes.io/serviceaccount/service-account.name': 'ci',
      'kubernetes.io/serviceaccount/service-account.uid': saUid,
      sub: `system:serviceaccount:${ns}:ci`,
    });
  });

  test('the token is the service account, held to its RoleBinding; once its Secret is deleted it is Unauthorized', async () => {
    const token = await filledToken('ci-token');
    const ci = kubeconfigWith('ci', { token });
    const saUid = (await admin.ok(['-n', ns, 'get', 'serviceaccount', 'ci', '-o', 'jsonpath={.metadata.uid}'])).trim();
    const whoami = JSON.parse(await ci.ok(['auth', 'whoami', '-o', 'json'])) as { status: { userInfo: { username: string; groups: string[] } } };
    assert.deepEqual(whoami.status.userInfo, { username: `system:serviceaccount:${ns}:ci`, uid: saUid, groups: ['system:serviceaccounts', `system:serviceaccounts:${ns}`, 'system:authenticated'] });
    const forbidden = await ci.run(['get', 'pods']);
    assert.equal(forbidden.stderr.trim(), `Error from server (Forbidden): pods is forbidden: User "system:serviceaccount:${ns}:ci" cannot list resource "pods" in API group "" in the namespace "${ns}"`);
    await admin.ok(['-n', ns, 'create', 'rolebinding', 'ci-pods', '--role=pod-reader', `--serviceaccount=${ns}:ci`]);
    assert.equal((await ci.ok(['get', 'pods'])).trim(), '');
    // --token on a kubeconfig with no user, with the newest and the oldest kubectl.
    for (const binary of [newest, oldest]) {
      const anonymous = kubeconfigWith('nobody', {}, binary);
      const listed = await anonymous.run(['get', 'pods', `--token=${token}`]);
      assert.equal(listed.code, 0, `kubectl ${binary.version}: ${listed.stderr}`);
      assert.match(listed.stderr, /No resources found in legacy-tokens namespace/);
      const refused = await anonymous.run(['get', 'secrets', `--token=${token}`]);
      assert.equal(refused.stderr.trim(), `Error from server (Forbidden): secrets is forbidden: User "system:serviceaccount:${ns}:ci" cannot list resource "secrets" in API group "" in the namespace "${ns}"`);
    }
    // Each use is tracked on the Secret (LegacyServiceAccountTokenTracking), by day.
    const usedOn = await eventually('the last-used label', async () => {
      const day = (await admin.ok(['-n', ns, 'get', 'secret', 'ci-token', '-o', 'jsonpath={.metadata.labels.kubernetes\\.io/legacy-token-last-used}'])).trim();
      return day ? day : undefined;
    });
    const today = new Date().toISOString().slice(0, 10);
    assert.ok(usedOn === today || usedOn === new Date(Date.now() - 86_400_000).toISOString().slice(0, 10), usedOn);
    // A token Secret the account lists (auto-generated before 1.24) still works, with kube-apiserver's warning.
    await admin.ok(['-n', ns, 'patch', 'serviceaccount', 'ci', '--type=merge', '-p', '{"secrets":[{"name":"ci-token"}]}']);
    const warned = await ci.run(['get', 'pods']);
    assert.equal(warned.code, 0, warned.stderr);
    assert.match(warned.stderr, /Warning: Use tokens from the TokenRequest API or manually created secret-based tokens instead of auto-generated secret-based tokens\./);
    await admin.ok(['-n', ns, 'delete', 'secret', 'ci-token']);
    const after = await ci.run(['get', 'pods']);
    assert.notEqual(after.code, 0);
    assert.equal(after.stderr.trim(), 'error: You must be logged in to the server (Unauthorized)');
  });

  test("a deleted ServiceAccount's token Secrets are deleted, as is one naming an account that does not exist", async () => {
    await admin.ok(['apply', '-f', '-'], { input: `${serviceAccountYaml('temp')}---\n${tokenSecretYaml('temp-token', 'temp')}` });
    const token = await filledToken('temp-token');
    await admin.ok(['-n', ns, 'delete', 'serviceaccount', 'temp']);
    await gone('secret/temp-token');
    const r = await kubeconfigWith('temp', { token }).run(['get', 'pods']);
    assert.equal(r.stderr.trim(), 'error: You must be logged in to the server (Unauthorized)');

    await admin.ok(['apply', '-f', '-'], { input: tokenSecretYaml('orphan-token', 'nobody') });
    await gone('secret/orphan-token');
  });
});
