// Keeps default/kubernetes pointing at this server, as kube-apiserver's own reconcilers do: the
// Service's target port is the port served on, and its Endpoints and EndpointSlice hold the
// advertised address. Checked at start and then periodically, so that a deleted or edited object
// comes back as it would on a real cluster.
import type { LocalClient, ResourceClient } from '../../client/local-client.js';
import type { Clock, TimerHandle } from '../../machinery/clock.js';
import type { KubeObject } from '../../machinery/object.js';
import {
  apiserverEndpointSlice,
  apiserverEndpoints,
  apiserverService,
  apiserverServiceName,
  apiserverServiceNamespace,
  apiserverServicePorts,
} from './apiserver-objects.js';

export interface ApiserverEndpointsDeps {
  /** A client writing as kube-apiserver. */
  client: LocalClient;
  clock: Clock;
  /** The first cluster IP, for a Service that has to be created again. */
  serviceIP: string;
  /** The address clients reach this server at; none: the Service has no endpoints. */
  address: string | undefined;
  port: number;
  /** kube-apiserver checks every 10 s. */
  intervalMs?: number;
  log?: (message: string, fields?: Record<string, unknown>) => void;
}

const ns = apiserverServiceNamespace;
const name = apiserverServiceName;

export function startApiserverEndpoints(deps: ApiserverEndpointsDeps): { synced: Promise<void>; stop(): void } {
  const services = deps.client.resource('', 'v1', 'services');
  const endpoints = deps.client.resource('', 'v1', 'endpoints');
  const slices = deps.client.resource('discovery.k8s.io', 'v1', 'endpointslices');
  let timer: TimerHandle | undefined;
  let stopped = false;

  async function reconcile(): Promise<void> {
    const ports = apiserverServicePorts(deps.port);
    await ensure(services, apiserverService(deps.serviceIP, deps.port), (svc) => sameJson(servicePorts(svc), ports), (svc) => ({
      ...svc,
      spec: { ...(svc.spec as object), ports },
    }));
    if (deps.address === undefined) return;
    const wantedEndpoints = apiserverEndpoints(deps.address, deps.port);
    await ensure(endpoints, wantedEndpoints, (ep) => sameJson(ep.subsets, wantedEndpoints.subsets) && sameJson(ep.metadata?.labels, wantedEndpoints.metadata!.labels), (ep) => ({
      ...ep,
      metadata: { ...ep.metadata, labels: wantedEndpoints.metadata!.labels },
      subsets: wantedEndpoints.subsets,
    }));
    const wantedSlice = apiserverEndpointSlice(deps.address, deps.port);
    const sliceFields = ['addressType', 'endpoints', 'ports'] as const;
    await ensure(
      slices,
      wantedSlice,
      (slice) => sliceFields.every((f) => sameJson(slice[f], wantedSlice[f])) && sameJson(slice.metadata?.labels, wantedSlice.metadata!.labels),
      (slice) => ({ ...slice, ...Object.fromEntries(sliceFields.map((f) => [f, wantedSlice[f]])), metadata: { ...slice.metadata, labels: wantedSlice.metadata!.labels } }),
    );
  }

  /** Creates `wanted` when missing; puts it right (`fix`) when `isRight` says it is not. */
  async function ensure(client: ResourceClient, wanted: KubeObject, isRight: (current: KubeObject) => boolean, fix: (current: KubeObject) => KubeObject): Promise<void> {
    let current: KubeObject | undefined;
    try {
      current = await client.get(ns, name);
    } catch {
      current = undefined;
    }
    if (current === undefined) {
      await client.create(ns, wanted);
      deps.log?.('created the API server endpoint object', { kind: wanted.kind, name: `${ns}/${name}` });
    } else if (!isRight(current)) {
      await client.update(ns, name, (latest) => (isRight(latest) ? latest : fix(latest)));
      deps.log?.('reset the API server endpoint object', { kind: wanted.kind, name: `${ns}/${name}` });
    }
  }

  const run = async (): Promise<void> => {
    try {
      await reconcile();
    } catch (err) {
      deps.log?.('reconciling default/kubernetes failed; retrying', { err: String(err) });
    }
    if (!stopped) timer = deps.clock.setTimer(deps.intervalMs ?? 10_000, () => void run());
  };

  return {
    synced: run(),
    stop() {
      stopped = true;
      timer?.cancel();
    },
  };
}

function servicePorts(svc: KubeObject): unknown {
  const ports = ((svc.spec as { ports?: Record<string, unknown>[] } | undefined)?.ports ?? []).map(({ name, port, protocol, targetPort }) => ({ name, port, protocol, targetPort }));
  return ports;
}

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
