// Printers for what the scheduler places pods with: priority classes, runtime classes, and the
// dynamic resource allocation kinds (device classes, resource claims and templates, resource slices).
import { ageColumn, column, definePrinter, nameColumn, objectAge, objectName } from './columns.js';
import type { TablePrinter } from './types.js';

export const priorityClassPrinter: TablePrinter = definePrinter(
  [
    nameColumn,
    column('Value', 'integer', 'The integer priority of pods that use this class.'),
    column('Global-Default', 'boolean', 'Whether this class is the default for pods without a priority class.'),
    ageColumn,
    column('PreemptionPolicy', 'string', 'Whether pods of this class may preempt lower-priority pods.'),
  ],
  (obj, now) => [
    objectName(obj),
    obj.value ?? 0,
    obj.globalDefault ?? false,
    objectAge(obj, now),
    // v1 defaults the policy to PreemptLowerPriority.
    obj.preemptionPolicy ?? 'PreemptLowerPriority',
  ],
);

export const runtimeClassPrinter: TablePrinter = definePrinter(
  [nameColumn, column('Handler', 'string', 'The CRI handler that runs pods of this class.'), ageColumn],
  (obj, now) => [objectName(obj), obj.handler ?? '', objectAge(obj, now)],
);

export const deviceClassPrinter: TablePrinter = definePrinter(
  [nameColumn, ageColumn],
  (obj, now) => [objectName(obj), objectAge(obj, now)],
);

/** "pending", "allocated", "allocated,reserved", with "deleted" first while being deleted. */
function resourceClaimState(obj: any): string {
  const states: string[] = [];
  const deleting = obj.metadata?.deletionTimestamp !== undefined && obj.metadata?.deletionTimestamp !== null;
  if (deleting) states.push('deleted');
  if (obj.status?.allocation === undefined || obj.status?.allocation === null) {
    if (!deleting) states.push('pending');
  } else {
    states.push('allocated');
    if ((obj.status?.reservedFor ?? []).length > 0) states.push('reserved');
  }
  return states.join(',');
}

export const resourceClaimPrinter: TablePrinter = definePrinter(
  [
    nameColumn,
    column('State', 'string', 'A summary of the current state (allocated, pending, reserved, etc.).'),
    ageColumn,
  ],
  (obj, now) => [objectName(obj), resourceClaimState(obj), objectAge(obj, now)],
);

export const resourceClaimTemplatePrinter: TablePrinter = definePrinter(
  [nameColumn, ageColumn],
  (obj, now) => [objectName(obj), objectAge(obj, now)],
);

export const resourceSlicePrinter: TablePrinter = definePrinter(
  [
    nameColumn,
    column('Node', 'string', 'The node whose devices this slice lists, when they are local to one node.'),
    column('Driver', 'string', 'The DRA driver that publishes this slice.'),
    column('Pool', 'string', 'The name of the pool this slice belongs to.'),
    ageColumn,
  ],
  (obj, now) => [
    objectName(obj), obj.spec?.nodeName ?? '', obj.spec?.driver ?? '', obj.spec?.pool?.name ?? '', objectAge(obj, now),
  ],
);
