// Conversion strategy None of a CustomResourceDefinition: versions share one schema-less shape,
// so only apiVersion changes between the served version and the storage version.
import type { KubeObject } from '../../machinery/object.js';
import type { ResourceInfo } from '../../schema/catalogue.js';
import type { Conversion } from './types.js';

export function apiVersionConversion(info: ResourceInfo): Conversion {
  const storageApiVersion = info.storage.group ? `${info.storage.group}/${info.storage.version}` : info.storage.version;
  return {
    toStorage: (obj: KubeObject) => ({ ...obj, apiVersion: storageApiVersion }),
    fromStorage: (obj: KubeObject) => ({ ...obj, apiVersion: info.apiVersion }),
  };
}
