// Printers for storage: persistent volumes and claims, storage classes, volume attributes
// classes, CSI drivers, CSI nodes, CSI storage capacities and volume attachments.
import { ageColumn, column, countOf, definePrinter, nameColumn, objectAge, objectName, wideColumn } from './columns.js';
import { canonicalQuantity } from './quantity.js';
import type { TablePrinter } from './types.js';

const BETA_STORAGE_CLASS_ANNOTATION = 'volume.beta.kubernetes.io/storage-class';
const DEFAULT_CLASS_ANNOTATIONS = [
  'storageclass.kubernetes.io/is-default-class',
  'storageclass.beta.kubernetes.io/is-default-class',
];

/** "RWO,ROX,RWX,RWOP" in that fixed order, duplicates ignored. */
function accessModesText(modes: string[] | undefined): string {
  if (!modes || modes.length === 0) return '';
  const present = new Set(modes);
  const parts: string[] = [];
  if (present.has('ReadWriteOnce')) parts.push('RWO');
  if (present.has('ReadOnlyMany')) parts.push('ROX');
  if (present.has('ReadWriteMany')) parts.push('RWX');
  if (present.has('ReadWriteOncePod')) parts.push('RWOP');
  return parts.join(',');
}

/** The deprecated beta annotation still wins over spec.storageClassName, as in the real helper. */
function storageClassOf(obj: any): string {
  const annotated = obj.metadata?.annotations?.[BETA_STORAGE_CLASS_ANNOTATION];
  if (annotated !== undefined) return annotated;
  return obj.spec?.storageClassName ?? '';
}

function deleting(obj: any): boolean {
  return obj.metadata?.deletionTimestamp !== undefined && obj.metadata?.deletionTimestamp !== null;
}

export const persistentVolumePrinter: TablePrinter = definePrinter(
  [
    nameColumn,
    column('Capacity', 'string', 'The capacity of the volume (spec.capacity.storage).'),
    column('Access Modes', 'string', 'All ways the volume can be mounted.'),
    column('Reclaim Policy', 'string', 'What happens to the volume when released from its claim.'),
    column('Status', 'string', 'Phase indicates if a volume is available, bound to a claim, or released by a claim.'),
    column('Claim', 'string', 'The claim bound to this volume, as namespace/name.'),
    column('StorageClass', 'string', 'StorageClass of the pv'),
    column('VolumeAttributesClass', 'string', 'VolumeAttributesClass of the pv'),
    column('Reason', 'string', 'A brief CamelCase string that describes any failure.'),
    ageColumn,
    wideColumn('VolumeMode', 'string', 'Whether the volume is used with a formatted filesystem or as a raw block device.'),
  ],
  (obj, now) => {
    const spec = obj.spec ?? {};
    const claim = spec.claimRef ? `${spec.claimRef.namespace ?? ''}/${spec.claimRef.name ?? ''}` : '';
    return [
      objectName(obj),
      canonicalQuantity(spec.capacity?.storage),
      accessModesText(spec.accessModes),
      // v1 defaults: reclaim policy Retain, volume mode Filesystem; the strategy sets phase Pending.
      spec.persistentVolumeReclaimPolicy ?? 'Retain',
      deleting(obj) ? 'Terminating' : obj.status?.phase ?? 'Pending',
      claim,
      storageClassOf(obj),
      spec.volumeAttributesClassName ?? '<unset>',
      obj.status?.reason ?? '',
      objectAge(obj, now),
      spec.volumeMode ?? 'Filesystem',
    ];
  },
);

export const persistentVolumeClaimPrinter: TablePrinter = definePrinter(
  [
    nameColumn,
    column('Status', 'string', 'The current phase of the claim.'),
    column('Volume', 'string', 'The binding reference to the persistent volume backing this claim.'),
    column('Capacity', 'string', 'The actual resources of the underlying volume.'),
    column('Access Modes', 'string', 'The actual access modes the volume backing the claim has.'),
    column('StorageClass', 'string', 'StorageClass of the pvc'),
    column('VolumeAttributesClass', 'string', 'VolumeAttributesClass of the pvc'),
    ageColumn,
    wideColumn('VolumeMode', 'string', 'Whether the claim needs a formatted filesystem or a raw block device.'),
  ],
  (obj, now) => {
    const spec = obj.spec ?? {};
    // Capacity and access modes are only shown once the claim names its volume.
    const bound = Boolean(spec.volumeName);
    return [
      objectName(obj),
      deleting(obj) ? 'Terminating' : obj.status?.phase ?? 'Pending',
      spec.volumeName ?? '',
      bound ? canonicalQuantity(obj.status?.capacity?.storage) : '',
      bound ? accessModesText(obj.status?.accessModes) : '',
      storageClassOf(obj),
      spec.volumeAttributesClassName ?? '<unset>',
      objectAge(obj, now),
      spec.volumeMode ?? 'Filesystem',
    ];
  },
);

export const storageClassPrinter: TablePrinter = definePrinter(
  [
    nameColumn,
    column('Provisioner', 'string', 'The provisioner that creates volumes of this class.'),
    column('ReclaimPolicy', 'string', 'The reclaim policy of volumes dynamically provisioned for this class.'),
    column('VolumeBindingMode', 'string', 'When volumes are provisioned and bound.'),
    column('AllowVolumeExpansion', 'string', 'Whether volumes of this class can be expanded.'),
    ageColumn,
  ],
  (obj, now) => {
    const annotations = obj.metadata?.annotations ?? {};
    const isDefault = DEFAULT_CLASS_ANNOTATIONS.some((key) => annotations[key] === 'true');
    return [
      isDefault ? `${objectName(obj)} (default)` : objectName(obj),
      obj.provisioner ?? '',
      obj.reclaimPolicy ?? 'Delete',
      obj.volumeBindingMode ?? 'Immediate',
      obj.allowVolumeExpansion ?? false,
      objectAge(obj, now),
    ];
  },
);

export const volumeAttributesClassPrinter: TablePrinter = definePrinter(
  [nameColumn, column('DriverName', 'string', 'The CSI driver that handles this class.'), ageColumn],
  (obj, now) => [objectName(obj), obj.driverName ?? '', objectAge(obj, now)],
);

export const csiDriverPrinter: TablePrinter = definePrinter(
  [
    nameColumn,
    column('AttachRequired', 'boolean', 'Whether the driver needs an attach operation.'),
    column('PodInfoOnMount', 'boolean', 'Whether the driver needs pod information on mount.'),
    column('StorageCapacity', 'boolean', 'Whether the scheduler considers the storage capacity the driver reports.'),
    column('TokenRequests', 'string', 'Audiences of service account tokens passed to the driver.'),
    column('RequiresRepublish', 'boolean', 'Whether the driver wants NodePublishVolume called periodically.'),
    column('Modes', 'string', 'Volume lifecycle modes the driver supports.'),
    ageColumn,
  ],
  (obj, now) => {
    const spec = obj.spec ?? {};
    const tokenRequests: any[] | undefined = spec.tokenRequests ?? undefined;
    // v1 defaults an empty mode list to [Persistent].
    const modes: string[] = spec.volumeLifecycleModes?.length ? spec.volumeLifecycleModes : ['Persistent'];
    return [
      objectName(obj),
      spec.attachRequired ?? true,
      spec.podInfoOnMount ?? false,
      spec.storageCapacity ?? false,
      tokenRequests === undefined ? '<unset>' : tokenRequests.map((t) => t?.audience ?? '').join(','),
      spec.requiresRepublish ?? false,
      modes.join(','),
      objectAge(obj, now),
    ];
  },
);

export const csiNodePrinter: TablePrinter = definePrinter(
  [
    nameColumn,
    column('Drivers', 'integer', 'Drivers indicates the number of CSI drivers registered on the node'),
    ageColumn,
  ],
  (obj, now) => [objectName(obj), countOf(obj.spec?.drivers), objectAge(obj, now)],
);

export const csiStorageCapacityPrinter: TablePrinter = definePrinter(
  [
    nameColumn,
    column('StorageClassName', 'string', 'The storage class this capacity applies to.'),
    column('Capacity', 'string', 'Capacity reported by the driver for this topology segment.'),
  ],
  (obj, _now) => [
    objectName(obj),
    obj.storageClassName ?? '',
    obj.capacity === undefined || obj.capacity === null ? '<unset>' : canonicalQuantity(obj.capacity),
  ],
);

export const volumeAttachmentPrinter: TablePrinter = definePrinter(
  [
    nameColumn,
    { ...column('Attacher', 'string', 'The volume driver that must handle this request.'), format: 'name' },
    column('PV', 'string', 'Name of the persistent volume to attach.'),
    column('Node', 'string', 'The node the volume should be attached to.'),
    column('Attached', 'boolean', 'Whether the volume is attached.'),
    ageColumn,
  ],
  (obj, now) => [
    objectName(obj),
    obj.spec?.attacher ?? '',
    obj.spec?.source?.persistentVolumeName ?? '',
    obj.spec?.nodeName ?? '',
    obj.status?.attached ?? false,
    objectAge(obj, now),
  ],
);
