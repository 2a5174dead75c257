// DaemonSets: kube-apiserver keeps a template generation, bumped whenever spec.template changes,
// and serves it in apps/v1 as the deprecated.daemonset.template.generation annotation (the
// DaemonSet controller labels pods with it). Clients cannot set it on update.
import type { DaemonSet } from '../../machinery/api-types.js';
import { isPlainObject, type KubeObject } from '../../machinery/object.js';
import type { Strategy } from '../strategy.js';

const templateGenerationAnnotation = 'deprecated.daemonset.template.generation';

function templateGeneration(ds: DaemonSet): number {
  const n = Number(ds.metadata?.annotations?.[templateGenerationAnnotation]);
  return Number.isInteger(n) ? n : 0;
}

function setTemplateGeneration(ds: DaemonSet, generation: number): void {
  const meta = (ds.metadata ??= {});
  meta.annotations = { ...meta.annotations, [templateGenerationAnnotation]: String(generation) };
}

export const daemonSetStrategy: Strategy = {
  tracksGeneration: true,
  prepareForCreate(obj: KubeObject) {
    const ds = obj as DaemonSet;
    setTemplateGeneration(ds, Math.max(1, templateGeneration(ds)));
  },
  prepareForUpdate(obj: KubeObject, old: KubeObject) {
    const ds = obj as DaemonSet;
    const prev = old as DaemonSet;
    const changed = canonical(ds.spec?.template) !== canonical(prev.spec?.template);
    setTemplateGeneration(ds, templateGeneration(prev) + (changed ? 1 : 0));
  },
};

function canonical(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) => {
    if (!isPlainObject(v)) return v;
    const sorted: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort()) sorted[k] = v[k];
    return sorted;
  }) ?? '';
}
