import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Catalogue, compareVersions } from './catalogue.js';
import { loadSpec } from './openapi-spec.js';

const catalogue = new Catalogue(loadSpec().document);

test('core resources come from the spec with scope, verbs, kinds and subresources', () => {
  const pods = catalogue.lookup('', 'v1', 'pods')!;
  assert.equal(pods.kind, 'Pod');
  assert.equal(pods.listKind, 'PodList');
  assert.equal(pods.singular, 'pod');
  assert.equal(pods.namespaced, true);
  assert.deepEqual(pods.verbs, ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch']);
  assert.deepEqual(pods.shortNames, ['po']);
  assert.deepEqual(pods.categories, ['all']);
  assert.equal(pods.definitionName, 'io.k8s.api.core.v1.Pod');
  assert.deepEqual(pods.subresources.get('eviction')!.kind, { group: 'policy', version: 'v1', kind: 'Eviction' });
  assert.deepEqual(pods.subresources.get('status')!.verbs, ['get', 'patch', 'update']);
  assert.equal(pods.subresources.get('exec')!.connect, true);
  // Verbs in alphabetical order, whatever order the spec's methods come in (get, then post → create).
  assert.deepEqual(pods.subresources.get('exec')!.verbs, ['create', 'get']);

  const ns = catalogue.lookup('', 'v1', 'namespaces')!;
  assert.equal(ns.namespaced, false);
  assert.ok(!ns.verbs.includes('deletecollection'), 'namespaces cannot be deleted as a collection');
  assert.deepEqual(catalogue.lookup('', 'v1', 'componentstatuses')!.verbs, ['get', 'list']);
  assert.deepEqual(catalogue.lookup('', 'v1', 'bindings')!.verbs, ['create']);
});

test('only GA versions are served, in the priority order of a real cluster', () => {
  const groups = catalogue.groups();
  assert.equal(groups[0].group, '');
  assert.equal(groups[1].group, 'apiregistration.k8s.io');
  assert.equal(groups[2].group, 'apps');
  for (const g of groups) for (const v of g.versions) assert.match(v, /^v\d+$/, `${g.group}/${v}`);
  assert.deepEqual(catalogue.group('autoscaling')!.versions, ['v2', 'v1']);
  assert.equal(catalogue.lookup('storagemigration.k8s.io', 'v1beta1', 'storageversionmigrations'), undefined);
});

test('a kind served in several versions is stored once', () => {
  const v1 = catalogue.lookup('autoscaling', 'v1', 'horizontalpodautoscalers')!;
  assert.deepEqual(v1.storage, { group: 'autoscaling', resource: 'horizontalpodautoscalers', version: 'v2', kind: 'HorizontalPodAutoscaler' });
  const events = catalogue.lookup('events.k8s.io', 'v1', 'events')!;
  assert.deepEqual(events.storage, { group: '', resource: 'events', version: 'v1', kind: 'Event' });
  assert.deepEqual(events.shortNames, ['ev']);
});

test('scale subresources answer autoscaling/v1 Scale', () => {
  for (const [g, r] of [['apps', 'deployments'], ['apps', 'replicasets'], ['apps', 'statefulsets'], ['', 'replicationcontrollers']]) {
    const info = catalogue.lookup(g, 'v1', r)!;
    assert.deepEqual(info.subresources.get('scale')!.kind, { group: 'autoscaling', version: 'v1', kind: 'Scale' }, r);
  }
});

test('version priority: GA over beta over alpha, higher first', () => {
  assert.deepEqual(['v1beta1', 'v1', 'v2', 'v1alpha1', 'v2beta2', 'v2beta1'].sort(compareVersions), ['v2', 'v1', 'v2beta2', 'v2beta1', 'v1beta1', 'v1alpha1']);
});
