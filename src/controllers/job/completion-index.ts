// What an Indexed Job writes on its pods and reads back: the completion index (annotation and
// label batch.kubernetes.io/job-completion-index, hostname <job>-<index>, pod names
// <job>-<index>-xxxxx, JOB_COMPLETION_INDEX in every container), and, with backoffLimitPerIndex,
// how often the index failed before (job-index-failure-count and job-index-ignored-failure-count).
import type { Container, Pod, PodTemplateSpec } from '../../machinery/api-types.js';

export const completionIndexAnnotation = 'batch.kubernetes.io/job-completion-index';
export const indexFailureCountAnnotation = 'batch.kubernetes.io/job-index-failure-count';
export const indexIgnoredFailureCountAnnotation = 'batch.kubernetes.io/job-index-ignored-failure-count';
const completionIndexEnv = 'JOB_COMPLETION_INDEX';

/** apiserver's names.MaxGeneratedNameLength: 63 less the 5 random characters. */
const maxGeneratedNameLength = 58;

/** The pod's completion index, or undefined when it has none or an unreadable one. */
export function completionIndexOf(pod: Pod): number | undefined {
  const raw = pod.metadata?.annotations?.[completionIndexAnnotation];
  if (raw === undefined || !/^[+-]?\d+$/.test(raw)) return undefined;
  const n = Number(raw);
  return n < 0 ? undefined : n;
}

/** A valid index of this job: below completions. */
export function validCompletionIndex(pod: Pod, completions: number): number | undefined {
  const ix = completionIndexOf(pod);
  return ix !== undefined && ix < completions ? ix : undefined;
}

export function indexesOf(pods: readonly Pod[]): number[] {
  const set = new Set<number>();
  for (const p of pods) {
    const ix = completionIndexOf(p);
    if (ix !== undefined) set.add(ix);
  }
  return [...set].sort((a, b) => a - b);
}

/** Pods sorted by index, pods without one first (Go sorts them as -1). */
export function byCompletionIndex(a: Pod, b: Pod): number {
  return (completionIndexOf(a) ?? -1) - (completionIndexOf(b) ?? -1);
}

/** "<job>-<index>-", shortened from the job name's end when too long for a generated name. */
export function podGenerateNameWithIndex(jobName: string, index: number): string {
  const suffix = `-${index}-`;
  const prefix = jobName + suffix;
  return prefix.length > maxGeneratedNameLength ? jobName.slice(0, maxGeneratedNameLength - suffix.length) + suffix : prefix;
}

/** Every container learns its index from the pod's label. */
export function addCompletionIndexEnv(template: PodTemplateSpec): void {
  const spec = template.spec;
  if (!spec) return;
  for (const c of [...(spec.initContainers ?? []), ...spec.containers]) addEnv(c);
}

function addEnv(container: Container): void {
  if (container.env?.some((e) => e.name === completionIndexEnv)) return;
  (container.env ??= []).push({
    name: completionIndexEnv,
    valueFrom: { fieldRef: { fieldPath: `metadata.labels['${completionIndexAnnotation}']` } },
  });
}

export function setCompletionIndex(template: PodTemplateSpec, jobName: string, index: number): void {
  const meta = (template.metadata ??= {});
  (meta.annotations ??= {})[completionIndexAnnotation] = String(index);
  (meta.labels ??= {})[completionIndexAnnotation] = String(index);
  template.spec!.hostname = `${jobName}-${index}`;
}

/** An annotation's int32 value; anything unreadable or out of range counts as 0. */
function int32Annotation(pod: Pod, key: string): number {
  const raw = pod.metadata?.annotations?.[key];
  if (raw === undefined || !/^[+-]?\d+$/.test(raw)) return 0;
  const n = Number(raw);
  return n < 0 || n > 2147483647 ? 0 : n;
}

export function indexFailureCount(pod: Pod): number {
  return int32Annotation(pod, indexFailureCountAnnotation);
}

export function indexIgnoredFailureCount(pod: Pod): number {
  return int32Annotation(pod, indexIgnoredFailureCountAnnotation);
}

/** Failures of the index so far, counted or ignored by the pod failure policy. */
export function indexAbsoluteFailureCount(pod: Pod): number {
  return indexFailureCount(pod) + indexIgnoredFailureCount(pod);
}
