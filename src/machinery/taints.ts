// Node taints and pod tolerations as kube-apiserver, kube-controller-manager and kube-scheduler
// read them (core/v1 Toleration.ToleratesTaint, v1helper.GetMatchingTolerations, taint sets):
// one definition for the admission that defaults tolerations and the controllers that act on taints.
import type { Node, Pod } from './api-types.js';

export type NodeTaint = NonNullable<NonNullable<Node['spec']>['taints']>[number];
export type Toleration = NonNullable<NonNullable<Pod['spec']>['tolerations']>[number];

/** The well-known taint keys (k8s.io/api/core/v1 well_known_taints.go). */
export const taintKeys = {
  notReady: 'node.kubernetes.io/not-ready',
  unreachable: 'node.kubernetes.io/unreachable',
  unschedulable: 'node.kubernetes.io/unschedulable',
  memoryPressure: 'node.kubernetes.io/memory-pressure',
  diskPressure: 'node.kubernetes.io/disk-pressure',
  networkUnavailable: 'node.kubernetes.io/network-unavailable',
  pidPressure: 'node.kubernetes.io/pid-pressure',
  outOfService: 'node.kubernetes.io/out-of-service',
} as const;

/**
 * Toleration.ToleratesTaint: an empty effect or key matches any; operator Exists ignores the
 * value, Equal (or none) compares it. Other operators tolerate nothing.
 */
export function toleratesTaint(toleration: Toleration, taint: NodeTaint): boolean {
  if (toleration.effect && toleration.effect !== taint.effect) return false;
  if (toleration.key && toleration.key !== taint.key) return false;
  switch (toleration.operator ?? '') {
    case '':
    case 'Equal':
      return (toleration.value ?? '') === (taint.value ?? '');
    case 'Exists':
      return true;
    default:
      return false;
  }
}

/**
 * v1helper.GetMatchingTolerations: whether every taint is tolerated, and for each taint the first
 * toleration that tolerates it (the ones whose tolerationSeconds decide how long a pod may stay).
 */
export function matchingTolerations(taints: readonly NodeTaint[], tolerations: readonly Toleration[]): { allTolerated: boolean; used: Toleration[] } {
  const used: Toleration[] = [];
  for (const taint of taints) {
    const match = tolerations.find((t) => toleratesTaint(t, taint));
    if (!match) return { allTolerated: false, used: [] };
    used.push(match);
  }
  return { allTolerated: true, used };
}

/** Taint.MatchTaint: the same key and effect (a taint set holds one of each). */
export function sameTaint(a: NodeTaint, b: NodeTaint): boolean {
  return a.key === b.key && a.effect === b.effect;
}

export function hasTaint(taints: readonly NodeTaint[] | undefined, taint: NodeTaint): boolean {
  return (taints ?? []).some((t) => sameTaint(t, taint));
}
