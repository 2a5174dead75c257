// The EndpointSlice mirroring controller (pkg/controller/endpointslicemirroring): Endpoints
// written by hand for a Service without a selector are mirrored into EndpointSlices, so that
// consumers of slices (kube-proxy, DNS, meshes) see them. Endpoints labelled
// endpointslice.kubernetes.io/skip-mirror=true — default/kubernetes, whose slice the API server
// writes itself — and leader-election records are not mirrored; nor are the Endpoints of a
// Service with a selector, whose slices the EndpointSlice controller writes from its pods.
import { isNotFound } from '../../client/local-client.js';
import type { Endpoints, EndpointSlice, Service } from '../../machinery/api-types.js';
import type { ControllerContext, ControllerDefinition } from '../runtime/controller.js';
import { objectKey, splitKey } from '../runtime/informer.js';
import { annotationLeaderElection, labelManagedBy, labelServiceName, labelSkipMirror, serviceSelector } from '../service-endpoints/pod-endpoints.js';
import { WrittenVersions } from '../service-endpoints/written-versions.js';
import { maxEndpointsPerSubset, mirrorEndpoints, mirroringControllerName } from './mirror-reconciler.js';

export const endpointSliceMirroringController: ControllerDefinition = {
  name: 'endpointslicemirroring',
  start: startMirroringController,
};

const byEndpoints = 'endpointslicemirroring.endpoints';

function shouldMirror(endpoints: Endpoints | undefined): boolean {
  return !!endpoints && endpoints.metadata?.labels?.[labelSkipMirror] !== 'true' && endpoints.metadata?.annotations?.[annotationLeaderElection] === undefined;
}

function startMirroringController(ctx: ControllerContext) {
  const services = ctx.informers.forResource<Service>('', 'v1', 'services');
  const endpointsInformer = ctx.informers.forResource<Endpoints>('', 'v1', 'endpoints');
  const slices = ctx.informers.forResource<EndpointSlice>('discovery.k8s.io', 'v1', 'endpointslices');
  slices.addIndex(byEndpoints, (s) => (mirrored(s) ? [endpointsKeyOf(s)] : []));
  const client = ctx.client.resource<EndpointSlice>('discovery.k8s.io', 'v1', 'endpointslices');
  const recorder = ctx.recorder('endpoint-slice-mirroring-controller');
  const written = new WrittenVersions();
  const loop = ctx.reconcileLoop(sync);
  const enqueue = (key: string) => loop.enqueue(key);

  const selectorless = (s: Service) => serviceSelector(s) === undefined;
  services.addHandler({
    onAdd: (s) => selectorless(s) && enqueue(objectKey(s)),
    onUpdate: (old, s) => selectorless(old) !== selectorless(s) && enqueue(objectKey(s)),
    onDelete: (s) => selectorless(s) && enqueue(objectKey(s)),
  });
  endpointsInformer.addHandler({
    onAdd: (e) => shouldMirror(e) && enqueue(objectKey(e)),
    onUpdate: (old, e) => (shouldMirror(old) || shouldMirror(e)) && enqueue(objectKey(e)),
    onDelete: (e) => shouldMirror(e) && enqueue(objectKey(e)),
  });
  slices.addHandler({
    onAdd: (s) => mirrored(s) && enqueue(endpointsKeyOf(s)),
    onUpdate: (old, s) => {
      if (mirrored(old)) enqueue(endpointsKeyOf(old));
      if (mirrored(s)) enqueue(endpointsKeyOf(s));
    },
    onDelete: (s) => mirrored(s) && enqueue(endpointsKeyOf(s)),
  });

  async function sync(key: string): Promise<void> {
    const { namespace, name } = splitKey(key);
    const endpoints = endpointsInformer.getByName(namespace, name);
    const service = services.getByName(namespace, name);
    const current = slices.byIndex(byEndpoints, key);
    if (!endpoints || !shouldMirror(endpoints) || !service || !selectorless(service)) {
      written.forget(key);
      for (const slice of current) await deleteSlice(namespace, slice.metadata?.name ?? '');
      return;
    }
    if (written.isStale(key, (n) => slices.getByName(namespace, n))) return;
    const plan = mirrorEndpoints(endpoints, current);
    if (plan.invalidAddresses > 0) {
      recorder.event(endpoints, 'Warning', 'InvalidIPAddress', `Skipped ${plan.invalidAddresses} invalid IP addresses when mirroring to EndpointSlices`);
    }
    if (plan.skippedAddresses > plan.invalidAddresses) {
      recorder.event(
        endpoints,
        'Warning',
        'TooManyAddressesToMirror',
        `A max of ${maxEndpointsPerSubset} addresses can be mirrored to EndpointSlices per Endpoints subset. ${plan.skippedAddresses} addresses were skipped`,
      );
    }
    try {
      for (const slice of plan.create) written.wrote(key, await client.create(namespace, slice));
      for (const slice of plan.update) written.wrote(key, await client.update(namespace, slice));
      for (const slice of plan.delete) {
        await deleteSlice(namespace, slice.metadata?.name ?? '');
        written.deleted(key, slice.metadata?.name ?? '');
      }
    } catch (err) {
      if (/because it is being terminated/.test(String(err))) return;
      throw err;
    }
  }

  async function deleteSlice(namespace: string | undefined, name: string): Promise<void> {
    try {
      await client.delete(namespace, name);
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }

  return loop;
}

function mirrored(slice: EndpointSlice): boolean {
  return slice.metadata?.labels?.[labelManagedBy] === mirroringControllerName && !!slice.metadata.labels[labelServiceName];
}

function endpointsKeyOf(slice: EndpointSlice): string {
  return `${slice.metadata?.namespace}/${slice.metadata?.labels?.[labelServiceName] ?? ''}`;
}
