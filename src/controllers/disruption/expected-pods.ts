// How many pods a PodDisruptionBudget expects (getExpectedPodCount): minAvailable as a number
// counts the selected pods; maxUnavailable and a minAvailable percentage need the scale of the
// pods' controllers (Deployment, ReplicaSet, StatefulSet, ReplicationController, or any resource
// with a scale subresource), added up once per controller.
import type { LocalClient } from '../../client/local-client.js';
import type { Deployment, LabelSelector, OwnerReference, Pod, ReplicaSet, StatefulSet } from '../../machinery/api-types.js';
import type { PodDisruptionBudget } from '../../machinery/disruption-budget.js';
import type { KubeObject } from '../../machinery/object.js';
import type { Informer } from '../runtime/informer.js';
import { controllerRefOf } from '../workload/controller-ref.js';
import { scaledValue } from '../workload/int-or-percent.js';

export interface WorkloadListers {
  replicationControllers: Informer<KubeObject>;
  replicaSets: Informer<ReplicaSet>;
  deployments: Informer<Deployment>;
  statefulSets: Informer<StatefulSet>;
  client: LocalClient;
}

export interface ExpectedCount {
  expectedCount: number;
  desiredHealthy: number;
  /** Names of selected pods without a controller (an event says their budget is a guess). */
  unmanagedPods: string[];
}

interface ControllerScale {
  uid: string;
  scale: number;
}

type Finder = (ref: OwnerReference, namespace: string) => Promise<ControllerScale | undefined>;

function groupOf(apiVersion: string): string {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? '' : apiVersion.slice(0, slash);
}

function isKind(ref: OwnerReference, kind: string, groups: readonly string[]): boolean {
  return ref.kind === kind && groups.includes(groupOf(ref.apiVersion));
}

export async function expectedPodCount(pdb: PodDisruptionBudget, pods: readonly Pod[], listers: WorkloadListers): Promise<ExpectedCount> {
  const spec = pdb.spec ?? {};
  if (spec.maxUnavailable !== undefined && spec.maxUnavailable !== null) {
    const { expectedCount, unmanagedPods } = await expectedScale(pods, listers);
    const maxUnavailable = scaledValue(spec.maxUnavailable, expectedCount, true);
    return { expectedCount, desiredHealthy: Math.max(0, expectedCount - maxUnavailable), unmanagedPods };
  }
  if (spec.minAvailable !== undefined && spec.minAvailable !== null) {
    if (typeof spec.minAvailable === 'number') return { expectedCount: pods.length, desiredHealthy: spec.minAvailable, unmanagedPods: [] };
    const { expectedCount, unmanagedPods } = await expectedScale(pods, listers);
    return { expectedCount, desiredHealthy: scaledValue(spec.minAvailable, expectedCount, true), unmanagedPods };
  }
  return { expectedCount: 0, desiredHealthy: 0, unmanagedPods: [] };
}

// getExpectedScale: the sum of the scales of the selected pods' controllers.
async function expectedScale(pods: readonly Pod[], listers: WorkloadListers): Promise<{ expectedCount: number; unmanagedPods: string[] }> {
  const scales = new Map<string, number>();
  const unmanagedPods: string[] = [];
  const finders = podControllerFinders(listers);
  for (const pod of pods) {
    const ref = controllerRefOf(pod);
    if (!ref) {
      unmanagedPods.push(pod.metadata?.name ?? '');
      continue;
    }
    if (scales.has(ref.uid)) continue;
    let found: ControllerScale | undefined;
    for (const finder of finders) {
      found = await finder(ref, pod.metadata?.namespace ?? '');
      if (found) break;
    }
    if (!found) throw new Error(`found no controllers for pod "${pod.metadata?.name ?? ''}"`);
    scales.set(found.uid, found.scale);
  }
  let expectedCount = 0;
  for (const scale of scales.values()) expectedCount += scale;
  return { expectedCount, unmanagedPods };
}

function podControllerFinders(l: WorkloadListers): Finder[] {
  const replicasOf = (o: { spec?: { replicas?: number } }) => o.spec?.replicas ?? 1;
  const sameUid = <T extends KubeObject>(o: T | undefined, ref: OwnerReference) => (o && o.metadata?.uid === ref.uid ? o : undefined);

  const replicationController: Finder = async (ref, ns) => {
    if (!isKind(ref, 'ReplicationController', [''])) return undefined;
    const rc = sameUid(l.replicationControllers.getByName(ns, ref.name), ref) as { metadata?: { uid?: string }; spec?: { replicas?: number } } | undefined;
    return rc ? { uid: ref.uid, scale: replicasOf(rc) } : undefined;
  };
  // A ReplicaSet a Deployment controls counts as its Deployment.
  const deployment: Finder = async (ref, ns) => {
    if (!isKind(ref, 'ReplicaSet', ['apps', 'extensions'])) return undefined;
    const rs = sameUid(l.replicaSets.getByName(ns, ref.name), ref);
    const owner = rs && controllerRefOf(rs);
    if (!owner || !isKind(owner, 'Deployment', ['apps', 'extensions'])) return undefined;
    const d = sameUid(l.deployments.getByName(ns, owner.name), owner);
    return d ? { uid: owner.uid, scale: replicasOf(d) } : undefined;
  };
  const replicaSet: Finder = async (ref, ns) => {
    if (!isKind(ref, 'ReplicaSet', ['apps', 'extensions'])) return undefined;
    const rs = sameUid(l.replicaSets.getByName(ns, ref.name), ref);
    if (!rs || controllerRefOf(rs)?.kind === 'Deployment') return undefined;
    return { uid: ref.uid, scale: replicasOf(rs) };
  };
  const statefulSet: Finder = async (ref, ns) => {
    if (!isKind(ref, 'StatefulSet', ['apps'])) return undefined;
    const ss = sameUid(l.statefulSets.getByName(ns, ref.name), ref);
    return ss ? { uid: ref.uid, scale: replicasOf(ss) } : undefined;
  };
  // getScaleController: any other kind, through its scale subresource.
  const scaled: Finder = async (ref, ns) => {
    const resource = l.client.forKind(ref.apiVersion, ref.kind);
    if (!resource) throw new Error(`no matches for kind "${ref.kind}" in version "${ref.apiVersion}"`);
    const qualified = resource.info.group ? `${resource.info.resource}.${resource.info.group}` : resource.info.resource;
    if (!resource.info.subresources.has('scale')) throw new Error(`${qualified} does not implement the scale subresource`);
    const obj = await resource.find(ns, ref.name);
    if (!obj || obj.metadata?.uid !== ref.uid) return undefined;
    return { uid: ref.uid, scale: replicasOf(obj as { spec?: { replicas?: number } }) };
  };
  return [replicationController, deployment, replicaSet, statefulSet, scaled];
}

/** How Go prints a *metav1.LabelSelector with %v (its generated String()). */
export function labelSelectorString(selector: LabelSelector | undefined): string {
  if (!selector) return 'nil';
  const labels = Object.keys(selector.matchLabels ?? {})
    .sort()
    .map((k) => `${k}: ${selector.matchLabels![k]},`)
    .join('');
  const expressions = (selector.matchExpressions ?? [])
    .map((e) => `LabelSelectorRequirement{Key:${e.key},Operator:${e.operator},Values:[${(e.values ?? []).join(' ')}],},`)
    .join('');
  return `&LabelSelector{MatchLabels:map[string]string{${labels}},MatchExpressions:[]LabelSelectorRequirement{${expressions}},}`;
}
