// kube-aggregator's remote availability controller: an APIService with spec.service is Available
// only when its Service exists, listens on the port, has a ready endpoint for it in its
// EndpointSlices, and answers GET /apis/<group>/<version> with a 2xx — each failure with the
// reason and message a real cluster writes (ServiceNotFound, ServicePortError, EndpointsNotFound,
// MissingEndpoints, FailedDiscoveryCheck). Every verdict is also handed to the proxy (through
// AggregationBackend, which the HTTP layer implements), so requests go where the check went and
// an unavailable group answers 503. Checked again on every change of the APIService, its Service
// or its slices, every 30 s (the real informers' resync), and at once when a proxied request
// could not reach the backend.
import type { EndpointSlice, Service } from '../../machinery/api-types.js';
import { isNotFound } from '../../client/local-client.js';
import type { ControllerContext, ControllerDefinition } from '../runtime/controller.js';
import { withAvailable, type ApiService } from './api-service-types.js';
import type { AggregatedApiTarget, AggregationBackend } from '../../machinery/aggregated-api.js';

const resyncMs = 30_000;
const serviceNameLabel = 'kubernetes.io/service-name';

export function remoteAvailabilityController(backend: AggregationBackend): ControllerDefinition {
  return { name: 'apiservice-availability', start: (ctx) => startRemoteAvailability(ctx, backend) };
}

function startRemoteAvailability(ctx: ControllerContext, backend: AggregationBackend) {
  const apiServices = ctx.informers.forResource<ApiService>('apiregistration.k8s.io', 'v1', 'apiservices');
  const services = ctx.informers.forResource<Service>('', 'v1', 'services');
  const slices = ctx.informers.forResource<EndpointSlice>('discovery.k8s.io', 'v1', 'endpointslices');
  const client = ctx.client.resource<ApiService>('apiregistration.k8s.io', 'v1', 'apiservices');
  const nowText = () => new Date(ctx.clock.now()).toISOString().replace(/\.\d{3}Z$/, 'Z');

  const verdict = async (api: ApiService, target: AggregatedApiTarget): Promise<{ status: 'True' | 'False'; reason: string; message: string }> => {
    const ref = api.spec!.service!;
    const where = `service/${ref.name} in "${ref.namespace}"`;
    const service = services.getByName(ref.namespace ?? '', ref.name ?? '');
    if (!service) return { status: 'False', reason: 'ServiceNotFound', message: `${where} is not present` };
    const port = ref.port ?? 443;
    if (service.spec?.type === 'ExternalName') {
      target.endpoint = { host: service.spec.externalName ?? '', port };
    } else {
      const servicePort = service.spec?.ports?.find((p) => p.port === port);
      if (!servicePort) return { status: 'False', reason: 'ServicePortError', message: `${where} is not listening on port ${port}` };
      const portName = servicePort.name ?? '';
      const own = slices.list(ref.namespace).filter((s) => s.metadata?.labels?.[serviceNameLabel] === ref.name);
      if (own.length === 0) return { status: 'False', reason: 'EndpointsNotFound', message: `cannot find endpointslices for ${where}` };
      target.endpoint = readyEndpoint(own, portName);
      if (!target.endpoint) return { status: 'False', reason: 'MissingEndpoints', message: `endpointslices for ${where} have no addresses with port name "${portName}"` };
    }
    const failure = await backend.probe(target);
    if (failure !== undefined) return { status: 'False', reason: 'FailedDiscoveryCheck', message: failure };
    return { status: 'True', reason: 'Passed', message: 'all checks passed' };
  };

  const loop = ctx.reconcileLoop(async (name) => {
    const api = apiServices.getByName(undefined, name);
    if (!api || api.spec?.service == null) {
      backend.withdraw(name);
      return;
    }
    const ref = api.spec.service;
    const target: AggregatedApiTarget = {
      name,
      group: api.spec.group ?? '',
      version: api.spec.version ?? '',
      groupPriorityMinimum: api.spec.groupPriorityMinimum,
      versionPriority: api.spec.versionPriority,
      available: false,
      tls: {
        caBundle: api.spec.caBundle ? Buffer.from(api.spec.caBundle, 'base64').toString('utf8') : undefined,
        insecureSkipTLSVerify: api.spec.insecureSkipTLSVerify === true,
        serverName: `${ref.name}.${ref.namespace}.svc`,
      },
    };
    const v = await verdict(api, target);
    target.available = v.status === 'True';
    backend.publish(target);
    const status = withAvailable(api, v, nowText());
    if (status) {
      try {
        await client.updateStatus(undefined, { ...api, status });
      } catch (err) {
        if (!isNotFound(err)) throw err;
      }
    }
    return { requeueAfterMs: resyncMs };
  });

  const apiServicesOf = (namespace: string | undefined, service: string | undefined) => {
    for (const api of apiServices.list()) {
      const ref = api.spec?.service;
      if (ref && ref.namespace === namespace && ref.name === service) loop.enqueue(api.metadata?.name ?? '');
    }
  };
  const byName = (api: ApiService) => loop.enqueue(api.metadata?.name ?? '');
  apiServices.addHandler({ onAdd: byName, onUpdate: (_o, api) => byName(api), onDelete: byName });
  const serviceChanged = (s: Service) => apiServicesOf(s.metadata?.namespace, s.metadata?.name);
  services.addHandler({ onAdd: serviceChanged, onUpdate: (_o, s) => serviceChanged(s), onDelete: serviceChanged });
  const sliceChanged = (s: EndpointSlice) => apiServicesOf(s.metadata?.namespace, s.metadata?.labels?.[serviceNameLabel]);
  slices.addHandler({ onAdd: sliceChanged, onUpdate: (_o, s) => sliceChanged(s), onDelete: sliceChanged });
  backend.onUnreachable((name) => loop.enqueue(name));
  return loop;
}

/** The first ready endpoint of a slice that carries the Service's port (by name, as kube-proxy matches them). */
function readyEndpoint(slices: readonly EndpointSlice[], portName: string): { host: string; port: number } | undefined {
  for (const slice of slices) {
    const port = slice.ports?.find((p) => (p.name ?? '') === portName && p.port != null);
    if (!port) continue;
    const endpoint = slice.endpoints?.find((e) => e.conditions?.ready !== false && e.addresses.length > 0);
    if (endpoint) return { host: endpoint.addresses[0]!, port: port.port! };
  }
  return undefined;
}
