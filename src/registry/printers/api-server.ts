// Printers for the API server's own configuration: API priority and fairness (flow schemas,
// priority levels) and aggregated API services.
import { ageColumn, column, definePrinter, nameColumn, objectAge, objectName } from './columns.js';
import type { TablePrinter } from './types.js';

export const flowSchemaPrinter: TablePrinter = definePrinter(
  [
    nameColumn,
    column('PriorityLevel', 'string', 'The priority level configuration requests of this schema are assigned to.'),
    column('MatchingPrecedence', 'string', 'Lower values are matched first among flow schemas.'),
    column('DistinguisherMethod', 'string', 'How requests of this schema are split into flows.'),
    ageColumn,
    column('MissingPL', 'string', 'references a broken or non-existent PriorityLevelConfiguration'),
  ],
  (obj, now) => {
    const spec = obj.spec ?? {};
    const dangling = (obj.status?.conditions ?? []).find((c: any) => c?.type === 'Dangling');
    return [
      objectName(obj),
      spec.priorityLevelConfiguration?.name ?? '',
      // v1 defaults an unset (zero) precedence to 1000.
      spec.matchingPrecedence || 1000,
      spec.distinguisherMethod?.type ?? '<none>',
      objectAge(obj, now),
      dangling === undefined ? '?' : dangling.status ?? '',
    ];
  },
);

export const priorityLevelConfigurationPrinter: TablePrinter = definePrinter(
  [
    nameColumn,
    column('Type', 'string', 'Limited or Exempt.'),
    column('NominalConcurrencyShares', 'string', 'Share of the server\'s concurrency limit this level gets.'),
    column('Queues', 'string', 'Number of queues for this priority level.'),
    column('HandSize', 'string', 'Number of queues a flow is shuffle-sharded over.'),
    column('QueueLengthLimit', 'string', 'Maximum number of requests waiting in one queue.'),
    ageColumn,
  ],
  (obj, now) => {
    const spec = obj.spec ?? {};
    let shares: unknown = '<none>';
    let queues: unknown = '<none>';
    let handSize: unknown = '<none>';
    let queueLengthLimit: unknown = '<none>';
    // The cells are numbers even though the columns say string, exactly as the real printer sends.
    if (spec.limited) {
      shares = spec.limited.nominalConcurrencyShares ?? 30;
      const queuing = spec.limited.limitResponse?.queuing;
      if (queuing) {
        queues = queuing.queues || 64;
        handSize = queuing.handSize || 8;
        queueLengthLimit = queuing.queueLengthLimit || 50;
      }
    }
    return [objectName(obj), spec.type ?? '', shares, queues, handSize, queueLengthLimit, objectAge(obj, now)];
  },
);

/** "True", "False (MissingEndpoints)", or "Unknown" without an Available condition. */
function apiServiceAvailable(obj: any): string {
  const available = (obj.status?.conditions ?? []).find((c: any) => c?.type === 'Available');
  if (available === undefined) return 'Unknown';
  if (available.status !== 'True' && available.reason) return `${available.status} (${available.reason})`;
  return available.status ?? '';
}

export const apiServicePrinter: TablePrinter = definePrinter(
  [
    nameColumn,
    column('Service', 'string', 'The reference to the service that hosts this API endpoint.'),
    column('Available', 'string', 'Whether this service is available.'),
    ageColumn,
  ],
  (obj, now) => {
    const service = obj.spec?.service;
    return [
      objectName(obj),
      service ? `${service.namespace ?? ''}/${service.name ?? ''}` : 'Local',
      apiServiceAvailable(obj),
      objectAge(obj, now),
    ];
  },
);
