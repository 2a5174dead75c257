// pods/binding through HTTP (as kube-scheduler sends it) and the in-process client: what a
// binding refuses, with kube-apiserver's messages, and the PodScheduled condition it sets.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import request from 'supertest';
import { LocalClient } from '../client/local-client.js';
import type { Pod } from '../machinery/api-types.js';
import { createTestApp, type TestApp } from '../testing/test-app.js';
import { markPodScheduled } from './pod-binding.js';

let t: TestApp;
let client: LocalClient;
before(async () => {
  t = await createTestApp();
  client = new LocalClient(t.registry, t.catalogue, { userAgent: 'test' });
});
after(async () => {
  await t.stop();
});

const pods = () => client.resource<Pod>('', 'v1', 'pods');
const pod = (name: string, spec: Partial<NonNullable<Pod['spec']>> = {}): Pod => ({ metadata: { name }, spec: { containers: [{ name: 'c', image: 'x' }], ...spec } });
const binding = (name: string, node: string) => ({ apiVersion: 'v1', kind: 'Binding', metadata: { name }, target: { kind: 'Node', name: node } });

describe('pods/binding', () => {
  test('sets spec.nodeName; a second binding is a Conflict on pods/binding', async () => {
    await pods().create('default', pod('once'));
    await request(t.app).post('/api/v1/namespaces/default/pods/once/binding').send(binding('once', 'node-1')).expect(201);
    assert.equal((await pods().get('default', 'once')).spec!.nodeName, 'node-1');
    const again = await request(t.app).post('/api/v1/namespaces/default/pods/once/binding').send(binding('once', 'node-2')).expect(409);
    assert.equal(again.body.reason, 'Conflict');
    assert.equal(again.body.message, 'Operation cannot be fulfilled on pods/binding "once": pod once is already assigned to node "node-1"');
  });

  test('refuses a pod that still has scheduling gates, and a pod that does not exist', async () => {
    await pods().create('default', pod('gated', { schedulingGates: [{ name: 'example.com/later' }] }));
    await assert.rejects(pods().bind('default', 'gated', 'node-1'), {
      message: 'Operation cannot be fulfilled on pods/binding "gated": pod gated has non-empty .spec.schedulingGates',
    });
    const missing = await request(t.app).post('/api/v1/namespaces/default/pods/ghost/binding').send(binding('ghost', 'node-1')).expect(404);
    assert.equal(missing.body.message, 'pods "ghost" not found');
  });

  test('refuses a pod being deleted', async () => {
    await pods().create('default', { ...pod('leaving'), metadata: { name: 'leaving', finalizers: ['example.com/hold'] } });
    await pods().delete('default', 'leaving');
    await assert.rejects(pods().bind('default', 'leaving', 'node-1'), {
      message: 'Operation cannot be fulfilled on pods/binding "leaving": pod leaving is being deleted, cannot be assigned to a host',
    });
  });

  test('binding marks the pod PodScheduled=True, replacing an Unschedulable condition and keeping a True one', () => {
    const p = pod('scheduled');
    p.status = {
      phase: 'Pending',
      conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: '0/1 nodes are available', lastTransitionTime: '2026-01-01T00:00:00Z' }],
    };
    const conditions = () => p.status?.conditions;
    markPodScheduled(p, new Date('2026-01-01T00:01:00Z'));
    assert.deepEqual(conditions(), [{ type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: '2026-01-01T00:01:00Z' }]);
    markPodScheduled(p, new Date('2026-01-01T00:02:00Z'));
    assert.equal(conditions()?.[0]?.lastTransitionTime, '2026-01-01T00:01:00Z');
  });
});
