// What a storage key may look like, and the key range a prefix covers.
import { StorageError } from '../types.js';

/**
 * Rejects keys that would break prefix listing or the on-disk record layout: keys are absolute
 * ('/registry/...'), never end with '/' (a key must not equal a listing prefix), carry no
 * newline or NUL (record separators), and have no '.' or '..' segment (kube-apiserver's
 * storage refuses those too, so a crafted name cannot reach another resource's keys).
 */
export function validateKey(key: string): void {
  if (key.length < 2 || key.charCodeAt(0) !== 47 /* / */ || key.charCodeAt(key.length - 1) === 47) {
    throw new StorageError('InvalidKey', key, 0, `invalid key: ${JSON.stringify(key)}`);
  }
  if (key.includes('\n') || key.includes('\0') || key.includes('/./') || key.includes('/../') || key.endsWith('/.') || key.endsWith('/..')) {
    throw new StorageError('InvalidKey', key, 0, `invalid key: ${JSON.stringify(key)}`);
  }
}

/**
 * The smallest string greater than every string starting with `prefix` (exclusive upper bound
 * of the prefix range), or undefined when the range is unbounded (empty prefix).
 */
export function prefixEnd(prefix: string): string | undefined {
  for (let i = prefix.length - 1; i >= 0; i--) {
    const code = prefix.charCodeAt(i);
    if (code < 0xffff) return prefix.slice(0, i) + String.fromCharCode(code + 1);
  }
  return undefined;
}
