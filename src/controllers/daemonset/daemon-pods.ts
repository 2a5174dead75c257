// Daemon pods (pkg/controller/daemon/util): made from the template with the daemon tolerations,
// the revision hash label and (for compatibility) the template generation label, and pinned to
// their node by a required node affinity on metadata.name, leaving the binding to the scheduler.
// A pod's node is its nodeName once bound, its affinity's node before.
import type { DaemonSet, Pod, PodSpec, PodTemplateSpec } from '../../machinery/api-types.js';
import { daemonSetHashLabel } from './daemon-set-history.js';
import { addDaemonPodTolerations } from './node-eligibility.js';

/** extensions.DaemonSetTemplateGenerationKey */
export const templateGenerationLabel = 'pod-template-generation';
const templateGenerationAnnotation = 'deprecated.daemonset.template.generation';

/**
 * The template generation kube-apiserver keeps in the deprecated annotation. Where the annotation
 * is missing the object's generation stands in: it moves whenever the template does, so a pod
 * labelled with it is up to date exactly when the DaemonSet has not changed since.
 */
export function templateGeneration(ds: DaemonSet): number | undefined {
  const raw = ds.metadata?.annotations?.[templateGenerationAnnotation];
  if (raw === undefined) return ds.metadata?.generation;
  return /^-?\d+$/.test(raw) ? Number(raw) : undefined;
}

/** util.IsPodUpdated: the pod carries the current hash, or the current template generation. */
export function isPodUpdated(pod: Pod, hash: string, generation: number | undefined): boolean {
  const labels = pod.metadata?.labels ?? {};
  const templateMatches = generation !== undefined && labels[templateGenerationLabel] === String(generation);
  return (hash !== '' && labels[daemonSetHashLabel] === hash) || templateMatches;
}

/** util.CreatePodTemplate */
export function daemonPodTemplate(ds: DaemonSet, generation: number | undefined, hash: string): PodTemplateSpec {
  const template = structuredClone(ds.spec?.template ?? {}) as PodTemplateSpec;
  template.spec ??= { containers: [] };
  addDaemonPodTolerations(template.spec);
  const labels: Record<string, string> = { ...template.metadata?.labels };
  if (generation !== undefined) labels[templateGenerationLabel] = String(generation);
  if (hash) labels[daemonSetHashLabel] = hash;
  template.metadata = { ...template.metadata, labels };
  return template;
}

/** util.ReplaceDaemonSetPodNodeNameNodeAffinity: the required terms become "metadata.name In [node]". */
export function pinToNode(spec: PodSpec, nodeName: string): void {
  const terms = [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: [nodeName] }] }];
  const affinity = (spec.affinity ??= {});
  const nodeAffinity = (affinity.nodeAffinity ??= {});
  nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution = { ...nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution, nodeSelectorTerms: terms };
}

/** util.GetTargetNodeName: the node a daemon pod runs on, or is meant for; undefined when it names none. */
export function targetNodeName(pod: Pod): string | undefined {
  if (pod.spec?.nodeName) return pod.spec.nodeName;
  const terms = pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms ?? [];
  for (const term of terms) {
    for (const r of term.matchFields ?? []) {
      if (r.key === 'metadata.name' && r.operator === 'In') return r.values?.length === 1 ? r.values[0] : undefined;
    }
  }
  return undefined;
}

function creationTime(pod: Pod): number {
  const t = Date.parse(pod.metadata?.creationTimestamp ?? '');
  return Number.isNaN(t) ? 0 : t;
}

/** podByCreationTimestampAndPhase: scheduled pods first, then the oldest, then by name. */
export function byCreationTimestampAndPhase(a: Pod, b: Pod): number {
  const sa = !!a.spec?.nodeName;
  const sb = !!b.spec?.nodeName;
  if (sa !== sb) return sa ? -1 : 1;
  const byTime = creationTime(a) - creationTime(b);
  if (byTime !== 0) return byTime;
  const [na, nb] = [a.metadata?.name ?? '', b.metadata?.name ?? ''];
  return na < nb ? -1 : na > nb ? 1 : 0;
}

export function isPodTerminal(pod: Pod): boolean {
  return pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed';
}
