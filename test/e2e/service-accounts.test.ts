// Service accounts and their tokens on `kubemu serve`, seen through the newest real kubectl: every
// namespace gets the `default` ServiceAccount and the `kube-root-ca.crt` ConfigMap; `kubectl create
// token` issues a signed JWT that authenticates as the service account (`kubectl auth whoami`)
// until it expires or its service account or bound pod goes; pods get the kube-api-access volume
// whose token works the same way; third parties verify tokens through the OIDC discovery keys;
// and tokens stay valid across a restart.
import assert from 'node:assert/strict';
import { request } from 'node:https';
import { after, before, describe, test } from 'node:test';
import { createLocalJWKSet, jwtVerify } from 'jose';
import { kubectlAsUser, kubectlFor, kubectlVersionsUnderTest, removeDir, startKubemu, tempDir, type Kubectl, type KubemuProcess } from './harness.js';
import { eventually } from './kubelet-stand-in.js';

let server: KubemuProcess;
let work: string;
let k: Kubectl;
let caPem: string;
const ns = 'sa-test';
const newest = kubectlVersionsUnderTest().at(-1)!;

/** kubectl with a kubeconfig holding only this bearer token (no client certificate). */
function withToken(token: string, name: string): Kubectl {
  return kubectlAsUser({ url: server.url, caPem }, work, `token-${name}`, { token });
}

/** A GET with a bearer token (issuer discovery is for service accounts: system:service-account-issuer-discovery). */
function httpsGet(path: string, token: string): Promise<{ status: number; type: string; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(new URL(path, server.url), { ca: caPem, headers: { Authorization: `Bearer ${token}` } }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type']), body }));
    });
    req.on('error', reject);
    req.end();
  });
}

async function whoami(kubectl: Kubectl): Promise<{ username: string; groups: string[]; extra?: Record<string, string[]> }> {
  return (JSON.parse(await kubectl.ok(['auth', 'whoami', '-o', 'json'])) as { status: { userInfo: { username: string; groups: string[]; extra?: Record<string, string[]> } } }).status.userInfo;
}

before(async () => {
  server = await startKubemu();
  work = tempDir('kubemu-sa-');
  k = kubectlFor(newest, server.kubeconfig, work);
  caPem = Buffer.from(await k.ok(['config', 'view', '--raw', '-o', 'jsonpath={.clusters[0].cluster.certificate-authority-data}']), 'base64').toString();
  await k.ok(['create', 'namespace', ns]);
});

after(async () => {
  await server.stop();
  removeDir(server.dataDir);
  removeDir(work);
});

describe(`service accounts with kubectl ${newest.version}`, () => {
  test('a new namespace gets the default ServiceAccount and kube-root-ca.crt holding the cluster CA', async () => {
    await eventually('the default service account', async () => ((await k.run(['-n', ns, 'get', 'sa', 'default'])).code === 0 ? true : undefined));
    const ca = await eventually('kube-root-ca.crt', async () => {
      const r = await k.run(['-n', ns, 'get', 'configmap', 'kube-root-ca.crt', '-o', 'jsonpath={.data.ca\\.crt}']);
      return r.code === 0 ? r.stdout : undefined;
    });
    assert.equal(ca, caPem);
    // Deleted, it comes back.
    await k.ok(['-n', ns, 'delete', 'sa', 'default']);
    await eventually('the default service account again', async () => ((await k.run(['-n', ns, 'get', 'sa', 'default'])).code === 0 ? true : undefined));
  });

  test('kubectl create token: a token that authenticates as the service account until it is deleted', async () => {
    await k.ok(['-n', ns, 'create', 'serviceaccount', 'bot']);
    const token = (await k.ok(['-n', ns, 'create', 'token', 'bot', '--duration=20m'])).trim();
    const claims = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as Record<string, unknown>;
    assert.equal(claims.iss, 'https://kubernetes.default.svc.cluster.local');
    assert.equal(claims.sub, `system:serviceaccount:${ns}:bot`);
    assert.deepEqual(claims.aud, ['https://kubernetes.default.svc.cluster.local']);
    assert.equal((claims.exp as number) - (claims.iat as number), 1200);
    const bot = withToken(token, 'bot');
    const user = await whoami(bot);
    assert.equal(user.username, `system:serviceaccount:${ns}:bot`);
    assert.deepEqual(user.groups, ['system:serviceaccounts', `system:serviceaccounts:${ns}`, 'system:authenticated']);
    assert.match(user.extra?.['authentication.kubernetes.io/credential-id']?.[0] ?? '', /^JTI=[0-9a-f-]{36}$/);
    // RBAC holds a new service account to what is bound to it: nothing, until a RoleBinding.
    const denied = await bot.run(['-n', ns, 'get', 'serviceaccounts']);
    assert.match(denied.stderr, /serviceaccounts is forbidden: User "system:serviceaccount:sa-test:bot" cannot list resource "serviceaccounts" in API group "" in the namespace "sa-test"/);
    await k.ok(['-n', ns, 'create', 'rolebinding', 'bot-view', '--clusterrole=view', `--serviceaccount=${ns}:bot`]);
    assert.match(await bot.ok(['-n', ns, 'get', 'serviceaccounts']), /^bot\s/m);

    // A forged token (another signature) and a token of a deleted service account are refused.
    const forged = `${token.split('.').slice(0, 2).join('.')}.${Buffer.from('not the signature').toString('base64url')}`;
    const refused = await withToken(forged, 'forged').run(['get', 'namespaces']);
    assert.notEqual(refused.code, 0);
    assert.match(refused.stderr, /You must be logged in to the server/);
    await k.ok(['-n', ns, 'delete', 'serviceaccount', 'bot']);
    const gone = await bot.run(['get', 'namespaces']);
    assert.notEqual(gone.code, 0);
    assert.match(gone.stderr, /You must be logged in to the server/);
  });

  test('TokenRequest checks its input as kube-apiserver does', async () => {
    const short = await k.run(['-n', ns, 'create', 'token', 'default', '--duration=1m']);
    assert.match(short.stderr, /spec\.expirationSeconds: Invalid value: 60: may not specify a duration less than 10 minutes/);
    const missing = await k.run(['-n', ns, 'create', 'token', 'nobody']);
    assert.match(missing.stderr, /serviceaccounts "nobody" not found/);
  });

  test("a pod runs as its service account with the kube-api-access volume, whose token is bound to the pod", async () => {
    await k.ok(['-n', ns, 'run', 'app', '--image=nginx']);
    const pod = JSON.parse(await k.ok(['-n', ns, 'get', 'pod', 'app', '-o', 'json'])) as {
      spec: { serviceAccountName: string; serviceAccount: string; volumes: { name: string; projected?: unknown }[]; containers: { volumeMounts: { name: string; mountPath: string; readOnly: boolean }[] }[] };
    };
    assert.equal(pod.spec.serviceAccountName, 'default');
    assert.equal(pod.spec.serviceAccount, 'default');
    const volume = pod.spec.volumes.find((v) => /^kube-api-access-[a-z0-9]{5}$/.test(v.name));
    assert.ok(volume?.projected, 'the projected token volume');
    assert.deepEqual(pod.spec.containers[0]!.volumeMounts, [{ name: volume.name, mountPath: '/var/run/secrets/kubernetes.io/serviceaccount', readOnly: true }]);
    await k.ok(['-n', ns, 'wait', '--for=condition=Ready', 'pod/app', '--timeout=30s']);
    assert.equal(await k.ok(['-n', ns, 'exec', 'app', '--', 'cat', '/var/run/secrets/kubernetes.io/serviceaccount/namespace']), ns);
    assert.equal(await k.ok(['-n', ns, 'exec', 'app', '--', 'cat', '/var/run/secrets/kubernetes.io/serviceaccount/ca.crt']), caPem);
    const token = await k.ok(['-n', ns, 'exec', 'app', '--', 'cat', '/var/run/secrets/kubernetes.io/serviceaccount/token']);
    const inPod = withToken(token, 'in-pod');
    const user = await whoami(inPod);
    assert.equal(user.username, `system:serviceaccount:${ns}:default`);
    assert.deepEqual(user.extra?.['authentication.kubernetes.io/pod-name'], ['app']);

    // Third parties verify tokens with the keys of the OIDC discovery documents.
    const discovery = await httpsGet('/.well-known/openid-configuration', token);
    assert.equal(discovery.status, 200);
    const config = JSON.parse(discovery.body) as { issuer: string; jwks_uri: string };
    assert.equal(config.issuer, 'https://kubernetes.default.svc.cluster.local');
    const jwks = await httpsGet(new URL(config.jwks_uri).pathname, token);
    assert.equal(jwks.type, 'application/jwk-set+json');
    const verified = await jwtVerify(token, createLocalJWKSet(JSON.parse(jwks.body) as { keys: never[] }), { issuer: config.issuer, audience: config.issuer });
    assert.equal(verified.payload.sub, `system:serviceaccount:${ns}:default`);

    // Bound to the pod: once the pod is gone, so is the token.
    await k.ok(['-n', ns, 'delete', 'pod', 'app', '--wait=true']);
    const after = await inPod.run(['get', 'namespaces']);
    assert.match(after.stderr, /You must be logged in to the server/);
  });

  test("a pod naming a service account that does not exist is refused with the admission plugin's message", async () => {
    const r = await k.run(['-n', ns, 'run', 'ghost', '--image=nginx', '--overrides={"spec":{"serviceAccountName":"ghost"}}']);
    assert.match(r.stderr, new RegExp(`pods "ghost" is forbidden: error looking up service account ${ns}/ghost: serviceaccount "ghost" not found`));
  });

  test('TokenReview answers for a token, and issued tokens survive a restart (the signing key is kept)', async () => {
    await k.ok(['-n', ns, 'create', 'serviceaccount', 'keeper']);
    const token = (await k.ok(['-n', ns, 'create', 'token', 'keeper'])).trim();
    const review = JSON.parse(
      await k.ok(['create', '-o', 'json', '-f', '-'], { input: JSON.stringify({ apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', spec: { token } }) }),
    ) as { status: { authenticated: boolean; user: { username: string } } };
    assert.equal(review.status.authenticated, true);
    assert.equal(review.status.user.username, `system:serviceaccount:${ns}:keeper`);

    await server.stop();
    server = await startKubemu({ dataDir: server.dataDir });
    const user = await whoami(withToken(token, 'keeper'));
    assert.equal(user.username, `system:serviceaccount:${ns}:keeper`);
  });
});
