import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createProtobufCodec, ProtobufDecodeError, ProtobufEncodeError, type ProtobufDecodeProblem } from './index.js';
import { loadTestProtos } from './fixture-bodies.js';

const protos = loadTestProtos();
const codec = createProtobufCodec(protos.protoDir);

const hex = (text: string) => Uint8Array.from(Buffer.from(text, 'hex'));
const rejects = (body: Uint8Array, problem: ProtobufDecodeProblem, message?: RegExp) =>
  assert.throws(
    () => codec.decode(body),
    (err: unknown) => err instanceof ProtobufDecodeError && err.problem === problem && (!message || message.test(err.message)),
  );

// Every non-pointer field of a Go struct is on the wire, zero or not; this is what Go writes
// for an ObjectMeta with only a name set.
const goObjectMeta = (name: string) => ({ name, generateName: '', namespace: '', selfLink: '', uid: '', resourceVersion: '', generation: 0, creationTimestamp: {} });

test('decodes the body kubectl 1.33 sends for `create deployment d1 --image=nginx --replicas=0` to kubectl’s own JSON', () => {
  // Captured from kubectl.1.33; the expected JSON is what `--dry-run=client -o json` prints.
  const body = hex(
    '6b3873000a150a07617070732f7631120a4465706c6f796d656e7412a7010a1d0a02643112001a0022002a003200380042005a090a036170701202643112780800120b0a090a03617070120264311a5f0a1b0a0012001a0022002a003200380042005a090a0361707012026431124012220a056e67696e7812056e67696e782a0042006a007200800100880100900100a201001a00320042004a0052005800600068008201008a01009a0100c2010022020a00280038001a0c0800100018002000280038001a002200',
  );
  assert.deepEqual(codec.decode(body), {
    kind: 'Deployment',
    apiVersion: 'apps/v1',
    metadata: { name: 'd1', creationTimestamp: null, labels: { app: 'd1' } },
    spec: {
      replicas: 0,
      selector: { matchLabels: { app: 'd1' } },
      template: {
        metadata: { creationTimestamp: null, labels: { app: 'd1' } },
        spec: { containers: [{ name: 'nginx', image: 'nginx', resources: {} }] },
      },
      strategy: {},
    },
    status: {},
  });
});

test('decodes kubectl 1.33 `auth can-i get pods` and `create token` bodies', () => {
  const review = hex(
    '6b3873000a320a17617574686f72697a6174696f6e2e6b38732e696f2f7631121753656c665375626a656374416363657373526576696577123c0a100a0012001a0022002a00320038004200121e0a1c0a0764656661756c7412036765741a0022002a04706f647332003a001a08080012001a0020001a002200',
  );
  assert.deepEqual(codec.decode(review), {
    kind: 'SelfSubjectAccessReview',
    apiVersion: 'authorization.k8s.io/v1',
    metadata: { creationTimestamp: null },
    spec: { resourceAttributes: { namespace: 'default', verb: 'get', resource: 'pods' } },
    status: { allowed: false },
  });
  const token = hex(
    '6b3873000a280a1861757468656e7469636174696f6e2e6b38732e696f2f7631120c546f6b656e52657175657374121a0a100a0012001a0022002a0032003800420012001a040a0012001a002200',
  );
  assert.deepEqual(codec.decode(token), {
    kind: 'TokenRequest',
    apiVersion: 'authentication.k8s.io/v1',
    metadata: { creationTimestamp: null },
    spec: { audiences: null, expirationSeconds: null, boundObjectRef: null },
    status: { token: '', expirationTimestamp: null },
  });
});

test('ConfigMap: string and binary data maps, an explicit immutable=false survives', () => {
  const body = protos.body('v1', 'ConfigMap', 'k8s.io.api.core.v1.ConfigMap', {
    metadata: { ...goObjectMeta('cm'), namespace: 'default' },
    data: { 'app.conf': 'x=1', empty: '' },
    binaryData: { blob: Uint8Array.of(0, 1, 254) },
    immutable: false,
  });
  assert.deepEqual(codec.decode(body), {
    kind: 'ConfigMap',
    apiVersion: 'v1',
    metadata: { name: 'cm', namespace: 'default', creationTimestamp: null },
    immutable: false,
    data: { 'app.conf': 'x=1', empty: '' },
    binaryData: { blob: 'AAH+' },
  });
});

test('Secret: bytes values become base64, the type string is kept', () => {
  const body = protos.body('v1', 'Secret', 'k8s.io.api.core.v1.Secret', {
    metadata: goObjectMeta('s'),
    data: { password: Buffer.from('hunter2'), empty: new Uint8Array(0) },
    type: 'Opaque',
  });
  assert.deepEqual(codec.decode(body), {
    kind: 'Secret',
    apiVersion: 'v1',
    metadata: { name: 's', creationTimestamp: null },
    data: { password: Buffer.from('hunter2').toString('base64'), empty: '' },
    type: 'Opaque',
  });
});

test('Deployment: explicit zero pointers survive, zero values with omitempty vanish, absent structs print empty', () => {
  const body = protos.body('apps/v1', 'Deployment', 'k8s.io.api.apps.v1.Deployment', {
    metadata: goObjectMeta('web'),
    spec: { replicas: 0, revisionHistoryLimit: 0, minReadySeconds: 0, paused: false, selector: { matchLabels: { app: 'web' } }, template: {} },
  });
  const decoded = codec.decode(body);
  assert.deepEqual(decoded.spec, {
    replicas: 0,
    selector: { matchLabels: { app: 'web' } },
    template: { metadata: { creationTimestamp: null }, spec: { containers: null } },
    strategy: {},
    revisionHistoryLimit: 0,
  });
  assert.deepEqual(decoded.status, {});
});

test('Pod: IntOrString ports, Quantities, timestamps, inlined probe handler and volume source', () => {
  const body = protos.body('v1', 'Pod', 'k8s.io.api.core.v1.Pod', {
    metadata: { ...goObjectMeta('web'), namespace: 'default', creationTimestamp: { seconds: 1714557600, nanos: 999 }, labels: { app: 'web' } },
    spec: {
      volumes: [{ name: 'cfg', volumeSource: { configMap: { localObjectReference: { name: 'web-config' }, defaultMode: 420 } } }],
      containers: [
        {
          name: 'app',
          image: 'nginx',
          ports: [{ name: 'http', containerPort: 8080, protocol: 'TCP', hostPort: 0 }],
          resources: { limits: { cpu: { string: '500m' }, memory: { string: '128Mi' } }, requests: { cpu: { string: '' } } },
          livenessProbe: { handler: { httpGet: { path: '/healthz', port: { type: 1, strVal: 'http' } } }, periodSeconds: 10, initialDelaySeconds: 0 },
          readinessProbe: { handler: { tcpSocket: { port: { type: 0, intVal: 8080 } } } },
        },
      ],
      terminationGracePeriodSeconds: 0,
      automountServiceAccountToken: false,
      hostNetwork: false,
    },
  });
  assert.deepEqual(codec.decode(body), {
    kind: 'Pod',
    apiVersion: 'v1',
    metadata: { name: 'web', namespace: 'default', creationTimestamp: '2024-05-01T10:00:00Z', labels: { app: 'web' } },
    spec: {
      volumes: [{ name: 'cfg', configMap: { name: 'web-config', defaultMode: 420 } }],
      containers: [
        {
          name: 'app',
          image: 'nginx',
          ports: [{ name: 'http', containerPort: 8080, protocol: 'TCP' }],
          resources: { limits: { cpu: '500m', memory: '128Mi' }, requests: { cpu: '0' } },
          livenessProbe: { httpGet: { path: '/healthz', port: 'http' }, periodSeconds: 10 },
          readinessProbe: { tcpSocket: { port: 8080 } },
        },
      ],
      terminationGracePeriodSeconds: 0,
      automountServiceAccountToken: false,
    },
    status: {},
  });
});

test('MicroTime keeps microseconds, Time only seconds; zero times print null', () => {
  const body = protos.body('v1', 'Event', 'k8s.io.api.core.v1.Event', {
    metadata: goObjectMeta('e'),
    involvedObject: { kind: 'Pod', name: 'web' },
    eventTime: { seconds: 1714557600, nanos: 123456789 },
    firstTimestamp: {},
    reason: 'Started',
  });
  const event = codec.decode(body);
  assert.equal(event.eventTime, '2024-05-01T10:00:00.123456Z');
  assert.equal(event.firstTimestamp, null);
  assert.equal(event.lastTimestamp, null);
  assert.equal(event.reportingComponent, '');
  assert.deepEqual(event.involvedObject, { kind: 'Pod', name: 'web' });
});

test('embedded objects: RawExtension JSON and nested protobuf envelopes', () => {
  const nested = protos.body('v1', 'ConfigMap', 'k8s.io.api.core.v1.ConfigMap', { metadata: goObjectMeta('inner') });
  const list = protos.body('v1', 'List', 'k8s.io.api.core.v1.List', {
    metadata: { resourceVersion: '7' },
    items: [{ raw: Buffer.from('{"kind":"Secret","apiVersion":"v1","metadata":{"name":"s"}}') }, { raw: nested }],
  });
  assert.deepEqual(codec.decode(list), {
    kind: 'List',
    apiVersion: 'v1',
    metadata: { resourceVersion: '7' },
    items: [
      { kind: 'Secret', apiVersion: 'v1', metadata: { name: 's' } },
      { kind: 'ConfigMap', apiVersion: 'v1', metadata: { name: 'inner', creationTimestamp: null } },
    ],
  });
});

test('JSON names that differ from proto names, and list-alias messages', () => {
  const body = protos.body('admissionregistration.k8s.io/v1', 'ValidatingWebhookConfiguration', 'k8s.io.api.admissionregistration.v1.ValidatingWebhookConfiguration', {
    metadata: goObjectMeta('hook'),
    Webhooks: [{ name: 'a.example.com', clientConfig: {}, sideEffects: 'None', admissionReviewVersions: ['v1'] }],
  });
  const decoded = codec.decode(body);
  assert.equal((decoded.webhooks as { name: string }[])[0]!.name, 'a.example.com');
  assert.equal('Webhooks' in decoded, false);

  const resources = protos.body('v1', 'APIResourceList', 'k8s.io.apimachinery.pkg.apis.meta.v1.APIResourceList', {
    groupVersion: 'v1',
    resources: [{ name: 'pods', singularName: 'pod', namespaced: true, kind: 'Pod', verbs: { items: ['get', 'list'] } }, { name: 'x', kind: 'X' }],
  });
  assert.deepEqual(codec.decode(resources).resources, [
    { name: 'pods', singularName: 'pod', namespaced: true, kind: 'Pod', verbs: ['get', 'list'] },
    { name: 'x', singularName: '', namespaced: false, kind: 'X', verbs: null },
  ]);
});

test('round trip: encode then decode gives back the same JSON for many kinds', () => {
  const objects: Record<string, unknown>[] = [
    codec.decode(protos.body('v1', 'Pod', 'k8s.io.api.core.v1.Pod', { metadata: goObjectMeta('p'), spec: { containers: [{ name: 'c', image: 'i' }] } })),
    {
      kind: 'Service',
      apiVersion: 'v1',
      metadata: { name: 'svc', namespace: 'default', uid: 'u-1', resourceVersion: '12', creationTimestamp: '2024-05-01T10:00:00Z' },
      spec: { ports: [{ name: 'http', protocol: 'TCP', port: 80, targetPort: 'http' }], selector: { app: 'web' }, clusterIP: '10.0.0.1', type: 'ClusterIP' },
      status: { loadBalancer: {} },
    },
    {
      kind: 'Lease',
      apiVersion: 'coordination.k8s.io/v1',
      metadata: { name: 'node1', creationTimestamp: null },
      spec: { holderIdentity: 'node1', leaseDurationSeconds: 40, renewTime: '2024-05-01T10:00:00.250000Z' },
    },
    {
      kind: 'ControllerRevision',
      apiVersion: 'apps/v1',
      metadata: { name: 'web-1', creationTimestamp: null },
      data: { spec: { template: { metadata: { labels: { a: 'b' } } } } },
      revision: 1,
    },
    {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'pods "x" not found',
      reason: 'NotFound',
      details: { name: 'x', kind: 'pods', causes: [{ reason: 'FieldValueInvalid', message: 'bad', field: 'spec' }] },
      code: 404,
    },
    {
      kind: 'DeploymentList',
      apiVersion: 'apps/v1',
      metadata: { resourceVersion: '99', continue: 'abc' },
      items: [{ metadata: { name: 'd', creationTimestamp: null }, spec: { replicas: 2, selector: null, template: { metadata: { creationTimestamp: null }, spec: { containers: null } }, strategy: {} }, status: {} }],
    },
    {
      kind: 'TokenReview',
      apiVersion: 'authentication.k8s.io/v1',
      metadata: { creationTimestamp: null },
      spec: {},
      status: { authenticated: true, user: { username: 'alice', groups: ['dev'], extra: { scopes: ['a', 'b'] } } },
    },
    {
      kind: 'CertificateSigningRequest',
      apiVersion: 'certificates.k8s.io/v1',
      metadata: { name: 'csr', creationTimestamp: null },
      spec: { request: Buffer.from('-----BEGIN CERTIFICATE REQUEST-----').toString('base64'), signerName: 'kubernetes.io/kubelet-serving', usages: ['server auth'] },
      status: {},
    },
    {
      kind: 'Node',
      apiVersion: 'v1',
      metadata: { name: 'node1', creationTimestamp: null, labels: { 'kubernetes.io/hostname': 'node1' } },
      spec: { podCIDR: '10.244.0.0/24', unschedulable: true, taints: [{ key: 'k', effect: 'NoSchedule', timeAdded: '2024-05-01T10:00:00Z' }] },
      status: {
        capacity: { cpu: '4', memory: '8Gi', pods: '110' },
        conditions: [{ type: 'Ready', status: 'True', lastHeartbeatTime: '2024-05-01T10:00:00Z', lastTransitionTime: null }],
        daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
        nodeInfo: {
          machineID: '',
          systemUUID: '',
          bootID: '',
          kernelVersion: '',
          osImage: '',
          containerRuntimeVersion: '',
          kubeletVersion: 'v1.36.0',
          kubeProxyVersion: '',
          operatingSystem: 'linux',
          architecture: 'amd64',
        },
      },
    },
  ];
  for (const obj of objects) {
    assert.deepEqual(codec.decode(codec.encode(obj)), obj, `${obj.kind} did not survive the round trip`);
  }
});

test('encode writes what protobufjs reads back: envelope, explicit zero replicas, absent fields left out', () => {
  const bytes = codec.encode({
    kind: 'Deployment',
    apiVersion: 'apps/v1',
    metadata: { name: 'web', labels: { app: 'web' } },
    spec: { replicas: 0, selector: { matchLabels: { app: 'web' } }, paused: null },
  });
  assert.deepEqual([...bytes.subarray(0, 4)], [0x6b, 0x38, 0x73, 0x00]);
  const unknown = protos.decode('k8s.io.apimachinery.pkg.runtime.Unknown', bytes.subarray(4)) as { typeMeta: unknown; raw: string };
  assert.deepEqual(unknown.typeMeta, { apiVersion: 'apps/v1', kind: 'Deployment' });
  const deployment = protos.decode('k8s.io.api.apps.v1.Deployment', Buffer.from(unknown.raw, 'base64'));
  assert.deepEqual(deployment, {
    metadata: { name: 'web', labels: { app: 'web' } },
    spec: { replicas: 0, selector: { matchLabels: { app: 'web' } } },
  });
});

test('encodeWatchEvent: a big-endian length, then a WatchEvent whose object is a nested envelope', () => {
  const pod = { kind: 'Pod', apiVersion: 'v1', metadata: { name: 'p', resourceVersion: '5', creationTimestamp: null }, spec: { containers: null }, status: {} };
  const frame = codec.encodeWatchEvent('ADDED', pod);
  const length = new DataView(frame.buffer, frame.byteOffset).getUint32(0);
  assert.equal(length, frame.length - 4);
  const event = protos.decode('k8s.io.apimachinery.pkg.apis.meta.v1.WatchEvent', frame.subarray(4)) as { type: string; object: { raw: string } };
  assert.equal(event.type, 'ADDED');
  assert.deepEqual(codec.decode(Buffer.from(event.object.raw, 'base64')), pod);
});

test('canEncode: built-in kinds yes; CRDs, Table, apiextensions and missing protos no', () => {
  assert.equal(codec.canEncode('apps/v1', 'Deployment'), true);
  assert.equal(codec.canEncode('v1', 'Status'), true);
  assert.equal(codec.canEncode('batch/v1', 'Status'), true);
  assert.equal(codec.canEncode('internal.apiserver.k8s.io/v1alpha1', 'StorageVersion'), true);
  assert.equal(codec.canEncode('meta.k8s.io/v1', 'PartialObjectMetadataList'), true);
  assert.equal(codec.canEncode('meta.k8s.io/v1beta1', 'PartialObjectMetadata'), true);
  assert.equal(codec.canEncode('meta.k8s.io/v1beta1', 'PartialObjectMetadataList'), false, 'not v1’s message: its field numbers differ');
  assert.equal(codec.canEncode('meta.k8s.io/v1', 'Table'), false);
  assert.equal(codec.canEncode('apiextensions.k8s.io/v1', 'CustomResourceDefinition'), false);
  assert.equal(codec.canEncode('apiregistration.k8s.io/v1', 'APIService'), false);
  assert.equal(codec.canEncode('stable.example.com/v1', 'CronTab'), false);
  assert.equal(codec.canEncode('apps/v1', 'NoSuchKind'), false);
  assert.equal(codec.canEncode('apps/../../x', 'Deployment'), false);
  assert.throws(() => codec.encode({ apiVersion: 'stable.example.com/v1', kind: 'CronTab' }), ProtobufEncodeError);
});

test('bad input: no magic, truncated bodies, unknown kinds, wrong wire types, bad embedded JSON', () => {
  rejects(Buffer.from('{"kind":"ConfigMap","apiVersion":"v1"}'), 'missing-magic', /k8s/);
  rejects(new Uint8Array(0), 'missing-magic');
  const good = protos.body('v1', 'ConfigMap', 'k8s.io.api.core.v1.ConfigMap', { metadata: goObjectMeta('cm'), data: { a: 'b' } });
  for (const cut of [3, 10, good.length - 6]) rejects(good.subarray(0, good.length - cut), 'malformed');
  const raw = protos.message('k8s.io.api.core.v1.ConfigMap', { metadata: goObjectMeta('cm'), data: { a: 'b' } });
  rejects(protos.envelope('v1', 'ConfigMap', raw.subarray(0, raw.length - 2)), 'malformed', /ConfigMap|truncated/);
  rejects(protos.envelope('apiextensions.k8s.io/v1', 'CustomResourceDefinition', raw), 'unknown-kind', /CustomResourceDefinition/);
  rejects(protos.envelope('stable.example.com/v1', 'CronTab', raw), 'unknown-kind');
  rejects(protos.envelope('v1', 'ConfigMap', raw, 'gzip'), 'unsupported-encoding');
  // ConfigMap field 1 (metadata) written as a varint instead of a message.
  rejects(protos.envelope('v1', 'ConfigMap', Uint8Array.of(0x08, 0x01)), 'malformed', /wire type/);
  const revision = protos.message('k8s.io.api.apps.v1.ControllerRevision', { metadata: goObjectMeta('r'), data: { raw: Buffer.from('{not json') } });
  rejects(protos.envelope('apps/v1', 'ControllerRevision', revision), 'malformed', /embedded/);
});

test('the schema loads lazily, per codec', () => {
  const fresh = createProtobufCodec(protos.protoDir);
  assert.equal(fresh.schemaLoadMillis(), 0);
  assert.equal(fresh.canEncode('stable.example.com/v1', 'CronTab'), false);
  assert.equal(fresh.schemaLoadMillis(), 0, 'kinds without a protobuf group need no .proto file');
  fresh.canEncode('v1', 'ConfigMap');
  assert.ok(fresh.schemaLoadMillis() > 0);
});
