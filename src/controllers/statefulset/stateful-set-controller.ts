// The StatefulSet controller (pkg/controller/statefulset/stateful_set.go): pods and sets from
// shared informers feed one queue of sets; a sync adopts orphaned ControllerRevisions, claims the
// pods named after the set that its selector matches (releasing ones that stop matching), and runs
// the algorithm of stateful-set-control.ts. PersistentVolumeClaims come from their own informer.
import type { ControllerRevision, PersistentVolumeClaim, Pod, StatefulSet } from '../../machinery/api-types.js';
import type { KubeObject } from '../../machinery/object.js';
import { labelSelectorFromObject, matchesLabels } from '../../machinery/selectors/index.js';
import type { ControllerContext, ControllerDefinition, ReconcileResult } from '../runtime/controller.js';
import { objectKey, splitKey } from '../runtime/informer.js';
import { ControllerHistory } from '../workload/controller-history.js';
import { claimObjects } from '../workload/controller-ref.js';
import { indexPodsByController, claimCandidates, indexOrphanPods } from '../workload/pod-indexes.js';
import { controllerLookup, ownedObjectHandler, ownerHandler, podChangeMatters, recheckWhenAvailable } from '../workload/owned-objects.js';
import { StatefulPodControl } from './stateful-pod-control.js';
import { isMemberOf, replicasOf } from './stateful-pod-identity.js';
import { StatefulSetControl, statefulSetKind, type StatefulSetStatus } from './stateful-set-control.js';

export const statefulSetController: ControllerDefinition = {
  name: 'statefulset',
  start: startStatefulSetController,
};

function startStatefulSetController(ctx: ControllerContext) {
  const sets = ctx.informers.forResource<StatefulSet>('apps', 'v1', 'statefulsets');
  const pods = ctx.informers.forResource<Pod>('', 'v1', 'pods');
  const claims = ctx.informers.forResource<PersistentVolumeClaim>('', 'v1', 'persistentvolumeclaims');
  const revisions = ctx.informers.forResource<ControllerRevision>('apps', 'v1', 'controllerrevisions');
  indexPodsByController(pods);
  indexOrphanPods(pods);
  const setClient = ctx.client.resource<StatefulSet>('apps', 'v1', 'statefulsets');
  const podClient = ctx.client.resource<Pod>('', 'v1', 'pods');
  const recorder = ctx.recorder('statefulset-controller');

  const control = new StatefulSetControl({
    history: new ControllerHistory(ctx.client.resource<ControllerRevision>('apps', 'v1', 'controllerrevisions'), revisions),
    podControl: new StatefulPodControl({
      pods: podClient,
      claims: ctx.client.resource<PersistentVolumeClaim>('', 'v1', 'persistentvolumeclaims'),
      podInformer: pods,
      claimInformer: claims,
      recorder,
    }),
    clock: ctx.clock,
    writeStatus,
  });
  const loop = ctx.reconcileLoop((key) => sync(key));

  const lookup = controllerLookup(sets, statefulSetKind.kind, (set) => labelSelectorFromObject(set.spec?.selector));
  const selectorOf = lookup.selectorOf;
  const enqueue = (set: StatefulSet) => loop.enqueue(objectKey(set));
  sets.addHandler(ownerHandler(enqueue));
  pods.addHandler(
    ownedObjectHandler<StatefulSet, Pod>(lookup, {
      enqueue,
      updated: recheckWhenAvailable((set, ms) => loop.enqueueAfter(objectKey(set), ms)),
      matters: podChangeMatters,
    }),
  );

  async function sync(key: string): Promise<ReconcileResult | void> {
    const { namespace, name } = splitKey(key);
    const cached = sets.getByName(namespace, name);
    if (!cached) return;
    const selector = selectorOf(cached);
    if (selector === null) {
      ctx.log.error('invalid selector; not syncing', { key });
      return;
    }
    const set = structuredClone(cached);
    let rechecked: Promise<void> | undefined;
    const recheck = () =>
      (rechecked ??= setClient.find(namespace, name).then((fresh) => {
        if (!fresh || fresh.metadata?.uid !== set.metadata?.uid) {
          throw new Error(`original StatefulSet ${namespace}/${name} is gone: got uid ${fresh?.metadata?.uid ?? ''}, wanted ${set.metadata?.uid}`);
        }
        if (fresh.metadata?.deletionTimestamp) throw new Error(`${namespace}/${name} has just been deleted at ${fresh.metadata.deletionTimestamp}`);
      }));
    await control.adoptOrphanRevisions(set, selector, recheck);

    const owned = await claimObjects(claimCandidates(pods, set.metadata?.uid, namespace), {
      owner: set,
      ownerApiVersion: statefulSetKind.apiVersion,
      ownerKind: statefulSetKind.kind,
      client: podClient,
      matches: (p) => matchesLabels(selector, p.metadata?.labels) && isMemberOf(set, p),
      recheckOwner: () => setClient.find(namespace, name),
    });

    const status = await control.updateStatefulSet(set, selector, owned);
    const minReady = set.spec?.minReadySeconds ?? 0;
    if (status && minReady > 0 && status.availableReplicas !== replicasOf(set)) return { requeueAfterMs: minReady * 1000 };
  }

  async function writeStatus(set: StatefulSet, status: StatefulSetStatus): Promise<void> {
    const wire = goStatus(status);
    await setClient.mutate(set.metadata?.namespace, set.metadata?.name ?? '', (current) => {
      if (current.metadata?.uid !== set.metadata?.uid) return current;
      return { ...current, status: wire } as KubeObject;
    }, 'status');
  }

  return { stop: () => loop.stop() };
}

/** The status as Go serializes it: replicas and availableReplicas always, the rest omitted when empty. */
function goStatus(status: StatefulSetStatus): StatefulSetStatus {
  const out: StatefulSetStatus = { replicas: status.replicas };
  if (status.observedGeneration) out.observedGeneration = status.observedGeneration;
  if (status.readyReplicas) out.readyReplicas = status.readyReplicas;
  if (status.currentReplicas) out.currentReplicas = status.currentReplicas;
  if (status.updatedReplicas) out.updatedReplicas = status.updatedReplicas;
  if (status.currentRevision) out.currentRevision = status.currentRevision;
  if (status.updateRevision) out.updateRevision = status.updateRevision;
  if (status.collisionCount !== undefined) out.collisionCount = status.collisionCount;
  out.availableReplicas = status.availableReplicas ?? 0;
  return out;
}
