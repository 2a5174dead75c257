// core/v1 defaults: k8s.io/kubernetes pkg/apis/core/v1/defaults.go plus the declarative
// `+default=` markers of k8s.io/api/core/v1 (container and service port protocols, the legacy
// volume plugins, ReplicationController replicas), as of 1.36 with default feature gates
// (PodLevelResources and ImageVolume on, PodLogsQuerySplitStreams off).
// ResourceList rounding is not listed here: the walker canonicalizes every quantity by schema.
import { defaultPullPolicy } from './image-reference.js';
import { defaultPodLevelResources } from './pod-resources.js';
import {
  isEmptyMap,
  isEmptyString,
  isNil,
  isZeroNumber,
  objectAt,
  objectsAt,
  structField,
  type DefaultsTable,
  type JsonMap,
} from './types.js';

const core = 'io.k8s.api.core.v1.';

/** File mode 0644, the default of secret, configMap, downwardAPI and projected volumes. */
const defaultFileMode = 0o644;

function setIfEmptyString(obj: JsonMap, key: string, value: string): void {
  if (isEmptyString(obj[key])) obj[key] = value;
}

function setIfNil(obj: JsonMap, key: string, value: unknown): void {
  if (isNil(obj[key])) obj[key] = value;
}

function setIfZero(obj: JsonMap, key: string, value: number): void {
  if (isZeroNumber(obj[key])) obj[key] = value;
}

function container(c: JsonMap): void {
  if (isEmptyString(c['imagePullPolicy'])) c['imagePullPolicy'] = defaultPullPolicy(c['image']);
  setIfEmptyString(c, 'terminationMessagePath', '/dev/termination-log');
  setIfEmptyString(c, 'terminationMessagePolicy', 'File');
}

/** Requests default to limits for what a container limits but does not request. */
function requestsFromLimits(c: JsonMap): void {
  const resources = objectAt(c, 'resources');
  const limits = resources && objectAt(resources, 'limits');
  if (!resources || !limits) return;
  const names = Object.keys(limits);
  if (names.length === 0) return;
  const requests = structField(resources, 'requests');
  for (const name of names) {
    if (!(name in requests)) requests[name] = limits[name];
  }
}

/** With host networking every container port is also a host port. */
function hostNetworkPorts(c: JsonMap): void {
  for (const port of objectsAt(c, 'ports')) {
    if (isZeroNumber(port['hostPort']) && !isZeroNumber(port['containerPort'])) port['hostPort'] = port['containerPort'];
  }
}

function pod(obj: JsonMap): void {
  const spec = structField(obj, 'spec');
  // Only a Pod, not a pod template, gets requests from limits: templates keep what users wrote.
  for (const c of objectsAt(spec, 'containers')) requestsFromLimits(c);
  for (const c of objectsAt(spec, 'initContainers')) requestsFromLimits(c);
  // Pod-level defaults need the container-level ones above, and come before rounding.
  defaultPodLevelResources(spec);
  setIfNil(spec, 'enableServiceLinks', true);
  if (spec['hostNetwork'] === true) {
    for (const c of objectsAt(spec, 'containers')) hostNetworkPorts(c);
    for (const c of objectsAt(spec, 'initContainers')) hostNetworkPorts(c);
  }
}

function podSpec(spec: JsonMap): void {
  setIfEmptyString(spec, 'dnsPolicy', 'ClusterFirst');
  setIfEmptyString(spec, 'restartPolicy', 'Always');
  setIfNil(spec, 'securityContext', {});
  setIfNil(spec, 'terminationGracePeriodSeconds', 30);
  setIfEmptyString(spec, 'schedulerName', 'default-scheduler');
}

// The fields of VolumeSource, inlined into Volume: a volume naming none of them is an emptyDir.
const volumeSources = [
  'awsElasticBlockStore', 'azureDisk', 'azureFile', 'cephfs', 'cinder', 'configMap', 'csi', 'downwardAPI',
  'emptyDir', 'ephemeral', 'fc', 'flexVolume', 'flocker', 'gcePersistentDisk', 'gitRepo', 'glusterfs', 'hostPath',
  'image', 'iscsi', 'nfs', 'persistentVolumeClaim', 'photonPersistentDisk', 'portworxVolume', 'projected',
  'quobyte', 'rbd', 'scaleIO', 'secret', 'storageos', 'vsphereVolume',
];

function volume(v: JsonMap): void {
  if (volumeSources.every((source) => isNil(v[source]))) v['emptyDir'] = {};
  const image = objectAt(v, 'image');
  if (image && isEmptyString(image['pullPolicy'])) image['pullPolicy'] = defaultPullPolicy(image['reference']);
}

function service(obj: JsonMap): void {
  const spec = structField(obj, 'spec');
  setIfEmptyString(spec, 'sessionAffinity', 'None');
  if (spec['sessionAffinity'] === 'None') delete spec['sessionAffinityConfig'];
  if (spec['sessionAffinity'] === 'ClientIP') {
    const clientIP = objectAt(spec, 'sessionAffinityConfig') && objectAt(objectAt(spec, 'sessionAffinityConfig')!, 'clientIP');
    if (!clientIP || isNil(clientIP['timeoutSeconds'])) spec['sessionAffinityConfig'] = { clientIP: { timeoutSeconds: 10800 } };
  }
  setIfEmptyString(spec, 'type', 'ClusterIP');
  const type = spec['type'];
  for (const port of objectsAt(spec, 'ports')) {
    setIfEmptyString(port, 'protocol', 'TCP');
    const target = port['targetPort'];
    if (isNil(target) || target === 0 || target === '') port['targetPort'] = isNil(port['port']) ? 0 : port['port'];
  }
  const externalIPs = spec['externalIPs'];
  const externallyAccessible =
    type === 'LoadBalancer' || type === 'NodePort' || (type === 'ClusterIP' && Array.isArray(externalIPs) && externalIPs.length > 0);
  if (externallyAccessible) setIfEmptyString(spec, 'externalTrafficPolicy', 'Cluster');
  if (isNil(spec['internalTrafficPolicy']) && (type === 'NodePort' || type === 'LoadBalancer' || type === 'ClusterIP')) {
    spec['internalTrafficPolicy'] = 'Cluster';
  }
  if (type === 'LoadBalancer') {
    setIfNil(spec, 'allocateLoadBalancerNodePorts', true);
    const status = objectAt(obj, 'status');
    const loadBalancer = status && objectAt(status, 'loadBalancer');
    for (const ingress of loadBalancer ? objectsAt(loadBalancer, 'ingress') : []) {
      if (!isEmptyString(ingress['ip']) && isNil(ingress['ipMode'])) ingress['ipMode'] = 'VIP';
    }
  }
}

function probe(p: JsonMap): void {
  setIfZero(p, 'timeoutSeconds', 1);
  setIfZero(p, 'periodSeconds', 10);
  setIfZero(p, 'successThreshold', 1);
  setIfZero(p, 'failureThreshold', 3);
}

function defaultMode(source: JsonMap): void {
  setIfNil(source, 'defaultMode', defaultFileMode);
}

function persistentVolume(obj: JsonMap): void {
  setIfEmptyString(structField(obj, 'status'), 'phase', 'Pending');
  const spec = structField(obj, 'spec');
  setIfEmptyString(spec, 'persistentVolumeReclaimPolicy', 'Retain');
  setIfNil(spec, 'volumeMode', 'Filesystem');
}

function namespace(obj: JsonMap): void {
  // A generateName namespace gets the label from the strategy once it has a name.
  const metadata = objectAt(obj, 'metadata');
  const name = metadata?.['name'];
  if (!metadata || typeof name !== 'string' || name === '') return;
  structField(metadata, 'labels')['kubernetes.io/metadata.name'] = name;
}

function nodeStatus(status: JsonMap): void {
  const capacity = objectAt(status, 'capacity');
  if (isNil(status['allocatable']) && capacity) status['allocatable'] = { ...capacity };
}

function limitRangeItem(item: JsonMap): void {
  if (item['type'] !== 'Container') return;
  // The lists are built apart and only attached when non-empty: Go omits empty maps.
  const defaults: JsonMap = { ...(objectAt(item, 'default') ?? {}) };
  const defaultRequests: JsonMap = { ...(objectAt(item, 'defaultRequest') ?? {}) };
  for (const [name, v] of Object.entries(objectAt(item, 'max') ?? {})) if (!(name in defaults)) defaults[name] = v;
  for (const [name, v] of Object.entries(defaults)) if (!(name in defaultRequests)) defaultRequests[name] = v;
  for (const [name, v] of Object.entries(objectAt(item, 'min') ?? {})) if (!(name in defaultRequests)) defaultRequests[name] = v;
  if (Object.keys(defaults).length > 0) item['default'] = defaults;
  if (Object.keys(defaultRequests).length > 0) item['defaultRequest'] = defaultRequests;
}

function replicationController(obj: JsonMap): void {
  const spec = structField(obj, 'spec');
  const template = objectAt(spec, 'template');
  const templateMeta = template && objectAt(template, 'metadata');
  const labels = templateMeta && objectAt(templateMeta, 'labels');
  // An empty map would not be serialized by Go: copying one changes nothing visible.
  if (!labels || Object.keys(labels).length === 0) return;
  if (isEmptyMap(spec['selector'])) spec['selector'] = { ...labels };
  const metadata = structField(obj, 'metadata');
  if (isEmptyMap(metadata['labels'])) metadata['labels'] = { ...labels };
}

function rbd(source: JsonMap): void {
  setIfEmptyString(source, 'pool', 'rbd');
  setIfEmptyString(source, 'user', 'admin');
  setIfEmptyString(source, 'keyring', '/etc/ceph/keyring');
}

function iscsi(source: JsonMap): void {
  setIfEmptyString(source, 'iscsiInterface', 'default');
}

function scaleIO(source: JsonMap): void {
  setIfEmptyString(source, 'storageMode', 'ThinProvisioned');
  setIfEmptyString(source, 'fsType', 'xfs');
}

function azureDisk(source: JsonMap): void {
  setIfNil(source, 'cachingMode', 'ReadWrite');
  setIfNil(source, 'fsType', 'ext4');
  setIfNil(source, 'readOnly', false);
  setIfNil(source, 'kind', 'Shared');
}

function tcpProtocol(port: JsonMap): void {
  setIfEmptyString(port, 'protocol', 'TCP');
}

export const coreV1Defaults: DefaultsTable = {
  [`${core}Pod`]: { apply: pod, valueStructs: ['spec'] },
  [`${core}PodSpec`]: { apply: podSpec },
  [`${core}PodTemplate`]: { valueStructs: ['template'] },
  [`${core}PodTemplateSpec`]: { valueStructs: ['spec'] },
  [`${core}Container`]: { apply: container },
  [`${core}EphemeralContainer`]: { apply: container },
  [`${core}ContainerPort`]: { apply: tcpProtocol },
  [`${core}Volume`]: { apply: volume },
  [`${core}Probe`]: { apply: probe },
  [`${core}HTTPGetAction`]: {
    apply: (action) => {
      setIfEmptyString(action, 'path', '/');
      setIfEmptyString(action, 'scheme', 'HTTP');
    },
  },
  [`${core}ObjectFieldSelector`]: { apply: (sel) => setIfEmptyString(sel, 'apiVersion', 'v1') },
  [`${core}SecretVolumeSource`]: { apply: defaultMode },
  [`${core}ConfigMapVolumeSource`]: { apply: defaultMode },
  [`${core}DownwardAPIVolumeSource`]: { apply: defaultMode },
  [`${core}ProjectedVolumeSource`]: { apply: defaultMode },
  [`${core}ServiceAccountTokenProjection`]: { apply: (p) => setIfNil(p, 'expirationSeconds', 3600) },
  [`${core}HostPathVolumeSource`]: { apply: (h) => setIfNil(h, 'type', '') },
  [`${core}ISCSIVolumeSource`]: { apply: iscsi },
  [`${core}ISCSIPersistentVolumeSource`]: { apply: iscsi },
  [`${core}RBDVolumeSource`]: { apply: rbd },
  [`${core}RBDPersistentVolumeSource`]: { apply: rbd },
  [`${core}ScaleIOVolumeSource`]: { apply: scaleIO },
  [`${core}ScaleIOPersistentVolumeSource`]: { apply: scaleIO },
  [`${core}AzureDiskVolumeSource`]: { apply: azureDisk },
  [`${core}Service`]: { apply: service },
  [`${core}ServicePort`]: { apply: tcpProtocol },
  [`${core}EndpointPort`]: { apply: tcpProtocol },
  [`${core}Secret`]: { apply: (secret) => setIfEmptyString(secret, 'type', 'Opaque') },
  [`${core}PersistentVolume`]: { apply: persistentVolume },
  [`${core}PersistentVolumeClaim`]: {
    apply: (pvc) => setIfEmptyString(structField(pvc, 'status'), 'phase', 'Pending'),
    valueStructs: ['spec'],
  },
  [`${core}PersistentVolumeClaimTemplate`]: { valueStructs: ['spec'] },
  [`${core}PersistentVolumeClaimSpec`]: { apply: (spec) => setIfNil(spec, 'volumeMode', 'Filesystem') },
  [`${core}Namespace`]: { apply: namespace, valueStructs: ['status'] },
  [`${core}NamespaceStatus`]: { apply: (status) => setIfEmptyString(status, 'phase', 'Active') },
  [`${core}NodeStatus`]: { apply: nodeStatus },
  [`${core}LimitRangeItem`]: { apply: limitRangeItem },
  [`${core}ReplicationController`]: { apply: replicationController },
  [`${core}ReplicationControllerSpec`]: { apply: (spec) => setIfNil(spec, 'replicas', 1) },
};
