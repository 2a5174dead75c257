// A pod's total requests and limits as exact quantities, for quota usage and LimitRange's Pod
// limits (component-helpers resource.PodRequests/PodLimits, from the spec only): regular
// containers and sidecars (restartable init containers) run together and add up, an ordinary init
// container runs beside the sidecars started before it and the pod needs the largest such moment,
// pod-level resources replace the containers' sums, and the RuntimeClass overhead comes on top.
import type { Container, Pod } from '../api-types.js';
import { addInto, maxInto, resourceList, type ResourceList } from './resource-list.js';

export interface PodTotalsOptions {
  /** Add spec.overhead (quota does; LimitRanger does not). */
  overhead: boolean;
  /** Pod-level hugepages replace the containers' too (component-helpers; LimitRanger takes cpu and memory only). */
  podLevelHugePages: boolean;
}

type Kind = 'requests' | 'limits';

export function containerRequests(c: Container): ResourceList {
  return resourceList(c.resources?.requests);
}

export function containerLimits(c: Container): ResourceList {
  return resourceList(c.resources?.limits);
}

function aggregate(pod: Pod, kind: Kind): ResourceList {
  const read = kind === 'requests' ? containerRequests : containerLimits;
  const total: ResourceList = new Map();
  for (const c of pod.spec?.containers ?? []) addInto(total, read(c));
  const sidecars: ResourceList = new Map();
  const initPeak: ResourceList = new Map();
  for (const c of pod.spec?.initContainers ?? []) {
    const own = read(c);
    if (c.restartPolicy === 'Always') {
      addInto(total, own);
      addInto(sidecars, own);
      maxInto(initPeak, sidecars);
    } else {
      const moment = new Map(own);
      addInto(moment, sidecars);
      maxInto(initPeak, moment);
    }
  }
  maxInto(total, initPeak);
  return total;
}

function podLevel(pod: Pod, kind: Kind, opts: PodTotalsOptions): ResourceList {
  const supported = (name: string) => name === 'cpu' || name === 'memory' || (opts.podLevelHugePages && name.startsWith('hugepages-'));
  const resources = (pod.spec as { resources?: Partial<Record<Kind, Record<string, string>>> } | undefined)?.resources;
  return new Map([...resourceList(resources?.[kind])].filter(([name]) => supported(name)));
}

export function podRequests(pod: Pod, opts: PodTotalsOptions): ResourceList {
  const reqs = aggregate(pod, 'requests');
  for (const [name, q] of podLevel(pod, 'requests', opts)) reqs.set(name, q);
  if (opts.overhead) addInto(reqs, resourceList(pod.spec?.overhead));
  return reqs;
}

export function podLimits(pod: Pod, opts: PodTotalsOptions): ResourceList {
  const limits = aggregate(pod, 'limits');
  for (const [name, q] of podLevel(pod, 'limits', opts)) limits.set(name, q);
  // The overhead only raises limits that are set: an unlimited resource stays unlimited.
  if (opts.overhead) {
    for (const [name, q] of resourceList(pod.spec?.overhead)) {
      if (limits.has(name)) addInto(limits, new Map([[name, q]]));
    }
  }
  return limits;
}
