// PodDisruptionBudget, Lease and PriorityClass.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fieldErrorString, type FieldError } from '../../apierrors/field-errors.js';
import { validatePodDisruptionBudget, validatePodDisruptionBudgetStatusUpdate } from './disruption-budgets.js';
import { validateLease } from './leases.js';
import { validatePriorityClass, validatePriorityClassUpdate } from './priority-classes.js';

const render = (errs: FieldError[]) => errs.map(fieldErrorString);

const pdbCases: [string, unknown, string[]][] = [
  ['minAvailable', { spec: { minAvailable: 2, selector: { matchLabels: { app: 'web' } } } }, []],
  ['maxUnavailable percent', { spec: { maxUnavailable: '25%', unhealthyPodEvictionPolicy: 'AlwaysAllow' } }, []],
  [
    'not both',
    { spec: { minAvailable: 1, maxUnavailable: 1 } },
    ['spec: Invalid value: {"minAvailable":1,"maxUnavailable":1}: minAvailable and maxUnavailable cannot be both set'],
  ],
  [
    'int or percent',
    { spec: { minAvailable: '120%' } },
    ['spec.minAvailable: Invalid value: "120%": must not be greater than 100%'],
  ],
  ['negative', { spec: { maxUnavailable: -1 } }, ['spec.maxUnavailable: Invalid value: -1: must be greater than or equal to 0']],
  [
    'selector',
    { spec: { minAvailable: 1, selector: { matchExpressions: [{ key: 'app', operator: 'In', values: [] }] } } },
    ["spec.selector.matchExpressions[0].values: Required value: must be specified when `operator` is 'In' or 'NotIn'"],
  ],
  [
    'eviction policy',
    { spec: { minAvailable: 1, unhealthyPodEvictionPolicy: 'Never' } },
    ['spec.unhealthyPodEvictionPolicy: Unsupported value: "Never": supported values: "AlwaysAllow", "IfHealthyBudget"'],
  ],
];

for (const [name, obj, want] of pdbCases) {
  test(`pdb: ${name}`, () => assert.deepEqual(render(validatePodDisruptionBudget(obj)), want));
}

test('pdb status: counters and conditions', () => {
  const status = {
    disruptionsAllowed: -1,
    currentHealthy: 1,
    desiredHealthy: 1,
    expectedPods: 1,
    conditions: [
      { type: 'DisruptionAllowed', status: 'True', reason: 'SufficientPods', lastTransitionTime: '2024-01-01T00:00:00Z', observedGeneration: 1 },
      { type: 'DisruptionAllowed', status: 'Maybe', reason: 'bad reason', message: '' },
    ],
  };
  assert.deepEqual(render(validatePodDisruptionBudgetStatusUpdate({ status })), [
    'status.conditions[1].type: Duplicate value: "DisruptionAllowed"',
    'status.conditions[1].status: Unsupported value: "Maybe": supported values: "False", "True", "Unknown"',
    'status.conditions[1].lastTransitionTime: Required value: must be set',
    "status.conditions[1].reason: Invalid value: \"bad reason\": a condition reason must start with alphabetic character, optionally followed by a string of alphanumeric characters or '_,:', and must end with an alphanumeric character or '_' (e.g. 'my_name',  or 'MY_NAME',  or 'MyName',  or 'ReasonA,ReasonB',  or 'ReasonA:ReasonB', regex used for validation is '[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?')",
    'status.disruptionsAllowed: Invalid value: -1: must be greater than or equal to 0',
  ]);
});

const leaseCases: [string, unknown, string[]][] = [
  ['valid', { spec: { holderIdentity: 'node-1', leaseDurationSeconds: 40, leaseTransitions: 0 } }, []],
  [
    'durations',
    { spec: { leaseDurationSeconds: 0, leaseTransitions: -1 } },
    ['spec.leaseDurationSeconds: Invalid value: 0: must be greater than 0', 'spec.leaseTransitions: Invalid value: -1: must be greater than or equal to 0'],
  ],
  ['known strategy', { spec: { strategy: 'OldestEmulationVersion', preferredHolder: 'a' } }, []],
  ['custom strategy', { spec: { strategy: 'example.com/mine' } }, []],
  [
    'unknown strategy',
    { spec: { strategy: 'Newest' } },
    ['spec.strategy.strategy: Unsupported value: "Newest": supported values: "OldestEmulationVersion"'],
  ],
  ['preferredHolder needs a strategy', { spec: { preferredHolder: 'node-1' } }, ['spec.preferredHolder: Forbidden: may only be specified if `strategy` is defined']],
];

for (const [name, obj, want] of leaseCases) {
  test(`lease: ${name}`, () => assert.deepEqual(render(validateLease(obj)), want));
}

const priorityCases: [string, unknown, string[]][] = [
  ['user class', { metadata: { name: 'high' }, value: 1000, preemptionPolicy: 'Never' }, []],
  ['system class', { metadata: { name: 'system-node-critical' }, value: 2000001000 }, []],
  [
    'system class with the wrong value',
    { metadata: { name: 'system-cluster-critical' }, value: 5 },
    [
      "metadata.name: Forbidden: priority class names with 'system-' prefix are reserved for system use only. error: value of system-cluster-critical PriorityClass must be 2000000000",
    ],
  ],
  [
    'unknown system class',
    { metadata: { name: 'system-mine' }, value: 5 },
    ["metadata.name: Forbidden: priority class names with 'system-' prefix are reserved for system use only. error: system-mine is not a known system priority class"],
  ],
  ['too high', { metadata: { name: 'top' }, value: 1000000001 }, ['value: Forbidden: maximum allowed value of a user defined priority is 1000000000']],
  [
    'preemption policy',
    { metadata: { name: 'p' }, value: 1, preemptionPolicy: 'Always' },
    ['preemptionPolicy: Unsupported value: "Always": supported values: "PreemptLowerPriority", "Never"'],
  ],
];

for (const [name, obj, want] of priorityCases) {
  test(`priorityclass: ${name}`, () => assert.deepEqual(render(validatePriorityClass(obj)), want));
}

test('priorityclass update: value and preemptionPolicy are fixed', () => {
  const old = { metadata: { name: 'p' }, value: 1, preemptionPolicy: 'PreemptLowerPriority' };
  assert.deepEqual(render(validatePriorityClassUpdate({ ...old, description: 'changed' }, old)), []);
  assert.deepEqual(render(validatePriorityClassUpdate({ ...old, value: 2, preemptionPolicy: 'Never' }, old)), [
    'value: Forbidden: may not be changed in an update.',
    'preemptionPolicy: Invalid value: "Never": field is immutable',
  ]);
});
