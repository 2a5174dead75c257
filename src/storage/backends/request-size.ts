// etcd refuses a request larger than its --max-request-bytes (1.5 MiB by default) with
// "etcdserver: request is too large"; kube-apiserver passes that on. Every backend checks the
// same bound before it changes anything, so an object too big for a real cluster is too big here,
// and nothing of it is written.
import { StorageError } from '../types.js';

/** etcd's default --max-request-bytes. */
export const maxRequestBytes = 1.5 * 1024 * 1024;

export function assertRequestSize(key: string, value: string): void {
  // Cheap first: a UTF-16 unit is at most 3 bytes of UTF-8, so most values need no counting.
  if (key.length + value.length * 3 <= maxRequestBytes) return;
  if (Buffer.byteLength(key) + Buffer.byteLength(value) > maxRequestBytes) {
    throw new StorageError('RequestTooLarge', key, 0, 'etcdserver: request is too large');
  }
}
