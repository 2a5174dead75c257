// Controller references: the ownerReference with controller=true that says which controller
// manages an object, and the adoption/release rules of pkg/controller's ControllerRefManager —
// an orphan matching a controller's selector is adopted, an object of ours that stops matching is
// released, and nothing is adopted by a controller that is being deleted.
import type { ResourceClient } from '../../client/local-client.js';
import { isNotFound } from '../../client/local-client.js';
import type { OwnerReference } from '../../machinery/api-types.js';
import type { KubeObject } from '../../machinery/object.js';

export function controllerRefOf(obj: KubeObject): OwnerReference | undefined {
  return obj.metadata?.ownerReferences?.find((r) => r.controller === true);
}

export function newControllerRef(owner: KubeObject, apiVersion: string, kind: string): OwnerReference {
  return {
    apiVersion,
    kind,
    name: owner.metadata?.name ?? '',
    uid: owner.metadata?.uid ?? '',
    controller: true,
    blockOwnerDeletion: true,
  };
}

export interface ClaimDeps<T extends KubeObject> {
  /** The controller, as cached. */
  owner: KubeObject;
  ownerApiVersion: string;
  ownerKind: string;
  /** Writes the adoption or release. */
  client: ResourceClient<T>;
  /** A fresh read of the controller before the first adoption: it must still exist, unchanged and not deleting. */
  recheckOwner: () => Promise<KubeObject | undefined>;
  matches: (obj: T) => boolean;
}

/** The objects this controller owns after adopting matching orphans and releasing non-matching ones. */
export async function claimObjects<T extends KubeObject>(objects: readonly T[], deps: ClaimDeps<T>): Promise<T[]> {
  const ownerUid = deps.owner.metadata?.uid;
  const ownerDeleting = !!deps.owner.metadata?.deletionTimestamp;
  const claimed: T[] = [];
  let ownerChecked: Promise<void> | undefined;
  const canAdopt = () =>
    (ownerChecked ??= deps.recheckOwner().then((fresh) => {
      if (!fresh || fresh.metadata?.uid !== ownerUid) {
        throw new Error(`original ${deps.ownerKind} ${deps.owner.metadata?.namespace}/${deps.owner.metadata?.name} is gone: got uid ${fresh?.metadata?.uid ?? ''}, wanted ${ownerUid}`);
      }
      if (fresh.metadata?.deletionTimestamp) {
        throw new Error(`${deps.owner.metadata?.namespace}/${deps.owner.metadata?.name} has just been deleted at ${fresh.metadata.deletionTimestamp}`);
      }
    }));

  for (const obj of objects) {
    const ref = controllerRefOf(obj);
    if (ref) {
      if (ref.uid !== ownerUid) continue; // another controller's
      if (deps.matches(obj)) {
        claimed.push(obj);
        continue;
      }
      if (ownerDeleting) continue;
      await patchOwner(deps.client, obj, { ownerReferences: [{ $patch: 'delete', uid: ownerUid }] });
      continue;
    }
    if (ownerDeleting || !deps.matches(obj) || obj.metadata?.deletionTimestamp) continue;
    if (obj.metadata?.namespace !== deps.owner.metadata?.namespace) continue;
    await canAdopt();
    const adopted = await patchOwner(deps.client, obj, { ownerReferences: [newControllerRef(deps.owner, deps.ownerApiVersion, deps.ownerKind)] });
    if (adopted) claimed.push(adopted);
  }
  return claimed;
}

// The object's uid in the patch makes it a precondition: a replaced object of the same name is not touched.
async function patchOwner<T extends KubeObject>(client: ResourceClient<T>, obj: T, metadata: Record<string, unknown>): Promise<T | undefined> {
  try {
    return await client.patch(obj.metadata?.namespace, obj.metadata?.name ?? '', 'strategic', { metadata: { ...metadata, uid: obj.metadata?.uid } });
  } catch (err) {
    if (isNotFound(err)) return undefined; // gone meanwhile: nothing to adopt or release
    throw err;
  }
}
