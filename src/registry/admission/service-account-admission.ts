// kube-apiserver's ServiceAccount admission plugin, on pod create: the pod runs as its
// serviceAccountName (`default` when it names none), which must exist — the default one is given
// a moment to appear, as the plugin retries for a namespace the serviceaccount controller has
// only just seen — and unless automounting is switched off (on the pod, else on the service
// account), it gets the projected `kube-api-access-xxxxx` volume (a bound token, the cluster CA
// and the namespace) mounted read-only in every container at the well-known path. Pods with no
// image pull secrets take the service account's.
import { forbidden } from '../../apierrors/index.js';
import type { Pod, ServiceAccount } from '../../machinery/api-types.js';
import { parseCached } from '../../storage/watch-cache/types.js';
import type { ResourceStore } from '../store.js';

export const tokenMountPath = '/var/run/secrets/kubernetes.io/serviceaccount';
const volumePrefix = 'kube-api-access-';
/** The projected token's lifetime a real API server sets (an hour and seven seconds). */
const tokenExpirationSeconds = 3607;
const defaultAccount = 'default';
/** The plugin's retries for the default service account: 10 tries, 100–200 ms apart. */
const defaultAccountAttempts = 10;

export interface ServiceAccountAdmissionDeps {
  serviceAccounts: ResourceStore;
  randomSuffix: () => string;
  sleep: (ms: number) => Promise<void>;
  random: () => number;
}

export async function admitPodServiceAccount(pod: Pod, deps: ServiceAccountAdmissionDeps): Promise<void> {
  // Static pods mirrored by a kubelet are left as they are.
  if (pod.metadata?.annotations?.['kubernetes.io/config.mirror'] !== undefined) return;
  const spec = (pod.spec ??= { containers: [] });
  const name = (spec.serviceAccountName ||= defaultAccount);
  spec.serviceAccount = name;
  const namespace = pod.metadata?.namespace ?? '';

  let account: ServiceAccount | undefined;
  const attempts = name === defaultAccount ? defaultAccountAttempts : 1;
  const retryMs = 100 + Math.floor(deps.random() * 100);
  for (let i = 0; i < attempts && !account; i++) {
    if (i > 0) await deps.sleep(retryMs);
    const cached = deps.serviceAccounts.cachedObject(namespace, name);
    account = cached ? parseCached<ServiceAccount>(cached) : undefined;
  }
  if (!account) {
    throw forbidden({ group: '', resource: 'pods' }, pod.metadata?.name || (pod.metadata?.generateName ?? ''), `error looking up service account ${namespace}/${name}: serviceaccount "${name}" not found`);
  }

  const automount = spec.automountServiceAccountToken ?? account.automountServiceAccountToken ?? true;
  if (automount) mountToken(spec, deps.randomSuffix);
  if (!spec.imagePullSecrets?.length && account.imagePullSecrets?.length) {
    spec.imagePullSecrets = account.imagePullSecrets.map((s) => ({ name: s.name }));
  }
}

type PodSpec = NonNullable<Pod['spec']>;

function mountToken(spec: PodSpec, randomSuffix: () => string): void {
  const containers = [...(spec.initContainers ?? []), ...(spec.containers ?? [])];
  const needing = containers.filter((c) => !(c.volumeMounts ?? []).some((m) => m.mountPath === tokenMountPath));
  if (needing.length === 0) return;
  const volumes = (spec.volumes ??= []);
  let volume = volumes.find((v) => v.name.startsWith(volumePrefix) && v.projected);
  if (!volume) {
    let volumeName: string;
    do volumeName = volumePrefix + randomSuffix();
    while (volumes.some((v) => v.name === volumeName));
    volume = {
      name: volumeName,
      projected: {
        defaultMode: 0o644,
        sources: [
          { serviceAccountToken: { expirationSeconds: tokenExpirationSeconds, path: 'token' } },
          { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
          { downwardAPI: { items: [{ path: 'namespace', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } }] } },
        ],
      },
    };
    volumes.push(volume);
  }
  for (const c of needing) (c.volumeMounts ??= []).push({ name: volume.name, readOnly: true, mountPath: tokenMountPath });
}
