// Which pods back a Service, and how: the rules the Endpoints and EndpointSlice controllers share
// (k8s.io/endpointslice/util and pkg/api/v1/pod in kubernetes 1.36). A pod is in a Service's
// endpoints when it has an IP and has not finished; a terminating pod only where the caller
// includes terminating pods. A Service's targetPort, when named, is looked up per pod.
import type { Pod, Service, ServicePort } from '../../machinery/api-types.js';
import { isPodReady } from '../workload/pod-status.js';

export const labelServiceName = 'kubernetes.io/service-name';
export const labelManagedBy = 'endpointslice.kubernetes.io/managed-by';
export const labelHeadless = 'service.kubernetes.io/headless';
export const labelSkipMirror = 'endpointslice.kubernetes.io/skip-mirror';
export const annotationTriggerTime = 'endpoints.kubernetes.io/last-change-trigger-time';
export const annotationLeaderElection = 'control-plane.alpha.kubernetes.io/leader';

/**
 * The Service's selector, or undefined when it has none. An empty selector counts as none: the
 * API server stores objects as protobuf, where an empty map does not survive, so on a real cluster
 * `selector: {}` reaches the controllers as no selector at all.
 */
export function serviceSelector(svc: Service): Record<string, string> | undefined {
  const selector = svc.spec?.selector;
  return selector && Object.keys(selector).length > 0 ? selector : undefined;
}

/** Services whose pods these controllers pick: not ExternalName, with a selector. */
export function selectsPods(svc: Service): boolean {
  return svc.spec?.type !== 'ExternalName' && serviceSelector(svc) !== undefined;
}

export function selectorMatches(selector: Record<string, string>, labels: Record<string, string> | undefined): boolean {
  for (const key in selector) if (labels?.[key] !== selector[key]) return false;
  return true;
}

export function shouldPodBeInEndpoints(pod: Pod, includeTerminating: boolean): boolean {
  const phase = pod.status?.phase;
  if (phase === 'Succeeded' || phase === 'Failed') return false;
  if (!pod.status?.podIP && !pod.status?.podIPs?.length) return false;
  if (!includeTerminating && pod.metadata?.deletionTimestamp) return false;
  return true;
}

export function shouldSetHostname(pod: Pod, svc: Service): boolean {
  return !!pod.spec?.hostname && pod.spec.subdomain === svc.metadata?.name && svc.metadata?.namespace === pod.metadata?.namespace;
}

/** The pod's IPs (status.podIPs, or the single podIP an older writer set). */
export function podIPs(pod: Pod): string[] {
  const listed = (pod.status?.podIPs ?? []).map((p) => p.ip).filter((ip): ip is string => !!ip);
  if (listed.length) return listed;
  return pod.status?.podIP ? [pod.status.podIP] : [];
}

export const isIPv6 = (ip: string) => ip.includes(':');

/**
 * The container port a Service port reaches on this pod: targetPort itself when it is a number,
 * else the port of that name and protocol in the pod's containers (and restartable init
 * containers, which are sidecars). Undefined when the pod has no such port.
 */
export function findPort(pod: Pod, svcPort: ServicePort): number | undefined {
  const target = svcPort.targetPort as unknown;
  if (typeof target === 'number') return target;
  if (target === undefined || target === null || target === '') return svcPort.port;
  const protocol = svcPort.protocol ?? 'TCP';
  const named = (containers: NonNullable<Pod['spec']>['containers'] | undefined) => {
    for (const c of containers ?? []) for (const p of c.ports ?? []) if (p.name === target && (p.protocol ?? 'TCP') === protocol) return p.containerPort;
    return undefined;
  };
  return named(pod.spec?.containers) ?? named((pod.spec?.initContainers ?? []).filter((c) => c.restartPolicy === 'Always'));
}

/**
 * What an update of a pod means for the Services: `changed` when its endpoint may differ (IPs,
 * readiness, deletion), `relabelled` when the Services selecting it may differ.
 */
export function podEndpointChange(oldPod: Pod, newPod: Pod): { changed: boolean; relabelled: boolean } {
  const relabelled =
    !sameLabels(oldPod.metadata?.labels, newPod.metadata?.labels) ||
    oldPod.spec?.hostname !== newPod.spec?.hostname ||
    oldPod.spec?.subdomain !== newPod.spec?.subdomain;
  const changed =
    oldPod.metadata?.deletionTimestamp !== newPod.metadata?.deletionTimestamp ||
    isPodReady(oldPod) !== isPodReady(newPod) ||
    podIPs(oldPod).join(',') !== podIPs(newPod).join(',') ||
    // Terminal pods leave the endpoints; the kubelet writes the phase with the readiness change,
    // but a pod may also finish without ever having been ready.
    (oldPod.status?.phase ?? '') !== (newPod.status?.phase ?? '');
  return { changed, relabelled };
}

function sameLabels(a: Record<string, string> | undefined, b: Record<string, string> | undefined): boolean {
  const ka = Object.keys(a ?? {});
  if (ka.length !== Object.keys(b ?? {}).length) return false;
  return ka.every((k) => a![k] === b?.[k]);
}

/** "namespace/name" of the Services (that select pods) whose selector matches these labels. */
export function servicesSelecting(services: readonly Service[], labels: Record<string, string> | undefined): Set<string> {
  const keys = new Set<string>();
  for (const svc of services) {
    const selector = serviceSelector(svc);
    if (selector && selectorMatches(selector, labels)) keys.add(`${svc.metadata?.namespace}/${svc.metadata?.name}`);
  }
  return keys;
}

/**
 * The Services to sync after a pod changed (GetServicesToUpdateOnPodChange): those selecting it
 * now, and, when its labels changed, those that selected it before — all of them when the pod
 * changed too, else only those that gained or lost it.
 */
export function servicesToSyncOnPodUpdate(services: readonly Service[], oldPod: Pod, newPod: Pod): Set<string> {
  if (oldPod.metadata?.resourceVersion === newPod.metadata?.resourceVersion) return new Set();
  const { changed, relabelled } = podEndpointChange(oldPod, newPod);
  if (!changed && !relabelled) return new Set();
  const now = servicesSelecting(services, newPod.metadata?.labels);
  if (!relabelled) return now;
  const before = servicesSelecting(services, oldPod.metadata?.labels);
  if (changed) return new Set([...now, ...before]);
  const out = new Set<string>();
  for (const k of now) if (!before.has(k)) out.add(k);
  for (const k of before) if (!now.has(k)) out.add(k);
  return out;
}

/** A Service with a cluster IP (not headless). */
export function isServiceIPSet(svc: Service): boolean {
  const ip = svc.spec?.clusterIP;
  return !!ip && ip !== 'None';
}
