// The namespace lifecycle controller: when a namespace is being deleted, delete everything in it,
// and once it is empty remove the "kubernetes" finalizer so the namespace itself goes (as
// kube-controller-manager's namespace controller does). Objects with finalizers of their own keep
// the namespace Terminating until something removes them, as on a real cluster.
import type { Namespace } from '../../machinery/api-types.js';
import type { ControllerContext, ControllerDefinition } from '../runtime/controller.js';

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
  // Every namespaced resource that has its own storage (events.k8s.io/v1 shares core events').
  const seenStorage = new Set<string>();
  const contents = ctx.client.resources().filter((r) => {
    if (!r.namespaced || !r.verbs.includes('list') || !r.verbs.includes('delete') || seenStorage.has(r.storage)) return false;
    seenStorage.add(r.storage);
    return true;
  }).map((r) => ctx.client.resource(r.group, r.version, r.resource));

  // Level-based: look at the namespace as it is now, whatever event brought us here.
  const loop = ctx.reconcileLoop(async (name) => {
    const ns = informer.getByName(undefined, name);
    if (!ns?.metadata?.deletionTimestamp || !(ns.spec?.finalizers ?? []).includes(finalizerName)) return;
    let remaining = 0;
    for (const resource of contents) {
      if ((await resource.count(name)) === 0) continue;
      await resource.deleteCollection(name, { propagationPolicy: 'Background' });
      remaining += await resource.count(name);
    }
    if (remaining > 0) return { requeueAfterMs: recheckMs };
    await namespaces.mutate(undefined, name, (current) => ({
      ...current,
      spec: { ...current.spec, finalizers: (current.spec?.finalizers ?? []).filter((f) => f !== finalizerName) },
    }), 'finalize');
    ctx.log.info('namespace emptied and finalized', { namespace: name });
  });

  const enqueueIfDeleting = (ns: Namespace) => {
    if (ns.metadata?.deletionTimestamp && ns.metadata.name) loop.enqueue(ns.metadata.name);
  };
  informer.addHandler({ onAdd: enqueueIfDeleting, onUpdate: (_old, ns) => enqueueIfDeleting(ns) });
  return loop;
}
