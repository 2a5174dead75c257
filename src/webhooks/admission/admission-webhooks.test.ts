import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ApiError } from '../../apierrors/index.js';
import type { KubeObject } from '../../machinery/object.js';
import { WebhookCallError, type WebhookClientConfig } from '../webhook-client.js';
import { AdmissionWebhooks, type AdmissionAttributes, type AdmissionWebhook, type WebhookConfiguration } from './admission-webhooks.js';

type Answer = (request: any) => Record<string, unknown> | Error;

/** Webhooks answered in-process by path: `answers[url]` gets the request, returns the response (uid added). */
function setup(mutating: WebhookConfiguration[], validating: WebhookConfiguration[], answers: Record<string, Answer>, namespaces: Record<string, Record<string, string>> = {}) {
  const calls: { url: string; request: any }[] = [];
  let uid = 0;
  const webhooks = new AdmissionWebhooks({
    mutatingConfigurations: () => mutating,
    validatingConfigurations: () => validating,
    namespaceLabels: (ns) => namespaces[ns],
    resolveService: async () => ({ host: '127.0.0.1', port: 1 }),
    newUid: () => `uid-${++uid}`,
    post: async (config: WebhookClientConfig, review: any) => {
      const url = config.url!;
      calls.push({ url, request: review.request });
      const answer = answers[url]!(review.request);
      if (answer instanceof Error) throw answer;
      return { statusCode: 200, body: JSON.stringify({ apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', response: { uid: review.request.uid, ...answer } }) };
    },
  });
  return { webhooks, calls };
}

const hook = (name: string, url: string, extra: Partial<AdmissionWebhook> = {}): AdmissionWebhook => ({
  name,
  clientConfig: { url },
  rules: [{ operations: ['CREATE'], apiGroups: [''], apiVersions: ['v1'], resources: ['configmaps'] }],
  sideEffects: 'None',
  admissionReviewVersions: ['v1'],
  ...extra,
});
const config = (name: string, ...webhooks: AdmissionWebhook[]): WebhookConfiguration => ({ metadata: { name }, webhooks });

const attrs = (object: KubeObject, extra: Partial<AdmissionAttributes> = {}): AdmissionAttributes => ({
  operation: 'CREATE',
  resource: { group: '', version: 'v1', resource: 'configmaps' },
  kind: { group: '', version: 'v1', kind: 'ConfigMap' },
  subresource: '',
  namespaced: true,
  namespace: 'default',
  name: object.metadata?.name ?? '',
  object,
  dryRun: false,
  warnings: [],
  ...extra,
});
const cm = (labels: Record<string, string> = {}): KubeObject => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'default', labels } });
const addLabel = (key: string) => (request: any) => ({
  allowed: true,
  patchType: 'JSONPatch',
  patch: Buffer.from(JSON.stringify([{ op: 'add', path: `/metadata/labels/${key.replace('/', '~1')}`, value: String(Object.keys(request.object.metadata.labels).length) }])).toString('base64'),
});

test('mutating webhooks run in configuration-name order; IfNeeded runs again after a later change', async () => {
  const { webhooks, calls } = setup(
    [config('b', hook('second', 'https://b')), config('a', hook('first', 'https://a', { reinvocationPolicy: 'IfNeeded' }))],
    [],
    { 'https://a': addLabel('a'), 'https://b': addLabel('b') },
  );
  const out = await webhooks.mutate(attrs(cm()));
  assert.deepEqual(calls.map((c) => c.url), ['https://a', 'https://b', 'https://a']);
  // "a" set first (0 labels then), "b" saw one; reinvoked, "a" saw two.
  assert.deepEqual(out?.metadata?.labels, { a: '2', b: '1' });
});

test('namespaceSelector reads the namespace\'s labels; a denial carries the webhook\'s code and message', async () => {
  const { webhooks, calls } = setup(
    [],
    [config('v', hook('deny', 'https://deny', { namespaceSelector: { matchLabels: { guarded: 'yes' } } }))],
    { 'https://deny': () => ({ allowed: false, status: { code: 409, reason: 'Conflict', message: 'not here' } }) },
    { default: { guarded: 'yes' }, other: {} },
  );
  await webhooks.validate(attrs(cm(), { namespace: 'other' }));
  assert.equal(calls.length, 0);
  await assert.rejects(webhooks.validate(attrs(cm())), (err: unknown) =>
    err instanceof ApiError && err.code === 409 && err.reason === 'Conflict' && err.message === 'admission webhook "deny" denied the request: not here');
});

test('a failed call: Fail is a 500 naming the webhook, Ignore passes; dry run refuses side effects', async () => {
  const down = () => new WebhookCallError('Post "https://down?timeout=10s": dial tcp 127.0.0.1:1: connect: connection refused');
  const { webhooks } = setup([], [config('v', hook('closed', 'https://down', { failurePolicy: 'Fail' }))], { 'https://down': down });
  await assert.rejects(webhooks.validate(attrs(cm())), (err: unknown) =>
    err instanceof ApiError && err.code === 500 &&
    err.message === 'Internal error occurred: failed calling webhook "closed": failed to call webhook: Post "https://down?timeout=10s": dial tcp 127.0.0.1:1: connect: connection refused');
  const open = setup([], [config('v', hook('open', 'https://down', { failurePolicy: 'Ignore' }))], { 'https://down': down });
  await open.webhooks.validate(attrs(cm()));
  const effects = setup([], [config('v', hook('effects', 'https://x', { sideEffects: 'Unknown' }))], { 'https://x': () => ({ allowed: true }) });
  await assert.rejects(effects.webhooks.validate(attrs(cm(), { dryRun: true })), { message: 'admission webhook "effects" does not support dry run' });
});

test('matchPolicy Equivalent: a rule for another version gets the object in that version; Exact does not match', async () => {
  const rules = [{ operations: ['CREATE'], apiGroups: ['stable.example.com'], apiVersions: ['v1'], resources: ['crontabs'] }];
  const seen: any[] = [];
  const configs = [config('v', hook('eq', 'https://eq', { rules }), hook('exact', 'https://eq', { rules, matchPolicy: 'Exact' }))];
  const { webhooks, calls } = setup([], configs, { 'https://eq': (r) => (seen.push(r), { allowed: true }) });
  const v2 = { apiVersion: 'stable.example.com/v2', kind: 'CronTab', metadata: { name: 'c', namespace: 'default' } };
  await webhooks.validate(attrs(v2, {
    resource: { group: 'stable.example.com', version: 'v2', resource: 'crontabs' },
    kind: { group: 'stable.example.com', version: 'v2', kind: 'CronTab' },
    equivalents: [{
      resource: { group: 'stable.example.com', version: 'v1', resource: 'crontabs' },
      kind: { group: 'stable.example.com', version: 'v1', kind: 'CronTab' },
      fromRequest: async (o) => ({ ...o, apiVersion: 'stable.example.com/v1' }),
      toRequest: async (o) => ({ ...o, apiVersion: 'stable.example.com/v2' }),
    }],
  }));
  assert.equal(calls.length, 1);
  assert.equal(seen[0].object.apiVersion, 'stable.example.com/v1');
  assert.equal(seen[0].kind.version, 'v1');
  assert.equal(seen[0].requestKind.version, 'v2');
});

test('validating webhooks are called all at once; the refusal that comes back first is the answer', async () => {
  const called: string[] = [];
  let releaseSlow: () => void = () => {};
  const slowMayAnswer = new Promise<void>((resolve) => {
    releaseSlow = resolve;
    setTimeout(resolve, 500); // one at a time, the fast webhook would never be called: do not hang
  });
  const webhooks = new AdmissionWebhooks({
    mutatingConfigurations: () => [],
    validatingConfigurations: () => [config('a-slow', hook('slow.test', 'https://slow')), config('b-fast', hook('fast.test', 'https://fast'))],
    namespaceLabels: () => ({}),
    resolveService: async () => ({ host: '127.0.0.1', port: 1 }),
    newUid: () => 'uid',
    post: async (cfg: WebhookClientConfig, review: any) => {
      called.push(cfg.url!);
      if (cfg.url === 'https://slow') {
        await slowMayAnswer;
        await new Promise((r) => setImmediate(r));
      } else releaseSlow();
      const message = cfg.url === 'https://slow' ? 'slow says no' : 'fast says no';
      return { statusCode: 200, body: JSON.stringify({ apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', response: { uid: review.request.uid, allowed: false, status: { message } } }) };
    },
  });
  await assert.rejects(webhooks.validate(attrs(cm())), (err: ApiError) => /admission webhook "fast.test" denied the request: fast says no/.test(err.message));
  assert.deepEqual(called, ['https://slow', 'https://fast']);
});
