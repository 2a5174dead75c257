// The protobuf list encoder that reads items' stored JSON bytes must write the very bytes the
// object encoder writes for the parsed list: checked here for the list of every built-in kind
// (alpha and beta included), with items that fill every field of every message, and for the
// inputs it leaves to the object encoder.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Catalogue } from '../catalogue.js';
import { testSpec } from '../../testing/test-app.js';
import { createProtobufCodec, ProtobufEncodeError } from './index.js';
import { loadTestProtos } from './fixture-bodies.js';
import { objectSample, samplePlans, type Json } from './fixture-objects.js';

const protos = loadTestProtos();
const codec = createProtobufCodec(protos.protoDir);
const catalogue = new Catalogue(testSpec().document, { includeAlphaBeta: true });
const plans = samplePlans(protos);

/** The list both ways: from parsed items with encode(), and from their JSON bytes with encodeList(). */
function bothWays(apiVersion: string, listKind: string, items: Json[]): { whole: Buffer; pieces: Buffer } {
  const metadata = { resourceVersion: '42', continue: 'token', remainingItemCount: 3 };
  const raws = items.map((item) => Buffer.from(JSON.stringify(item)));
  const parsed = raws.map((raw) => {
    const { kind: _k, apiVersion: _a, ...rest } = JSON.parse(raw.toString()) as Json;
    return rest;
  });
  const whole = Buffer.from(codec.encode({ kind: listKind, apiVersion, metadata, items: parsed }));
  const list = codec.encodeList(apiVersion, listKind, metadata, raws);
  const pieces = Buffer.concat(list.pieces);
  assert.equal(pieces.length, list.length);
  return { whole, pieces };
}

function assertSameBytes(apiVersion: string, listKind: string, items: Json[]): void {
  const { whole, pieces } = bothWays(apiVersion, listKind, items);
  if (!whole.equals(pieces)) {
    let at = 0;
    while (whole[at] === pieces[at]) at++;
    assert.fail(`${apiVersion} ${listKind}: bytes differ from offset ${at} (of ${whole.length} and ${pieces.length})`);
  }
}

test('the list of every built-in kind: the same bytes from stored JSON as from the parsed objects', () => {
  let kinds = 0;
  const seen = new Set<string>();
  for (const info of catalogue.all()) {
    const key = `${info.apiVersion} ${info.kind}`;
    if (seen.has(key) || !codec.canEncode(info.apiVersion, info.listKind)) continue;
    seen.add(key);
    const plan = plans.of(info.apiVersion, info.kind);
    if (!plan) continue;
    const items: Json[] = [0, 1, 2].map((n) => ({ kind: info.kind, apiVersion: info.apiVersion, ...objectSample(plan, n, 0) }));
    // And the objects as they mostly are: few fields, and many absent or empty.
    items.push({ kind: info.kind, apiVersion: info.apiVersion, metadata: { name: 'small', namespace: 'default', labels: {} } });
    assertSameBytes(info.apiVersion, info.listKind, items);
    kinds++;
  }
  assert.ok(kinds > 80, `only ${kinds} kinds checked`);
});

test('a pod as the API server stores it', () => {
  const pod = {
    kind: 'Pod',
    apiVersion: 'v1',
    metadata: {
      name: 'web-1',
      namespace: 'default',
      uid: '267e8d09-e9ce-482b-9e5b-7f6804ad497b',
      resourceVersion: '179',
      creationTimestamp: '2026-12-06T22:50:43Z',
      labels: { app: 'web', '10': 'index-like key', '2': 'another' },
      annotations: { note: 'a "quoted" \\ note ✓'.repeat(20), long: 'z'.repeat(17000) },
      ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web', uid: 'u1', controller: true, blockOwnerDeletion: true }],
      managedFields: [{ manager: 'kubectl', operation: 'Update', apiVersion: 'v1', time: '2026-12-06T22:50:43Z', fieldsType: 'FieldsV1', fieldsV1: { 'f:spec': { 'k:{"name":"app"}': { '.': {} } } } }],
    },
    spec: {
      containers: [
        {
          name: 'app',
          image: 'nginx',
          ports: [{ name: 'http', containerPort: 8080, protocol: 'TCP' }],
          resources: { requests: { cpu: '100m' }, limits: { memory: '128Mi' } },
          readinessProbe: { httpGet: { path: '/ready', port: 'http', scheme: 'HTTP' }, periodSeconds: 5 },
          livenessProbe: { exec: { command: ['true'] }, initialDelaySeconds: 3 },
          volumeMounts: [{ name: 'config', mountPath: '/etc/app' }],
        },
      ],
      volumes: [{ name: 'config', configMap: { name: 'cfg', defaultMode: 420, items: [{ key: 'a', path: 'a' }] } }, { name: 'empty', emptyDir: {} }],
      terminationGracePeriodSeconds: 30,
      tolerations: [{ key: 'k', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 }],
    },
    status: { phase: 'Running', podIP: '10.244.1.2', startTime: '2026-12-06T22:50:44Z', conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: null }] },
  };
  assertSameBytes('v1', 'PodList', [pod, pod, { ...pod, metadata: { ...pod.metadata, name: 'web-2' } }]);
});

test('what the object encoder would write differently or refuse is left to it', () => {
  const cm = (data: unknown, extra: Json = {}) => ({ kind: 'ConfigMap', apiVersion: 'v1', metadata: { name: 'c', ...extra }, data });
  // Keys out of Go's order, unknown keys, a lone surrogate, escaped field names.
  assertSameBytes('v1', 'ConfigMapList', [
    { data: { a: '1\n' }, kind: 'ConfigMap', apiVersion: 'v1', unknown: { deep: [1, { x: '"' }] }, metadata: { namespace: 'n"s', name: 'c\\d', labels: { 'a"': 'b' } } },
    { kind: 'ConfigMap', apiVersion: 'v1', metadata: { name: 'after-the-reordered-one "' }, data: { z: 'last\t' } },
    cm({ lone: 'a \ud800 b', 'lone key \udc00': 'x' }),
    JSON.parse('{"kind":"ConfigMap","apiVersion":"v1","metadata":{"\\u006eame":"escaped-key"},"data":{"a":"b"}}') as Json,
    cm({ '0': 'index', '01': 'not an index', x: 'y' }),
  ]);
  // Values of the wrong JSON type, which the object encoder converts (or refuses) its own way.
  assertSameBytes('v1', 'ConfigMapList', [cm({ n: 5 } as unknown as Json), cm({ b: true } as unknown as Json)]);
  assertSameBytes('v1', 'PodList', [
    { kind: 'Pod', apiVersion: 'v1', metadata: { name: 'p', generation: '3' }, spec: { containers: [{ name: 'a', ports: [{ containerPort: 1.5 }] }], activeDeadlineSeconds: 1e300 } },
  ]);
  // A time the object encoder refuses is refused the same way.
  assert.throws(() => bothWays('v1', 'ConfigMapList', [cm({}, { creationTimestamp: 'yesterday' })]), ProtobufEncodeError);
  assert.throws(
    () => codec.encodeList('v1', 'ConfigMapList', {}, [Buffer.from(JSON.stringify(cm({}, { creationTimestamp: 'yesterday' })))]),
    ProtobufEncodeError,
  );
});

test('an empty list, and a list of many items over several chunks', () => {
  assertSameBytes('v1', 'SecretList', []);
  const items = Array.from({ length: 3000 }, (_, i) => ({ kind: 'Secret', apiVersion: 'v1', metadata: { name: `s-${i}` }, data: { key: Buffer.from('v'.repeat(i % 700)).toString('base64') }, type: 'Opaque' }));
  assertSameBytes('v1', 'SecretList', items);
});
