// The event wiring every workload controller shares (pkg/controller's pattern): an object's
// changes wake its controller (found by the controller reference), and an orphan's wake every
// controller whose selector matches it, since one of them may adopt it.
import type { Pod } from '../../machinery/api-types.js';
import type { KubeObject } from '../../machinery/object.js';
import { matchesLabels, type LabelSelector } from '../../machinery/selectors/index.js';
import type { Informer, InformerHandler } from '../runtime/informer.js';
import { controllerRefOf } from './controller-ref.js';
import { isPodReady } from './pod-status.js';

export interface ControllerLookup<O extends KubeObject> {
  /** The owner's compiled selector (cached per cached object); null when it does not compile. */
  selectorOf(owner: O): LabelSelector | null;
  /** The controller an object's controller reference names, if it exists (same uid). */
  controllerOf(obj: KubeObject): O | undefined;
  /** Controllers in the object's namespace whose (non-empty) selector matches its labels. */
  selecting(obj: KubeObject): O[];
}

export function controllerLookup<O extends KubeObject>(owners: Informer<O>, kind: string, compile: (owner: O) => LabelSelector): ControllerLookup<O> {
  const selectors = new WeakMap<object, LabelSelector | null>();
  const selectorOf = (owner: O): LabelSelector | null => {
    let s = selectors.get(owner);
    if (s === undefined) {
      try {
        s = compile(owner);
      } catch {
        s = null; // validation keeps invalid selectors out; an old stored one selects nothing
      }
      selectors.set(owner, s);
    }
    return s;
  };
  return {
    selectorOf,
    controllerOf(obj) {
      const ref = controllerRefOf(obj);
      if (!ref || ref.kind !== kind) return undefined;
      const owner = owners.getByName(obj.metadata?.namespace, ref.name);
      return owner?.metadata?.uid === ref.uid ? owner : undefined;
    },
    selecting(obj) {
      return owners.list(obj.metadata?.namespace ?? '').filter((o) => {
        const s = selectorOf(o);
        return s !== null && (s.requirements?.length ?? 0) > 0 && matchesLabels(s, obj.metadata?.labels);
      });
    },
  };
}

export interface OwnedObjectEvents<O, D> {
  enqueue(owner: O): void;
  /** Wake the controller when an object it made is added (its own creations: not needed for revisions). Default true. */
  onAdd?: boolean;
  /** Called for an update of an object with a living controller, after that controller is woken. */
  updated?(old: D, cur: D, owner: O): void;
  /**
   * Whether an update of an owned object can change what its controller does (default: any
   * update). A pod's status changing ContainerCreating → Pending again, or its binding, wakes no
   * ReplicaSet: skipping those keeps a busy rollout from re-syncing once per status write.
   */
  matters?(old: D, cur: D): boolean;
}

/** Handlers for the objects a controller owns (pods, ReplicaSets, revisions…). */
export function ownedObjectHandler<O extends KubeObject, D extends KubeObject>(lookup: ControllerLookup<O>, events: OwnedObjectEvents<O, D>): InformerHandler<D> {
  const wake = (owner: O | undefined) => owner && events.enqueue(owner);
  return {
    onAdd(obj) {
      const owner = lookup.controllerOf(obj);
      if (owner) {
        if (events.onAdd !== false) wake(owner);
        return;
      }
      if (!controllerRefOf(obj) && !obj.metadata?.deletionTimestamp) for (const o of lookup.selecting(obj)) wake(o);
    },
    onUpdate(old, obj) {
      if (old.metadata?.resourceVersion === obj.metadata?.resourceVersion) return;
      const oldRef = controllerRefOf(old);
      const curRef = controllerRefOf(obj);
      const refChanged = JSON.stringify(oldRef) !== JSON.stringify(curRef);
      if (refChanged && oldRef) wake(lookup.controllerOf(old));
      if (curRef) {
        if (!refChanged && events.matters && !events.matters(old, obj)) return;
        const owner = lookup.controllerOf(obj);
        if (owner) {
          wake(owner);
          events.updated?.(old, obj, owner);
        }
        return;
      }
      const labelsChanged = JSON.stringify(old.metadata?.labels ?? {}) !== JSON.stringify(obj.metadata?.labels ?? {});
      if (labelsChanged || refChanged) for (const o of lookup.selecting(obj)) wake(o);
    },
    onDelete: (obj) => wake(lookup.controllerOf(obj)),
  };
}

/**
 * Handlers for the controllers themselves: any change wakes them. With `ignoreStatusOnly`, a write
 * of status alone does not: for a controller whose sync never reads its own status back (the
 * ReplicaSet's), that write is its own report and asks nothing new of it.
 */
export function ownerHandler<O extends KubeObject>(enqueue: (owner: O) => void, opts: { ignoreStatusOnly?: boolean } = {}): InformerHandler<O> {
  return {
    onAdd: enqueue,
    onUpdate: (old, owner) => {
      if (!opts.ignoreStatusOnly || desiredState(old) !== desiredState(owner)) enqueue(owner);
    },
    onDelete: enqueue,
  };
}

function desiredState(obj: KubeObject): string {
  const { status: _status, metadata, ...rest } = obj;
  const { resourceVersion: _rv, managedFields: _mf, ...meta } = metadata ?? {};
  return JSON.stringify([meta, rest]);
}

/**
 * For `updated`: a pod that just became ready is available minReadySeconds later, so its
 * controller looks again then (a second more absorbs clock skew, as upstream does).
 */
export function recheckWhenAvailable<O extends KubeObject & { spec?: { minReadySeconds?: number } }>(
  enqueueAfter: (owner: O, ms: number) => void,
): (old: Pod, pod: Pod, owner: O) => void {
  return (old, pod, owner) => {
    const minReady = owner.spec?.minReadySeconds ?? 0;
    if (minReady > 0 && !isPodReady(old) && isPodReady(pod)) enqueueAfter(owner, minReady * 1000 + 1000);
  };
}

/**
 * What a pod's controller (ReplicaSet, StatefulSet, DaemonSet) looks at: labels, owners, deletion,
 * phase, and readiness with its time (availability counts from it).
 */
export function podChangeMatters(old: Pod, cur: Pod): boolean {
  if (old.metadata?.deletionTimestamp !== cur.metadata?.deletionTimestamp) return true;
  if (old.status?.phase !== cur.status?.phase) return true;
  if (JSON.stringify(old.metadata?.labels ?? {}) !== JSON.stringify(cur.metadata?.labels ?? {})) return true;
  const ready = (p: Pod) => {
    const c = p.status?.conditions?.find((x) => x.type === 'Ready');
    return `${c?.status}/${c?.lastTransitionTime}`;
  };
  if (ready(old) !== ready(cur)) return true;
  const restarts = (p: Pod) => (p.status?.containerStatuses ?? []).map((c) => c.restartCount ?? 0).join(',');
  return restarts(old) !== restarts(cur);
}
