// The scale subresource (autoscaling/v1 Scale) of Deployments, ReplicaSets, StatefulSets and
// ReplicationControllers: a view of spec.replicas, status.replicas and the selector.
import { badRequest, invalid, notFound } from '../apierrors/index.js';
import { isPlainObject, type KubeObject } from '../machinery/object.js';
import { labelSelectorFromObject, labelSelectorFromSet, labelSelectorToString } from '../machinery/selectors/index.js';
import { ObjectOut } from './object-out.js';
import { evaluateJsonPath, parseJsonPath } from '../machinery/json-path.js';
import type { ScaleSettings } from '../schema/custom-resources.js';
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

// A custom resource's scale subresource reads and writes where its CRD's paths say.
function customScale(obj: Scalable, scale: ScaleSettings): { spec: number; status: number; selector: string } {
  const at = (path: string | undefined) => (path ? evaluateJsonPath(obj, parseJsonPath(path)) : undefined);
  const spec = at(scale.specReplicasPath);
  const status = at(scale.statusReplicasPath);
  const selector = at(scale.labelSelectorPath);
  return { spec: typeof spec === 'number' ? spec : 0, status: typeof status === 'number' ? status : 0, selector: typeof selector === 'string' ? selector : '' };
}

function setSpecReplicas(obj: Scalable, path: string, replicas: number): void {
  const keys = path.replace(/^\./, '').split('.');
  let cur = obj as Record<string, unknown>;
  for (const key of keys.slice(0, -1)) {
    if (!isPlainObject(cur[key])) cur[key] = {};
    cur = cur[key] as Record<string, unknown>;
  }
  cur[keys[keys.length - 1]!] = replicas;
}

export function scaleOf(obj: Scalable, custom?: ScaleSettings): KubeObject {
  const meta = obj.metadata ?? {};
  const values = custom ? customScale(obj, custom) : { spec: obj.spec?.replicas ?? 0, status: obj.status?.replicas ?? 0, selector: selectorString(obj) };
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
    spec: { replicas: values.spec },
    status: { replicas: values.status, selector: values.selector },
  };
}

const scaleGroupKind = { group: 'autoscaling', kind: 'Scale' };

export async function getScale(store: ResourceStore, namespace: string | undefined, name: string): Promise<ObjectOut> {
  const obj = await store.get(namespace, name);
  return ObjectOut.fromObject(scaleOf(obj.object as Scalable, store.info.custom?.scale));
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
  if ('body' in change) assertScaleBody(change.body, name);
  const result = await store.guaranteedUpdate(namespace, name, opts, undefined, (current) => {
    if (!current) throw notFound({ group: store.info.group, resource: store.info.resource }, name);
    const scale = scaleOf(current as Scalable, store.info.custom?.scale);
    const next = 'body' in change ? change.body : pipeline.applyPatch(store.info, change.patchType, scale, change.patch);
    // As for any patch, the result must still carry the name (kube-apiserver's checkName).
    if (!('body' in change)) {
      const patchedName = isPlainObject(next.metadata) ? (next.metadata as { name?: unknown }).name : undefined;
      if (patchedName !== name) throw badRequest(`the name of the object (${typeof patchedName === 'string' ? patchedName : ''}) does not match the name on the URL (${name})`);
    }
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
    const custom = store.info.custom?.scale;
    if (custom) setSpecReplicas(updated, custom.specReplicasPath, replicas);
    else updated.spec = { ...updated.spec, replicas };
    const rv = (next.metadata as { resourceVersion?: string } | undefined)?.resourceVersion;
    return { update: updated, expectedRv: rv && rv !== current.metadata?.resourceVersion ? rv : undefined };
  });
  return ObjectOut.fromObject(scaleOf(result.object.object as Scalable, store.info.custom?.scale));
}

/**
 * A PUT to /scale carries an autoscaling/v1 Scale: kube-apiserver decodes it as one, so another
 * group-version, a metadata that is not an object or another name is refused before anything
 * is read (a Deployment body sent to /scale must not scale it to zero).
 */
function assertScaleBody(body: KubeObject, urlName: string): void {
  const apiVersion = (body as { apiVersion?: unknown }).apiVersion;
  if (apiVersion !== undefined && apiVersion !== '' && apiVersion !== 'autoscaling/v1') {
    throw badRequest(`the API version in the data (${String(apiVersion)}) does not match the expected API version (autoscaling/v1)`);
  }
  const meta = (body as { metadata?: unknown }).metadata;
  if (meta !== undefined && meta !== null && (typeof meta !== 'object' || Array.isArray(meta))) {
    throw badRequest(`Scale in version "v1" cannot be handled as a Scale: json: cannot unmarshal ${Array.isArray(meta) ? 'array' : typeof meta} into Go struct field Scale.metadata of type v1.ObjectMeta`);
  }
  const name = (meta as { name?: unknown } | undefined)?.name;
  if (name !== undefined && name !== '' && name !== urlName) {
    throw badRequest(`the name of the object (${typeof name === 'string' ? name : JSON.stringify(name)}) does not match the name on the URL (${urlName})`);
  }
}
