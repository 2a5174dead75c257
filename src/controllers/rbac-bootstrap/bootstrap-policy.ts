// kube-apiserver's bootstrap RBAC policy (plugin/pkg/auth/authorizer/rbac/bootstrappolicy): the
// default cluster roles — cluster-admin; admin, edit and view filled by aggregation from the
// system:aggregate-to-* roles; the discovery, basic-user and public-info roles every client
// needs; the node, scheduler and controller-manager roles; a system:controller:<name> role per
// kube-controller-manager controller — and the bindings that give them out. Written as data:
// the bootstrap reconciler makes them at start.
import type { PolicyRule } from '../../machinery/api-types.js';

export interface BootstrapClusterRole {
  name: string;
  rules: PolicyRule[];
  labels?: Record<string, string>;
  /** For admin, edit and view: the labels of the roles gathered into it. */
  aggregateFrom?: string;
}

export interface BootstrapSubject {
  kind: 'User' | 'Group' | 'ServiceAccount';
  name: string;
  namespace?: string;
}

export interface BootstrapBinding {
  name: string;
  role: string;
  subjects: BootstrapSubject[];
}

const read = ['get', 'list', 'watch'];
const write = ['create', 'delete', 'deletecollection', 'patch', 'update'];
const readWrite = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

function rule(verbs: string[], apiGroups: string[], resources: string[], resourceNames?: string[]): PolicyRule {
  const r: PolicyRule = { apiGroups, resources, verbs };
  if (resourceNames) r.resourceNames = resourceNames;
  return r;
}

function urls(verbs: string[], nonResourceURLs: string[]): PolicyRule {
  return { nonResourceURLs, verbs };
}

const events = rule(['create', 'patch', 'update'], ['', 'events.k8s.io'], ['events']);
const aggregateLabel = (to: string) => ({ [`rbac.authorization.k8s.io/aggregate-to-${to}`]: 'true' });

export const clusterRoles: readonly BootstrapClusterRole[] = [
  { name: 'cluster-admin', rules: [rule(['*'], ['*'], ['*']), urls(['*'], ['*'])] },
  { name: 'admin', rules: [], aggregateFrom: 'admin' },
  { name: 'edit', rules: [], aggregateFrom: 'edit', labels: aggregateLabel('admin') },
  { name: 'view', rules: [], aggregateFrom: 'view', labels: aggregateLabel('edit') },
  {
    name: 'system:aggregate-to-admin',
    labels: aggregateLabel('admin'),
    rules: [rule(['create'], ['authorization.k8s.io'], ['localsubjectaccessreviews']), rule(readWrite, ['rbac.authorization.k8s.io'], ['rolebindings', 'roles'])],
  },
  {
    name: 'system:aggregate-to-edit',
    labels: aggregateLabel('edit'),
    rules: [
      rule(read, [''], ['pods/attach', 'pods/exec', 'pods/portforward', 'pods/proxy', 'secrets', 'services/proxy']),
      rule(['impersonate'], [''], ['serviceaccounts']),
      rule(write, [''], ['pods', 'pods/attach', 'pods/exec', 'pods/portforward', 'pods/proxy']),
      rule(['create'], [''], ['pods/eviction']),
      rule(write, [''], ['configmaps', 'events', 'persistentvolumeclaims', 'replicationcontrollers', 'replicationcontrollers/scale', 'secrets', 'serviceaccounts', 'services', 'services/proxy']),
      rule(['create'], [''], ['serviceaccounts/token']),
      rule(write, ['apps'], ['daemonsets', 'deployments', 'deployments/rollback', 'deployments/scale', 'replicasets', 'replicasets/scale', 'statefulsets', 'statefulsets/scale']),
      rule(write, ['autoscaling'], ['horizontalpodautoscalers']),
      rule(write, ['batch'], ['cronjobs', 'jobs']),
      rule(write, ['extensions'], ['daemonsets', 'deployments', 'deployments/rollback', 'deployments/scale', 'ingresses', 'networkpolicies', 'replicasets', 'replicasets/scale', 'replicationcontrollers/scale']),
      rule(write, ['policy'], ['poddisruptionbudgets']),
      rule(write, ['networking.k8s.io'], ['ingresses', 'networkpolicies']),
      rule(readWrite, ['coordination.k8s.io'], ['leases']),
    ],
  },
  {
    name: 'system:aggregate-to-view',
    labels: aggregateLabel('view'),
    rules: [
      rule(read, [''], ['configmaps', 'endpoints', 'persistentvolumeclaims', 'persistentvolumeclaims/status', 'pods', 'replicationcontrollers', 'replicationcontrollers/scale', 'serviceaccounts', 'services', 'services/status']),
      rule(read, [''], ['bindings', 'events', 'limitranges', 'namespaces/status', 'pods/log', 'pods/status', 'replicationcontrollers/status', 'resourcequotas', 'resourcequotas/status']),
      rule(read, [''], ['namespaces']),
      rule(read, ['discovery.k8s.io'], ['endpointslices']),
      rule(read, ['apps'], ['controllerrevisions', 'daemonsets', 'daemonsets/status', 'deployments', 'deployments/scale', 'deployments/status', 'replicasets', 'replicasets/scale', 'replicasets/status', 'statefulsets', 'statefulsets/scale', 'statefulsets/status']),
      rule(read, ['autoscaling'], ['horizontalpodautoscalers', 'horizontalpodautoscalers/status']),
      rule(read, ['batch'], ['cronjobs', 'cronjobs/status', 'jobs', 'jobs/status']),
      rule(read, ['extensions'], ['daemonsets', 'daemonsets/status', 'deployments', 'deployments/scale', 'deployments/status', 'ingresses', 'ingresses/status', 'networkpolicies', 'replicasets', 'replicasets/scale', 'replicasets/status', 'replicationcontrollers/scale']),
      rule(read, ['policy'], ['poddisruptionbudgets', 'poddisruptionbudgets/status']),
      rule(read, ['networking.k8s.io'], ['ingresses', 'ingresses/status', 'networkpolicies']),
    ],
  },
  { name: 'system:auth-delegator', rules: [rule(['create'], ['authentication.k8s.io'], ['tokenreviews']), rule(['create'], ['authorization.k8s.io'], ['subjectaccessreviews'])] },
  {
    name: 'system:basic-user',
    rules: [rule(['create'], ['authorization.k8s.io'], ['selfsubjectaccessreviews', 'selfsubjectrulesreviews']), rule(['create'], ['authentication.k8s.io'], ['selfsubjectreviews'])],
  },
  { name: 'system:discovery', rules: [urls(['get'], ['/api', '/api/*', '/apis', '/apis/*', '/healthz', '/livez', '/openapi', '/openapi/*', '/readyz', '/version', '/version/'])] },
  { name: 'system:public-info-viewer', rules: [urls(['get'], ['/healthz', '/livez', '/readyz', '/version', '/version/'])] },
  { name: 'system:monitoring', rules: [urls(['get'], ['/healthz', '/healthz/*', '/livez', '/livez/*', '/metrics', '/metrics/slis', '/readyz', '/readyz/*'])] },
  { name: 'system:service-account-issuer-discovery', rules: [urls(['get'], ['/.well-known/openid-configuration', '/openid/v1/jwks'])] },
  { name: 'system:kube-aggregator', rules: [rule(read, [''], ['endpoints', 'services'])] },
  { name: 'system:kube-dns', rules: [rule(['list', 'watch'], [''], ['endpoints', 'services'])] },
  {
    name: 'system:kube-controller-manager',
    rules: [
      events,
      rule(['create'], ['coordination.k8s.io'], ['leases']),
      rule(['get', 'update'], ['coordination.k8s.io'], ['leases'], ['kube-controller-manager']),
      rule(['create'], [''], ['secrets', 'serviceaccounts']),
      rule(['delete'], [''], ['secrets']),
      rule(['get'], [''], ['configmaps', 'namespaces', 'secrets', 'serviceaccounts']),
      rule(['update'], [''], ['secrets', 'serviceaccounts']),
      rule(['create'], ['authentication.k8s.io'], ['tokenreviews']),
      rule(['create'], ['authorization.k8s.io'], ['subjectaccessreviews']),
      rule(['list', 'watch'], ['*'], ['*']),
      rule(['create'], [''], ['serviceaccounts/token']),
    ],
  },
  {
    name: 'system:kube-scheduler',
    rules: [
      events,
      rule(['create'], ['coordination.k8s.io'], ['leases']),
      rule(['get', 'update'], ['coordination.k8s.io'], ['leases'], ['kube-scheduler']),
      rule(read, [''], ['nodes']),
      rule(['delete', 'get', 'list', 'watch'], [''], ['pods']),
      rule(['create'], [''], ['bindings', 'pods/binding']),
      rule(['patch', 'update'], [''], ['pods/status']),
      rule(read, [''], ['replicationcontrollers', 'services']),
      rule(read, ['apps', 'extensions'], ['replicasets']),
      rule(read, ['apps'], ['statefulsets']),
      rule(read, ['policy'], ['poddisruptionbudgets']),
      rule(read, [''], ['persistentvolumeclaims', 'persistentvolumes']),
      rule(['create'], ['authentication.k8s.io'], ['tokenreviews']),
      rule(['create'], ['authorization.k8s.io'], ['subjectaccessreviews']),
      rule(read, ['storage.k8s.io'], ['csinodes']),
      rule(read, [''], ['namespaces']),
      rule(read, ['storage.k8s.io'], ['csidrivers']),
      rule(read, ['storage.k8s.io'], ['csistoragecapacities']),
    ],
  },
  { name: 'system:volume-scheduler', rules: [rule(['get', 'list', 'patch', 'update', 'watch'], [''], ['persistentvolumes']), rule(read, ['storage.k8s.io'], ['storageclasses']), rule(['get', 'list', 'patch', 'update', 'watch'], [''], ['persistentvolumeclaims'])] },
  {
    name: 'system:node',
    rules: [
      rule(['create'], ['authentication.k8s.io'], ['tokenreviews']),
      rule(['create'], ['authorization.k8s.io'], ['localsubjectaccessreviews', 'subjectaccessreviews']),
      rule(read, [''], ['services']),
      rule(['create', 'get', 'list', 'watch'], [''], ['nodes']),
      rule(['patch', 'update'], [''], ['nodes/status']),
      rule(['patch', 'update'], [''], ['nodes']),
      rule(['create', 'patch', 'update'], [''], ['events']),
      rule(read, [''], ['pods']),
      rule(['create', 'delete'], [''], ['pods']),
      rule(['patch', 'update'], [''], ['pods/status']),
      rule(['create'], [''], ['pods/eviction']),
      rule(read, [''], ['configmaps', 'secrets']),
      rule(['get'], [''], ['persistentvolumeclaims', 'persistentvolumes']),
      rule(['get'], [''], ['endpoints']),
      rule(['create', 'get', 'list', 'watch'], ['certificates.k8s.io'], ['certificatesigningrequests']),
      rule(['create', 'delete', 'get', 'patch', 'update'], ['coordination.k8s.io'], ['leases']),
      rule(['get'], ['storage.k8s.io'], ['volumeattachments']),
      rule(['create'], [''], ['serviceaccounts/token']),
      rule(['get', 'patch', 'update'], [''], ['persistentvolumeclaims/status']),
      rule(read, ['storage.k8s.io'], ['csidrivers']),
      rule(['create', 'delete', 'get', 'patch', 'update'], ['storage.k8s.io'], ['csinodes']),
      rule(read, ['node.k8s.io'], ['runtimeclasses']),
    ],
  },
  { name: 'system:node-proxier', rules: [rule(['list', 'watch'], [''], ['endpoints', 'services']), rule(read, [''], ['nodes']), events, rule(['list', 'watch'], ['discovery.k8s.io'], ['endpointslices'])] },
  { name: 'system:node-bootstrapper', rules: [rule(['create', 'get', 'list', 'watch'], ['certificates.k8s.io'], ['certificatesigningrequests'])] },
  { name: 'system:persistent-volume-provisioner', rules: [rule(['create', 'delete', 'get', 'list', 'watch'], [''], ['persistentvolumes']), rule(['get', 'list', 'update', 'watch'], [''], ['persistentvolumeclaims']), rule(read, ['storage.k8s.io'], ['storageclasses']), rule(['watch'], [''], ['events']), events] },
  ...controllerRoles(),
];

/**
 * system:controller:<name> for kube-controller-manager's controllers (those kubemu runs and the
 * others a 1.36 cluster has), bound to kube-system/<name>. Their rules follow controller_policy.go
 * in substance — what each controller reads and writes — not rule for rule.
 */
function controllerRoles(): BootstrapClusterRole[] {
  // Most may record events; the few upstream gives no events rule do not get one here either.
  const c = (name: string, rules: PolicyRule[], recordsEvents = true): BootstrapClusterRole => ({ name: `system:controller:${name}`, rules: recordsEvents ? [...rules, events] : rules });
  const updateStatus = (group: string, resources: string[]) => rule(['update'], [group], resources.map((r) => `${r}/status`));
  return [
    c('clusterrole-aggregation-controller', [rule(['escalate', 'get', 'list', 'patch', 'update', 'watch'], ['rbac.authorization.k8s.io'], ['clusterroles'])], false),
    c('cronjob-controller', [rule(['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'], ['batch'], ['jobs']), rule(['get', 'list', 'update', 'watch'], ['batch'], ['cronjobs']), updateStatus('batch', ['cronjobs']), rule(['update'], ['batch'], ['cronjobs/finalizers']), rule(['delete', 'list', 'watch'], [''], ['pods'])]),
    c('daemon-set-controller', [rule(read, ['apps', 'extensions'], ['daemonsets']), rule(['update'], ['apps', 'extensions'], ['daemonsets/status']), rule(['update'], ['apps', 'extensions'], ['daemonsets/finalizers']), rule(['list', 'watch'], [''], ['nodes']), rule(['create', 'delete', 'list', 'patch', 'watch'], [''], ['pods']), rule(['create'], [''], ['pods/binding']), rule(read.concat(['create', 'delete', 'patch', 'update']), ['apps'], ['controllerrevisions'])]),
    c('deployment-controller', [rule(['get', 'list', 'update', 'watch'], ['apps', 'extensions'], ['deployments']), rule(['update'], ['apps', 'extensions'], ['deployments/status']), rule(['update'], ['apps', 'extensions'], ['deployments/finalizers']), rule(['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'], ['apps', 'extensions'], ['replicasets']), rule(['get', 'list', 'update', 'watch'], [''], ['pods'])]),
    c('disruption-controller', [rule(read, ['apps', 'extensions'], ['deployments', 'replicasets']), rule(read, ['apps'], ['statefulsets']), rule(read, [''], ['replicationcontrollers']), rule(read, ['policy'], ['poddisruptionbudgets']), updateStatus('policy', ['poddisruptionbudgets']), rule(['get'], ['*'], ['*/scale']), rule(['patch', 'update'], [''], ['pods/status'])]),
    c('endpoint-controller', [rule(read, [''], ['pods', 'services']), rule(['create', 'delete', 'get', 'list', 'update', 'watch'], [''], ['endpoints']), rule(['create'], [''], ['endpoints/restricted'])]),
    c('endpointslice-controller', [rule(read, [''], ['nodes', 'pods', 'services']), rule(['update'], [''], ['services/finalizers']), rule(['create', 'delete', 'get', 'list', 'update', 'watch'], ['discovery.k8s.io'], ['endpointslices'])]),
    c('endpointslicemirroring-controller', [rule(read, [''], ['endpoints', 'services']), rule(['update'], [''], ['endpoints/finalizers', 'services/finalizers']), rule(['create', 'delete', 'get', 'list', 'update', 'watch'], ['discovery.k8s.io'], ['endpointslices'])]),
    c('generic-garbage-collector', [rule(['delete', 'get', 'list', 'patch', 'update', 'watch'], ['*'], ['*'])]),
    c('job-controller', [rule(['get', 'list', 'patch', 'update', 'watch'], ['batch'], ['jobs']), updateStatus('batch', ['jobs']), rule(['update'], ['batch'], ['jobs/finalizers']), rule(['create', 'delete', 'list', 'patch', 'watch'], [''], ['pods'])]),
    c('namespace-controller', [rule(['delete', 'get', 'list', 'watch'], [''], ['namespaces']), rule(['update'], [''], ['namespaces/finalize', 'namespaces/status']), rule(['delete', 'deletecollection', 'get', 'list', 'watch'], ['*'], ['*'])], false),
    c('node-controller', [rule(['delete', 'get', 'list', 'patch', 'update', 'watch'], [''], ['nodes']), rule(['patch', 'update'], [''], ['nodes/status']), rule(['patch', 'update'], [''], ['pods/status']), rule(['delete', 'get', 'list', 'watch'], [''], ['pods'])]),
    c('persistent-volume-binder', [rule(['create', 'delete', 'get', 'list', 'update', 'watch'], [''], ['persistentvolumes']), updateStatus('', ['persistentvolumes']), rule(['get', 'list', 'update', 'watch'], [''], ['persistentvolumeclaims']), updateStatus('', ['persistentvolumeclaims']), rule(['create', 'delete', 'get', 'list', 'watch'], [''], ['pods']), rule(read, ['storage.k8s.io'], ['storageclasses']), rule(['list', 'watch'], [''], ['nodes']), rule(['watch'], [''], ['events']), rule(['get'], [''], ['services'])]),
    c('pod-garbage-collector', [rule(['delete', 'list', 'watch'], [''], ['pods']), rule(read, [''], ['nodes']), rule(['patch'], [''], ['pods/status'])], false),
    c('replicaset-controller', [rule(['get', 'list', 'update', 'watch'], ['apps', 'extensions'], ['replicasets']), rule(['update'], ['apps', 'extensions'], ['replicasets/status']), rule(['update'], ['apps', 'extensions'], ['replicasets/finalizers']), rule(['create', 'delete', 'list', 'patch', 'watch'], [''], ['pods'])]),
    c('replication-controller', [rule(['get', 'list', 'update', 'watch'], [''], ['replicationcontrollers']), updateStatus('', ['replicationcontrollers']), rule(['update'], [''], ['replicationcontrollers/finalizers']), rule(['create', 'delete', 'list', 'patch', 'watch'], [''], ['pods'])]),
    c('resourcequota-controller', [rule(['list', 'watch'], ['*'], ['*']), rule(['update'], [''], ['resourcequotas/status'])]),
    c('root-ca-cert-publisher', [rule(['create', 'update'], [''], ['configmaps'])]),
    c('service-account-controller', [rule(['create'], [''], ['serviceaccounts'])]),
    c('service-controller', [rule(read, [''], ['services']), rule(['patch', 'update'], [''], ['services/status']), rule(['list', 'watch'], [''], ['nodes'])]),
    c('statefulset-controller', [rule(['list', 'watch'], [''], ['pods']), rule(read, ['apps'], ['statefulsets']), updateStatus('apps', ['statefulsets']), rule(['update'], ['apps'], ['statefulsets/finalizers']), rule(['create', 'delete', 'get', 'patch', 'update'], [''], ['pods']), rule(['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'], ['apps'], ['controllerrevisions']), rule(['create', 'get', 'list', 'watch'], [''], ['persistentvolumeclaims']), rule(['delete', 'update'], [''], ['persistentvolumeclaims']), rule(['update'], [''], ['pods/finalizers'])]),
    c('ttl-after-finished-controller', [rule(['delete', 'get', 'list', 'watch'], ['batch'], ['jobs'])]),
    c('attachdetach-controller', [rule(['list', 'watch'], [''], ['persistentvolumeclaims', 'persistentvolumes']), rule(read, [''], ['nodes']), rule(['patch', 'update'], [''], ['nodes/status']), rule(['list', 'watch'], [''], ['pods']), rule(['create', 'delete', 'get', 'list', 'watch'], ['storage.k8s.io'], ['volumeattachments']), rule(read, ['storage.k8s.io'], ['csidrivers', 'csinodes'])]),
    c('certificate-controller', [rule(['delete', 'get', 'list', 'watch'], ['certificates.k8s.io'], ['certificatesigningrequests']), rule(['update'], ['certificates.k8s.io'], ['certificatesigningrequests/approval', 'certificatesigningrequests/status']), rule(['approve'], ['certificates.k8s.io'], ['signers'], ['kubernetes.io/kube-apiserver-client-kubelet']), rule(['sign'], ['certificates.k8s.io'], ['signers'], ['kubernetes.io/kube-apiserver-client', 'kubernetes.io/kube-apiserver-client-kubelet', 'kubernetes.io/kubelet-serving', 'kubernetes.io/legacy-unknown']), rule(['create'], ['authorization.k8s.io'], ['subjectaccessreviews'])]),
    c('ephemeral-volume-controller', [rule(read, [''], ['pods']), rule(['update'], [''], ['pods/finalizers']), rule(['create', 'get', 'list', 'watch'], [''], ['persistentvolumeclaims'])]),
    c('expand-controller', [rule(['get', 'list', 'patch', 'update', 'watch'], [''], ['persistentvolumes']), rule(['patch', 'update'], [''], ['persistentvolumeclaims/status']), rule(read, [''], ['persistentvolumeclaims']), rule(read, ['storage.k8s.io'], ['storageclasses']), rule(['get'], [''], ['endpoints', 'services']), rule(['get'], [''], ['secrets'])]),
    c('horizontal-pod-autoscaler', [rule(read, ['autoscaling'], ['horizontalpodautoscalers']), rule(['update'], ['autoscaling'], ['horizontalpodautoscalers/status']), rule(['get', 'update'], ['*'], ['*/scale']), rule(['list'], [''], ['pods']), rule(['list'], ['metrics.k8s.io'], ['pods']), rule(['get', 'list'], ['custom.metrics.k8s.io'], ['*']), rule(['get', 'list'], ['external.metrics.k8s.io'], ['*'])]),
    c('legacy-service-account-token-cleaner', [rule(['get'], [''], ['configmaps'], ['kube-apiserver-legacy-service-account-token-tracking']), rule(['delete', 'patch'], [''], ['secrets'])], false),
    c('pv-protection-controller', [rule(['get', 'list', 'update', 'watch'], [''], ['persistentvolumes'])]),
    c('pvc-protection-controller', [rule(['get', 'list', 'update', 'watch'], [''], ['persistentvolumeclaims']), rule(read, [''], ['pods'])]),
    c('resource-claim-controller', [rule(read, [''], ['pods']), rule(['update'], [''], ['pods/finalizers']), rule(['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'], ['resource.k8s.io'], ['resourceclaims']), rule(['update'], ['resource.k8s.io'], ['resourceclaims/status']), rule(['patch', 'update'], [''], ['pods/status'])]),
    c('route-controller', [rule(['list', 'watch'], [''], ['nodes']), rule(['patch'], [''], ['nodes/status'])]),
    c('selinux-warning-controller', [rule(read, [''], ['persistentvolumeclaims', 'persistentvolumes', 'pods']), rule(read, ['storage.k8s.io'], ['csidrivers'])]),
    c('service-cidrs-controller', [rule(['get', 'list', 'patch', 'update', 'watch'], ['networking.k8s.io'], ['servicecidrs']), rule(['patch', 'update'], ['networking.k8s.io'], ['servicecidrs/finalizers', 'servicecidrs/status']), rule(read, ['networking.k8s.io'], ['ipaddresses'])]),
    c('ttl-controller', [rule(['list', 'patch', 'update', 'watch'], [''], ['nodes'])]),
    c('validatingadmissionpolicy-status-controller', [rule(read, ['admissionregistration.k8s.io'], ['validatingadmissionpolicies']), rule(['get', 'patch', 'update'], ['admissionregistration.k8s.io'], ['validatingadmissionpolicies/status'])]),
    c('volumeattributesclass-protection-controller', [rule(['list', 'watch'], [''], ['persistentvolumeclaims', 'persistentvolumes']), rule(['get', 'list', 'update', 'watch'], ['storage.k8s.io'], ['volumeattributesclasses'])]),
  ];
}

const controllerBinding = (name: string): BootstrapBinding => ({
  name: `system:controller:${name}`,
  role: `system:controller:${name}`,
  subjects: [{ kind: 'ServiceAccount', name, namespace: 'kube-system' }],
});

export const clusterRoleBindings: readonly BootstrapBinding[] = [
  { name: 'cluster-admin', role: 'cluster-admin', subjects: [{ kind: 'Group', name: 'system:masters' }] },
  { name: 'system:basic-user', role: 'system:basic-user', subjects: [{ kind: 'Group', name: 'system:authenticated' }] },
  { name: 'system:discovery', role: 'system:discovery', subjects: [{ kind: 'Group', name: 'system:authenticated' }] },
  { name: 'system:public-info-viewer', role: 'system:public-info-viewer', subjects: [{ kind: 'Group', name: 'system:authenticated' }, { kind: 'Group', name: 'system:unauthenticated' }] },
  { name: 'system:kube-controller-manager', role: 'system:kube-controller-manager', subjects: [{ kind: 'User', name: 'system:kube-controller-manager' }] },
  { name: 'system:kube-dns', role: 'system:kube-dns', subjects: [{ kind: 'ServiceAccount', name: 'kube-dns', namespace: 'kube-system' }] },
  { name: 'system:kube-scheduler', role: 'system:kube-scheduler', subjects: [{ kind: 'User', name: 'system:kube-scheduler' }] },
  { name: 'system:monitoring', role: 'system:monitoring', subjects: [{ kind: 'Group', name: 'system:monitoring' }] },
  // kube-apiserver binds it to no one since the Node authorizer took over nodes' access. kubemu has
  // no Node authorizer, so its kubelets (system:node:<name>) get the role through their group, as
  // clusters before 1.8 gave it.
  { name: 'system:node', role: 'system:node', subjects: [{ kind: 'Group', name: 'system:nodes' }] },
  { name: 'system:node-proxier', role: 'system:node-proxier', subjects: [{ kind: 'User', name: 'system:kube-proxy' }] },
  { name: 'system:service-account-issuer-discovery', role: 'system:service-account-issuer-discovery', subjects: [{ kind: 'Group', name: 'system:serviceaccounts' }] },
  { name: 'system:volume-scheduler', role: 'system:volume-scheduler', subjects: [{ kind: 'User', name: 'system:kube-scheduler' }] },
  ...clusterRoles.filter((r) => r.name.startsWith('system:controller:')).map((r) => controllerBinding(r.name.slice('system:controller:'.length))),
];

export interface BootstrapRole {
  namespace: string;
  name: string;
  rules: PolicyRule[];
}

export interface BootstrapRoleBinding extends BootstrapBinding {
  namespace: string;
}

const leaderLocking = [rule(['create', 'get', 'list', 'update', 'watch'], ['coordination.k8s.io'], ['leases']), rule(['create', 'get', 'list', 'update', 'watch'], ['coordination.k8s.io'], ['leasecandidates'])];

/** The Roles of kube-system and kube-public (leader election, the authentication ConfigMap's readers, bootstrap tokens). */
export const namespacedRoles: readonly BootstrapRole[] = [
  { namespace: 'kube-public', name: 'system:controller:bootstrap-signer', rules: [rule(read, [''], ['configmaps']), rule(['update'], [''], ['configmaps'], ['cluster-info']), events] },
  { namespace: 'kube-system', name: 'extension-apiserver-authentication-reader', rules: [rule(read, [''], ['configmaps'], ['extension-apiserver-authentication'])] },
  { namespace: 'kube-system', name: 'system::leader-locking-kube-controller-manager', rules: leaderLocking },
  { namespace: 'kube-system', name: 'system::leader-locking-kube-scheduler', rules: leaderLocking },
  { namespace: 'kube-system', name: 'system:controller:bootstrap-signer', rules: [rule(read, [''], ['secrets'])] },
  { namespace: 'kube-system', name: 'system:controller:cloud-provider', rules: [rule(['create', 'get', 'list', 'watch'], [''], ['configmaps'])] },
  { namespace: 'kube-system', name: 'system:controller:token-cleaner', rules: [rule(['delete', 'get', 'list', 'watch'], [''], ['secrets']), events] },
];

const kubeSystemSa = (name: string): BootstrapSubject => ({ kind: 'ServiceAccount', name, namespace: 'kube-system' });

export const namespacedRoleBindings: readonly BootstrapRoleBinding[] = [
  { namespace: 'kube-public', name: 'system:controller:bootstrap-signer', role: 'system:controller:bootstrap-signer', subjects: [kubeSystemSa('bootstrap-signer')] },
  {
    namespace: 'kube-system',
    name: 'system::extension-apiserver-authentication-reader',
    role: 'extension-apiserver-authentication-reader',
    subjects: [{ kind: 'User', name: 'system:kube-controller-manager' }, { kind: 'User', name: 'system:kube-scheduler' }],
  },
  {
    namespace: 'kube-system',
    name: 'system::leader-locking-kube-controller-manager',
    role: 'system::leader-locking-kube-controller-manager',
    subjects: [{ kind: 'User', name: 'system:kube-controller-manager' }, kubeSystemSa('kube-controller-manager'), kubeSystemSa('leader-election-controller')],
  },
  { namespace: 'kube-system', name: 'system::leader-locking-kube-scheduler', role: 'system::leader-locking-kube-scheduler', subjects: [{ kind: 'User', name: 'system:kube-scheduler' }, kubeSystemSa('kube-scheduler')] },
  { namespace: 'kube-system', name: 'system:controller:bootstrap-signer', role: 'system:controller:bootstrap-signer', subjects: [kubeSystemSa('bootstrap-signer')] },
  { namespace: 'kube-system', name: 'system:controller:cloud-provider', role: 'system:controller:cloud-provider', subjects: [kubeSystemSa('cloud-provider')] },
  { namespace: 'kube-system', name: 'system:controller:token-cleaner', role: 'system:controller:token-cleaner', subjects: [kubeSystemSa('token-cleaner')] },
];
