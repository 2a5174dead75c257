// resource.k8s.io/v1 defaults: k8s.io/kubernetes pkg/apis/resource/v1/defaults.go (1.36) and the
// declarative DeviceToleration operator default. A device taint without timeAdded is stamped with
// the current time, truncated to seconds.
import { isEmptyString, isNil, isZeroNumber, objectAt, type DefaultsTable, type DefaultingContext, type JsonMap } from './types.js';

const resource = 'io.k8s.api.resource.v1.';

function deviceRequest(request: JsonMap): void {
  if (isEmptyString(request['allocationMode'])) request['allocationMode'] = 'ExactCount';
  if (request['allocationMode'] === 'ExactCount' && isZeroNumber(request['count'])) request['count'] = 1;
}

function deviceTaint(taint: JsonMap, ctx: DefaultingContext): void {
  if (!isNil(taint['timeAdded'])) return;
  const seconds = Math.floor(ctx.now() / 1000) * 1000;
  taint['timeAdded'] = new Date(seconds).toISOString().replace('.000Z', 'Z');
}

function device(dev: JsonMap): void {
  const mappings = objectAt(dev, 'nodeAllocatableResourceMappings');
  for (const mapping of Object.values(mappings ?? {})) {
    if (mapping !== null && typeof mapping === 'object' && isNil((mapping as JsonMap)['allocationMultiplier'])) {
      (mapping as JsonMap)['allocationMultiplier'] = '1';
    }
  }
}

export const resourceV1Defaults: DefaultsTable = {
  [`${resource}ExactDeviceRequest`]: { apply: deviceRequest },
  [`${resource}DeviceSubRequest`]: { apply: deviceRequest },
  [`${resource}DeviceToleration`]: {
    apply: (toleration) => {
      if (isEmptyString(toleration['operator'])) toleration['operator'] = 'Equal';
    },
  },
  [`${resource}DeviceTaint`]: { apply: deviceTaint },
  [`${resource}Device`]: { apply: device },
};
