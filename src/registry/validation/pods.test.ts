import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fieldErrorString, type FieldError } from '../../apierrors/field-errors.js';
import type { JsonRecord } from './json-value.js';
import { validatePodCreate, validatePodStatusUpdate, validatePodTemplate, validatePodUpdate } from './pods.js';
import { sampleContainer, samplePod, samplePodSpec } from './sample-objects.js';

const render = (errs: FieldError[]) => errs.map(fieldErrorString);

const labelMsg =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";

function podWith(edit: (spec: JsonRecord, pod: JsonRecord) => void): JsonRecord {
  const pod = samplePod();
  edit(pod.spec as JsonRecord, pod);
  return pod;
}

function container(spec: JsonRecord, i = 0): JsonRecord {
  return (spec.containers as JsonRecord[])[i];
}

const createCases: [string, JsonRecord, string[]][] = [
  ['a defaulted pod is valid', samplePod(), []],
  ['containers required', podWith((s) => (s.containers = [])), ['spec.containers: Required value']],
  ['container name required', podWith((s) => (container(s).name = '')), ['spec.containers[0].name: Required value']],
  ['container name is a DNS label', podWith((s) => (container(s).name = 'Web')), [`spec.containers[0].name: Invalid value: "Web": ${labelMsg}`]],
  [
    'container names are unique across init and regular containers',
    podWith((s) => {
      s.initContainers = [sampleContainer('app')];
      s.containers = [sampleContainer('app'), sampleContainer('app')];
    }),
    // Regular containers are checked first, then init containers against them.
    ['spec.containers[1].name: Duplicate value: "app"', 'spec.initContainers[0].name: Duplicate value: "app"'],
  ],
  ['image required', podWith((s) => delete container(s).image), ['spec.containers[0].image: Required value']],
  [
    'image without surrounding blanks',
    podWith((s) => (container(s).image = ' nginx')),
    ['spec.containers[0].image: Invalid value: " nginx": must not have leading or trailing whitespace'],
  ],
  [
    'pull policy',
    podWith((s) => (container(s).imagePullPolicy = 'Sometimes')),
    ['spec.containers[0].imagePullPolicy: Unsupported value: "Sometimes": supported values: "Always", "IfNotPresent", "Never"'],
  ],
  [
    'container ports',
    podWith(
      (s) =>
        (container(s).ports = [
          { name: 'http', containerPort: 0, protocol: 'TCP' },
          { name: 'http', containerPort: 70000, protocol: 'HTTP' },
          { name: 'Metrics', containerPort: 9090, protocol: 'TCP' },
        ]),
    ),
    [
      'spec.containers[0].ports[0].containerPort: Required value',
      'spec.containers[0].ports[1].name: Duplicate value: "http"',
      'spec.containers[0].ports[1].containerPort: Invalid value: 70000: must be between 1 and 65535, inclusive',
      'spec.containers[0].ports[1].protocol: Unsupported value: "HTTP": supported values: "SCTP", "TCP", "UDP"',
      'spec.containers[0].ports[2].name: Invalid value: "Metrics": must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)',
    ],
  ],
  [
    'host port conflicts between containers',
    podWith((s) => {
      container(s).ports = [{ containerPort: 80, hostPort: 8080, protocol: 'TCP' }];
      const other = sampleContainer('sidecar');
      other.ports = [{ containerPort: 81, hostPort: 8080, protocol: 'TCP' }];
      (s.containers as JsonRecord[]).push(other);
    }),
    // protocol/hostIP/port, as kube-apiserver keys them.
    ['spec.containers[1].ports[0].hostPort: Duplicate value: "TCP//8080"'],
  ],
  [
    'environment variables',
    podWith(
      (s) =>
        (container(s).env = [
          { name: '' },
          { name: 'A=B', value: 'x' },
          { name: 'FROM', value: 'x', valueFrom: { fieldRef: { fieldPath: 'metadata.name', apiVersion: 'v1' } } },
        ]),
    ),
    [
      'spec.containers[0].env[0].name: Required value',
      `spec.containers[0].env[1].name: Invalid value: "A=B": a valid environment variable name must consist only of printable ASCII characters other than '='`,
      'spec.containers[0].env[2].valueFrom: Invalid value: "": may not be specified when `value` is not empty',
    ],
  ],
  [
    'volume mounts must name a volume',
    podWith((s) => (container(s).volumeMounts = [{ name: 'data', mountPath: '' }])),
    ['spec.containers[0].volumeMounts[0].name: Not found: "data"', 'spec.containers[0].volumeMounts[0].mountPath: Required value'],
  ],
  [
    'volumes: unique names and exactly one source',
    podWith(
      (s) =>
        (s.volumes = [
          { name: 'data', emptyDir: {} },
          { name: 'data', emptyDir: {} },
          { name: 'none' },
          { name: 'two', emptyDir: {}, hostPath: { path: '/tmp', type: '' } },
        ]),
    ),
    [
      'spec.volumes[1].name: Duplicate value: "data"',
      'spec.volumes[2]: Required value: must specify a volume type',
      'spec.volumes[3].hostPath: Forbidden: may not specify more than 1 volume type',
    ],
  ],
  [
    'volume sources: key paths, hostPath type and defaultMode',
    podWith(
      (s) =>
        (s.volumes = [
          { name: 'cfg', configMap: { name: 'cfg', defaultMode: 0o1777, items: [{ key: 'a', path: '../a' }, { key: '', path: '/b' }] } },
          { name: 'host', hostPath: { path: '/var/log', type: 'Folder' } },
        ]),
    ),
    [
      'spec.volumes[0].configMap.defaultMode: Invalid value: 1023: must be a number between 0 and 0777 (octal), both inclusive',
      "spec.volumes[0].configMap.items[0].path: Invalid value: \"../a\": must not contain '..'",
      'spec.volumes[0].configMap.items[1].key: Required value',
      'spec.volumes[0].configMap.items[1].path: Invalid value: "/b": must be a relative path',
      'spec.volumes[1].hostPath.type: Unsupported value: "Folder": supported values: "", "BlockDevice", "CharDevice", "Directory", "DirectoryOrCreate", "File", "FileOrCreate", "Socket"',
    ],
  ],
  [
    'downward API field paths',
    podWith(
      (s) =>
        (container(s).env = [
          { name: 'NODE', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'spec.nodeName' } } },
          { name: 'BAD', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'spec.hostname' } } },
          { name: 'PHASE', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'status.phase' } } },
        ]),
    ),
    [
      'spec.containers[0].env[1].valueFrom.fieldRef.fieldPath: Invalid value: "spec.hostname": error converting fieldPath: field label not supported: spec.hostname',
      // Known to the conversion, but not offered to environment variables.
      'spec.containers[0].env[2].valueFrom.fieldRef.fieldPath: Unsupported value: "status.phase": supported values: "metadata.name", "metadata.namespace", "metadata.uid", "spec.nodeName", "spec.serviceAccountName", "status.hostIP", "status.hostIPs", "status.podIP", "status.podIPs"',
    ],
  ],
  [
    'probes need exactly one handler',
    podWith((s) => {
      container(s).livenessProbe = { periodSeconds: 10, timeoutSeconds: 1, successThreshold: 1, failureThreshold: 3 };
      container(s).readinessProbe = {
        httpGet: { path: '/healthz', port: 8080, scheme: 'HTTP' },
        tcpSocket: { port: 8080 },
        periodSeconds: 10,
        timeoutSeconds: 1,
        successThreshold: 1,
        failureThreshold: 3,
      };
    }),
    [
      'spec.containers[0].livenessProbe: Required value: must specify a handler type',
      'spec.containers[0].readinessProbe.tcpSocket: Forbidden: may not specify more than 1 handler type',
    ],
  ],
  [
    'restartPolicy',
    podWith((s) => (s.restartPolicy = 'Sometimes')),
    ['spec.restartPolicy: Unsupported value: "Sometimes": supported values: "Always", "OnFailure", "Never"'],
  ],
  [
    'dnsPolicy',
    podWith((s) => (s.dnsPolicy = 'Google')),
    ['spec.dnsPolicy: Unsupported value: "Google": supported values: "ClusterFirstWithHostNet", "ClusterFirst", "Default", "None"'],
  ],
  [
    'requests may not exceed limits',
    podWith((s) => (container(s).resources = { requests: { cpu: '2', memory: '1Gi' }, limits: { cpu: '1', memory: '1Gi' } })),
    ['spec.containers[0].resources.requests: Invalid value: "2": must be less than or equal to cpu limit of 1'],
  ],
  [
    'resource names',
    podWith((s) => (container(s).resources = { limits: { gpu: '1' } })),
    [
      'spec.containers[0].resources.limits[gpu]: Invalid value: "gpu": must be a standard resource type or fully qualified',
      'spec.containers[0].resources.limits[gpu]: Invalid value: "gpu": must be a standard resource for containers',
    ],
  ],
  [
    'activeDeadlineSeconds must be positive',
    podWith((s) => (s.activeDeadlineSeconds = 0)),
    ['spec.activeDeadlineSeconds: Invalid value: 0: must be between 1 and 2147483647, inclusive'],
  ],
];

for (const [name, pod, want] of createCases) {
  test(`pod create: ${name}`, () => assert.deepEqual(render(validatePodCreate(pod)), want));
}

test('pod create reports error types', () => {
  const pod = podWith((s) => (s.containers = []));
  assert.deepEqual(
    validatePodCreate(pod).map((e) => [e.type, e.field]),
    [['FieldValueRequired', 'spec.containers']],
  );
});

test('pod update: image, activeDeadlineSeconds and new tolerations may change', () => {
  const old = samplePod();
  const pod = podWith((s) => {
    container(s).image = 'nginx:1.28';
    s.activeDeadlineSeconds = 600;
    s.tolerations = [{ key: 'dedicated', operator: 'Equal', value: 'web', effect: 'NoSchedule' }];
  });
  assert.deepEqual(render(validatePodUpdate(pod, old)), []);
});

test('pod update: other spec fields are frozen', () => {
  const old = samplePod();
  const pod = podWith((s) => (s.restartPolicy = 'Never'));
  const errs = validatePodUpdate(pod, old);
  assert.equal(errs.length, 1);
  assert.equal(errs[0].type, 'FieldValueForbidden');
  assert.equal(errs[0].field, 'spec');
  assert.ok(
    errs[0].detail?.startsWith(
      'pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)',
    ),
    errs[0].detail,
  );
});

test('pod update: containers may not be added or removed', () => {
  const old = samplePod();
  const pod = podWith((s) => (s.containers as JsonRecord[]).push(sampleContainer('sidecar')));
  assert.deepEqual(render(validatePodUpdate(pod, old)), ['spec.containers: Forbidden: pod updates may not add or remove containers']);
});

test('pod update: activeDeadlineSeconds may only shrink', () => {
  const old = podWith((s) => (s.activeDeadlineSeconds = 60));
  assert.deepEqual(render(validatePodUpdate(podWith((s) => (s.activeDeadlineSeconds = 120)), old)), [
    'spec.activeDeadlineSeconds: Invalid value: 120: must be less than or equal to previous value',
  ]);
  assert.deepEqual(render(validatePodUpdate(samplePod(), old)), [
    'spec.activeDeadlineSeconds: Invalid value: null: must not update from a positive integer to nil value',
  ]);
});

test('pod update: existing tolerations stay', () => {
  const old = podWith((s) => (s.tolerations = [{ key: 'a', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 30 }]));
  const changedSeconds = podWith((s) => (s.tolerations = [{ key: 'a', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 10 }]));
  assert.deepEqual(render(validatePodUpdate(changedSeconds, old)), []);
  assert.deepEqual(render(validatePodUpdate(samplePod(), old)), [
    'spec.tolerations: Forbidden: existing toleration can not be modified except its tolerationSeconds',
  ]);
});

test('pod status update: status may change, spec rules still apply to annotations', () => {
  const old = samplePod();
  const pod = samplePod();
  pod.status = { phase: 'Running', podIP: '10.244.0.5', podIPs: [{ ip: '10.244.0.5' }] };
  assert.deepEqual(render(validatePodStatusUpdate(pod, old)), []);
});

test('pod template: the template is checked as a pod spec', () => {
  assert.deepEqual(render(validatePodTemplate({ metadata: { name: 't' }, template: { metadata: { labels: { app: 'x' } }, spec: samplePodSpec() } })), []);
  const spec = samplePodSpec();
  spec.containers = [];
  assert.deepEqual(render(validatePodTemplate({ template: { spec } })), ['template.spec.containers: Required value']);
});
