// The Go type kube-apiserver holds an object in while it answers (the internal version of its
// group, from pkg/apis/<package>), as its messages name it with %T: `*core.ConfigMap`,
// `*apps.DeploymentList`, `*unstructured.Unstructured` for a custom resource.

/** Groups whose internal package is not the first label of the group's name. */
const packagesByGroup: Readonly<Record<string, string>> = {
  '': 'core',
  // events.k8s.io serves core's Event, converted.
  'events.k8s.io': 'core',
  'internal.apiserver.k8s.io': 'apiserverinternal',
};

export function internalTypeName(group: string, kind: string, custom: boolean, list: boolean): string {
  if (custom) return list ? '*unstructured.UnstructuredList' : '*unstructured.Unstructured';
  const pkg = packagesByGroup[group] ?? group.split('.')[0];
  return `*${pkg}.${kind}${list ? 'List' : ''}`;
}
