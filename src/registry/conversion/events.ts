// events.k8s.io/v1 Event is the same stored object as core/v1 Event, with fields renamed.
import type { KubeObject } from '../../machinery/object.js';
import type { Conversion } from './types.js';

// [events.k8s.io/v1 field, core/v1 field]
const renames: [string, string][] = [
  ['regarding', 'involvedObject'],
  ['note', 'message'],
  ['reportingController', 'reportingComponent'],
  ['deprecatedSource', 'source'],
  ['deprecatedFirstTimestamp', 'firstTimestamp'],
  ['deprecatedLastTimestamp', 'lastTimestamp'],
  ['deprecatedCount', 'count'],
];

function rename(obj: KubeObject, from: 0 | 1, apiVersion: string): KubeObject {
  const out: KubeObject = {};
  const map = new Map(renames.map((r) => [r[from], r[1 - from]]));
  for (const [k, v] of Object.entries(obj)) out[map.get(k) ?? k] = v;
  out.apiVersion = apiVersion;
  out.kind = 'Event';
  return out;
}

export const eventsV1Conversion: Conversion = {
  toStorage: (obj) => rename(obj, 0, 'v1'),
  fromStorage: (obj) => rename(obj, 1, 'events.k8s.io/v1'),
};
