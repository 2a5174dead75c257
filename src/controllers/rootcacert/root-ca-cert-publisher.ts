// kube-controller-manager's root-ca-cert-publisher: the `kube-root-ca.crt` ConfigMap in every
// namespace holds the cluster CA, so that pods can verify the API server (the kube-api-access
// volume mounts it as ca.crt). A ConfigMap changed or deleted by someone is put back.
import type { ConfigMap, Namespace } from '../../machinery/api-types.js';
import { isAlreadyExists, isForbidden, isNotFound } from '../../client/local-client.js';
import type { ControllerContext, ControllerDefinition } from '../runtime/controller.js';

const configMapName = 'kube-root-ca.crt';
const description =
  'Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the internal service IP or kubernetes.default.svc. No other usage is guaranteed across distributions of Kubernetes clusters.';

export const rootCaCertPublisher: ControllerDefinition = {
  name: 'root-ca-certificate-publisher',
  aliases: ['root-ca-cert-publisher'],
  serviceAccount: 'root-ca-cert-publisher',
  start: (ctx) => startPublisher(ctx),
};

function startPublisher(ctx: ControllerContext) {
  const namespaces = ctx.informers.forResource<Namespace>('', 'v1', 'namespaces');
  const configMaps = ctx.informers.forResource<ConfigMap>('', 'v1', 'configmaps');
  const client = ctx.client.resource<ConfigMap>('', 'v1', 'configmaps');
  const ca = ctx.rootCaPem;
  if (ca === undefined) ctx.log.info('no cluster CA (plain HTTP): kube-root-ca.crt is not published');

  const loop = ctx.reconcileLoop(async (namespace) => {
    if (ca === undefined) return;
    const ns = namespaces.getByName(undefined, namespace);
    if (!ns || ns.status?.phase === 'Terminating' || ns.metadata?.deletionTimestamp) return;
    const current = configMaps.getByName(namespace, configMapName);
    const wanted = { 'ca.crt': ca };
    try {
      if (!current) {
        await client.create(namespace, {
          apiVersion: 'v1',
          kind: 'ConfigMap',
          metadata: { name: configMapName, namespace, annotations: { 'kubernetes.io/description': description } },
          data: wanted,
        });
      } else if (current.data?.['ca.crt'] !== ca || Object.keys(current.data ?? {}).length !== 1 || current.metadata?.annotations?.['kubernetes.io/description'] !== description) {
        await client.mutate(namespace, configMapName, (cm) => ({
          ...cm,
          metadata: { ...cm.metadata, annotations: { ...cm.metadata?.annotations, 'kubernetes.io/description': description } },
          data: wanted,
          binaryData: undefined,
        }));
      }
    } catch (err) {
      if (!isAlreadyExists(err) && !isForbidden(err) && !isNotFound(err)) throw err;
    }
  });

  namespaces.addHandler({ onAdd: (ns) => loop.enqueue(ns.metadata?.name ?? ''), onUpdate: (_o, ns) => loop.enqueue(ns.metadata?.name ?? '') });
  const configMapChanged = (cm: ConfigMap) => cm.metadata?.name === configMapName && loop.enqueue(cm.metadata.namespace ?? '');
  configMaps.addHandler({ onUpdate: (_o, cm) => configMapChanged(cm), onDelete: configMapChanged });
  return loop;
}
