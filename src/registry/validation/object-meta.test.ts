import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fieldErrorString, type FieldError } from '../../apierrors/field-errors.js';
import { nameValidators, validateLabels, validateLabelSelector, validateObjectMeta, validateObjectMetaUpdate } from './index.js';
import { labelSelectorAsSelector, selectorMatches } from './labels.js';

const render = (errs: FieldError[]) => errs.map(fieldErrorString);

const subdomainMsg =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const labelMsg =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
const keyNameMsg =
  "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
const labelValueMsg =
  "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";

const namespaced = { namespaced: true, validateName: nameValidators.dnsSubdomain };
const cluster = { namespaced: false, validateName: nameValidators.dnsSubdomain };

const createCases: [string, unknown, typeof namespaced, string[]][] = [
  ['valid', { name: 'web', namespace: 'default', labels: { app: 'web', 'example.com/tier': '' }, annotations: { 'Example.com/Note': 'x' } }, namespaced, []],
  ['bad name', { name: 'Bad_Name', namespace: 'default' }, namespaced, [`metadata.name: Invalid value: "Bad_Name": ${subdomainMsg}`]],
  ['no name', { namespace: 'default' }, namespaced, ['metadata.name: Required value: name or generateName is required']],
  [
    'bad generateName is reported with the generated name',
    { generateName: 'Web-', name: 'Web-x7k2p', namespace: 'default' },
    namespaced,
    [`metadata.generateName: Invalid value: "Web-": ${subdomainMsg}`, `metadata.name: Invalid value: "Web-x7k2p": ${subdomainMsg}`],
  ],
  ['namespace required', { name: 'web' }, namespaced, ['metadata.namespace: Required value']],
  ['bad namespace', { name: 'web', namespace: 'Prod' }, namespaced, [`metadata.namespace: Invalid value: "Prod": ${labelMsg}`]],
  ['namespace on a cluster-scoped kind', { name: 'web', namespace: 'default' }, cluster, ['metadata.namespace: Forbidden: not allowed on this type']],
  ['negative generation', { name: 'web', generation: -1 }, cluster, ['metadata.generation: Invalid value: -1: must be greater than or equal to 0']],
  [
    'bad label key and value',
    { name: 'web', labels: { 'bad key': 'ok', good: '-bad' } },
    cluster,
    [`metadata.labels: Invalid value: "bad key": ${keyNameMsg}`, `metadata.labels: Invalid value: "-bad": ${labelValueMsg}`],
  ],
  ['bad annotation key', { name: 'web', annotations: { 'a b': '' } }, cluster, [`metadata.annotations: Invalid value: "a b": ${keyNameMsg}`]],
  [
    'annotations over 256 KiB',
    { name: 'web', annotations: { big: 'x'.repeat(256 * 1024) } },
    cluster,
    ['metadata.annotations: Too long: may not be more than 262144 bytes'],
  ],
  [
    'finalizers are qualified names',
    { name: 'web', finalizers: ['example.com/cleanup', 'bad name'] },
    cluster,
    [`metadata.finalizers: Invalid value: "bad name": ${keyNameMsg}`],
  ],
  [
    'orphan and foregroundDeletion together',
    { name: 'web', finalizers: ['orphan', 'foregroundDeletion'] },
    cluster,
    ['metadata.finalizers: Invalid value: ["orphan","foregroundDeletion"]: finalizer orphan and foregroundDeletion cannot be both set'],
  ],
  // The standard-finalizer rule belongs to the built-in kinds (see kind-validations), not here.
  ['unqualified custom finalizer passes the generic rules', { name: 'web', finalizers: ['cleanup'] }, cluster, []],
  [
    'owner reference fields',
    { name: 'web', ownerReferences: [{ apiVersion: 'apps/', kind: '', name: '', uid: '' }] },
    cluster,
    [
      'metadata.ownerReferences.apiVersion: Invalid value: "apps/": version must not be empty',
      'metadata.ownerReferences.kind: Invalid value: "": must not be empty',
      'metadata.ownerReferences.name: Invalid value: "": must not be empty',
      'metadata.ownerReferences.uid: Invalid value: "": must not be empty',
    ],
  ],
  [
    'two controllers',
    {
      name: 'web',
      ownerReferences: [
        { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'a', uid: '1', controller: true },
        { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'b', uid: '2', controller: true },
      ],
    },
    cluster,
    [
      'metadata.ownerReferences: Invalid value: [{"apiVersion":"apps/v1","kind":"ReplicaSet","name":"a","uid":"1","controller":true},{"apiVersion":"apps/v1","kind":"ReplicaSet","name":"b","uid":"2","controller":true}]: Only one reference can have Controller set to true. Found "true" in references for ReplicaSet/a and ReplicaSet/b',
    ],
  ],
  [
    'events cannot own',
    { name: 'web', ownerReferences: [{ apiVersion: 'v1', kind: 'Event', name: 'e', uid: '1' }] },
    cluster,
    ['metadata.ownerReferences: Invalid value: {"apiVersion":"v1","kind":"Event","name":"e","uid":"1"}: /v1, Kind=Event is disallowed from being an owner'],
  ],
  [
    'managed fields',
    { name: 'web', managedFields: [{ manager: 'kubectl', operation: 'Patch', fieldsType: 'FieldsV2' }] },
    cluster,
    [
      'metadata.managedFields[0].operation: Invalid value: "Patch": must be `Apply` or `Update`',
      'metadata.managedFields[0].fieldsType: Invalid value: "FieldsV2": must be `FieldsV1`',
    ],
  ],
];

for (const [name, meta, opts, want] of createCases) {
  test(`validateObjectMeta: ${name}`, () => assert.deepEqual(render(validateObjectMeta(meta, opts)), want));
}

test('validateObjectMeta honours the path option', () => {
  assert.deepEqual(render(validateObjectMeta({}, { ...cluster, path: 'spec.template.metadata' })), [
    'spec.template.metadata.name: Required value: name or generateName is required',
  ]);
});

test('validateObjectMeta reports field types', () => {
  const errs = validateObjectMeta({ name: 'web', namespace: 'default' }, cluster);
  assert.deepEqual(
    errs.map((e) => [e.type, e.field]),
    [['FieldValueForbidden', 'metadata.namespace']],
  );
});

const old = { name: 'web', namespace: 'default', uid: 'u1', resourceVersion: '5', generation: 2, creationTimestamp: '2024-05-01T10:00:00Z' };

const updateCases: [string, unknown, unknown, string[]][] = [
  ['unchanged', { ...old }, old, []],
  ['resourceVersion required', { ...old, resourceVersion: '' }, old, ['metadata.resourceVersion: Invalid value: "": must be specified for an update']],
  [
    'identity is immutable',
    { ...old, name: 'other', namespace: 'kube-system', uid: 'u2' },
    old,
    [
      'metadata.name: Invalid value: "other": field is immutable',
      'metadata.namespace: Invalid value: "kube-system": field is immutable',
      'metadata.uid: Invalid value: "u2": field is immutable',
    ],
  ],
  ['generation may not go down', { ...old, generation: 1 }, old, ['metadata.generation: Invalid value: 1: must not be decremented']],
  [
    'creationTimestamp compares to the second',
    { ...old, creationTimestamp: '2024-05-01T10:00:00.000Z' },
    old,
    [],
  ],
  [
    'creationTimestamp is immutable',
    { ...old, creationTimestamp: '2024-05-01T10:00:01Z' },
    old,
    ['metadata.creationTimestamp: Invalid value: "2024-05-01T10:00:01Z": field is immutable'],
  ],
  [
    'deletionGracePeriodSeconds is immutable',
    { ...old, deletionGracePeriodSeconds: 30 },
    old,
    ['metadata.deletionGracePeriodSeconds: Invalid value: 30: field is immutable'],
  ],
  [
    'no new finalizers while deleting',
    { ...old, deletionTimestamp: '2024-05-02T00:00:00Z', finalizers: ['a/x', 'b/y'] },
    { ...old, deletionTimestamp: '2024-05-02T00:00:00Z', finalizers: ['a/x'] },
    ['metadata.finalizers: Forbidden: no new finalizers can be added if the object is being deleted, found new finalizers []string{"b/y"}'],
  ],
  ['labels are checked again', { ...old, labels: { a: '-' } }, old, [`metadata.labels: Invalid value: "-": ${labelValueMsg}`]],
  ['generateName keeps to the generic rule', { ...old, generateName: 'a/b-' }, old, ["metadata.generateName: Invalid value: \"a/b-\": may not contain '/'"]],
  ['finalizers are checked again', { ...old, finalizers: ['bad name'] }, old, [`metadata.finalizers: Invalid value: "bad name": ${keyNameMsg}`]],
];

for (const [name, n, o, want] of updateCases) {
  test(`validateObjectMetaUpdate: ${name}`, () => assert.deepEqual(render(validateObjectMetaUpdate(n, o)), want));
}

test('validateLabels uses the given path', () => {
  assert.deepEqual(render(validateLabels({ ok: 'yes', 'x/y/z': 'v' }, 'spec.selector')), [
    "spec.selector: Invalid value: \"x/y/z\": a valid label key must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')",
  ]);
});

const selectorCases: [string, unknown, string[]][] = [
  ['valid', { matchLabels: { app: 'web' }, matchExpressions: [{ key: 'tier', operator: 'In', values: ['a', 'b'] }] }, []],
  ['absent', undefined, []],
  [
    'In without values',
    { matchExpressions: [{ key: 'tier', operator: 'In', values: [] }] },
    ["sel.matchExpressions[0].values: Required value: must be specified when `operator` is 'In' or 'NotIn'"],
  ],
  [
    'Exists with values',
    { matchExpressions: [{ key: 'tier', operator: 'Exists', values: ['x'] }] },
    ["sel.matchExpressions[0].values: Forbidden: may not be specified when `operator` is 'Exists' or 'DoesNotExist'"],
  ],
  [
    'unknown operator',
    { matchExpressions: [{ key: 'tier', operator: 'Gt', values: ['1'] }] },
    ['sel.matchExpressions[0].operator: Invalid value: "Gt": not a valid selector operator'],
  ],
  [
    'bad key and value',
    { matchLabels: { 'a b': 'ok' }, matchExpressions: [{ key: 'c d', operator: 'In', values: ['-'] }] },
    [
      `sel.matchLabels: Invalid value: "a b": ${keyNameMsg}`,
      `sel.matchExpressions[0].key: Invalid value: "c d": ${keyNameMsg}`,
      `sel.matchExpressions[0].values[0]: Invalid value: "-": ${labelValueMsg}`,
    ],
  ],
];

for (const [name, sel, want] of selectorCases) {
  test(`validateLabelSelector: ${name}`, () => assert.deepEqual(render(validateLabelSelector(sel, 'sel')), want));
}

test('selector semantics', () => {
  const sel = labelSelectorAsSelector({
    matchLabels: { app: 'web' },
    matchExpressions: [
      { key: 'tier', operator: 'NotIn', values: ['db'] },
      { key: 'canary', operator: 'DoesNotExist' },
    ],
  });
  assert.ok(sel);
  assert.equal(selectorMatches(sel, { app: 'web', tier: 'front' }), true);
  assert.equal(selectorMatches(sel, { app: 'web' }), true);
  assert.equal(selectorMatches(sel, { app: 'web', tier: 'db' }), false);
  assert.equal(selectorMatches(sel, { app: 'web', canary: 'true' }), false);
  assert.equal(selectorMatches(sel, { app: 'api' }), false);
  // An absent selector matches nothing, an empty one everything.
  assert.equal(selectorMatches(labelSelectorAsSelector(undefined)!, {}), false);
  assert.equal(selectorMatches(labelSelectorAsSelector({})!, { any: 'thing' }), true);
  assert.equal(labelSelectorAsSelector({ matchExpressions: [{ key: 'a', operator: 'Bad' }] }), undefined);
});
