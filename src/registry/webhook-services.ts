// Where a webhook configured by Service reference answers. kube-apiserver dials the Service's
// cluster IP; kubemu's cluster IPs route nowhere and its pods do not run, so the webhook is found
// the way a Service without a selector finds an outside server: an ExternalName Service's host,
// or the first ready address of the Service's Endpoints (hand-made ones may point at 127.0.0.1),
// on the port the Service port maps to. The errors are the apiserver's service resolver's.
import type { Endpoints, Service } from '../machinery/api-types.js';
import type { ServiceAddress, ServiceResolver } from '../webhooks/webhook-client.js';
import { parseCached } from '../storage/watch-cache/types.js';
import type { ResourceStore } from './store.js';

export function webhookServiceResolver(stores: { services: () => ResourceStore; endpoints: () => ResourceStore }): ServiceResolver {
  return async ({ namespace, name, port }): Promise<ServiceAddress> => {
    const cachedService = stores.services().cachedObject(namespace, name);
    if (!cachedService) throw new Error(`service "${name}" not found`);
    const svc = parseCached<Service>(cachedService);
    const svcPort = svc.spec?.ports?.find((p) => p.port === port);
    if (svc.spec?.type === 'ExternalName') {
      if (!svc.spec.externalName) throw new Error(`service "${name}" has no externalName`);
      return { host: svc.spec.externalName, port };
    }
    if (!svcPort) throw new Error(`no service port ${port} found for service "${name}"`);
    const cachedEndpoints = stores.endpoints().cachedObject(namespace, name);
    const endpoints = cachedEndpoints ? parseCached<Endpoints>(cachedEndpoints) : undefined;
    for (const subset of endpoints?.subsets ?? []) {
      const address = subset.addresses?.[0];
      if (!address?.ip) continue;
      // The Endpoints port of the Service port's name (the only port when it has none).
      const target = (subset.ports ?? []).find((p) => (p.name ?? '') === (svcPort.name ?? ''));
      if (target?.port) return { host: address.ip, port: target.port };
    }
    throw new Error(`no endpoints available for service "${name}"`);
  };
}
