// The few discovery facts the OpenAPI spec does not carry: short names, categories, the order in
// which a real kube-apiserver lists its API groups and the GA APIs it warns are deprecated.
// One table, matching a 1.36 cluster.

export const shortNames: Readonly<Record<string, readonly string[]>> = {
  componentstatuses: ['cs'],
  configmaps: ['cm'],
  endpoints: ['ep'],
  events: ['ev'],
  'events.events.k8s.io': ['ev'],
  limitranges: ['limits'],
  namespaces: ['ns'],
  nodes: ['no'],
  persistentvolumeclaims: ['pvc'],
  persistentvolumes: ['pv'],
  pods: ['po'],
  replicationcontrollers: ['rc'],
  resourcequotas: ['quota'],
  serviceaccounts: ['sa'],
  services: ['svc'],
  'customresourcedefinitions.apiextensions.k8s.io': ['crd', 'crds'],
  'daemonsets.apps': ['ds'],
  'deployments.apps': ['deploy'],
  'replicasets.apps': ['rs'],
  'statefulsets.apps': ['sts'],
  'horizontalpodautoscalers.autoscaling': ['hpa'],
  'cronjobs.batch': ['cj'],
  'certificatesigningrequests.certificates.k8s.io': ['csr'],
  'ingresses.networking.k8s.io': ['ing'],
  'networkpolicies.networking.k8s.io': ['netpol'],
  'poddisruptionbudgets.policy': ['pdb'],
  'priorityclasses.scheduling.k8s.io': ['pc'],
  'storageclasses.storage.k8s.io': ['sc'],
  'volumeattributesclasses.storage.k8s.io': ['vac'],
};

export const categories: Readonly<Record<string, readonly string[]>> = {
  pods: ['all'],
  replicationcontrollers: ['all'],
  services: ['all'],
  'daemonsets.apps': ['all'],
  'deployments.apps': ['all'],
  'replicasets.apps': ['all'],
  'statefulsets.apps': ['all'],
  'horizontalpodautoscalers.autoscaling': ['all'],
  'cronjobs.batch': ['all'],
  'jobs.batch': ['all'],
  'mutatingwebhookconfigurations.admissionregistration.k8s.io': ['api-extensions'],
  'validatingwebhookconfigurations.admissionregistration.k8s.io': ['api-extensions'],
  'validatingadmissionpolicies.admissionregistration.k8s.io': ['api-extensions'],
  'validatingadmissionpolicybindings.admissionregistration.k8s.io': ['api-extensions'],
  'customresourcedefinitions.apiextensions.k8s.io': ['api-extensions'],
  'apiservices.apiregistration.k8s.io': ['api-extensions'],
};

/** Group order of /apis on a real cluster (kube-aggregator's group priorities); unknown groups sort after, by name. */
export const groupOrder: readonly string[] = [
  'apiregistration.k8s.io',
  'apps',
  'events.k8s.io',
  'authentication.k8s.io',
  'authorization.k8s.io',
  'autoscaling',
  'batch',
  'certificates.k8s.io',
  'networking.k8s.io',
  'policy',
  'rbac.authorization.k8s.io',
  'storage.k8s.io',
  'admissionregistration.k8s.io',
  'apiextensions.k8s.io',
  'scheduling.k8s.io',
  'coordination.k8s.io',
  'node.k8s.io',
  'discovery.k8s.io',
  'flowcontrol.apiserver.k8s.io',
  'resource.k8s.io',
  'storagemigration.k8s.io',
  'internal.apiserver.k8s.io',
];

/** Preferred version per group where a group serves several GA versions. */
export const preferredVersions: Readonly<Record<string, string>> = {
  autoscaling: 'v2',
};

/**
 * GA resources a 1.36 kube-apiserver still serves but answers every request for with a
 * deprecation warning, by group/version/resource ("v1/endpoints" for the core group).
 */
export const deprecatedResources: Readonly<Record<string, { since: string; replacement?: string }>> = {
  'v1/componentstatuses': { since: '1.19' },
  'v1/endpoints': { since: '1.33', replacement: 'discovery.k8s.io/v1 EndpointSlice' },
};
