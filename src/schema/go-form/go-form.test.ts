// Objects as Go writes them after decoding into their type: struct order, the zero values Go
// always prints, and nothing Go cannot hold. Facts checked against the Go types of the 1.36 API.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadSpec } from '../openapi-spec.js';
import { locateProtoDir } from '../spec-files.js';
import { createGoForms } from './go-form.js';
import { scanProtoFile } from './struct-order.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const definitions = loadSpec().document.definitions as Record<string, unknown>;
const protoDir = locateProtoDir();
const forms = createGoForms(definitions, { protoDir });
type Obj = Record<string, any>;
const normalize = (definition: string, obj: Obj): Obj => forms.normalize(definition, obj) as Obj;

test('status counters a DaemonSet and a ReplicationController always carry are there as 0', () => {
  assert.deepEqual(normalize('io.k8s.api.apps.v1.DaemonSet', { status: {} }).status, {
    currentNumberScheduled: 0,
    numberMisscheduled: 0,
    desiredNumberScheduled: 0,
    numberReady: 0,
  });
  assert.deepEqual(normalize('io.k8s.api.core.v1.ReplicationController', {}).status, { replicas: 0 });
  // Fields with omitempty stay out, and counters that are set keep their values.
  assert.deepEqual(normalize('io.k8s.api.apps.v1.StatefulSet', { status: { replicas: 3, currentRevision: 'r1' } }).status, {
    replicas: 3,
    currentRevision: 'r1',
    availableReplicas: 0,
  });
});

test('struct values Go always prints: a template\'s metadata with creationTimestamp null, a container\'s resources', () => {
  const deployment = normalize('io.k8s.api.apps.v1.Deployment', {
    spec: { template: { spec: { containers: [{ name: 'c', image: 'x' }] } } },
  });
  assert.deepEqual(deployment.spec.template.metadata, { creationTimestamp: null });
  assert.deepEqual(deployment.spec.template.spec.containers[0], { name: 'c', image: 'x', resources: {} });
  assert.deepEqual(deployment.spec.strategy, {});
  assert.deepEqual(deployment.metadata, { creationTimestamp: null });
  // A pointer or slice without omitempty is null.
  assert.equal(deployment.spec.selector, null);
  assert.equal(normalize('io.k8s.api.autoscaling.v2.HorizontalPodAutoscaler', {}).status.currentMetrics, null);
});

test('keys come in the Go struct order: TypeMeta first (kind, apiVersion), then the declared fields', () => {
  const pod = normalize('io.k8s.api.core.v1.Pod', {
    status: { phase: 'Pending' },
    spec: { schedulerName: 'default-scheduler', containers: [{ imagePullPolicy: 'Always', image: 'x', name: 'c' }], volumes: [] as unknown[], initContainers: [{ name: 'i', image: 'y' }] },
    metadata: { managedFields: [{ manager: 'm' }], labels: { a: 'b' }, creationTimestamp: 't', uid: 'u', namespace: 'ns', name: 'p' },
    apiVersion: 'v1',
    kind: 'Pod',
  });
  assert.deepEqual(Object.keys(pod), ['kind', 'apiVersion', 'metadata', 'spec', 'status']);
  assert.deepEqual(Object.keys(pod.metadata), ['name', 'namespace', 'uid', 'creationTimestamp', 'labels', 'managedFields']);
  assert.deepEqual(Object.keys(pod.spec), ['initContainers', 'containers', 'schedulerName']);
  assert.deepEqual(Object.keys(pod.spec.containers[0]), ['name', 'image', 'resources', 'imagePullPolicy']);
});

test('the order is the .proto declaration order for every field of a definition, generically', () => {
  const text = readFileSync(join(protoDir, 'k8s.io/api/apps/v1/generated.proto'), 'utf8');
  const declared = scanProtoFile(text).get('k8s.io.api.apps.v1.DeploymentSpec')!.map((f) => f.name);
  const full = Object.fromEntries([...declared].reverse().map((name) => [name, name === 'paused' ? true : name === 'template' ? {} : name === 'selector' ? {} : 1]));
  assert.deepEqual(Object.keys(normalize('io.k8s.api.apps.v1.DeploymentSpec', full)), declared);
});

test('an inlined struct puts its fields in its place (a Probe\'s handler before its timings)', () => {
  const probe = normalize('io.k8s.api.core.v1.Probe', { periodSeconds: 5, httpGet: { port: 80, path: '/' } });
  assert.deepEqual(Object.keys(probe), ['httpGet', 'periodSeconds']);
  assert.deepEqual(Object.keys(probe.httpGet), ['path', 'port']);
});

test('what a Go value cannot hold goes: null pointers, empty omitempty lists and maps, omitempty zeros', () => {
  const pod = normalize('io.k8s.api.core.v1.Pod', {
    metadata: { name: 'p', generateName: '', labels: {}, annotations: null, generation: 0, finalizers: [] },
    spec: { containers: [{ name: 'c', image: 'x', stdin: false, ports: [], command: null, imagePullPolicy: null }], nodeName: '', hostNetwork: false },
  });
  assert.deepEqual(pod.metadata, { name: 'p', creationTimestamp: null });
  assert.deepEqual(pod.spec.containers[0], { name: 'c', image: 'x', resources: {} });
  assert.deepEqual(Object.keys(pod.spec), ['containers']);
  // null decodes to the zero value of a value field.
  assert.equal(normalize('io.k8s.api.apps.v1.DaemonSetStatus', { numberReady: null }).numberReady, 0);
  // A pointer keeps its zero: replicas 0 is not "unset".
  assert.equal(normalize('io.k8s.api.apps.v1.DeploymentSpec', { replicas: 0 }).replicas, 0);
});

test('fields the type does not know keep their written order after the known ones; map keys are sorted; the input is left alone', () => {
  const input = { zz: 1, data: { b: '2', a: '1' }, kind: 'ConfigMap', apiVersion: 'v1', metadata: { name: 'c' } };
  const copy = structuredClone(input);
  const out = normalize('io.k8s.api.core.v1.ConfigMap', input);
  assert.deepEqual(Object.keys(out), ['kind', 'apiVersion', 'metadata', 'data', 'zz']);
  assert.deepEqual(Object.keys(out.data), ['a', 'b'], 'encoding/json sorts map keys');
  assert.deepEqual(input, copy);
});

test('normalizing twice changes nothing, for every top-level kind\'s zero value', () => {
  for (const [name, def] of Object.entries(definitions)) {
    if (!Array.isArray((def as Obj)['x-kubernetes-group-version-kind'])) continue;
    const once = forms.zero(name);
    const twice = forms.normalize(name, once);
    assert.equal(JSON.stringify(twice), JSON.stringify(once), name);
  }
});

test('types the Go rules do not know print their spec-required fields; without .proto files keys keep their order', () => {
  // apiextensions types come from neither kubectl's Go types nor k8s.io/api's .proto files.
  const crd = normalize('io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.CustomResourceDefinition', { spec: { names: { plural: 'ws' } } });
  assert.deepEqual(crd.spec.names, { plural: 'ws', kind: '' });
  assert.equal(crd.spec.group, '');
  const unordered = createGoForms(definitions);
  const out = unordered.normalize('io.k8s.api.core.v1.ReplicationController', { status: {}, spec: {}, metadata: { name: 'x' } }) as Obj;
  assert.deepEqual(Object.keys(out), ['metadata', 'spec', 'status']);
  assert.deepEqual(out.status, { replicas: 0 });
});

test('definitionOf finds a kind\'s definition from the spec', () => {
  assert.equal(forms.definitionOf('autoscaling', 'v2', 'HorizontalPodAutoscaler'), 'io.k8s.api.autoscaling.v2.HorizontalPodAutoscaler');
  assert.equal(forms.definitionOf('', 'v1', 'Event'), 'io.k8s.api.core.v1.Event');
  assert.equal(forms.definitionOf('', 'v1', 'Nope'), undefined);
});

test('fill does in place what normalize does to the content, leaving the key order alone', () => {
  const written = () => ({
    status: {},
    spec: { template: { spec: { containers: [{ image: 'x', name: 'c', stdin: false }] } }, selector: { matchLabels: { b: '2', a: '1' } } },
    metadata: { name: 'd', labels: {}, annotations: null },
  });
  const obj: Obj = written();
  forms.fill('io.k8s.api.apps.v1.DaemonSet', obj);
  assert.deepEqual(obj, normalize('io.k8s.api.apps.v1.DaemonSet', written()));
  assert.deepEqual(Object.keys(obj), ['status', 'spec', 'metadata']);
  assert.deepEqual(Object.keys(obj.spec.template.spec.containers[0]), ['image', 'name', 'resources']);
});
