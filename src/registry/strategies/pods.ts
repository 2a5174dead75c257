// Pods: created Pending with a QoS class, deleted gracefully once bound to a node.
import type { Container, Pod } from '../../machinery/api-types.js';
import type { KubeObject } from '../../machinery/object.js';
import { taintKeys, type Toleration } from '../../machinery/taints.js';
import { markPodScheduled } from '../pod-binding.js';
import type { Strategy } from '../strategy.js';

type Resources = Container['resources'];

// The QoS class is decided by which resources the containers name, not by their amounts,
// except that Guaranteed needs requests equal to limits (compared textually after canonicalization).
export function podQosClass(pod: Pod): 'Guaranteed' | 'Burstable' | 'BestEffort' {
  const containers = [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])];
  let any = false;
  let guaranteed = true;
  for (const c of containers) {
    const res: Resources = c.resources ?? {};
    const requests = res.requests ?? {};
    const limits = res.limits ?? {};
    for (const name of ['cpu', 'memory']) {
      const req = requests[name] ?? limits[name];
      const lim = limits[name];
      if (req !== undefined || lim !== undefined) any = true;
      if (lim === undefined || String(req) !== String(lim)) guaranteed = false;
    }
  }
  if (!any) return 'BestEffort';
  return guaranteed && containers.length > 0 ? 'Guaranteed' : 'Burstable';
}

/**
 * The DefaultTolerationSeconds admission plugin (on create and update of pods proper): a pod that
 * does not tolerate the not-ready or unreachable NoExecute taint gets a toleration of it for
 * `seconds`, so taint-based eviction waits that long once its node goes away. A toleration with
 * an empty key or effect counts as tolerating it.
 */
export function addDefaultTolerations(pod: Pod, seconds: number): void {
  const tolerations = pod.spec?.tolerations ?? [];
  const tolerates = (key: string) => tolerations.some((t) => (!t.key || t.key === key) && (!t.effect || t.effect === 'NoExecute'));
  const added: Toleration[] = [];
  for (const key of [taintKeys.notReady, taintKeys.unreachable]) {
    if (!tolerates(key)) added.push({ key, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: seconds });
  }
  if (added.length && pod.spec) pod.spec.tolerations = [...tolerations, ...added];
}

export const podStrategy: Strategy = {
  tracksGeneration: true,
  fieldSelectors: {
    'spec.nodeName': (p: Pod) => p.spec?.nodeName ?? '',
    'spec.restartPolicy': (p: Pod) => p.spec?.restartPolicy ?? '',
    'spec.schedulerName': (p: Pod) => p.spec?.schedulerName ?? '',
    'spec.serviceAccountName': (p: Pod) => p.spec?.serviceAccountName ?? '',
    'spec.hostNetwork': (p: Pod) => String(p.spec?.hostNetwork ?? false),
    'status.phase': (p: Pod) => p.status?.phase ?? '',
    'status.podIP': (p: Pod) => p.status?.podIP ?? '',
    'status.nominatedNodeName': (p: Pod) => p.status?.nominatedNodeName ?? '',
  },
  prepareForCreate(obj: KubeObject, ctx) {
    const pod = obj as Pod;
    addDefaultTolerations(pod, ctx.admission.defaultTolerationSeconds);
    pod.status = { phase: 'Pending', qosClass: podQosClass(pod) };
  },
  prepareForUpdate(obj: KubeObject, _old, ctx) {
    addDefaultTolerations(obj as Pod, ctx.admission.defaultTolerationSeconds);
  },
  prepareForSubresourceUpdate(subresource, obj: KubeObject, _old, ctx) {
    // Binding assigns the node and marks the pod scheduled in one write (kube-apiserver's assignPod).
    if (subresource === 'binding') markPodScheduled(obj as Pod, ctx.now);
  },
  gracePeriodSeconds(obj: KubeObject, requested: number | undefined) {
    const pod = obj as Pod;
    // A pod no kubelet runs, or one that has finished, has nothing to wait for.
    if (!pod.spec?.nodeName) return 0;
    if (pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed') return 0;
    return requested ?? pod.spec?.terminationGracePeriodSeconds ?? 30;
  },
};
