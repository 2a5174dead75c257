// Printers for events, served both as core/v1 Events and as events.k8s.io/v1 Events. The real
// server prints both through one printer after converting to its internal type; here the
// events.k8s.io field names are mapped onto the core ones first.
import { formatAge, timestampMillis } from './age.js';
import { column, definePrinter, nameColumn, objectName, wideColumn } from './columns.js';
import type { TableColumnDefinition, TablePrinter } from './types.js';

/** The fields the printer reads, in core/v1 vocabulary. */
interface CoreEventView {
  firstTimestamp?: string;
  lastTimestamp?: string;
  eventTime?: string;
  count?: number;
  series?: { count?: number; lastObservedTime?: string };
  involvedObject?: { kind?: string; name?: string; fieldPath?: string };
  source?: { component?: string; host?: string };
  reportingController?: string;
  reportingInstance?: string;
  type?: string;
  reason?: string;
  message?: string;
}

const eventColumns: TableColumnDefinition[] = [
  column('Last Seen', 'string', 'The time at which the most recent occurrence of this event was recorded.'),
  column('Type', 'string', 'Type of this event (Normal, Warning).'),
  column('Reason', 'string', 'A short, machine-understandable reason for the transition into the object\'s current status.'),
  column('Object', 'string', 'The object that this event is about.'),
  wideColumn('Subobject', 'string', 'The part of the object the event is about, such as a container (involvedObject.fieldPath).'),
  wideColumn('Source', 'string', 'The component reporting this event.'),
  column('Message', 'string', 'A human-readable description of the status of this operation.'),
  wideColumn('First Seen', 'string', 'The time at which the event was first recorded.'),
  wideColumn('Count', 'string', 'The number of times this event has occurred.'),
  { ...nameColumn, priority: 1 },
];

/** "kubelet, node-1": component (or reporting controller), then host (or reporting instance). */
function eventSource(event: CoreEventView): string {
  const component = event.source?.component || event.reportingController || '';
  const instance = event.source?.host || event.reportingInstance || '';
  return instance === '' ? component : `${component}, ${instance}`;
}

function eventCells(event: CoreEventView, name: string, now: Date): unknown[] {
  // A zero firstTimestamp means the event came through events.k8s.io; its eventTime stands in.
  const firstSeen = timestampMillis(event.firstTimestamp) !== undefined
    ? formatAge(event.firstTimestamp, now)
    : formatAge(event.eventTime, now);
  let lastSeen = timestampMillis(event.lastTimestamp) !== undefined ? formatAge(event.lastTimestamp, now) : firstSeen;
  let count = event.count ?? 0;
  if (event.series) {
    lastSeen = formatAge(event.series.lastObservedTime, now);
    count = event.series.count ?? 0;
  } else if (count === 0) {
    // Singleton events written through events.k8s.io carry no count.
    count = 1;
  }
  const kind = (event.involvedObject?.kind ?? '').toLowerCase();
  const target = event.involvedObject?.name ? `${kind}/${event.involvedObject.name}` : kind;
  return [
    lastSeen,
    event.type ?? '',
    event.reason ?? '',
    target,
    event.involvedObject?.fieldPath ?? '',
    eventSource(event),
    (event.message ?? '').trim(),
    firstSeen,
    count,
    name,
  ];
}

export const eventPrinter: TablePrinter = definePrinter(
  eventColumns,
  (obj, now) => eventCells(obj as CoreEventView, objectName(obj), now),
);

/** events.k8s.io/v1 renames most fields; this is the conversion the real server applies. */
function coreViewOfEventsV1(obj: any): CoreEventView {
  return {
    firstTimestamp: obj.deprecatedFirstTimestamp,
    lastTimestamp: obj.deprecatedLastTimestamp,
    eventTime: obj.eventTime,
    count: obj.deprecatedCount,
    series: obj.series,
    involvedObject: obj.regarding,
    source: obj.deprecatedSource,
    reportingController: obj.reportingController,
    reportingInstance: obj.reportingInstance,
    type: obj.type,
    reason: obj.reason,
    message: obj.note,
  };
}

export const eventsV1Printer: TablePrinter = definePrinter(
  eventColumns,
  (obj, now) => eventCells(coreViewOfEventsV1(obj), objectName(obj), now),
);
