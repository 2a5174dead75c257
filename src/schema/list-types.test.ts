import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fieldErrorString } from '../apierrors/field-errors.js';
import { validateListSetsAndMaps } from './list-types.js';

const schema = {
  type: 'object',
  properties: {
    spec: {
      type: 'object',
      properties: {
        tags: { type: 'array', 'x-kubernetes-list-type': 'set', items: { type: 'string' } },
        plain: { type: 'array', items: { type: 'string' } },
        ports: {
          type: 'array',
          'x-kubernetes-list-type': 'map',
          'x-kubernetes-list-map-keys': ['protocol', 'port'],
          items: { type: 'object', properties: { port: { type: 'integer' }, protocol: { type: 'string' } } },
        },
        byName: {
          type: 'object',
          additionalProperties: { type: 'array', 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['name'], items: { type: 'object' } },
        },
      },
    },
  },
};

const messages = (obj: Record<string, unknown>) => validateListSetsAndMaps(schema, obj).map(fieldErrorString);

test('a set reports the second appearance of each repeated value; atomic lists may repeat', () => {
  assert.deepEqual(messages({ spec: { tags: ['a', 'b', 'a', 'a', 'b'], plain: ['x', 'x'] } }), [
    'spec.tags[2]: Duplicate value: "a"',
    'spec.tags[4]: Duplicate value: "b"',
  ]);
});

test('a map list reports items with the same keys, as the keys in JSON', () => {
  assert.deepEqual(
    messages({ spec: { ports: [{ port: 80, protocol: 'TCP' }, { port: 80, protocol: 'UDP' }, { protocol: 'TCP', port: 80, name: 'again' }] } }),
    ['spec.ports[2]: Duplicate value: map[string]interface {}{"port":80, "protocol":"TCP"}'],
  );
  assert.deepEqual(messages({ spec: { ports: ['x'] } }), ['spec.ports[0]: Invalid value: "x": must be an object for an array of list-type map']);
  assert.deepEqual(messages({ spec: { byName: { a: [{ name: 'n' }, { name: 'n' }] } } }), ['spec.byName[a][1]: Duplicate value: map[string]interface {}{"name":"n"}']);
});
