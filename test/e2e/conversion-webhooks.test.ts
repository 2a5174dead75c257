// CRD conversion webhooks with the real kubectl: a CRD stores v1 and serves v2, whose
// spec.schedule is v1's spec.cronSpec, converted by an HTTPS webhook the test runs (its CA made
// here). Objects written in either version read in both; a list converts in one review; a watch
// in v2 converts; a webhook that fails or is down is the apiserver's 500 and nothing is stored.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { kubectlFor, kubectlVersionsUnderTest, removeDir, startKubemu, tempDir, type Kubectl, type KubemuProcess } from './harness.js';
import { startWebhookServer, type WebhookServer } from './webhook-server.js';

const work = tempDir('kubemu-conversion-');
let kubemu: KubemuProcess;
let kubectl: Kubectl;
let hooks: WebhookServer;
let failWith: string | undefined;

/** v1 `cronSpec` ↔ v2 `schedule`; everything else as it is. */
function convert(obj: any, desired: string): any {
  const out = structuredClone(obj);
  const spec = out.spec ?? {};
  if (desired.endsWith('/v2') && 'cronSpec' in spec) {
    spec.schedule = spec.cronSpec;
    delete spec.cronSpec;
  } else if (desired.endsWith('/v1') && 'schedule' in spec) {
    spec.cronSpec = spec.schedule;
    delete spec.schedule;
  }
  out.apiVersion = desired;
  return out;
}

before(async () => {
  hooks = await startWebhookServer(['127.0.0.1']);
  hooks.handle('/convert', (review) => {
    const { uid, desiredAPIVersion, objects } = review.request;
    if (failWith) return { apiVersion: 'apiextensions.k8s.io/v1', kind: 'ConversionReview', response: { uid, result: { status: 'Failure', message: failWith } } };
    return {
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'ConversionReview',
      response: { uid, result: { status: 'Success' }, convertedObjects: objects.map((o: any) => convert(o, desiredAPIVersion)) },
    };
  });
  kubemu = await startKubemu({ dataDir: work, extraArgs: ['--storage', 'memory', '--nodes', '0', '--controllers', ''] });
  kubectl = kubectlFor(kubectlVersionsUnderTest().at(-1)!, kubemu.kubeconfig, work);
});

after(async () => {
  await kubemu?.stop();
  await hooks?.close();
  removeDir(work);
});

const specSchema = (field: string) => `
      openAPIV3Schema:
        type: object
        properties:
          spec:
            type: object
            properties:
              ${field}: {type: string}
              image: {type: string}`;

const crd = (clientConfig: string) => `
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: crontabs.stable.example.com}
spec:
  group: stable.example.com
  scope: Namespaced
  names: {plural: crontabs, singular: crontab, kind: CronTab}
  conversion:
    strategy: Webhook
    webhook:
      conversionReviewVersions: [v1]
      clientConfig: ${clientConfig}
  versions:
  - name: v1
    served: true
    storage: true
    schema:${specSchema('cronSpec')}
  - name: v2
    served: true
    storage: false
    schema:${specSchema('schedule')}
`;

test('a conversion webhook converts reads, writes, lists and watches between v1 and v2', async () => {
  await kubectl.ok(['apply', '-f', '-'], { input: crd(`{url: "https://127.0.0.1:${hooks.port}/convert", caBundle: ${hooks.caBundle}}`) });
  await kubectl.ok(['wait', '--for=condition=Established', 'crd/crontabs.stable.example.com', '--timeout=20s']);

  await kubectl.ok(['apply', '-f', '-'], {
    input: `
apiVersion: stable.example.com/v1
kind: CronTab
metadata: {name: old-style}
spec: {cronSpec: "* * * * */5", image: img:1}
---
apiVersion: stable.example.com/v2
kind: CronTab
metadata: {name: new-style}
spec: {schedule: "0 * * * *", image: img:2}
`,
  });
  // Written in v2, stored in v1: the webhook was asked for v1.
  assert.ok(hooks.received.get('/convert')!.some((r) => r.body.request.desiredAPIVersion === 'stable.example.com/v1' && r.body.request.objects[0].spec.schedule === '0 * * * *'));
  assert.equal(hooks.received.get('/convert')![0].query, 'timeout=30s');

  const before = hooks.received.get('/convert')!.length;
  const v2 = JSON.parse(await kubectl.ok(['get', 'crontabs.v2.stable.example.com', '-o', 'json']));
  assert.deepEqual(
    v2.items.map((i: any) => [i.apiVersion, i.metadata.name, i.spec.schedule, i.spec.cronSpec]),
    [
      ['stable.example.com/v2', 'new-style', '0 * * * *', undefined],
      ['stable.example.com/v2', 'old-style', '* * * * */5', undefined],
    ],
  );
  // The list is one review with both objects.
  const listReviews = hooks.received.get('/convert')!.slice(before).filter((r) => r.body.request.desiredAPIVersion === 'stable.example.com/v2');
  assert.ok(listReviews.some((r) => r.body.request.objects.length === 2), JSON.stringify(listReviews.map((r) => r.body.request.objects.length)));

  const v1 = JSON.parse(await kubectl.ok(['get', 'crontabs.v1.stable.example.com', 'new-style', '-o', 'json']));
  assert.equal(v1.spec.cronSpec, '0 * * * *');
  assert.equal(v1.spec.schedule, undefined);

  // A patch in v2 goes through both conversions and lands in storage as v1.
  const rvBeforePatch = JSON.parse(await kubectl.ok(['get', '--raw', '/apis/stable.example.com/v1/namespaces/default/crontabs'])).metadata.resourceVersion;
  await kubectl.ok(['patch', 'crontabs.v2.stable.example.com', 'old-style', '--type=merge', '-p', '{"spec":{"schedule":"1 1 * * *"}}']);
  const patched = JSON.parse(await kubectl.ok(['get', 'crontabs.v1.stable.example.com', 'old-style', '-o', 'json']));
  assert.equal(patched.spec.cronSpec, '1 1 * * *');

  // A watch in v2 sends converted objects, its initial state converted in one review.
  const beforeWatch = hooks.received.get('/convert')!.length;
  const watched = await kubectl.ok(['get', '--raw', '/apis/stable.example.com/v2/namespaces/default/crontabs?watch=1&timeoutSeconds=1']);
  const events = watched.trim().split('\n').map((l) => JSON.parse(l));
  assert.deepEqual(events.map((e) => [e.type, e.object.apiVersion, e.object.spec.schedule]).sort(), [
    ['ADDED', 'stable.example.com/v2', '0 * * * *'],
    ['ADDED', 'stable.example.com/v2', '1 1 * * *'],
  ]);
  assert.deepEqual(hooks.received.get('/convert')!.slice(beforeWatch).map((r) => r.body.request.objects.length), [2]);
  // A change after the watch's resourceVersion is converted too.
  const changes = await kubectl.ok(['get', '--raw', `/apis/stable.example.com/v2/namespaces/default/crontabs?watch=1&resourceVersion=${rvBeforePatch}&timeoutSeconds=1`]);
  assert.deepEqual(changes.trim().split('\n').map((l) => JSON.parse(l)).map((e) => [e.type, e.object.apiVersion, e.object.spec.schedule]), [
    ['MODIFIED', 'stable.example.com/v2', '1 1 * * *'],
  ]);
});

test('an admission webhook for v1 judges a v2 write in v1 (matchPolicy Equivalent)', async () => {
  hooks.handle('/validate', (review) => {
    const { uid, object, kind, requestKind } = review.request;
    const refuse = object.spec?.cronSpec === '9 9 9 9 9';
    return {
      apiVersion: 'admission.k8s.io/v1',
      kind: 'AdmissionReview',
      response: refuse
        ? { uid, allowed: false, status: { message: `seen as ${kind.version}, asked as ${requestKind.version}: ${object.apiVersion}` } }
        : { uid, allowed: true },
    };
  });
  await kubectl.ok(['apply', '-f', '-'], {
    input: `
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingWebhookConfiguration
metadata: {name: crontabs-v1}
webhooks:
- name: v1-only.kubemu.test
  clientConfig: {url: "https://127.0.0.1:${hooks.port}/validate", caBundle: ${hooks.caBundle}}
  rules: [{operations: [CREATE], apiGroups: [stable.example.com], apiVersions: [v1], resources: [crontabs]}]
  sideEffects: None
  admissionReviewVersions: [v1]
`,
  });
  const refused = await kubectl.run(['apply', '-f', '-'], {
    input: `apiVersion: stable.example.com/v2\nkind: CronTab\nmetadata: {name: judged}\nspec: {schedule: "9 9 9 9 9"}\n`,
  });
  assert.match(refused.stderr, /admission webhook "v1-only.kubemu.test" denied the request: seen as v1, asked as v2: stable.example.com\/v1/);
  await kubectl.ok(['delete', 'validatingwebhookconfiguration', 'crontabs-v1']);
});

test('a failing or unreachable conversion webhook is a 500 and nothing is stored', async () => {
  failWith = 'no conversion today';
  const refused = await kubectl.run(['apply', '-f', '-'], {
    input: `apiVersion: stable.example.com/v2\nkind: CronTab\nmetadata: {name: refused}\nspec: {schedule: "2 2 * * *"}\n`,
  });
  assert.match(refused.stderr, /Error from server: (error when creating "STDIN": )?conversion webhook for stable.example.com\/v2, Kind=CronTab failed: no conversion today/);
  failWith = undefined;

  hooks.handle('/convert', () => 'garbage');
  const garbage = await kubectl.run(['get', 'crontabs.v2.stable.example.com', 'new-style']);
  assert.match(garbage.stderr, /Error from server: conversion webhook for stable.example.com\/v1, Kind=CronTab failed: invalid character 'g' looking for beginning of value/);

  await hooks.close();
  const down = await kubectl.run(['get', 'crontabs.v2.stable.example.com', 'new-style', '-v=6']);
  assert.notEqual(down.code, 0);
  assert.match(
    down.stderr,
    new RegExp(`conversion webhook for stable.example.com/v1, Kind=CronTab failed: Post "https://127.0.0.1:${hooks.port}/convert\\?timeout=30s": dial tcp 127.0.0.1:${hooks.port}: connect: connection refused`),
  );
  assert.match(down.stderr, /500 Internal Server Error/);
  const write = await kubectl.run(['apply', '-f', '-'], {
    input: `apiVersion: stable.example.com/v2\nkind: CronTab\nmetadata: {name: never}\nspec: {schedule: "3 3 * * *"}\n`,
  });
  assert.notEqual(write.code, 0);
  // v1 is the storage version: it reads without the webhook, and holds neither object.
  const stored = JSON.parse(await kubectl.ok(['get', 'crontabs.v1.stable.example.com', '-o', 'json']));
  assert.deepEqual(stored.items.map((i: any) => i.metadata.name), ['new-style', 'old-style']);
});

test('a CRD with Webhook conversion is validated', async () => {
  const bad = await kubectl.run(['apply', '--dry-run=server', '-f', '-'], {
    input: crd('{url: "http://127.0.0.1:1/convert"}').replace('conversionReviewVersions: [v1]', 'conversionReviewVersions: [v9]'),
  });
  assert.match(bad.stderr, /spec.conversion.webhook.conversionReviewVersions: Invalid value: \[\]string\{"v9"\}: must include at least one of v1, v1beta1|spec.conversion.webhook.conversionReviewVersions: Invalid value/);
  assert.match(bad.stderr, /spec.conversion.webhook.clientConfig.url: Invalid value: "http:\/\/127.0.0.1:1\/convert": 'https' is the only allowed URL scheme/);
});
