import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  csiDriverPrinter, csiNodePrinter, csiStorageCapacityPrinter, persistentVolumeClaimPrinter, persistentVolumePrinter,
  storageClassPrinter, volumeAttachmentPrinter, volumeAttributesClassPrinter,
} from './storage.js';

const now = new Date('2024-05-01T12:00:00Z');
const meta = (name: string, extra: any = {}) => ({ name, creationTimestamp: '2024-05-01T11:00:00Z', ...extra });

test('bound persistent volume', () => {
  const pv = {
    metadata: meta('pvc-3f1c'),
    spec: {
      capacity: { storage: '1024Mi' },
      accessModes: ['ReadWriteMany', 'ReadWriteOnce', 'ReadWriteOnce'],
      persistentVolumeReclaimPolicy: 'Delete',
      storageClassName: 'standard',
      claimRef: { kind: 'PersistentVolumeClaim', namespace: 'default', name: 'data' },
      volumeMode: 'Block',
    },
    status: { phase: 'Bound' },
  };
  assert.deepEqual(persistentVolumePrinter.cells(pv, now), [
    'pvc-3f1c', '1Gi', 'RWO,RWX', 'Delete', 'Bound', 'default/data', 'standard', '<unset>', '', '60m', 'Block',
  ]);
});

test('persistent volume being deleted, with the beta class annotation and a failure reason', () => {
  const pv = {
    metadata: meta('old', {
      deletionTimestamp: '2024-05-01T11:59:00Z',
      annotations: { 'volume.beta.kubernetes.io/storage-class': 'legacy' },
    }),
    spec: { capacity: { storage: '5Gi' }, accessModes: ['ReadOnlyMany'], storageClassName: 'ignored', volumeAttributesClassName: 'gold' },
    status: { phase: 'Failed', reason: 'VolumeFailedDelete' },
  };
  assert.deepEqual(persistentVolumePrinter.cells(pv, now), [
    'old', '5Gi', 'ROX', 'Retain', 'Terminating', '', 'legacy', 'gold', 'VolumeFailedDelete', '60m', 'Filesystem',
  ]);
});

test('persistent volume claims: pending and bound', () => {
  const pending = {
    metadata: meta('data', { namespace: 'default' }),
    spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } }, storageClassName: 'standard', volumeMode: 'Filesystem' },
    status: { phase: 'Pending' },
  };
  assert.deepEqual(persistentVolumeClaimPrinter.cells(pending, now), [
    'data', 'Pending', '', '', '', 'standard', '<unset>', '60m', 'Filesystem',
  ]);
  const bound = {
    ...pending,
    spec: { ...pending.spec, volumeName: 'pvc-3f1c' },
    status: { phase: 'Bound', accessModes: ['ReadWriteOnce', 'ReadWriteOncePod'], capacity: { storage: '1Gi' } },
  };
  assert.deepEqual(persistentVolumeClaimPrinter.cells(bound, now), [
    'data', 'Bound', 'pvc-3f1c', '1Gi', 'RWO,RWOP', 'standard', '<unset>', '60m', 'Filesystem',
  ]);
});

test('storage classes mark the default and fill defaults', () => {
  const standard = {
    metadata: meta('standard', { annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } }),
    provisioner: 'rancher.io/local-path',
    reclaimPolicy: 'Delete',
    volumeBindingMode: 'WaitForFirstConsumer',
  };
  assert.deepEqual(storageClassPrinter.cells(standard, now), [
    'standard (default)', 'rancher.io/local-path', 'Delete', 'WaitForFirstConsumer', false, '60m',
  ]);
  assert.deepEqual(
    storageClassPrinter.cells({ metadata: meta('fast'), provisioner: 'ebs.csi.aws.com', allowVolumeExpansion: true }, now),
    ['fast', 'ebs.csi.aws.com', 'Delete', 'Immediate', true, '60m'],
  );
  assert.deepEqual(volumeAttributesClassPrinter.cells({ metadata: meta('gold'), driverName: 'ebs.csi.aws.com' }, now), ['gold', 'ebs.csi.aws.com', '60m']);
});

test('CSI drivers, nodes, capacities and volume attachments', () => {
  const driver = {
    metadata: meta('secrets-store.csi.k8s.io'),
    spec: {
      attachRequired: false, podInfoOnMount: true, volumeLifecycleModes: ['Ephemeral', 'Persistent'],
      tokenRequests: [{ audience: 'vault' }, { audience: 'aws' }], requiresRepublish: true,
    },
  };
  assert.deepEqual(csiDriverPrinter.cells(driver, now), [
    'secrets-store.csi.k8s.io', false, true, false, 'vault,aws', true, 'Ephemeral,Persistent', '60m',
  ]);
  assert.deepEqual(csiDriverPrinter.cells({ metadata: meta('hostpath'), spec: {} }, now), [
    'hostpath', true, false, false, '<unset>', false, 'Persistent', '60m',
  ]);
  assert.deepEqual(csiNodePrinter.cells({ metadata: meta('n1'), spec: { drivers: [{ name: 'a' }, { name: 'b' }] } }, now), ['n1', 2, '60m']);
  assert.deepEqual(
    csiStorageCapacityPrinter.cells({ metadata: meta('csisc-x'), storageClassName: 'standard', capacity: '1.5Gi' }, now),
    ['csisc-x', 'standard', '1536Mi'],
  );
  assert.deepEqual(csiStorageCapacityPrinter.cells({ metadata: meta('csisc-y'), storageClassName: 'standard' }, now), ['csisc-y', 'standard', '<unset>']);
  const attachment = {
    metadata: meta('csi-9a8b'),
    spec: { attacher: 'ebs.csi.aws.com', nodeName: 'n1', source: { persistentVolumeName: 'pvc-3f1c' } },
    status: { attached: true },
  };
  assert.deepEqual(volumeAttachmentPrinter.cells(attachment, now), ['csi-9a8b', 'ebs.csi.aws.com', 'pvc-3f1c', 'n1', true, '60m']);
  assert.equal(volumeAttachmentPrinter.columns[1]!.format, 'name', 'the real ATTACHER column carries the name format');
});
