// The service load-balancer controller (k8s.io/cloud-provider's service controller, as kind's
// cloud-provider-kind runs it): a LoadBalancer Service gets the load-balancer-cleanup finalizer
// and an ingress IP — spec.loadBalancerIP when it asks for a free one, else the first free
// address of the configured range — reported as cloud-provider-kind reports it (ipMode Proxy,
// one port status per Service port). No traffic flows: the address is for show, as everything
// here. When the Service stops being a LoadBalancer or is deleted, the address is released, the
// status cleared and the finalizer removed. Services with a loadBalancerClass belong to another
// controller and are left alone.
import type { Service } from '../../machinery/api-types.js';
import { jsonEqual } from '../../machinery/json-equal.js';
import { ipv4ToNumber, numberToIPv4, parseIPv4Range, type IPv4Range } from '../../machinery/ip-range.js';
import type { ControllerContext, ControllerDefinition } from '../runtime/controller.js';
import { objectKey, splitKey } from '../runtime/informer.js';

export const serviceLbController: ControllerDefinition = {
  name: 'service-lb',
  serviceAccount: 'service-controller',
  start: startServiceLbController,
};

export const loadBalancerCleanupFinalizer = 'service.kubernetes.io/load-balancer-cleanup';
const defaultIPRange = '172.18.255.200-172.18.255.250';

type Ingress = NonNullable<NonNullable<NonNullable<Service['status']>['loadBalancer']>['ingress']>[number];

export function wantsLoadBalancer(svc: Service): boolean {
  return svc.spec?.type === 'LoadBalancer' && svc.spec.loadBalancerClass === undefined;
}

function hasFinalizer(svc: Service): boolean {
  return (svc.metadata?.finalizers ?? []).includes(loadBalancerCleanupFinalizer);
}

/** The ingress a load balancer at `ip` reports for this Service. */
export function ingressFor(svc: Service, ip: string): Ingress[] {
  return [{ ip, ipMode: 'Proxy', ports: (svc.spec?.ports ?? []).map((p) => ({ port: p.port, protocol: p.protocol ?? 'TCP' })) }];
}

/**
 * The address for a Service: the one it has when still valid, else the one it asks for, else the
 * first free one of the range. An Error says why there is none.
 */
export function chooseAddress(svc: Service, range: IPv4Range, used: ReadonlyMap<string, string>): string | Error {
  const mine = (ip: string) => used.get(ip) === undefined;
  const requested = svc.spec?.loadBalancerIP;
  if (requested) {
    if (ipv4ToNumber(requested) === undefined) return new Error(`the requested loadBalancerIP ${requested} is not an IPv4 address`);
    if (!mine(requested)) return new Error(`the requested loadBalancerIP ${requested} is already allocated to Service ${used.get(requested)}`);
    return requested;
  }
  const current = svc.status?.loadBalancer?.ingress?.[0]?.ip;
  const n = current ? ipv4ToNumber(current) : undefined;
  if (current && n !== undefined && n >= range.first && n <= range.last && mine(current)) return current;
  for (let i = range.first; i <= range.last; i++) {
    const ip = numberToIPv4(i);
    if (mine(ip)) return ip;
  }
  return new Error(`no free IP address in the load-balancer range ${numberToIPv4(range.first)}-${numberToIPv4(range.last)}`);
}

function startServiceLbController(ctx: ControllerContext) {
  const text = ctx.cluster?.loadBalancer.ipRange ?? defaultIPRange;
  const parsed = parseIPv4Range(text);
  if (parsed instanceof Error) throw new Error(`loadBalancer.ipRange: ${parsed.message}`);
  const range = parsed;
  const services = ctx.informers.forResource<Service>('', 'v1', 'services');
  const client = ctx.client.resource<Service>('', 'v1', 'services');
  const recorder = ctx.recorder('service-controller');
  /** Addresses handed out and not yet seen in the cache (one worker, so no two Services race for one). */
  const assigned = new Map<string, string>();
  const loop = ctx.reconcileLoop(sync, { workers: 1 });

  const waitingForAddress = () => {
    for (const s of services.list()) if (wantsLoadBalancer(s) && !s.status?.loadBalancer?.ingress?.length) loop.enqueue(objectKey(s));
  };
  services.addHandler({
    onAdd: (s) => loop.enqueue(objectKey(s)),
    onUpdate: (old, s) => {
      const was = old.spec?.type ?? 'ClusterIP';
      const is = s.spec?.type ?? 'ClusterIP';
      if (was !== is && (was === 'LoadBalancer' || is === 'LoadBalancer')) recorder.event(s, 'Normal', 'Type', `${was} -> ${is}`);
      loop.enqueue(objectKey(s));
    },
    // A released address may be what another Service waits for.
    onDelete: () => waitingForAddress(),
  });

  /** IP → the Service ("namespace/name") holding it, but `key`. */
  function addressesInUse(key: string): Map<string, string> {
    const used = new Map<string, string>();
    for (const s of services.list()) {
      const k = objectKey(s);
      if (k === key || !hasFinalizer(s)) continue;
      for (const ing of s.status?.loadBalancer?.ingress ?? []) if (ing.ip) used.set(ing.ip, k);
    }
    for (const [k, ip] of assigned) if (k !== key && services.get(k)) used.set(ip, k);
    return used;
  }

  async function sync(key: string): Promise<void> {
    const { namespace, name } = splitKey(key);
    const svc = services.getByName(namespace, name);
    if (!svc) {
      assigned.delete(key);
      return;
    }
    try {
      if (!wantsLoadBalancer(svc) || svc.metadata?.deletionTimestamp) await cleanUp(svc, key);
      else await ensure(svc, key);
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      recorder.event(svc, 'Warning', 'SyncLoadBalancerFailed', `Error syncing load balancer: ${message}`);
      throw err;
    }
  }

  async function ensure(svc: Service, key: string): Promise<void> {
    const ip = chooseAddress(svc, range, addressesInUse(key));
    const wanted = ip instanceof Error ? undefined : ingressFor(svc, ip);
    if (hasFinalizer(svc) && wanted && jsonEqual(svc.status?.loadBalancer?.ingress ?? [], wanted)) {
      assigned.set(key, wanted[0]!.ip!);
      return;
    }
    recorder.event(svc, 'Normal', 'EnsuringLoadBalancer', 'Ensuring load balancer');
    if (!hasFinalizer(svc)) {
      await client.mutate(svc.metadata?.namespace, svc.metadata?.name ?? '', (current) => {
        if (hasFinalizer(current)) return current;
        return { ...current, metadata: { ...current.metadata, finalizers: [...(current.metadata?.finalizers ?? []), loadBalancerCleanupFinalizer] } };
        // Through status, as the service controller's PatchService does: its role may not write the Service itself.
      }, 'status');
    }
    if (ip instanceof Error) throw new Error(`failed to ensure load balancer: ${ip.message}`);
    assigned.set(key, ip);
    await client.mutate(
      svc.metadata?.namespace,
      svc.metadata?.name ?? '',
      (current) => ({ ...current, status: { ...current.status, loadBalancer: { ingress: ingressFor(current, ip) } } }),
      'status',
    );
    recorder.event(svc, 'Normal', 'EnsuredLoadBalancer', 'Ensured load balancer');
  }

  async function cleanUp(svc: Service, key: string): Promise<void> {
    const had = hasFinalizer(svc) || assigned.has(key);
    if (!had) return;
    const exists = assigned.has(key) || !!svc.status?.loadBalancer?.ingress?.length;
    if (exists) recorder.event(svc, 'Normal', 'DeletingLoadBalancer', 'Deleting load balancer');
    assigned.delete(key);
    if (svc.status?.loadBalancer?.ingress?.length) {
      await client.mutate(svc.metadata?.namespace, svc.metadata?.name ?? '', (current) => ({ ...current, status: { ...current.status, loadBalancer: {} } }), 'status');
    }
    if (hasFinalizer(svc)) {
      await client.mutate(svc.metadata?.namespace, svc.metadata?.name ?? '', (current) => ({
        ...current,
        metadata: { ...current.metadata, finalizers: (current.metadata?.finalizers ?? []).filter((f) => f !== loadBalancerCleanupFinalizer) },
      }), 'status');
    }
    recorder.event(svc, 'Normal', 'DeletedLoadBalancer', 'Deleted load balancer');
    waitingForAddress();
  }

  return loop;
}
