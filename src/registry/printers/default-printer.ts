// The table every resource without a printer gets, as kube-apiserver's default table convertor
// builds it: NAME and CREATED AT (an RFC 3339 timestamp that kubectl renders as an age).
import { timestampMillis } from './age.js';
import { definePrinter, nameColumn, objectName } from './columns.js';
import type { TablePrinter } from './types.js';

/** Go's zero time formatted as RFC 3339, what an object without creationTimestamp shows. */
const ZERO_TIME_RFC3339 = '0001-01-01T00:00:00Z';

/** Go's time.Format(time.RFC3339) in UTC: whole seconds, "Z" suffix. */
function rfc3339Seconds(timestamp: unknown): string {
  const ms = timestampMillis(typeof timestamp === 'string' ? timestamp : undefined);
  if (ms === undefined) return ZERO_TIME_RFC3339;
  const iso = new Date(ms).toISOString();
  return `${iso.slice(0, 19)}Z`;
}

export const defaultTablePrinter: TablePrinter = definePrinter(
  [
    nameColumn,
    // The real convertor sends type "date" with an empty format for this column.
    {
      name: 'Created At',
      type: 'date',
      format: '',
      description: 'Time at which the server created the object (metadata.creationTimestamp), in RFC 3339 form.',
      priority: 0,
    },
  ],
  (obj, _now) => [objectName(obj), rfc3339Seconds(obj?.metadata?.creationTimestamp)],
);
