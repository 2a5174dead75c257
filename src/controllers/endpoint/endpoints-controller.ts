// The endpoints controller (pkg/controller/endpoint): keeps a v1 Endpoints object, named as its
// Service, for every Service with a selector — its addresses the selected pods', ready or not
// ready, its labels the Service's (plus service.kubernetes.io/headless for a headless one). A
// Service that selects nothing gets Endpoints with no subsets. The Endpoints of a deleted Service
// are deleted. Services without a selector (default/kubernetes, or one whose Endpoints are written
// by hand) and ExternalName Services are left alone.
import { isNotFound } from '../../client/local-client.js';
import type { Endpoints, Pod, Service } from '../../machinery/api-types.js';
import type { ControllerContext, ControllerDefinition } from '../runtime/controller.js';
import { objectKey, splitKey } from '../runtime/informer.js';
import {
  annotationLeaderElection,
  annotationTriggerTime,
  isServiceIPSet,
  labelHeadless,
  selectorMatches,
  selectsPods,
  serviceSelector,
} from '../service-endpoints/pod-endpoints.js';
import { syncServicesOnChange } from '../service-endpoints/service-triggers.js';
import { rfc3339Nano } from '../../machinery/rfc3339.js';
import { TriggerTimeTracker } from '../service-endpoints/trigger-time.js';
import { WrittenVersions } from '../service-endpoints/written-versions.js';
import { endpointSubsets, maxEndpointsCapacity, subsetsEqual, truncateSubsets } from './endpoint-subsets.js';

export const endpointController: ControllerDefinition = {
  name: 'endpoint',
  start: startEndpointController,
};

const annotationOverCapacity = 'endpoints.kubernetes.io/over-capacity';

function startEndpointController(ctx: ControllerContext) {
  const services = ctx.informers.forResource<Service>('', 'v1', 'services');
  const pods = ctx.informers.forResource<Pod>('', 'v1', 'pods');
  const endpointsInformer = ctx.informers.forResource<Endpoints>('', 'v1', 'endpoints');
  const client = ctx.client.resource<Endpoints>('', 'v1', 'endpoints');
  const recorder = ctx.recorder('endpoint-controller');
  const triggerTimes = new TriggerTimeTracker();
  const written = new WrittenVersions();
  const loop = ctx.reconcileLoop(sync);

  const enqueue = (key: string) => loop.enqueue(key);
  syncServicesOnChange(services, pods, enqueue);
  // A deleted Endpoints object comes back, and our own writes, once cached, let a sync that
  // found the cache behind them go ahead.
  endpointsInformer.addHandler({
    onUpdate: (_old, e) => enqueue(objectKey(e)),
    onDelete: (e) => enqueue(objectKey(e)),
  });
  // Once at start (checkLeftoverEndpoints): Endpoints of Services deleted while we were not
  // running are deleted. Leader-election records are nobody's Service.
  void ctx.informers.synced().then(() => {
    for (const e of endpointsInformer.list()) if (!e.metadata?.annotations?.[annotationLeaderElection]) enqueue(objectKey(e));
  });

  async function sync(key: string): Promise<void> {
    const { namespace, name } = splitKey(key);
    const service = services.getByName(namespace, name);
    if (!service) {
      triggerTimes.forget(key);
      written.forget(key);
      const leftover = endpointsInformer.getByName(namespace, name);
      if (leftover && !leftover.metadata?.annotations?.[annotationLeaderElection]) {
        try {
          await client.delete(namespace, name);
        } catch (err) {
          if (!isNotFound(err)) throw err;
        }
      }
      return;
    }
    if (!selectsPods(service)) return;
    const selector = serviceSelector(service)!;
    // Our last write is not cached yet: its informer event syncs this Service again.
    if (written.isStale(key, (n) => endpointsInformer.getByName(namespace, n))) return;
    const selected = pods.list(namespace).filter((p) => selectorMatches(selector, p.metadata?.labels));
    // Computed on every sync, so that the tracker sees each change even when nothing is written.
    const triggerTime = triggerTimes.compute(key, service, selected);
    const subsets = endpointSubsets(service, selected);
    const current = endpointsInformer.getByName(namespace, name);
    const serviceLabels = service.metadata?.labels ?? {};
    if (current && subsetsEqual(current.subsets, subsets) && sameLabelsBut(current.metadata?.labels, serviceLabels, labelHeadless) && capacityAnnotationRight(current)) return;

    const next: Endpoints = current ? structuredClone(current) : { apiVersion: 'v1', kind: 'Endpoints', metadata: { name, namespace } };
    next.apiVersion = 'v1';
    next.kind = 'Endpoints';
    const meta = (next.metadata ??= {});
    const annotations = { ...meta.annotations };
    if (triggerTime !== undefined) annotations[annotationTriggerTime] = rfc3339Nano(triggerTime);
    else delete annotations[annotationTriggerTime];
    const finalSubsets = structuredClone(subsets);
    if (truncateSubsets(finalSubsets, maxEndpointsCapacity)) annotations[annotationOverCapacity] = 'truncated';
    else delete annotations[annotationOverCapacity];
    if (finalSubsets.length) next.subsets = finalSubsets;
    else delete next.subsets;
    const labels: Record<string, string> = { ...serviceLabels };
    if (!isServiceIPSet(service)) labels[labelHeadless] = '';
    else delete labels[labelHeadless];
    if (Object.keys(labels).length) meta.labels = labels;
    else delete meta.labels;
    if (Object.keys(annotations).length) meta.annotations = annotations;
    else delete meta.annotations;

    try {
      const saved = current ? await client.update(namespace, next) : await client.create(namespace, next);
      written.wrote(key, saved);
    } catch (err) {
      // A namespace being deleted refuses new objects: nothing to retry.
      if (!current && /because it is being terminated/.test(String(err))) return;
      const message = err instanceof Error ? err.message : String(err);
      if (current) recorder.event(next, 'Warning', 'FailedToUpdateEndpoint', `Failed to update endpoint ${namespace}/${name}: ${message}`);
      else recorder.event(next, 'Warning', 'FailedToCreateEndpoint', `Failed to create endpoint for service ${namespace}/${name}: ${message}`);
      throw err;
    }
  }

  return loop;
}

function sameLabelsBut(current: Record<string, string> | undefined, wanted: Record<string, string>, ignored: string): boolean {
  const keys = Object.keys(current ?? {}).filter((k) => k !== ignored);
  if (keys.length !== Object.keys(wanted).filter((k) => k !== ignored).length) return false;
  return keys.every((k) => current![k] === wanted[k]);
}

/** Over capacity, the annotation must be (re)computed; under it, it must be absent. */
function capacityAnnotationRight(endpoints: Endpoints): boolean {
  let count = 0;
  for (const s of endpoints.subsets ?? []) count += (s.addresses?.length ?? 0) + (s.notReadyAddresses?.length ?? 0);
  if (count > maxEndpointsCapacity) return false;
  return endpoints.metadata?.annotations?.[annotationOverCapacity] === undefined;
}
