// What a fresh kind cluster holds besides namespaces, made once at start when missing: the two
// system PriorityClasses kube-apiserver creates, the `cluster-info` ConfigMap kubeadm publishes in
// kube-public (the cluster's CA and address, for bootstrapping clients), and a default
// StorageClass `standard` served by the persistentvolume-binder's provisioner — made only while
// the cluster has no StorageClass at all, so that one a user deleted in favour of their own stays
// deleted.
import { isAlreadyExists, type LocalClient } from '../../client/local-client.js';
import type { KubeObject } from '../../machinery/object.js';

export interface BootstrapDeps {
  /** A client writing as kube-apiserver. */
  client: LocalClient;
  /** The URL clients reach the API server at (cluster-info's server). */
  serverUrl: string;
  /** The cluster CA; without it (plain HTTP) there is no cluster-info to publish. */
  caPem?: string;
}

const priorityClasses = [
  { name: 'system-node-critical', value: 2000001000, description: 'Used for system critical pods that must not be moved from their current node.' },
  { name: 'system-cluster-critical', value: 2000000000, description: 'Used for system critical pods that must run in the cluster, but can be moved to another node if necessary.' },
];

export async function ensureClusterBootstrap(deps: BootstrapDeps): Promise<void> {
  const create = async (group: string, resource: string, namespace: string | undefined, obj: KubeObject) => {
    try {
      await deps.client.resource(group, 'v1', resource).create(namespace, obj);
    } catch (err) {
      if (!isAlreadyExists(err)) throw err;
    }
  };
  for (const pc of priorityClasses) {
    await create('scheduling.k8s.io', 'priorityclasses', undefined, {
      apiVersion: 'scheduling.k8s.io/v1',
      kind: 'PriorityClass',
      metadata: { name: pc.name },
      value: pc.value,
      description: pc.description,
      preemptionPolicy: 'PreemptLowerPriority',
    } as KubeObject);
  }

  const storageClasses = deps.client.resource('storage.k8s.io', 'v1', 'storageclasses');
  if ((await storageClasses.count()) === 0) {
    await create('storage.k8s.io', 'storageclasses', undefined, {
      apiVersion: 'storage.k8s.io/v1',
      kind: 'StorageClass',
      metadata: { name: 'standard', annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } },
      provisioner: 'rancher.io/local-path',
      reclaimPolicy: 'Delete',
      volumeBindingMode: 'Immediate',
    } as KubeObject);
  }

  if (deps.caPem !== undefined) await publishClusterInfo(deps.client, deps.serverUrl, deps.caPem);
}

/** kube-public/cluster-info: kubeadm's bootstrap kubeconfig (CA and server only), kept pointing at this server. */
async function publishClusterInfo(client: LocalClient, serverUrl: string, caPem: string): Promise<void> {
  const { stringify } = await import('yaml');
  const kubeconfig = stringify({
    apiVersion: 'v1',
    clusters: [{ cluster: { 'certificate-authority-data': Buffer.from(caPem).toString('base64'), server: serverUrl }, name: '' }],
    contexts: null,
    'current-context': '',
    kind: 'Config',
    preferences: {},
    users: null,
  });
  const configMaps = client.resource('', 'v1', 'configmaps');
  const existing = await configMaps.find('kube-public', 'cluster-info');
  if (!existing) {
    try {
      await configMaps.create('kube-public', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cluster-info', namespace: 'kube-public' }, data: { kubeconfig } });
    } catch (err) {
      if (!isAlreadyExists(err)) throw err;
    }
    return;
  }
  // The port changes between runs (--port 0): the published address follows.
  if ((existing as { data?: Record<string, string> }).data?.kubeconfig !== kubeconfig) {
    await configMaps.mutate('kube-public', 'cluster-info', (cm) => ({ ...cm, data: { ...(cm as { data?: Record<string, string> }).data, kubeconfig } }));
  }
}
