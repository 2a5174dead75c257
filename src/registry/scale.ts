// The scale subresource (autoscaling/v1 Scale) of Deployments, ReplicaSets, StatefulSets and
// ReplicationControllers: a view of spec.replicas, status.replicas and the selector.
import { invalid, notFound } from '../apierrors/index.js';
import { isPlainObject, type KubeObject } from '../machinery/object.js';
import { labelSelectorFromObject, labelSelectorFromSet, labelSelectorToString } from '../machinery/selectors/index.js';
import { ObjectOut } from './object-out.js';
import type { PatchType, WriteOptions } from './request-options.js';
import type { ObjectPipeline } from './object-pipeline.js';
import type { ResourceStore } from './store.js';

interface Scalable extends KubeObject {
  spec?: { replicas?: number; selector?: unknown };
  status?: { replicas?: number; selector?: string };
}

function selectorString(obj: Scalable): string {
  const sel = obj.spec?.selector;
  if (!isPlainObject(sel)) return '';
  // ReplicationControllers select with a plain map; the apps kinds with a LabelSelector.
  if ('matchLabels' in sel || 'matchExpressions' in sel) return labelSelectorToString(labelSelectorFromObject(sel as never));
  return labelSelectorToString(labelSelectorFromSet(sel as Record<string, string>));
}

export function scaleOf(obj: Scalable): KubeObject {
  const meta = obj.metadata ?? {};
  return {
    kind: 'Scale',
    apiVersion: 'autoscaling/v1',
    metadata: {
      name: meta.name,
      namespace: meta.namespace,
      uid: meta.uid,
      resourceVersion: meta.resourceVersion,
      creationTimestamp: meta.creationTimestamp,
    },
    spec: { replicas: obj.spec?.replicas ?? 0 },
    status: { replicas: obj.status?.replicas ?? 0, selector: selectorString(obj) },
  };
}

const scaleGroupKind = { group: 'autoscaling', kind: 'Scale' };

export async function getScale(store: ResourceStore, namespace: string | undefined, name: string): Promise<ObjectOut> {
  const obj = await store.get(namespace, name);
  return ObjectOut.fromObject(scaleOf(obj.object as Scalable));
}

/** PUT or PATCH of the scale subresource: the new replicas go into the object's spec. */
export async function updateScale(
  store: ResourceStore,
  pipeline: ObjectPipeline,
  namespace: string | undefined,
  name: string,
  change: { body: KubeObject } | { patchType: Exclude<PatchType, 'apply'>; patch: unknown },
  opts: WriteOptions,
): Promise<ObjectOut> {
  const result = await store.guaranteedUpdate(namespace, name, opts, undefined, (current) => {
    if (!current) throw notFound({ group: store.info.group, resource: store.info.resource }, name);
    const scale = scaleOf(current as Scalable);
    const next = 'body' in change ? change.body : pipeline.applyPatch(store.info, change.patchType, scale, change.patch);
    const spec = (next.spec ?? {}) as { replicas?: unknown };
    const replicas = spec.replicas ?? 0;
    if (typeof replicas !== 'number' || !Number.isInteger(replicas)) {
      throw invalid(scaleGroupKind, name, [{ type: 'FieldValueInvalid', field: 'spec.replicas', badValue: replicas, detail: 'must be an integer' }]);
    }
    if (replicas < 0) {
      throw invalid(scaleGroupKind, name, [
        { type: 'FieldValueInvalid', field: 'spec.replicas', badValue: replicas, detail: 'must be greater than or equal to 0' },
      ]);
    }
    const updated = structuredClone(current) as Scalable;
    updated.spec = { ...updated.spec, replicas };
    const rv = (next.metadata as { resourceVersion?: string } | undefined)?.resourceVersion;
    return { update: updated, expectedRv: rv && rv !== current.metadata?.resourceVersion ? rv : undefined };
  });
  return ObjectOut.fromObject(scaleOf(result.object.object as Scalable));
}
