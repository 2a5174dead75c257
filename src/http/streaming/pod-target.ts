// What kube-apiserver checks before it reaches a kubelet for pods/log, exec, attach and
// portforward (pkg/registry/core/pod/strategy.go: LogLocation, streamLocation,
// PortForwardLocation): the pod exists, the container is one of its own, and the pod has a node.
import { ApiError, badRequest, notFound } from '../../apierrors/index.js';
import type { Node, Pod } from '../../machinery/api-types.js';
import type { Registry } from '../../registry/registry.js';
import type { Catalogue } from '../../schema/catalogue.js';

export interface PodLookupDeps {
  catalogue: Catalogue;
  registry: Registry;
}

export async function getPod(deps: PodLookupDeps, namespace: string | undefined, name: string): Promise<Pod> {
  const info = deps.catalogue.lookup('', 'v1', 'pods')!;
  return (await deps.registry.store(info).get(namespace, name)).copy() as Pod;
}

/** Init, regular and ephemeral containers, in that order (podutil.VisitContainers). */
export function allContainerNames(pod: Pod): string[] {
  const spec = pod.spec;
  return [...(spec?.initContainers ?? []), ...(spec?.containers ?? []), ...(spec?.ephemeralContainers ?? [])].map((c) => c.name);
}

/**
 * The container a request means: the one named, or the only one. The
 * kubectl.kubernetes.io/default-container annotation is kubectl's business, not the server's.
 */
export function resolveContainer(pod: Pod, requested: string | undefined): string {
  const podName = pod.metadata?.name ?? '';
  if (!requested) {
    const containers = pod.spec?.containers ?? [];
    if (containers.length === 1) return containers[0].name;
    if (containers.length === 0) throw badRequest(`a container name must be specified for pod ${podName}`);
    throw badRequest(`a container name must be specified for pod ${podName}, choose one of: [${allContainerNames(pod).join(' ')}]`);
  }
  if (!allContainerNames(pod).includes(requested)) throw badRequest(`container ${requested} is not valid for pod ${podName}`);
  return requested;
}

export function assignedNode(pod: Pod): string | undefined {
  return pod.spec?.nodeName || undefined;
}

export function requireNode(pod: Pod): string {
  const node = assignedNode(pod);
  if (!node) throw badRequest(`pod ${pod.metadata?.name ?? ''} does not have a host assigned`);
  return node;
}

/**
 * What kube-apiserver answers when it cannot reach the pod's kubelet (no kubelets run): the
 * node lookup, then the dial error, as a Status without a reason (kubectl: "Error from server: …").
 * `what` is the kubelet path a real server would have asked for, e.g. containerLogs/default/web/app.
 */
export async function kubeletUnreachable(deps: PodLookupDeps, nodeName: string, kind: 'request' | 'upgrade', what: string): Promise<ApiError> {
  const info = deps.catalogue.lookup('', 'v1', 'nodes')!;
  let node: Node;
  try {
    node = (await deps.registry.store(info).get(undefined, nodeName)).copy() as Node;
  } catch (err) {
    if (err instanceof ApiError && err.code === 404) return notFound({ group: '', resource: 'nodes' }, nodeName);
    throw err;
  }
  const addresses = node.status?.addresses ?? [];
  const host = addresses.find((a) => a.type === 'InternalIP')?.address ?? addresses[0]?.address ?? nodeName;
  const port = node.status?.daemonEndpoints?.kubeletEndpoint?.Port || 10250;
  const hostPort = host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
  const dial = `dial tcp ${hostPort}: connect: connection refused`;
  const message = kind === 'upgrade' ? `error dialing backend: ${dial}` : `Get "https://${hostPort}/${what}": ${dial}`;
  return new ApiError(500, '', message);
}
