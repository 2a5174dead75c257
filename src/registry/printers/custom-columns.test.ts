import assert from 'node:assert/strict';
import { test } from 'node:test';
import { customResourcePrinter } from './custom-columns.js';

test('a custom resource table: date cells are ages, as the tableconvertor makes them; missing values are null', () => {
  const now = new Date('2026-12-06T08:10:00Z');
  const printer = customResourcePrinter([
    { name: 'Replicas', type: 'integer', jsonPath: '.spec.replicas' },
    { name: 'Since', type: 'date', jsonPath: '.status.since' },
  ]);
  const obj = { metadata: { name: 'w1', creationTimestamp: '2026-12-06T08:00:00Z' }, spec: { replicas: 3 }, status: { since: '2026-12-06T08:07:00Z' } };
  assert.deepEqual(printer.cells(obj, now), ['w1', 3, '3m']);
  assert.deepEqual(printer.cells({ ...obj, status: { since: 'yesterday' } }, now), ['w1', 3, '<invalid>']);
  assert.deepEqual(printer.cells({ metadata: obj.metadata }, now), ['w1', null, null]);
  // Without columns: NAME and AGE.
  assert.deepEqual(customResourcePrinter([]).cells(obj, now), ['w1', '10m']);
});
