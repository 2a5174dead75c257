// Which printer renders which built-in resource, keyed by qualified resource ("pods",
// "deployments.apps"). Resources a real 1.36 server renders with its default table convertor
// (roles, cluster roles, limit ranges, custom resource definitions) are listed explicitly too.
import { certificateSigningRequestPrinter, clusterRoleBindingPrinter, roleBindingPrinter } from './access-control.js';
import {
  mutatingAdmissionPolicyBindingPrinter, mutatingAdmissionPolicyPrinter, mutatingWebhookConfigurationPrinter,
  validatingAdmissionPolicyBindingPrinter, validatingAdmissionPolicyPrinter, validatingWebhookConfigurationPrinter,
} from './admission.js';
import { apiServicePrinter, flowSchemaPrinter, priorityLevelConfigurationPrinter } from './api-server.js';
import { horizontalPodAutoscalerPrinter } from './autoscaling.js';
import {
  componentStatusPrinter, configMapPrinter, leasePrinter, namespacePrinter, resourceQuotaPrinter, secretPrinter,
  serviceAccountPrinter,
} from './config.js';
import { defaultTablePrinter } from './default-printer.js';
import { eventPrinter, eventsV1Printer } from './events.js';
import {
  endpointSlicePrinter, endpointsPrinter, ingressClassPrinter, ingressPrinter, ipAddressPrinter, networkPolicyPrinter,
  serviceCIDRPrinter, servicePrinter,
} from './networking.js';
import { nodePrinter } from './nodes.js';
import { podPrinter } from './pods.js';
import {
  deviceClassPrinter, priorityClassPrinter, resourceClaimPrinter, resourceClaimTemplatePrinter, resourceSlicePrinter,
  runtimeClassPrinter,
} from './scheduling.js';
import {
  csiDriverPrinter, csiNodePrinter, csiStorageCapacityPrinter, persistentVolumeClaimPrinter, persistentVolumePrinter,
  storageClassPrinter, volumeAttachmentPrinter, volumeAttributesClassPrinter,
} from './storage.js';
import type { TablePrinter } from './types.js';
import {
  controllerRevisionPrinter, cronJobPrinter, daemonSetPrinter, deploymentPrinter, jobPrinter,
  podDisruptionBudgetPrinter, podTemplatePrinter, replicaSetPrinter, replicationControllerPrinter, statefulSetPrinter,
} from './workloads.js';

const entries: ReadonlyArray<readonly [string, TablePrinter]> = [
  // core
  ['pods', podPrinter],
  ['podtemplates', podTemplatePrinter],
  ['replicationcontrollers', replicationControllerPrinter],
  ['services', servicePrinter],
  ['endpoints', endpointsPrinter],
  ['nodes', nodePrinter],
  ['namespaces', namespacePrinter],
  ['events', eventPrinter],
  ['secrets', secretPrinter],
  ['configmaps', configMapPrinter],
  ['serviceaccounts', serviceAccountPrinter],
  ['persistentvolumes', persistentVolumePrinter],
  ['persistentvolumeclaims', persistentVolumeClaimPrinter],
  ['resourcequotas', resourceQuotaPrinter],
  ['limitranges', defaultTablePrinter],
  ['componentstatuses', componentStatusPrinter],
  // apps
  ['deployments.apps', deploymentPrinter],
  ['replicasets.apps', replicaSetPrinter],
  ['statefulsets.apps', statefulSetPrinter],
  ['daemonsets.apps', daemonSetPrinter],
  ['controllerrevisions.apps', controllerRevisionPrinter],
  // batch
  ['jobs.batch', jobPrinter],
  ['cronjobs.batch', cronJobPrinter],
  // autoscaling (v1 and v2 objects alike)
  ['horizontalpodautoscalers.autoscaling', horizontalPodAutoscalerPrinter],
  // policy
  ['poddisruptionbudgets.policy', podDisruptionBudgetPrinter],
  // networking.k8s.io
  ['ingresses.networking.k8s.io', ingressPrinter],
  ['ingressclasses.networking.k8s.io', ingressClassPrinter],
  ['networkpolicies.networking.k8s.io', networkPolicyPrinter],
  ['servicecidrs.networking.k8s.io', serviceCIDRPrinter],
  ['ipaddresses.networking.k8s.io', ipAddressPrinter],
  // discovery.k8s.io
  ['endpointslices.discovery.k8s.io', endpointSlicePrinter],
  // events.k8s.io
  ['events.events.k8s.io', eventsV1Printer],
  // coordination.k8s.io
  ['leases.coordination.k8s.io', leasePrinter],
  // scheduling.k8s.io, node.k8s.io
  ['priorityclasses.scheduling.k8s.io', priorityClassPrinter],
  ['runtimeclasses.node.k8s.io', runtimeClassPrinter],
  // storage.k8s.io
  ['storageclasses.storage.k8s.io', storageClassPrinter],
  ['volumeattributesclasses.storage.k8s.io', volumeAttributesClassPrinter],
  ['csidrivers.storage.k8s.io', csiDriverPrinter],
  ['csinodes.storage.k8s.io', csiNodePrinter],
  ['csistoragecapacities.storage.k8s.io', csiStorageCapacityPrinter],
  ['volumeattachments.storage.k8s.io', volumeAttachmentPrinter],
  // certificates.k8s.io
  ['certificatesigningrequests.certificates.k8s.io', certificateSigningRequestPrinter],
  // rbac.authorization.k8s.io
  ['roles.rbac.authorization.k8s.io', defaultTablePrinter],
  ['clusterroles.rbac.authorization.k8s.io', defaultTablePrinter],
  ['rolebindings.rbac.authorization.k8s.io', roleBindingPrinter],
  ['clusterrolebindings.rbac.authorization.k8s.io', clusterRoleBindingPrinter],
  // admissionregistration.k8s.io
  ['mutatingwebhookconfigurations.admissionregistration.k8s.io', mutatingWebhookConfigurationPrinter],
  ['validatingwebhookconfigurations.admissionregistration.k8s.io', validatingWebhookConfigurationPrinter],
  ['validatingadmissionpolicies.admissionregistration.k8s.io', validatingAdmissionPolicyPrinter],
  ['validatingadmissionpolicybindings.admissionregistration.k8s.io', validatingAdmissionPolicyBindingPrinter],
  ['mutatingadmissionpolicies.admissionregistration.k8s.io', mutatingAdmissionPolicyPrinter],
  ['mutatingadmissionpolicybindings.admissionregistration.k8s.io', mutatingAdmissionPolicyBindingPrinter],
  // flowcontrol.apiserver.k8s.io
  ['flowschemas.flowcontrol.apiserver.k8s.io', flowSchemaPrinter],
  ['prioritylevelconfigurations.flowcontrol.apiserver.k8s.io', priorityLevelConfigurationPrinter],
  // resource.k8s.io
  ['deviceclasses.resource.k8s.io', deviceClassPrinter],
  ['resourceclaims.resource.k8s.io', resourceClaimPrinter],
  ['resourceclaimtemplates.resource.k8s.io', resourceClaimTemplatePrinter],
  ['resourceslices.resource.k8s.io', resourceSlicePrinter],
  // apiregistration.k8s.io, apiextensions.k8s.io
  ['apiservices.apiregistration.k8s.io', apiServicePrinter],
  ['customresourcedefinitions.apiextensions.k8s.io', defaultTablePrinter],
];

/** Printer per qualified built-in resource; look up anything else with `defaultTablePrinter`. */
export const tablePrinters: ReadonlyMap<string, TablePrinter> = new Map(entries);
