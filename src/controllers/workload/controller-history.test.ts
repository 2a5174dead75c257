import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { ControllerRevision, PodTemplateSpec } from '../../machinery/api-types.js';
import {
  controllerRevisionName,
  equalRevision,
  goJson,
  hashControllerRevision,
  newControllerRevision,
  safeEncodeString,
  sortControllerRevisions,
  templateFromRevision,
  templateRevisionData,
} from './controller-history.js';

// The defaulted template of kubernetes/kubernetes' stateful_set_compatibility_test.go, whose
// revision a 1.33 cluster named "test-c77f6d978".
const template: PodTemplateSpec = {
  metadata: { annotations: { test: 'value' }, labels: { app: 'foo' } },
  spec: {
    containers: [{ image: 'test', imagePullPolicy: 'Always', name: 'test', terminationMessagePath: '/dev/termination-log', terminationMessagePolicy: 'File' }],
    dnsPolicy: 'ClusterFirst',
    restartPolicy: 'Always',
    schedulerName: 'default-scheduler',
    securityContext: {},
    terminationGracePeriodSeconds: 30,
  },
};
const upstreamRaw =
  '{"spec":{"template":{"$patch":"replace","metadata":{"annotations":{"test":"value"},"creationTimestamp":null,"labels":{"app":"foo"}},"spec":{"containers":[{"image":"test","imagePullPolicy":"Always","name":"test","resources":{},"terminationMessagePath":"/dev/termination-log","terminationMessagePolicy":"File"}],"dnsPolicy":"ClusterFirst","restartPolicy":"Always","schedulerName":"default-scheduler","securityContext":{},"terminationGracePeriodSeconds":30}}}}';

const set = { apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 'test', namespace: 'test', uid: 'ssuid' } };

describe('controller history', () => {
  test('revision data is byte for byte what a real cluster stores, and hashes to the same name', () => {
    const data = templateRevisionData(template);
    assert.equal(goJson(data), upstreamRaw);
    assert.equal(hashControllerRevision(data, 0), 'c77f6d978');
    const revision = newControllerRevision(set, { apiVersion: 'apps/v1', kind: 'StatefulSet' }, template.metadata?.labels, data, 1, 0);
    assert.equal(revision.metadata?.name, 'test-c77f6d978');
    assert.deepEqual(revision.metadata?.labels, { app: 'foo', 'controller.kubernetes.io/hash': 'c77f6d978' });
    assert.deepEqual(revision.metadata?.ownerReferences, [{ apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'test', uid: 'ssuid', controller: true, blockOwnerDeletion: true }]);
    assert.equal(revision.revision, 1);
    // The collision count is part of the hash: a collision yields another name.
    assert.notEqual(hashControllerRevision(data, 1), 'c77f6d978');
    assert.notEqual(hashControllerRevision(data, undefined), 'c77f6d978');
  });

  test('Go JSON: sorted keys, HTML characters escaped', () => {
    assert.equal(goJson({ b: 1, a: { d: [{ z: 1, y: 2 }], c: '<a&b>' } }), '{"a":{"c":"\\u003ca\\u0026b\\u003e","d":[{"y":2,"z":1}]},"b":1}');
  });

  test('safe encoding avoids vowels and ambiguous digits', () => {
    assert.equal(safeEncodeString('0123456789'), '456789bcdf');
    assert.match(safeEncodeString('733928534'), /^[bcdfghjklmnpqrstvwxz2456789]+$/);
    assert.equal(controllerRevisionName('x'.repeat(300), 'h').length, 225);
  });

  test('a revision restores its template: the directive and Go nulls are dropped', () => {
    const revision = { data: templateRevisionData(template), revision: 1 } as ControllerRevision;
    const restored = templateFromRevision(revision);
    assert.deepEqual(restored.metadata, template.metadata);
    assert.deepEqual(restored.spec?.containers?.[0]?.resources, {});
    assert.equal((restored as Record<string, unknown>).$patch, undefined);
  });

  test('sorting and equality', () => {
    const rev = (name: string, revision: number, created: string, data: unknown = { a: 1 }) =>
      ({ metadata: { name, creationTimestamp: created, labels: {} }, revision, data }) as ControllerRevision;
    const sorted = sortControllerRevisions([rev('c', 2, '2026-01-01T00:00:00Z'), rev('b', 1, '2026-01-01T00:00:01Z'), rev('a', 1, '2026-01-01T00:00:01Z')]);
    assert.deepEqual(sorted.map((r) => r.metadata?.name), ['a', 'b', 'c']);
    assert.ok(equalRevision(rev('x', 1, '', { a: 1, b: 2 }), rev('y', 5, '', { b: 2, a: 1 })));
    assert.ok(!equalRevision(rev('x', 1, '', { a: 1 }), rev('y', 1, '', { a: 2 })));
  });
});
