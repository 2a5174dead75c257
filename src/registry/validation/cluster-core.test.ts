import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fieldErrorString, type FieldError } from '../../apierrors/field-errors.js';
import {
  validateCoreEvent,
  validateEventsEvent,
  validateEventsEventUpdate,
  validateNamespace,
  validateNamespaceStatusUpdate,
  validateNode,
  validateNodeUpdate,
  validateResourceQuota,
  validateResourceQuotaStatusUpdate,
  validateResourceQuotaUpdate,
} from './cluster-core.js';

const render = (errs: FieldError[]) => errs.map(fieldErrorString);

test('namespace: spec finalizers', () => {
  assert.deepEqual(render(validateNamespace({ spec: { finalizers: ['kubernetes', 'example.com/x'] } })), []);
  assert.deepEqual(render(validateNamespace({ spec: { finalizers: ['custom'] } })), [
    'spec.finalizers: Invalid value: "custom": name is neither a standard finalizer name nor is it fully qualified',
  ]);
});

test('namespace status: phase follows deletion', () => {
  assert.deepEqual(render(validateNamespaceStatusUpdate({ metadata: {}, status: { phase: 'Active' } })), []);
  assert.deepEqual(render(validateNamespaceStatusUpdate({ metadata: {}, status: { phase: 'Terminating' } })), [
    "status.Phase: Invalid value: \"Terminating\": may only be 'Active' if `deletionTimestamp` is empty",
  ]);
  assert.deepEqual(render(validateNamespaceStatusUpdate({ metadata: { deletionTimestamp: '2024-01-01T00:00:00Z' }, status: { phase: 'Active' } })), [
    "status.Phase: Invalid value: \"Active\": may only be 'Terminating' if `deletionTimestamp` is not empty",
  ]);
});

test('node: taints', () => {
  const node = {
    spec: {
      taints: [
        { key: 'dedicated', value: 'gpu', effect: 'NoSchedule' },
        { key: 'dedicated', value: 'other', effect: 'NoSchedule' },
        { key: 'x', effect: 'Sometimes' },
        { key: 'y', effect: '' },
      ],
    },
  };
  assert.deepEqual(render(validateNode(node)), [
    'metadata.taints[1]: Duplicate value: {"key":"dedicated","value":"other","effect":"NoSchedule"}: taints must be unique by key and effect pair',
    'metadata.taints[2].effect: Unsupported value: "Sometimes": supported values: "NoSchedule", "PreferNoSchedule", "NoExecute"',
    'metadata.taints[3].effect: Required value',
  ]);
});

test('node: pod CIDRs', () => {
  assert.deepEqual(render(validateNode({ spec: { podCIDRs: ['10.244.0.0/24', 'fd00::/64'] } })), []);
  assert.deepEqual(render(validateNode({ spec: { podCIDRs: ['10.244.0.0/24', '10.245.0.0/24'] } })), [
    'spec.podCIDRs: Invalid value: ["10.244.0.0/24","10.245.0.0/24"]: may specify no more than one CIDR for each IP family',
  ]);
});

test('node update: podCIDRs and providerID are set once', () => {
  const old = { spec: { podCIDRs: ['10.244.0.0/24'], providerID: 'kind://a' } };
  assert.deepEqual(render(validateNodeUpdate({ spec: { podCIDRs: ['10.244.0.0/24'], providerID: 'kind://a', unschedulable: true } }, old)), []);
  assert.deepEqual(render(validateNodeUpdate({ spec: { podCIDRs: ['10.244.1.0/24'], providerID: 'kind://b' } }, old)), [
    'spec.podCIDRs: Forbidden: node updates may not change podCIDR except from "" to valid',
    'spec.providerID: Forbidden: node updates may not change providerID except from "" to valid',
  ]);
});

const coreEventCases: [string, unknown, string[]][] = [
  ['legacy event', { metadata: { namespace: 'default' }, involvedObject: { kind: 'Pod', namespace: 'default', name: 'web' }, reason: 'Started' }, []],
  [
    'namespace mismatch',
    { metadata: { namespace: 'default' }, involvedObject: { namespace: 'kube-system' } },
    ['involvedObject.namespace: Invalid value: "kube-system": does not match event.namespace'],
  ],
  [
    'new-style event needs reporting fields',
    { metadata: { namespace: 'default' }, involvedObject: { namespace: 'default' }, eventTime: '2024-01-01T00:00:00.000000Z' },
    [
      'reportingComponent: Required value',
      // Go also runs the qualified-name check on the empty value.
      'reportingComponent: Invalid value: "": name part must be non-empty',
      "reportingComponent: Invalid value: \"\": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')",
      'reportingInstance: Required value',
      'action: Required value',
      'reason: Required value',
    ],
  ],
];

for (const [name, ev, want] of coreEventCases) {
  test(`core/v1 event: ${name}`, () => assert.deepEqual(render(validateCoreEvent(ev)), want));
}

test('events.k8s.io event: strict checks on the stored shape', () => {
  const ok = {
    metadata: { namespace: 'default' },
    involvedObject: { namespace: 'default' },
    eventTime: '2024-01-01T00:00:00.000000Z',
    reportingComponent: 'example.com/controller',
    reportingInstance: 'node-1',
    action: 'Scheduled',
    reason: 'Scheduled',
    type: 'Normal',
  };
  assert.deepEqual(render(validateEventsEvent(ok)), []);
  assert.deepEqual(render(validateEventsEvent({ ...ok, type: 'Info', count: 3, series: { count: 1 } })), [
    'series.count: Invalid value: "": should be at least 2',
    'series.lastObservedTime: Required value',
    'type: Invalid value: "": has invalid value: Info',
    'count: Invalid value: "": needs to be unset',
  ]);
  assert.deepEqual(render(validateEventsEventUpdate({ ...ok, action: 'Killed' }, ok)), ['action: Invalid value: "Killed": field is immutable']);
});

test('resourcequota: hard resources and scopes', () => {
  assert.deepEqual(render(validateResourceQuota({ spec: { hard: { pods: '10', 'requests.cpu': '4', 'count/deployments.apps': '5' } } })), []);
  assert.deepEqual(render(validateResourceQuota({ spec: { hard: { widgets: '1', pods: '1.5' } } })), [
    'spec.hard[widgets]: Invalid value: "widgets": must be a standard resource type or fully qualified',
    'spec.hard[widgets]: Invalid value: "widgets": must be a standard resource for quota',
    'spec.hard[pods]: Invalid value: "1.5": must be an integer',
  ]);
  assert.deepEqual(render(validateResourceQuota({ spec: { hard: { pods: '1' }, scopes: ['BestEffort', 'NotBestEffort', 'Sometimes'] } })), [
    'spec.scopes: Invalid value: ["BestEffort","NotBestEffort","Sometimes"]: unsupported scope',
    'spec.scopes: Invalid value: ["BestEffort","NotBestEffort","Sometimes"]: conflicting scopes',
  ]);
});

test('resourcequota update and status', () => {
  assert.deepEqual(render(validateResourceQuotaUpdate({ spec: { scopes: ['Terminating'] } }, { spec: {} })), [
    'spec.scopes: Invalid value: ["Terminating"]: field is immutable',
  ]);
  assert.deepEqual(render(validateResourceQuotaStatusUpdate({ status: { hard: { pods: '10' }, used: { pods: '-1' } } })), [
    'status.used[pods]: Invalid value: "-1": must be greater than or equal to 0',
  ]);
});
