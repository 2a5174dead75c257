// What answers inside a pod when kubectl port-forward connects to it: on a port some container
// declares, a tiny HTTP/1.1 server naming the pod and port (keep-alive aware); on any other port,
// the refusal containerd reports when nothing listens there.
import { createHash } from 'node:crypto';
import type { Duplex } from 'node:stream';
import type { Clock } from '../machinery/clock.js';
import type { Pod } from '../machinery/api-types.js';
import { KubeletError } from '../machinery/node-connection.js';
import { HttpResponder } from './http-responder.js';

export interface PortForwardResponderDeps {
  clock: Clock;
}

/** The ports the pod's containers declare (init and sidecar containers too). */
export function declaredPorts(pod: Pod): Set<number> {
  const containers = [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])];
  return new Set(containers.flatMap((c) => (c.ports ?? []).map((p) => p.containerPort)));
}

/** The pod sandbox's id and network namespace as containerd names them (stable per pod uid). */
export function podSandbox(pod: Pod): { id: string; netns: string } {
  const id = createHash('sha256').update(`sandbox/${pod.metadata?.uid ?? pod.metadata?.name ?? ''}`).digest('hex');
  const h = createHash('sha256').update(`netns/${id}`).digest('hex');
  const uuid = `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
  return { id, netns: `/var/run/netns/cni-${uuid}` };
}

/**
 * A connection to `port` in the pod. Throws the kubelet's error text (written to the
 * port-forward error stream, kubectl prints it) when no container declares the port.
 */
export function openPodPort(pod: Pod, port: number, deps: PortForwardResponderDeps): Duplex {
  if (!declaredPorts(pod).has(port)) {
    const sandbox = podSandbox(pod);
    throw new KubeletError(
      500,
      `error forwarding port ${port} to pod ${sandbox.id}, uid : failed to execute portforward in network namespace "${sandbox.netns}": ` +
        `failed to connect to localhost:${port} inside namespace "${sandbox.id}", IPv4: dial tcp4 127.0.0.1:${port}: connect: connection refused ` +
        `IPv6 dial tcp6 [::1]:${port}: connect: connection refused `,
    );
  }
  const body = `kubemu: pod ${pod.metadata?.namespace ?? 'default'}/${pod.metadata?.name ?? ''} port ${port}\n`;
  return new HttpResponder(() => ({ status: 200, body }), deps.clock);
}
