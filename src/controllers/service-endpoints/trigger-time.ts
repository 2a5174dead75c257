// The endpoints.kubernetes.io/last-change-trigger-time annotation (k8s.io/endpointslice/util's
// TriggerTimeTracker): the earliest of the changes since the last sync that the new endpoints
// reflect — a pod's Ready transition or the Service's creation. A Service seen for the first
// time gets its creation time. Kept per Service in memory, as kube-controller-manager does.
import type { Pod, Service } from '../../machinery/api-types.js';
import { podCondition } from '../workload/pod-status.js';

interface ServiceState {
  serviceTime: number;
  podTimes: Map<string, number>;
}

export class TriggerTimeTracker {
  private readonly states = new Map<string, ServiceState>();

  /** The time to record (ms), or undefined when the annotation should be removed. */
  compute(key: string, service: Service, pods: readonly Pod[]): number | undefined {
    const state = this.states.get(key);
    let earliest: number | undefined;
    const podTimes = new Map<string, number>();
    for (const pod of pods) {
      const at = parseTime(podCondition(pod, 'Ready')?.lastTransitionTime);
      if (at === undefined) continue;
      const name = pod.metadata?.name ?? '';
      podTimes.set(name, at);
      if (at > (state?.podTimes.get(name) ?? -Infinity)) earliest = Math.min(earliest ?? at, at);
    }
    const serviceTime = parseTime(service.metadata?.creationTimestamp) ?? 0;
    if (serviceTime > (state?.serviceTime ?? -Infinity)) earliest = Math.min(earliest ?? serviceTime, serviceTime);
    this.states.set(key, { serviceTime, podTimes });
    if (!state) return serviceTime || undefined;
    return earliest;
  }

  forget(key: string): void {
    this.states.delete(key);
  }
}

function parseTime(text: string | undefined): number | undefined {
  if (!text) return undefined;
  const t = Date.parse(text);
  return Number.isNaN(t) ? undefined : t;
}

