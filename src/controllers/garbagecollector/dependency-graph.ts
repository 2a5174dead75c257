// The garbage collector's picture of ownership (pkg/controller/garbagecollector's GraphBuilder):
// a node per object uid with its owner references and its dependents. Objects seen by an informer
// are real nodes; an owner only known from a dependent's reference is a virtual node until it is
// seen or confirmed absent. Changes decide what to look at next: dependents of a deleted owner, an
// owner starting foreground deletion, an owner starting to orphan.
import type { OwnerReference } from '../../machinery/api-types.js';
import type { KubeObject } from '../../machinery/object.js';

export const orphanFinalizer = 'orphan';
export const foregroundFinalizer = 'foregroundDeletion';

export interface ObjectIdentity {
  apiVersion: string;
  kind: string;
  /** "" for cluster-scoped objects (and for virtual owners of cluster-scoped dependents). */
  namespace: string;
  name: string;
  uid: string;
}

export class GraphNode {
  readonly dependents = new Set<GraphNode>();
  owners: OwnerReference[] = [];
  beingDeleted = false;
  deletingDependents = false;

  constructor(
    public identity: ObjectIdentity,
    /** Known only from a dependent's ownerReference. */
    public virtual: boolean,
  ) {}

  /** Dependents that block this node's foreground deletion. */
  blockingDependents(): GraphNode[] {
    return [...this.dependents].filter((dep) => dep.owners.some((r) => r.uid === this.identity.uid && r.blockOwnerDeletion === true));
  }
}

export function identityKey(id: ObjectIdentity): string {
  return [id.apiVersion, id.kind, id.namespace, id.name, id.uid].join('\u0000');
}

export function identityOf(obj: KubeObject): ObjectIdentity {
  const m = obj.metadata ?? {};
  return { apiVersion: obj.apiVersion ?? '', kind: obj.kind ?? '', namespace: m.namespace ?? '', name: m.name ?? '', uid: m.uid ?? '' };
}

function ownerIdentity(ref: OwnerReference, namespace: string): ObjectIdentity {
  return { apiVersion: ref.apiVersion, kind: ref.kind, namespace, name: ref.name, uid: ref.uid };
}

const sameIdentity = (a: ObjectIdentity, b: ObjectIdentity) => identityKey(a) === identityKey(b);
const hasFinalizer = (obj: KubeObject | undefined, f: string) => obj?.metadata?.finalizers?.includes(f) ?? false;
const beingDeleted = (obj: KubeObject | undefined) => !!obj?.metadata?.deletionTimestamp;
const deletingWith = (obj: KubeObject | undefined, f: string) => beingDeleted(obj) && hasFinalizer(obj, f);

export interface GraphActions {
  /** Look at this node: delete it if its owners are gone, finish its foreground deletion… */
  attemptToDelete(node: GraphNode): void;
  /** Its dependents are to be orphaned, then its orphan finalizer removed. */
  attemptToOrphan(node: GraphNode): void;
  /** A dependent refers to a namespaced owner in another namespace: the reference cannot be valid. */
  invalidNamespaceOwnerRef(dependent: GraphNode, ownerUid: string): void;
}

export class DependencyGraph {
  private readonly nodes = new Map<string, GraphNode>();
  /** Owners confirmed absent, by identity: their dependents' references are dangling. */
  readonly absentOwners = new Set<string>();

  constructor(private readonly actions: GraphActions) {}

  get(uid: string): GraphNode | undefined {
    return this.nodes.get(uid);
  }

  size(): number {
    return this.nodes.size;
  }

  /** An informer saw the object added or changed. */
  observe(obj: KubeObject, old: KubeObject | undefined): void {
    const identity = identityOf(obj);
    let node = this.nodes.get(identity.uid);
    if (node && node.virtual) {
      // A virtual owner is now seen: dependents that named it differently must be looked at again.
      if (!sameIdentity(node.identity, identity)) {
        for (const dep of node.dependents) {
          const ref = dep.owners.find((r) => r.uid === identity.uid);
          if (!ref || ref.apiVersion !== identity.apiVersion || ref.kind !== identity.kind || ref.name !== identity.name || (identity.namespace && dep.identity.namespace !== identity.namespace)) {
            if (identity.namespace && dep.identity.namespace !== identity.namespace) this.actions.invalidNamespaceOwnerRef(dep, identity.uid);
            this.actions.attemptToDelete(dep);
          }
        }
        node.identity = identity;
      }
      node.virtual = false;
    }
    const owners = obj.metadata?.ownerReferences ?? [];
    if (!node) {
      node = new GraphNode(identity, false);
      node.owners = owners;
      node.beingDeleted = beingDeleted(obj);
      node.deletingDependents = node.beingDeleted && hasFinalizer(obj, foregroundFinalizer);
      this.nodes.set(identity.uid, node);
      this.addToOwners(node, owners);
    } else {
      const { added, removed, changed } = referenceDiffs(node.owners, owners);
      if (added.length || removed.length || changed.length) {
        this.unblockedOwners(removed, changed);
        node.owners = owners;
        this.addToOwners(node, added);
        for (const ref of removed) this.nodes.get(ref.uid)?.dependents.delete(node);
      }
      if (beingDeleted(obj)) node.beingDeleted = true;
    }
    this.transitions(old, obj, node);
  }

  /** An informer saw the object deleted. */
  observeDeleted(obj: KubeObject): void {
    const node = this.nodes.get(obj.metadata?.uid ?? '');
    if (!node) return;
    this.remove(node, identityOf(obj));
  }

  /** The API server says this identity does not exist (a virtual node's owner, or a stale node). */
  confirmAbsent(identity: ObjectIdentity): void {
    const node = this.nodes.get(identity.uid);
    if (!node) return;
    if (!node.virtual && !sameIdentity(node.identity, identity)) {
      // A real node named otherwise: only the dependents that named this identity are dangling.
      const matching = [...node.dependents].filter((dep) => dep.owners.some((r) => r.uid === identity.uid && r.apiVersion === identity.apiVersion && r.kind === identity.kind && r.name === identity.name));
      if (matching.length) {
        this.absentOwners.add(identityKey(identity));
        for (const dep of matching) this.actions.attemptToDelete(dep);
      }
      return;
    }
    if (node.virtual) {
      const [matching, others] = partition(node.dependents, (dep) => dep.owners.some((r) => r.uid === identity.uid && r.apiVersion === identity.apiVersion && r.kind === identity.kind && r.name === identity.name));
      if (others.length) {
        // Some dependents know this owner by other coordinates: keep the node for them.
        if (matching.length) {
          this.absentOwners.add(identityKey(identity));
          for (const dep of matching) this.actions.attemptToDelete(dep);
        }
        if (sameIdentity(node.identity, identity)) {
          const ref = others[0]!.owners.find((r) => r.uid === identity.uid)!;
          node.identity = ownerIdentity(ref, others[0]!.identity.namespace);
          this.actions.attemptToDelete(node);
        }
        return;
      }
    }
    this.remove(node, identity);
  }

  private remove(node: GraphNode, identity: ObjectIdentity): void {
    this.nodes.delete(node.identity.uid);
    for (const ref of node.owners) this.nodes.get(ref.uid)?.dependents.delete(node);
    if (node.dependents.size) this.absentOwners.add(identityKey(identity));
    for (const dep of node.dependents) this.actions.attemptToDelete(dep);
    // An owner waiting for its dependents may now be free to go.
    for (const ref of node.owners) {
      const owner = this.nodes.get(ref.uid);
      if (owner?.deletingDependents) this.actions.attemptToDelete(owner);
    }
  }

  private addToOwners(node: GraphNode, refs: readonly OwnerReference[]): void {
    for (const ref of refs) {
      let owner = this.nodes.get(ref.uid);
      if (!owner) {
        owner = new GraphNode(ownerIdentity(ref, node.identity.namespace), true);
        this.nodes.set(ref.uid, owner);
        owner.dependents.add(node);
        // Does it exist? attemptToDelete asks the API server and confirms it absent if not.
        this.actions.attemptToDelete(owner);
        continue;
      }
      owner.dependents.add(node);
      const ownerNamespace = owner.identity.namespace;
      if (ownerNamespace && ownerNamespace !== node.identity.namespace) {
        if (!owner.virtual) this.actions.invalidNamespaceOwnerRef(node, ref.uid);
        this.actions.attemptToDelete(node);
      }
    }
  }

  // Removed references, or references no longer blocking, may let a foreground deletion finish.
  private unblockedOwners(removed: OwnerReference[], changed: { old: OwnerReference; now: OwnerReference }[]): void {
    const candidates = [
      ...removed.filter((r) => r.blockOwnerDeletion === true),
      ...changed.filter((c) => c.old.blockOwnerDeletion === true && c.now.blockOwnerDeletion !== true).map((c) => c.now),
    ];
    for (const ref of candidates) {
      const owner = this.nodes.get(ref.uid);
      if (owner?.deletingDependents) this.actions.attemptToDelete(owner);
    }
  }

  private transitions(old: KubeObject | undefined, obj: KubeObject, node: GraphNode): void {
    if (deletingWith(obj, orphanFinalizer) && !deletingWith(old, orphanFinalizer)) {
      this.actions.attemptToOrphan(node);
      return;
    }
    if (deletingWith(obj, foregroundFinalizer) && !deletingWith(old, foregroundFinalizer)) {
      node.deletingDependents = true;
      for (const dep of node.dependents) this.actions.attemptToDelete(dep);
      this.actions.attemptToDelete(node);
    }
  }
}

function referenceDiffs(old: readonly OwnerReference[], now: readonly OwnerReference[]) {
  const oldByUid = new Map(old.map((r) => [r.uid, r]));
  const nowByUid = new Map(now.map((r) => [r.uid, r]));
  const added = now.filter((r) => !oldByUid.has(r.uid));
  const removed = old.filter((r) => !nowByUid.has(r.uid));
  const changed: { old: OwnerReference; now: OwnerReference }[] = [];
  for (const r of now) {
    const o = oldByUid.get(r.uid);
    if (o && JSON.stringify(o) !== JSON.stringify(r)) changed.push({ old: o, now: r });
  }
  return { added, removed, changed };
}

function partition<T>(items: Iterable<T>, test: (item: T) => boolean): [T[], T[]] {
  const yes: T[] = [];
  const no: T[] = [];
  for (const item of items) (test(item) ? yes : no).push(item);
  return [yes, no];
}
