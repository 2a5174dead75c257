import { test } from 'node:test';
import assert from 'node:assert/strict';
import { findDuplicateJsonFields } from './duplicate-fields.js';

test('reports repeated keys with strict-decoder paths, in document order, once each', () => {
  const body = `{
    "metadata": {"name": "a", "labels": {"app": "x", "app": "y"}, "name": "b"},
    "spec": {"containers": [
      {"name": "c0"},
      {"name": "c1", "image": "i", "image": "j", "ports": [{"containerPort": 1}, {"containerPort": 2, "containerPort": 3}]}
    ], "paused": true, "paused": false, "paused": true},
    "kind": "Pod", "kind": "Pod"
  }`;
  assert.deepEqual(findDuplicateJsonFields(body), [
    'metadata.labels.app',
    'metadata.name',
    'spec.containers[1].image',
    'spec.containers[1].ports[1].containerPort',
    'spec.paused',
    'kind',
  ]);
});

test('no duplicates: empty result; equal keys in different objects are not duplicates', () => {
  assert.deepEqual(findDuplicateJsonFields('{"a":{"x":1},"b":{"x":1},"c":[{"x":1},{"x":2}]}'), []);
  assert.deepEqual(findDuplicateJsonFields('{}'), []);
  assert.deepEqual(findDuplicateJsonFields('[1,2,{"a":1}]'), []);
});

test('strings that look like JSON, escapes and equal spellings are handled', () => {
  // Keys and values containing quotes, braces and commas must not confuse the scanner.
  assert.deepEqual(findDuplicateJsonFields('{"a\\"b": "{\\"x\\":1,", "c": "[,]", "a\\"b": 2}'), ['a"b']);
  // "\u0061" is "a": Go compares decoded keys.
  assert.deepEqual(findDuplicateJsonFields('{"a": 1, "\\u0061": 2}'), ['a']);
  assert.deepEqual(findDuplicateJsonFields('{"x": "\\\\", "x": 1}'), ['x']);
});

test('large objects switch to a set and still find every duplicate', () => {
  const keys = Array.from({ length: 500 }, (_, i) => `"k${i}": ${i}`);
  keys.push('"k7": 0', '"k499": 0');
  assert.deepEqual(findDuplicateJsonFields(`{"data": {${keys.join(',')}}}`), ['data.k7', 'data.k499']);
});

test('does not throw on truncated input', () => {
  assert.deepEqual(findDuplicateJsonFields('{"a": 1, "a": "unterminated'), ['a']);
  assert.deepEqual(findDuplicateJsonFields('}]{'), []);
});
