// The ReplicaSet and ReplicationController controllers (pkg/controller/replicaset): keep
// spec.replicas active pods matching the selector, adopting matching orphans and releasing pods
// that stop matching; create missing pods in slow-start batches (1, 2, 4, …, stopping at the
// first failure) and delete surplus pods in the order pod-ranking.ts gives; report replicas,
// fullyLabeled, ready, available and terminating counts, observedGeneration and the
// ReplicaFailure condition in status. Both kinds share this code; what differs is data.
import type { Pod, ReplicaSet } from '../../machinery/api-types.js';
import type { KubeObject } from '../../machinery/object.js';
import { isApiError } from '../../apierrors/index.js';
import { labelSelectorFromObject, labelSelectorFromSet, matchesLabels, type LabelSelector } from '../../machinery/selectors/index.js';
import type { ControllerContext, ControllerDefinition, ReconcileResult } from '../runtime/controller.js';
import { objectKey, splitKey } from '../runtime/informer.js';
import { claimObjects, controllerRefOf, newControllerRef } from '../workload/controller-ref.js';
import { isPodActive, isPodAvailable, isPodReady, isPodTerminating, msUntilAvailable } from '../workload/pod-status.js';
import { rankPodsForDeletion } from '../workload/pod-ranking.js';
import { podFromTemplate, podNamePrefix } from '../workload/pod-template.js';
import { controllerUidIndex, indexOrphanPods, indexPodsByController, orphanPodsIndex } from '../workload/pod-indexes.js';
import { controllerLookup, ownedObjectHandler, ownerHandler, podChangeMatters, recheckWhenAvailable } from '../workload/owned-objects.js';
import { slowStartBatch } from '../workload/slow-start.js';
import { OwnedPodTally } from './owned-pod-tally.js';

type ReplicaSetLike = ReplicaSet;
type Condition = NonNullable<NonNullable<ReplicaSet['status']>['conditions']>[number];

/** What the two kinds differ in. */
interface ReplicatedKind {
  controllerName: string;
  component: string;
  group: string;
  version: string;
  resource: string;
  apiVersion: string;
  kind: string;
  /** The compiled selector of a (valid) object. */
  selector(obj: ReplicaSetLike): LabelSelector;
}

const replicaSetKind: ReplicatedKind = {
  controllerName: 'replicaset',
  component: 'replicaset-controller',
  group: 'apps',
  version: 'v1',
  resource: 'replicasets',
  apiVersion: 'apps/v1',
  kind: 'ReplicaSet',
  selector: (rs) => labelSelectorFromObject(rs.spec?.selector),
};

const replicationControllerKind: ReplicatedKind = {
  controllerName: 'replicationcontroller',
  component: 'replication-controller',
  group: '',
  version: 'v1',
  resource: 'replicationcontrollers',
  apiVersion: 'v1',
  kind: 'ReplicationController',
  selector: (rc) => labelSelectorFromSet((rc.spec as { selector?: Record<string, string> } | undefined)?.selector),
};

/** kube-controller-manager creates or deletes at most this many pods per sync. */
const burstReplicas = 500;

export const replicaSetController: ControllerDefinition = {
  name: replicaSetKind.controllerName,
  start: (ctx) => startReplicatedController(ctx, replicaSetKind),
};

export const replicationControllerController: ControllerDefinition = {
  name: replicationControllerKind.controllerName,
  serviceAccount: 'replication-controller',
  start: (ctx) => startReplicatedController(ctx, replicationControllerKind),
};

function startReplicatedController(ctx: ControllerContext, kind: ReplicatedKind) {
  const owners = ctx.informers.forResource<ReplicaSetLike>(kind.group, kind.version, kind.resource);
  const pods = ctx.informers.forResource<Pod>('', 'v1', 'pods');
  indexPodsByController(pods);
  indexOrphanPods(pods);
  const ownerClient = ctx.client.resource<ReplicaSetLike>(kind.group, kind.version, kind.resource);
  const podClient = ctx.client.resource<Pod>('', 'v1', 'pods');
  const recorder = ctx.recorder(kind.component);
  const lookup = controllerLookup(owners, kind.kind, kind.selector);
  const readyResults = new WeakMap<Pod, boolean>();
  const readiness = (p: Pod) => {
    let r = readyResults.get(p);
    if (r === undefined) readyResults.set(p, (r = isPodReady(p)));
    return r;
  };
  // A sync looks at every pod of its ReplicaSet; informer objects never change, so whether one
  // matches a (cached, compiled) selector is worked out once per pod version, not once per sync.
  const matchResults = new WeakMap<LabelSelector, WeakMap<Pod, boolean>>();
  const memoizedMatch = (selector: LabelSelector) => {
    let results = matchResults.get(selector);
    if (!results) matchResults.set(selector, (results = new WeakMap()));
    const known = results;
    return (p: Pod) => {
      let m = known.get(p);
      if (m === undefined) known.set(p, (m = matchesLabels(selector, p.metadata?.labels)));
      return m;
    };
  };
  const tally = new OwnedPodTally();
  // Counted before the ReplicaSet is woken, so its sync sees the counts of this change.
  pods.addHandler({ onAdd: (p) => tally.observe(undefined, p), onUpdate: (o, p) => tally.observe(o, p), onDelete: (p) => tally.observe(p, undefined) });
  owners.addHandler({ onDelete: (o) => tally.forget(o.metadata?.uid ?? '') });
  const loop = ctx.reconcileLoop((key) => sync(key));
  const enqueue = (owner: ReplicaSetLike) => loop.enqueue(objectKey(owner));
  owners.addHandler(ownerHandler(enqueue, { ignoreStatusOnly: true }));
  pods.addHandler(
    ownedObjectHandler<ReplicaSetLike, Pod>(lookup, {
      enqueue,
      updated: recheckWhenAvailable((owner, ms) => loop.enqueueAfter(objectKey(owner), ms)),
      matters: podChangeMatters,
    }),
  );

  async function sync(key: string): Promise<ReconcileResult | void> {
    const { namespace, name } = splitKey(key);
    const owner = owners.getByName(namespace, name);
    if (!owner) return;
    const selector = lookup.selectorOf(owner);
    if (selector === null) {
      ctx.log.error('invalid selector; not syncing', { key });
      return;
    }
    const matches = memoizedMatch(selector);
    const ownerUid = owner.metadata?.uid;
    const wanted = owner.spec?.replicas ?? 1;
    const minReady = owner.spec?.minReadySeconds ?? 0;
    // The usual case in a rollout: nothing to create, delete, adopt or release; only the counts moved.
    const counts = tally.tally(owner, selector, () => pods.byIndex(controllerUidIndex, ownerUid ?? ''));
    const adoptable = pods.byIndex(orphanPodsIndex, namespace ?? '').some((p) => isPodActive(p) && matches(p));
    if (counts.mismatched === 0 && !adoptable && (counts.active === wanted || owner.metadata?.deletionTimestamp) && minReady === 0) {
      await writeStatus(owner, statusFromCounts(owner, counts.active, counts.fullyLabeled, counts.ready, counts.ready, counts.terminating, undefined));
      return;
    }
    // One pass over the ReplicaSet's own pods: most match and need no claim; only the rest (pods to
    // release, orphans to adopt) go through the claim, with its writes.
    const active: Pod[] = [];
    const toClaim: Pod[] = [];
    let terminating = 0;
    for (const p of pods.byIndex(controllerUidIndex, ownerUid ?? '')) {
      if (!matches(p)) {
        if (isPodActive(p)) toClaim.push(p);
      } else if (isPodActive(p)) active.push(p);
      else if (isPodTerminating(p)) terminating++;
    }
    for (const p of pods.byIndex(orphanPodsIndex, namespace ?? '')) if (isPodActive(p) && matches(p)) toClaim.push(p);
    if (toClaim.length) {
      const claimed = await claimObjects(toClaim, {
        owner,
        ownerApiVersion: kind.apiVersion,
        ownerKind: kind.kind,
        client: podClient,
        matches,
        recheckOwner: () => ownerClient.find(namespace, name),
      });
      active.push(...claimed);
    }

    let manageError: Error | undefined;
    const manageChanged = !owner.metadata?.deletionTimestamp && active.length !== wanted;
    if (!owner.metadata?.deletionTimestamp) {
      try {
        await manageReplicas(owner, active);
      } catch (err) {
        manageError = err instanceof Error ? err : new Error(String(err));
      }
    }
    // Pods created or deleted just now are in the informer already (writes are seen by the time they return).
    const current = manageChanged ? pods.byIndex(controllerUidIndex, ownerUid ?? '').filter((p) => isPodActive(p) && matches(p)) : active;
    const status = computeStatus(owner, current, terminating, manageError);
    await writeStatus(owner, status);
    if (manageError) throw manageError;

    if (minReady > 0 && status.readyReplicas === status.replicas && status.availableReplicas !== status.replicas) {
      const now = ctx.clock.now();
      const waits = current.map((p) => msUntilAvailable(p, minReady, now)).filter((w): w is number => w !== undefined);
      return { requeueAfterMs: waits.length ? Math.min(...waits) : minReady * 1000 };
    }
  }

  async function manageReplicas(owner: ReplicaSetLike, active: Pod[]): Promise<void> {
    const wanted = owner.spec?.replicas ?? 1;
    const namespace = owner.metadata?.namespace;
    const diff = active.length - wanted;
    if (diff < 0) {
      const toCreate = Math.min(-diff, burstReplicas);
      const ref = newControllerRef(owner, kind.apiVersion, kind.kind);
      const result = await slowStartBatch(toCreate, 1, async () => {
        const pod = podFromTemplate(owner.spec?.template, podNamePrefix(owner.metadata?.name ?? ''), ref);
        try {
          const created = await podClient.create(namespace, pod);
          recorder.event(owner, 'Normal', 'SuccessfulCreate', `Created pod: ${created.metadata?.name}`);
        } catch (err) {
          // A namespace being deleted refuses new pods: not the controller's failure.
          if (isApiError(err) && err.status.details?.causes?.some((c) => c.reason === 'NamespaceTerminating')) return;
          recorder.event(owner, 'Warning', 'FailedCreate', `Error creating: ${err instanceof Error ? err.message : String(err)}`);
          throw err;
        }
      });
      if (result.error) throw result.error;
    } else if (diff > 0) {
      const toDelete = Math.min(diff, burstReplicas);
      const victims = rankPodsForDeletion(active, relatedPods(owner), ctx.clock.now()).slice(0, toDelete);
      const results = await Promise.allSettled(
        victims.map(async (pod) => {
          try {
            await podClient.delete(namespace, pod.metadata?.name ?? '', { preconditions: { uid: pod.metadata?.uid } });
            recorder.event(owner, 'Normal', 'SuccessfulDelete', `Deleted pod: ${pod.metadata?.name}`);
          } catch (err) {
            if (isApiError(err) && err.code === 404) return;
            recorder.event(owner, 'Warning', 'FailedDelete', `Error deleting: ${err instanceof Error ? err.message : String(err)}`);
            throw err;
          }
        }),
      );
      const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failed) throw failed.reason;
    }
  }

  // For ranking: the pods of every ReplicaSet sharing this one's controller (a Deployment's other revisions).
  function relatedPods(owner: ReplicaSetLike): Pod[] {
    const ownerRef = controllerRefOf(owner);
    if (!ownerRef) return pods.byIndex(controllerUidIndex, owner.metadata?.uid ?? '');
    const siblings = owners.list(owner.metadata?.namespace ?? '').filter((o) => controllerRefOf(o)?.uid === ownerRef.uid);
    return siblings.flatMap((o) => pods.byIndex(controllerUidIndex, o.metadata?.uid ?? ''));
  }

  function computeStatus(owner: ReplicaSetLike, active: Pod[], terminating: number, manageError: Error | undefined): NonNullable<ReplicaSetLike['status']> {
    const now = ctx.clock.now();
    const minReady = owner.spec?.minReadySeconds ?? 0;
    const templateLabels = Object.entries(owner.spec?.template?.metadata?.labels ?? {});
    let fullyLabeled = 0;
    let ready = 0;
    let available = 0;
    for (const p of active) {
      const labels = p.metadata?.labels ?? {};
      if (templateLabels.every(([k, v]) => labels[k] === v)) fullyLabeled++;
      if (readiness(p)) {
        ready++;
        if (minReady === 0 || isPodAvailable(p, minReady, now)) available++;
      }
    }
    return statusFromCounts(owner, active.length, fullyLabeled, ready, available, terminating, manageError);
  }

  function statusFromCounts(
    owner: ReplicaSetLike,
    replicas: number,
    fullyLabeled: number,
    ready: number,
    available: number,
    terminating: number,
    manageError: Error | undefined,
  ): NonNullable<ReplicaSetLike['status']> {
    const now = ctx.clock.now();
    const previous = owner.status ?? { replicas: 0 };
    let conditions: Condition[] = [...(previous.conditions ?? [])];
    const failure = conditions.find((c) => c.type === 'ReplicaFailure');
    if (manageError && !failure) {
      const diff = replicas - (owner.spec?.replicas ?? 1);
      conditions.push({
        type: 'ReplicaFailure',
        status: 'True',
        lastTransitionTime: new Date(now).toISOString().replace(/\.\d{3}Z$/, 'Z'),
        reason: diff < 0 ? 'FailedCreate' : 'FailedDelete',
        message: manageError.message,
      });
    } else if (!manageError && failure) {
      conditions = conditions.filter((c) => c.type !== 'ReplicaFailure');
    }
    // As Go serializes the status: replicas always, the omitempty counters only when not zero.
    const status: NonNullable<ReplicaSetLike['status']> = { replicas };
    if (fullyLabeled) status.fullyLabeledReplicas = fullyLabeled;
    if (ready) status.readyReplicas = ready;
    if (available) status.availableReplicas = available;
    if (kind.kind === 'ReplicaSet') status.terminatingReplicas = terminating;
    if (owner.metadata?.generation) status.observedGeneration = owner.metadata.generation;
    if (conditions.length) status.conditions = conditions;
    return status;
  }

  async function writeStatus(owner: ReplicaSetLike, status: NonNullable<ReplicaSetLike['status']>): Promise<void> {
    const previous = owner.status ?? {};
    if (sameStatus(previous, status)) return;
    await ownerClient.mutate(owner.metadata?.namespace, owner.metadata?.name ?? '', (current) => {
      if (current.metadata?.uid !== owner.metadata?.uid) return current;
      return { ...current, status } as KubeObject;
    }, 'status');
  }

  return {
    stop: () => loop.stop(),
  };
}

function sameStatus(a: object, b: object): boolean {
  const norm = (s: object) => JSON.stringify(Object.entries(s).sort(([x], [y]) => (x < y ? -1 : 1)));
  return norm(a) === norm(b);
}
