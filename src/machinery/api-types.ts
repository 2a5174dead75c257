// Names for the generated Kubernetes object types, so code can say `Pod` instead of the
// OpenAPI definition key. The generated file is built from the spec by openapi/generate-types.mjs.
import type { components } from '../generated/k8s-openapi.js';

type Schemas = components['schemas'];
export type Definition<Name extends keyof Schemas> = Schemas[Name];

export type ObjectMeta = Schemas['io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta'];
export type ListMeta = Schemas['io.k8s.apimachinery.pkg.apis.meta.v1.ListMeta'];
export type OwnerReference = Schemas['io.k8s.apimachinery.pkg.apis.meta.v1.OwnerReference'];
export type LabelSelector = Schemas['io.k8s.apimachinery.pkg.apis.meta.v1.LabelSelector'];
export type Condition = Schemas['io.k8s.apimachinery.pkg.apis.meta.v1.Condition'];
export type DeleteOptions = Schemas['io.k8s.apimachinery.pkg.apis.meta.v1.DeleteOptions'];

export type Pod = Schemas['io.k8s.api.core.v1.Pod'];
export type PodSpec = Schemas['io.k8s.api.core.v1.PodSpec'];
export type PodTemplateSpec = Schemas['io.k8s.api.core.v1.PodTemplateSpec'];
export type Container = Schemas['io.k8s.api.core.v1.Container'];
export type Service = Schemas['io.k8s.api.core.v1.Service'];
export type ServicePort = Schemas['io.k8s.api.core.v1.ServicePort'];
export type Endpoints = Schemas['io.k8s.api.core.v1.Endpoints'];
export type EndpointSubset = Schemas['io.k8s.api.core.v1.EndpointSubset'];
export type EndpointAddress = Schemas['io.k8s.api.core.v1.EndpointAddress'];
export type EndpointPort = Schemas['io.k8s.api.core.v1.EndpointPort'];
export type EndpointSlice = Schemas['io.k8s.api.discovery.v1.EndpointSlice'];
export type SliceEndpoint = Schemas['io.k8s.api.discovery.v1.Endpoint'];
export type SlicePort = Schemas['io.k8s.api.discovery.v1.EndpointPort'];
export type Namespace = Schemas['io.k8s.api.core.v1.Namespace'];
export type Node = Schemas['io.k8s.api.core.v1.Node'];
export type Lease = Schemas['io.k8s.api.coordination.v1.Lease'];
export type ConfigMap = Schemas['io.k8s.api.core.v1.ConfigMap'];
export type Secret = Schemas['io.k8s.api.core.v1.Secret'];
export type ServiceAccount = Schemas['io.k8s.api.core.v1.ServiceAccount'];
export type Event = Schemas['io.k8s.api.core.v1.Event'];
export type Deployment = Schemas['io.k8s.api.apps.v1.Deployment'];
export type ReplicaSet = Schemas['io.k8s.api.apps.v1.ReplicaSet'];
export type StatefulSet = Schemas['io.k8s.api.apps.v1.StatefulSet'];
export type DaemonSet = Schemas['io.k8s.api.apps.v1.DaemonSet'];
export type ControllerRevision = Schemas['io.k8s.api.apps.v1.ControllerRevision'];
export type PersistentVolumeClaim = Schemas['io.k8s.api.core.v1.PersistentVolumeClaim'];
export type StorageClass = Schemas['io.k8s.api.storage.v1.StorageClass'];
export type PersistentVolume = Schemas['io.k8s.api.core.v1.PersistentVolume'];
export type ResourceQuota = Schemas['io.k8s.api.core.v1.ResourceQuota'];
export type LimitRange = Schemas['io.k8s.api.core.v1.LimitRange'];
export type LimitRangeItem = Schemas['io.k8s.api.core.v1.LimitRangeItem'];
export type ScopedResourceSelectorRequirement = Schemas['io.k8s.api.core.v1.ScopedResourceSelectorRequirement'];
export type Job = Schemas['io.k8s.api.batch.v1.Job'];
export type PolicyRule = Schemas['io.k8s.api.rbac.v1.PolicyRule'];
export type CronJob = Schemas['io.k8s.api.batch.v1.CronJob'];
export type CertificateSigningRequest = Schemas['io.k8s.api.certificates.v1.CertificateSigningRequest'];
