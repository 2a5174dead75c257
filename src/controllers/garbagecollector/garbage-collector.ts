// The garbage collector (pkg/controller/garbagecollector): watches every deletable resource's
// metadata, keeps the ownership graph, and
// - deletes an object whose owners are all gone (dangling references), with the propagation its
//   own finalizers ask for (Background by default);
// - finishes foreground deletion: the dependents of an owner carrying foregroundDeletion are
//   deleted (in foreground too, when they block it), and once no blocking dependent is left the
//   finalizer is removed and the owner goes;
// - orphans: the dependents of an owner carrying the orphan finalizer lose their reference to it,
//   then the finalizer is removed;
// - drops references to owners that do not exist, when other owners keep the object.
import type { ResourceClient, ServedResource } from '../../client/local-client.js';
import { isNotFound } from '../../client/local-client.js';
import type { OwnerReference } from '../../machinery/api-types.js';
import type { KubeObject } from '../../machinery/object.js';
import type { ControllerContext, ControllerDefinition, ReconcileLoop } from '../runtime/controller.js';
import { DependencyGraph, foregroundFinalizer, identityKey, orphanFinalizer, type GraphNode, type ObjectIdentity } from './dependency-graph.js';

export const garbageCollectorController: ControllerDefinition = {
  name: 'garbagecollector',
  serviceAccount: 'generic-garbage-collector',
  aliases: ['garbage-collector-controller'],
  start: (ctx) => startGarbageCollector(ctx),
};

/** Events churn too fast and own nothing: kube-controller-manager's GC ignores them too. */
const ignoredResources = new Set(['/events', 'events.k8s.io/events']);

class DanglingLookupError extends Error {}

function startGarbageCollector(ctx: ControllerContext) {
  const recorder = ctx.recorder('garbage-collector-controller');
  const graph = new DependencyGraph({
    attemptToDelete: (node) => deleteLoop.enqueue(node.identity.uid),
    attemptToOrphan: (node) => orphanLoop.enqueue(node.identity.uid),
    invalidNamespaceOwnerRef(dependent, ownerUid) {
      const obj = { apiVersion: dependent.identity.apiVersion, kind: dependent.identity.kind, metadata: { name: dependent.identity.name, namespace: dependent.identity.namespace, uid: dependent.identity.uid } };
      recorder.event(obj, 'Warning', 'OwnerRefInvalidNamespace', `ownerRef [${ownerDescription(dependent, ownerUid)}] does not exist in namespace "${dependent.identity.namespace}"`);
    },
  });
  const deleteLoop: ReconcileLoop = ctx.reconcileLoop((uid) => attemptToDelete(uid), { name: 'attemptToDelete', workers: 20 });
  const orphanLoop: ReconcileLoop = ctx.reconcileLoop((uid) => attemptToOrphan(uid), { name: 'attemptToOrphan', workers: 5 });

  // One metadata informer per storage: a resource served in several versions is watched once.
  // Resources that come and go with CRDs are picked up (and dropped) as the catalogue changes,
  // where kube-controller-manager's collector resyncs its monitors from discovery.
  const watched = new Map<string, ServedResource>();
  function syncMonitors(): void {
    const served = new Map<string, ServedResource>();
    for (const r of ctx.client.resources()) {
      if (!r.verbs.includes('list') || !r.verbs.includes('watch') || !r.verbs.includes('delete')) continue;
      if (ignoredResources.has(`${r.group}/${r.resource}`) || ignoredResources.has(r.storage)) continue;
      const seen = served.get(r.storage);
      // Watch a CRD's resource in its storage version, as every version is the same objects.
      if (!seen || (r.storedInThisVersion && !seen.storedInThisVersion)) served.set(r.storage, r);
    }
    for (const [storage, r] of watched) {
      const now = served.get(storage);
      if (now && now.group === r.group && now.version === r.version && now.resource === r.resource) continue;
      ctx.informers.forget(r.group, r.version, r.resource);
      watched.delete(storage);
    }
    for (const [storage, r] of served) {
      if (watched.has(storage)) continue;
      watched.set(storage, r);
      const informer = ctx.informers.metadataFor(r.group, r.version, r.resource);
      const withKind = (obj: KubeObject): KubeObject => (obj.kind && obj.apiVersion ? obj : { ...obj, apiVersion: r.group ? `${r.group}/${r.version}` : r.version, kind: r.kind });
      informer.addHandler({
        onAdd: (obj) => graph.observe(withKind(obj), undefined),
        onUpdate: (old, obj) => graph.observe(withKind(obj), withKind(old)),
        onDelete: (obj) => graph.observeDeleted(withKind(obj)),
      });
    }
  }
  syncMonitors();
  const unsubscribe = ctx.client.onResourcesChanged(syncMonitors);

  function clientFor(identity: Pick<ObjectIdentity, 'apiVersion' | 'kind'>): ResourceClient {
    const client = ctx.client.forKind(identity.apiVersion, identity.kind);
    if (!client) throw new Error(`unable to get REST mapping for ${identity.apiVersion}/${identity.kind}`);
    return client;
  }

  async function getLive(identity: ObjectIdentity): Promise<KubeObject | undefined> {
    return clientFor(identity).find(identity.namespace || undefined, identity.name);
  }

  async function attemptToDelete(uid: string): Promise<void> {
    const node = graph.get(uid);
    if (!node) return;
    if (node.beingDeleted && !node.deletingDependents) return;
    const live = await getLive(node.identity);
    if (!live || live.metadata?.uid !== node.identity.uid) {
      graph.confirmAbsent(node.identity);
      return;
    }
    if (node.deletingDependents) return processDeletingDependents(node, live);
    const refs = live.metadata?.ownerReferences ?? [];
    if (refs.length === 0) return;
    let classified;
    try {
      classified = await classify(node, refs);
    } catch (err) {
      // Retrying cannot make a cluster-scoped object's namespaced owner valid.
      if (err instanceof DanglingLookupError) {
        ctx.log.error('invalid owner reference; not retrying', { object: describe(node), err: err.message });
        return;
      }
      throw err;
    }
    const { solid, dangling, waiting } = classified;
    if (solid.length) {
      if (dangling.length === 0 && waiting.length === 0) return;
      // Keep the object for its living owners; drop the references that cannot hold it.
      await patchOwnerReferences(node, [...dangling, ...waiting].map((r) => ({ $patch: 'delete', uid: r.uid })));
      return;
    }
    if (waiting.length && node.dependents.size) {
      // An owner waits for us while we have dependents: delete in foreground so it waits for them too;
      // a dependent already deleting in foreground would deadlock us, so stop blocking our owners.
      if ([...node.dependents].some((dep) => dep.deletingDependents)) {
        await patchOwnerReferences(node, waiting.map((r) => ({ uid: r.uid, blockOwnerDeletion: false })));
      }
      await deleteObject(node, live, 'Foreground');
      return;
    }
    const finalizers = live.metadata?.finalizers ?? [];
    const policy = finalizers.includes(orphanFinalizer) ? 'Orphan' : finalizers.includes(foregroundFinalizer) ? 'Foreground' : 'Background';
    await deleteObject(node, live, policy);
  }

  async function classify(node: GraphNode, refs: OwnerReference[]) {
    const solid: OwnerReference[] = [];
    const dangling: OwnerReference[] = [];
    const waiting: OwnerReference[] = [];
    for (const ref of refs) {
      const owner = await ownerOf(node, ref);
      if (!owner) dangling.push(ref);
      else if (owner.metadata?.deletionTimestamp && owner.metadata.finalizers?.includes(foregroundFinalizer)) waiting.push(ref);
      else solid.push(ref);
    }
    return { solid, dangling, waiting };
  }

  /** The owner a reference names, or undefined when it is absent (or another object of that name). */
  async function ownerOf(node: GraphNode, ref: OwnerReference): Promise<KubeObject | undefined> {
    const clusterKey = identityKey({ apiVersion: ref.apiVersion, kind: ref.kind, namespace: '', name: ref.name, uid: ref.uid });
    const namespacedKey = identityKey({ apiVersion: ref.apiVersion, kind: ref.kind, namespace: node.identity.namespace, name: ref.name, uid: ref.uid });
    if (graph.absentOwners.has(clusterKey) || graph.absentOwners.has(namespacedKey)) return undefined;
    const client = clientFor(ref);
    if (!node.identity.namespace && client.info.namespaced) {
      throw new DanglingLookupError(`cluster-scoped ${node.identity.kind} ${node.identity.name} refers to namespaced owner ${ref.kind} ${ref.name}`);
    }
    const owner = await client.find(client.info.namespaced ? node.identity.namespace : undefined, ref.name);
    if (!owner || owner.metadata?.uid !== ref.uid) {
      graph.absentOwners.add(client.info.namespaced ? namespacedKey : clusterKey);
      return undefined;
    }
    return owner;
  }

  async function deleteObject(node: GraphNode, live: KubeObject, propagationPolicy: 'Background' | 'Foreground' | 'Orphan'): Promise<void> {
    try {
      await clientFor(node.identity).delete(node.identity.namespace || undefined, node.identity.name, {
        preconditions: { uid: node.identity.uid, resourceVersion: live.metadata?.resourceVersion },
        propagationPolicy,
      });
      ctx.log.info('deleted an object whose owners are gone', { object: describe(node), propagationPolicy });
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }

  async function processDeletingDependents(node: GraphNode, live: KubeObject): Promise<void> {
    const blocking = node.blockingDependents();
    if (blocking.length === 0) {
      await removeFinalizer(node, live, foregroundFinalizer);
      return;
    }
    for (const dep of blocking) if (!dep.deletingDependents) deleteLoop.enqueue(dep.identity.uid);
  }

  async function attemptToOrphan(uid: string): Promise<void> {
    const node = graph.get(uid);
    if (!node) return;
    for (const dep of [...node.dependents]) {
      await patchOwnerReferences(dep, [{ $patch: 'delete', uid }]);
    }
    const live = await getLive(node.identity);
    if (live && live.metadata?.uid === uid) await removeFinalizer(node, live, orphanFinalizer);
  }

  async function patchOwnerReferences(node: GraphNode, ownerReferences: Record<string, unknown>[]): Promise<void> {
    try {
      await clientFor(node.identity).patch(node.identity.namespace || undefined, node.identity.name, 'strategic', {
        metadata: { ownerReferences, uid: node.identity.uid },
      });
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }

  async function removeFinalizer(node: GraphNode, live: KubeObject, finalizer: string): Promise<void> {
    if (!live.metadata?.finalizers?.includes(finalizer)) return;
    try {
      await clientFor(node.identity).mutate(node.identity.namespace || undefined, node.identity.name, (current) => {
        if (current.metadata?.uid !== node.identity.uid) return current;
        const finalizers = (current.metadata.finalizers ?? []).filter((f) => f !== finalizer);
        const metadata = { ...current.metadata };
        if (finalizers.length) metadata.finalizers = finalizers;
        else delete metadata.finalizers;
        return { ...current, metadata };
      });
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }

  return {
    stop() {
      unsubscribe();
      deleteLoop.stop();
      orphanLoop.stop();
    },
  };
}

function describe(node: GraphNode): string {
  const id = node.identity;
  return `${id.apiVersion}/${id.kind} ${id.namespace ? `${id.namespace}/` : ''}${id.name}`;
}

function ownerDescription(dependent: GraphNode, ownerUid: string): string {
  const ref = dependent.owners.find((r) => r.uid === ownerUid);
  return ref ? `${ref.apiVersion}/${ref.kind}, namespace: ${dependent.identity.namespace}, name: ${ref.name}, uid: ${ref.uid}` : ownerUid;
}
