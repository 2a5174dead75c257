// Quota for persistent volume claims (pkg/quota/v1/evaluator/core/persistent_volume_claims.go):
// each claim counts once and is charged its storage request (in whole bytes, or what the volume
// was actually expanded to if more), both overall and per storage class as
// "<class>.storageclass.storage.k8s.io/<resource>". Expanding a claim is an update that changes
// usage. The VolumeAttributesClass scope selects claims by the attributes classes they name.
import type { PersistentVolumeClaim, ScopedResourceSelectorRequirement } from '../api-types.js';
import { compareQuantities, parseQuantity, roundUpQuantity, type Quantity } from '../quantity.js';
import { objectCountName, scopeValueMatches, type QuotaEvaluator } from './evaluator.js';
import { count, type ResourceList } from './resource-list.js';

const claimCountName = objectCountName('', 'persistentvolumeclaims');
const claimResources = ['persistentvolumeclaims', 'requests.storage'];
const storageClassSuffix = '.storageclass.storage.k8s.io/';
const betaStorageClassAnnotation = 'volume.beta.kubernetes.io/storage-class';

/** The class a claim asks for: the beta annotation wins over spec.storageClassName (storagehelpers.GetPersistentVolumeClaimClass). */
export function claimStorageClass(claim: PersistentVolumeClaim): string {
  const annotated = claim.metadata?.annotations?.[betaStorageClassAnnotation];
  if (annotated !== undefined) return annotated;
  return claim.spec?.storageClassName ?? '';
}

function quantity(raw: unknown): Quantity | undefined {
  if (typeof raw !== 'string' && typeof raw !== 'number') return undefined;
  try {
    return parseQuantity(raw);
  } catch {
    return undefined;
  }
}

function storageUsage(claim: PersistentVolumeClaim): Quantity | undefined {
  const requested = quantity(claim.spec?.resources?.requests?.storage);
  if (!requested) return undefined;
  const result = roundUpQuantity(requested, 0);
  const allocated = quantity(claim.status?.allocatedResources?.storage);
  if (allocated && compareQuantities(allocated, result) > 0) return roundUpQuantity(allocated, 0);
  return result;
}

function attributesClassNames(claim: PersistentVolumeClaim): string[] {
  const names = new Set<string>();
  const spec = claim.spec?.volumeAttributesClassName;
  const current = claim.status?.currentVolumeAttributesClassName;
  const target = claim.status?.modifyVolumeStatus?.targetVolumeAttributesClassName;
  for (const n of [spec, current, target]) if (n) names.add(n);
  return [...names];
}

function claimMatchesScope(requirement: ScopedResourceSelectorRequirement, claim: PersistentVolumeClaim): boolean {
  if (requirement.scopeName !== 'VolumeAttributesClass') return false;
  const names = attributesClassNames(claim);
  if (requirement.operator === 'Exists') return names.length > 0;
  if (names.length === 0) return scopeValueMatches(requirement, undefined);
  return names.some((n) => scopeValueMatches(requirement, n));
}

export const persistentVolumeClaimEvaluator: QuotaEvaluator = {
  group: '',
  resource: 'persistentvolumeclaims',
  handles: (operation) => operation === 'CREATE' || operation === 'UPDATE',
  matchingResources: (input) =>
    input.filter(
      (name) => name === claimCountName || claimResources.includes(name) || claimResources.some((r) => name.endsWith(storageClassSuffix + r)),
    ),
  matchesScope: (requirement, obj) => claimMatchesScope(requirement, obj as PersistentVolumeClaim),
  constraints: () => undefined,
  usage(obj) {
    const claim = obj as PersistentVolumeClaim;
    const result: ResourceList = new Map([
      ['persistentvolumeclaims', count(1)],
      [claimCountName, count(1)],
    ]);
    const storageClass = claimStorageClass(claim);
    if (storageClass) result.set(`${storageClass}${storageClassSuffix}persistentvolumeclaims`, count(1));
    const storage = storageUsage(claim);
    if (storage) {
      result.set('requests.storage', storage);
      if (storageClass) result.set(`${storageClass}${storageClassSuffix}requests.storage`, storage);
    }
    return result;
  },
};
