// Every kind's strategy, by qualified resource ("pods", "deployments.apps"). Kinds not listed
// use the default strategy: no generation, create-only-by-POST, Success Status on delete.
import type { Event, Namespace, Node, Secret } from '../../machinery/api-types.js';
import type { KubeObject } from '../../machinery/object.js';
import type { Strategy } from '../strategy.js';
import { validatingAdmissionPolicyBindingStrategy, validatingAdmissionPolicyStrategy, webhookConfigurationStrategy } from './admission-configurations.js';
import { certificateSigningRequestStrategy } from './certificate-signing-requests.js';
import { customResourceDefinitionStrategy } from './custom-resource-definitions.js';
import { daemonSetStrategy } from './daemonsets.js';
import { jobStrategy } from './jobs.js';
import { podStrategy } from './pods.js';
import { serviceStrategy } from './services.js';

export const defaultStrategy: Strategy = {};

const withGeneration: Strategy = { tracksGeneration: true };
const createOnUpdate: Strategy = { allowCreateOnUpdate: true };

const replicaCountSelector = {
  'status.replicas': (o: { status?: { replicas?: number } }) => String(o.status?.replicas ?? 0),
};

const namespaceStrategy: Strategy = {
  returnDeletedObject: true,
  fieldSelectors: { 'status.phase': (n: Namespace) => n.status?.phase ?? '' },
  prepareForCreate(obj: KubeObject) {
    const ns = obj as Namespace;
    ns.status = { phase: 'Active' };
    labelWithOwnName(ns);
    // The namespace controller removes this finalizer once the namespace's content is gone.
    const finalizers = new Set(ns.spec?.finalizers ?? []);
    finalizers.add('kubernetes');
    ns.spec = { ...ns.spec, finalizers: [...finalizers] };
  },
  hasPendingFinalizers(obj: KubeObject) {
    const ns = obj as Namespace;
    return (ns.metadata?.finalizers?.length ?? 0) > 0 || (ns.spec?.finalizers?.length ?? 0) > 0;
  },
  prepareForDeletion(obj: KubeObject) {
    (obj as Namespace).status = { ...(obj as Namespace).status, phase: 'Terminating' };
  },
  prepareForUpdate(obj: KubeObject, old: KubeObject) {
    // spec.finalizers changes only through the finalize subresource.
    (obj as Namespace).spec = (old as Namespace).spec;
    labelWithOwnName(obj as Namespace);
  },
};

// Every namespace carries its name as a label, so namespace selectors can pick namespaces by name.
function labelWithOwnName(ns: Namespace): void {
  const meta = (ns.metadata ??= {});
  meta.labels = { ...meta.labels, 'kubernetes.io/metadata.name': meta.name ?? '' };
}

const eventStrategy: Strategy = {
  allowCreateOnUpdate: true,
  fieldSelectors: {
    'involvedObject.kind': (e: Event) => e.involvedObject?.kind ?? '',
    'involvedObject.namespace': (e: Event) => e.involvedObject?.namespace ?? '',
    'involvedObject.name': (e: Event) => e.involvedObject?.name ?? '',
    'involvedObject.uid': (e: Event) => e.involvedObject?.uid ?? '',
    'involvedObject.apiVersion': (e: Event) => e.involvedObject?.apiVersion ?? '',
    'involvedObject.resourceVersion': (e: Event) => e.involvedObject?.resourceVersion ?? '',
    'involvedObject.fieldPath': (e: Event) => e.involvedObject?.fieldPath ?? '',
    reason: (e: Event) => e.reason ?? '',
    reportingComponent: (e: Event) => e.reportingComponent ?? '',
    source: (e: Event) => e.source?.component ?? '',
    type: (e: Event) => e.type ?? '',
  },
};

export const strategies: ReadonlyMap<string, Strategy> = new Map<string, Strategy>([
  ['pods', podStrategy],
  ['namespaces', namespaceStrategy],
  ['events', eventStrategy],
  ['nodes', { keepStatusOnCreate: true, fieldSelectors: { 'spec.unschedulable': (n: Node) => String(n.spec?.unschedulable ?? false) } }],
  ['secrets', { fieldSelectors: { type: (s: Secret) => s.type ?? '' } }],
  ['services', serviceStrategy],
  ['endpoints', createOnUpdate],
  ['limitranges', createOnUpdate],
  // Orphaning by default is what these kinds did before the garbage collector existed.
  ['replicationcontrollers', { tracksGeneration: true, fieldSelectors: replicaCountSelector, defaultGarbageCollectionPolicy: 'OrphanDependents' }],
  ['deployments.apps', { tracksGeneration: true, generationCountsAnnotations: true }],
  ['replicasets.apps', { tracksGeneration: true, fieldSelectors: replicaCountSelector }],
  ['statefulsets.apps', withGeneration],
  ['daemonsets.apps', daemonSetStrategy],
  ['jobs.batch', jobStrategy],
  ['cronjobs.batch', withGeneration],
  ['poddisruptionbudgets.policy', withGeneration],
  ['ingresses.networking.k8s.io', withGeneration],
  ['networkpolicies.networking.k8s.io', withGeneration],
  ['endpointslices.discovery.k8s.io', withGeneration],
  ['leases.coordination.k8s.io', createOnUpdate],
  ['roles.rbac.authorization.k8s.io', createOnUpdate],
  ['rolebindings.rbac.authorization.k8s.io', createOnUpdate],
  ['clusterroles.rbac.authorization.k8s.io', createOnUpdate],
  ['clusterrolebindings.rbac.authorization.k8s.io', createOnUpdate],
  ['flowschemas.flowcontrol.apiserver.k8s.io', withGeneration],
  ['prioritylevelconfigurations.flowcontrol.apiserver.k8s.io', withGeneration],
  ['mutatingwebhookconfigurations.admissionregistration.k8s.io', webhookConfigurationStrategy],
  ['validatingwebhookconfigurations.admissionregistration.k8s.io', webhookConfigurationStrategy],
  ['validatingadmissionpolicies.admissionregistration.k8s.io', validatingAdmissionPolicyStrategy],
  ['validatingadmissionpolicybindings.admissionregistration.k8s.io', validatingAdmissionPolicyBindingStrategy],
  ['customresourcedefinitions.apiextensions.k8s.io', customResourceDefinitionStrategy],
  ['deviceclasses.resource.k8s.io', withGeneration],
  ['certificatesigningrequests.certificates.k8s.io', certificateSigningRequestStrategy],
]);

/**
 * The stores whose DELETE answers with the object deleted (or, with a grace period or finalizers,
 * the object as it now is) instead of a Success Status: the generic registry's
 * ReturnDeletedObject, set per store upstream. Typed clients depend on it: the official Python
 * client reads a StorageClass's delete answer into its StorageClass model, and a Status fails
 * that model's required fields. The OpenAPI spec tells which (a DELETE's 200 response is the
 * kind's own type): a unit test holds this list to it. Namespaces have a REST of their own.
 */
const returningDeletedObject: ReadonlySet<string> = new Set([
  'pods',
  'podtemplates',
  'services',
  'serviceaccounts',
  'persistentvolumes',
  'persistentvolumeclaims',
  'resourcequotas',
  'csidrivers.storage.k8s.io',
  'csinodes.storage.k8s.io',
  'storageclasses.storage.k8s.io',
  'volumeattachments.storage.k8s.io',
  'volumeattributesclasses.storage.k8s.io',
  'deviceclasses.resource.k8s.io',
  'resourceclaims.resource.k8s.io',
  'resourceclaimtemplates.resource.k8s.io',
  'resourceslices.resource.k8s.io',
  'devicetaintrules.resource.k8s.io',
  'resourcepoolstatusrequests.resource.k8s.io',
]);

const resolved = new Map<string, Strategy>();

export function strategyFor(qualifiedResource: string): Strategy {
  let strategy = resolved.get(qualifiedResource);
  if (!strategy) {
    strategy = strategies.get(qualifiedResource) ?? defaultStrategy;
    if (returningDeletedObject.has(qualifiedResource) && !strategy.returnDeletedObject) strategy = { ...strategy, returnDeletedObject: true };
    resolved.set(qualifiedResource, strategy);
  }
  return strategy;
}
