// kube-apiserver's autoregister and crdregistration controllers, and the local availability
// controller: every group-version this server serves itself has an APIService named
// "<version>.<group>" with no spec.service (the built-in ones labelled automanaged "onstart",
// a CRD's "true"), created at start and as CRDs come, updated when their priority is off, deleted
// when a CRD's version goes; and every APIService without a service is Available, reason Local.
// APIServices someone else made (no automanaged label) are never touched, as on a real cluster.
import type { KubeObject } from '../../machinery/object.js';
import { isAlreadyExists, isConflict, isNotFound } from '../../client/local-client.js';
import type { ControllerContext, ControllerDefinition } from '../runtime/controller.js';
import { builtinPriority, customResourcePriority, type ApiServicePriority } from './api-service-priorities.js';
import { apiServiceName, automanagedLabel, withAvailable, type ApiService } from './api-service-types.js';

interface Crd extends KubeObject {
  spec: { group: string; versions?: { name: string; served?: boolean }[] };
  status?: { conditions?: { type: string; status: string }[] };
}

interface Wanted {
  group: string;
  version: string;
  priority: ApiServicePriority;
  managedAs: 'onstart' | 'true';
}

/** The key of the loop that compares the wanted set with what exists. */
const syncKey = '\0sync';

export const localApiServicesController: ControllerDefinition = {
  name: 'apiservice-registration',
  start: (ctx) => startLocalApiServices(ctx),
};

function startLocalApiServices(ctx: ControllerContext) {
  const apiServices = ctx.informers.forResource<ApiService>('apiregistration.k8s.io', 'v1', 'apiservices');
  const crds = ctx.informers.forResource<Crd>('apiextensions.k8s.io', 'v1', 'customresourcedefinitions');
  const client = ctx.client.resource<ApiService>('apiregistration.k8s.io', 'v1', 'apiservices');
  const catalogue = ctx.client.catalogue;
  const nowText = () => new Date(ctx.clock.now()).toISOString().replace(/\.\d{3}Z$/, 'Z');

  // Built-in group-versions from kube-apiserver's table; each Established CRD's served versions,
  // read from the CRDs themselves (their writes are what wakes this loop).
  const wanted = (): Map<string, Wanted> => {
    const out = new Map<string, Wanted>();
    for (const crd of crds.list()) {
      const established = crd.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True');
      if (!established || crd.metadata?.deletionTimestamp) continue;
      for (const v of crd.spec?.versions ?? []) {
        if (v.served) out.set(apiServiceName(crd.spec.group, v.name), { group: crd.spec.group, version: v.name, priority: customResourcePriority, managedAs: 'true' });
      }
    }
    for (const r of catalogue.all()) {
      const name = apiServiceName(r.group, r.version);
      if (out.has(name) || r.custom) continue;
      const priority = builtinPriority(r.group, r.version);
      if (priority) out.set(name, { group: r.group, version: r.version, priority, managedAs: 'onstart' });
    }
    // Served by kubemu itself where a real cluster runs metrics-server behind an APIService.
    out.set(apiServiceName('metrics.k8s.io', 'v1beta1'), { group: 'metrics.k8s.io', version: 'v1beta1', priority: builtinPriority('metrics.k8s.io', 'v1beta1')!, managedAs: 'onstart' });
    return out;
  };

  // kube-apiserver's own APIServices are made (or corrected) once, at start.
  let startDone = false;
  const syncAll = async () => {
    const want = wanted();
    for (const [name, w] of want) {
      const current = apiServices.getByName(undefined, name);
      if (!current) {
        if (w.managedAs === 'onstart' && startDone) continue;
        try {
          await client.create(undefined, {
            apiVersion: 'apiregistration.k8s.io/v1',
            kind: 'APIService',
            metadata: { name, labels: { [automanagedLabel]: w.managedAs } },
            spec: { group: w.group, version: w.version, service: null, groupPriorityMinimum: w.priority.group, versionPriority: w.priority.version },
          });
        } catch (err) {
          if (!isAlreadyExists(err)) throw err;
        }
        continue;
      }
      // Someone else's, or one turned into a remote one (metrics-server's manifest applied over
      // v1beta1.metrics.k8s.io): left alone. kube-apiserver's own are brought back in line at
      // start only, as its autoregister controller does; a CRD's always.
      if (current.metadata?.labels?.[automanagedLabel] === undefined || current.spec?.service != null) continue;
      if (w.managedAs === 'onstart' && startDone) continue;
      const s = current.spec ?? ({} as Partial<NonNullable<ApiService["spec"]>>);
      if (s.service == null && s.group === w.group && s.version === w.version && s.groupPriorityMinimum === w.priority.group && s.versionPriority === w.priority.version && current.metadata?.labels?.[automanagedLabel] === w.managedAs) continue;
      await client.mutate(undefined, name, (api) => ({
        ...api,
        metadata: { ...api.metadata, labels: { ...api.metadata?.labels, [automanagedLabel]: w.managedAs } },
        spec: { ...api.spec, service: null, group: w.group, version: w.version, groupPriorityMinimum: w.priority.group, versionPriority: w.priority.version },
      }));
    }
    // A CRD's APIService goes with the CRD (or its version); kube-apiserver's own stay.
    for (const api of apiServices.list()) {
      const name = api.metadata?.name ?? '';
      if (api.metadata?.labels?.[automanagedLabel] !== 'true' || want.has(name)) continue;
      try {
        await client.delete(undefined, name, { preconditions: { uid: api.metadata?.uid } });
      } catch (err) {
        if (!isNotFound(err) && !isConflict(err)) throw err;
      }
    }
    startDone = true;
  };

  const markLocalAvailable = async (name: string) => {
    const api = apiServices.getByName(undefined, name);
    if (!api || api.spec?.service != null) return;
    const status = withAvailable(api, { status: 'True', reason: 'Local', message: 'Local APIServices are always available' }, nowText());
    if (!status) return;
    try {
      await client.updateStatus(undefined, { ...api, status });
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  };

  const loop = ctx.reconcileLoop((key) => (key === syncKey ? syncAll() : markLocalAvailable(key)));
  // The catalogue changes when a CRD is Established or loses a version: the CRD's own writes say when.
  const crdChanged = () => loop.enqueue(syncKey);
  crds.addHandler({ onAdd: crdChanged, onUpdate: crdChanged, onDelete: crdChanged });
  const apiServiceChanged = (api: ApiService) => {
    loop.enqueue(api.metadata?.name ?? '');
    if (api.metadata?.labels?.[automanagedLabel] !== undefined) loop.enqueue(syncKey);
  };
  apiServices.addHandler({ onAdd: apiServiceChanged, onUpdate: (_o, api) => apiServiceChanged(api), onDelete: (api) => api.metadata?.labels?.[automanagedLabel] !== undefined && loop.enqueue(syncKey) });
  loop.enqueue(syncKey);
  return loop;
}
