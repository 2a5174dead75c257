// pods/eviction through HTTP (as kubectl drain sends it) and the in-process client, with the
// PodDisruptionBudget status written by hand as the disruption controller would write it.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import request from 'supertest';
import { LocalClient } from '../client/local-client.js';
import type { Pod } from '../machinery/api-types.js';
import type { PodDisruptionBudget } from '../machinery/disruption-budget.js';
import { createTestApp, type TestApp } from '../testing/test-app.js';

let t: TestApp;
let client: LocalClient;
before(async () => {
  t = await createTestApp();
  client = new LocalClient(t.registry, t.catalogue, { userAgent: 'test' });
});
after(async () => {
  await t.stop();
});

const int = (n: number) => n as unknown as string;
const time = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
const pods = () => client.resource<Pod>('', 'v1', 'pods');
const budgets = () => client.resource<PodDisruptionBudget>('policy', 'v1', 'poddisruptionbudgets');
const evictionPath = (ns: string, name: string) => `/api/v1/namespaces/${ns}/pods/${name}/eviction`;
const eviction = (name: string, extra: Record<string, unknown> = {}) => ({ apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name }, ...extra });

/** A pod bound to a node (so deletion is graceful and it stays to be looked at), Running and, unless told, Ready. */
async function runningPod(ns: string, name: string, labels: Record<string, string>, ready = true): Promise<Pod> {
  await pods().create(ns, { metadata: { name, labels }, spec: { nodeName: 'node-1', containers: [{ name: 'c', image: 'x' }] } });
  return pods().mutate(ns, name, (p) => ({
    ...p,
    status: { ...p.status, phase: 'Running', conditions: [{ type: 'Ready', status: ready ? 'True' : 'False', lastTransitionTime: time(t.clock.now()) }] },
  }), 'status');
}

/** A budget whose status the disruption controller has computed. */
async function budget(ns: string, name: string, app: string, status: { allowed: number; current: number; desired: number }, spec: Record<string, unknown> = {}): Promise<void> {
  await budgets().create(ns, { metadata: { name }, spec: { minAvailable: int(status.desired), selector: { matchLabels: { app } }, ...spec } });
  await budgets().mutate(ns, name, (b) => ({
    ...b,
    status: { observedGeneration: 1, disruptionsAllowed: status.allowed, currentHealthy: status.current, desiredHealthy: status.desired, expectedPods: status.current },
  }), 'status');
}

async function namespace(name: string): Promise<void> {
  await client.resource('', 'v1', 'namespaces').create(undefined, { metadata: { name } });
}

describe('the eviction subresource', () => {
  test('a pod no budget covers is evicted: DisruptionTarget, then a graceful delete; 201 with a Success Status', async () => {
    await namespace('free');
    await runningPod('free', 'web', { app: 'web' });
    const res = await request(t.app).post(evictionPath('free', 'web')).send(eviction('web')).expect(201);
    assert.deepEqual(res.body, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 201 });
    const pod = await pods().get('free', 'web');
    assert.ok(pod.metadata!.deletionTimestamp);
    assert.equal(pod.metadata!.deletionGracePeriodSeconds, 30);
    const cond = pod.status!.conditions!.find((c) => c.type === 'DisruptionTarget')!;
    // lastProbeTime is a metav1.Time value: Go writes null for its zero.
    assert.deepEqual({ ...cond }, { type: 'DisruptionTarget', status: 'True', lastProbeTime: null, lastTransitionTime: time(t.clock.now()), reason: 'EvictionByEvictionAPI', message: 'Eviction API: evicting' });
    // policy/v1beta1 bodies too, with deleteOptions: a zero grace period removes the pod at once.
    await runningPod('free', 'old', { app: 'old' });
    await request(t.app)
      .post(evictionPath('free', 'old'))
      .send({ apiVersion: 'policy/v1beta1', kind: 'Eviction', metadata: { name: 'old', namespace: 'free' }, deleteOptions: { gracePeriodSeconds: 0 } })
      .expect(201);
    assert.equal(await pods().find('free', 'old'), undefined);
  });

  test('a budget with a disruption to spare gives it up in the same request; with none left, 429 naming the budget', async () => {
    await namespace('budgeted');
    await runningPod('budgeted', 'db-0', { app: 'db' });
    await runningPod('budgeted', 'db-1', { app: 'db' });
    await budget('budgeted', 'db', 'db', { allowed: 1, current: 2, desired: 1 });
    await request(t.app).post(evictionPath('budgeted', 'db-0')).send(eviction('db-0')).expect(201);
    const status = (await budgets().get('budgeted', 'db')).status!;
    assert.equal(status.disruptionsAllowed, 0);
    assert.deepEqual(status.disruptedPods, { 'db-0': time(t.clock.now()) });
    assert.deepEqual(status.conditions, [{ type: 'DisruptionAllowed', status: 'False', observedGeneration: 1, lastTransitionTime: time(t.clock.now()), reason: 'InsufficientPods', message: '' }]);
    const owners = (await budgets().get('budgeted', 'db')).metadata!.managedFields!.filter((m) => m.fieldsV1 && JSON.stringify(m.fieldsV1).includes('f:disruptedPods'));
    assert.deepEqual(owners.map((m) => [m.manager, m.subresource]), [['kube-apiserver', 'status']]);

    const refused = await request(t.app).post(evictionPath('budgeted', 'db-1')).send(eviction('db-1')).expect(429);
    assert.deepEqual(refused.body, {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: "Cannot evict pod as it would violate the pod's disruption budget.",
      reason: 'TooManyRequests',
      details: { causes: [{ reason: 'DisruptionBudget', message: 'The disruption budget db needs 1 healthy pods and has 2 currently' }] },
      code: 429,
    });
    assert.equal(refused.headers['retry-after'], undefined);
    assert.equal((await pods().get('budgeted', 'db-1')).metadata!.deletionTimestamp, undefined);
  });

  test('a budget the controller has not caught up with asks to come back in 10 s', async () => {
    await namespace('fresh');
    await runningPod('fresh', 'a', { app: 'a' });
    await budgets().create('fresh', { metadata: { name: 'a' }, spec: { maxUnavailable: int(1), selector: { matchLabels: { app: 'a' } } } });
    const res = await request(t.app).post(evictionPath('fresh', 'a')).send(eviction('a')).expect(429);
    assert.equal(res.headers['retry-after'], '10');
    assert.deepEqual(res.body.details, { retryAfterSeconds: 10, causes: [{ reason: 'DisruptionBudget', message: 'The disruption budget a is still being processed by the server.' }] });
  });

  test('pods that are not running, and unready pods under AlwaysAllow or a healthy budget, go without using the budget', async () => {
    await namespace('spare');
    await budget('spare', 'all', 'x', { allowed: 0, current: 1, desired: 1 });
    await pods().create('spare', { metadata: { name: 'pending', labels: { app: 'x' } }, spec: { nodeName: 'node-1', containers: [{ name: 'c', image: 'x' }] } });
    await client.resource<Pod>('', 'v1', 'pods').evict('spare', 'pending');
    assert.ok((await pods().get('spare', 'pending')).metadata!.deletionTimestamp);

    await runningPod('spare', 'done', { app: 'x' });
    await pods().mutate('spare', 'done', (p) => ({ ...p, status: { ...p.status, phase: 'Succeeded' } }), 'status');
    await pods().evict('spare', 'done');
    assert.equal(await pods().find('spare', 'done'), undefined, 'a finished pod goes at once');

    await runningPod('spare', 'unready', { app: 'x' }, false);
    await pods().evict('spare', 'unready');
    assert.ok((await pods().get('spare', 'unready')).metadata!.deletionTimestamp, 'currentHealthy >= desiredHealthy: the budget is not disrupted');
    assert.equal((await budgets().get('spare', 'all')).status!.disruptionsAllowed, 0);

    await namespace('sick');
    await budget('sick', 'all', 'y', { allowed: 0, current: 0, desired: 1 }, { unhealthyPodEvictionPolicy: 'AlwaysAllow' });
    await runningPod('sick', 'crashing', { app: 'y' }, false);
    await pods().evict('sick', 'crashing');
    assert.ok((await pods().get('sick', 'crashing')).metadata!.deletionTimestamp);
    await runningPod('sick', 'healthy', { app: 'y' });
    await assert.rejects(pods().evict('sick', 'healthy'), (err: { code?: number }) => err.code === 429);

    await namespace('strict');
    await budget('strict', 'all', 'z', { allowed: 0, current: 0, desired: 1 });
    await runningPod('strict', 'crashing', { app: 'z' }, false);
    await assert.rejects(pods().evict('strict', 'crashing'), (err: { code?: number }) => err.code === 429, 'IfHealthyBudget: the budget is already short');
  });

  test('two budgets over one pod: 500; a name that differs from the URL: 400; a missing pod: 404', async () => {
    await namespace('twice');
    await runningPod('twice', 'p', { app: 'p', tier: 't' });
    await budget('twice', 'one', 'p', { allowed: 1, current: 1, desired: 0 });
    await budgets().create('twice', { metadata: { name: 'two' }, spec: { maxUnavailable: int(1), selector: { matchLabels: { tier: 't' } } } });
    const res = await request(t.app).post(evictionPath('twice', 'p')).send(eviction('p')).expect(500);
    assert.deepEqual(res.body, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.', code: 500 });

    const bad = await request(t.app).post(evictionPath('twice', 'p')).send(eviction('q')).expect(400);
    assert.equal(bad.body.message, 'name in URL does not match name in Eviction object');
    const missing = await request(t.app).post(evictionPath('twice', 'nope')).send(eviction('nope')).expect(404);
    assert.equal(missing.body.message, 'pods "nope" not found');
  });

  test('dry run changes nothing; preconditions are checked', async () => {
    await namespace('careful');
    const pod = await runningPod('careful', 'c', { app: 'c' });
    await budget('careful', 'c', 'c', { allowed: 1, current: 1, desired: 0 });
    await request(t.app).post(`${evictionPath('careful', 'c')}?dryRun=All`).send(eviction('c')).expect(201);
    await request(t.app).post(evictionPath('careful', 'c')).send(eviction('c', { deleteOptions: { dryRun: ['All'] } })).expect(201);
    assert.equal((await pods().get('careful', 'c')).metadata!.deletionTimestamp, undefined);
    assert.equal((await budgets().get('careful', 'c')).status!.disruptionsAllowed, 1);

    // The budget is taken before the delete's preconditions are checked: a failed delete still
    // uses it up, until the disruption controller sees the pod was not deleted.
    const conflict = await request(t.app)
      .post(evictionPath('careful', 'c'))
      .send(eviction('c', { deleteOptions: { preconditions: { uid: 'not-it' } } }))
      .expect(409);
    assert.equal(
      conflict.body.message,
      `Operation cannot be fulfilled on Pod "c": the UID in the precondition (not-it) does not match the UID in record (${pod.metadata!.uid}). The object might have been deleted and then recreated`,
    );
    assert.deepEqual(Object.keys((await budgets().get('careful', 'c')).status!.disruptedPods!), ['c']);
    await request(t.app).post(evictionPath('careful', 'c')).send(eviction('c', { deleteOptions: { preconditions: { uid: pod.metadata!.uid } } })).expect(429);

    const free = await runningPod('careful', 'free', { app: 'free' });
    await request(t.app).post(evictionPath('careful', 'free')).send(eviction('free', { deleteOptions: { preconditions: { uid: free.metadata!.uid, resourceVersion: free.metadata!.resourceVersion } } })).expect(201);
    assert.ok((await pods().get('careful', 'free')).metadata!.deletionTimestamp);
  });
});

describe('DefaultTolerationSeconds admission', () => {
  test('pods get not-ready and unreachable tolerations unless they tolerate those taints already', async () => {
    await namespace('admit');
    const tolerationsOf = async (name: string, tolerations?: NonNullable<Pod['spec']>['tolerations']) =>
      (await pods().create('admit', { metadata: { name }, spec: { containers: [{ name: 'c', image: 'x' }], ...(tolerations ? { tolerations } : {}) } })).spec!.tolerations;
    assert.deepEqual(await tolerationsOf('plain'), [
      { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
      { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
    ]);
    assert.deepEqual(await tolerationsOf('everything', [{ operator: 'Exists' }]), [{ operator: 'Exists' }]);
    assert.deepEqual(await tolerationsOf('own', [{ key: 'node.kubernetes.io/not-ready', operator: 'Exists', tolerationSeconds: 10, effect: 'NoExecute' }]), [
      { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 10 },
      { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
    ]);
    // A NoSchedule toleration of the key does not count.
    assert.equal((await tolerationsOf('noschedule', [{ key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoSchedule' }]))!.length, 3);
  });

  test('the seconds come from the cluster configuration', async () => {
    const other = await createTestApp({ defaultTolerationSeconds: 45 });
    try {
      await other.registry.pipeline.ready();
      const c = new LocalClient(other.registry, other.catalogue, { userAgent: 'test' });
      const pod = await c.resource<Pod>('', 'v1', 'pods').create('default', { metadata: { name: 'p' }, spec: { containers: [{ name: 'c', image: 'x' }] } });
      assert.deepEqual(pod.spec!.tolerations!.map((x) => x.tolerationSeconds), [45, 45]);
    } finally {
      await other.stop();
    }
  });
});
