// Printers for namespaces and the configuration objects that live in them: config maps, secrets,
// service accounts, resource quotas, leases, plus the legacy component statuses.
import { ageColumn, column, countOf, definePrinter, nameColumn, objectAge, objectName } from './columns.js';
import { canonicalQuantity } from './quantity.js';
import type { TablePrinter } from './types.js';

export const namespacePrinter: TablePrinter = definePrinter(
  [nameColumn, column('Status', 'string', 'The status of the namespace'), ageColumn],
  // The namespace strategy sets phase Active on create.
  (obj, now) => [objectName(obj), obj.status?.phase ?? 'Active', objectAge(obj, now)],
);

export const configMapPrinter: TablePrinter = definePrinter(
  [nameColumn, column('Data', 'string', 'Number of keys in data and binaryData.'), ageColumn],
  (obj, now) => [objectName(obj), countOf(obj.data) + countOf(obj.binaryData), objectAge(obj, now)],
);

export const secretPrinter: TablePrinter = definePrinter(
  [
    nameColumn,
    column('Type', 'string', 'Used to facilitate programmatic handling of secret data.'),
    column('Data', 'string', 'Number of keys in data.'),
    ageColumn,
  ],
  (obj, now) => [objectName(obj), obj.type ?? 'Opaque', countOf(obj.data), objectAge(obj, now)],
);

export const serviceAccountPrinter: TablePrinter = definePrinter(
  [nameColumn, ageColumn],
  (obj, now) => [objectName(obj), objectAge(obj, now)],
);

/** "cpu: 100m/1, memory: 0/1Gi" per column; quota names starting with "limits." go to LIMIT. */
function resourceQuotaCells(status: any): [string, string] {
  const hard: Record<string, unknown> = status?.hard ?? {};
  const used: Record<string, unknown> = status?.used ?? {};
  const requests: string[] = [];
  const limits: string[] = [];
  for (const resource of Object.keys(hard).sort()) {
    const entry = `${resource}: ${canonicalQuantity(used[resource])}/${canonicalQuantity(hard[resource])}`;
    const dot = resource.indexOf('.');
    (dot > 0 && resource.slice(0, dot) === 'limits' ? limits : requests).push(entry);
  }
  return [requests.join(', '), limits.join(', ')];
}

// Age comes second here, unlike nearly every other printer: kube-apiserver's column order.
export const resourceQuotaPrinter: TablePrinter = definePrinter(
  [
    nameColumn,
    ageColumn,
    column('Request', 'string', 'Request represents a minimum amount of cpu/memory that a container may consume.'),
    column('Limit', 'string', 'Limits control the maximum amount of cpu/memory that a container may use independent of contention on the node.'),
  ],
  (obj, now) => {
    const [request, limit] = resourceQuotaCells(obj.status);
    return [objectName(obj), objectAge(obj, now), request, limit];
  },
);

export const leasePrinter: TablePrinter = definePrinter(
  [nameColumn, column('Holder', 'string', 'The identity of the current holder of the lease.'), ageColumn],
  (obj, now) => [objectName(obj), obj.spec?.holderIdentity ?? '', objectAge(obj, now)],
);

export const componentStatusPrinter: TablePrinter = definePrinter(
  [
    nameColumn,
    column('Status', 'string', 'Status of the component conditions'),
    column('Message', 'string', 'Message of the component conditions'),
    column('Error', 'string', 'Error of the component conditions'),
  ],
  (obj, _now) => {
    const healthy = (obj.conditions ?? []).find((c: any) => c?.type === 'Healthy');
    if (healthy === undefined) return [objectName(obj), 'Unknown', '', ''];
    return [objectName(obj), healthy.status === 'True' ? 'Healthy' : 'Unhealthy', healthy.message ?? '', healthy.error ?? ''];
  },
);
