// kube-controller-manager's persistentvolume-binder, reduced to what a cluster without storage
// needs, with a fake dynamic provisioner standing in for the provisioners of kind's default class
// (rancher.io/local-path) and kubemu.io/fake-provisioner: a Pending claim binds to the smallest
// Available volume that fits it (class, volume mode, access modes, size, selector), or else, when
// its StorageClass names one of those provisioners, gets a new hostPath volume "pvc-<claim uid>"
// made for it. Claims of no class, of a class that does not exist or of another provisioner's
// class wait, with the events a real cluster shows. Binding writes both sides as the real controller does:
// the volume's claimRef and phase Bound, then the claim's volumeName, bind annotations and phase
// Bound with the volume's capacity and access modes. A volume whose claim is gone is Released, or
// deleted when its reclaim policy is Delete and this provisioner made it.
import type { ResourceClient } from '../../client/local-client.js';
import { isAlreadyExists, isNotFound } from '../../client/local-client.js';
import type { PersistentVolume, PersistentVolumeClaim, StorageClass } from '../../machinery/api-types.js';
import type { KubeObject } from '../../machinery/object.js';
import { compareQuantities, parseQuantity, type Quantity } from '../../machinery/quantity.js';
import { labelSelectorFromObject, matchesLabels } from '../../machinery/selectors/index.js';
import type { ControllerContext, ControllerDefinition } from '../runtime/controller.js';
import type { EventRecorder } from '../runtime/event-recorder.js';
import { objectKey, splitKey } from '../runtime/informer.js';
import { objectReference } from '../../machinery/object-reference.js';

export const fakeProvisionerName = 'kubemu.io/fake-provisioner';
/** Provisioners this controller stands in for: kind's default class uses local-path's. */
export const emulatedProvisioners: ReadonlySet<string> = new Set([fakeProvisionerName, 'rancher.io/local-path']);
export const provisionedByAnnotation = 'pv.kubernetes.io/provisioned-by';
export const bindCompletedAnnotation = 'pv.kubernetes.io/bind-completed';
export const boundByControllerAnnotation = 'pv.kubernetes.io/bound-by-controller';
const storageProvisionerAnnotation = 'volume.kubernetes.io/storage-provisioner';
const betaStorageProvisionerAnnotation = 'volume.beta.kubernetes.io/storage-provisioner';

/** Where provisioned volumes would live on a node. */
export const provisionedVolumeRoot = '/var/lib/kubemu/pv';

export const persistentVolumeBinderController: ControllerDefinition = {
  name: 'persistentvolume-binder',
  serviceAccount: 'persistent-volume-binder',
  start: startPersistentVolumeBinder,
};

type ClaimRef = NonNullable<NonNullable<PersistentVolume['spec']>['claimRef']>;
const claimType = { kind: 'PersistentVolumeClaim', apiVersion: 'v1' };

function startPersistentVolumeBinder(ctx: ControllerContext) {
  const claims = ctx.informers.forResource<PersistentVolumeClaim>('', 'v1', 'persistentvolumeclaims');
  const volumes = ctx.informers.forResource<PersistentVolume>('', 'v1', 'persistentvolumes');
  const claimClient = ctx.client.resource<PersistentVolumeClaim>('', 'v1', 'persistentvolumeclaims');
  const volumeClient = ctx.client.resource<PersistentVolume>('', 'v1', 'persistentvolumes');
  const classes = ctx.informers.forResource<StorageClass>('storage.k8s.io', 'v1', 'storageclasses');
  const recorder = ctx.recorder('persistentvolume-controller');
  const claimLoop = ctx.reconcileLoop((key) => syncClaim(key), { name: 'claims' });
  const volumeLoop = ctx.reconcileLoop((key) => syncVolume(key), { name: 'volumes' });

  const claimKeyOf = (ref: ClaimRef | undefined) => (ref?.name ? `${ref.namespace ?? ''}/${ref.name}` : undefined);
  const enqueueClaimOf = (pv: PersistentVolume) => {
    const key = claimKeyOf(pv.spec?.claimRef);
    if (key) claimLoop.enqueue(key);
  };

  claims.addHandler({
    onAdd: (c) => claimLoop.enqueue(objectKey(c)),
    onUpdate: (_old, c) => claimLoop.enqueue(objectKey(c)),
    onDelete(c) {
      // The volumes it was bound to are released now.
      if (c.spec?.volumeName) volumeLoop.enqueue(c.spec.volumeName);
      for (const pv of volumes.list()) if (claimKeyOf(pv.spec?.claimRef) === objectKey(c)) volumeLoop.enqueue(objectKey(pv));
    },
  });
  volumes.addHandler({
    onAdd(pv) {
      volumeLoop.enqueue(objectKey(pv));
      enqueueClaimOf(pv);
      // A new volume may fit claims waiting for one.
      if (!pv.spec?.claimRef) for (const c of claims.list()) if (!c.spec?.volumeName) claimLoop.enqueue(objectKey(c));
    },
    onUpdate(_old, pv) {
      volumeLoop.enqueue(objectKey(pv));
      enqueueClaimOf(pv);
    },
    onDelete: (pv) => enqueueClaimOf(pv),
  });

  // A class that appears or changes may let waiting claims be provisioned.
  const wakeWaitingClaims = () => {
    for (const c of claims.list()) if (!c.spec?.volumeName) claimLoop.enqueue(objectKey(c));
  };
  classes.addHandler({ onAdd: wakeWaitingClaims, onUpdate: wakeWaitingClaims });

  async function syncClaim(key: string): Promise<void> {
    const { namespace, name } = splitKey(key);
    const claim = claims.getByName(namespace, name);
    if (!claim || claim.metadata?.deletionTimestamp) return;
    const volumeName = claim.spec?.volumeName;
    if (!volumeName) {
      let volume = findBestMatch(claim, volumes.list());
      let provisioned = false;
      if (!volume) {
        const storageClass = provisionableClass(claim);
        if (!storageClass) {
          if (claim.status?.phase !== 'Pending') await setClaimPhase(claim, 'Pending');
          return;
        }
        volume = await provision(claim, storageClass, volumeClient, recorder);
        provisioned = true;
      }
      await bind(claim, volume, provisioned);
      return;
    }
    const volume = volumes.getByName(undefined, volumeName);
    if (!volume) {
      if (claim.status?.phase === 'Bound') {
        await setClaimPhase(claim, 'Lost');
        recorder.event(claim, 'Warning', 'ClaimLost', 'Bound claim has lost reference to PersistentVolume. Data on the volume is lost!');
      }
      return;
    }
    const ref = volume.spec?.claimRef;
    if (ref?.uid && ref.uid !== claim.metadata?.uid) {
      recorder.event(claim, 'Warning', 'FailedBinding', `volume "${volumeName}" already bound to a different claim.`);
      return;
    }
    await bind(claim, volume, false);
  }

  /**
   * The claim's class when this controller provisions for it; otherwise undefined, with the event
   * a real cluster shows for a claim left waiting.
   */
  function provisionableClass(claim: PersistentVolumeClaim): StorageClass | undefined {
    const className = claim.spec?.storageClassName;
    if (!className) {
      recorder.event(claim, 'Normal', 'FailedBinding', 'no persistent volumes available for this claim and no storage class is set');
      return undefined;
    }
    // Upstream's provisioners refuse selectors: such a claim only binds to an existing volume.
    if (claim.spec?.selector) return undefined;
    const storageClass = classes.getByName(undefined, className);
    if (!storageClass) {
      recorder.event(claim, 'Warning', 'ProvisioningFailed', `storageclass.storage.k8s.io "${className}" not found`);
      return undefined;
    }
    if (!emulatedProvisioners.has(storageClass.provisioner)) {
      recorder.event(
        claim,
        'Normal',
        'ExternalProvisioning',
        `Waiting for a volume to be created either by the external provisioner '${storageClass.provisioner}' or manually by the system administrator. If volume creation is delayed, please verify that the provisioner is running and correctly registered.`,
      );
      return undefined;
    }
    return storageClass;
  }

  /** Binds both sides, skipping each write that is already done. */
  async function bind(claim: PersistentVolumeClaim, volume: PersistentVolume, provisioned: boolean): Promise<void> {
    const provisioner = volume.metadata?.annotations?.[provisionedByAnnotation] ?? fakeProvisionerName;
    const volumeName = volume.metadata?.name ?? '';
    let pv = volume;
    if (pv.spec?.claimRef?.uid !== claim.metadata?.uid) {
      pv = await volumeClient.mutate(undefined, volumeName, (current) => {
        // Only a volume the controller picked is marked; a user's pre-binding is the user's.
        const meta = current.spec?.claimRef?.name
          ? current.metadata
          : { ...current.metadata, annotations: { ...current.metadata?.annotations, [boundByControllerAnnotation]: 'yes' } };
        return { ...current, metadata: meta, spec: { ...current.spec, claimRef: objectReference(claim, claimType) } };
      });
    }
    if (pv.status?.phase !== 'Bound') await setVolumePhase(pv, 'Bound');

    let pvc = claim;
    const annotations = pvc.metadata?.annotations ?? {};
    if (pvc.spec?.volumeName !== volumeName || annotations[bindCompletedAnnotation] !== 'yes') {
      pvc = await claimClient.mutate(claim.metadata?.namespace, claim.metadata?.name ?? '', (current) => {
        const added: Record<string, string> = { [bindCompletedAnnotation]: 'yes' };
        if (!current.spec?.volumeName) added[boundByControllerAnnotation] = 'yes';
        if (provisioned) Object.assign(added, { [storageProvisionerAnnotation]: provisioner, [betaStorageProvisionerAnnotation]: provisioner });
        const meta = { ...current.metadata, annotations: { ...current.metadata?.annotations, ...added } };
        return { ...current, metadata: meta, spec: { ...current.spec, volumeName } };
      });
    }
    const capacity = pv.spec?.capacity;
    const accessModes = pv.spec?.accessModes;
    const status = pvc.status ?? {};
    if (status.phase !== 'Bound' || JSON.stringify(status.capacity) !== JSON.stringify(capacity) || JSON.stringify(status.accessModes) !== JSON.stringify(accessModes)) {
      await claimClient.mutate(pvc.metadata?.namespace, pvc.metadata?.name ?? '', (current) => ({
        ...current,
        status: { ...current.status, phase: 'Bound', capacity, accessModes },
      }), 'status');
    }
  }

  async function syncVolume(name: string): Promise<void> {
    const volume = volumes.getByName(undefined, name);
    if (!volume || volume.metadata?.deletionTimestamp) return;
    const ref = volume.spec?.claimRef;
    if (!ref?.name) {
      if (volume.status?.phase !== 'Available') await setVolumePhase(volume, 'Available');
      return;
    }
    const claim = claims.getByName(ref.namespace, ref.name);
    if (claim && (!ref.uid || ref.uid === claim.metadata?.uid)) {
      // Pre-bound, or bound: the claim's sync finishes (or has finished) the binding.
      if (claim.spec?.volumeName === name && volume.status?.phase !== 'Bound') await setVolumePhase(volume, 'Bound');
      return;
    }
    if (!ref.uid) return; // pre-bound to a claim that does not exist yet
    // The claim it was bound to is gone: reclaim.
    if (volume.spec?.persistentVolumeReclaimPolicy === 'Delete') {
      if (emulatedProvisioners.has(volume.metadata?.annotations?.[provisionedByAnnotation] ?? '')) {
        try {
          await volumeClient.delete(undefined, name, { preconditions: { uid: volume.metadata?.uid } });
        } catch (err) {
          if (!isNotFound(err)) throw err;
        }
        return;
      }
      if (volume.status?.phase !== 'Failed') {
        await setVolumePhase(volume, 'Failed', 'no deletable volume plugin matched');
        recorder.event(volume, 'Warning', 'VolumeFailedDelete', `error getting deleter volume plugin for volume "${name}": no deletable volume plugin matched`);
      }
      return;
    }
    if (volume.status?.phase !== 'Released' && volume.status?.phase !== 'Failed') await setVolumePhase(volume, 'Released');
  }

  async function setVolumePhase(volume: PersistentVolume, phase: string, message?: string): Promise<void> {
    await volumeClient.mutate(undefined, volume.metadata?.name ?? '', (current) => {
      if (current.metadata?.uid !== volume.metadata?.uid) return current;
      const status: NonNullable<PersistentVolume['status']> = { ...current.status, phase };
      if (message) status.message = message;
      else delete status.message;
      return { ...current, status } as KubeObject;
    }, 'status');
  }

  async function setClaimPhase(claim: PersistentVolumeClaim, phase: string): Promise<void> {
    await claimClient.mutate(claim.metadata?.namespace, claim.metadata?.name ?? '', (current) => ({ ...current, status: { ...current.status, phase } }), 'status');
  }

  return {
    stop() {
      claimLoop.stop();
      volumeLoop.stop();
    },
  };
}

function requestOf(claim: PersistentVolumeClaim): Quantity {
  const raw = claim.spec?.resources?.requests?.storage;
  try {
    return parseQuantity(raw ?? '0');
  } catch {
    return parseQuantity('0');
  }
}

/** findBestMatchForClaim: the smallest Available volume the claim fits, or one pre-bound to it. */
function findBestMatch(claim: PersistentVolumeClaim, volumes: PersistentVolume[]): PersistentVolume | undefined {
  const request = requestOf(claim);
  const className = claim.spec?.storageClassName ?? '';
  const mode = claim.spec?.volumeMode ?? 'Filesystem';
  const wantedModes = claim.spec?.accessModes ?? [];
  let selector;
  try {
    selector = claim.spec?.selector ? labelSelectorFromObject(claim.spec.selector) : undefined;
  } catch {
    return undefined;
  }
  let best: { pv: PersistentVolume; size: Quantity } | undefined;
  for (const pv of volumes) {
    if (pv.metadata?.deletionTimestamp) continue;
    const ref = pv.spec?.claimRef;
    if (ref?.name) {
      const preBound = ref.name === claim.metadata?.name && ref.namespace === claim.metadata?.namespace && (!ref.uid || ref.uid === claim.metadata?.uid);
      if (preBound) return pv;
      continue;
    }
    if (pv.status?.phase !== 'Available' && pv.status?.phase !== 'Pending' && pv.status?.phase !== undefined) continue;
    if ((pv.spec?.storageClassName ?? '') !== className) continue;
    if ((pv.spec?.volumeMode ?? 'Filesystem') !== mode) continue;
    const modes = pv.spec?.accessModes ?? [];
    if (!wantedModes.every((m) => modes.includes(m))) continue;
    if (selector && !matchesLabels(selector, pv.metadata?.labels)) continue;
    let size: Quantity;
    try {
      size = parseQuantity(pv.spec?.capacity?.storage ?? '0');
    } catch {
      continue;
    }
    if (compareQuantities(size, request) < 0) continue;
    if (!best || compareQuantities(size, best.size) < 0) best = { pv, size };
  }
  return best?.pv;
}

/** Creates the claim's volume (or finds the one an earlier attempt created). */
async function provision(claim: PersistentVolumeClaim, storageClass: StorageClass, client: ResourceClient<PersistentVolume>, recorder: EventRecorder): Promise<PersistentVolume> {
  const name = `pvc-${claim.metadata?.uid ?? ''}`;
  const spec: NonNullable<PersistentVolume['spec']> = {
    capacity: { storage: claim.spec?.resources?.requests?.storage ?? '0' },
    accessModes: claim.spec?.accessModes,
    claimRef: objectReference(claim, claimType),
    persistentVolumeReclaimPolicy: storageClass.reclaimPolicy ?? 'Delete',
    storageClassName: storageClass.metadata?.name,
    volumeMode: claim.spec?.volumeMode ?? 'Filesystem',
    hostPath: { path: `${provisionedVolumeRoot}/${name}` },
  };
  if (storageClass.mountOptions?.length) spec.mountOptions = storageClass.mountOptions;
  const volume: PersistentVolume = {
    apiVersion: 'v1',
    kind: 'PersistentVolume',
    metadata: { name, annotations: { [provisionedByAnnotation]: storageClass.provisioner } },
    spec,
  };
  try {
    const created = await client.create(undefined, volume);
    recorder.event(claim, 'Normal', 'ProvisioningSucceeded', `Successfully provisioned volume ${name} using ${storageClass.provisioner}`);
    return created;
  } catch (err) {
    if (!isAlreadyExists(err)) {
      recorder.event(claim, 'Warning', 'ProvisioningFailed', `Failed to provision volume: ${err instanceof Error ? err.message : String(err)}`);
      throw err;
    }
    return client.get(undefined, name);
  }
}
