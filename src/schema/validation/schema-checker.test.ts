import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { locateSpec } from '../spec-files.js';
import { createSchemaChecker, findDuplicateJsonFields, parseYamlStrict, type CheckOptions, type DecodeCheckResult } from './index.js';

const definitions = (JSON.parse(readFileSync(locateSpec(), 'utf8')) as { definitions: Record<string, unknown> }).definitions;
const POD = 'io.k8s.api.core.v1.Pod';
const DEPLOYMENT = 'io.k8s.api.apps.v1.Deployment';
const SERVICE = 'io.k8s.api.core.v1.Service';

type Obj = Record<string, unknown>;

// One checker for the file, as one server would have: definitions compile on first use.
const shared = createSchemaChecker(definitions);

function checkJson(definition: string, body: string, mode: CheckOptions['mode'] = 'Warn'): { result: DecodeCheckResult; obj: Obj } {
  const checker = shared;
  const obj = JSON.parse(body) as Obj;
  const result = checker.check(definition, obj, { mode, duplicateFields: findDuplicateJsonFields(body) });
  return { result, obj };
}

function checkObj(definition: string, obj: Obj, mode: CheckOptions['mode'] = 'Warn'): DecodeCheckResult {
  return shared.check(definition, obj, { mode });
}

// What `kubectl run` / `kubectl create deployment --dry-run=client -o json` send.
const kubectlPod = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'web', namespace: 'default', creationTimestamp: null, labels: { run: 'web' }, annotations: {} },
  spec: {
    containers: [
      {
        name: 'web',
        image: 'nginx:1.25',
        args: ['--port', '8080'],
        env: [{ name: 'MODE', value: 'prod' }, { name: 'POD', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }],
        ports: [{ containerPort: 8080, protocol: 'TCP' }],
        resources: {},
        readinessProbe: { httpGet: { path: '/ready', port: 'http' }, periodSeconds: 5 },
        livenessProbe: { tcpSocket: { port: 8080 } },
        securityContext: {},
      },
    ],
    volumes: [{ name: 'cfg', configMap: { name: 'cfg', defaultMode: 420 } }],
    restartPolicy: 'Always',
    dnsPolicy: 'ClusterFirst',
    tolerations: [],
  },
  status: {},
};

const kubectlDeployment = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', creationTimestamp: null, labels: { app: 'web' } },
  spec: {
    replicas: 3,
    selector: { matchLabels: { app: 'web' } },
    strategy: {},
    template: {
      metadata: { creationTimestamp: null, labels: { app: 'web' } },
      spec: { containers: [{ name: 'nginx', image: 'nginx', resources: { limits: { cpu: '500m', memory: '128Mi' } } }] },
    },
  },
  status: {},
};

const kubectlService = {
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name: 'web', creationTimestamp: null, labels: { app: 'web' } },
  spec: {
    ports: [
      { name: 'http', port: 80, protocol: 'TCP', targetPort: 8080 },
      { name: 'https', port: 443, protocol: 'TCP', targetPort: 'https' },
    ],
    selector: { app: 'web' },
    type: 'ClusterIP',
  },
  status: { loadBalancer: {} },
};

function clone<T>(v: T): T {
  return structuredClone(v);
}

test('valid Pod, Deployment and Service pass, changed only by normalization', () => {
  const pod = clone(kubectlPod) as Obj;
  assert.deepEqual(checkObj(POD, pod), { decodeErrors: [], strictErrors: [], requiredErrors: [] });
  const expectedPod = clone(kubectlPod) as { metadata: Obj; spec: Obj };
  delete expectedPod.metadata.creationTimestamp; // null is absent
  delete expectedPod.metadata.annotations; // empty omitempty map
  delete expectedPod.spec.tolerations; // empty omitempty list
  // Empty structs stay: Go always encodes a non-pointer struct.
  assert.deepEqual((pod.spec as { containers: Obj[] }).containers[0]!.resources, {});
  assert.deepEqual(pod.status, {});
  assert.deepEqual(pod, expectedPod);

  const deployment = clone(kubectlDeployment) as Obj;
  assert.deepEqual(checkObj(DEPLOYMENT, deployment), { decodeErrors: [], strictErrors: [], requiredErrors: [] });
  const expectedDeployment = clone(kubectlDeployment) as { metadata: Obj; spec: { template: { metadata: Obj } } };
  delete expectedDeployment.metadata.creationTimestamp;
  delete expectedDeployment.spec.template.metadata.creationTimestamp;
  assert.deepEqual(deployment, expectedDeployment);

  const service = clone(kubectlService) as Obj;
  assert.deepEqual(checkObj(SERVICE, service), { decodeErrors: [], strictErrors: [], requiredErrors: [] });
  const expectedService = clone(kubectlService) as { metadata: Obj };
  delete expectedService.metadata.creationTimestamp;
  assert.deepEqual(service, expectedService);
});

test('type mismatches use encoding/json wording with Go struct and field path', () => {
  const cases: [string, string, string][] = [
    [POD, '{"spec":{"containers":"nginx"}}', 'json: cannot unmarshal string into Go struct field PodSpec.spec.containers of type []v1.Container'],
    [POD, '{"spec":{"containers":["nginx"]}}', 'json: cannot unmarshal string into Go struct field PodSpec.spec.containers of type v1.Container'],
    [POD, '{"spec":{"containers":[{"name":"a","ports":[{"containerPort":"80"}]}]}}', 'json: cannot unmarshal string into Go struct field ContainerPort.spec.containers.ports.containerPort of type int32'],
    [POD, '{"spec":{"hostNetwork":"true"}}', 'json: cannot unmarshal string into Go struct field PodSpec.spec.hostNetwork of type bool'],
    [POD, '{"spec":{"activeDeadlineSeconds":1.5}}', 'json: cannot unmarshal number 1.5 into Go struct field PodSpec.spec.activeDeadlineSeconds of type int64'],
    [POD, '{"metadata":{"labels":{"app":1}}}', 'json: cannot unmarshal number into Go struct field ObjectMeta.metadata.labels of type string'],
    [POD, '{"metadata":"web"}', 'json: cannot unmarshal string into Go struct field Pod.metadata of type v1.ObjectMeta'],
    [POD, '{"spec":{"containers":[{"name":"a","args":[true]}]}}', 'json: cannot unmarshal bool into Go struct field Container.spec.containers.args of type string'],
    [POD, '{"spec":{"containers":[{"name":"a","resources":{"limits":[]}}]}}', 'json: cannot unmarshal array into Go struct field ResourceRequirements.spec.containers.resources.limits of type v1.ResourceList'],
    [POD, '{"metadata":{"name":{"a":1}}}', 'json: cannot unmarshal object into Go struct field ObjectMeta.metadata.name of type string'],
    [DEPLOYMENT, '{"spec":{"replicas":1.5}}', 'json: cannot unmarshal number 1.5 into Go struct field DeploymentSpec.spec.replicas of type int32'],
    [DEPLOYMENT, '{"spec":{"replicas":3000000000}}', 'json: cannot unmarshal number 3000000000 into Go struct field DeploymentSpec.spec.replicas of type int32'],
  ];
  for (const [definition, body, message] of cases) {
    const { result } = checkJson(definition, body);
    assert.deepEqual(result.decodeErrors, [message], body);
    assert.deepEqual(result.strictErrors, []);
    assert.deepEqual(result.requiredErrors, []);
  }
});

test('the first type mismatch comes first; an UnmarshalJSON failure anywhere wins', () => {
  const { result } = checkJson(DEPLOYMENT, '{"spec":{"replicas":"3","paused":"no"}}');
  assert.equal(result.decodeErrors[0], 'json: cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas of type int32');
  assert.equal(result.decodeErrors.length, 2);
  // Quantity, Time and IntOrString errors abort Go's decoder, even after an earlier mismatch.
  const fatal = checkJson(POD, '{"spec":{"priority":"high","containers":[{"name":"a","resources":{"requests":{"cpu":"lots"}}}]}}');
  assert.deepEqual(fatal.result.decodeErrors, ["quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"]);
});

test('int-or-string accepts int32 or string and reports the int32 decoder error otherwise', () => {
  const ok = checkJson(SERVICE, '{"spec":{"ports":[{"port":80,"targetPort":8080},{"port":81,"targetPort":"web"}]}}');
  assert.deepEqual(ok.result.decodeErrors, []);
  assert.deepEqual(ok.obj, { spec: { ports: [{ port: 80, targetPort: 8080 }, { port: 81, targetPort: 'web' }] } });
  const cases: [string, string][] = [
    ['1.5', 'number 1.5'],
    ['true', 'bool'],
    ['{}', 'object'],
    ['[]', 'array'],
    ['4294967296', 'number 4294967296'],
  ];
  for (const [value, described] of cases) {
    const { result } = checkJson(SERVICE, `{"spec":{"ports":[{"port":80,"targetPort":${value}}]}}`);
    assert.deepEqual(result.decodeErrors, [`json: cannot unmarshal ${described} into Go struct field ServicePort.spec.ports.targetPort of type int32`]);
  }
});

test('quantities accept strings and numbers and are stored in canonical form', () => {
  const { result, obj } = checkJson(
    POD,
    '{"spec":{"containers":[{"name":"a","resources":{"limits":{"cpu":0.5,"memory":"1.5Gi"},"requests":{"cpu":"1000m","memory":1073741824,"ephemeral-storage":"2048Ki"}}}]}}',
  );
  assert.deepEqual(result.decodeErrors, []);
  const resources = (obj.spec as { containers: { resources: Obj }[] }).containers[0]!.resources;
  assert.deepEqual(resources, {
    limits: { cpu: '500m', memory: '1536Mi' },
    requests: { cpu: '1', memory: '1073741824', 'ephemeral-storage': '2Mi' },
  });
  assert.deepEqual(checkJson(POD, '{"spec":{"overhead":{"cpu":"1ki"}}}').result.decodeErrors, ["unable to parse quantity's suffix"]);
  assert.deepEqual(checkJson(POD, '{"spec":{"overhead":{"cpu":true}}}').result.decodeErrors, [
    "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'",
  ]);
});

test('times are parsed as RFC 3339, stored in UTC, and reported with Go time errors', () => {
  const { result, obj } = checkJson(POD, '{"metadata":{"creationTimestamp":"2024-05-01T12:00:00+02:00","deletionTimestamp":"2024-05-01T10:00:00.5Z"}}');
  assert.deepEqual(result.decodeErrors, []);
  assert.deepEqual(obj.metadata, { creationTimestamp: '2024-05-01T10:00:00Z', deletionTimestamp: '2024-05-01T10:00:00Z' });
  assert.deepEqual(checkJson(POD, '{"metadata":{"creationTimestamp":"yesterday"}}').result.decodeErrors, [
    'parsing time "yesterday" as "2006-01-02T15:04:05Z07:00": cannot parse "yesterday" as "2006"',
  ]);
  assert.deepEqual(checkJson(POD, '{"metadata":{"creationTimestamp":12}}').result.decodeErrors, [
    'json: cannot unmarshal number into Go struct field ObjectMeta.metadata.creationTimestamp of type string',
  ]);
  // MicroTime demands six fractional digits.
  const lease = checkJson('io.k8s.api.coordination.v1.Lease', '{"spec":{"renewTime":"2024-05-01T10:00:00Z"}}');
  assert.deepEqual(lease.result.decodeErrors, [
    'parsing time "2024-05-01T10:00:00Z" as "2006-01-02T15:04:05.000000Z07:00": cannot parse "Z" as ".000000"',
  ]);
});

test('[]byte fields take base64: invalid data is reported at its byte offset, valid data canonicalized', () => {
  const secret = 'io.k8s.api.core.v1.Secret';
  const ok = checkJson(secret, '{"data":{"a":"aGVsbG8=","b":"","c":"YR=="},"stringData":{"d":"plain"}}');
  assert.deepEqual(ok.result.decodeErrors, []);
  assert.deepEqual(ok.obj, { data: { a: 'aGVsbG8=', b: '', c: 'YQ==' }, stringData: { d: 'plain' } });
  assert.deepEqual(checkJson(secret, '{"data":{"a":"hello!"}}').result.decodeErrors, ['illegal base64 data at input byte 5']);
  assert.deepEqual(checkJson(secret, '{"data":{"a":"aGVsbG8"}}').result.decodeErrors, ['illegal base64 data at input byte 4']);
  assert.deepEqual(checkJson(secret, '{"data":{"a":5}}').result.decodeErrors, [
    'json: cannot unmarshal number into Go struct field Secret.data of type []uint8',
  ]);
  // An empty optional []byte is left out, like any empty omitempty value.
  const webhook = checkJson('io.k8s.api.admissionregistration.v1.ValidatingWebhookConfiguration', '{"webhooks":[{"name":"w","clientConfig":{"caBundle":""},"sideEffects":"None","admissionReviewVersions":["v1"]}]}');
  assert.deepEqual(webhook.result, { decodeErrors: [], strictErrors: [], requiredErrors: [] });
  assert.deepEqual((webhook.obj.webhooks as Obj[])[0]!.clientConfig, {});
});

test('unknown fields are reported with their full path and dropped in Warn mode', () => {
  const body = JSON.stringify({
    bogusTop: 1,
    metadata: { name: 'p', bogusMeta: 'x' },
    spec: {
      containers: [
        { name: 'a', image: 'i' },
        { name: 'b', image: 'i', bogusContainer: { deep: true }, resources: { bogusResources: 1, limits: { cpu: '1' } } },
      ],
    },
  });
  const { result, obj } = checkJson(POD, body, 'Warn');
  assert.deepEqual(result.strictErrors, [
    'unknown field "bogusTop"',
    'unknown field "metadata.bogusMeta"',
    'unknown field "spec.containers[1].bogusContainer"',
    'unknown field "spec.containers[1].resources.bogusResources"',
  ]);
  assert.deepEqual(obj, {
    metadata: { name: 'p' },
    spec: { containers: [{ name: 'a', image: 'i' }, { name: 'b', image: 'i', resources: { limits: { cpu: '1' } } }] },
  });
});

test('unknown fields inside a map value use the strict decoder path notation', () => {
  const crd = {
    spec: {
      group: 'example.com',
      names: { plural: 'widgets', kind: 'Widget' },
      scope: 'Namespaced',
      versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', properties: { spec: { type: 'object', bogus: 1 } } } } }],
    },
  };
  const { result } = checkJson('io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.CustomResourceDefinition', JSON.stringify(crd));
  assert.deepEqual(result.strictErrors, ['unknown field "spec.versions[0].schema.openAPIV3Schema.properties.spec.bogus"']);
});

test('Strict keeps the object for the error, Ignore drops unknown fields silently', () => {
  const body = '{"metadata":{"name":"p","bogus":1},"spec":{"containers":[{"name":"a","bogus":2}]}}';
  const strict = checkJson(POD, body, 'Strict');
  assert.deepEqual(strict.result.strictErrors, ['unknown field "metadata.bogus"', 'unknown field "spec.containers[0].bogus"']);
  assert.equal((strict.obj.metadata as Obj).bogus, 1);
  const ignore = checkJson(POD, body, 'Ignore');
  assert.deepEqual(ignore.result, { decodeErrors: [], strictErrors: [], requiredErrors: [] });
  assert.deepEqual(ignore.obj, { metadata: { name: 'p' }, spec: { containers: [{ name: 'a' }] } });
});

test('JSON duplicate fields are reported as the real server does, unknown duplicates once as unknown', () => {
  // The body of kube-apiserver's own field validation integration test.
  const body = `{
    "apiVersion": "apps/v1", "kind": "Deployment",
    "metadata": {"name": "dupename", "name": "web", "labels": {"app": "nginx"}, "unknownMeta": "metaVal"},
    "spec": {
      "unknown1": "val1", "unknownDupe": "valDupe", "unknownDupe": "valDupe2", "paused": true, "paused": false,
      "selector": {"matchLabels": {"app": "nginx"}},
      "template": {"metadata": {"labels": {"app": "nginx"}}, "spec": {"containers": [{
        "name": "nginx", "image": "nginx:latest", "unknownNested": "val1", "imagePullPolicy": "Always", "imagePullPolicy": "Never"}]}}
    }
  }`;
  const strict = checkJson(DEPLOYMENT, body, 'Strict');
  assert.equal(
    `strict decoding error: ${strict.result.strictErrors.join(', ')}`,
    'strict decoding error: duplicate field "metadata.name", unknown field "metadata.unknownMeta", unknown field "spec.unknown1", ' +
      'unknown field "spec.unknownDupe", duplicate field "spec.paused", unknown field "spec.template.spec.containers[0].unknownNested", ' +
      'duplicate field "spec.template.spec.containers[0].imagePullPolicy"',
  );
  const warn = checkJson(DEPLOYMENT, body, 'Warn');
  assert.equal(warn.result.strictErrors.length, 7);
  assert.equal((warn.obj.metadata as Obj).name, 'web'); // the last value wins
  assert.equal((warn.obj.spec as Obj).paused, false);
  assert.deepEqual(checkJson(DEPLOYMENT, body, 'Ignore').result.strictErrors, []);
  // Map keys count too.
  assert.deepEqual(checkJson(POD, '{"metadata":{"labels":{"a":"1","a":"2"}}}').result.strictErrors, ['duplicate field "metadata.labels.a"']);
});

test('YAML duplicates use go-yaml wording; unknown fields follow sorted-key order', () => {
  const yaml = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: dupename
  name: web
  unknownMeta: metaVal
  labels:
    app: nginx
spec:
  unknown1: val1
  unknownDupe: valDupe
  unknownDupe: valDupe2
  paused: true
  paused: false
  selector:
    matchLabels:
      app: nginx
  template:
    metadata:
      labels:
        app: nginx
    spec:
      containers:
      - name: nginx
        image: nginx:latest
        unknownNested: val1
        imagePullPolicy: Always
        imagePullPolicy: Never`;
  const checker = shared;
  const parsed = parseYamlStrict(yaml);
  const strict = checker.check(DEPLOYMENT, structuredClone(parsed.value) as Obj, { mode: 'Strict', yamlDuplicateKeyErrors: parsed.duplicateKeyErrors });
  assert.equal(
    `strict decoding error: ${strict.strictErrors.join(', ')}`,
    'strict decoding error: yaml: unmarshal errors:\n  line 5: key "name" already set in map\n  line 12: key "unknownDupe" already set in map\n' +
      '  line 14: key "paused" already set in map\n  line 28: key "imagePullPolicy" already set in map, unknown field "metadata.unknownMeta", ' +
      'unknown field "spec.template.spec.containers[0].unknownNested", unknown field "spec.unknown1", unknown field "spec.unknownDupe"',
  );
  const warn = checker.check(DEPLOYMENT, structuredClone(parsed.value) as Obj, { mode: 'Warn', yamlDuplicateKeyErrors: parsed.duplicateKeyErrors });
  assert.deepEqual(warn.strictErrors, [
    'line 5: key "name" already set in map',
    'line 12: key "unknownDupe" already set in map',
    'line 14: key "paused" already set in map',
    'line 28: key "imagePullPolicy" already set in map',
    'unknown field "metadata.unknownMeta"',
    'unknown field "spec.template.spec.containers[0].unknownNested"',
    'unknown field "spec.unknown1"',
    'unknown field "spec.unknownDupe"',
  ]);
  // Without unknown fields the fast path still returns the YAML lines.
  const clean = parseYamlStrict('apiVersion: v1\nkind: Pod\nmetadata:\n  name: a\n  name: b\n');
  const result = checker.check(POD, clean.value as Obj, { mode: 'Warn', yamlDuplicateKeyErrors: clean.duplicateKeyErrors });
  assert.deepEqual(result.strictErrors, ['line 5: key "name" already set in map']);
});

test('null means absent for fields, the zero value inside maps and lists', () => {
  const { result, obj } = checkJson(
    POD,
    '{"metadata":{"name":"p","labels":null,"annotations":{"a":null},"creationTimestamp":null},"spec":{"containers":[{"name":"a","args":["x",null],"resources":{"limits":{"cpu":null}},"lifecycle":null}],"nodeSelector":null}}',
  );
  assert.deepEqual(result, { decodeErrors: [], strictErrors: [], requiredErrors: [] });
  assert.deepEqual(obj, {
    metadata: { name: 'p', annotations: { a: '' } },
    spec: { containers: [{ name: 'a', args: ['x', ''], resources: { limits: { cpu: '0' } } }] },
  });
});

test('missing required fields become FieldValueRequired causes with field paths', () => {
  const { result } = checkJson(
    POD,
    '{"spec":{"containers":[{"name":"ok"},{"image":"nginx","ports":[{"name":"http"}],"env":[{"value":"x"}]}],"volumes":[{"name":"v","configMap":{"items":[{"key":"k"}]}}]}}',
  );
  assert.deepEqual(result.decodeErrors, []);
  assert.deepEqual(
    result.requiredErrors.map((e) => [e.type, e.field]),
    [
      ['FieldValueRequired', 'spec.containers[1].ports[0].containerPort'],
      ['FieldValueRequired', 'spec.containers[1].env[0].name'],
      ['FieldValueRequired', 'spec.containers[1].name'],
      ['FieldValueRequired', 'spec.volumes[0].configMap.items[0].path'],
    ],
  );
  // A required field sent as null is missing too; a pod without containers lacks spec.containers.
  assert.deepEqual(
    checkJson(POD, '{"spec":{"containers":[{"name":null}]}}').result.requiredErrors.map((e) => e.field),
    ['spec.containers[0].name'],
  );
  assert.deepEqual(checkJson(POD, '{"spec":{}}').result.requiredErrors.map((e) => e.field), ['spec.containers']);
  // Map values use field.Path's [key] notation.
  assert.deepEqual(
    checkJson('io.k8s.api.resource.v1.ResourceSlice', '{"spec":{"driver":"d","pool":{"name":"p","generation":1,"resourceSliceCount":1},"devices":[{"name":"x","capacity":{"mem":{}}}]}}').result.requiredErrors.map((e) => e.field),
    ['spec.devices[0].capacity[mem].value'],
  );
});

test('embedded RawExtension and FieldsV1 accept anything and keep it as sent', () => {
  const revision = {
    metadata: { name: 'r', managedFields: [{ manager: 'kubectl', operation: 'Apply', fieldsV1: { 'f:spec': { '.': {}, 'f:x': null } } }] },
    revision: 2,
    data: { spec: { template: { anything: [1, null, { deep: 'x' }] } }, status: null, unknownTop: true },
  };
  const obj = clone(revision) as Obj;
  const result = checkObj('io.k8s.api.apps.v1.ControllerRevision', obj, 'Strict');
  assert.deepEqual(result, { decodeErrors: [], strictErrors: [], requiredErrors: [] });
  assert.deepEqual(obj, revision);
  // revision is required; data may be anything but revision may not.
  assert.deepEqual(checkObj('io.k8s.api.apps.v1.ControllerRevision', { data: 'x', revision: 'two' }).decodeErrors, [
    'json: cannot unmarshal string into Go struct field ControllerRevision.revision of type int64',
  ]);
});

test('the compiled fast path and the message-building walk normalize identically', () => {
  const checker = shared;
  const samples: [string, Obj][] = [
    [POD, kubectlPod],
    [DEPLOYMENT, kubectlDeployment],
    [SERVICE, kubectlService],
    [POD, { metadata: { creationTimestamp: '2024-01-01T01:00:00+01:00', annotations: {} }, spec: { containers: [{ name: 'a', resources: { limits: { cpu: 0.25 } } }], overhead: {} } }],
    ['io.k8s.api.core.v1.Secret', { data: { a: 'YR==' }, stringData: {}, immutable: false }],
    ['io.k8s.api.coordination.v1.Lease', { spec: { renewTime: '2024-01-01T00:00:00.000001Z', leaseDurationSeconds: 15 } }],
  ];
  for (const [definition, sample] of samples) {
    const fast = clone(sample);
    const slow = clone(sample);
    const a = checker.check(definition, fast, { mode: 'Warn' });
    // A duplicate path that matches nothing sends the check through the walk.
    const b = checker.check(definition, slow, { mode: 'Warn', duplicateFields: ['\u0000'] });
    assert.deepEqual(a, b);
    assert.deepEqual(fast, slow, definition);
  }
});

test('checkers are independent and reject unknown definitions', () => {
  const a = createSchemaChecker(definitions);
  const b = createSchemaChecker(definitions);
  assert.deepEqual(a.check(POD, clone(kubectlPod), { mode: 'Warn' }), b.check(POD, clone(kubectlPod), { mode: 'Warn' }));
  assert.throws(() => a.check('io.k8s.api.core.v1.NoSuchKind', {}, { mode: 'Warn' }), /NoSuchKind/);
});
