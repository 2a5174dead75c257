// The per-kind rule table the object pipeline consults, keyed "Kind" (core group) or
// "Kind.group", by the storage kind and group. The pipeline itself runs the generic ObjectMeta
// checks; everything here comes on top of them.
import type { FieldError } from '../../apierrors/field-errors.js';
import { validateHorizontalPodAutoscaler, validateHorizontalPodAutoscalerStatusUpdate, validateHorizontalPodAutoscalerUpdate } from './autoscaling.js';
import { validateCronJob, validateCronJobUpdate, validateJob, validateJobStatusUpdate, validateJobUpdate } from './batch.js';
import {
  validateCoreEvent,
  validateEventsEvent,
  validateEventsEventUpdate,
  validateNamespace,
  validateNamespaceStatusUpdate,
  validateNode,
  validateNodeUpdate,
  validateResourceQuota,
  validateResourceQuotaStatusUpdate,
  validateResourceQuotaUpdate,
} from './cluster-core.js';
import { validateConfigMap, validateConfigMapUpdate, validateSecret, validateSecretUpdate } from './config-data.js';
import { validatePodDisruptionBudget, validatePodDisruptionBudgetStatusUpdate } from './disruption-budgets.js';
import { recordOrEmpty } from './json-value.js';
import { validateLease } from './leases.js';
import { nameValidators, type NameValidator } from './name-validators.js';
import {
  validateIngress,
  validateIngressClass,
  validateIngressClassUpdate,
  validateIngressStatusUpdate,
  validateIngressUpdate,
  validateNetworkPolicy,
} from './networking.js';
import { pushKubeFinalizerNames } from './object-meta.js';
import { validatePodCreate, validatePodStatusUpdate, validatePodTemplate, validatePodUpdate } from './pods.js';
import { validateApiService } from './api-services.js';
import { validatePriorityClass, validatePriorityClassUpdate } from './priority-classes.js';
import {
  validateCertificateSigningRequest,
  validateCertificateSigningRequestApprovalUpdate,
  validateCertificateSigningRequestStatusUpdate,
  validateCertificateSigningRequestUpdate,
} from './certificates.js';
import {
  validateClusterRole,
  validateClusterRoleBinding,
  validateClusterRoleBindingUpdate,
  validateRole,
  validateRoleBinding,
  validateRoleBindingUpdate,
} from './rbac.js';
import { validateService, validateServiceStatusUpdate, validateServiceUpdate } from './services.js';
import {
  validatePersistentVolume,
  validatePersistentVolumeClaim,
  validatePersistentVolumeClaimStatusUpdate,
  validatePersistentVolumeClaimUpdate,
  validatePersistentVolumeUpdate,
  validateStorageClass,
  validateStorageClassUpdate,
} from './storage.js';
import {
  validateControllerRevision,
  validateControllerRevisionUpdate,
  validateDaemonSet,
  validateDaemonSetStatusUpdate,
  validateDaemonSetUpdate,
  validateDeployment,
  validateDeploymentStatusUpdate,
  validateDeploymentUpdate,
  validateReplicaSet,
  validateReplicaSetStatusUpdate,
  validateReplicaSetUpdate,
  validateReplicationController,
  validateReplicationControllerStatusUpdate,
  validateStatefulSet,
  validateStatefulSetStatusUpdate,
  validateStatefulSetUpdate,
} from './workloads.js';

/**
 * Rules for one kind. The pipeline calls validateObjectMeta / validateObjectMetaUpdate itself
 * (with validateName), then these; validate runs only when the name is valid, and validateUpdate
 * falls back to validate.
 */
export interface KindValidation {
  /** Name (and generateName) rule; the pipeline defaults to nameValidators.dnsSubdomain. */
  validateName?: NameValidator;
  validate?(obj: any): FieldError[];
  /** Includes the immutability rules. */
  validateUpdate?(obj: any, old: any): FieldError[];
  /** For PUT/PATCH on the status subresource. */
  validateStatusUpdate?(obj: any, old: any): FieldError[];
  /** For PUT/PATCH on CertificateSigningRequests' approval subresource. */
  validateApprovalUpdate?(obj: any, old: any): FieldError[];
}

type Create = (obj: unknown) => FieldError[];
type Update = (obj: unknown, old: unknown) => FieldError[];

interface Rules {
  validateName?: NameValidator;
  validate?: Create;
  validateUpdate?: Update;
  validateStatusUpdate?: Update;
  validateApprovalUpdate?: Update;
  /**
   * Whether kube-apiserver validates the metadata with the core group's ObjectMeta rules, which add
   * the standard-finalizer rule to apimachinery's. Default true; false where the kind only gets
   * apimachinery's generic checks.
   */
  coreMeta?: boolean;
}

function finalizerErrors(obj: unknown): FieldError[] {
  const errs: FieldError[] = [];
  pushKubeFinalizerNames(errs, recordOrEmpty(recordOrEmpty(obj).metadata).finalizers, 'metadata.finalizers');
  return errs;
}

function withFinalizerRule(errs: FieldError[], obj: unknown): FieldError[] {
  const extra = finalizerErrors(obj);
  return extra.length === 0 ? errs : [...extra, ...errs];
}

const none = (): FieldError[] => [];

function kind(rules: Rules): KindValidation {
  const out: KindValidation = {};
  if (rules.validateName) out.validateName = rules.validateName;
  if (rules.coreMeta === false) {
    if (rules.validate) out.validate = rules.validate;
    if (rules.validateUpdate) out.validateUpdate = rules.validateUpdate;
    if (rules.validateStatusUpdate) out.validateStatusUpdate = rules.validateStatusUpdate;
    return out;
  }
  const validate = rules.validate ?? none;
  const validateUpdate = rules.validateUpdate ?? ((obj: unknown) => validate(obj));
  const validateStatusUpdate = rules.validateStatusUpdate ?? none;
  out.validate = (obj) => withFinalizerRule(validate(obj), obj);
  out.validateUpdate = (obj, old) => withFinalizerRule(validateUpdate(obj, old), obj);
  out.validateStatusUpdate = (obj, old) => withFinalizerRule(validateStatusUpdate(obj, old), obj);
  const validateApprovalUpdate = rules.validateApprovalUpdate;
  if (validateApprovalUpdate) out.validateApprovalUpdate = (obj, old) => withFinalizerRule(validateApprovalUpdate(obj, old), obj);
  return out;
}

const entries: [string, Rules][] = [
  // core
  ['Pod', { validate: validatePodCreate, validateUpdate: validatePodUpdate, validateStatusUpdate: validatePodStatusUpdate }],
  ['PodTemplate', { validate: validatePodTemplate }],
  [
    'ReplicationController',
    { validate: validateReplicationController, validateStatusUpdate: validateReplicationControllerStatusUpdate },
  ],
  [
    'Service',
    {
      validateName: nameValidators.dns1035Label,
      validate: validateService,
      validateUpdate: validateServiceUpdate,
      validateStatusUpdate: validateServiceStatusUpdate,
    },
  ],
  ['ConfigMap', { validate: validateConfigMap, validateUpdate: validateConfigMapUpdate }],
  ['Secret', { validate: validateSecret, validateUpdate: validateSecretUpdate }],
  [
    'Namespace',
    {
      validateName: nameValidators.dnsLabel,
      validate: validateNamespace,
      // spec.finalizers only changes through the finalize subresource.
      validateUpdate: none,
      validateStatusUpdate: validateNamespaceStatusUpdate,
    },
  ],
  ['ServiceAccount', {}],
  ['Endpoints', {}],
  ['LimitRange', {}],
  ['Node', { validate: validateNode, validateUpdate: validateNodeUpdate, validateStatusUpdate: validateNodeUpdate }],
  [
    'PersistentVolumeClaim',
    {
      validate: validatePersistentVolumeClaim,
      validateUpdate: validatePersistentVolumeClaimUpdate,
      validateStatusUpdate: validatePersistentVolumeClaimStatusUpdate,
    },
  ],
  ['PersistentVolume', { validate: validatePersistentVolume, validateUpdate: validatePersistentVolumeUpdate }],
  [
    'ResourceQuota',
    { validate: validateResourceQuota, validateUpdate: validateResourceQuotaUpdate, validateStatusUpdate: validateResourceQuotaStatusUpdate },
  ],
  // Events share one storage: both APIs reach here in core/v1 shape, under "Event". Those sent
  // through core/v1 only get the legacy checks and apimachinery's generic metadata rules.
  ['Event', { validateName: nameValidators.pathSegmentOrPrefix, validate: validateCoreEvent, coreMeta: false }],
  ['Event.events.k8s.io', { validate: validateEventsEvent, validateUpdate: validateEventsEventUpdate }],
  // apps
  [
    'Deployment.apps',
    { validate: validateDeployment, validateUpdate: validateDeploymentUpdate, validateStatusUpdate: validateDeploymentStatusUpdate },
  ],
  [
    'ReplicaSet.apps',
    { validate: validateReplicaSet, validateUpdate: validateReplicaSetUpdate, validateStatusUpdate: validateReplicaSetStatusUpdate },
  ],
  [
    'StatefulSet.apps',
    {
      validateName: nameValidators.dnsLabel,
      validate: validateStatefulSet,
      validateUpdate: validateStatefulSetUpdate,
      validateStatusUpdate: validateStatefulSetStatusUpdate,
    },
  ],
  [
    'DaemonSet.apps',
    { validate: validateDaemonSet, validateUpdate: validateDaemonSetUpdate, validateStatusUpdate: validateDaemonSetStatusUpdate },
  ],
  ['ControllerRevision.apps', { validate: validateControllerRevision, validateUpdate: validateControllerRevisionUpdate }],
  // batch
  ['Job.batch', { validate: validateJob, validateUpdate: validateJobUpdate, validateStatusUpdate: validateJobStatusUpdate }],
  ['CronJob.batch', { validate: validateCronJob, validateUpdate: validateCronJobUpdate }],
  // apiregistration: names are "<version>.<group>", and "v1." is no DNS subdomain.
  [
    'APIService.apiregistration.k8s.io',
    { validateName: nameValidators.pathSegment, validate: validateApiService, validateUpdate: (obj: unknown) => validateApiService(obj) },
  ],
  // rbac
  ['Role.rbac.authorization.k8s.io', { validateName: nameValidators.pathSegment, validate: validateRole }],
  ['ClusterRole.rbac.authorization.k8s.io', { validateName: nameValidators.pathSegment, validate: validateClusterRole }],
  [
    'RoleBinding.rbac.authorization.k8s.io',
    { validateName: nameValidators.pathSegment, validate: validateRoleBinding, validateUpdate: validateRoleBindingUpdate },
  ],
  [
    'ClusterRoleBinding.rbac.authorization.k8s.io',
    { validateName: nameValidators.pathSegment, validate: validateClusterRoleBinding, validateUpdate: validateClusterRoleBindingUpdate },
  ],
  // networking
  [
    'Ingress.networking.k8s.io',
    { validate: validateIngress, validateUpdate: validateIngressUpdate, validateStatusUpdate: validateIngressStatusUpdate },
  ],
  ['IngressClass.networking.k8s.io', { validate: validateIngressClass, validateUpdate: validateIngressClassUpdate }],
  ['NetworkPolicy.networking.k8s.io', { validate: validateNetworkPolicy }],
  ['EndpointSlice.discovery.k8s.io', {}],
  // autoscaling, policy, coordination, scheduling, storage
  [
    'HorizontalPodAutoscaler.autoscaling',
    {
      validate: validateHorizontalPodAutoscaler,
      validateUpdate: validateHorizontalPodAutoscalerUpdate,
      validateStatusUpdate: validateHorizontalPodAutoscalerStatusUpdate,
    },
  ],
  // PodDisruptionBudget has no ObjectMeta validation of its own: only the generic path-segment
  // name rule that every kind gets.
  [
    'PodDisruptionBudget.policy',
    {
      validateName: nameValidators.pathSegmentOrPrefix,
      validate: validatePodDisruptionBudget,
      validateStatusUpdate: validatePodDisruptionBudgetStatusUpdate,
      coreMeta: false,
    },
  ],
  ['Lease.coordination.k8s.io', { validate: validateLease, coreMeta: false }],
  // CertificateSigningRequest names have no rule of their own, only the generic path-segment one.
  [
    'CertificateSigningRequest.certificates.k8s.io',
    {
      validateName: nameValidators.pathSegmentOrPrefix,
      validate: validateCertificateSigningRequest,
      validateUpdate: validateCertificateSigningRequestUpdate,
      validateStatusUpdate: validateCertificateSigningRequestStatusUpdate,
      validateApprovalUpdate: validateCertificateSigningRequestApprovalUpdate,
    },
  ],
  ['PriorityClass.scheduling.k8s.io', { validate: validatePriorityClass, validateUpdate: validatePriorityClassUpdate }],
  ['StorageClass.storage.k8s.io', { validate: validateStorageClass, validateUpdate: validateStorageClassUpdate }],
];

/** Built once; the table and its functions hold no state. */
export const kindValidations: ReadonlyMap<string, KindValidation> = new Map(entries.map(([k, rules]) => [k, Object.freeze(kind(rules))]));
