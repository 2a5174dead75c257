// Storage key layout: /registry/<group>/<resource>/[<namespace>/]<name>, the core group spelt "core".
import type { StorageIdentity } from '../schema/catalogue.js';

export const registryRoot = '/registry/';

export function resourcePrefix(storage: Pick<StorageIdentity, 'group' | 'resource'>): string {
  return `${registryRoot}${storage.group || 'core'}/${storage.resource}/`;
}

export function namespacePrefix(storage: Pick<StorageIdentity, 'group' | 'resource'>, namespace: string): string {
  return `${resourcePrefix(storage)}${namespace}/`;
}

export function objectKey(storage: Pick<StorageIdentity, 'group' | 'resource'>, namespace: string | undefined, name: string): string {
  return namespace ? `${resourcePrefix(storage)}${namespace}/${name}` : `${resourcePrefix(storage)}${name}`;
}
