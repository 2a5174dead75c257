// One small valid object of every built-in kind a client can create, as a user would write it:
// only what validation asks for, so whatever else comes back is the server's doing. Shared by
// the tests that check every kind (the Go form of stored objects, the typed-client round trip).
import type { KubeObject } from '../machinery/object.js';
import { requestPem } from './certificate-fixtures.js';

const container = { name: 'app', image: 'nginx:1.27' };
const podSpec = { containers: [container] };
const labels = { app: 'minimal' };
const template = { metadata: { labels }, spec: podSpec };
const jobTemplate = { spec: { template: { spec: { ...podSpec, restartPolicy: 'Never' } } } };
const resourceRules = [{ apiGroups: [''], apiVersions: ['v1'], operations: ['CREATE'], resources: ['pods'] }];
const webhook = { name: 'hook.example.com', clientConfig: { url: 'https://hook.example.com/' }, sideEffects: 'None', admissionReviewVersions: ['v1'] };
const subjects = [{ kind: 'User', apiGroup: 'rbac.authorization.k8s.io', name: 'jane' }];
const deviceRequest = { name: 'gpu', exactly: { deviceClassName: 'minimal' } };

/** The body without apiVersion, kind and metadata.namespace, by "<group>/<Kind>"; `name` overrides the usual "minimal". */
const bodies: Readonly<Record<string, { name?: string } & Record<string, unknown>>> = {
  '/ConfigMap': { data: { key: 'value' } },
  '/Endpoints': { subsets: [{ addresses: [{ ip: '10.1.0.1' }], ports: [{ port: 80 }] }] },
  '/Event': { involvedObject: { kind: 'Pod', name: 'app' }, reason: 'Tested', message: 'a test event', type: 'Normal', source: { component: 'minimal' } },
  '/LimitRange': { spec: { limits: [{ type: 'Container', default: { cpu: '100m' } }] } },
  '/Namespace': {},
  '/Node': {},
  '/PersistentVolume': { spec: { capacity: { storage: '1Gi' }, accessModes: ['ReadWriteOnce'], hostPath: { path: '/data/minimal' } } },
  '/PersistentVolumeClaim': { spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } },
  '/Pod': { spec: podSpec },
  '/PodTemplate': { template },
  '/ReplicationController': { spec: { selector: labels, template } },
  '/ResourceQuota': { spec: { hard: { pods: '10' } } },
  '/Secret': { stringData: { key: 'value' } },
  '/Service': { spec: { selector: labels, ports: [{ port: 80 }] } },
  '/ServiceAccount': {},
  'admissionregistration.k8s.io/MutatingAdmissionPolicy': {
    spec: {
      matchConstraints: { resourceRules },
      mutations: [{ patchType: 'ApplyConfiguration', applyConfiguration: { expression: 'Object{}' } }],
      reinvocationPolicy: 'Never',
    },
  },
  'admissionregistration.k8s.io/MutatingAdmissionPolicyBinding': { spec: { policyName: 'minimal' } },
  'admissionregistration.k8s.io/MutatingWebhookConfiguration': { webhooks: [webhook] },
  'admissionregistration.k8s.io/ValidatingAdmissionPolicy': { spec: { matchConstraints: { resourceRules }, validations: [{ expression: 'true' }] } },
  'admissionregistration.k8s.io/ValidatingAdmissionPolicyBinding': { spec: { policyName: 'minimal', validationActions: ['Deny'] } },
  'admissionregistration.k8s.io/ValidatingWebhookConfiguration': { webhooks: [webhook] },
  'apiextensions.k8s.io/CustomResourceDefinition': {
    name: 'widgets.example.com',
    spec: {
      group: 'example.com',
      names: { plural: 'widgets', singular: 'widget', kind: 'Widget', listKind: 'WidgetList' },
      scope: 'Namespaced',
      versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object' } } }],
    },
  },
  'apiregistration.k8s.io/APIService': {
    name: 'v1.example.com',
    spec: { group: 'example.com', version: 'v1', groupPriorityMinimum: 100, versionPriority: 10, service: { namespace: 'default', name: 'api' } },
  },
  'apps/ControllerRevision': { revision: 1, data: { spec: { template } } },
  'apps/DaemonSet': { spec: { selector: { matchLabels: labels }, template } },
  'apps/Deployment': { spec: { selector: { matchLabels: labels }, template } },
  'apps/ReplicaSet': { spec: { selector: { matchLabels: labels }, template } },
  'apps/StatefulSet': { spec: { selector: { matchLabels: labels }, serviceName: 'minimal', template } },
  'authentication.k8s.io/SelfSubjectReview': {},
  'authentication.k8s.io/TokenReview': { spec: { token: 'not-a-token' } },
  'authorization.k8s.io/LocalSubjectAccessReview': { spec: { user: 'jane', resourceAttributes: { verb: 'get', resource: 'pods' } } },
  'authorization.k8s.io/SelfSubjectAccessReview': { spec: { resourceAttributes: { verb: 'get', resource: 'pods' } } },
  'authorization.k8s.io/SelfSubjectRulesReview': { spec: { namespace: 'default' } },
  'authorization.k8s.io/SubjectAccessReview': { spec: { user: 'jane', resourceAttributes: { verb: 'get', resource: 'pods' } } },
  'autoscaling/HorizontalPodAutoscaler': { spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'minimal' }, maxReplicas: 3 } },
  'batch/CronJob': { spec: { schedule: '*/5 * * * *', jobTemplate } },
  'batch/Job': jobTemplate,
  'certificates.k8s.io/CertificateSigningRequest': {
    spec: { request: Buffer.from(requestPem).toString('base64'), signerName: 'kubernetes.io/kube-apiserver-client', usages: ['client auth'] },
  },
  'coordination.k8s.io/Lease': { spec: { holderIdentity: 'minimal' } },
  'discovery.k8s.io/EndpointSlice': { addressType: 'IPv4', endpoints: [{ addresses: ['10.1.0.1'] }], ports: [{ port: 80 }] },
  'events.k8s.io/Event': {
    eventTime: '2026-01-01T00:00:00.000000Z',
    reportingController: 'example.com/minimal',
    reportingInstance: 'minimal-1',
    action: 'Testing',
    reason: 'Tested',
    regarding: { kind: 'Pod', name: 'app' },
    type: 'Normal',
  },
  'flowcontrol.apiserver.k8s.io/FlowSchema': { spec: { priorityLevelConfiguration: { name: 'minimal' } } },
  'flowcontrol.apiserver.k8s.io/PriorityLevelConfiguration': { spec: { type: 'Limited', limited: { limitResponse: { type: 'Reject' } } } },
  'networking.k8s.io/IPAddress': { name: '10.96.200.200', spec: { parentRef: { group: '', resource: 'services', namespace: 'default', name: 'minimal' } } },
  'networking.k8s.io/Ingress': { spec: { defaultBackend: { service: { name: 'minimal', port: { number: 80 } } } } },
  'networking.k8s.io/IngressClass': { spec: { controller: 'example.com/ingress' } },
  'networking.k8s.io/NetworkPolicy': { spec: { podSelector: {} } },
  'networking.k8s.io/ServiceCIDR': { spec: { cidrs: ['10.200.0.0/16'] } },
  'node.k8s.io/RuntimeClass': { handler: 'runc' },
  'policy/PodDisruptionBudget': { spec: { minAvailable: 1, selector: { matchLabels: labels } } },
  'rbac.authorization.k8s.io/ClusterRole': { rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get'] }] },
  'rbac.authorization.k8s.io/ClusterRoleBinding': { roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'view' }, subjects },
  'rbac.authorization.k8s.io/Role': { rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get'] }] },
  'rbac.authorization.k8s.io/RoleBinding': { roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'minimal' }, subjects },
  'resource.k8s.io/DeviceClass': { spec: {} },
  'resource.k8s.io/ResourceClaim': { spec: { devices: { requests: [deviceRequest] } } },
  'resource.k8s.io/ResourceClaimTemplate': { spec: { spec: { devices: { requests: [deviceRequest] } } } },
  'resource.k8s.io/ResourceSlice': { spec: { driver: 'gpu.example.com', pool: { name: 'minimal', generation: 1, resourceSliceCount: 1 }, nodeName: 'minimal', devices: [{ name: 'gpu-0' }] } },
  'scheduling.k8s.io/PriorityClass': { value: 1000 },
  'storage.k8s.io/CSIDriver': { name: 'csi.example.com', spec: {} },
  'storage.k8s.io/CSINode': { spec: { drivers: [] } },
  'storage.k8s.io/CSIStorageCapacity': { storageClassName: 'minimal' },
  'storage.k8s.io/StorageClass': { provisioner: 'example.com/provisioner' },
  'storage.k8s.io/VolumeAttachment': { spec: { attacher: 'csi.example.com', source: { persistentVolumeName: 'minimal' }, nodeName: 'minimal' } },
  'storage.k8s.io/VolumeAttributesClass': { driverName: 'csi.example.com', parameters: { tier: 'fast' } },
};

/** Kinds a create answers for with something else than the object (a Binding gets a Status). */
export const kindsWithoutCreatedObject: ReadonlySet<string> = new Set(['/Binding']);

/**
 * A minimal valid object of the kind (group "" for core), or undefined for a kind this table
 * does not know: a new built-in kind must be added here, which the tests using it insist on.
 */
export function minimalObject(group: string, version: string, kind: string, namespace: string | undefined): KubeObject | undefined {
  const entry = bodies[`${group}/${kind}`];
  if (entry === undefined) return undefined;
  const { name = 'minimal', ...body } = structuredClone(entry);
  return {
    apiVersion: group ? `${group}/${version}` : version,
    kind,
    metadata: namespace === undefined ? { name } : { name, namespace },
    ...body,
  };
}
