// ref.GetReference: an ObjectReference to an object (an Event's involvedObject, a CronJob's
// active Jobs, a PersistentVolume's claimRef), with fields in the Go struct's order and no
// namespace for cluster-scoped objects.
import type { Event } from './api-types.js';
import type { KubeObject } from './object.js';

export type ObjectReference = NonNullable<Event['involvedObject']>;

/** `type` names the kind and apiVersion where the object may lack them (objects decoded without TypeMeta). */
export function objectReference(obj: KubeObject, type: { kind: string; apiVersion: string } = { kind: obj.kind ?? '', apiVersion: obj.apiVersion ?? '' }): ObjectReference {
  const meta = obj.metadata ?? {};
  const ref: ObjectReference = { kind: type.kind };
  if (meta.namespace) ref.namespace = meta.namespace;
  ref.name = meta.name;
  ref.uid = meta.uid;
  ref.apiVersion = type.apiVersion;
  ref.resourceVersion = meta.resourceVersion;
  return ref;
}
