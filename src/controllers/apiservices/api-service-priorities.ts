// The discovery order kube-apiserver's autoregister controller gives its own group-versions
// (groupPriorityMinimum orders groups, versionPriority the versions within one). kube-apiserver
// keeps this as a fixed table (pkg/controlplane/apiserver/aggregator.go and the kube-apiserver
// additions) rather than deriving it, and so do we. A CRD's versions all get 1000/100.
export interface ApiServicePriority {
  group: number;
  version: number;
}

const table: Record<string, ApiServicePriority> = {
  'v1': { group: 18000, version: 1 },
  'apiregistration.k8s.io/v1': { group: 18000, version: 15 },
  'events.k8s.io/v1': { group: 17750, version: 15 },
  'apps/v1': { group: 17800, version: 15 },
  'authentication.k8s.io/v1': { group: 17700, version: 15 },
  'authorization.k8s.io/v1': { group: 17600, version: 15 },
  'autoscaling/v1': { group: 17500, version: 15 },
  'autoscaling/v2': { group: 17500, version: 30 },
  'batch/v1': { group: 17400, version: 15 },
  'certificates.k8s.io/v1': { group: 17300, version: 15 },
  'networking.k8s.io/v1': { group: 17200, version: 15 },
  'policy/v1': { group: 17100, version: 15 },
  'rbac.authorization.k8s.io/v1': { group: 17000, version: 15 },
  'storage.k8s.io/v1': { group: 16800, version: 15 },
  'apiextensions.k8s.io/v1': { group: 16700, version: 15 },
  'admissionregistration.k8s.io/v1': { group: 16700, version: 15 },
  'scheduling.k8s.io/v1': { group: 16600, version: 15 },
  'coordination.k8s.io/v1': { group: 16500, version: 15 },
  'node.k8s.io/v1': { group: 16300, version: 15 },
  'discovery.k8s.io/v1': { group: 16200, version: 15 },
  'resource.k8s.io/v1': { group: 16200, version: 21 },
  'flowcontrol.apiserver.k8s.io/v1': { group: 16100, version: 21 },
  // metrics-server's own APIService asks for these.
  'metrics.k8s.io/v1beta1': { group: 100, version: 100 },
};

export const customResourcePriority: ApiServicePriority = { group: 1000, version: 100 };

/** The priority of a built-in group-version; kube-apiserver registers none for one missing from its table. */
export function builtinPriority(group: string, version: string): ApiServicePriority | undefined {
  return table[group ? `${group}/${version}` : version];
}
