// Keeps default/kubernetes pointing at this server, as kube-apiserver's own reconcilers do: the
// Service's target port is the port served on, and its Endpoints and EndpointSlice hold the
// advertised address. Checked at start and then periodically, so that a deleted or edited object
// comes back as it would on a real cluster.
import type { LocalClient, ResourceClient } from '../../client/local-client.js';
import type { Clock, TimerHandle } from '../../machinery/clock.js';
import type { KubeObject } from '../../machinery/object.js';
import { apiserverEndpointSlice, apiserverEndpoints, apiserverService, apiserverServiceName, apiserverServiceNamespace } from './apiserver-objects.js';
import { jsonEqual } from '../../machinery/json-equal.js';

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

  // What each object must hold; everything else in it is left as it is.
  async function reconcile(): Promise<void> {
    await ensure(services, apiserverService(deps.serviceIP, deps.port), [['spec', 'ports']]);
    if (deps.address === undefined) return;
    await ensure(endpoints, apiserverEndpoints(deps.address, deps.port), [['metadata', 'labels'], ['subsets']]);
    await ensure(slices, apiserverEndpointSlice(deps.address, deps.port), [['metadata', 'labels'], ['addressType'], ['endpoints'], ['ports']]);
  }

  /** Creates `wanted` when missing; else makes the `owned` paths of the object equal to wanted's. */
  async function ensure(client: ResourceClient, wanted: KubeObject, owned: string[][]): Promise<void> {
    const isRight = (current: KubeObject) => owned.every((path) => jsonEqual(valueAt(current, path), valueAt(wanted, path)));
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
      await client.mutate(ns, name, (latest) => {
        if (isRight(latest)) return latest;
        const fixed = structuredClone(latest);
        for (const path of owned) setValueAt(fixed, path, structuredClone(valueAt(wanted, path)));
        return fixed;
      });
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

function valueAt(obj: unknown, path: string[]): unknown {
  let value = obj;
  for (const key of path) value = (value as Record<string, unknown> | undefined)?.[key];
  return value;
}

function setValueAt(obj: Record<string, unknown>, path: string[], value: unknown): void {
  let parent = obj;
  for (const key of path.slice(0, -1)) parent = (parent[key] ??= {}) as Record<string, unknown>;
  parent[path[path.length - 1]!] = value;
}
