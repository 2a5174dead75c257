// The namespace lifecycle controller: when a namespace is being deleted, delete everything in it,
// and once it is empty remove the "kubernetes" finalizer so the namespace itself goes (as
// kube-controller-manager's namespace controller does). Objects with finalizers of their own keep
// the namespace Terminating until something removes them, as on a real cluster.
import type { Namespace } from '../../machinery/api-types.js';
import type { ControllerContext, ControllerDefinition } from '../runtime/controller.js';
import { conditionTime } from '../../machinery/pod-conditions.js';

const finalizerName = 'kubernetes';
/** How soon to look again at a namespace whose content is not gone yet. */
const recheckMs = 1000;

export const namespaceController: ControllerDefinition = {
  name: 'namespace',
  start: (ctx) => startNamespaceController(ctx),
};

function startNamespaceController(ctx: ControllerContext) {
  const namespaces = ctx.client.resource<Namespace>('', 'v1', 'namespaces');
  const informer = ctx.informers.forResource<Namespace>('', 'v1', 'namespaces');
  // Every namespaced resource that has its own storage (events.k8s.io/v1 shares core events'),
  // looked up at each deletion as the real deleter asks discovery: custom resources included.
  const namespacedContents = () => {
    const seenStorage = new Set<string>();
    return ctx.client.resources().filter((r) => {
      if (!r.namespaced || !r.verbs.includes('list') || !r.verbs.includes('delete') || seenStorage.has(r.storage)) return false;
      seenStorage.add(r.storage);
      return true;
    }).map((r) => ctx.client.resource(r.group, r.version, r.resource));
  };

  // Level-based: look at the namespace as it is now, whatever event brought us here.
  const loop = ctx.reconcileLoop(async (name) => {
    const ns = informer.getByName(undefined, name);
    if (!ns?.metadata?.deletionTimestamp || !(ns.spec?.finalizers ?? []).includes(finalizerName)) return;
    const left: Remaining = { resources: new Map(), finalizers: new Map() };
    for (const resource of namespacedContents()) {
      if ((await resource.count(name)) === 0) continue;
      await resource.deleteCollection(name, { propagationPolicy: 'Background' });
      const { items } = await resource.list(name);
      if (items.length === 0) continue;
      left.resources.set(`${resource.info.resource}.${resource.info.group}`, items.length);
      for (const item of items) for (const f of item.metadata?.finalizers ?? []) left.finalizers.set(f, (left.finalizers.get(f) ?? 0) + 1);
    }
    await reportDeletionConditions(ns, left);
    if (left.resources.size > 0) return { requeueAfterMs: recheckMs };
    await namespaces.mutate(undefined, name, (current) => ({
      ...current,
      spec: { ...current.spec, finalizers: (current.spec?.finalizers ?? []).filter((f) => f !== finalizerName) },
    }), 'finalize');
    ctx.log.info('namespace emptied and finalized', { namespace: name });
  });

  /** The conditions a terminating namespace shows, written when they change (as the real deleter's updateNamespaceStatusFunc). */
  async function reportDeletionConditions(ns: Namespace, left: Remaining): Promise<void> {
    const wanted = deletionConditions(left);
    const current = ns.status?.conditions ?? [];
    const same = wanted.length === current.length && wanted.every((w) => current.some((c) => c.type === w.type && c.status === w.status && c.reason === w.reason && c.message === w.message));
    if (same) return;
    const now = conditionTime(ctx.clock.now());
    await namespaces.mutate(undefined, ns.metadata?.name ?? '', (latest) => {
      const before = latest.status?.conditions ?? [];
      const conditions = wanted.map((w) => {
        const old = before.find((c) => c.type === w.type);
        return { ...w, lastTransitionTime: old && old.status === w.status ? old.lastTransitionTime : now };
      });
      return { ...latest, status: { ...latest.status, conditions } };
    }, 'status');
  }

  const enqueueIfDeleting = (ns: Namespace) => {
    if (ns.metadata?.deletionTimestamp && ns.metadata.name) loop.enqueue(ns.metadata.name);
  };
  informer.addHandler({ onAdd: enqueueIfDeleting, onUpdate: (_old, ns) => enqueueIfDeleting(ns) });
  return loop;
}

interface Remaining {
  /** "<resource>.<group>" → objects left. */
  resources: Map<string, number>;
  /** finalizer → objects that still carry it. */
  finalizers: Map<string, number>;
}

/** The five NamespaceDeletion… conditions, in the order and words of kube-controller-manager. */
function deletionConditions(left: Remaining): { type: string; status: string; reason: string; message: string }[] {
  const list = (m: Map<string, number>, word: string) => [...m].map(([k, n]) => `${k} ${word} ${n} resource instances`).sort().join(', ');
  return [
    { type: 'NamespaceDeletionDiscoveryFailure', status: 'False', reason: 'ResourcesDiscovered', message: 'All resources successfully discovered' },
    { type: 'NamespaceDeletionGroupVersionParsingFailure', status: 'False', reason: 'ParsedGroupVersions', message: 'All legacy kube types successfully parsed' },
    { type: 'NamespaceDeletionContentFailure', status: 'False', reason: 'ContentDeleted', message: 'All content successfully deleted, may be waiting on finalization' },
    left.resources.size
      ? { type: 'NamespaceContentRemaining', status: 'True', reason: 'SomeResourcesRemain', message: `Some resources are remaining: ${list(left.resources, 'has')}` }
      : { type: 'NamespaceContentRemaining', status: 'False', reason: 'ContentRemoved', message: 'All content successfully removed' },
    left.finalizers.size
      ? { type: 'NamespaceFinalizersRemaining', status: 'True', reason: 'SomeFinalizersRemain', message: `Some content in the namespace has finalizers remaining: ${list(left.finalizers, 'in')}` }
      : { type: 'NamespaceFinalizersRemaining', status: 'False', reason: 'ContentHasNoFinalizers', message: 'All content-preserving finalizers finished' },
  ];
}
