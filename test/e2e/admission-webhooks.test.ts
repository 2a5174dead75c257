// Admission webhooks with the real kubectl: a mutating webhook (by URL) labels ConfigMaps through
// a JSONPatch and warns; a validating webhook (behind a selector-less Service whose Endpoints
// point at the test's server) refuses some; a webhook that is down fails the request under
// failurePolicy Fail and is passed over under Ignore; dry run refuses webhooks with side effects;
// admission policies and matchConditions are stored with a Warning that kubemu ignores them.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { kubectlFor, kubectlVersionsUnderTest, removeDir, startKubemu, tempDir, type Kubectl, type KubemuProcess } from './harness.js';
import { closedPort, startWebhookServer, type WebhookServer } from './webhook-server.js';

const work = tempDir('kubemu-admission-');
let kubemu: KubemuProcess;
let kubectl: Kubectl;
let hooks: WebhookServer;
let downPort: number;

before(async () => {
  hooks = await startWebhookServer(['127.0.0.1', 'hooks.default.svc']);
  downPort = await closedPort();
  kubemu = await startKubemu({ dataDir: work, extraArgs: ['--storage', 'memory', '--nodes', '0', '--controllers', ''] });
  kubectl = kubectlFor(kubectlVersionsUnderTest().at(-1)!, kubemu.kubeconfig, work);

  hooks.handle('/mutate', (review) => {
    const labels = review.request.object.metadata.labels;
    const patch = labels
      ? [{ op: 'add', path: '/metadata/labels/mutated-by', value: 'webhook' }]
      : [{ op: 'add', path: '/metadata/labels', value: { 'mutated-by': 'webhook' } }];
    return {
      apiVersion: 'admission.k8s.io/v1',
      kind: 'AdmissionReview',
      response: { uid: review.request.uid, allowed: true, patchType: 'JSONPatch', patch: Buffer.from(JSON.stringify(patch)).toString('base64'), warnings: ['labelled by the test webhook'] },
    };
  });
  hooks.handle('/validate', (review) => {
    const forbidden = review.request.object?.data?.forbidden !== undefined;
    return {
      apiVersion: 'admission.k8s.io/v1',
      kind: 'AdmissionReview',
      response: forbidden
        ? { uid: review.request.uid, allowed: false, status: { message: 'the key "forbidden" is not allowed' } }
        : review.request.operation === 'DELETE' && review.request.oldObject?.metadata?.name === 'keep'
          ? { uid: review.request.uid, allowed: false, status: { code: 403, reason: 'Forbidden', message: 'keep stays' } }
          : { uid: review.request.uid, allowed: true },
    };
  });
});

after(async () => {
  await kubemu?.stop();
  await hooks?.close();
  removeDir(work);
});

const webhookConfigurations = () => `
apiVersion: admissionregistration.k8s.io/v1
kind: MutatingWebhookConfiguration
metadata: {name: label-configmaps}
webhooks:
- name: label.kubemu.test
  clientConfig: {url: "https://127.0.0.1:${hooks.port}/mutate", caBundle: ${hooks.caBundle}}
  rules: [{operations: [CREATE, UPDATE], apiGroups: [""], apiVersions: [v1], resources: [configmaps]}]
  objectSelector: {matchExpressions: [{key: skip-mutation, operator: DoesNotExist}]}
  sideEffects: None
  admissionReviewVersions: [v1]
---
apiVersion: v1
kind: Service
metadata: {name: hooks, namespace: default}
spec:
  ports: [{port: 443, targetPort: ${hooks.port}}]
---
apiVersion: v1
kind: Endpoints
metadata: {name: hooks, namespace: default}
subsets: [{addresses: [{ip: 127.0.0.1}], ports: [{port: ${hooks.port}}]}]
---
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingWebhookConfiguration
metadata: {name: refuse-some}
webhooks:
- name: refuse.kubemu.test
  clientConfig: {service: {namespace: default, name: hooks, path: /validate}, caBundle: ${hooks.caBundle}}
  rules: [{operations: ["*"], apiGroups: [""], apiVersions: [v1], resources: [configmaps], scope: Namespaced}]
  sideEffects: None
  timeoutSeconds: 5
  admissionReviewVersions: [v1]
- name: down-fail.kubemu.test
  clientConfig: {url: "https://127.0.0.1:${downPort}/validate", caBundle: ${hooks.caBundle}}
  rules: [{operations: [CREATE], apiGroups: [""], apiVersions: [v1], resources: [secrets]}]
  objectSelector: {matchLabels: {webhook: down}}
  failurePolicy: Fail
  sideEffects: None
  admissionReviewVersions: [v1]
- name: down-ignore.kubemu.test
  clientConfig: {url: "https://127.0.0.1:${downPort}/validate", caBundle: ${hooks.caBundle}}
  rules: [{operations: [CREATE], apiGroups: [""], apiVersions: [v1], resources: [serviceaccounts]}]
  failurePolicy: Ignore
  sideEffects: None
  admissionReviewVersions: [v1]
- name: side-effects.kubemu.test
  clientConfig: {service: {namespace: default, name: hooks, path: /validate}, caBundle: ${hooks.caBundle}}
  rules: [{operations: [CREATE], apiGroups: [""], apiVersions: [v1], resources: [secrets]}]
  objectSelector: {matchLabels: {webhook: side-effects}}
  sideEffects: Some
  admissionReviewVersions: [v1]
`;

test('admission webhooks mutate, refuse, fail open or closed, and are told who asked', async () => {
  await kubectl.ok(['apply', '-f', '-'], { input: webhookConfigurations() });

  // Mutating by URL: the label is added, the webhook's warning reaches kubectl.
  const created = await kubectl.run(['create', 'configmap', 'plain', '--from-literal=a=1']);
  assert.equal(created.code, 0, created.stderr);
  assert.match(created.stderr, /Warning: labelled by the test webhook/);
  const cm = JSON.parse(await kubectl.ok(['get', 'configmap', 'plain', '-o', 'json']));
  assert.equal(cm.metadata.labels['mutated-by'], 'webhook');
  const review = hooks.received.get('/mutate')!.at(-1)!;
  assert.equal(review.query, 'timeout=10s');
  assert.equal(review.body.request.operation, 'CREATE');
  assert.equal(review.body.request.userInfo.username, 'kubemu-admin');
  assert.deepEqual(review.body.request.resource, { group: '', version: 'v1', resource: 'configmaps' });

  // Validating through a Service: the denial in the real words, with the default 400; nothing stored.
  const refused = await kubectl.run(['create', 'configmap', 'bad', '--from-literal=forbidden=1']);
  assert.notEqual(refused.code, 0);
  assert.match(refused.stderr, /admission webhook "refuse.kubemu.test" denied the request: the key "forbidden" is not allowed/);
  assert.match((await kubectl.run(['get', 'configmap', 'bad'])).stderr, /NotFound/);
  // Every kubectl under test gets the denial (1.27 words the error around it differently).
  for (const binary of kubectlVersionsUnderTest()) {
    const old = await kubectlFor(binary, kubemu.kubeconfig, work).run(['create', 'configmap', `bad-${binary.version}`, '--from-literal=forbidden=1']);
    assert.match(old.stderr, /admission webhook "refuse.kubemu.test" denied the request: the key "forbidden" is not allowed/, binary.version);
  }
  // No reason from the webhook: none in the Status (kubectl prints no reason), code 400.
  const applied = await kubectl.run(['apply', '-v=6', '-f', '-'], { input: 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: bad2}\ndata: {forbidden: x}\n' });
  assert.match(applied.stderr, /Error from server: error when creating "STDIN": admission webhook "refuse.kubemu.test" denied the request/);
  assert.match(applied.stderr, /verb="POST" url="https:\/\/\S+\/api\/v1\/namespaces\/default\/configmaps\S*" status="400 Bad Request"/);

  // An update is judged too; a delete the webhook refuses keeps the object, with the webhook's code.
  await kubectl.ok(['create', 'configmap', 'keep']);
  const update = await kubectl.run(['patch', 'configmap', 'keep', '--type=merge', '-p', '{"data":{"forbidden":"1"}}']);
  assert.match(update.stderr, /denied the request: the key "forbidden" is not allowed/);
  const del = await kubectl.run(['delete', 'configmap', 'keep']);
  assert.match(del.stderr, /Error from server \(Forbidden\): admission webhook "refuse.kubemu.test" denied the request: keep stays/);
  await kubectl.ok(['get', 'configmap', 'keep']);
  assert.ok(hooks.received.get('/validate')!.some((r) => r.body.request.operation === 'DELETE' && r.body.request.options?.kind === 'DeleteOptions'));

  // A webhook that is down: Fail refuses with the call's error, Ignore lets the request through.
  const secret = `apiVersion: v1\nkind: Secret\nmetadata: {name: s1, labels: {webhook: down}}\nstringData: {a: b}\n`;
  const failed = await kubectl.run(['apply', '-f', '-'], { input: secret });
  assert.match(
    failed.stderr,
    new RegExp(`Internal error occurred: failed calling webhook "down-fail.kubemu.test": failed to call webhook: Post "https://127.0.0.1:${downPort}/validate\\?timeout=10s": dial tcp 127.0.0.1:${downPort}: connect: connection refused`),
  );
  assert.match((await kubectl.run(['get', 'secret', 's1'])).stderr, /NotFound/);
  await kubectl.ok(['create', 'serviceaccount', 'let-through']);

  // Dry run and a webhook with side effects: the real 400.
  const dry = await kubectl.run(['apply', '--dry-run=server', '-f', '-'], { input: secret.replace('webhook: down', 'webhook: side-effects') });
  assert.match(dry.stderr, /admission webhook "side-effects.kubemu.test" does not support dry run/);
});

test('admission policies and matchConditions are stored with a Warning that kubemu does not apply them', async () => {
  const policy = await kubectl.run(['apply', '-f', '-'], {
    input: `
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicy
metadata: {name: replicas-limit}
spec:
  matchConstraints:
    resourceRules: [{apiGroups: [apps], apiVersions: [v1], operations: [CREATE, UPDATE], resources: [deployments]}]
  validations: [{expression: "object.spec.replicas <= 5"}]
`,
  });
  assert.equal(policy.code, 0, policy.stderr);
  assert.match(policy.stderr, /Warning: kubemu does not enforce ValidatingAdmissionPolicys/);
  const conditions = await kubectl.run(['apply', '-f', '-'], {
    input: `
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingWebhookConfiguration
metadata: {name: with-conditions}
webhooks:
- name: cel.kubemu.test
  clientConfig: {url: "https://127.0.0.1:${hooks.port}/validate", caBundle: ${hooks.caBundle}}
  rules: [{operations: [CREATE], apiGroups: [""], apiVersions: [v1], resources: [limitranges]}]
  matchConditions: [{name: never, expression: "false"}]
  sideEffects: None
  admissionReviewVersions: [v1]
`,
  });
  assert.equal(conditions.code, 0, conditions.stderr);
  assert.match(conditions.stderr, /Warning: kubemu does not evaluate matchConditions \(CEL\): webhook "cel.kubemu.test"/);
  const badUrl = await kubectl.run(['apply', '-f', '-'], {
    input: `
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingWebhookConfiguration
metadata: {name: plain-http}
webhooks:
- name: http.kubemu.test
  clientConfig: {url: "http://127.0.0.1:1/validate"}
  rules: [{operations: [CREATE], apiGroups: [""], apiVersions: [v1], resources: [limitranges]}]
  sideEffects: None
  admissionReviewVersions: [v1]
`,
  });
  assert.match(badUrl.stderr, /webhooks\[0\]\.clientConfig\.url: Invalid value: "http:\/\/127.0.0.1:1\/validate": 'https' is the only allowed URL scheme/);
});

test('a CONNECT (kubectl exec) is sent to the webhooks with its PodExecOptions before the pod is reached, and can be refused; so are evictions and bindings', async () => {
  hooks.handle('/connect', (review) => {
    const command = (review.request.object?.command ?? []) as string[];
    return {
      apiVersion: 'admission.k8s.io/v1',
      kind: 'AdmissionReview',
      response: command.includes('rm')
        ? { uid: review.request.uid, allowed: false, status: { code: 403, reason: 'Forbidden', message: 'no rm in this cluster' } }
        : review.request.kind?.kind === 'Eviction'
          ? { uid: review.request.uid, allowed: false, status: { code: 403, reason: 'Forbidden', message: 'no evictions today' } }
          : { uid: review.request.uid, allowed: true },
    };
  });
  await kubectl.ok(['apply', '-f', '-'], {
    input: `apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingWebhookConfiguration
metadata: {name: guard-exec}
webhooks:
- name: guard-exec.kubemu.test
  clientConfig: {url: "https://127.0.0.1:${hooks.port}/connect", caBundle: ${hooks.caBundle}}
  rules:
  - {operations: [CONNECT], apiGroups: [""], apiVersions: [v1], resources: [pods/exec, pods/portforward]}
  - {operations: [CREATE], apiGroups: [""], apiVersions: [v1], resources: [pods/eviction, pods/binding]}
  sideEffects: None
  admissionReviewVersions: [v1]
`,
  });
  // No controllers here: the default ServiceAccount the pod needs is made by hand.
  await kubectl.ok(['create', 'serviceaccount', 'default']);
  await kubectl.ok(['run', 'guarded', '--image=busybox', '--restart=Never']);

  const refused = await kubectl.run(['exec', 'guarded', '--', 'rm', '-rf', '/data']);
  assert.notEqual(refused.code, 0);
  assert.match(refused.stderr, /admission webhook "guard-exec.kubemu.test" denied the request: no rm in this cluster/);
  const review = hooks.received.get('/connect')!.at(-1)!.body.request;
  assert.equal(review.operation, 'CONNECT');
  assert.equal(review.subResource, 'exec');
  assert.deepEqual(review.kind, { group: '', version: 'v1', kind: 'PodExecOptions' });
  assert.deepEqual(review.resource, { group: '', version: 'v1', resource: 'pods' });
  assert.equal(review.name, 'guarded');
  assert.deepEqual(review.object.command, ['rm', '-rf', '/data']);
  assert.equal(review.userInfo.username, 'kubemu-admin');

  // Allowed, the exec goes on to the pod, which no node runs here: the apiserver's own refusal.
  const allowed = await kubectl.run(['exec', 'guarded', '--', 'ls']);
  assert.match(allowed.stderr, /does not have a host assigned/);
  assert.deepEqual(hooks.received.get('/connect')!.at(-1)!.body.request.object.command, ['ls']);

  // Creates of pods/eviction and pods/binding go to the webhooks too, with their own kinds.
  const eviction = await kubectl.run(['create', '--raw', '/api/v1/namespaces/default/pods/guarded/eviction', '-f', '-'], {
    input: JSON.stringify({ apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name: 'guarded', namespace: 'default' } }),
  });
  assert.match(eviction.stderr, /admission webhook "guard-exec.kubemu.test" denied the request: no evictions today/);
  const evicted = hooks.received.get('/connect')!.at(-1)!.body.request;
  assert.deepEqual([evicted.operation, evicted.subResource, evicted.kind.group, evicted.kind.kind], ['CREATE', 'eviction', 'policy', 'Eviction']);
  await kubectl.ok(['get', 'pod', 'guarded']);
  await kubectl.ok(['create', '--raw', '/api/v1/namespaces/default/pods/guarded/binding', '-f', '-'], {
    input: JSON.stringify({ apiVersion: 'v1', kind: 'Binding', metadata: { name: 'guarded' }, target: { kind: 'Node', name: 'somewhere' } }),
  });
  const bound = hooks.received.get('/connect')!.at(-1)!.body.request;
  assert.deepEqual([bound.operation, bound.subResource, bound.kind.kind, bound.object.target.name], ['CREATE', 'binding', 'Binding', 'somewhere']);
  assert.equal(await kubectl.ok(['get', 'pod', 'guarded', '-o', 'jsonpath={.spec.nodeName}']), 'somewhere');
});
