// Which served resources are stored in another version or group, and how to convert them.
import type { ResourceInfo } from '../../schema/catalogue.js';
import { eventsV1Conversion } from './events.js';
import { horizontalPodAutoscalerV1Conversion } from './horizontal-pod-autoscalers.js';
import type { Conversion } from './types.js';
import { apiVersionConversion } from './custom-resources.js';

export type { Conversion } from './types.js';

const conversions: ReadonlyMap<string, Conversion> = new Map([
  ['autoscaling/v1/horizontalpodautoscalers', horizontalPodAutoscalerV1Conversion],
  ['events.k8s.io/v1/events', eventsV1Conversion],
]);

/** The conversion for a resource served in a version other than its storage version, if any. */
export function conversionFor(info: ResourceInfo): Conversion | undefined {
  if (info.group === info.storage.group && info.version === info.storage.version) return undefined;
  if (info.custom) return apiVersionConversion(info);
  const conversion = conversions.get(`${info.group}/${info.version}/${info.resource}`);
  if (!conversion) throw new Error(`no conversion from ${info.apiVersion} ${info.kind} to its storage version ${info.storage.version}`);
  return conversion;
}
