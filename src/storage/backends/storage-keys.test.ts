import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isStorageError } from '../types.js';
import { prefixEnd, validateKey } from './storage-keys.js';

test('prefixEnd is the first string past every key with the prefix', () => {
  assert.equal(prefixEnd('/registry/pods/'), '/registry/pods0');
  assert.equal(prefixEnd('o'), 'p');
  assert.equal(prefixEnd(''), undefined);
  assert.equal(prefixEnd('a\uffff'), 'b');
  const end = prefixEnd('/registry/pods/')!;
  assert.ok('/registry/pods/zzz' < end && '/registry/pods0' >= end && '/registry/podtemplates/a' >= end);
});

test('validateKey accepts registry keys and refuses malformed ones', () => {
  for (const key of ['/registry/pods/ns/a', '/registry/apiregistration.k8s.io/apiservices/v1.apps', '/a']) validateKey(key);
  for (const key of ['', '/', 'registry/pods/a', '/registry/pods/', '/registry/../x', '/registry/./x', '/registry/x/..', '/a\nb', '/a\0b']) {
    assert.throws(() => validateKey(key), (err) => isStorageError(err, 'InvalidKey'), JSON.stringify(key));
  }
});
