import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fieldErrorString, type FieldError } from '../../apierrors/field-errors.js';
import type { JsonRecord } from './json-value.js';
import {
  validatePersistentVolume,
  validatePersistentVolumeClaim,
  validatePersistentVolumeClaimUpdate,
  validatePersistentVolumeUpdate,
  validateStorageClass,
  validateStorageClassUpdate,
} from './storage.js';

const render = (errs: FieldError[]) => errs.map(fieldErrorString);

function claim(spec: JsonRecord = {}, status: JsonRecord = { phase: 'Pending' }): JsonRecord {
  return {
    metadata: { name: 'data', namespace: 'default' },
    spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } }, volumeMode: 'Filesystem', storageClassName: 'standard', ...spec },
    status,
  };
}

const claimCases: [string, JsonRecord, string[]][] = [
  ['valid', claim(), []],
  [
    'access modes and storage required',
    claim({ accessModes: [], resources: {} }),
    ['spec.accessModes: Required value: at least 1 access mode is required', 'spec.resources[storage]: Required value'],
  ],
  [
    'unknown access mode',
    claim({ accessModes: ['ReadWriteAlways'] }),
    ['spec.accessModes: Unsupported value: "ReadWriteAlways": supported values: "ReadOnlyMany", "ReadWriteMany", "ReadWriteOnce", "ReadWriteOncePod"'],
  ],
  ['zero storage', claim({ resources: { requests: { storage: '0' } } }), ['spec.resources[storage]: Invalid value: "0": must be greater than zero']],
  [
    'volume mode',
    claim({ volumeMode: 'Raw' }),
    ['spec.volumeMode: Unsupported value: "Raw": supported values: "Block", "Filesystem"'],
  ],
];

for (const [name, pvc, want] of claimCases) {
  test(`pvc: ${name}`, () => assert.deepEqual(render(validatePersistentVolumeClaim(pvc)), want));
}

test('pvc update: spec immutable except storage requests of bound claims', () => {
  const bound = claim({}, { phase: 'Bound', capacity: { storage: '1Gi' } });
  assert.deepEqual(render(validatePersistentVolumeClaimUpdate(claim({ resources: { requests: { storage: '2Gi' } } }, { phase: 'Bound' }), bound)), []);
  assert.deepEqual(render(validatePersistentVolumeClaimUpdate(claim({ volumeName: 'pv-1' }), claim())), []);
  const errs = validatePersistentVolumeClaimUpdate(claim({ accessModes: ['ReadWriteMany'] }), claim());
  assert.deepEqual(
    errs.map((e) => [e.type, e.field]),
    [['FieldValueForbidden', 'spec']],
  );
  assert.ok(errs[0].detail?.startsWith('spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims\n'));
});

test('pvc update: storage may not shrink to the current capacity', () => {
  const bound = claim({ resources: { requests: { storage: '2Gi' } } }, { phase: 'Bound', capacity: { storage: '2Gi' } });
  assert.deepEqual(render(validatePersistentVolumeClaimUpdate(claim({ resources: { requests: { storage: '1Gi' } } }, { phase: 'Bound', capacity: { storage: '2Gi' } }), bound)), [
    'spec.resources.requests.storage: Forbidden: field can not be less than status.capacity',
  ]);
});

function volume(spec: JsonRecord = {}): JsonRecord {
  return {
    metadata: { name: 'pv-1' },
    spec: {
      capacity: { storage: '10Gi' },
      accessModes: ['ReadWriteOnce'],
      persistentVolumeReclaimPolicy: 'Retain',
      volumeMode: 'Filesystem',
      hostPath: { path: '/data', type: '' },
      ...spec,
    },
  };
}

const volumeCases: [string, JsonRecord, string[]][] = [
  ['valid', volume(), []],
  ['access modes required', volume({ accessModes: [] }), ['spec.accessModes: Required value']],
  ['capacity required', volume({ capacity: {} }), ['spec.capacity: Required value', 'spec.capacity: Unsupported value: {}: supported values: "storage"']],
  ['a volume source required', volume({ hostPath: undefined }), ['spec: Required value: must specify a volume type']],
  [
    'only one volume source',
    volume({ nfs: { server: 'nfs.example.com', path: '/exports' } }),
    ['spec.nfs: Forbidden: may not specify more than 1 volume type'],
  ],
  [
    'reclaim policy',
    volume({ persistentVolumeReclaimPolicy: 'Keep' }),
    ['spec.persistentVolumeReclaimPolicy: Unsupported value: "Keep": supported values: "Delete", "Recycle", "Retain"'],
  ],
];

for (const [name, pv, want] of volumeCases) {
  test(`pv: ${name}`, () => assert.deepEqual(render(validatePersistentVolume(pv)), want));
}

test('pv update: volume mode is immutable', () => {
  assert.deepEqual(render(validatePersistentVolumeUpdate(volume({ volumeMode: 'Block' }), volume())), ['volumeMode: Invalid value: "Block": field is immutable']);
});

const storageClass = { metadata: { name: 'standard' }, provisioner: 'rancher.io/local-path', reclaimPolicy: 'Delete', volumeBindingMode: 'WaitForFirstConsumer' };

test('storageclass: valid and invalid', () => {
  assert.deepEqual(render(validateStorageClass(storageClass)), []);
  assert.deepEqual(render(validateStorageClass({ metadata: { name: 'x' }, reclaimPolicy: 'Recycle', volumeBindingMode: 'Later' })), [
    'provisioner: Required value',
    'reclaimPolicy: Unsupported value: "Recycle": supported values: "Delete", "Retain"',
    'volumeBindingMode: Unsupported value: "Later": supported values: "Immediate", "WaitForFirstConsumer"',
  ]);
});

test('storageclass update: parameters, provisioner and policies are fixed', () => {
  const changed = { ...storageClass, provisioner: 'example.com/other', parameters: { type: 'ssd' }, reclaimPolicy: 'Retain', volumeBindingMode: 'Immediate' };
  assert.deepEqual(render(validateStorageClassUpdate(changed, storageClass)), [
    'parameters: Forbidden: updates to parameters are forbidden.',
    'provisioner: Forbidden: updates to provisioner are forbidden.',
    'reclaimPolicy: Forbidden: updates to reclaimPolicy are forbidden.',
    'volumeBindingMode: Invalid value: "Immediate": field is immutable',
  ]);
});
