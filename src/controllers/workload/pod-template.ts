// A pod from a controller's pod template (pkg/controller's GetPodFromTemplate): the template's
// labels, annotations, finalizers and spec, a generated name after the controller's, and the
// controller reference.
import type { OwnerReference, Pod, PodTemplateSpec } from '../../machinery/api-types.js';

export function podFromTemplate(template: PodTemplateSpec | undefined, generateName: string, controllerRef: OwnerReference | undefined): Pod {
  const meta = template?.metadata ?? {};
  const pod: Pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { generateName },
    spec: structuredClone(template?.spec) as Pod['spec'],
  };
  const m = pod.metadata!;
  if (meta.labels) m.labels = { ...meta.labels };
  if (meta.annotations) m.annotations = { ...meta.annotations };
  if (meta.finalizers) m.finalizers = [...meta.finalizers];
  if (controllerRef) m.ownerReferences = [controllerRef];
  return pod;
}

/** "<name>-": the prefix of the names generated for a controller's pods. */
export function podNamePrefix(controllerName: string): string {
  return `${controllerName}-`;
}
