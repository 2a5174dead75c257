// What a CustomResourceDefinition serves, as catalogue entries: one ResourceInfo per served
// version, all stored in the storage version, with the names the CRD's status accepted.
import { apiVersionOf } from '../machinery/object.js';
import type { ResourceInfo, SubresourceInfo, Verb } from './catalogue.js';

export interface CustomResourceNames {
  plural: string;
  singular?: string;
  kind: string;
  listKind?: string;
  shortNames?: string[];
  categories?: string[];
}

export interface PrinterColumn {
  name: string;
  type: string;
  format?: string;
  description?: string;
  priority?: number;
  jsonPath: string;
}

export interface ScaleSettings {
  specReplicasPath: string;
  statusReplicasPath: string;
  labelSelectorPath?: string;
}

export interface CustomResourceVersion {
  name: string;
  served: boolean;
  storage: boolean;
  deprecated?: boolean;
  deprecationWarning?: string;
  schema?: { openAPIV3Schema?: Record<string, unknown> };
  subresources?: { status?: object; scale?: ScaleSettings };
  additionalPrinterColumns?: PrinterColumn[];
}

export interface CustomResourceDefinition {
  apiVersion?: string;
  kind?: string;
  metadata?: { name?: string; uid?: string; deletionTimestamp?: string; finalizers?: string[]; resourceVersion?: string; generation?: number };
  spec: {
    group: string;
    names: CustomResourceNames;
    scope: 'Namespaced' | 'Cluster';
    versions: CustomResourceVersion[];
    conversion?: CustomResourceConversion;
    preserveUnknownFields?: boolean;
  };
  status?: {
    acceptedNames?: CustomResourceNames;
    conditions?: { type: string; status: string; reason?: string; message?: string; lastTransitionTime?: string }[];
    storedVersions?: string[];
  };
}

/** spec.conversion: None, or Webhook with where the webhook is. */
export interface CustomResourceConversion {
  strategy?: string;
  webhook?: {
    clientConfig?: {
      url?: string;
      service?: { namespace: string; name: string; path?: string; port?: number };
      caBundle?: string;
    };
    conversionReviewVersions?: string[];
  };
}

/** The parts of a custom resource's behaviour that come from its CRD rather than from code. */
export interface CustomResourceSettings {
  /** The CRD's name, "crontabs.stable.example.com". */
  definitionName: string;
  /** openAPIV3Schema of this version (absent: anything goes). */
  schema?: Record<string, unknown>;
  printerColumns: readonly PrinterColumn[];
  scale?: ScaleSettings;
  /** How objects change version: only their apiVersion (None), or through a webhook. */
  conversion?: CustomResourceConversion;
  /** The CRD is being deleted: its resources take no creates while they are cleaned up. */
  terminating?: boolean;
}

// The order kube-apiserver lists a custom resource's verbs in discovery.
const customVerbs: Verb[] = ['delete', 'deletecollection', 'get', 'list', 'patch', 'create', 'update', 'watch'];

/** The storage version: the one version marked `storage: true`. */
export function storageVersionOf(crd: CustomResourceDefinition): string | undefined {
  return crd.spec.versions.find((v) => v.storage)?.name;
}

/** Catalogue entries for every served version of a CRD, under the given (accepted) names. */
export function customResourceInfos(crd: CustomResourceDefinition, names: CustomResourceNames): ResourceInfo[] {
  const { group } = crd.spec;
  const storageVersion = storageVersionOf(crd) ?? crd.spec.versions[0]?.name ?? '';
  const definitionName = crd.metadata?.name ?? `${names.plural}.${group}`;
  return crd.spec.versions
    .filter((v) => v.served)
    .map((v) => {
      const apiVersion = apiVersionOf(group, v.name);
      const subresources = new Map<string, SubresourceInfo>();
      if (v.subresources?.scale) {
        subresources.set('scale', { name: 'scale', kind: { group: 'autoscaling', version: 'v1', kind: 'Scale' }, verbs: ['get', 'patch', 'update'], connect: false });
      }
      if (v.subresources?.status) {
        subresources.set('status', { name: 'status', kind: { group, version: v.name, kind: names.kind }, verbs: ['get', 'patch', 'update'], connect: false });
      }
      return {
        group,
        version: v.name,
        resource: names.plural,
        kind: names.kind,
        listKind: names.listKind || `${names.kind}List`,
        singular: names.singular || names.kind.toLowerCase(),
        namespaced: crd.spec.scope === 'Namespaced',
        verbs: customVerbs,
        shortNames: names.shortNames ?? [],
        categories: names.categories ?? [],
        qualified: `${names.plural}.${group}`,
        apiVersion,
        deprecationWarning: v.deprecated ? (v.deprecationWarning ?? `${apiVersion} ${names.kind} is deprecated`) : undefined,
        subresources,
        storage: { group, resource: names.plural, version: storageVersion, kind: names.kind },
        custom: {
          definitionName,
          schema: v.schema?.openAPIV3Schema,
          printerColumns: v.additionalPrinterColumns ?? [],
          scale: v.subresources?.scale,
          conversion: crd.spec.conversion,
          terminating: crd.metadata?.deletionTimestamp !== undefined,
        },
      } satisfies ResourceInfo;
    });
}
