// The EndpointSlice controller (pkg/controller/endpointslice): for every Service with a selector,
// EndpointSlices labelled kubernetes.io/service-name and managed-by endpointslice-controller.k8s.io,
// owned by the Service (the garbage collector removes them with it), holding its pods' endpoints
// with their ready/serving/terminating conditions, node and zone — recomputed whenever a pod,
// the Service, a node or one of the slices changes. Slices of other managers (the API server's
// for default/kubernetes, the mirroring controller's, a user's) are not touched.
import { isNotFound } from '../../client/local-client.js';
import type { EndpointSlice, Node, Pod, Service } from '../../machinery/api-types.js';
import type { ControllerContext, ControllerDefinition } from '../runtime/controller.js';
import { objectKey, splitKey } from '../runtime/informer.js';
import { labelManagedBy, labelServiceName, selectorMatches, selectsPods, serviceSelector, servicesSelecting } from '../service-endpoints/pod-endpoints.js';
import { syncServicesOnChange } from '../service-endpoints/service-triggers.js';
import { TriggerTimeTracker } from '../service-endpoints/trigger-time.js';
import { WrittenVersions } from '../service-endpoints/written-versions.js';
import { endpointSliceControllerName, reconcileSlices } from './slice-reconciler.js';

export const endpointSliceController: ControllerDefinition = {
  name: 'endpointslice',
  start: startEndpointSliceController,
};

/** An index of slices by "namespace/service" for the slices this controller manages. */
const byService = 'endpointslice.managedService';
const nodeNameIndex = 'spec.nodeName';

function startEndpointSliceController(ctx: ControllerContext) {
  const services = ctx.informers.forResource<Service>('', 'v1', 'services');
  const pods = ctx.informers.forResource<Pod>('', 'v1', 'pods');
  pods.addIndex(nodeNameIndex, (p) => [p.spec?.nodeName ?? '']);
  const nodes = ctx.informers.forResource<Node>('', 'v1', 'nodes');
  const slices = ctx.informers.forResource<EndpointSlice>('discovery.k8s.io', 'v1', 'endpointslices');
  slices.addIndex(byService, (s) => (managedByUs(s) ? [serviceKeyOf(s)] : []));
  const client = ctx.client.resource<EndpointSlice>('discovery.k8s.io', 'v1', 'endpointslices');
  const recorder = ctx.recorder('endpoint-slice-controller');
  const triggerTimes = new TriggerTimeTracker();
  const written = new WrittenVersions();
  const loop = ctx.reconcileLoop(sync);
  const enqueue = (key: string) => loop.enqueue(key);

  syncServicesOnChange(services, pods, enqueue);
  // Any change to one of our slices (ours, or someone else's edit) syncs its Service: a sync
  // that found the cache behind our writes goes ahead, and a hand-edited slice is put right.
  slices.addHandler({
    onAdd: (s) => managedByUs(s) && enqueue(serviceKeyOf(s)),
    onUpdate: (old, s) => {
      if (managedByUs(old)) enqueue(serviceKeyOf(old));
      if (managedByUs(s)) enqueue(serviceKeyOf(s));
    },
    onDelete: (s) => managedByUs(s) && enqueue(serviceKeyOf(s)),
  });
  // Zones come from nodes; pods skipped for a missing node get in once it exists (or, more
  // likely, are deleted by the pod garbage collector).
  const nodeChanged = (node: Node) => {
    for (const pod of pods.byIndex(nodeNameIndex, node.metadata?.name ?? '')) servicesSelecting(services.list(pod.metadata?.namespace ?? ''), pod.metadata?.labels).forEach(enqueue);
  };
  nodes.addHandler({
    onAdd: nodeChanged,
    onUpdate: (old, n) => old.metadata?.labels?.['topology.kubernetes.io/zone'] !== n.metadata?.labels?.['topology.kubernetes.io/zone'] && nodeChanged(n),
  });

  async function sync(key: string): Promise<void> {
    const { namespace, name } = splitKey(key);
    const service = services.getByName(namespace, name);
    if (!service) {
      // Its slices go with it: the garbage collector follows their owner reference.
      triggerTimes.forget(key);
      written.forget(key);
      return;
    }
    if (!selectsPods(service)) return;
    if (written.isStale(key, (n) => slices.getByName(namespace, n))) return;
    const selector = serviceSelector(service)!;
    const selected = pods.list(namespace).filter((p) => selectorMatches(selector, p.metadata?.labels));
    const existing = slices.byIndex(byService, key).filter((s) => !s.metadata?.deletionTimestamp);
    const triggerTime = triggerTimes.compute(key, service, selected);
    warnIfHintsAsked(service);
    const plan = reconcileSlices({ service, pods: selected, existing, node: (n) => nodes.getByName(undefined, n), triggerTime });
    try {
      for (const slice of plan.create) written.wrote(key, await client.create(namespace, slice));
      for (const slice of plan.update) written.wrote(key, await client.update(namespace, slice));
      for (const slice of plan.delete) {
        const sliceName = slice.metadata?.name ?? '';
        try {
          await client.delete(namespace, sliceName);
        } catch (err) {
          if (!isNotFound(err)) throw err;
        }
        written.deleted(key, sliceName);
      }
    } catch (err) {
      if (/because it is being terminated/.test(String(err))) return;
      const message = err instanceof Error ? err.message : String(err);
      recorder.event(service, 'Warning', 'FailedToUpdateEndpointSlices', `Error updating Endpoint Slices for Service ${namespace}/${name}: ${message}`);
      throw err;
    }
    for (const message of plan.podsOnMissingNodes) ctx.log.info(message, { service: key });
  }

  // Topology Aware Hints from the topology-mode annotation need kube-controller-manager's
  // per-zone CPU accounting, which kubemu does not do: say so once per Service.
  const warned = new Set<string>();
  function warnIfHintsAsked(service: Service): void {
    const annotations = service.metadata?.annotations ?? {};
    const mode = annotations['service.kubernetes.io/topology-aware-hints'] ?? annotations['service.kubernetes.io/topology-mode'];
    const uid = service.metadata?.uid ?? '';
    if ((mode !== 'Auto' && mode !== 'auto') || warned.has(uid)) return;
    warned.add(uid);
    recorder.event(
      service,
      'Warning',
      'TopologyAwareHintsDisabled',
      'kubemu does not compute Topology Aware Hints: its EndpointSlices carry no hints for this annotation (spec.trafficDistribution: PreferClose is supported)',
    );
  }

  return loop;
}

function managedByUs(slice: EndpointSlice): boolean {
  return slice.metadata?.labels?.[labelManagedBy] === endpointSliceControllerName && !!slice.metadata.labels[labelServiceName];
}

function serviceKeyOf(slice: EndpointSlice): string {
  return `${slice.metadata?.namespace}/${slice.metadata?.labels?.[labelServiceName] ?? ''}`;
}
