// The apiregistration.k8s.io/v1 shapes the aggregator controllers read and write.
import type { Definition } from '../../machinery/api-types.js';

export type ApiService = Definition<'io.k8s.kube-aggregator.pkg.apis.apiregistration.v1.APIService'>;
export type ApiServiceCondition = Definition<'io.k8s.kube-aggregator.pkg.apis.apiregistration.v1.APIServiceCondition'>;

/** Objects kube-apiserver made for itself carry this label: "onstart" (its own groups) or "true" (CRDs'). */
export const automanagedLabel = 'kube-aggregator.kubernetes.io/automanaged';

export function apiServiceName(group: string, version: string): string {
  return `${version}.${group}`;
}

export function availableCondition(api: ApiService): ApiServiceCondition | undefined {
  return api.status?.conditions?.find((c) => c.type === 'Available');
}

/**
 * The status with Available set to `wanted`; lastTransitionTime moves only when the status does,
 * so an unchanged verdict writes nothing (undefined).
 */
export function withAvailable(api: ApiService, wanted: Omit<ApiServiceCondition, 'type' | 'lastTransitionTime'>, now: string): ApiService['status'] | undefined {
  const current = availableCondition(api);
  if (current && current.status === wanted.status && current.reason === wanted.reason && current.message === wanted.message) return undefined;
  const condition: ApiServiceCondition = {
    type: 'Available',
    status: wanted.status,
    lastTransitionTime: current && current.status === wanted.status ? current.lastTransitionTime : now,
    reason: wanted.reason,
    message: wanted.message,
  };
  const others = (api.status?.conditions ?? []).filter((c) => c.type !== 'Available');
  return { ...api.status, conditions: [...others, condition] };
}
